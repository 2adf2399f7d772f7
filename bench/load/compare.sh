#!/usr/bin/env bash
# Before/after on one machine in one sitting: builds <base_ref> (in a temporary git worktree) and the current
# checkout, then runs the HTTP check and write loads against each build in turn, <rounds> times, alternating,
# so that both builds see the same neighbours. Prints every result line prefixed with the build.
# Usage: bench/load/compare.sh <base_ref> [rounds=3] [duration_seconds=15]
#   GH_COMPARE_WRITES=0   the check loads only (check, healthz, batch100), not the write load
#   GH_CHECK_ROUNDS=2     rounds of the check loads within each server's run (http-check.sh's [rounds])
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="${1:?usage: bench/load/compare.sh <base_ref> [rounds] [duration_seconds]}"
rounds="${2:-3}"
duration="${3:-15}"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/base" "$base"
echo "building $base ($(git -C "$root" rev-parse --short "$base"))…" >&2
(cd "$work/base" && ./mvnw -q -B -pl server -am package -DskipTests) >&2
cp "$work/base/server/target/gatehouse-server.jar" "$work/base.jar"
echo "building the checkout ($(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ', with changes'))…" >&2
(cd "$root" && ./mvnw -q -B -pl server -am package -DskipTests) >&2
cp "$root/server/target/gatehouse-server.jar" "$work/head.jar"
for round in $(seq 1 "$rounds"); do
  for build in base head; do
    echo "round $round $build: load $(cut -d' ' -f1 /proc/loadavg)"
    GATEHOUSE_JAR="$work/$build.jar" "$root/bench/load/http-check.sh" "$duration" 16 "${GH_CHECK_ROUNDS:-1}" \
      | grep -E '^(check|healthz|batch100) ' | sed "s/^/$build round=$round /"
    [ "${GH_COMPARE_WRITES:-1}" = 0 ] && continue
    GATEHOUSE_JAR="$work/$build.jar" "$root/bench/load/http-write.sh" "$duration" 16 16 \
      | grep -E '^write ' | sed "s/^/$build round=$round /"
  done
done
