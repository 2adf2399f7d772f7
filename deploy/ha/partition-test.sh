#!/usr/bin/env bash
# Partition test: the topology of failover-test.sh (see lib.sh), continuous writes and checks through both
# nodes, and node B cut off from PostgreSQL for HA_CUT_S seconds (30) by the TCP proxy between them:
# HA_CUT_MODE=cut (default) holds every byte, as a network partition does; HA_CUT_MODE=reset resets every
# connection, as a vanished server does. Node A and the database carry on.
#
# Reports, and asserts:
#   lost                    acknowledged writes missing afterwards                      must be 0
#   max_write_gap_s         longest time node A acknowledged no write                   <= HA_MAX_WRITE_GAP_S (15)
#   failed_checks           checks on either node not answered (error, > 2 s, wrong)    0, unless HA_ALLOW_FAILED_CHECKS=1
#   slowest_write_s         slowest answer to a write on B during the cut (fail fast)   <= HA_FAIL_FAST_S (5)
#   non_503_write_failures  writes on B that failed otherwise than with a retryable 503  0, unless HA_ALLOW_SLOW_WRITES=1
#   caught_up_s             after the restore, until B had applied every earlier write  <= HA_CATCH_UP_S (15)
#   digests_equal           nodes A, B and a node started afterwards hold the same engine  must be true
# (slowest_write_s and non_503_write_failures are both relaxed by HA_ALLOW_SLOW_WRITES=1.)
# The last line of the output is exactly:
#   lost=N max_write_gap_s=S failed_checks=N slowest_write_s=S non_503_write_failures=N caught_up_s=S digests_equal=B
#
# Usage: deploy/ha/partition-test.sh   (settings of lib.sh apply: GATEHOUSE_JAR, HA_JDBC_OPTIONS, HA_KEEP)
set -euo pipefail
# shellcheck source=deploy/ha/lib.sh
source "$(dirname "$0")/lib.sh"

cut_at=${HA_CUT_AT:-15}
cut_s=${HA_CUT_S:-30}
mode=${HA_CUT_MODE:-cut}
max_gap=${HA_MAX_WRITE_GAP_S:-15}
fail_fast=${HA_FAIL_FAST_S:-5}
catch_up=${HA_CATCH_UP_S:-15}
allow_failed_checks=${HA_ALLOW_FAILED_CHECKS:-0}
allow_slow_writes=${HA_ALLOW_SLOW_WRITES:-0}
case "$mode" in cut | reset) ;; *) ha_die "HA_CUT_MODE must be cut or reset, got $mode" ;; esac

ha_up
restore_at=$((cut_at + cut_s))
duration=$((restore_at + 30))
proxy() { echo "exec 7<>/dev/tcp/127.0.0.1/$HA_PROXY_CONTROL_PORT && echo $1 >&7 && read -r reply <&7 && echo proxy: \$reply"; }
ha_log "cutting node B off from PostgreSQL ($mode) from t=${cut_at}s to t=${restore_at}s of ${duration}s of load"

out=$HA_SCRATCH/load
node_a=http://127.0.0.1:$HA_NODE_PORT_A
node_b=http://127.0.0.1:$HA_NODE_PORT_B
ha_load run --key "$HA_SERVICE_KEY" --out "$out" --node "A=$node_a" --node "B=$node_b" --duration "$duration" \
    --cut-node B --event "cut@$cut_at=$(proxy "$mode")" --event "restore@$restore_at=$(proxy restore)" \
    --probe "B@$((cut_at + 10))" --probe "B@$((restore_at + 20))"

ha_start_node C "$HA_NODE_PORT_C" "$(ha_jdbc_url "${HA_PG_PORT[1]}" "${HA_PG_PORT[2]}")"
ha_load verify --key "$HA_SERVICE_KEY" --out "$out" --node "A=$node_a" --node "B=$node_b" \
    --node "C=http://127.0.0.1:$HA_NODE_PORT_C" --timeout 60

result() { sed -n "s/^$1=//p" "$out/result.properties"; }
lost=$(result lost)
gap=$(result max_write_gap_s)
failed_checks=$(result failed_checks)
slowest=$(result cut.slowest_write_s)
not503=$(result cut.writes_failed_not_503)
caught_up=$(result cut.caught_up_s)
digests_equal=$(result digests_equal)
HA_RESULT="lost=$lost max_write_gap_s=$gap failed_checks=$failed_checks slowest_write_s=$slowest non_503_write_failures=$not503 caught_up_s=$caught_up digests_equal=$digests_equal"

le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= 0 && a <= b) }'; }
failures=()
notes=()
[ "$lost" = 0 ] || failures+=("$lost acknowledged writes lost")
[ "$(result duplicate_revisions)" = 0 ] || failures+=("revisions acknowledged for two writes")
[ "$digests_equal" = true ] || failures+=("engine digests differ")
le "$gap" "$max_gap" || failures+=("node A went ${gap}s without an acknowledged write (> ${max_gap}s)")
le "$caught_up" "$catch_up" || failures+=("node B caught up ${caught_up}s after the restore (> ${catch_up}s; -1: never)")
if [ "$failed_checks" != 0 ]; then
    if [ "$allow_failed_checks" = 1 ]; then notes+=("$failed_checks checks failed"); else failures+=("$failed_checks checks failed"); fi
fi
slow=()
le "$slowest" "$fail_fast" || slow+=("a write on B took ${slowest}s during the cut (> ${fail_fast}s)")
[ "$not503" = 0 ] || slow+=("$not503 writes on B failed otherwise than with a 503")
if [ ${#slow[@]} -gt 0 ]; then
    if [ "$allow_slow_writes" = 1 ]; then notes+=("${slow[@]}"); else failures+=("${slow[@]}"); fi
fi
for note in "${notes[@]}"; do ha_log "note (allowed by HA_ALLOW_*): $note"; done
if [ ${#failures[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failures[@]}"
    exit 1
fi
echo "PASSED"
