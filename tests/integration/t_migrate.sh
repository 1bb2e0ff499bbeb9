#!/bin/bash
# t_migrate.sh: `stackward migrate` copies a SQLite store with real history (ingested results,
# incidents opened, paged and resolved by the daemon, notes, maintenance windows, cases,
# changes, tokens) into a throwaway PostgreSQL: every table counted, and what the CLI reads
# back (history, sla, incidents, cases, changes, maintenance, tokens) identical from both
# databases; the ids carry on after the copied ones. Refused: a target that holds data (the
# table named), a bad URI, a wrong password, a source of another schema version or not a
# store, bad usage; a copy that fails half-way leaves nothing behind.
if [ -z "${SW_TEST_PG_DATA:-}" ]; then
    # our own server, stopped and removed when we are done
    exec "${SW_SRC:?set SW_SRC to the source directory}/tests/pgtmp.sh" -- bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
PSQL() { "$SW_TEST_PG_BIN/psql" -X -q -At -h 127.0.0.1 -p "$SW_TEST_PG_PORT" -U postgres "$@"; }
DEADPORT=$(free_port)
now=$(date -u +%s)
t0=$(((now - 3 * 86400) / 3600 * 3600)) # three days ago, on the hour
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
cat >"$T/sw.yaml" <<YAML
database: $T/sw.db
incidents: {retry: {attempts: 2, base: 1s, cap: 1s}}
engineers:
  - {id: alice, contacts: [{channel: hook}]}
channels:
  - {id: hook, type: webhook, url: "http://127.0.0.1:$DEADPORT/hook", format: json}
escalation_policies:
  - {id: default, steps: [{notify: {engineer: alice}, wait: 1h}]}
contracts:
  - id: gold
    timezone: UTC
    objectives: [{services: ["*/*"], target: 99.9}]
    credits: [{below: 99.9, credit: 10}]
customers:
  - id: acme
    name: ACME Corporation
    contract: gold
    escalation: default
    deployments:
      - id: fra1
        services:
          - id: api
            checks: [{id: push, type: passive, max_attempts: 1}]
          - id: db
            checks: [{id: push, type: passive, max_attempts: 1}]
YAML
sed "s#^database: .*#database: $SW_TEST_PG#" "$T/sw.yaml" >"$T/pg.yaml"

# ---- a SQLite store with history ----
# two days of results every 5 minutes, outages every 7 hours; outputs with the characters
# COPY's text format escapes (tab, newline, backslash) and some it does not (quotes, UTF-8)
/usr/bin/python3 - "$t0" >"$T/hist.jsonl" <<'PY'
import json, sys, time
t0 = int(sys.argv[1])
for i in range(576):
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0 + i * 300))
    bad = i > 0 and i % 84 < 3
    print(json.dumps({"check": "acme/fra1/api/push", "state": "CRITICAL" if bad else "OK",
                      "output": 'HTTP 200\t%d ms\nline 2 \\ "q" \u00e9\u20ac' % i, "time": at}))
    print(json.dumps({"check": "acme/fra1/db/push", "state": "OK", "output": "ok", "time": at}))
PY
"$STACKWARD" ingest -c "$T/sw.yaml" "$T/hist.jsonl" >/dev/null
start_daemon "$T/sw.yaml"
submit() {
    curl -fs -X POST "$API/api/v1/results" \
        -d "{\"check\": \"$1\", \"state\": \"$2\", \"output\": \"$3\"}" >/dev/null
}
inc_count() { [ "$(curl -fs "$API/api/v1/incidents?service=$1" | jq length)" -ge "$2" ]; }
inc_status() { [ "$(curl -fs "$API/api/v1/incidents/$1" | jq -r .status)" = "$2" ]; }
submit acme/fra1/db/push CRITICAL "connection refused"
wait_for "an incident for db" 15 inc_count acme/fra1/db 1
"$STACKWARD" incident note -c "$T/sw.yaml" INC-1 --as alice "looking	at it" >/dev/null
submit acme/fra1/db/push OK "back"
wait_for "INC-1 resolved" 15 inc_status 1 resolved
submit acme/fra1/api/push CRITICAL "HTTP 503"
wait_for "an incident for api" 15 inc_count acme/fra1/api 1
sleep 2 # the page to the dead webhook fails and is retried: attempts and errors recorded
stop_daemon
"$STACKWARD" maint add -c "$T/sw.yaml" acme/fra1 --start "$(iso $((t0 + 3600)))" \
    --end "$(iso $((t0 + 7200)))" --reason "kernel \"upgrade\"" >/dev/null
"$STACKWARD" maint add -c "$T/sw.yaml" acme --start "$(iso $((t0 + 90000)))" \
    --end "$(iso $((t0 + 93600)))" >/dev/null
"$STACKWARD" maint rm -c "$T/sw.yaml" 2 >/dev/null # id 2 is never handed out again
"$STACKWARD" token create -c "$T/sw.yaml" --name ops --role admin >/dev/null
"$STACKWARD" token create -c "$T/sw.yaml" --name acme-portal --role customer --customer acme >/dev/null
"$STACKWARD" change start -c "$T/sw.yaml" --deployment acme/fra1 --title "Ceph upgrade" \
    --as alice --at "$(iso $((t0 + 3600)))" >/dev/null
"$STACKWARD" change finish -c "$T/sw.yaml" CHG-1 --ok -m "no impact" --at "$(iso $((t0 + 7000)))" >/dev/null
"$STACKWARD" case open -c "$T/sw.yaml" --customer acme --severity 2 --title "Slow API" \
    --as alice -m "p99 over 2 s" --at "$(iso $((t0 + 4000)))" >/dev/null
"$STACKWARD" case respond -c "$T/sw.yaml" CASE-1 -m "on it" --as alice --at "$(iso $((t0 + 4100)))" >/dev/null
sq() { sqlite3 "$T/sw.db" "$1"; }
assert_eq "source: incidents" 2 "$(sq 'SELECT count(*) FROM incidents')"
assert_match "source: failed deliveries" '^[1-9]' "$(sq 'SELECT count(*) FROM notifications WHERE attempts > 0 AND error IS NOT NULL')"
total=0
for t in objects results intervals check_state meta maintenance slo_alerts incidents \
    incident_events notifications cases case_events changes derived_checks api_tokens; do
    total=$((total + $(sq "SELECT count(*) FROM $t")))
done

# ---- refused before anything is copied ----
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/sw.db" 2>&1) || rc=$?
assert_eq "no --to: exit" 2 "$rc"
assert_match "no --to" "--from sqlite:PATH and --to URI are required" "$out"
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/sw.db" --to "sqlite:$T/x.db" 2>&1) || rc=$?
assert_eq "--to sqlite: exit" 2 "$rc"
assert_match "--to sqlite" "--to must be a postgresql:// URI" "$out"
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/none.db" --to "$SW_TEST_PG" 2>&1) || rc=$?
assert_eq "no source: exit" 1 "$rc"
assert_match "no source" "none.db: cannot open the SQLite store" "$out"
echo "not a database, just text" >"$T/junk.db"
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/junk.db" --to "$SW_TEST_PG" 2>&1) || rc=$?
assert_eq "junk source: exit" 1 "$rc"
assert_match "junk source" "junk.db: not a stackward store" "$out"
cp "$T/sw.db" "$T/old.db"
sqlite3 "$T/old.db" "DELETE FROM schema_migrations WHERE version = 7"
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/old.db" --to "$SW_TEST_PG" 2>&1) || rc=$?
assert_eq "old schema: exit" 1 "$rc"
assert_match "old schema" "old.db: schema version 6, this stackward's is 7: run this stackward's daemon on it once" "$out"
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/sw.db" \
    --to "postgresql://postgres@127.0.0.1:$DEADPORT/stackward" 2>&1) || rc=$?
assert_eq "bad URI: exit" 1 "$rc"
assert_match "bad URI" "^stackward migrate: cannot open the target: postgresql://127.0.0.1:$DEADPORT/stackward: .*Connection refused" "$out"
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/sw.db" --to "postgresql://127.0.0.1:$SW_TEST_PG_PORT/no_such_db?user=postgres" 2>&1) || rc=$?
assert_eq "no such database: exit" 1 "$rc"
assert_match "no such database" 'database "no_such_db" does not exist' "$out"

# ---- a copy that fails half-way leaves nothing behind ----
cp "$T/sw.db" "$T/bad.db"
sqlite3 "$T/bad.db" "UPDATE results SET t_ms = 'soon' WHERE id = 300"
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/bad.db" --to "$SW_TEST_PG" 2>&1) || rc=$?
assert_eq "half-way: exit" 1 "$rc"
assert_match "half-way" 'COPY results: invalid input syntax for type bigint: "soon" \(COPY results, line 300, column t_ms: "soon"\)' "$out"
assert_eq "half-way: nothing left" "0 0" "$(PSQL -d stackward -c 'SELECT (SELECT count(*) FROM objects), (SELECT count(*) FROM results)' | tr '|' ' ')"

# ---- the migration ----
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/sw.db" --to "$SW_TEST_PG" 2>&1) || rc=$?
assert_eq "migrate: exit" 0 "$rc"
assert_eq "migrate: one line per table" "objects $(sq 'SELECT count(*) FROM objects') rows
results $(sq 'SELECT count(*) FROM results') rows
intervals $(sq 'SELECT count(*) FROM intervals') rows
check_state 2 rows" "$(head -4 <<<"$out")"
assert_match "migrate: tokens line" "^api_tokens 2 rows$" "$(sed -n 15p <<<"$out")"
assert_eq "migrate: summary" "migrated: 15 tables, $total rows, verified" "$(tail -1 <<<"$out")"
assert_eq "migrate: lines" 16 "$(wc -l <<<"$out")"
for t in results incident_events notifications api_tokens cluster_nodes; do
    case $t in cluster_nodes) want=0 ;; *) want=$(sq "SELECT count(*) FROM $t") ;; esac
    assert_eq "rows of $t" "$want" "$(PSQL -d stackward -c "SELECT count(*) FROM $t")"
done
# the same rows, byte for byte (text with tabs, newlines, backslashes; blobs)
assert_eq "results identical" "$(sq 'SELECT id, object_id, t_ms, state, output FROM results ORDER BY id' | md5sum)" \
    "$(PSQL -d stackward -c 'SELECT id, object_id, t_ms, state, output FROM results ORDER BY id' | md5sum)"
assert_eq "token hashes identical" "$(sq 'SELECT id, hex(sha256) FROM api_tokens ORDER BY id')" \
    "$(PSQL -d stackward -c "SELECT id, upper(encode(sha256, 'hex')) FROM api_tokens ORDER BY id")"
assert_eq "notifications identical" "$(sq 'SELECT id, incident, attempts, status, error FROM notifications ORDER BY id')" \
    "$(PSQL -d stackward -c 'SELECT id, incident, attempts, status, error FROM notifications ORDER BY id')"

# ---- what the CLI reads back is the same from both ----
same() { # same WHAT COMMAND ARGS...: the command's output on SQLite and on PostgreSQL
    local a b
    a=$("$STACKWARD" "$2" -c "$T/sw.yaml" "${@:3}" 2>&1) || true
    b=$("$STACKWARD" "$2" -c "$T/pg.yaml" "${@:3}" 2>&1) || true
    if [ -n "$a" ] && [ "$a" = "$b" ]; then ok; else fail "$1 differs: [$a] vs [$b]"; fi
}
range=(--from "$(iso "$t0")" --to "$(iso "$now")")
same "history of a service" history acme/fra1/api "${range[@]}" --format csv
same "history of a check" history acme/fra1/db/push "${range[@]}" --format json
same "sla" sla --customer acme "${range[@]}" --format json
same "sla table" sla --customer acme "${range[@]}"
same "incident list" incident list --format json
same "incident show" incident show INC-1 --format json
same "case show" case show CASE-1 --format json
same "change list" change list --format json
same "maint list" maint list --format json
same "token list" token list --format json
assert_match "downtime seen" '"downtime_s": [1-9]' "$("$STACKWARD" sla -c "$T/pg.yaml" --customer acme "${range[@]}" --format json)"

# ---- ids carry on after the copied ones ----
assert_match "new window after the removed one" "^3$|[^0-9]3[^0-9]" \
    "$("$STACKWARD" maint add -c "$T/pg.yaml" acme --start "$(iso $((t0 + 100000)))" --end "$(iso $((t0 + 100600)))")"
assert_match "next change" "CHG-2" "$("$STACKWARD" change start -c "$T/pg.yaml" --deployment acme/fra1 --title x --as alice)"

# ---- a target that holds data is refused, and left as it was ----
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/sw.db" --to "$SW_TEST_PG" 2>&1) || rc=$?
assert_eq "non-empty target: exit" 1 "$rc"
assert_match "non-empty target" "the target already holds data \(table 'objects' is not empty\)" "$out"
assert_eq "non-empty target: untouched" "$(sq 'SELECT count(*) FROM results')" "$(PSQL -d stackward -c 'SELECT count(*) FROM results')"
PSQL -d postgres -c "CREATE DATABASE only_tokens"
sed "s#^database: .*#database: postgresql://postgres@127.0.0.1:$SW_TEST_PG_PORT/only_tokens#" \
    "$T/sw.yaml" >"$T/tok.yaml"
"$STACKWARD" token create -c "$T/tok.yaml" --name x --role viewer >/dev/null
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/sw.db" \
    --to "postgresql://postgres@127.0.0.1:$SW_TEST_PG_PORT/only_tokens" 2>&1) || rc=$?
assert_eq "tokens only: exit" 1 "$rc"
assert_match "tokens only" "table 'api_tokens' is not empty" "$out"

# ---- the password from a file or the environment ----
PSQL -d postgres -c "CREATE ROLE mig LOGIN PASSWORD 's3cret' IN ROLE sw_password_auth" \
    -c "CREATE DATABASE by_pw OWNER mig" -c "CREATE DATABASE by_env OWNER mig"
printf 'wrong\n' >"$T/bad.pw"
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/sw.db" \
    --to "postgresql://mig@127.0.0.1:$SW_TEST_PG_PORT/by_pw" --password-file "$T/bad.pw" 2>&1) || rc=$?
assert_eq "wrong password: exit" 1 "$rc"
assert_match "wrong password" 'password authentication failed for user "mig"' "$out"
printf 's3cret\n' >"$T/good.pw"
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/sw.db" \
    --to "postgresql://mig@127.0.0.1:$SW_TEST_PG_PORT/by_pw" --password-file "$T/good.pw" 2>&1) || rc=$?
assert_eq "password file: exit" 0 "$rc"
assert_eq "password file" "migrated: 15 tables, $total rows, verified" "$(tail -1 <<<"$out")"
rc=0; out=$(MIGPW=s3cret "$STACKWARD" migrate --from "sqlite:$T/sw.db" \
    --to "postgresql://mig@127.0.0.1:$SW_TEST_PG_PORT/by_env" --password-env MIGPW 2>&1) || rc=$?
assert_eq "password env: exit" 0 "$rc"
rc=0; out=$("$STACKWARD" migrate --from "sqlite:$T/sw.db" --to "$SW_TEST_PG" --password-env NO_SUCH_VAR_SW 2>&1) || rc=$?
assert_eq "unset env: exit" 2 "$rc"
assert_match "unset env" "NO_SUCH_VAR_SW is not set" "$out"
finish
