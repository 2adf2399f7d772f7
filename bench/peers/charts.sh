#!/usr/bin/env bash
# Redraws the comparison's charts (PNG) and summary from its JSON results, without measuring anything.
#   bench/peers/charts.sh [results-dir=bench/peers/results]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/bench/peers/results}"
jar="$root/bench/target/benchmarks.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -B -pl bench -am package -DskipTests) >&2
java -cp "$jar" dev.gatehouse.bench.peers.PeersReport "$out"
java -Djava.awt.headless=true -cp "$jar" dev.gatehouse.bench.peers.PeersCharts "$out"
