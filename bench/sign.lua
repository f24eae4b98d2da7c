-- wrk script: signers at a petition surge. Each signer posts the form (a code is made and,
-- with no SMS provider, handed back in a cookie as `make run` demos it), then posts the code.
-- Arguments after `--`: the petition code and the first signer's number.
local petition, first
local waiting = {}  -- confirm pages whose code has come back, oldest first
local n = 0
signed, refused = 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  petition, first = args[1], tonumber(args[2])
end

local form_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function request()
  local next_confirm = table.remove(waiting, 1)
  if next_confirm then
    return wrk.format("POST", next_confirm[1], form_headers, "code=" .. next_confirm[2])
  end
  n = n + 1
  local who = first + n
  local body = string.format(
    "name=Signer+%d&address=%d+Bench+Row%%2C+L%d+4TH&phone=07%09d&affected=yes",
    who, who, who % 40, 900000000 + who)
  return wrk.format("POST", "/s/" .. petition, form_headers, body)
end

function response(status, headers, body)
  local location = headers["location"] or headers["Location"] or ""
  if status == 303 and location:find("/confirm/", 1, true) then
    local cookie = headers["set-cookie"] or headers["Set-Cookie"] or ""
    local code = cookie:match("fd_demo_code=(%d+)")
    table.insert(waiting, { location, code })
  elseif status == 303 and location:find("signed=1", 1, true) then
    signed = signed + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local total_signed, total_refused = 0, 0
  for _, thread in ipairs(threads) do
    total_signed = total_signed + thread:get("signed")
    total_refused = total_refused + thread:get("refused")
  end
  io.write(string.format("signed %d refused %d\n", total_signed, total_refused))
end
