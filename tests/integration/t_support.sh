#!/bin/bash
# t_support.sh: a scripted month of support work and its health. Cases opened and answered on
# time and late (recorded at past times with --at) on a business-hours calendar; changes, one
# failed by its result and one by the incident storm that follows it; an incident storm in
# the on-call engineer's night through the real daemon (each incident opening its severity-1
# case); then `stackward health --format json` and the case timers against numbers computed by
# hand. Tokens: a customer reads its own cases only (another customer's case is a 404), an
# engineer's token acts as that engineer. Bad input gets clear errors.
. "$(dirname "$0")/lib.sh"
HOOKPORT=$(free_port)
/usr/bin/python3 "$SW_SRC/tests/integration/hook.py" "$HOOKPORT" 0 "$T/hook" &
PIDS="$PIDS $!"
printf 'acme-portal-token-0123456789\n' >"$T/acme.token"
printf 'globex-portal-token-0123456789\n' >"$T/globex.token"
export SW_IT_ALICE_TOKEN=alice-token-0123456789abcdef
cat >"$T/sw.yaml" <<YAML
database: $T/sw.db
incidents: {storm: {threshold: 3, window: 5m, wait: 2s}}
changes: {failure_window: 1h}
calendars:
  - id: berlin-office
    timezone: Europe/Berlin
    hours: {days: mon-fri, start: "09:00", end: "18:00"}
    holidays: [2026-12-24, 2026-12-25, 2026-12-26]
contracts:
  - id: gold
    support:
      - {severity: 1, first_response: 1h, update_every: 2h, resolution: 24h, calendar: 24x7}
      - {severity: 3, first_response: 8h, resolution: 10d, calendar: berlin-office}
    auto_case_on_incident: true
engineers:
  # her working hours are 09:00-10:00 in a zone 12 h from UTC: every page of the test is
  # outside them
  - {id: alice, timezone: Pacific/Auckland, working_hours: {days: mon-sun, start: "03:00", end: "03:01"},
     contacts: [{channel: hook}]}
  - {id: bob}
channels:
  - {id: hook, type: webhook, url: "http://127.0.0.1:$HOOKPORT/hook"}
rotations:
  - {id: primary, timezone: UTC, period: daily, handoff: {time: "00:00"}, start: 2026-11-01,
     participants: [alice]}
escalation_policies:
  - {id: default, steps: [{notify: {rotation: primary}, wait: 1h}]}
tokens:
  - {id: acme-portal, customer: acme, token_file: $T/acme.token}
  - {id: globex-portal, customer: globex, token_file: $T/globex.token}
  - {id: alice-cli, engineer: alice, token_env: SW_IT_ALICE_TOKEN}
customers:
  - id: acme
    contract: gold
    escalation: default
    deployments:
      - id: fra1
        services:
          - {id: s1, checks: [{id: push, type: passive, max_attempts: 1}]}
          - {id: s2, checks: [{id: push, type: passive, max_attempts: 1}]}
          - {id: s3, checks: [{id: push, type: passive, max_attempts: 1}]}
          - {id: s4, checks: [{id: push, type: passive, max_attempts: 1}]}
  - id: globex
    deployments: [{id: ams, services: [{id: web, checks: [{id: push, type: passive}]}]}]
YAML
sw() { "$STACKWARD" "$1" "$2" -c "$T/sw.yaml" "${@:3}"; }
inm() { date -u -d "$1" +%FT%TZ; }
ACME="Authorization: Bearer acme-portal-token-0123456789"
GLOBEX="Authorization: Bearer globex-portal-token-0123456789"
ALICE="Authorization: Bearer $SW_IT_ALICE_TOKEN"

# --- cases of the month, at past times ---
# CASE-1: severity 3, Friday 17:30 Berlin; answered Monday 15:00 Berlin: 6.5 of 8 business
# hours (due Monday 16:30 Berlin): met
assert_eq "open 1" CASE-1 "$(sw case open --customer acme --severity 3 --title 'Nova slow' --as alice --at 2026-11-06T16:30:00Z)"
sw case respond CASE-1 -m "Looking into it" --as alice --at 2026-11-09T14:00:00Z
sw case comment CASE-1 -m "the scheduler was overloaded" --internal --as alice --at 2026-11-09T14:05:00Z
sw case status CASE-1 resolved --as alice --at 2026-11-10T10:00:00Z
# CASE-2: severity 3, Monday 09:00 Berlin; answered Tuesday 10:00 Berlin: 10 business hours:
# missed (due Monday 17:00 Berlin)
assert_eq "open 2" CASE-2 "$(sw case open --customer acme --severity 3 --title 'Quota' --as bob --at 2026-11-16T08:00:00Z)"
sw case respond CASE-2 -m "Raised" --as bob --at 2026-11-17T09:00:00Z
# CASE-3: severity 1, answered after 30 min of its hour: met
assert_eq "open 3" CASE-3 "$(sw case open --customer acme --severity 1 --title 'API down' --as alice --at 2026-11-20T00:00:00Z)"
sw case respond CASE-3 -m "On it" --as alice --at 2026-11-20T00:30:00Z
sw case assign CASE-3 bob --as alice --at 2026-11-20T00:31:00Z
j=$(sw case show CASE-1 --format json)
assert_eq "CASE-1 first response due" "2026-11-09T15:30:00Z" "$(jq -r .timers.first_response.due <<<"$j")"
assert_eq "CASE-1 met" "1 false" "$(jq -r '"\(.timers.first_response.met) \(.timers.first_response.breached)"' <<<"$j")"
assert_eq "CASE-1 status" resolved "$(jq -r .status <<<"$j")"
j=$(sw case show CASE-2 --format json)
assert_eq "CASE-2 first response due" "2026-11-16T16:00:00Z" "$(jq -r .timers.first_response.due <<<"$j")"
assert_eq "CASE-2 breached" "true 1" "$(jq -r '"\(.timers.first_response.breached) \(.timers.first_response.breaches)"' <<<"$j")"
assert_eq "CASE-3 assignee" bob "$(sw case show CASE-3 --format json | jq -r .assignee)"

# --- changes: one ok, one failed, one followed by the storm below ---
assert_eq "change 1" CHG-1 "$(sw change start --deployment acme/fra1 --title 'Upgrade nova' --as alice --at 2026-11-05T10:00:00Z)"
sw change finish CHG-1 --ok --at 2026-11-05T11:00:00Z
sw change start --deployment acme/fra1 --title 'Rotate certs' --as bob --at 2026-11-12T10:00:00Z >/dev/null
sw change finish CHG-2 --failed -m "rolled back" --at 2026-11-12T10:30:00Z
sw change start --deployment acme/fra1 --title 'Kernel update' --as bob --at "$(inm '-40 min')" >/dev/null
sw change finish CHG-3 --ok --at "$(inm '-10 min')"

# --- the storm: four services fail at once; each incident opens a severity-1 case ---
start_daemon "$T/sw.yaml"
for s in s1 s2 s3 s4; do
    curl -fs -H "$ALICE" -X POST "$API/api/v1/results" \
        -d "{\"check\": \"acme/fra1/$s/push\", \"state\": \"CRITICAL\", \"output\": \"down\"}" >/dev/null
done
cases_ge() { [ "$(sw case list --format json | jq length)" -ge "$1" ]; }
wait_for "four incident cases" 15 cases_ge 7
hook_ge() { [ -f "$T/hook" ] && [ "$(wc -l <"$T/hook")" -ge "$1" ]; }
summary() { [ -f "$T/hook" ] && jq -r .service "$T/hook" | grep -Eq '^[0-9]+ services: '; }
wait_for "the storm's summary page" 15 summary
assert_eq "incident case" "1 INC-1" "$(sw case list --format json | jq -r '[.[] | select(.incident == "INC-1")][0] | "\(.severity) \(.incident)"')"
# alice acknowledges INC-1 through the API with her token ("as" comes from it)
assert_eq "ack by token" acknowledged \
    "$(curl -fs -H "$ALICE" -X POST "$API/api/v1/incidents/INC-1/ack" -d '{}' | jq -r .status)"
sw case link CASE-2 INC-2 --as bob
assert_eq "a case linked to an incident" '["INC-2"]' "$(sw case show CASE-2 --format json | jq -c .incidents)"
assert_eq "acked by" alice "$(curl -fs -H "$ALICE" "$API/api/v1/incidents/INC-1" | jq -r .acknowledged_by)"

# --- tokens ---
assert_eq "no token" 401 "$(http_status GET "$API/api/v1/cases")"
assert_eq "acme reads its case" 200 "$(curl -s -o "$T/body" -w '%{http_code}' -H "$ACME" "$API/api/v1/cases/CASE-1")"
assert_eq "internal comments hidden" 0 "$(jq '[.events[] | select(.kind == "internal")] | length' "$T/body")"
assert_eq "globex cannot see acme's case" 404 "$(curl -s -o "$T/body" -w '%{http_code}' -H "$GLOBEX" "$API/api/v1/cases/CASE-1")"
assert_eq "404 says no case" "no case CASE-1" "$(jq -r .error.message "$T/body")"
assert_eq "globex lists none of acme's" 0 "$(curl -fs -H "$GLOBEX" "$API/api/v1/cases" | jq length)"
assert_eq "a customer token lists its own incidents only" "200 acme" \
    "$(curl -s -o "$T/body" -w '%{http_code}' -H "$ACME" "$API/api/v1/incidents") $(jq -r '[.[].customer] | unique | join(",")' "$T/body")"
assert_eq "another customer's incidents are unknown" 404 "$(curl -s -o /dev/null -w '%{http_code}' -H "$ACME" "$API/api/v1/incidents?customer=globex")"
assert_eq "a customer token may not see team data" 403 "$(curl -s -o /dev/null -w '%{http_code}' -H "$ACME" "$API/api/v1/health")"
c=$(curl -s -w '\n%{http_code}' -H "$ACME" -X POST "$API/api/v1/cases" -d '{"severity": 2, "title": "Backups failing"}')
assert_eq "customer opens a case" 201 "$(tail -1 <<<"$c")"
assert_eq "opened by the customer" "customer acme" "$(head -1 <<<"$c" | jq -r '"\(.opened_by) \(.customer)"')"
assert_eq "globex cannot comment on acme's case" 404 "$(curl -s -o /dev/null -w '%{http_code}' -H "$GLOBEX" -X POST "$API/api/v1/cases/CASE-1/comment" -d '{"text": "hi"}')"
stop_daemon

# --- the month's health, by hand ---
# first response: CASE-1 met, CASE-2 missed, CASE-3 met; the incident cases and the
# customer's case are still within their hour or pending: 2 of 3 = 666666 ppm
# changes: CHG-2 failed by its result, CHG-3 by the storm 10 min after it: 2 of 3
# incidents: 4 opened, 1 acknowledged; every page outside alice's working hours
h=$("$STACKWARD" health -c "$T/sw.yaml" --from 2026-11-01T00:00:00Z --to "$(inm '+1 min')" --format json)
ind() { jq -r --arg n "$1" '.indicators[] | select(.name == $n) | .value' <<<"$h"; }
assert_eq "first response compliance" 666666 "$(ind first_response_compliance)"
assert_eq "change failure rate" 666666 "$(ind change_failure_rate)"
assert_eq "outside hours share" 1000000 "$(ind outside_hours_share)"
assert_eq "incidents" 4 "$(jq .counts.incidents <<<"$h")"
assert_eq "unacknowledged" 3 "$(jq .counts.unacknowledged <<<"$h")"
assert_eq "changes" 3 "$(jq .counts.changes <<<"$h")"
assert_eq "failed changes" 2 "$(jq .counts.failed_changes <<<"$h")"
assert_eq "shift breaches (4 incidents in 12 h)" 1 "$(ind shift_breaches)"
assert_eq "status of the breach (green 0, amber 1)" amber "$(jq -r '.indicators[] | select(.name == "shift_breaches") | .status' <<<"$h")"
assert_match "mtta measured" '^[0-9]+$' "$(ind mtta)"
# the breakdowns: severity 3 had one first response met and one missed; the storm's shift
# breached; acme's cases: three of the month, four from the storm, one from its portal
assert_eq "severity 3 first responses" "1 1" \
    "$(jq -r '.by_severity[2].cases | "\(.first_response_met) \(.first_response_missed)"' <<<"$h")"
assert_eq "severity 1 incidents acknowledged" 1 "$(jq '.by_severity[0].tta.n + .by_severity[1].tta.n + .by_severity[2].tta.n' <<<"$h")"
assert_eq "breached shifts" 1 "$(jq '[.shifts[] | select(.breach)] | length' <<<"$h")"
assert_eq "acme's cases" 8 "$(jq '.by_customer[] | select(.customer == "acme") | .cases.cases' <<<"$h")"
assert_match "table" 'first_response_compliance +66\.7%' "$("$STACKWARD" health -c "$T/sw.yaml" --from 2026-11-01T00:00:00Z --to "$(inm '+1 min')")"

# --- bad input ---
rc=0; out=$(sw case open --customer acme --severity 7 --title x --as alice 2>&1) || rc=$?
assert_eq "unknown severity exit" 2 "$rc"
assert_match "unknown severity" "severity must be 1, 2, 3 or 4" "$out"
sw case status CASE-1 closed --as alice
rc=0; out=$(sw case comment CASE-1 -m late --as alice 2>&1) || rc=$?
assert_eq "comment on a closed case exit" 2 "$rc"
assert_match "comment on a closed case" "CASE-1 is closed: re-open it first" "$out"
rc=0; out=$(sw case respond CASE-2 -m x --as alice --at 2026-11-01T00:00:00Z 2>&1) || rc=$?
assert_match "before the last event" "is before CASE-2's last event" "$out"
cat >"$T/bad.yaml" <<YAML
calendars:
  - id: bad
    timezone: Europe/Berlin
    hours: [{days: mon-fri, start: "09:00", end: "18:00"}, {days: mon, start: "17:00", end: "19:00"}]
    holidays: [2026-13-01]
YAML
rc=0; out=$("$STACKWARD" validate -c "$T/bad.yaml" 2>&1) || rc=$?
assert_eq "bad calendar exit" 2 "$rc"
assert_match "overlapping hours" "bad.yaml:[0-9]+:[0-9]+: .*overlap" "$out"
assert_match "malformed holiday" "bad.yaml:[0-9]+:[0-9]+: .*2026-13-01" "$out"
finish
