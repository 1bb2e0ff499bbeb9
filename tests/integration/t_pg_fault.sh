#!/bin/bash
# t_pg_fault.sh: the store on a real PostgreSQL 15 (a throwaway server on loopback) that goes
# away while results come in. Three clients post passive results without pause, each with a
# unique output and its own increasing time; meanwhile PostgreSQL is restarted (pg_ctl -m fast
# restart) and then stopped for 3 s and started again. Afterwards: every result acknowledged
# with 2xx is in the results table; requests made during the outage got 503 store_failed,
# never another 5xx, and none hung; the daemon still answers; the tcp checks against the
# PostgreSQL port kept running through the outage, and their results of the outage, held in
# memory, were written once the server was back; the history has no hole; the daemon stops
# cleanly.
. "$(dirname "$0")/lib.sh"
PGDIR=$(mktemp -u /tmp/sw-pg-fault.XXXXXX)
DURATION=20 # seconds of posting
# every way out stops what was started and the PostgreSQL server, then runs lib.sh's cleanup;
# a signal ends the test
stop_all() {
    trap - EXIT INT TERM
    for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
    # the server's log goes with the test's directory when that is kept for inspection
    if [ "$FAILS" -ne 0 ] && [ -f "$PGDIR/server.log" ]; then
        cp "$PGDIR/server.log" "$T/pg-server.log" 2>/dev/null || true
    fi
    "$SW_SRC/tests/pgtmp.sh" --stop "$PGDIR" >/dev/null 2>&1 || true
    cleanup
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
"$SW_SRC/tests/pgtmp.sh" --start "$PGDIR" >"$T/pg.uri" || exit 99
# shellcheck source=/dev/null
. "$PGDIR/env"
sql() { psql -XAt "$SW_TEST_PG" -c "$1"; }
now_ms() { date +%s%3N; }
# pg_ctl_as_pg ARGS...: pg_ctl on the throwaway cluster, as its owner (tests/pgtmp.sh)
pg_ctl_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$SW_TEST_PG_BIN/pg_ctl" -D "$SW_TEST_PG_DATA" -l "$SW_TEST_PG_LOG" "$@"
    else
        "$SW_TEST_PG_BIN/pg_ctl" -D "$SW_TEST_PG_DATA" -l "$SW_TEST_PG_LOG" "$@"
    fi
}

cat >"$T/sw.yaml" <<EOF
database: $SW_TEST_PG
customers:
  - id: acme
    deployments:
      - id: d1
        services:
          - id: push
            checks:
              - {id: p1, type: passive}
              - {id: p2, type: passive}
              - {id: p3, type: passive}
          - id: db
            checks:
              - {id: pg-tcp, type: tcp, host: 127.0.0.1, port: $SW_TEST_PG_PORT, interval: 1s, retry_interval: 1s, timeout: 1s, max_attempts: 1}
              - {id: pg-tcp2, type: tcp, host: 127.0.0.1, port: $SW_TEST_PG_PORT, interval: 1s, retry_interval: 1s, timeout: 1s, max_attempts: 2}
EOF
"$STACKWARD" validate -c "$T/sw.yaml" >/dev/null || { fail "the config is invalid"; exit 1; }
start_daemon "$T/sw.yaml"
wait_for "pg-tcp OK" 10 check_is acme/d1/db/pg-tcp state OK || true

# The client: one thread per check, each posting one result at a time (a new connection per
# request), 5 ms apart, until the deadline. Every request is one line of $T/requests.tsv:
# worker, output, start ms, end ms, outcome (the HTTP status, "conn" for a connection error,
# "timeout" past 10 s) and the error code of the body ("-" when none).
cat >"$T/client.py" <<'EOF'
import http.client, json, socket, sys, threading, time

port, duration, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
checks = ["acme/d1/push/p1", "acme/d1/push/p2", "acme/d1/push/p3"]
base = int(time.time()) - 6 * 3600  # each worker's result n is observed at base + n
end = time.monotonic() + duration
lines, lock = [], threading.Lock()


def worker(w):
    n = 0
    while time.monotonic() < end:
        n += 1
        output = "r-%d-%d" % (w, n)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + n))
        body = json.dumps({"check": checks[w], "state": (n // 50) % 3, "output": output,
                           "time": stamp})
        t0 = int(time.time() * 1000)
        code, err = "", "-"
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("POST", "/api/v1/results", body, {"Content-Type": "application/json"})
            r = c.getresponse()
            data = r.read()
            code = str(r.status)
            if r.status != 200:
                try:
                    err = json.loads(data)["error"]["code"]
                except Exception:
                    err = "unparsable"
            c.close()
        except socket.timeout:
            code = "timeout"
        except OSError as e:
            code, err = "conn", type(e).__name__
        t1 = int(time.time() * 1000)
        with lock:
            lines.append("%d\t%s\t%d\t%d\t%s\t%s\n" % (w, output, t0, t1, code, err))
        time.sleep(0.005)


threads = [threading.Thread(target=worker, args=(w,)) for w in range(len(checks))]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open(out, "w") as f:
    f.writelines(lines)
EOF

T0=$(now_ms)
/usr/bin/python3 "$T/client.py" "$PORT" "$DURATION" "$T/requests.tsv" 2>"$T/client.err" &
CLIENT=$!
PIDS="$PIDS $CLIENT"

# round 1: a fast restart 4 s in
sleep 4
R0=$(now_ms)
pg_ctl_as_pg -w -t 30 -m fast restart >/dev/null || fail "pg_ctl restart failed"
R1=$(now_ms)
# round 2: 9 s in, stopped for 3 s; the checks go CRITICAL meanwhile
while [ $(($(now_ms) - T0)) -lt 9000 ]; do sleep 0.1; done
crit_before=$(grep -c 'acme/d1/db/pg-tcp: OK -> CRITICAL' "$T/daemon.log" || true)
S0=$(now_ms)
pg_ctl_as_pg -w -t 30 -m fast stop >/dev/null || fail "pg_ctl stop failed"
S1=$(now_ms)
# while the server is away the daemon answers, refuses results, and runs its checks
pg_tcp_went_critical() {
    [ "$(grep -c 'acme/d1/db/pg-tcp: OK -> CRITICAL' "$T/daemon.log")" -gt "$crit_before" ]
}
wait_for "pg-tcp CRITICAL during the outage" 3 pg_tcp_went_critical || true
assert_eq "healthz during the outage" 200 \
    "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$API/healthz")"
# a read needs no database write: answered (200), or refused as unavailable (503), but not
# with a credential error
code=$(curl -s -m 5 -o "$T/body" -w '%{http_code}' "$API/api/v1/checks/acme/d1/db/pg-tcp")
assert_match "a read during the outage" '^(200|503) ' "$code $(head -c 200 "$T/body")"
echo '{"check": "acme/d1/push/p1", "state": 0, "output": "during the outage"}' >"$T/one.json"
assert_eq "a result during the outage" 503 "$(http_status POST "$API/api/v1/results" "$T/one.json")"
assert_eq "its error" store_failed "$(jq -r .error.code "$T/body")"
while [ $(($(now_ms) - S1)) -lt 3000 ]; do sleep 0.1; done
S2=$(now_ms)
pg_ctl_as_pg -w -t 30 start >/dev/null || fail "pg_ctl start failed"
S3=$(now_ms)
rc=0
wait "$CLIENT" || rc=$?
assert_eq "client exit status" 0 "$rc"
[ -s "$T/client.err" ] && { echo "client stderr:" >&2; cat "$T/client.err" >&2; }
echo "times from the start of posting (ms): restart $((R0 - T0))..$((R1 - T0));" \
    "stopped $((S0 - T0))..$((S1 - T0)), down until $((S2 - T0)), started $((S3 - T0))"

# the store takes writes again: a result is acknowledged and nothing is left queued
store_idle() {
    m=$(curl -fs "$API/metrics") &&
        echo "$m" | grep -qx 'stackward_store_queue_length 0'
}
echo '{"check": "acme/d1/push/p1", "state": 0, "output": "after the outage"}' >"$T/after.json"
wait_for "a result accepted after the outage" 15 sh -c \
    "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --data-binary @$T/after.json $API/api/v1/results)\" = 200 ]" ||
    true
wait_for "the store queue drained" 15 store_idle || true
sleep 2 # a few more tcp results, so that the newest one is written after the outage

# ---- the requests ----
R=$T/requests.tsv
sent=$(wc -l <"$R")
n2xx=$(awk -F'\t' '$5 ~ /^2/' "$R" | wc -l)
n503=$(awk -F'\t' '$5 == 503' "$R" | wc -l)
n503_store=$(awk -F'\t' '$5 == 503 && $6 == "store_failed"' "$R" | wc -l)
n4xx=$(awk -F'\t' '$5 ~ /^4/' "$R" | wc -l)
n5xx_other=$(awk -F'\t' '$5 ~ /^5/ && $5 != 503' "$R" | wc -l)
nconn=$(awk -F'\t' '$5 == "conn"' "$R" | wc -l)
ntimeout=$(awk -F'\t' '$5 == "timeout"' "$R" | wc -l)
slowest=$(awk -F'\t' 'BEGIN {m = 0} {d = $4 - $3; if (d > m) m = d} END {print m}' "$R")
# answers per second of posting: "+S s STATUS:COUNT..."
awk -F'\t' -v t0="$T0" '{print int(($3 - t0) / 1000), $5}' "$R" | sort -k1,1n -k2,2 | uniq -c |
    awk '{a[$2] = a[$2] " " $3 ":" $1; if ($2 > m) m = $2}
        END {for (k = 0; k <= m; k++) if (k in a) print "  +" k "s" a[k]}'
[ "$sent" -gt 1000 ] && ok || fail "too few requests sent: $sent"
[ "$n2xx" -gt 500 ] && ok || fail "too few results acknowledged: $n2xx"
[ "$n503" -gt 0 ] && ok || fail "no request got 503 during the outage"
assert_eq "503s that are not store_failed" 0 "$((n503 - n503_store))"
assert_eq "4xx answers" 0 "$n4xx"
assert_eq "5xx answers other than 503" 0 "$n5xx_other"
assert_eq "connection errors" 0 "$nconn"
assert_eq "requests that hung past 10 s" 0 "$ntimeout"
if [ "$((n4xx + n5xx_other + nconn + ntimeout))" -gt 0 ]; then
    echo "unexpected answers (count, status, code):" >&2
    awk -F'\t' '$5 !~ /^(2|503$)/ {print $5, $6}' "$R" | sort | uniq -c >&2
    echo "the first of them (worker, output, start, end, status, code):" >&2
    awk -F'\t' '$5 !~ /^(2|503$)/' "$R" | sort -t"$(printf '\t')" -k3,3n | head -3 >&2
fi
# 503s only around the outages: none before the first restart began
assert_eq "503s before the first restart" 0 "$(awk -F'\t' -v t="$R0" '$5 == 503 && $4 < t' "$R" | wc -l)"

# ---- every acknowledged result is stored ----
awk -F'\t' '$5 ~ /^2/ {print $2}' "$R" | sort -u >"$T/acked"
sql "SELECT output FROM results WHERE output LIKE 'r-%'" | sort >"$T/stored.all"
sort -u "$T/stored.all" >"$T/stored"
stored=$(wc -l <"$T/stored")
dups=$(($(wc -l <"$T/stored.all") - stored))
missing=$(comm -23 "$T/acked" "$T/stored" | wc -l)
awk -F'\t' '$5 == 503 {print $2}' "$R" | sort -u >"$T/refused"
refused_stored=$(comm -12 "$T/refused" "$T/stored" | wc -l)
echo "requests sent: $sent; 2xx: $n2xx; 503: $n503 (503 yet stored: $refused_stored);" \
    "4xx: $n4xx; other 5xx: $n5xx_other; connection errors: $nconn; timeouts: $ntimeout;" \
    "slowest request: ${slowest} ms"
echo "results in the store: $stored distinct outputs ($dups stored twice); acknowledged" \
    "but missing: $missing"
assert_eq "acknowledged results missing from the store" 0 "$missing"
if [ "$missing" -gt 0 ]; then
    echo "first missing (worker, output, start, end, status):" >&2
    comm -23 "$T/acked" "$T/stored" | head -10 | while read -r o; do
        awk -F'\t' -v o="$o" '$2 == o' "$R"
    done >&2
fi
# the last result of each check, as the daemon holds it, is what the store holds
assert_eq "the passive checks' last output: the daemon's in the store" \
    "$(for w in 1 2 3; do echo "acme/d1/push/p$w|$(check_field "acme/d1/push/p$w" output)"; done)" \
    "$(sql "SELECT o.path, s.output FROM check_state s JOIN objects o ON o.id = s.object_id
      WHERE o.kind = 0 AND o.path LIKE 'acme/d1/push/%' ORDER BY o.path")"

# ---- the active checks ran through the outage, and what they found then was written ----
# per tcp check: results while the server was down, of them CRITICAL, the newest result's
# time, the longest silence since posting began (ms)
sql "SELECT o.path, count(*) FILTER (WHERE r.t_ms > $S1 AND r.t_ms < $S2),
      count(*) FILTER (WHERE r.t_ms > $S1 AND r.t_ms < $S2 AND r.state = 2), max(r.t_ms),
      (SELECT coalesce(max(t_ms - prev), 0) FROM (SELECT x.t_ms, lag(x.t_ms) OVER (ORDER BY x.t_ms)
        AS prev FROM results x WHERE x.object_id = o.id AND x.t_ms >= $T0) y
        WHERE prev IS NOT NULL)
    FROM objects o JOIN results r ON r.object_id = o.id
    WHERE o.kind = 0 AND o.path LIKE 'acme/d1/db/%' GROUP BY o.id, o.path ORDER BY o.path" \
    >"$T/tcp.txt"
assert_eq "tcp checks in the store" "acme/d1/db/pg-tcp acme/d1/db/pg-tcp2" \
    "$(cut -d'|' -f1 "$T/tcp.txt" | paste -sd' ')"
while IFS='|' read -r c during crit newest gap; do
    newest=$(($(now_ms) - newest))
    echo "$c: $during results while the server was down ($crit CRITICAL); newest result" \
        "${newest} ms old; longest silence since posting began ${gap} ms"
    [ "$during" -ge 2 ] && ok || fail "$c: $during results stored from the 3 s outage (expected >= 2)"
    [ "$crit" -ge 2 ] && ok || fail "$c: $crit CRITICAL results stored from the outage (expected >= 2)"
    [ "$newest" -lt 5000 ] && ok || fail "$c: newest stored result is ${newest} ms old (expected < 5000)"
    [ "$gap" -lt 3000 ] && ok || fail "$c: silent for ${gap} ms (expected < 3000: interval 1 s)"
done <"$T/tcp.txt"
for c in pg-tcp pg-tcp2; do
    assert_eq "$c state now" OK "$(check_field "acme/d1/db/$c" state)"
done
# the history has no hole and each object (checks and services) one open interval
assert_eq "intervals: holes, objects, objects with an open one, extra open ones" "0|7|7|0" \
    "$(sql "SELECT (SELECT count(*) FROM (SELECT start_s, lag(end_s) OVER (PARTITION BY object_id
        ORDER BY start_s) AS prev_end FROM intervals) x WHERE prev_end IS NOT NULL AND
        prev_end <> start_s), (SELECT count(*) FROM objects),
      count(DISTINCT object_id), count(*) - count(DISTINCT object_id)
      FROM intervals WHERE end_s IS NULL")"

# ---- the daemon, the CLI and the API show the state ----
kill -0 "$PID" 2>/dev/null && ok || fail "the daemon died"
assert_eq "healthz" 200 "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$API/healthz")"
m=$(curl -fs "$API/metrics")
fails=$(echo "$m" | awk '$1 == "stackward_store_failures_total" {print $2}')
echo "store: $fails failed commit attempts; $(echo "$m" | awk '$1 == "stackward_store_rows_total" {print $2}') rows"
[ "${fails:-0}" -gt 0 ] && ok || fail "the store counted no failed commit: ${fails:-none}"
assert_eq "store ops dropped" 0 "$(echo "$m" | awk '$1 == "stackward_store_dropped_total" {print $2}')"
# each of the two outages logged once when it began and once when it ended
assert_eq "outages logged: begun, ended" "2 2" \
    "$(grep -c 'warn store: cannot commit to the database' "$T/daemon.log") $(grep -c \
        'info store: the database takes writes again' "$T/daemon.log")"
st=$("$STACKWARD" status -c "$T/sw.yaml" --format json) || fail "stackward status failed"
assert_eq "status: pg-tcp" OK \
    "$(jq -r '[.. | objects | select(.path? == "acme/d1/db/pg-tcp") | .state] | first' <<<"$st")"
assert_eq "status: p2 output as in the API" "$(check_field acme/d1/push/p2 output)" \
    "$(jq -r '[.. | objects | select(.path? == "acme/d1/push/p2") | .output] | first' <<<"$st")"
cl=$(curl -fs "$API/api/v1/cluster")
assert_eq "cluster: one live node holding every shard" "1 64 0" \
    "$(jq -r '"\([.nodes[] | select(.live)] | length) \([.nodes[].shards] | add) \(.shards_free)"' <<<"$cl")"
assert_match "cluster: a leader" '.' "$(jq -r '.leader // empty' <<<"$cl")"

stop_daemon
finish
