-- wrk script: sends the requests in the file given after `--`, in order, one per line:
-- path <TAB> headers (name:value, separated by |) <TAB> body. Wraps around at the end
-- (bench/load.py refuses a run that did, for requests that change state). An optional second
-- argument paces each connection: the mean milliseconds between an answer and its next request.
local requests = {}
local nxt = 0
local pause = 0

function init(args)
  pause = tonumber(args[2] or "0")
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

-- Exponentially distributed, so the connections do not fall into step and arrive as bursts
-- (people answering texts arrive at random, not on a beat).
function delay()
  if pause == 0 then
    return 0
  end
  return math.floor(-pause * math.log(1 - math.random()))
end
