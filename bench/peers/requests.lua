-- wrk script: replays a fixed list of requests in order, round robin, one per call.
-- PEERS_REQUESTS: file with one request a line, "METHOD<TAB>path<TAB>body" (body may be empty).
-- PEERS_AUTH: optional Authorization header value.
local requests = {}
local n = 0

init = function(args)
  local headers = { ["Content-Type"] = "application/json" }
  local auth = os.getenv("PEERS_AUTH")
  if auth ~= nil and auth ~= "" then headers["Authorization"] = auth end
  local file = assert(io.open(os.getenv("PEERS_REQUESTS"), "r"))
  for line in file:lines() do
    local method, path, body = line:match("^([^\t]+)\t([^\t]+)\t?(.*)$")
    if body == "" then body = nil end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  file:close()
end

request = function()
  n = n % #requests + 1
  return requests[n]
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
