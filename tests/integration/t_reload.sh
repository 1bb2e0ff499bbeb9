#!/bin/bash
# t_reload.sh: SIGHUP and POST /api/v1/reload swap the configuration in: unchanged checks keep
# their state and schedule, new ones appear, removed ones go; an invalid configuration is
# refused and the running one stays.
. "$(dirname "$0")/lib.sh"
write() {
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
$1
EOF
}
write ""
start_daemon "$T/sw.yaml"
echo '{"check": "acme/d1/api/push", "state": 2, "output": "down"}' >"$T/r.json"
assert_eq "post" 200 "$(http_status POST "$API/api/v1/results" "$T/r.json")"
since=$(check_field acme/d1/api/push since)

write "              - {id: second, type: passive}"
kill -HUP "$PID"
wait_for "reloaded by SIGHUP" 10 check_is acme/d1/api/second path acme/d1/api/second
assert_eq "kept state" CRITICAL "$(check_field acme/d1/api/push state)"
assert_eq "kept since" "$since" "$(check_field acme/d1/api/push since)"

# an invalid config is refused; the old one keeps running
write "              - {id: third, type: passive, freshness: soon}"
assert_eq "reload refused" 422 "$(http_status POST "$API/api/v1/reload")"
assert_match "reload says why" 'sw.yaml:10:[0-9]+: .*duration' "$(jq -r .error.message "$T/body")"
assert_eq "old still there" passive "$(check_field acme/d1/api/second type)"
assert_eq "third absent" 404 "$(http_status GET "$API/api/v1/checks/acme/d1/api/third")"

# removing a check by API reload
write ""
assert_eq "reload" 200 "$(http_status POST "$API/api/v1/reload")"
assert_eq "second gone" 404 "$(http_status GET "$API/api/v1/checks/acme/d1/api/second")"
assert_eq "push kept" CRITICAL "$(check_field acme/d1/api/push state)"
m=$(curl -fs "$API/metrics")
assert_match "reload counted" 'stackward_reloads_total 2' "$m"
assert_match "failure counted" 'stackward_reload_failures_total 1' "$m"
stop_daemon
finish
