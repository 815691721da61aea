-- wrk script for the create scenario of scripts/bench/run.sh: POST the slip in $BODY_FILE
-- to /api/v1/referrals with the bearer token in $TOKEN and a fresh Idempotency-Key on
-- every request ($KEY_PREFIX-thread-counter), so that every request is a real create
-- with its audit event, not a replay. (oha sends the same headers on every request.)
-- Prints one JSON line: {"rps", "p50_ms", "p99_ms", "responses", "ok", "statuses", "errors"}.

local f = assert(io.open(os.getenv("BODY_FILE"), "r"))
local body = f:read("*a")
f:close()
local token = assert(os.getenv("TOKEN"), "TOKEN not set")
local prefix = assert(os.getenv("KEY_PREFIX"), "KEY_PREFIX not set")

-- setup() runs in the main Lua state once per thread; each thread has its own state.
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_no", #threads)
end

-- Per-thread state (globals of the thread's Lua state, read back in done()).
local counter = 0
ok = 0
statuses = ""
local seen = {}

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = string.format("%s-%d-%d", prefix, thread_no, counter),
  }
  return wrk.format("POST", "/api/v1/referrals", headers, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  end
  seen[status] = (seen[status] or 0) + 1
  -- thread:get() copies only strings, numbers and booleans: keep "status=n,..." text.
  local parts = {}
  for code, n in pairs(seen) do
    parts[#parts + 1] = string.format("\"%d\":%d", code, n)
  end
  statuses = table.concat(parts, ",")
end

function done(summary, latency, requests)
  local total_ok, merged = 0, {}
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    local text = thread:get("statuses")
    for code, n in string.gmatch(text, "\"(%d+)\":(%d+)") do
      merged[code] = (merged[code] or 0) + tonumber(n)
    end
  end
  local parts = {}
  for code, n in pairs(merged) do
    parts[#parts + 1] = string.format("\"%s\":%d", code, n)
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT {\"rps\":%.2f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"responses\":%d,\"ok\":%d," ..
    "\"statuses\":{%s},\"errors\":{\"connect\":%d,\"read\":%d,\"write\":%d,\"timeout\":%d}}\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, total_ok, table.concat(parts, ","),
    errors.connect, errors.read, errors.write, errors.timeout))
end
