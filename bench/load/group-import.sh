#!/usr/bin/env bash
# Group members by bulk import: starts one node on an embedded PostgreSQL (fsync and synchronous commit on; a group
# may hold 100,000 members), registers a documents model, creates an organization, imports <lines> members (one
# request) and 101 groups (another), then imports <lines> group_member lines into the group One (one request), and
# <lines> into the groups G0…G99 (member i into G(i % 100)). The same imports of <warm_up> lines into another
# organization first warm the JIT up. Prints one line per import: lines, seconds until the answer, lines per second,
# and the CPU time the node and PostgreSQL took per line; then how many group_member lines the organization exports.
# Usage: bench/load/group-import.sh [lines=20000] [warm_up=5000] [chunk_lines=5000]
#   GATEHOUSE_JAR=path/to.jar runs that build instead of the checkout; GH_BENCH_PORT the port (default 18090);
#   TMPDIR where the data directory goes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
lines="${1:-20000}"
warm_up="${2:-5000}"
chunk="${3:-5000}"
source "$root/bench/load/server.sh"
gh_tools
gh_start --max-members-per-group 100000
gh_docs_model groupbench "Group benchmark"
work="$data/bench"; mkdir -p "$work"

write_lines() { # n → members.ndjson, groups.ndjson, one.ndjson, spread.ndjson for n members
  local n="$1" dir="$work/$1"
  mkdir -p "$dir"
  awk -v n="$n" 'BEGIN { print "{\"type\":\"role\",\"name\":\"Reader\",\"permissions\":[\"doc.read\"]}"
    for (i = 0; i < n; i++) printf "{\"type\":\"member\",\"user_id\":\"u%d\",\"email\":\"u%d@groups.test\",\"role\":\"Reader\"}\n", i, i }' \
    > "$dir/members.ndjson"
  awk 'BEGIN { print "{\"type\":\"group\",\"name\":\"One\"}"; for (g = 0; g < 100; g++) printf "{\"type\":\"group\",\"name\":\"G%d\"}\n", g }' \
    > "$dir/groups.ndjson"
  awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "{\"type\":\"group_member\",\"group\":\"One\",\"user_id\":\"u%d\"}\n", i }' \
    > "$dir/one.ndjson"
  awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
    printf "{\"type\":\"group_member\",\"group\":\"G%d\",\"user_id\":\"u%d\"}\n", i % 100, i }' > "$dir/spread.ndjson"
}

import() { # org file → the import's answer (fails on any refusal)
  curl -sf -u "$key:" -H 'Content-Type: application/x-ndjson' --data-binary @"$2" \
    "$gh/v1/orgs/$1/import?chunk_lines=$chunk"
}

run() { # name org file → one result line
  local name="$1" org="$2" file="$3" n start answered c0 c1 out
  n=$(wc -l < "$file")
  c0=$(gh_cpu_ticks)
  start=$(date +%s.%N)
  out=$(import "$org" "$file")
  answered=$(date +%s.%N)
  c1=$(gh_cpu_ticks)
  [ "$(jq '.counts.group_member.created' <<<"$out")" = "$n" ] || { echo "unexpected answer: $out" >&2; exit 1; }
  awk -v name="$name" -v l="$n" -v s="$start" -v a="$answered" -v c="$chunk" -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {
    printf "import %s lines=%d chunk_lines=%d answer_s=%.2f per_s=%.0f cpu_us_per_line=%.1f\n", \
      name, l, c, a - s, l / (a - s), t * 1e6 / hz / l }'
}

setup() { # name n → the id of a new organization holding n members and the 101 groups
  local org
  org=$(gh_post /v1/orgs "{\"name\": \"$1\", \"model\": \"groupbench\"}" | jq .id)
  write_lines "$2"
  import "$org" "$work/$2/members.ndjson" >/dev/null
  import "$org" "$work/$2/groups.ndjson" >/dev/null
  echo "$org"
}

echo "machine: $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
if [ "$warm_up" -gt 0 ]; then
  warm=$(setup Warm-up "$warm_up")
  run warm-up-one "$warm" "$work/$warm_up/one.ndjson"
  run warm-up-100-groups "$warm" "$work/$warm_up/spread.ndjson"
fi
org=$(setup Groups "$lines")
run one-group "$org" "$work/$lines/one.ndjson"
run 100-groups "$org" "$work/$lines/spread.ndjson"
echo "group_member lines the organization exports: $(curl -sf -u "$key:" "$gh/v1/orgs/$org/export" | grep -c '"group_member"') (expected $((2 * lines)))"
