#!/bin/bash
# t_cluster.sh: three nodes over one real PostgreSQL 15 (a throwaway server on loopback),
# 300 HTTP checks against local targets. The nodes share the shards; one leads. The leader is
# killed with SIGKILL: its shards and the leadership move to the others within the bound,
# every check keeps being executed, incidents opened before and during the failover are each
# notified once, none twice. Then the next leader is paused (SIGSTOP) past its lease: the
# third node takes over, and the paused one, resumed, sends nothing (fencing). Passive
# results posted to any node land. Afterwards the history has no gap: every check's and
# service's intervals follow each other without a hole, and the SLA has no unknown time.
. "$(dirname "$0")/lib.sh"
PGDIR=$(mktemp -u /tmp/sw-pg-cluster.XXXXXX)
stop_all() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
    "$SW_SRC/tests/pgtmp.sh" --stop "$PGDIR" >/dev/null 2>&1 || true
    cleanup
}
trap stop_all EXIT INT TERM
"$SW_SRC/tests/pgtmp.sh" --start "$PGDIR" >"$T/pg.uri" || exit 99
. "$PGDIR/env"
sql() { psql -XAt "$SW_TEST_PG" -c "$1"; }

start_target
WPORT=$(free_port)
HOOKPORT=$(free_port)
mkdir -p "$T/www"
for s in s00 s01 s02; do echo up >"$T/www/$s"; done
(cd "$T/www" && exec /usr/bin/python3 -m http.server --bind 127.0.0.1 "$WPORT") \
    >"$T/www.log" 2>&1 &
PIDS="$PIDS $!"
/usr/bin/python3 "$SW_SRC/tests/integration/hook.py" "$HOOKPORT" 0 "$T/hook" &
PIDS="$PIDS $!"
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$HOOKPORT") 2>/dev/null &&
        (exec 3<>"/dev/tcp/127.0.0.1/$WPORT") 2>/dev/null && break
    sleep 0.1
done

cp "$SW_SRC/tests/data/juju/openstack.json" "$T/status.json"
# 30 services of 10 checks; the first check of s00, s01 and s02 can be made to fail; and a
# discovery (juju) whose units become checks on the node that runs it, and on the others
{
    cat <<YAML
database: $SW_TEST_PG
incidents: {public_url: "https://sw.example"}
engineers:
  - {id: alice, contacts: [{channel: hook}]}
channels:
  - {id: hook, type: webhook, url: "http://127.0.0.1:$HOOKPORT/hook", format: json}
escalation_policies:
  - id: default
    steps: [{notify: {engineer: alice}, wait: 1h}]
contracts:
  - id: gold
    timezone: UTC
    objectives: [{services: ["*/*"], target: 99.0}]
    unknown: excluded
customers:
  - id: beta
    deployments:
      - id: lab
        services:
          - id: juju
            checks:
              - {id: status, type: juju, interval: 2s, command: [/bin/sh, -c, "cat $T/status.json"]}
  - id: acme
    name: ACME
    contract: gold
    escalation: default
    deployments:
      - id: fra1
        services:
          - id: batch
            checks: [{id: push, type: passive}]
YAML
    for s in $(seq -w 0 29); do
        echo "          - id: s$s"
        echo "            checks:"
        for c in $(seq 0 9); do
            url="http://127.0.0.1:$TPORT/healthy"
            [ "$c" = 0 ] && [ "$s" -le 2 ] && url="http://127.0.0.1:$WPORT/s$s"
            echo "              - {id: c$c, type: http, url: \"$url\", interval: 2s, timeout: 2s, max_attempts: 1}"
        done
    done
} >"$T/sw.yaml"
"$STACKWARD" validate -c "$T/sw.yaml" >/dev/null || { fail "the config is invalid"; exit 1; }

declare -A NPID NPORT
start_node() { # start_node NAME
    local port
    port=$(free_port)
    "$STACKWARD" serve -c "$T/sw.yaml" --listen "127.0.0.1:$port" --node "$1" \
        >>"$T/$1.log" 2>&1 &
    NPID[$1]=$!
    NPORT[$1]=$port
    PIDS="$PIDS $!"
    for _ in $(seq 200); do
        curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "node $1 did not start" >&2
    cat "$T/$1.log" >&2
    exit 1
}
status_json() { "$STACKWARD" cluster status -c "$T/sw.yaml" --format json; }
leader() { status_json | jq -r '.leader // empty'; }
live_nodes() { status_json | jq '[.nodes[] | select(.live)] | length'; }
# settled N: N live nodes, a leader, every shard held, each live node holding some
settled() {
    local j
    j=$(status_json) || return 1
    [ "$(jq '[.nodes[] | select(.live)] | length' <<<"$j")" = "$1" ] &&
        [ "$(jq -r '.leader // empty' <<<"$j")" != "" ] &&
        [ "$(jq '.shards_free' <<<"$j")" = 0 ] &&
        [ "$(jq '[.nodes[] | select(.live and .shards == 0)] | length' <<<"$j")" = 0 ]
}
hook_count() { # hook_count SERVICE STATE: messages of that service (CRITICAL: pages, OK: recoveries)
    if [ -f "$T/hook" ]; then
        jq -s "[.[] | select(.service == \"$1\" and .state == \"$2\")] | length" "$T/hook"
    else
        echo 0
    fi
}
hook_ge() { [ "$(hook_count "$1" "$2")" -ge "$3" ]; }
flip() { if [ "$2" = down ]; then rm -f "$T/www/$1"; else echo up >"$T/www/$1"; fi; }

start_node a
start_node b
start_node c
wait_for "three nodes sharing the shards" 40 settled 3
j=$(status_json)
assert_eq "shards held" "64" "$(jq '[.nodes[].shards] | add' <<<"$j")"
assert_match "shards spread evenly" "^2[0-2],2[0-2],2[0-2]$" \
    "$(jq -r '[.nodes[].shards] | map(tostring) | join(",")' <<<"$j")"
sleep 6
T0=$(date +%s)

# an incident before the failover
flip s00 down
wait_for "s00 paged" 20 hook_ge s00 CRITICAL 1
L1=$(leader)
assert_match "a leader" '^[abc]$' "$L1"

# the leader dies; another incident opens while nobody leads
kill -9 "${NPID[$L1]}"
wait "${NPID[$L1]}" 2>/dev/null || true
TKILL=$(date +%s)
flip s01 down
survivors=()
for n in a b c; do [ "$n" != "$L1" ] && survivors+=("$n"); done
# passive results to both survivors during the failover: each acknowledged one must land
acked=0
for i in $(seq 1 10); do
    n=${survivors[$((i % 2))]}
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
        "http://127.0.0.1:${NPORT[$n]}/api/v1/results" \
        -d "{\"check\": \"acme/fra1/batch/push\", \"state\": \"OK\", \"output\": \"push-$i\"}")
    [ "$code" = 200 ] && acked=$((acked + 1))
    sleep 0.3
done
assert_eq "passive results acknowledged during the failover" 10 "$acked"
wait_for "two nodes holding every shard" 40 settled 2
TSETTLED=$(date +%s)
L2=$(leader)
assert_match "a new leader" "^(${survivors[0]}|${survivors[1]})$" "$L2"
wait_for "s01 paged by the new leader" 30 hook_ge s01 CRITICAL 1
sleep 8 # every check runs again after the takeover

# every check kept being executed: the longest silence of any check since T0, in seconds
gap=$(sql "WITH r AS (SELECT o.path, r.t_ms, lag(r.t_ms) OVER (PARTITION BY o.id ORDER BY r.t_ms)
  AS prev FROM results r JOIN objects o ON o.id = r.object_id
  WHERE o.path LIKE 'acme/fra1/s%' AND r.t_ms >= ${T0}000)
  SELECT coalesce(max(t_ms - prev), 0) / 1000 FROM r WHERE prev IS NOT NULL")
echo "longest silence of a check across the failover: ${gap}s (killed at +$((TKILL - T0))s, settled +$((TSETTLED - T0))s)"
if [ "$gap" -le 20 ]; then ok; else fail "a check was silent for ${gap}s (bound 20s: lease 10s + 2 renewals + interval 2s + slack)"; fi
assert_eq "checks with results after the failover" 300 \
    "$(sql "SELECT count(DISTINCT object_id) FROM results WHERE t_ms > $(date +%s)000 - 6000 AND
      object_id IN (SELECT id FROM objects WHERE path LIKE 'acme/fra1/s%')")"
assert_eq "passive results in the store" 10 \
    "$(sql "SELECT count(*) FROM results r JOIN objects o ON o.id = r.object_id
      WHERE o.path = 'acme/fra1/batch/push' AND r.output LIKE 'push-%'")"

# the leader that is paused past its lease is replaced, and sends nothing once resumed
flip s00 up
flip s01 up
wait_for "s00 and s01 recovered" 30 hook_ge s01 OK 1
kill -STOP "${NPID[$L2]}"
flip s02 down
wait_for "a third leader" 40 sh -c "[ \"\$($STACKWARD cluster status -c $T/sw.yaml --format json | jq -r '.leader // empty')\" = \"$(for n in "${survivors[@]}"; do [ "$n" != "$L2" ] && echo "$n"; done)\" ]"
wait_for "s02 paged by the third leader" 30 hook_ge s02 CRITICAL 1
kill -CONT "${NPID[$L2]}"
sleep 5
wait_for "the resumed node steps down" 10 grep -q "is no longer the leader" "$T/$L2.log"
flip s02 up
wait_for "s02 recovered" 30 hook_ge s02 OK 1
sleep 3

# no notification twice, none lost
for s in s00 s01 s02; do
    assert_eq "$s pages" 1 "$(hook_count "$s" CRITICAL)"
    assert_eq "$s recovery messages" 1 "$(hook_count "$s" OK)"
done
assert_eq "notifications in the outbox: all sent once" "6|6|0" \
    "$(sql "SELECT count(*), count(*) FILTER (WHERE status = 1 AND attempts = 1),
      count(*) FILTER (WHERE status <> 1) FROM notifications")"
assert_eq "incidents opened" 3 "$(sql "SELECT count(*) FROM incidents WHERE customer = 'acme'")"

# no gap in the history: each object's intervals follow each other, one is open
assert_eq "holes between intervals" 0 \
    "$(sql "SELECT count(*) FROM (SELECT start_s, lag(end_s) OVER (PARTITION BY object_id
      ORDER BY start_s) AS prev_end FROM intervals) x WHERE prev_end IS NOT NULL AND
      prev_end <> start_s")"
assert_eq "objects with more than one open interval" 0 \
    "$(sql "SELECT count(*) FROM (SELECT object_id FROM intervals WHERE end_s IS NULL
      GROUP BY object_id HAVING count(*) > 1) x")"
assert_eq "checks and services with an open interval" 330 \
    "$(sql "SELECT count(*) FROM intervals i JOIN objects o ON o.id = i.object_id
      WHERE i.end_s IS NULL AND o.path LIKE 'acme/fra1/s%'")"
FROM=$(date -u -d "@$((T0 + 2))" +%Y-%m-%dT%H:%M:%SZ)
TO=$(date -u -d "@$(($(date +%s) - 2))" +%Y-%m-%dT%H:%M:%SZ)
"$STACKWARD" sla -c "$T/sw.yaml" --customer acme --from "$FROM" --to "$TO" --service 'fra1/s*' \
    --format json >"$T/sla.json" || true
assert_eq "services in the SLA" 30 "$(jq '[.. | objects | select(has("unknown_s"))] | length' "$T/sla.json")"
assert_eq "unknown time in the SLA across the failovers" 0 \
    "$(jq '[.. | objects | select(has("unknown_s")) | .unknown_s] | add' "$T/sla.json")"

# the units one node discovered are checks on every node
for n in "${survivors[@]}"; do
    wait_for "the discovered units on node $n" 20 \
        curl -fs "http://127.0.0.1:${NPORT[$n]}/api/v1/checks/beta/lab/keystone/keystone-0"
done
assert_eq "units discovered once" 9 \
    "$(sql "SELECT count(*) FROM derived_checks WHERE retired_s IS NULL")"

# the API answers on every node, and the node that was the leader last is shown dead
for n in "${survivors[@]}"; do
    assert_eq "node $n answers the cluster" 200 \
        "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${NPORT[$n]}/api/v1/cluster")"
done
assert_eq "the killed node is not live" false \
    "$(status_json | jq -r ".nodes[] | select(.name == \"$L1\") | .live")"

for n in "${survivors[@]}"; do
    kill -TERM "${NPID[$n]}"
    rc=0
    wait "${NPID[$n]}" || rc=$?
    assert_eq "node $n exit status" 0 "$rc"
done
if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' "$T"/[abc].log; then
    fail "sanitizer report in a node's log"
    grep -E -A20 'AddressSanitizer|LeakSanitizer|runtime error' "$T"/[abc].log | head -60 >&2
fi
finish
