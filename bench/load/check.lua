-- wrk script: POST one check per request. Body and path come from the environment (see http-check.sh);
-- GH_METHOD=GET sends a GET without body (the /healthz reference).
wrk.method = os.getenv("GH_METHOD") or "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("GH_KEY")
wrk.path = os.getenv("GH_PATH")
if wrk.method == "POST" then
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = os.getenv("GH_BODY")
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d requests_per_s=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
