-- wrk script: POST one check per request. Body and path come from the environment (see http-check.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("GH_KEY")
wrk.body = os.getenv("GH_BODY")
wrk.path = os.getenv("GH_PATH")

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d requests_per_s=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
