-- wrk script: sends the requests in the file given after `--`, in order, one per line:
-- path <TAB> headers (name:value, separated by |) <TAB> body. Wraps around at the end
-- (bench/load.py refuses a run that did, for requests that change state).
local requests = {}
local nxt = 0

function init(args)
  for line in io.lines(args[1]) do
    local path, head, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    for name, value in head:gmatch("([^:|]+):([^|]*)") do
      headers[name] = value
    end
    requests[#requests + 1] = wrk.format("POST", path, headers, body)
  end
end

function request()
  nxt = nxt % #requests + 1
  return requests[nxt]
end
