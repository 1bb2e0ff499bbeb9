#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cluster.sh: the cluster benchmark (`make bench-cluster`). One run measures, side by side,
# passive results ingested per second and HTTP checks executed per second for SQLite with
# one node and PostgreSQL with one, two and three nodes (`stackward serve --node`), and
# prints a table (also written to bench/out/cluster.txt). bench/README.md has the figures.
#
# Method. A throwaway PostgreSQL 15 (tests/pgtmp.sh --start/--stop) and nginx on loopback
# as the HTTP target (the same nginx configuration as bench/http.sh: one worker, a fresh
# connection per check). Each setup runs two phases, each with a fresh database (SQLite: a
# file in the temporary directory; PostgreSQL: CREATE DATABASE), fresh nodes and nothing
# else of stackward's running, so each figure is clean. Both phases ask for more than the
# machine can do, so each figure is the capacity of that setup on this machine:
#  1. ingest: PASSIVE passive checks, no active check. Once every node answers /healthz
#     (with PostgreSQL: and every shard is held, none by a node beyond its fair share), a
#     load generator (python3, THREADS threads, one keep-alive connection per thread and
#     node) POSTs arrays of BATCH results to /api/v1/results. Request k of thread t goes to
#     node (t + k) mod nodes: every node gets the same share, and with N nodes (N-1)/N of
#     the results reach a node that does not run their check (they go through the inbox).
#     Each thread posts its own batches over and over, without a time (the node stamps the
#     time of receipt). After WARMUP s it measures for WINDOW s: `results/s` counts the
#     results of the requests answered 2xx within the window (the answer comes after the
#     commit), `p50/p99` the latency of those requests, `errors` the requests of the window
#     without a 2xx. `applied/s` is the increase of stackward_check_runs_total{type=
#     "passive"} summed over every node's /metrics in the same window: results handled by
#     the node that runs their check. After the load stops the script waits (at most DRAIN
#     s) for the inbox to empty, then compares the results acknowledged during the whole
#     phase with the results applied (the counters summed over nodes): `lost`.
#  2. checks: CHECKS http checks every INTERVAL (bench/gen-config.sh: one URL of nginx
#     each, timeout 1 s, one attempt), no ingest. After the same start-up and WARMUP s,
#     over WINDOW s: `checks/s` is the increase of stackward_check_runs_total{type="http"}
#     summed over the nodes' /metrics, over the window; `nginx/s` the increase of nginx's
#     request counter (stub_status): the same rate counted by the target, independently of
#     stackward's own counters; `p99_late_s` the 99th percentile of schedule lateness from the
#     nodes' histograms summed (as PromQL's histogram_quantile() does, see bench/http.sh).
# Each counter is read with its own time stamp, and a rate divides by its own interval.
# `cores`: CPU seconds of the nodes, PostgreSQL (postmaster and backends), nginx and the load
# generator in the window, divided by the window. The detail lines give the split, each
# node's share, the shards, the whole machine's busy share (/proc/stat: other work on the
# machine shows there), shards that moved and the nodes' warn/error log lines.
# Everything runs on one machine: adding nodes adds no CPU. What the rows show is what
# sharing the work costs or gains on the same cores, not a cluster of machines.
#
# Environment: BUILD (build directory, default build), WARMUP (s, default 5), WINDOW (s,
# default 20), CHECKS (default 20000), INTERVAL (default 1s), PASSIVE (passive checks,
# default 20000), BATCH (results a request, default 100), THREADS (default 8), DRAIN (s,
# default 30), SETUPS (default "sqlite:1 postgresql:1 postgresql:2 postgresql:3"), PHASES
# (default "ingest checks"), NGINX (default /usr/sbin/nginx), KEEP=1 keeps the temporary
# directory (configurations, node logs, PostgreSQL's log, the measurements as JSON). Needs
# python3, jq, curl, nginx and PostgreSQL 15 (scripts/packages.txt). A run takes about 4
# minutes; it exits 0 when every phase was measured (whatever the figures), 1 otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-build}
case $build in /*) ;; *) build="$root/$build" ;; esac
daemon="$build/stackward"
nginx=${NGINX:-/usr/sbin/nginx}
warmup=${WARMUP:-5}
window=${WINDOW:-20}
checks=${CHECKS:-20000}
interval=${INTERVAL:-1s}
passive=${PASSIVE:-20000}
batch=${BATCH:-100}
threads=${THREADS:-8}
drain=${DRAIN:-30}
setups=${SETUPS:-sqlite:1 postgresql:1 postgresql:2 postgresql:3}
phases=${PHASES:-ingest checks}
outdir="$here/out"

die() {
    echo "bench: $*" >&2
    exit 1
}
for v in "WARMUP=$warmup" "WINDOW=$window" "CHECKS=$checks" "PASSIVE=$passive" \
    "BATCH=$batch" "THREADS=$threads" "DRAIN=$drain"; do
    case ${v#*=} in '' | *[!0-9]*) die "${v%%=*} must be a whole number, not '${v#*=}'" ;; esac
done
[ "$window" -ge 5 ] || die "WINDOW must be at least 5 s"
if [ "$batch" -lt 1 ] || [ "$batch" -gt 10000 ]; then
    die "BATCH must be 1..10000 (the API's limit)"
fi
[ "$threads" -ge 1 ] || die "THREADS must be at least 1"
[ "$passive" -ge $((batch * threads)) ] ||
    die "PASSIVE must be at least BATCH x THREADS ($((batch * threads))): each thread posts its own checks"
need_pg=0
for s in $setups; do
    case $s in
    sqlite:1) ;;
    postgresql:[1-9]) need_pg=1 ;;
    *) die "unknown setup '$s' in SETUPS (sqlite:1, postgresql:1 .. postgresql:9)" ;;
    esac
done
for p in $phases; do
    case $p in ingest | checks) ;; *) die "unknown phase '$p' in PHASES (ingest, checks)" ;; esac
done
[ -n "$phases" ] || die "PHASES is empty"
[ -x "$daemon" ] || die "$daemon is missing: run 'make' first"
[ -x "$nginx" ] || die "$nginx is missing: apt-get install nginx-light"
for c in curl jq python3; do
    command -v "$c" >/dev/null || die "$c is missing (scripts/packages.txt)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stackward-bench-cluster.XXXXXX")
chmod 755 "$tmp" # nginx's worker and PostgreSQL (user postgres) may run as another user
nginx_pid=""
node_pids=""
pg_up=0

# Stops children: TERM to all, up to 15 s for them to exit, then KILL.
# shellcheck disable=SC2317 # also called from the EXIT trap
stop_pids() {
    [ -n "$*" ] || return 0
    for p in "$@"; do kill "$p" 2>/dev/null || true; done
    for p in "$@"; do
        sp_i=0
        while kill -0 "$p" 2>/dev/null && [ "$sp_i" -lt 150 ]; do
            sleep 0.1
            sp_i=$((sp_i + 1))
        done
        kill -9 "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
}
# shellcheck disable=SC2317
cleanup() {
    # shellcheck disable=SC2086 # a list of pids
    stop_pids $node_pids
    node_pids=""
    stop_pids "$nginx_pid"
    nginx_pid=""
    if [ "$pg_up" = 1 ]; then
        [ "${KEEP:-0}" != 1 ] || cp "$tmp/pg/server.log" "$tmp/postgresql.log" 2>/dev/null || true
        "$root/tests/pgtmp.sh" --stop "$tmp/pg" >/dev/null 2>&1 || true
        pg_up=0
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        echo "bench: kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=bench/lib.sh
. "$here/lib.sh"

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
t_begin=$(date +%s)

# ---- the measuring helper: load generator and window snapshots (python3, stdlib only) ----
cat >"$tmp/measure.py" <<'PY'
# Written by bench/cluster.sh (see its header for the method). Takes a snapshot of every
# node's /metrics, nginx's request counter and CPU times WARMUP s after it starts and again
# WINDOW s later; with --paths it also posts passive results from the start until the
# second snapshot. Prints one JSON object.
import argparse, http.client, json, os, sys, threading, time, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("--warmup", type=float, required=True)
ap.add_argument("--window", type=float, required=True)
ap.add_argument("--nodes", required=True)  # host:port,...
ap.add_argument("--pids", default="")  # the nodes' pids
ap.add_argument("--postmaster", type=int, default=0)
ap.add_argument("--nginx-status", default="")
ap.add_argument("--nginx-pid", type=int, default=0)
ap.add_argument("--paths", default="")  # passive check paths, one a line: post results
ap.add_argument("--threads", type=int, default=8)
ap.add_argument("--batch", type=int, default=100)
a = ap.parse_args()
nodes = a.nodes.split(",")
pids = [int(p) for p in a.pids.split(",") if p]
tck = os.sysconf("SC_CLK_TCK")


def metrics(node):
    at = time.monotonic()
    with urllib.request.urlopen("http://%s/metrics" % node, timeout=10) as r:
        text = r.read().decode()
    at = (at + time.monotonic()) / 2  # when the counters were read, within a few ms
    runs, buckets, fail, hard = {}, {}, 0.0, 0.0
    for line in text.splitlines():
        if line.startswith("stackward_check_runs_total{"):
            t = line.split('type="', 1)[1].split('"', 1)[0]
            runs[t] = runs.get(t, 0) + float(line.rsplit(" ", 1)[1])
        elif line.startswith("stackward_schedule_lateness_seconds_bucket{"):
            le = line.split('le="', 1)[1].split('"', 1)[0]
            le = float("inf") if le == "+Inf" else float(le)
            buckets[le] = buckets.get(le, 0) + float(line.rsplit(" ", 1)[1])
        elif line.startswith("stackward_store_failures_total"):
            fail += float(line.rsplit(" ", 1)[1])
        elif line.startswith("stackward_hard_changes_total"):
            hard += float(line.rsplit(" ", 1)[1])
    return {"t": at, "runs": runs, "buckets": buckets, "store_failures": fail,
            "hard_changes": hard}


def proc_ticks(pid):
    """utime + stime of a process, and its parent's pid."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            f = f.read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12]), int(f[1])
    except (OSError, IndexError, ValueError):
        return 0, -1


def tree_ticks(root):
    """CPU ticks of a server and of its children: PostgreSQL's postmaster and its backends,
    nginx's master and its worker."""
    if not root:
        return {}
    out = {root: proc_ticks(root)[0]}
    for d in os.listdir("/proc"):
        if d.isdigit():
            t, ppid = proc_ticks(int(d))
            if ppid == root:
                out[int(d)] = t
    return out


def machine():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v), v[3] + v[4]  # total, idle + iowait


def nginx():
    if not a.nginx_status:
        return None
    at = time.monotonic()
    with urllib.request.urlopen(a.nginx_status, timeout=5) as r:
        n = int(r.read().decode().splitlines()[2].split()[2])
    return ((at + time.monotonic()) / 2, n)


def snapshot():
    """Each counter is read with the time it was read at, so a slow answer (a busy machine)
    does not stretch or shrink its window; rates divide by each counter's own interval."""
    s = {"t": time.monotonic(), "metrics": [metrics(n) for n in nodes], "nginx": nginx()}
    s["machine"], s["self"] = machine(), sum(os.times()[:2])
    s["nodes_cpu"], s["pg"] = sum(proc_ticks(p)[0] for p in pids), tree_ticks(a.postmaster)
    s["nginx_cpu"] = tree_ticks(a.nginx_pid)
    s["t_cpu"] = time.monotonic()
    return s


# the load: each thread posts its own batches, request k to node (thread + k) mod nodes
bodies, reqs, stop = [], [], threading.Event()
if a.paths:
    paths = [line.strip() for line in open(a.paths) if line.strip()]
    states = ["OK", "OK", "OK", "WARNING", "OK", "CRITICAL", "OK", "OK"]
    for b in range(0, len(paths) - a.batch + 1, a.batch):
        bodies.append(json.dumps([{"check": p, "state": states[(b + i) % 8],
                                   "output": "bench %d | v=%d" % (b + i, b + i)}
                                  for i, p in enumerate(paths[b:b + a.batch])]).encode())
    if len(bodies) < a.threads:
        sys.exit("measure: %d batches for %d threads" % (len(bodies), a.threads))


def worker(k):
    mine, conns, log, j = bodies[k::a.threads], [None] * len(nodes), reqs[k], 0
    while not stop.is_set():
        n = (k + j) % len(nodes)
        body = mine[j % len(mine)]
        j += 1
        s = time.monotonic()
        try:
            if conns[n] is None:
                host, port = nodes[n].rsplit(":", 1)
                conns[n] = http.client.HTTPConnection(host, int(port), timeout=120)
            conns[n].request("POST", "/api/v1/results", body,
                             {"Content-Type": "application/json"})
            r = conns[n].getresponse()
            data = r.read()
            status = r.status
            acc = json.loads(data).get("accepted", 0) if 200 <= status < 300 else 0
            if status >= 300 and len(errors) < 20:
                errors.append("%s: %d %s" % (nodes[n], status, data[:300].decode("utf-8", "replace")))
        except (OSError, http.client.HTTPException, ValueError) as e:
            if conns[n] is not None:
                conns[n].close()
            conns[n] = None
            status, acc = 0, 0
            if len(errors) < 20:
                errors.append("%s: %s" % (nodes[n], e))
            time.sleep(0.05)
        log.append((s, time.monotonic(), status, acc))


errors = []
t0 = time.monotonic()
workers = []
if bodies:
    for k in range(a.threads):
        reqs.append([])
        workers.append(threading.Thread(target=worker, args=(k,), daemon=True))
        workers[-1].start()
time.sleep(max(0.0, t0 + a.warmup - time.monotonic()))
s0 = snapshot()
time.sleep(max(0.0, s0["t"] + a.window - time.monotonic()))
s1 = snapshot()
stop.set()
for w in workers:
    w.join(180)

secs = s1["t"] - s0["t"]
out = {"window_s": secs, "nodes": []}
for n, m0, m1 in zip(nodes, s0["metrics"], s1["metrics"]):
    d = lambda t: (m1["runs"].get(t, 0) - m0["runs"].get(t, 0)) / (m1["t"] - m0["t"])
    out["nodes"].append({"addr": n, "http_s": d("http"), "passive_s": d("passive"),
                         "store_failures": m1["store_failures"] - m0["store_failures"],
                         "hard_changes": m1["hard_changes"] - m0["hard_changes"]})
out["checks_s"] = sum(x["http_s"] for x in out["nodes"])
out["applied_s"] = sum(x["passive_s"] for x in out["nodes"])
out["nginx_s"] = None
if s1["nginx"] is not None:  # - 1: the request that reads the counter is counted
    out["nginx_s"] = (s1["nginx"][1] - s0["nginx"][1] - 1) / (s1["nginx"][0] - s0["nginx"][0])


def quantile(q):
    b0, b1 = {}, {}
    for m in s0["metrics"]:
        for le, c in m["buckets"].items():
            b0[le] = b0.get(le, 0) + c
    for m in s1["metrics"]:
        for le, c in m["buckets"].items():
            b1[le] = b1.get(le, 0) + c
    les = sorted(b1)
    c = [b1[le] - b0.get(le, 0) for le in les]
    if not les or c[-1] <= 0:
        return None
    rank = q * c[-1]
    i = next(i for i in range(len(les)) if c[i] >= rank or i == len(les) - 1)
    lo, clo = (les[i - 1], c[i - 1]) if i > 0 else (0.0, 0.0)
    if les[i] == float("inf"):
        return lo
    if c[i] == clo:
        return les[i]
    return lo + (les[i] - lo) * (rank - clo) / (c[i] - clo)


out["late_p50_s"], out["late_p99_s"] = quantile(0.5), quantile(0.99)
tot = s1["machine"][0] - s0["machine"][0]
out["busy_pct"] = 100.0 * (tot - (s1["machine"][1] - s0["machine"][1])) / tot if tot else None
# CPU seconds scaled to the window (read a moment after the counters, over the same span)
cpu_scale = secs / (s1["t_cpu"] - s0["t_cpu"])
tree = lambda k: cpu_scale * sum(t - s0[k].get(p, 0) for p, t in s1[k].items()) / tck
out["cpu_s"] = {"nodes": cpu_scale * (s1["nodes_cpu"] - s0["nodes_cpu"]) / tck,
                "postgres": tree("pg"), "nginx": tree("nginx_cpu"),
                "loadgen": cpu_scale * (s1["self"] - s0["self"])}
out["cores"] = sum(out["cpu_s"].values()) / secs
if bodies:
    win = [r for log in reqs for r in log if s0["t"] <= r[1] <= s1["t"]]
    lat = sorted(r[1] - r[0] for r in win)
    q = lambda p: 1000 * lat[min(len(lat) - 1, int(p * len(lat)))] if lat else None
    status = {}
    for r in win:
        status[str(r[2])] = status.get(str(r[2]), 0) + 1
    out["ingest"] = {"results_s": sum(r[3] for r in win) / secs, "requests": len(win),
                     "errors": sum(1 for r in win if not 200 <= r[2] < 300),
                     "status": status, "p50_ms": q(0.5), "p99_ms": q(0.99),
                     "acked_total": sum(r[3] for log in reqs for r in log),
                     "first_errors": errors[:5],
                     "alive_threads": sum(1 for w in workers if w.is_alive())}
print(json.dumps(out))
PY

# Sums stackward_check_runs_total{type="$2"} over the /metrics of nodes $1 (host:port,...).
runs_total() {
    for n in $(echo "$1" | tr , ' '); do
        curl -fs --max-time 10 "http://$n/metrics" || echo "bench: cannot read /metrics of $n" >&2
    done | awk -v t="$2" '/^stackward_check_runs_total[{]/ && index($0, "type=\"" t "\"") {
            s += $NF } END { printf "%.0f\n", s }'
}

# gen_passive N DATABASE: a configuration of N passive checks, 100 to a service, 10 services
# to a deployment, 5 deployments to a customer (as bench/gen-config.sh spreads http checks).
# Their paths go to $tmp/paths.
gen_passive() {
    awk -v n="$1" -v db="$2" -v paths="$tmp/paths" 'BEGIN {
        printf "# generated by bench/cluster.sh: %d passive checks\n", n
        printf "listen: 127.0.0.1:18999\ndatabase: %s\nretention: {results: 1d}\ncustomers:\n", db
        lc = ld = ls = -1
        for (i = 0; i < n; i++) {
            svc = int(i / 100); dep = int(svc / 10); cus = int(dep / 5)
            if (cus != lc) { printf "  - id: pcust%d\n    deployments:\n", cus; ld = -1 }
            if (dep != ld) { printf "      - id: pdep%d\n        kind: other\n        services:\n", dep; ls = -1 }
            if (svc != ls) printf "          - id: psvc%d\n            checks:\n", svc
            printf "              - {id: p%d, type: passive}\n", i
            printf "pcust%d/pdep%d/psvc%d/p%d\n", cus, dep, svc, i > paths
            lc = cus; ld = dep; ls = svc
        }
    }'
}

# ---- the HTTP target: nginx, as bench/http.sh runs it ----
start_nginx_target

# ---- PostgreSQL ----
if [ "$need_pg" = 1 ]; then
    echo "bench: starting a throwaway PostgreSQL (tests/pgtmp.sh)" >&2
    pg_up=1
    "$root/tests/pgtmp.sh" --start "$tmp/pg" >/dev/null || die "tests/pgtmp.sh --start failed"
    # shellcheck disable=SC1091
    . "$tmp/pg/env"
    postmaster=$(head -1 "$SW_TEST_PG_DATA/postmaster.pid")
    pg_version=$("$SW_TEST_PG_BIN/postgres" --version | awk '{ print $3 }')
fi

next_port=$(free_port 19100)

# start_nodes KIND N CONFIG DIR: starts N nodes serving CONFIG; sets node_pids and node_addrs
# (host:port,...). With PostgreSQL, waits until every node is live, no shard is free and no
# node holds more than its fair share; prints the shards per node to DIR/shards.
start_nodes() {
    node_pids=""
    node_addrs=""
    i=1
    while [ "$i" -le "$2" ]; do
        p=$(free_port "$next_port")
        next_port=$((p + 1))
        if [ "$1" = sqlite ]; then
            "$daemon" serve -c "$3" --listen "127.0.0.1:$p" >"$4/node$i.log" 2>&1 &
        else
            "$daemon" serve -c "$3" --listen "127.0.0.1:$p" --node "n$i" >"$4/node$i.log" 2>&1 &
        fi
        node_pids="$node_pids $!"
        node_addrs="$node_addrs${node_addrs:+,}127.0.0.1:$p"
        i=$((i + 1))
    done
    i=1
    for pid in $node_pids; do
        addr=$(echo "$node_addrs" | cut -d, -f"$i")
        if ! wait_up "http://$addr/healthz" 120 "$pid"; then
            tail -20 "$4/node$i.log" >&2 || true
            die "$4: node $i did not come up on $addr"
        fi
        i=$((i + 1))
    done
    [ "$1" = postgresql ] || return 0
    fair=$(((64 + $2 - 1) / $2))
    i=0
    while :; do
        if "$daemon" cluster status -c "$3" --format json >"$4/status.json" 2>/dev/null &&
            jq -e --argjson n "$2" --argjson fair "$fair" \
                '([.nodes[] | select(.live)] | length) == $n and .shards_free == 0 and
                 ([.nodes[] | select(.live) | .shards] | max) <= $fair' \
                "$4/status.json" >/dev/null; then
            break
        fi
        i=$((i + 1))
        [ "$i" -lt 120 ] || die "$4: the shards were not shared out within 60 s: $(cat "$4/status.json")"
        sleep 0.5
    done
    jq -r '[.nodes[] | .name + " " + (.shards | tostring)] | join(", ")' "$4/status.json" >"$4/shards"
}

# after_phase KIND CONFIG DIR: the shard owners at the end compared with those at the
# start (DIR/moved), then stops the nodes and counts their warnings and errors (DIR/logs).
after_phase() {
    moved=0
    if [ "$1" = postgresql ]; then
        if "$daemon" cluster status -c "$2" --format json >"$3/status-end.json" 2>/dev/null; then
            moved=$(jq -n --slurpfile a "$3/status.json" --slurpfile b "$3/status-end.json" \
                '[range(64) as $i | select($a[0].shard_owner[$i] != $b[0].shard_owner[$i])] | length')
        else
            moved="status unreadable"
        fi
    fi
    echo "$moved" >"$3/moved"
    # shellcheck disable=SC2086
    stop_pids $node_pids
    node_pids=""
    cat "$3"/node*.log | grep -E '^[^ ]+ (warn|error) ' >"$3/problems" || true
}

run_setup() {
    kind=$1
    n=$2
    name="$kind-$n"
    for phase in $phases; do
        dir="$tmp/$name/$phase"
        mkdir -p "$dir"
        if [ "$kind" = sqlite ]; then
            db="$dir/bench.db"
        else
            dbname=$(echo "b_${name}_$phase" | tr - _)
            "$SW_TEST_PG_BIN/createdb" -h 127.0.0.1 -p "$SW_TEST_PG_PORT" -U postgres "$dbname" ||
                die "createdb $dbname failed"
            db="postgresql://postgres@127.0.0.1:$SW_TEST_PG_PORT/$dbname"
        fi
        if [ "$phase" = ingest ]; then
            gen_passive "$passive" "$db" >"$dir/config.yaml"
            echo "bench: +$(($(date +%s) - t_begin))s $name: ingest, $passive passive checks," \
                "$threads threads x $batch results a request" >&2
        else
            "$here/gen-config.sh" "$checks" "$interval" "$port" "$db" >"$dir/config.yaml"
            echo "bench: +$(($(date +%s) - t_begin))s $name: checks, $checks http checks every $interval" >&2
        fi
        start_nodes "$kind" "$n" "$dir/config.yaml" "$dir"
        echo "bench: +$(($(date +%s) - t_begin))s $name: $phase: $n node(s) up, measuring" >&2
        # shellcheck disable=SC2086 # a list of pids
        set -- --warmup "$warmup" --window "$window" --nodes "$node_addrs" \
            --pids "$(echo $node_pids | tr ' ' ,)" --postmaster "${postmaster:-0}" \
            --nginx-pid "$nginx_pid"
        if [ "$phase" = ingest ]; then
            python3 "$tmp/measure.py" "$@" --paths "$tmp/paths" --threads "$threads" \
                --batch "$batch" >"$dir/m.json" || die "$name: the load generator failed"
            # the inbox drains; then every acknowledged result must have been applied
            waited=0
            left=0
            if [ "$kind" = postgresql ]; then
                while :; do
                    left=$("$daemon" cluster status -c "$dir/config.yaml" --format json 2>/dev/null |
                        jq '.inbox') || left="?"
                    [ "$left" != 0 ] || break
                    [ "$waited" -lt $((drain * 2)) ] || break
                    sleep 0.5
                    waited=$((waited + 1))
                done
            fi
            echo "$left $((waited / 2)) $(runs_total "$node_addrs" passive)" >"$dir/drain"
        else
            python3 "$tmp/measure.py" "$@" \
                --nginx-status "http://127.0.0.1:$status_port/status" >"$dir/m.json" ||
                die "$name: measuring failed"
        fi
        after_phase "$kind" "$dir/config.yaml" "$dir"
    done
    echo "$kind $n" >>"$tmp/setups"
}

: >"$tmp/setups"
for s in $setups; do
    run_setup "${s%:*}" "${s#*:}"
done

# ---- the report ----
# j FILE FILTER: a figure from a measurement, "-" when the phase did not run.
j() {
    if [ -s "$1" ]; then
        jq -r "$2" "$1"
    else
        echo -
    fi
}
fmt='%-11s %5s %9s %7s %7s %6s %9s %5s %6s %9s %9s %8s %10s %6s\n'
ivs=${interval%s}
case $interval in *ms) ivs=$(awk -v v="${interval%ms}" 'BEGIN { print v / 1000 }') ;; esac
mkdir -p "$outdir"
report="$tmp/report"
{
    echo "stackward cluster benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)"
    echo "stackward: $("$daemon" --version 2>/dev/null | head -1 || echo unknown)," \
        "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
        "$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo '(with local changes)')," \
        "build $(basename "$build")"
    [ "$need_pg" = 0 ] || echo "PostgreSQL $pg_version (tests/pgtmp.sh: fsync on, default settings), on the same machine"
    echo "command: sh bench/cluster.sh; warm-up ${warmup} s, window ${window} s; ingest: $passive passive" \
        "checks, $threads threads x $batch results a request, round-robin over the nodes;" \
        "checks: $checks http checks every $interval (nginx on loopback)"
    echo "load average (1, 5, 15 min): $load_start at start, $(cut -d' ' -f1-3 /proc/loadavg) at end;" \
        "run took $(($(date +%s) - t_begin)) s"
    echo
    # shellcheck disable=SC2059
    printf "$fmt" "" "" "--ingest" "" "" "" "" "" "" "--checks" "" "" "" ""
    # shellcheck disable=SC2059
    printf "$fmt" setup nodes results/s p50_ms p99_ms errors applied/s lost cores \
        checks/s nginx/s asked/s p99_late_s cores
    while read -r kind n; do
        i="$tmp/$kind-$n/ingest"
        c="$tmp/$kind-$n/checks"
        lost=-
        if [ -s "$i/drain" ]; then
            read -r left _ applied_total <"$i/drain"
            lost=$(jq -r --argjson a "$applied_total" '.ingest.acked_total - $a' "$i/m.json")
            [ "$left" = 0 ] || lost="$lost*"
        fi
        asked=-
        [ ! -s "$c/m.json" ] || asked=$(awk -v n="$checks" -v s="$ivs" 'BEGIN { printf "%.0f", n / s }')
        # shellcheck disable=SC2059
        printf "$fmt" "$kind" "$n" \
            "$(j "$i/m.json" '.ingest.results_s | floor')" \
            "$(j "$i/m.json" '.ingest.p50_ms | . * 10 | round / 10')" \
            "$(j "$i/m.json" '.ingest.p99_ms | . * 10 | round / 10')" \
            "$(j "$i/m.json" '.ingest.errors')" \
            "$(j "$i/m.json" '.applied_s | floor')" "$lost" \
            "$(j "$i/m.json" '.cores * 100 | round / 100')" \
            "$(j "$c/m.json" '.checks_s * 10 | round / 10')" \
            "$(j "$c/m.json" '.nginx_s * 10 | round / 10')" "$asked" \
            "$(j "$c/m.json" 'if .late_p99_s == null then "n/a" else .late_p99_s * 10000 | round / 10000 end')" \
            "$(j "$c/m.json" '.cores * 100 | round / 100')"
    done <"$tmp/setups"
    echo
    echo "ingest results/s: results acknowledged (2xx, sent after the commit) within the window / window;"
    echo "  p50/p99: latency of those requests; errors: requests of the window without a 2xx answer."
    echo "applied/s: stackward_check_runs_total{type=\"passive\"} summed over the nodes, over the window."
    echo "lost: results acknowledged during the phase minus results applied once the inbox is empty"
    echo "  (* the inbox did not empty within DRAIN s)."
    echo "checks/s: stackward_check_runs_total{type=\"http\"} summed over the nodes, over the window;"
    echo "  nginx/s: requests the target served in the window (an independent count);"
    echo "  asked/s: checks / interval; p99_late_s: schedule lateness, all nodes' histograms summed."
    echo "cores: CPU seconds of the nodes, PostgreSQL, nginx and the load generator in the window /"
    echo "  window (the machine has $(nproc)); the details give the split and the whole machine's busy share."
    echo
    echo "details (CPU seconds in the window by process; rate per node; shards per node):"
    while read -r kind n; do
        for phase in $phases; do
            d="$tmp/$kind-$n/$phase"
            printf '  %s-%s %s: ' "$kind" "$n" "$phase"
            jq -r --arg phase "$phase" '"cpu nodes " + (.cpu_s.nodes * 10 | round / 10 | tostring) +
                " s, postgres " + (.cpu_s.postgres * 10 | round / 10 | tostring) +
                " s, nginx " + (.cpu_s.nginx * 10 | round / 10 | tostring) +
                " s, load generator " + (.cpu_s.loadgen * 10 | round / 10 | tostring) +
                " s; machine busy " + (.busy_pct | round | tostring) + "%; per node/s: " +
                ([.nodes[] | if $phase == "ingest" then .passive_s else .http_s end | floor | tostring] | join(" ")) +
                (if ([.nodes[].store_failures] | add) > 0 then "; STORE FAILURES " +
                    ([.nodes[].store_failures] | add | tostring) else "" end) +
                (if $phase == "checks" and ([.nodes[].hard_changes] | add) > 0 then
                    "; HARD STATE CHANGES in the window: " + ([.nodes[].hard_changes] | add | tostring) +
                    " (every target answers 200: a change means a probe failed)" else "" end)' \
                "$d/m.json" | tr -d '\n'
            [ ! -s "$d/shards" ] || printf '; shards %s' "$(cat "$d/shards")"
            moved=$(cat "$d/moved")
            [ "$moved" = 0 ] || printf '; SHARDS MOVED during the phase: %s' "$moved"
            if [ "$phase" = ingest ]; then
                read -r left waited _ <"$d/drain"
                printf '; inbox empty %s s after the load' "$waited"
                [ "$left" = 0 ] || printf ' (NOT EMPTY: %s left)' "$left"
                jq -r '.ingest | if .errors > 0 then "; status " + (.status | tostring) +
                    "; first errors: " + (.first_errors | join(" | ")) else "" end' "$d/m.json" | tr -d '\n'
            fi
            w=$(wc -l <"$d/problems")
            if [ "$w" -gt 0 ]; then
                printf '; %s warn/error log lines, e.g. %s' "$w" "$(head -1 "$d/problems")"
            fi
            echo
        done
    done <"$tmp/setups"
} >"$report"
cp "$report" "$outdir/cluster.txt"
cat "$report"
echo "bench: written to bench/out/cluster.txt" >&2
