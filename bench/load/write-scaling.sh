#!/usr/bin/env bash
# Concurrent single writes, the whole matrix in one sitting: for each build given, starts a server on an
# embedded PostgreSQL (fsync and synchronous commit on), creates 64 organizations on the rooms model (two
# roles, 8 members and one room each), then runs wrk PUTting room assignments through /v1 for every
# combination of clients × organizations (1/16/64 × 1/16/64 by default; every request changes a role). With
# several builds, the builds take turns for <rounds> rounds, so that they see the same neighbours on a shared
# machine. One line per run: "<build> round=<n> write c=<clients> orgs=<orgs> requests_per_s=… p50_ms=… p99_ms=…
# server_cpu_ms=… pg_cpu_ms=… commits=… wal_syncs=…", the last four per write (CPU time of the server's JVM and
# of the PostgreSQL processes, transactions committed and WAL flushes): they say what each write costs whatever
# the neighbours on a shared machine take. Needs psql for the last two.
# Usage: bench/load/write-scaling.sh [duration_seconds=10] [rounds=1] [build …]
#   A build is a jar, or label=jar, or label=jar=serve options (e.g. "lanes0=head.jar=--write-lanes 0").
#   Without builds, runs the checkout (./gatehouse). GH_CLIENTS and GH_ORGS override the lists ("1 16 64");
#   GH_WARM_UP_SECONDS (default 120) of writes by 16 clients come first, for the JIT.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${1:-10}"
rounds="${2:-1}"
shift $(( $# > 2 ? 2 : $# ))
builds=("$@")
[ ${#builds[@]} -eq 0 ] && builds=("")
clients_list="${GH_CLIENTS:-1 16 64}"
orgs_list="${GH_ORGS:-1 16 64}"
max_orgs=0
for o in $orgs_list; do [ "$o" -gt "$max_orgs" ] && max_orgs=$o; done
source "$root/bench/load/server.sh"
gh_tools

setup_org() { # creates organization W<n>; prints its entry of $all_targets
  local o=$1 created org account role1 role2 members owner room
  created=$(gh_post /v1/orgs "{\"name\":\"W$o\",\"model\":\"rooms\",\"admin\":{\"user_id\":\"admin\",\"email\":\"admin@w$o.test\"}}")
  org=$(jq .id <<<"$created"); account=$(jq -r .account_id <<<"$created")
  role1=$(gh_post "/v1/orgs/$org/roles" '{"name":"Agent","permissions":["canCreateRooms","canViewRoomDetails"]}' | jq .id)
  role2=$(gh_post "/v1/orgs/$org/roles" '{"name":"Viewer","permissions":["canViewRoomDetails"]}' | jq .id)
  members=""
  for i in $(seq 1 8); do
    members="$members $(gh_post "/v1/orgs/$org/members" "{\"user_id\":\"u$i\",\"email\":\"u$i@w$o.test\",\"role_id\":$role1}" | jq .id)"
  done
  owner=$(echo $members | cut -d' ' -f1)
  room=$(gh_post "/restapi/v2/accounts/$account/rooms" "{\"name\":\"r\",\"roleId\":$role1,\"ownerId\":$owner}" | jq .roomId)
  echo "$org $room $role1 $role2$members;"
}

setup() { # creates $max_orgs organizations, 8 at a time; sets $all_targets, one ";"-terminated entry per organization
  local dir o jobs=()
  dir="$(mktemp -d)"
  for o in $(seq 1 "$max_orgs"); do
    setup_org "$o" > "$dir/$o" &
    jobs+=($!)
    if [ ${#jobs[@]} -eq 8 ]; then wait "${jobs[@]}" || true; jobs=(); fi  # not a bare wait: the server is a job too
  done
  [ ${#jobs[@]} -eq 0 ] || wait "${jobs[@]}" || true
  all_targets=""
  for o in $(seq 1 "$max_orgs"); do
    grep -q ';' "$dir/$o" || { echo "creating organization W$o failed" >&2; rm -rf "$dir"; return 1; }
    all_targets="$all_targets$(cat "$dir/$o")"
  done
  rm -rf "$dir"
}

ticks() { # CPU ticks (1/100 s) of the server JVM and of the embedded PostgreSQL's processes
  local pm pids t=0 p
  pm=$(pgrep -f -- "-D $data/postgres" | head -1)
  pids="$pm $(pgrep -P "$pm" | tr '\n' ' ')"
  for p in $pids; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$(awk '{print $14 + $15}' "/proc/$server/stat") $t"
}

wal() { # transactions committed and WAL flushes so far
  local port
  port=$(sed -n 4p "$data/postgres/postmaster.pid")
  PGPASSWORD="$(cat "$data/postgres.password")" psql -qtAX -h 127.0.0.1 -p "$port" -U postgres -d postgres -c \
    "SELECT (SELECT sum(xact_commit) FROM pg_stat_database), wal_sync FROM pg_stat_wal" 2>/dev/null | tr '|' ' ' \
    || echo "0 0"
}

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); wrk, the server and PostgreSQL share the cores"
for round in $(seq 1 "$rounds"); do
  for build in "${builds[@]}"; do
    IFS='=' read -r first jar opts <<<"$build"
    if [ -z "$jar" ]; then jar="$first"; name="$(basename "${first:-checkout}" .jar)"; else name="$first"; fi
    (
      [ -n "$jar" ] && export GATEHOUSE_JAR="$jar"
      # shellcheck disable=SC2086 # the serve options are words
      gh_start $opts
      setup
      export GH_KEY="$key"
      # JIT warm-up: on a busy machine the compiler needs minutes of load before the code runs compiled
      GH_TARGETS="$all_targets" wrk -t1 -c16 -d"${GH_WARM_UP_SECONDS:-120}s" -s "$root/bench/load/write.lua" "$gh" \
        >/dev/null || true
      for orgs in $orgs_list; do
        GH_TARGETS="$(echo "$all_targets" | tr ';' '\n' | head -n "$orgs" | tr '\n' ';')"
        export GH_TARGETS
        for clients in $clients_list; do
          wrk -t1 -c"$clients" -d2s -s "$root/bench/load/write.lua" "$gh" >/dev/null || true  # warm-up
          read -r cpu0 pg0 <<<"$(ticks)"; read -r commits0 syncs0 <<<"$(wal)"
          result=$(wrk -t1 -c"$clients" -d"${duration}s" --timeout 10s --latency -s "$root/bench/load/write.lua" "$gh" \
            | grep RESULT || true)
          if [ -z "$result" ]; then # a run that failed is reported, and the others still run
            echo "$name round=$round write c=$clients orgs=$orgs FAILED: wrk gave no result"
            continue
          fi
          read -r cpu1 pg1 <<<"$(ticks)"; read -r commits1 syncs1 <<<"$(wal)"
          writes=$(sed 's/.*requests_per_s=\([0-9]*\).*/\1/' <<<"$result"); writes=$((writes * duration))
          [ "$writes" -gt 0 ] || writes=1
          costs=$(awk -v w="$writes" -v c=$((cpu1 - cpu0)) -v p=$((pg1 - pg0)) -v x=$((commits1 - commits0)) \
            -v s=$((syncs1 - syncs0)) 'BEGIN { printf "server_cpu_ms=%.2f pg_cpu_ms=%.2f commits=%.3f wal_syncs=%.3f", \
            c * 10 / w, p * 10 / w, x / w, s / w }')
          echo "$result $costs" | sed "s/^RESULT/$name round=$round write c=$clients orgs=$orgs load=$(cut -d' ' -f1 /proc/loadavg)/"
        done
      done
    )
  done
done
