#!/usr/bin/env bash
# Starts the high-availability topology of the failover tests on loopback and keeps it running until
# Ctrl-C, then stops it: etcd, PostgreSQL pg1 and pg2 under Patroni (primary + synchronous standby),
# Gatehouse node A (straight to PostgreSQL) and node B (through a TCP proxy that can cut it off).
# Prints the addresses, the service key and commands to try. See docs/deployment.md, "High availability".
set -euo pipefail
# shellcheck source=deploy/ha/lib.sh
source "$(dirname "$0")/lib.sh"

ha_up
# From here on Ctrl-C is the normal way to stop: tear down without dumping the logs.
trap 'exit 0' INT TERM
primary=$(ha_primary)
cat <<INFO

Gatehouse node A   http://127.0.0.1:$HA_NODE_PORT_A
Gatehouse node B   http://127.0.0.1:$HA_NODE_PORT_B   (through the proxy)
service key        $HA_SERVICE_KEY
PostgreSQL         pg1 127.0.0.1:${HA_PG_PORT[1]}, pg2 127.0.0.1:${HA_PG_PORT[2]}; primary now: pg$primary
node URL (A)       $(ha_jdbc_url "${HA_PG_PORT[1]}" "${HA_PG_PORT[2]}")
scratch directory  $HA_SCRATCH

Try:
  patronictl -c $HA_SCRATCH/pg1/patroni.yml list
  kill -9 \$(head -1 $HA_SCRATCH/pg$primary/data/postmaster.pid)     # crash the primary
  exec 7<>/dev/tcp/127.0.0.1/$HA_PROXY_CONTROL_PORT; echo cut >&7; read r <&7; echo \$r   # cut B off (restore: echo restore)
  curl -s http://127.0.0.1:$HA_NODE_PORT_B/readyz
Ctrl-C stops everything.
INFO
while true; do sleep 3600; done
