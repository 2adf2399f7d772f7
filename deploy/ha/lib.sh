# shellcheck shell=bash
# The high-availability topology on loopback, for deploy/ha/topology.sh and the failover tests:
#
#   etcd (Patroni's consensus store)
#   PostgreSQL pg1 + Patroni   \  one primary, one synchronous standby; Patroni promotes the standby
#   PostgreSQL pg2 + Patroni   /  when the primary fails
#   Gatehouse node A  -> jdbc:postgresql://pg1,pg2/gatehouse?targetServerType=primary
#   Gatehouse node B  -> the same through a TCP proxy (TcpProxy) that can cut B off from the database
#
# Everything lives in one scratch directory and is stopped by ha_teardown, which the scripts run from an
# EXIT trap. Sourced, not executed. Settings (environment):
#   GATEHOUSE_JAR     use this server jar instead of building one from the checkout
#   HA_JDBC_OPTIONS   the JDBC URL parameters of the nodes (default: HA_DEFAULT_JDBC_OPTIONS below)
#   HA_KEEP=1         keep the scratch directory (logs, data) after the run
#   HA_PG_BIN         PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
#   HA_IDLE_IN_TRANSACTION_TIMEOUT  idle_in_transaction_session_timeout of the gatehouse role (default 5s)

HA_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HA_REPO=$(cd "$HA_DIR/../.." && pwd)
HA_PG_BIN=${HA_PG_BIN:-/usr/lib/postgresql/15/bin}
# How the nodes find the primary and how long they wait for it (see docs/deployment.md, "High availability").
HA_DEFAULT_JDBC_OPTIONS="targetServerType=primary&connectTimeout=3&loginTimeout=10&socketTimeout=30"
HA_JDBC_OPTIONS=${HA_JDBC_OPTIONS:-$HA_DEFAULT_JDBC_OPTIONS}
HA_PIDS=()
HA_NAMES=()
declare -A HA_NODE_URL
HA_USED_PORTS=" "

ha_log() { printf '%s [ha] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
ha_die() { ha_log "error: $*"; exit 1; }

# Installs the Debian packages the topology needs when a command is missing (as root only).
ha_require_packages() {
    local missing=()
    command -v patroni >/dev/null || missing+=(patroni)
    command -v etcd >/dev/null || missing+=(etcd-server)
    command -v etcdctl >/dev/null || missing+=(etcd-client)
    [ -x "$HA_PG_BIN/postgres" ] || missing+=(postgresql-15)
    command -v psql >/dev/null || missing+=(postgresql-client-15)
    command -v curl >/dev/null || missing+=(curl)
    command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        ha_die "missing packages: ${missing[*]}; install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}"
    fi
    ha_log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# A free TCP port on loopback, not handed out before by this run, and below the kernel's ephemeral range: a port
# in that range can be taken by any outgoing connection (the load's, the pool's) between the choice and the bind
# of a node started later in the run (node C), which then fails with "Port already in use".
ha_free_port() {
    local port low
    read -r low _ < /proc/sys/net/ipv4/ip_local_port_range
    [ "$low" -gt 12000 ] || low=32768
    while true; do
        port=$((10000 + RANDOM % (low - 10000)))
        case "$HA_USED_PORTS" in *" $port "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            HA_USED_PORTS="$HA_USED_PORTS$port "
            echo "$port"
            return
        fi
    done
}

ha_secret() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "${1:-24}"; }

# Creates the scratch directory, chooses ports and secrets, and arms the teardown.
ha_init() {
    HA_SCRATCH=$(mktemp -d /tmp/gatehouse-ha.XXXXXX)
    chmod 755 "$HA_SCRATCH"
    HA_ETCD_PORT=$(ha_free_port)
    HA_ETCD_PEER_PORT=$(ha_free_port)
    HA_PG_PORT=("" "$(ha_free_port)" "$(ha_free_port)")
    HA_REST_PORT=("" "$(ha_free_port)" "$(ha_free_port)")
    HA_PROXY_PORT=("" "$(ha_free_port)" "$(ha_free_port)")
    HA_PROXY_CONTROL_PORT=$(ha_free_port)
    HA_NODE_PORT_A=$(ha_free_port)
    HA_NODE_PORT_B=$(ha_free_port)
    # shellcheck disable=SC2034  # node C: started by the tests that source this file
    HA_NODE_PORT_C=$(ha_free_port)
    HA_SUPERUSER_PASSWORD=$(ha_secret)
    HA_GATEHOUSE_PASSWORD=$(ha_secret)
    HA_SERVICE_KEY="ha-test-$(ha_secret 32)"
    HA_RUN_AS=()
    if [ "$(id -u)" -eq 0 ]; then
        # PostgreSQL refuses to run as root: run Patroni (and so PostgreSQL) as the postgres user.
        HA_RUN_AS=(setpriv --reuid=postgres --regid=postgres --init-groups)
    fi
    trap ha_teardown EXIT
    trap 'exit 130' INT TERM
    ha_log "scratch directory $HA_SCRATCH"
}

# Starts a background process, remembered for the teardown. Usage: ha_spawn NAME LOGFILE COMMAND...
ha_spawn() {
    local name=$1 logfile=$2
    shift 2
    "$@" >"$logfile" 2>&1 &
    HA_PIDS+=($!)
    HA_NAMES+=("$name")
}

ha_pid_of() {
    local i
    for i in "${!HA_NAMES[@]}"; do
        if [ "${HA_NAMES[$i]}" = "$1" ]; then
            echo "${HA_PIDS[$i]}"
        fi
    done
}

# Waits until COMMAND succeeds, at most SECONDS. Usage: ha_await SECONDS WHAT COMMAND...
ha_await() {
    local seconds=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -ge $deadline ] && ha_die "timed out after ${seconds}s waiting for $what"
        sleep 0.3
    done
}

ha_start_etcd() {
    mkdir -p "$HA_SCRATCH/etcd"
    ha_spawn etcd "$HA_SCRATCH/etcd.log" etcd --name ha-etcd --data-dir "$HA_SCRATCH/etcd" \
        --listen-client-urls "http://127.0.0.1:$HA_ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$HA_ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$HA_ETCD_PEER_PORT" \
        --initial-advertise-peer-urls "http://127.0.0.1:$HA_ETCD_PEER_PORT" \
        --initial-cluster "ha-etcd=http://127.0.0.1:$HA_ETCD_PEER_PORT" --initial-cluster-state new
    ha_await 30 "etcd" etcdctl --endpoints "127.0.0.1:$HA_ETCD_PORT" endpoint health
    ha_log "etcd on 127.0.0.1:$HA_ETCD_PORT"
}

# Writes pgN's Patroni configuration and starts Patroni, which initializes or clones PostgreSQL.
ha_start_patroni() {
    local n=$1 dir="$HA_SCRATCH/pg$1"
    mkdir -p "$dir/log"
    sed -e "s|@NAME@|pg$n|g" -e "s|@REST_PORT@|${HA_REST_PORT[$n]}|g" -e "s|@PG_PORT@|${HA_PG_PORT[$n]}|g" \
        -e "s|@ETCD_HOSTS@|127.0.0.1:$HA_ETCD_PORT|g" -e "s|@DIR@|$dir|g" -e "s|@PG_BIN@|$HA_PG_BIN|g" \
        -e "s|@SUPERUSER_PASSWORD@|$HA_SUPERUSER_PASSWORD|g" -e "s|@REPLICATION_PASSWORD@|$HA_SUPERUSER_PASSWORD|g" \
        -e "s|@REWIND_PASSWORD@|$HA_SUPERUSER_PASSWORD|g" "$HA_DIR/patroni.yml.in" >"$dir/patroni.yml"
    [ ${#HA_RUN_AS[@]} -gt 0 ] && chown -R postgres:postgres "$dir"
    ha_spawn "patroni-pg$n" "$dir/patroni.log" env HOME="$dir" "${HA_RUN_AS[@]}" patroni "$dir/patroni.yml"
}

ha_patroni_role() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${HA_REST_PORT[$1]}/$2"; }

ha_is_primary() { [ "$(ha_patroni_role "$1" primary)" = 200 ]; }

ha_is_sync_standby() { [ "$(ha_patroni_role "$1" sync)" = 200 ]; }

# The member number (1 or 2) that Patroni runs as primary now, or nothing.
ha_primary() {
    local n
    for n in 1 2; do
        ha_is_primary "$n" && { echo "$n"; return 0; }
    done
    return 1
}

ha_has_sync_standby() {
    local n
    for n in 1 2; do ha_is_sync_standby "$n" && return 0; done
    return 1
}

ha_patroni_list() {
    patronictl -c "$HA_SCRATCH/pg1/patroni.yml" list 2>/dev/null >&2 || true
}

# Starts both PostgreSQL members and waits for a primary with a synchronous standby.
ha_start_postgres() {
    ha_start_patroni 1
    ha_await 180 "a PostgreSQL primary" ha_primary
    ha_start_patroni 2
    ha_await 180 "a synchronous standby" ha_has_sync_standby
    ha_log "PostgreSQL primary pg$(ha_primary) (pg1 on ${HA_PG_PORT[1]}, pg2 on ${HA_PG_PORT[2]}), synchronous standby streaming"
}

# The database and user Gatehouse runs as. A node cut off in the middle of a write leaves its transaction
# open on the server, holding the organization's row lock; idle_in_transaction_session_timeout ends such a
# session, so that the other nodes' writes to that organization wait seconds, not until the network heals.
ha_create_database() {
    local port=${HA_PG_PORT[$(ha_primary)]}
    PGPASSWORD=$HA_SUPERUSER_PASSWORD psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE USER gatehouse PASSWORD '$HA_GATEHOUSE_PASSWORD'" -c "CREATE DATABASE gatehouse OWNER gatehouse" \
        -c "ALTER ROLE gatehouse SET idle_in_transaction_session_timeout = '${HA_IDLE_IN_TRANSACTION_TIMEOUT:-5s}'" >&2
}

ha_postmaster_pid() { head -1 "$HA_SCRATCH/pg$1/data/postmaster.pid" 2>/dev/null || true; }

# The server jar: $GATEHOUSE_JAR, or built from this checkout.
ha_build() {
    if [ -n "${GATEHOUSE_JAR:-}" ]; then
        HA_JAR=$GATEHOUSE_JAR
        [ -f "$HA_JAR" ] || ha_die "GATEHOUSE_JAR=$HA_JAR does not exist"
    else
        ha_log "building the server"
        (cd "$HA_REPO" && ./mvnw -q -B -pl server -am package -DskipTests) >&2
        HA_JAR=$HA_REPO/server/target/gatehouse-server.jar
    fi
    mkdir -p "$HA_SCRATCH/classes"
    javac -Xlint:all -Werror --release 17 -d "$HA_SCRATCH/classes" "$HA_DIR"/java/*.java
}

# The proxy node B reaches PostgreSQL through: port HA_PROXY_PORT[n] forwards to pgN.
ha_start_proxy() {
    ha_spawn proxy "$HA_SCRATCH/proxy.log" java -Xmx64m -cp "$HA_SCRATCH/classes" TcpProxy \
        --control "$HA_PROXY_CONTROL_PORT" "${HA_PROXY_PORT[1]}=${HA_PG_PORT[1]}" "${HA_PROXY_PORT[2]}=${HA_PG_PORT[2]}"
    ha_await 30 "the proxy" ha_proxy status
}

# Sends a command (cut, reset, restore, status) to the proxy.
ha_proxy() {
    local reply
    exec 7<>"/dev/tcp/127.0.0.1/$HA_PROXY_CONTROL_PORT" || return 1
    printf '%s\n' "$1" >&7
    read -r reply <&7
    exec 7<&-
    echo "$reply"
    [ "${reply%% *}" = ok ]
}

ha_jdbc_url() {
    echo "jdbc:postgresql://127.0.0.1:$1,127.0.0.1:$2/gatehouse?$HA_JDBC_OPTIONS"
}

# Launches a Gatehouse node without waiting for it. Usage: ha_launch_node NAME PORT JDBC_URL
ha_launch_node() {
    local name=$1 port=$2 url=$3
    mkdir -p "$HA_SCRATCH/node-$name"
    HA_NODE_URL[$name]=$url
    ha_spawn "node-$name" "$HA_SCRATCH/node-$name.log" java -Xms64m -Xmx384m -XX:+UseSerialGC -jar "$HA_JAR" serve \
        --host 127.0.0.1 --port "$port" --data-dir "$HA_SCRATCH/node-$name" --database-url "$url" \
        --database-user gatehouse --database-password "$HA_GATEHOUSE_PASSWORD" --service-key "$HA_SERVICE_KEY"
}

# Waits until a launched node is ready. A node that cannot reach the database at start exits (on a heavily
# loaded machine its first connection can time out); like a process supervisor, this starts it again, at
# most twice. Usage: ha_await_node NAME PORT
ha_await_node() {
    local name=$1 port=$2 pid attempt=1 deadline=$((SECONDS + 300))
    pid=$(ha_pid_of "node-$name" | tail -n 1)
    until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            [ $attempt -ge 3 ] && ha_die "Gatehouse node $name exited while starting, $attempt times (see node-$name.log)"
            ha_log "Gatehouse node $name exited while starting ($(grep -m1 -E 'Exception|rror' "$HA_SCRATCH/node-$name.log" | cut -c1-200)); starting it again"
            mv "$HA_SCRATCH/node-$name.log" "$HA_SCRATCH/node-$name.attempt$attempt.log"
            ha_launch_node "$name" "$port" "${HA_NODE_URL[$name]}"
            pid=$(ha_pid_of "node-$name" | tail -n 1)
            attempt=$((attempt + 1))
        fi
        [ $SECONDS -ge $deadline ] && ha_die "timed out after 300s waiting for Gatehouse node $name"
        sleep 0.3
    done
    ha_log "Gatehouse node $name on http://127.0.0.1:$port"
}

# Starts a Gatehouse node and waits until it is ready. Usage: ha_start_node NAME PORT JDBC_URL
ha_start_node() {
    ha_launch_node "$@"
    ha_await_node "$1" "$2"
}

# Nodes A (straight to PostgreSQL) and B (through the proxy), started together.
ha_start_nodes() {
    ha_launch_node A "$HA_NODE_PORT_A" "$(ha_jdbc_url "${HA_PG_PORT[1]}" "${HA_PG_PORT[2]}")"
    ha_launch_node B "$HA_NODE_PORT_B" "$(ha_jdbc_url "${HA_PROXY_PORT[1]}" "${HA_PROXY_PORT[2]}")"
    ha_await_node A "$HA_NODE_PORT_A"
    ha_await_node B "$HA_NODE_PORT_B"
}

# The whole topology, from packages to two serving nodes.
ha_up() {
    ha_require_packages
    ha_init
    ha_build
    ha_start_etcd
    ha_start_postgres
    ha_create_database
    ha_start_proxy
    ha_start_nodes
}

# Runs the load driver (deploy/ha/java/FailoverLoad.java).
ha_load() {
    java -Xmx256m -cp "$HA_SCRATCH/classes" FailoverLoad "$@"
}

# Stops one remembered process: SIGTERM, then SIGKILL after a grace period.
ha_stop() {
    local pid=$1 grace=${2:-15} i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

ha_dump_logs() {
    local f
    for f in "$HA_SCRATCH"/*.log "$HA_SCRATCH"/pg*/patroni.log; do
        [ -f "$f" ] || continue
        printf '\n----- %s (last 40 lines, without Patroni idle messages) -----\n' "${f#"$HA_SCRATCH"/}" >&2
        grep -v 'no action' "$f" | tail -n 40 >&2
    done
}

# Stops everything in reverse order of start; removes the scratch directory unless HA_KEEP=1; prints
# HA_RESULT (a test's result line) last.
ha_teardown() {
    local status=$? i n pid
    trap - EXIT
    set +e
    [ -n "${HA_SCRATCH:-}" ] || exit "$status"
    if [ "$status" -ne 0 ] && [ "${HA_DUMP_LOGS:-1}" = 1 ]; then
        ha_dump_logs
    fi
    ha_log "stopping the topology"
    for ((i = ${#HA_PIDS[@]} - 1; i >= 0; i--)); do
        ha_stop "${HA_PIDS[$i]}" 20
    done
    # A postmaster outlives a killed Patroni: stop what is left of each member by its recorded pid.
    for n in 1 2; do
        pid=$(ha_postmaster_pid "$n")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    if [ "${HA_KEEP:-0}" = 1 ]; then
        ha_log "kept $HA_SCRATCH"
    else
        rm -rf "$HA_SCRATCH"
    fi
    # The result line is the last line of the output, after everything the teardown printed.
    [ -n "${HA_RESULT:-}" ] && printf '%s\n' "$HA_RESULT"
    exit "$status"
}
