#!/bin/bash
# t_bad_input.sh: every bad input gets a clear error and a nonzero exit, and the daemon keeps
# running with nothing stored: config errors with FILE:LINE:COL, and API requests with
# malformed JSON (400), an oversized body (413), an unknown check (404), a wrong method (405).
. "$(dirname "$0")/lib.sh"

# validate CASE LINE:COL REGEX: the config in $T/$CASE.yaml fails with that position.
bad_config() {
    out=$("$STACKWARD" validate -c "$T/$1.yaml" 2>&1) && rc=0 || rc=$?
    assert_eq "$1: exit" 2 "$rc"
    assert_match "$1: message" "^$T/$1.yaml:$2: .*$3" "$out"
}
head='customers:
  - id: acme
    deployments:
      - id: fra1
        services:
          - id: identity
            checks:'
printf '%s\n%s\n' "$head" '              - {id: a, type: http, url: "http://127.0.0.1/", colour: red}' >"$T/unknown_key.yaml"
bad_config unknown_key 8:63 "colour"
printf '%s\n%s\n%s\n' "$head" '              - {id: a, type: passive}' '              - {id: a, type: passive}' >"$T/duplicate.yaml"
bad_config duplicate 9:22 "duplicate"
printf '%s\n%s\n' "$head" '              - {id: a, type: passive, freshness: 5 minutes}' >"$T/duration.yaml"
bad_config duration 8:51 "duration"
printf '%s\n%s\n' "$head" '              - {id: a, type: http, url: "htp:/nope"}' >"$T/url.yaml"
bad_config url 8:42 "URL"
sed 's/      - id: fra1/      - id: fra1\n        timezone: Mars\/Olympus/' <<<"$head" >"$T/tz.yaml"
printf '%s\n' '              - {id: a, type: passive}' >>"$T/tz.yaml"
bad_config tz 5:19 "time ?zone"
printf 'customers: [\n' >"$T/syntax.yaml"
bad_config syntax '[0-9]+:[0-9]+' ""
out=$("$STACKWARD" validate -c "$T/none.yaml" 2>&1) && rc=0 || rc=$?
assert_eq "missing file exit" 2 "$rc"

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
EOF
start_daemon "$T/sw.yaml"
printf '{"check": "acme/d1/api/push", "state": ' >"$T/bad.json"
assert_eq "malformed JSON" 400 "$(http_status POST "$API/api/v1/results" "$T/bad.json")"
assert_eq "error code" bad_request "$(jq -r .error.code "$T/body")"
assert_match "error names the place" 'line 1' "$(jq -r .error.message "$T/body")"
echo '{"check": "acme/d1/api/push", "state": "MAYBE"}' >"$T/state.json"
assert_eq "bad state" 400 "$(http_status POST "$API/api/v1/results" "$T/state.json")"
echo '{"check": "acme/d1/api/nope", "state": 0}' >"$T/unknown.json"
assert_eq "unknown check" 404 "$(http_status POST "$API/api/v1/results" "$T/unknown.json")"
head -c 1100000 /dev/zero | tr '\0' ' ' >"$T/big.json"
assert_eq "body over 1 MiB" 413 "$(http_status POST "$API/api/v1/results" "$T/big.json")"
assert_eq "wrong method" 405 "$(http_status DELETE "$API/api/v1/checks")"
assert_eq "unknown route" 404 "$(http_status GET "$API/api/v1/nothing")"
assert_eq "unknown check path" 404 "$(http_status GET "$API/api/v1/checks/acme/d1/api/nope")"
assert_eq "bad history range" 400 "$(http_status GET "$API/api/v1/checks/acme/d1/api/push/history?from=2026-02-30T00:00:00Z")"
assert_eq "still serving" 200 "$(http_status GET "$API/healthz")"
assert_eq "still pending" null "$(check_field acme/d1/api/push last_check)"
stop_daemon
assert_eq "nothing stored" 0 "$(sqlite3 "$T/sw.db" 'SELECT count(*) FROM results')"
finish
