#!/usr/bin/env bash
# HTTP load on the management reads, which are answered from the tables: starts a server on an embedded PostgreSQL,
# creates an organization with 200 members, then drives GET of one member, GET of a page of 50 members and GET of
# the history (50 events) with wrk on loopback, <rounds> times in turn.
# Usage: bench/load/http-read.sh [duration_seconds=15] [connections=16] [rounds=1]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${1:-15}"
connections="${2:-16}"
rounds="${3:-1}"
source "$root/bench/load/server.sh"
gh_tools
gh_start
org=$(gh_post /v1/orgs '{"name":"Bench","model":"close","admin":{"user_id":"admin","email":"admin@bench.test"}}' | jq .id)
role=$(gh_post "/v1/orgs/$org/roles" '{"name":"Caller","permissions":["calling","view_all_leads"]}' | jq .id)
lines=$(for i in $(seq 1 200); do
  echo "{\"type\":\"member\",\"user_id\":\"u$i\",\"email\":\"u$i@bench.test\",\"role\":\"Caller\"}"
done)
curl -sf -u "$key:" "$gh/v1/orgs/$org/import" -H 'Content-Type: application/x-ndjson' --data-binary "$lines" >/dev/null
export GH_KEY="$key"
# Sanity: the reads wrk sends are answered as intended.
echo "member answer: $(curl -sf -u "$key:" "$gh/v1/orgs/$org/members/user:u7" | jq -c '{user_id, role_id}')"
echo "page answer: $(curl -sf -u "$key:" "$gh/v1/orgs/$org/members?limit=50" | jq -c '{items: (.items | length)}')"
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); wrk and server share the cores"
run() { # name path
  GH_METHOD=GET GH_PATH="$2" wrk -t1 -c"$connections" -d5s -s "$root/bench/load/check.lua" "$gh" >/dev/null  # warm-up
  GH_METHOD=GET GH_PATH="$2" gh_wrk "$1" -t1 -c"$connections" -d"${duration}s" --latency -s "$root/bench/load/check.lua" "$gh"
}
for _ in $(seq 1 "$rounds"); do
  run member "/v1/orgs/$org/members/user:u7"
  run members50 "/v1/orgs/$org/members?limit=50"
  run events50 "/v1/orgs/$org/events?limit=50"
done
