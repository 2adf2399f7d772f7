#!/usr/bin/env bash
# HTTP load on the decision API: starts a server on an embedded PostgreSQL, creates a small organization,
# then drives POST /check, GET /healthz (the same server's trivial route: the ceiling for /check) and
# POST /check/batch (100 checks per request) with wrk on loopback, <rounds> times in turn.
# Usage: bench/load/http-check.sh [duration_seconds=15] [connections=16] [rounds=1]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${1:-15}"
connections="${2:-16}"
rounds="${3:-1}"
source "$root/bench/load/server.sh"
gh_tools
gh_start
created=$(curl -sf -u "$key:" "$gh/v1/orgs" -H 'Content-Type: application/json' \
  -d '{"name":"Bench","model":"rooms","admin":{"user_id":"admin","email":"admin@bench.test"}}')
org=$(jq .id <<<"$created"); account=$(jq -r .account_id <<<"$created")
role=$(curl -sf -u "$key:" "$gh/v1/orgs/$org/roles" -H 'Content-Type: application/json' \
  -d '{"name":"Agent","permissions":["canCreateRooms","canViewRoomDetails"]}' | jq .id)
# Member u<i> owns room <i> (created through the Rooms dialect: room roles are held only in rooms that exist).
for i in $(seq 1 20); do
  member=$(curl -sf -u "$key:" "$gh/v1/orgs/$org/members" -H 'Content-Type: application/json' \
    -d "{\"user_id\":\"u$i\",\"email\":\"u$i@bench.test\",\"role_id\":$role}" | jq .id)
  curl -sf -u "$key:" "$gh/restapi/v2/accounts/$account/rooms" -H 'Content-Type: application/json' \
    -d "{\"name\":\"r$i\",\"roleId\":$role,\"ownerId\":$member}" >/dev/null
done
export GH_KEY="$key"
single='{"user_id":"u7","permission":"canViewRoomDetails","resource":{"type":"room","id":"7"}}'
batch=$(jq -cn '{checks: [range(100) | {user_id: ("u" + ((. % 20) + 1 | tostring)), permission: "canViewRoomDetails", resource: {type: "room", id: ((. % 7) + 1 | tostring)}}]}')
# Sanity: the bodies wrk sends are answered as intended.
echo "check answer: $(curl -sf -u "$key:" "$gh/v1/orgs/$org/check" -H 'Content-Type: application/json' -d "$single")"
echo "batch answer: $(curl -sf -u "$key:" "$gh/v1/orgs/$org/check/batch" -H 'Content-Type: application/json' -d "$batch" \
  | jq -c '{results: (.results | length), allowed: ([.results[] | select(.allowed)] | length)}')"
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); wrk and server share the cores"
run() { # name path body
  GH_PATH="$2" GH_BODY="$3" wrk -t1 -c"$connections" -d5s -s "$root/bench/load/check.lua" "$gh" >/dev/null  # warm-up
  GH_PATH="$2" GH_BODY="$3" gh_wrk "$1" -t1 -c"$connections" -d"${duration}s" --latency -s "$root/bench/load/check.lua" "$gh"
}
for _ in $(seq 1 "$rounds"); do
  run check "/v1/orgs/$org/check" "$single"
  GH_METHOD=GET run healthz /healthz ""
  run batch100 "/v1/orgs/$org/check/batch" "$batch"
done
echo "(batch100: checks/s = requests_per_s × 100)"
