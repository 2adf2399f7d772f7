# Sourced by the load scripts: starts one Gatehouse server on an embedded PostgreSQL in a fresh data
# directory on loopback and stops it (and removes the directory) when the calling script exits.
#   GATEHOUSE_JAR   run this jar instead of the checkout's ./gatehouse (e.g. another build, to compare)
#   GH_BENCH_PORT   the port (default 18090)
# After gh_start: $gh is the base URL, $key the service key, $data the data directory.
key="bench-service-key-0123456789"

gh_tools() { # wrk and jq, from Debian, when missing
  local tool
  for tool in wrk jq; do
    command -v "$tool" >/dev/null && continue
    echo "installing $tool (Debian package)…" >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y -q "$tool" >/dev/null; else sudo apt-get install -y -q "$tool" >/dev/null; fi
  done
}

gh_start() { # extra serve options…
  local port="${GH_BENCH_PORT:-18090}"
  data="$(mktemp -d)"
  gh="http://127.0.0.1:$port"
  local launcher=("$root/gatehouse")
  [ -n "${GATEHOUSE_JAR:-}" ] && launcher=(java ${GATEHOUSE_JAVA_OPTS:--Xmx1g} -jar "$GATEHOUSE_JAR")
  GATEHOUSE_SERVICE_KEY="$key" GATEHOUSE_LOG_LEVEL=WARN GATEHOUSE_JAVA_OPTS="${GATEHOUSE_JAVA_OPTS:--Xmx1g}" \
    "${launcher[@]}" serve --port "$port" --host 127.0.0.1 --data-dir "$data" "$@" > "$data/server.out" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
  for _ in $(seq 1 180); do
    grep -q "listening" "$data/server.out" 2>/dev/null && return 0
    kill -0 $server 2>/dev/null || break
    sleep 1
  done
  echo "the server did not start:" >&2; cat "$data/server.out" >&2; return 1
}

gh_post() { # path json → response body (service key)
  curl -sf -u "$key:" "$gh$1" -H 'Content-Type: application/json' -d "$2"
}

gh_docs_model() { # id name: registers a model of documents of any id (doc.read, doc.write; an Owner role)
  gh_post /v1/models "$(cat <<JSON
{"id": "$1", "name": "$2", "description": "documents of any id",
  "categories": [{"key": "docs", "name": "Documents"}, {"key": "admin", "name": "Administration"}],
  "permissions": [{"key": "doc.read", "category": "docs", "scopes": ["organization", "doc"]},
                  {"key": "doc.write", "category": "docs", "scopes": ["organization", "doc"]},
                  {"key": "admin", "category": "admin"}],
  "resource_types": [{"key": "doc", "name": "Document", "inherits_company_role": false}],
  "system_roles": [{"key": "owner", "name": "Owner", "permissions": ["doc.read", "doc.write", "admin"],
                    "default_for_admin": true}],
  "management": {"roles": "admin", "members": "admin", "assignments": "admin"}}
JSON
)" >/dev/null
}

gh_cpu_ticks() { # CPU time (clock ticks) used so far by the server and its embedded PostgreSQL processes
  local total=0 pid postmaster
  postmaster=$(pgrep -f -- "-D $data" 2>/dev/null | head -1)
  for pid in $server $postmaster $( [ -n "$postmaster" ] && pgrep -P "$postmaster"); do
    [ -r "/proc/$pid/stat" ] || continue
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat") ))
  done
  echo "$total"
}

gh_wrk() { # label wrk-args… : runs wrk, prints its RESULT line with the server's CPU µs per request appended
  local label="$1" before after out requests
  shift
  before=$(gh_cpu_ticks)
  out=$(wrk "$@" | grep RESULT)
  after=$(gh_cpu_ticks)
  requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
  echo "$out cpu_us_per_request=$(( (after - before) * 1000000 / $(getconf CLK_TCK) / (requests > 0 ? requests : 1) ))" \
    | sed "s/^RESULT/$label/"
}
