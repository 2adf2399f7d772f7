#!/usr/bin/env bash
# HTTP load on single writes: starts a server on an embedded PostgreSQL, creates <orgs> organizations on the
# rooms model (two roles, 8 members and one room each), then drives wrk with <connections> connections
# PUTting room assignments through /v1 (round-robin over the organizations; every request changes a role).
# Usage: bench/load/http-write.sh [duration_seconds=15] [connections=16] [orgs=16]
#   GATEHOUSE_JAR=path/to.jar runs that build instead of the checkout (bench/load/compare.sh uses it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${1:-15}"
connections="${2:-16}"
orgs="${3:-16}"
source "$root/bench/load/server.sh"
gh_tools
gh_start
targets=""
for o in $(seq 1 "$orgs"); do
  created=$(gh_post /v1/orgs "{\"name\":\"W$o\",\"model\":\"rooms\",\"admin\":{\"user_id\":\"admin\",\"email\":\"admin@w$o.test\"}}")
  org=$(jq .id <<<"$created"); account=$(jq -r .account_id <<<"$created")
  role1=$(gh_post "/v1/orgs/$org/roles" '{"name":"Agent","permissions":["canCreateRooms","canViewRoomDetails"]}' | jq .id)
  role2=$(gh_post "/v1/orgs/$org/roles" '{"name":"Viewer","permissions":["canViewRoomDetails"]}' | jq .id)
  members=""
  for i in $(seq 1 8); do
    members="$members $(gh_post "/v1/orgs/$org/members" "{\"user_id\":\"u$i\",\"email\":\"u$i@w$o.test\",\"role_id\":$role1}" | jq .id)"
  done
  owner=${members%% *}; owner=$(echo $members | cut -d' ' -f1)
  room=$(gh_post "/restapi/v2/accounts/$account/rooms" "{\"name\":\"r\",\"roleId\":$role1,\"ownerId\":$owner}" | jq .roomId)
  targets="$targets$org $room $role1 $role2$members;"
done
export GH_KEY="$key" GH_TARGETS="$targets"
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); wrk and server share the cores"
wrk -t1 -c"$connections" -d5s -s "$root/bench/load/write.lua" "$gh" >/dev/null  # warm-up
gh_wrk "write c=$connections orgs=$orgs" -t1 -c"$connections" -d"${duration}s" --latency -s "$root/bench/load/write.lua" "$gh"
