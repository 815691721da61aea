-- wrk script: GET with the bearer token in $TOKEN; paths rotate over $PATHS_FILE.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local paths = {}
local file = os.getenv("PATHS_FILE")
if file then
  for line in io.lines(file) do paths[#paths + 1] = line end
end
local i = 0
request = function()
  if #paths == 0 then return wrk.format(nil) end
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
