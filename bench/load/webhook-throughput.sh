#!/usr/bin/env bash
# Webhook delivery throughput: how long a node takes to deliver a backlog spread over many organizations.
#
# Starts a server on an embedded PostgreSQL and one loopback receiver (Python) that answers every request at once.
# Creates <organizations> organizations, each with one paused subscription (to groups) and <events> groups imported
# in one request, then resumes every subscription and times until the receiver has counted organizations × events
# requests. Prints the deliveries, the seconds, deliveries per second and the CPU the server and its PostgreSQL
# took per delivery. Every organization delivers in parallel (one subscription each), so the node's deliverers,
# their database turns and its HTTP client are all busy at once.
# Usage: bench/load/webhook-throughput.sh [organizations=20] [events=100]
#   GATEHOUSE_JAR=path/to.jar runs that build instead of the checkout (to compare builds in turns).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
organizations="${1:-20}"
events="${2:-100}"
receiver_port="${GH_BENCH_RECEIVER_PORT:-18092}"
source "$root/bench/load/server.sh"
gh_tools
# the receiver listens on loopback, which webhooks reach only when allowed
gh_start --webhook-allowed-networks 127.0.0.0/8
python3 - "$receiver_port" <<'PY' &
import http.server, sys, threading
count, lock = 0, threading.Lock()
class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            count += 1
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def do_GET(self):
        body = str(count).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
PY
receiver=$!
trap 'kill $receiver $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
subscriptions=()
for o in $(seq 1 "$organizations"); do
  org=$(gh_post /v1/orgs "{\"name\": \"Deliveries $o\", \"model\": \"close\"}" | jq -r .id)
  id=$(gh_post "/v1/orgs/$org/webhooks" "{\"url\": \"http://127.0.0.1:$receiver_port/o$o\", \"status\": \"paused\",
    \"object_types\": [\"group\"]}" | jq -r .id)
  subscriptions+=("/v1/orgs/$org/webhooks/$id")
  for e in $(seq 1 "$events"); do echo "{\"type\": \"group\", \"name\": \"G$e\"}"; done \
    | curl -sf -u "$key:" "$gh/v1/orgs/$org/import" -H 'Content-Type: application/x-ndjson' --data-binary @- >/dev/null
done
want=$(( organizations * events ))
before=$(gh_cpu_ticks)
start=$(date +%s.%N)
for path in "${subscriptions[@]}"; do
  curl -sf -u "$key:" -X PATCH "$gh$path" -H 'Content-Type: application/json' -d '{"status": "active"}' >/dev/null
done
until [ "$(curl -sf "http://127.0.0.1:$receiver_port/")" -ge "$want" ]; do sleep 0.05; done
end=$(date +%s.%N)
after=$(gh_cpu_ticks)
seconds=$(echo "$end - $start" | bc -l)
printf 'RESULT deliveries=%d seconds=%.2f per_second=%.0f cpu_us_per_delivery=%d\n' "$want" "$seconds" \
  "$(echo "$want / $seconds" | bc -l)" "$(( (after - before) * 1000000 / $(getconf CLK_TCK) / want ))"
