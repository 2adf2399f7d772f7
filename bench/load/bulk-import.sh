#!/usr/bin/env bash
# Bulk import, end to end: starts one node on an embedded PostgreSQL (fsync and synchronous commit on) and a
# second node on the same database, registers a model whose resources need no registration, creates an
# organization, imports <members> members (one request), then imports <assignments> assignments (one request,
# round-robin over the members and <resources> resources) into the first node and waits until the second node
# has applied the import's revision; the same imports (at most 200,000 assignments) into another organization
# first warm the JIT up (GH_WARM_UP=0: no warm-up). Prints one line per import: lines, seconds until the answer,
# seconds until the other node had applied it, objects per second for both, and the CPU time each process took
# per line (whatever the neighbours on a shared machine take, that is what one line costs). Then exports the
# organization twice and prints lines per second of the second export.
# Usage: bench/load/bulk-import.sh [assignments=1000000] [members=10000] [resources=20000] [chunk_lines=5000]
#   GATEHOUSE_JAR=path/to.jar runs that build instead of the checkout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
assignments="${1:-1000000}"
members="${2:-10000}"
resources="${3:-20000}"
chunk="${4:-5000}"
source "$root/bench/load/server.sh"
gh_tools
gh_start
first_server=$server
first_data=$data
pg_port=$(sed -n 4p "$data/postgres/postmaster.pid")
other_port=$(( ${GH_BENCH_PORT:-18090} + 1 ))
other_data="$(mktemp -d)"
launcher=("$root/gatehouse")
[ -n "${GATEHOUSE_JAR:-}" ] && launcher=(java ${GATEHOUSE_JAVA_OPTS:--Xmx1g} -jar "$GATEHOUSE_JAR")
GATEHOUSE_SERVICE_KEY="$key" GATEHOUSE_LOG_LEVEL=WARN GATEHOUSE_JAVA_OPTS="${GATEHOUSE_JAVA_OPTS:--Xmx1g}" \
  GATEHOUSE_DATABASE_PASSWORD="$(cat "$data/postgres.password")" \
  "${launcher[@]}" serve --port "$other_port" --host 127.0.0.1 --data-dir "$other_data" \
  --database-url "postgresql://127.0.0.1:$pg_port/postgres" --database-user postgres > "$other_data/server.out" 2>&1 &
other=$!
trap 'kill $other $first_server 2>/dev/null; wait $other $first_server 2>/dev/null; rm -rf "$first_data" "$other_data"' EXIT
for _ in $(seq 1 180); do
  grep -q "listening" "$other_data/server.out" 2>/dev/null && break
  kill -0 $other 2>/dev/null || { cat "$other_data/server.out" >&2; exit 1; }
  sleep 1
done
other_gh="http://127.0.0.1:$other_port"

gh_docs_model bulkbench "Bulk benchmark"
org=$(gh_post /v1/orgs '{"name": "Bulk", "model": "bulkbench"}' | jq .id)
work="$first_data/bench"; mkdir -p "$work"
{
  echo '{"type":"role","name":"Reader","permissions":["doc.read"]}'
  echo '{"type":"role","name":"Writer","permissions":["doc.read","doc.write"]}'
  awk -v n="$members" 'BEGIN { for (i = 0; i < n; i++)
    printf "{\"type\":\"member\",\"user_id\":\"u%d\",\"email\":\"u%d@bulk.test\",\"role\":\"Reader\"}\n", i, i }'
} > "$work/members.ndjson"
# assignment i: resource i % resources, its k-th member (k = i / resources) (resource * 53 + k) % members, so that
# no pair repeats while k < members
awk -v n="$assignments" -v m="$members" -v r="$resources" 'BEGIN { for (i = 0; i < n; i++) { d = i % r; k = int(i / r)
  printf "{\"type\":\"assignment\",\"resource\":{\"type\":\"doc\",\"id\":\"d%d\"},\"user_id\":\"u%d\",\"role\":\"%s\"}\n",
    d, (d * 53 + k) % m, (i % 3 == 0 ? "Writer" : "Reader") } }' > "$work/assignments.ndjson"

ticks() { # CPU ticks (1/100 s) of the first node, of PostgreSQL's processes and of the other node
  local pm t=0 p
  pm=$(pgrep -f -- "-D $first_data/postgres" | head -1)
  for p in $pm $(pgrep -P "$pm"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$(awk '{print $14 + $15}' "/proc/$first_server/stat") $t $(awk '{print $14 + $15}' "/proc/$other/stat")"
}

run() { # name file → one result line
  local name="$1" file="$2" lines start answered applied out revision c0 p0 o0 c1 p1 o1
  lines=$(wc -l < "$file")
  read -r c0 p0 o0 <<<"$(ticks)"
  start=$(date +%s.%N)
  out=$(curl -sf -u "$key:" -H 'Content-Type: application/x-ndjson' --data-binary @"$file" \
    "$gh/v1/orgs/$org/import?chunk_lines=$chunk")
  answered=$(date +%s.%N)
  revision=$(jq .revision <<<"$out")
  until [ "$(curl -sf "$other_gh/readyz" | jq .revision)" -ge "$revision" ]; do sleep 0.05; done
  applied=$(date +%s.%N)
  read -r c1 p1 o1 <<<"$(ticks)"
  awk -v n="$name" -v l="$lines" -v s="$start" -v a="$answered" -v p="$applied" -v c="$chunk" \
    -v cs=$((c1 - c0)) -v ps=$((p1 - p0)) -v os=$((o1 - o0)) 'BEGIN {
    printf "import %s lines=%d chunk_lines=%d answer_s=%.2f per_s=%.0f other_node_s=%.2f other_node_per_s=%.0f", \
      n, l, c, a - s, l / (a - s), p - s, l / (p - s)
    printf " cpu_us_per_line: node=%.1f postgres=%.1f other_node=%.1f\n", cs * 1e4 / l, ps * 1e4 / l, os * 1e4 / l }'
  jq -c '.counts | with_entries(select(.value.created + .value.updated + .value.deleted + .value.unchanged > 0))' <<<"$out"
}

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); two nodes and PostgreSQL share the cores"
if [ "${GH_WARM_UP:-1}" = 1 ]; then # the same imports into another organization first: the JIT compiles on them
  measured=$org
  org=$(gh_post /v1/orgs '{"name": "Warm-up", "model": "bulkbench"}' | jq .id)
  run warm-up-members "$work/members.ndjson"
  head -n "$(( assignments < 200000 ? assignments : 200000 ))" "$work/assignments.ndjson" > "$work/warm-up.ndjson"
  run warm-up-assignments "$work/warm-up.ndjson"
  org=$measured
fi
run members "$work/members.ndjson"
run assignments "$work/assignments.ndjson"
# export: the measured organization (roles, members, assignments) as NDJSON, from the first node, twice (the
# first warms the JIT up); lines per second until the last byte
for pass in warm-up measured; do
  read -r c0 p0 o0 <<<"$(ticks)"
  start=$(date +%s.%N)
  curl -sf -u "$key:" "$gh/v1/orgs/$org/export" -o "$work/export.ndjson"
  done_at=$(date +%s.%N)
  read -r c1 p1 o1 <<<"$(ticks)"
  lines=$(wc -l < "$work/export.ndjson")
  awk -v n="$pass" -v l="$lines" -v s="$start" -v e="$done_at" -v b="$(stat -c %s "$work/export.ndjson")" \
    -v cs=$((c1 - c0)) -v ps=$((p1 - p0)) 'BEGIN {
    printf "export %s lines=%d bytes=%d seconds=%.2f per_s=%.0f cpu_us_per_line: node=%.1f postgres=%.1f\n", \
      n, l, b, e - s, l / (e - s), cs * 1e4 / l, ps * 1e4 / l }'
done
check=$(curl -sf -u "$key:" "$other_gh/v1/orgs/$org/check" -H 'Content-Type: application/json' \
  -d '{"user_id": "u0", "permission": "doc.write", "resource": {"type": "doc", "id": "d0"}}' | jq -c .)
echo "other node decides: u0 doc.write on d0 → $check"
