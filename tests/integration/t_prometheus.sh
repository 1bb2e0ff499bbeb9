#!/bin/bash
# t_prometheus.sh: Debian's real Prometheus and Alertmanager on loopback with stackward:
#  - a Prometheus rule fires, Alertmanager delivers to POST /api/v1/integrations/alertmanager,
#    stackward creates the alert's check and opens the service's outage; the rule clears and
#    it recovers;
#  - Alertmanager's always-firing Watchdog is a heartbeat: a passive check with freshness and
#    `stale: critical` turns CRITICAL once the monitoring stack goes silent;
#  - the prometheus probe runs instant queries against the same Prometheus with conditions;
#  - bad payloads: an unknown version, a missing field (400); unmapped alerts (listed, logged).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/promstack.sh"

PROM=$(free_port)
AM=$(free_port)
TGT=$(free_port)
PORT=$(free_port)
cat >"$T/sw.yaml" <<EOF
database: $T/sw.db
customers:
  - id: acme
    deployments:
      - id: fra1
        services:
          - id: monitoring
            checks:
              - {id: Watchdog, type: passive, freshness: 12s, stale: critical}
          - id: queries
            checks:
              - id: target-down
                type: prometheus
                url: http://127.0.0.1:$PROM
                query: sw_test_up == 0
                critical: nonempty
                interval: 1s
                retry_interval: 1s
                max_attempts: 1
              - id: target-value
                type: prometheus
                url: http://127.0.0.1:$PROM/
                query: max(sw_test_up{job="target"})
                warning: "< 1"
                interval: 1s
                retry_interval: 1s
                max_attempts: 1
              - id: bad-query
                type: prometheus
                url: http://127.0.0.1:$PROM
                query: sum(
                critical: nonempty
                interval: 2s
EOF
start_daemon "$T/sw.yaml"
ps_start "$T/ps" "$PROM" "$AM" "$API/api/v1/integrations/alertmanager" "$TGT"

# the heartbeat: the first Watchdog notification creates the check's results (OK: severity none)
wait_for "Watchdog OK" 30 check_is acme/fra1/monitoring/Watchdog state OK
assert_match "Watchdog output" '^\[FIRING\]' "$(check_field acme/fra1/monitoring/Watchdog output)"

# prometheus probe: the target is up
wait_for "target-down OK" 20 check_is acme/fra1/queries/target-down state OK
assert_eq "target-down output" "query returned no series" \
    "$(check_field acme/fra1/queries/target-down output)"
# OK already before Prometheus's first scrape (no series is not below 1): wait for the series
target_value_seen() {
    check_is acme/fra1/queries/target-value state OK &&
        check_field acme/fra1/queries/target-value output | grep -q 'query returned 1 series'
}
wait_for "target-value OK on its series" 20 target_value_seen
assert_match "target-value output" 'query returned 1 series' \
    "$(check_field acme/fra1/queries/target-value output)"
wait_for "bad query UNKNOWN" 20 check_is acme/fra1/queries/bad-query state UNKNOWN
assert_match "bad query says why" '^HTTP 400: bad_data' \
    "$(check_field acme/fra1/queries/bad-query output)"

# the rule fires: Alertmanager delivers, stackward creates acme/fra1/api/TargetDown
ps_set_up "$T/ps" 0
wait_for "TargetDown created and CRITICAL" 30 check_is acme/fra1/api/TargetDown state CRITICAL
assert_match "TargetDown output" "^\[FIRING\] Target 127.0.0.1:$TGT is down \(TargetDown\)" \
    "$(check_field acme/fra1/api/TargetDown output)"
assert_eq "the service is down" CRITICAL \
    "$(curl -fs "$API/api/v1/services/acme/fra1/api" | jq -r .state)"
assert_eq "derived from alertmanager" "alertmanager" \
    "$(sqlite3 "$T/sw.db" "SELECT parent FROM derived_checks WHERE path = 'acme/fra1/api/TargetDown'")"
wait_for "an incident for acme/fra1/api" 20 sh -c \
    "curl -fs '$API/api/v1/incidents?service=acme/fra1/api' | jq -e 'length == 1'"
wait_for "target-down CRITICAL" 20 check_is acme/fra1/queries/target-down state CRITICAL
assert_match "target-down names the series" '^query returned 1 series, which matches nonempty: sw_test_up\{instance="127.0.0.1:'"$TGT"'",job="target"\} = 0$' \
    "$(check_field acme/fra1/queries/target-down output)"
wait_for "target-value WARNING" 20 check_is acme/fra1/queries/target-value state WARNING

# the rule clears: resolved -> OK, the incident resolves on recovery
ps_set_up "$T/ps" 1
wait_for "TargetDown OK" 30 check_is acme/fra1/api/TargetDown state OK
assert_match "resolved output" '^\[RESOLVED\]' "$(check_field acme/fra1/api/TargetDown output)"
wait_for "incident resolved" 20 sh -c \
    "curl -fs '$API/api/v1/incidents?service=acme/fra1/api' | jq -e '.[0].status == \"resolved\"'"

# the stack goes silent: Prometheus stops, the Watchdog stops coming, freshness runs out
kill -TERM "$(cat "$T/ps/prometheus.pid")"
wait_for "Watchdog CRITICAL when silent" 40 check_is acme/fra1/monitoring/Watchdog state CRITICAL
assert_eq "stale output" "no result within freshness 12s" \
    "$(check_field acme/fra1/monitoring/Watchdog output)"
wait_for "target-down CRITICAL without Prometheus" 20 check_is acme/fra1/queries/target-down state CRITICAL
assert_match "no answer named" '^Prometheus did not answer' \
    "$(check_field acme/fra1/queries/target-down output)"

# bad payloads
AMURL="$API/api/v1/integrations/alertmanager"
echo '{"version":"3","status":"firing","alerts":[]}' >"$T/v3.json"
assert_eq "version 3 refused" 400 "$(http_status POST "$AMURL" "$T/v3.json")"
assert_match "version named" 'version' "$(jq -r .error.message "$T/body")"
echo '{"version":"4","status":"firing"}' >"$T/noalerts.json"
assert_eq "no alerts refused" 400 "$(http_status POST "$AMURL" "$T/noalerts.json")"
assert_match "alerts named" 'alerts' "$(jq -r .error.message "$T/body")"
echo 'not json' >"$T/garbage.json"
assert_eq "garbage refused" 400 "$(http_status POST "$AMURL" "$T/garbage.json")"
cat >"$T/mixed.json" <<'EOF'
{"version":"4","status":"firing","receiver":"sw","groupKey":"{}:{}","externalURL":"http://am",
 "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"truncatedAlerts":0,
 "alerts":[
  {"status":"firing","labels":{"alertname":"DiskFull","customer":"acme","deployment":"fra1","service":"storage","severity":"warning"},
   "annotations":{"summary":"disk 91% full"},"startsAt":"2026-11-28T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"a1"},
  {"status":"firing","labels":{"alertname":"NoCustomer","deployment":"fra1","service":"x"},
   "annotations":{},"startsAt":"2026-11-28T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"a2"},
  {"status":"firing","labels":{"alertname":"Elsewhere","customer":"acme","deployment":"nowhere","service":"x"},
   "annotations":{},"startsAt":"2026-11-28T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"a3"}]}
EOF
assert_eq "mixed payload" 200 "$(http_status POST "$AMURL" "$T/mixed.json")"
assert_eq "one accepted" 1 "$(jq -r .accepted "$T/body")"
assert_eq "two refused" "1 2" "$(jq -r '[.refused[].index] | map(tostring) | join(" ")' "$T/body")"
assert_eq "refusal reason" "alert 'NoCustomer' has no label 'customer' and no catch_all is configured" \
    "$(jq -r '.refused[0].reason' "$T/body")"
assert_match "unknown deployment reason" "deployment is not in the configuration" \
    "$(jq -r '.refused[1].reason' "$T/body")"
assert_eq "severity warning" WARNING "$(check_field acme/fra1/storage/DiskFull state)"
assert_eq "refusal logged" 1 "$(grep -c "alertmanager: alert 'NoCustomer' has no label" "$T/daemon.log")"
assert_eq "wrong method" 405 "$(http_status GET "$AMURL")"

# a restart keeps the checks alerts made
stop_daemon
start_daemon "$T/sw.yaml"
assert_eq "TargetDown kept across a restart" OK "$(check_field acme/fra1/api/TargetDown state)"
stop_daemon
ps_stop "$T/ps"
finish
