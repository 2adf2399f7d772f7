#!/usr/bin/env bash
# Previews against other organizations' writes: how much many concurrent previews of a large organization slow
# the writes of another organization on the same node, with the node's bound on concurrent previews at its default
# (--max-concurrent-previews unset: half the processors) and lifted (a large value), both in one run.
#
# For each setting, starts a server on an embedded PostgreSQL (fsync and synchronous commit on), registers a model
# whose documents need no registration, imports <members> members into organization "Large", all holding its role
# Reader, and creates organization "Other" with one role. Then one client renames Other's role in a loop, one write
# after the other, for <seconds> s alone, then for <seconds> s while <previewers> clients each preview, in a loop,
# Reader gaining doc.write (every member of Large gains it: an O(organization) what-if). A preview refused
# 503 previews_busy (the bound's answer) is counted, and its client waits as long as Retry-After says before it
# asks again — a client doing as told. Prints per setting the writes' median and p99 latency alone and under the
# previews, and the previews answered and refused; then the ratio of the medians (and p99) lifted / default.
# Usage: bench/load/preview-contention.sh [members=100000] [previewers=12] [seconds=20]
#   GATEHOUSE_JAR=path/to.jar runs that build instead of the checkout; GH_LIFTED (default 10000) is the lifted
#   bound.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
members="${1:-100000}"
previewers="${2:-12}"
seconds="${3:-20}"
lifted="${GH_LIFTED:-10000}"
source "$root/bench/load/server.sh"
gh_tools

measure() { # label serve-options… → one result line (on stdout, prefixed "RESULT")
  local label="$1" work org other role
  shift
  gh_start "$@"
  work="$data/bench"; mkdir -p "$work"
  gh_docs_model contention "Preview contention"
  org=$(gh_post /v1/orgs '{"name": "Large", "model": "contention"}' | jq .id)
  {
    echo '{"type":"role","name":"Reader","permissions":["doc.read"]}'
    awk -v n="$members" 'BEGIN { for (i = 0; i < n; i++)
      printf "{\"type\":\"member\",\"user_id\":\"u%d\",\"email\":\"u%d@large.test\",\"role\":\"Reader\"}\n", i, i }'
  } > "$work/members.ndjson"
  curl -sf -u "$key:" -H 'Content-Type: application/x-ndjson' --data-binary @"$work/members.ndjson" \
    "$gh/v1/orgs/$org/import" >/dev/null
  role=$(curl -sf -u "$key:" "$gh/v1/orgs/$org/roles?limit=100" | jq '[.items[] | select(.name == "Reader")][0].id')
  other=$(gh_post /v1/orgs '{"name": "Other", "model": "contention"}' | jq .id)
  GH="$gh" GH_KEY="$key" LARGE="$org" ROLE="$role" OTHER="$other" \
    OTHER_ROLE="$(gh_post "/v1/orgs/$other/roles" '{"name": "Editor", "permissions": ["doc.read"]}' | jq .id)" \
    PREVIEWERS="$previewers" SECONDS_EACH="$seconds" LABEL="$label" python3 - <<'PY'
import base64, json, os, statistics, threading, time, urllib.error, urllib.request

gh, key = os.environ["GH"], os.environ["GH_KEY"]
large, role, other, other_role = (int(os.environ[k]) for k in ("LARGE", "ROLE", "OTHER", "OTHER_ROLE"))
previewers, seconds, label = int(os.environ["PREVIEWERS"]), float(os.environ["SECONDS_EACH"]), os.environ["LABEL"]
auth = "Basic " + base64.b64encode((key + ":").encode()).decode()

def call(method, path, body):
    req = urllib.request.Request(gh + path, data=json.dumps(body).encode(), method=method,
                                 headers={"Authorization": auth, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as res:
            res.read()
            return res.status, res.headers
    except urllib.error.HTTPError as e:
        e.read()
        return e.code, e.headers

def writes(until):
    latencies, n = [], 0
    while time.monotonic() < until:
        n += 1
        start = time.monotonic()
        status, _ = call("PATCH", f"/v1/orgs/{other}/roles/{other_role}", {"name": f"Editor {n}"})
        assert status == 200, status
        latencies.append((time.monotonic() - start) * 1000)
    return latencies

answered, refused, preview_ms, lock = [0], [0], [], threading.Lock()
def previews(until):
    body = {"role": {"id": role, "permissions": ["doc.read", "doc.write"]}}
    while time.monotonic() < until:
        start = time.monotonic()
        status, headers = call("POST", f"/v1/orgs/{large}/preview", body)
        with lock:
            if status == 200:
                answered[0] += 1
                preview_ms.append((time.monotonic() - start) * 1000)
            elif status == 503:
                refused[0] += 1
            else:
                raise SystemExit(f"preview answered {status}")
        if status == 503:
            time.sleep(min(float(headers.get("Retry-After", "1")), max(0.0, until - time.monotonic())))

def quantiles(values):
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, int(len(values) * 0.99))]

# warm-up for the JIT: writes alone, then a few previews
writes(time.monotonic() + 5)
previews(time.monotonic() + 5)
answered[0] = refused[0] = 0
preview_ms.clear()
alone = writes(time.monotonic() + seconds)
until = time.monotonic() + seconds
threads = [threading.Thread(target=previews, args=(until,)) for _ in range(previewers)]
for t in threads:
    t.start()
loaded = writes(until)
for t in threads:
    t.join()
a50, a99 = quantiles(alone)
l50, l99 = quantiles(loaded)
p50 = statistics.median(preview_ms) if preview_ms else float("nan")
print(f"RESULT {label} writes_alone: n={len(alone)} p50_ms={a50:.1f} p99_ms={a99:.1f} "
      f"writes_under_previews: n={len(loaded)} p50_ms={l50:.1f} p99_ms={l99:.1f} "
      f"previews: answered={answered[0]} refused_503={refused[0]} p50_ms={p50:.0f}", flush=True)
PY
}

echo "machine: $(nproc) cores; $(java -version 2>&1 | head -1); the server, PostgreSQL and the clients share the cores"
echo "Large: $members members; $previewers previewers; ${seconds}s alone, then ${seconds}s under previews"
results=()
results+=("$(measure default | grep RESULT)")
echo "${results[0]#RESULT }"
results+=("$(measure lifted --max-concurrent-previews "$lifted" | grep RESULT)")
echo "${results[1]#RESULT }"
printf '%s\n' "${results[@]}" | awk '{
    for (i = 1; i <= NF; i++) if ($i == "writes_under_previews:") { split($(i + 2), m, "="); split($(i + 3), q, "=") }
    p50[$2] = m[2]; p99[$2] = q[2] }
  END { printf "ratio lifted/default: writes_under_previews p50=%.1fx p99=%.1fx\n", p50["lifted"] / p50["default"],
    p99["lifted"] / p99["default"] }'
