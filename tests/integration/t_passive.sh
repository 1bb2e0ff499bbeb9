#!/bin/bash
# t_passive.sh: passive results through POST /api/v1/results with their own times give exact
# state intervals (API and CLI); a freshness window turns a silent check UNKNOWN; and a crash
# test: results sent while the daemon is killed with SIGKILL are all stored if acknowledged.
. "$(dirname "$0")/lib.sh"
cat >"$T/sw.yaml" <<EOF
database: $T/sw.db
customers:
  - id: acme
    deployments:
      - id: d1
        services:
          - id: api
            checks:
              - {id: push, type: passive}
          - id: heartbeat
            checks:
              - {id: watchdog, type: passive, freshness: 2s}
          - id: crash
            checks:
              - {id: s1, type: passive}
              - {id: s2, type: passive}
              - {id: s3, type: passive}
EOF
start_daemon "$T/sw.yaml"
now=$(date +%s)
t0=$(( (now - 3600) / 60 * 60 ))
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
body=$(jq -n --arg a "$(iso $t0)" --arg b "$(iso $((t0 + 60)))" --arg c "$(iso $((t0 + 120)))" \
    --arg d "$(iso $((t0 + 180)))" '[
    {check: "acme/d1/api/push", state: "OK", output: "fine", time: $a},
    {check: "acme/d1/api/push", state: 2, output: "down | rt=2.5s;1;2;0", time: $b},
    {check: "acme/d1/api/push", state: "CRITICAL", output: "still down", time: $c},
    {check: "acme/d1/api/push", state: "ok", output: "back", time: $d}]')
echo "$body" >"$T/r.json"
assert_eq "post results" 200 "$(http_status POST "$API/api/v1/results" "$T/r.json")"
assert_eq "accepted" 4 "$(jq -r .accepted "$T/body")"

h=$(curl -fs "$API/api/v1/checks/acme/d1/api/push/history?from=$(iso $((t0 - 60)))&to=$(iso $((now + 60)))")
assert_eq "intervals" 3 "$(echo "$h" | jq '.intervals | length')"
assert_eq "i0" "$(iso $t0) $(iso $((t0 + 60))) OK" "$(echo "$h" | jq -r '.intervals[0] | "\(.start) \(.end) \(.state)"')"
assert_eq "i1" "$(iso $((t0 + 60))) $(iso $((t0 + 180))) CRITICAL" "$(echo "$h" | jq -r '.intervals[1] | "\(.start) \(.end) \(.state)"')"
assert_eq "i2" "$(iso $((t0 + 180))) null OK" "$(echo "$h" | jq -r '.intervals[2] | "\(.start) \(.end) \(.state)"')"
hs=$(curl -fs "$API/api/v1/services/acme/d1/api/history?from=$(iso $((t0 - 60)))&to=$(iso $((now + 60)))")
assert_eq "service intervals" "OK CRITICAL OK" "$(echo "$hs" | jq -r '[.intervals[].state] | join(" ")')"
assert_eq "service critical from" "$(iso $((t0 + 60)))" "$(echo "$hs" | jq -r '.intervals[1].start')"
assert_eq "last output" back "$(check_field acme/d1/api/push output)"
assert_eq "since" "$(iso $((t0 + 180)))" "$(check_field acme/d1/api/push since)"

# a result older than the last one is refused, nothing stored
echo "{\"check\": \"acme/d1/api/push\", \"state\": 2, \"time\": \"$(iso $((t0 + 100)))\"}" >"$T/old.json"
assert_eq "out of order" 400 "$(http_status POST "$API/api/v1/results" "$T/old.json")"
assert_eq "still OK" OK "$(check_field acme/d1/api/push state)"

# the CLI shows the same history from the store
csv=$("$STACKWARD" history -c "$T/sw.yaml" acme/d1/api/push --from "$(iso $((t0 - 60)))" --to "$(iso $((now + 60)))" --format csv)
assert_eq "cli csv" "start,end,state,seconds
$(iso $t0),$(iso $((t0 + 60))),OK,60
$(iso $((t0 + 60))),$(iso $((t0 + 180))),CRITICAL,120" "$(echo "$csv" | head -3)"
assert_match "cli csv open" "^$(iso $((t0 + 180))),,OK,[0-9]+$" "$(echo "$csv" | sed -n 4p)"

# freshness: no result within 2 s -> UNKNOWN
echo '{"check": "acme/d1/heartbeat/watchdog", "state": "OK", "output": "tick"}' >"$T/w.json"
assert_eq "watchdog tick" 200 "$(http_status POST "$API/api/v1/results" "$T/w.json")"
assert_eq "watchdog OK" OK "$(check_field acme/d1/heartbeat/watchdog state)"
wait_for "watchdog stale" 10 check_is acme/d1/heartbeat/watchdog state UNKNOWN
assert_match "stale output" 'no result within freshness 2s' "$(check_field acme/d1/heartbeat/watchdog output)"
assert_eq "stale flag" true "$(check_field acme/d1/heartbeat/watchdog stale)"

# crash: three senders post results; SIGKILL the daemon in the middle of the stream
sender() {
    i=0
    while [ ! -f "$T/stop" ]; do
        i=$((i + 1))
        printf '{"check": "acme/d1/crash/%s", "state": %d, "output": "%s-%d"}' "$1" $((i % 3)) "$1" "$i" >"$T/$1.json"
        if curl -fs -m 5 -o /dev/null --data-binary @"$T/$1.json" "$API/api/v1/results"; then
            echo "$1-$i" >>"$T/acked"
        fi
    done
}
: >"$T/acked"
for s in s1 s2 s3; do sender $s & done
sleep 3
kill -9 "$PID"
sleep 0.5
touch "$T/stop"
wait
acked=$(sort -u "$T/acked" | wc -l)
[ "$acked" -gt 20 ] && ok || fail "too few results acknowledged before the kill: $acked"
start_daemon "$T/sw.yaml"
sqlite3 "$T/sw.db" "SELECT output FROM results WHERE output GLOB 's[123]-*'" | sort -u >"$T/stored"
missing=$(comm -23 <(sort -u "$T/acked") "$T/stored" | wc -l)
assert_eq "acknowledged results lost" 0 "$missing"
# after the restart the daemon resumes: the last acknowledged state of s1 is kept
assert_match "resumed output" '^s1-[0-9]+$' "$(check_field acme/d1/crash/s1 output)"
stop_daemon
finish
