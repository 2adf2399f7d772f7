#!/usr/bin/env bash
# Webhook fairness between organizations: how long one organization's events take to reach its receiver
# while another organization's receivers are slow.
#
# Starts a server on an embedded PostgreSQL and one loopback receiver (Python). Organization A gets
# <slow_subscriptions> subscriptions whose endpoint sleeps <slow_seconds> per request, and <a_events> role
# changes (so A has slow_subscriptions × a_events slow requests queued); organization B gets one
# subscription to an endpoint that answers at once. Then B makes <b_events> role changes, one per second,
# and the script prints how long each took from B's acknowledged write to its arrival at B's receiver.
# Usage: bench/load/webhook-fairness.sh [slow_subscriptions=16] [a_events=3] [slow_seconds=2] [b_events=10]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
slow_subscriptions="${1:-16}"
a_events="${2:-3}"
slow_seconds="${3:-2}"
b_events="${4:-10}"
port="${GH_BENCH_PORT:-18091}"
receiver_port="${GH_BENCH_RECEIVER_PORT:-18092}"
key="bench-service-key-0123456789"
data="$(mktemp -d)"
extra=()
# The receiver listens on loopback, which webhooks reach only when allowed (on versions that check targets).
if "$root/gatehouse" serve --help 2>/dev/null | grep -q -- --webhook-allowed-networks; then
  extra+=(--webhook-allowed-networks 127.0.0.0/8)
fi
GATEHOUSE_SERVICE_KEY="$key" GATEHOUSE_LOG_LEVEL=WARN GATEHOUSE_JAVA_OPTS="${GATEHOUSE_JAVA_OPTS:--Xmx512m}" \
  "$root/gatehouse" serve --port "$port" --host 127.0.0.1 --data-dir "$data" --webhook-timeout 60s \
  "${extra[@]}" > "$data/server.out" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do grep -q "listening" "$data/server.out" 2>/dev/null && break; sleep 1; done
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); server, receiver and driver share the cores"
echo "A: $slow_subscriptions subscriptions × $a_events events, ${slow_seconds}s per request; B: $b_events events"
GH="http://127.0.0.1:$port" GH_KEY="$key" RECEIVER_PORT="$receiver_port" SLOW_SUBSCRIPTIONS="$slow_subscriptions" \
  A_EVENTS="$a_events" SLOW_SECONDS="$slow_seconds" B_EVENTS="$b_events" python3 - <<'PY'
import base64, json, os, statistics, threading, time, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

gh, key = os.environ["GH"], os.environ["GH_KEY"]
receiver_port = int(os.environ["RECEIVER_PORT"])
slow_subscriptions, a_events = int(os.environ["SLOW_SUBSCRIPTIONS"]), int(os.environ["A_EVENTS"])
slow_seconds, b_events = float(os.environ["SLOW_SECONDS"]), int(os.environ["B_EVENTS"])
arrivals, lock = {}, threading.Lock()

class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/slow"):
            time.sleep(slow_seconds)
        else:
            with lock:
                arrivals.setdefault(int(self.headers["Gatehouse-Event-Revision"]), time.monotonic())
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", receiver_port), Receiver)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
auth = "Basic " + base64.b64encode((key + ":").encode()).decode()

def call(method, path, body):
    req = urllib.request.Request(gh + path, data=json.dumps(body).encode(), method=method,
                                 headers={"Authorization": auth, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as res:
        return json.loads(res.read() or b"{}"), res.headers

def org(name):
    return call("POST", "/v1/orgs", {"name": name, "model": "close",
                                     "admin": {"user_id": "admin", "email": "admin@" + name.lower() + ".test"}})[0]["id"]

def role(org_id, name):
    _, headers = call("POST", f"/v1/orgs/{org_id}/roles", {"name": name, "permissions": ["view_all_leads"]})
    return int(headers["Gatehouse-Revision"])

a, b = org("Slow"), org("Fast")
for i in range(slow_subscriptions):
    call("POST", f"/v1/orgs/{a}/webhooks", {"url": f"http://127.0.0.1:{receiver_port}/slow/{i}", "object_types": ["role"]})
call("POST", f"/v1/orgs/{b}/webhooks", {"url": f"http://127.0.0.1:{receiver_port}/fast", "object_types": ["role"]})
for i in range(a_events):
    role(a, f"A{i}")
time.sleep(1)
written = {}
for i in range(b_events):
    revision = role(b, f"B{i}")
    written[revision] = time.monotonic()
    time.sleep(1)
deadline = time.monotonic() + slow_subscriptions * a_events * slow_seconds + 60
while time.monotonic() < deadline:
    with lock:
        if all(r in arrivals for r in written):
            break
    time.sleep(0.05)
latencies = [arrivals[r] - t for r, t in written.items() if r in arrivals]
missing = len(written) - len(latencies)
print("B latency (s) in write order, acknowledged write -> arrival: " + " ".join(f"{x:.3f}" for x in latencies)
      + (f"  ({missing} never arrived)" if missing else ""))
if latencies:
    print(f"RESULT median={statistics.median(latencies):.3f}s max={max(latencies):.3f}s")
PY
