#!/bin/bash
# t_sla.sh: a month of history ingested, then `stackward sla` and the monthly report checked
# against numbers computed by hand: the documented worked example (a 31-day month in UTC,
# outages of 20, 25 and 7 minutes, a 2-hour maintenance window holding the 25-minute one:
# eligible 2,671,200 s, downtime 1,620 s, availability 0.99939353). Also run-time
# maintenance, burn-rate alerts, and bad input.
. "$(dirname "$0")/lib.sh"
cat >"$T/sw.yaml" <<EOF
database: $T/sw.db
contracts:
  - id: gold
    timezone: UTC
    objectives:
      - services: ["*/identity", "*/compute-api"]
        target: 99.95
    unknown: excluded
    credits:
      - {below: 99.95, credit: 10}
      - {below: 99.0,  credit: 25}
      - {below: 95.0,  credit: 100}
customers:
  - id: acme
    name: ACME Corporation
    contract: gold
    monthly_fee: {amount: 12000.00, currency: EUR}
    deployments:
      - id: fra1
        services:
          - id: identity
            checks:
              - {id: push, type: passive}
          - id: compute-api
            checks:
              - {id: push, type: passive}
          - id: other
            checks:
              - {id: push, type: passive}
maintenance:
  - scope: acme/fra1
    start: 2026-10-12T01:00:00Z
    end: 2026-10-12T03:00:00Z
    reason: Ceph upgrade
EOF
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
at() { date -u -d "$1" +%s; }
line() { printf '{"check": "%s", "state": "%s", "output": "%s", "time": "%s"}\n' "$1" "$2" "$3" "$(iso "$4")"; }
id=acme/fra1/identity/push
{
    line $id OK up "$(at 2026-10-01T00:00:00Z)"
    line $id CRITICAL down "$(at 2026-10-05T10:00:00Z)"
    line $id OK up "$(at 2026-10-05T10:20:00Z)"
    line $id CRITICAL down "$(at 2026-10-12T01:30:00Z)"
    line $id OK up "$(at 2026-10-12T01:55:00Z)"
    line $id CRITICAL down "$(at 2026-10-20T15:00:00Z)"
    line $id OK up "$(at 2026-10-20T15:07:00Z)"
    line $id OK up "$(at 2026-11-01T00:00:00Z)"
    # compute-api: observed only from the 16th (created mid-month), always up
    line acme/fra1/compute-api/push OK up "$(at 2026-10-16T00:00:00Z)"
    line acme/fra1/compute-api/push OK up "$(at 2026-11-01T00:00:00Z)"
} >"$T/month.jsonl"
"$STACKWARD" ingest -c "$T/sw.yaml" "$T/month.jsonl" >/dev/null
assert_eq "ingest" 0 $?

js=$("$STACKWARD" sla -c "$T/sw.yaml" --customer acme --month 2026-10 --format json) && rc=0 || rc=$?
assert_eq "sla exit (missed)" 1 "$rc"
sel() { echo "$js" | jq -r ".services[] | select(.id == \"$1\") | $2"; }
assert_eq "period" "2026-10-01T00:00:00+00:00 2026-11-01T00:00:00+00:00" "$(echo "$js" | jq -r '"\(.period.start) \(.period.end)"')"
assert_eq "services" "fra1/identity fra1/compute-api" "$(echo "$js" | jq -r '[.services[].id] | join(" ")')"
assert_eq "eligible" 2671200 "$(sel fra1/identity .eligible_s)"
assert_eq "downtime" 1620 "$(sel fra1/identity .downtime_s)"
assert_eq "maintenance" 7200 "$(sel fra1/identity .maintenance_s)"
assert_eq "unknown" 0 "$(sel fra1/identity .unknown_s)"
assert_eq "availability" 0.99939353 "$(sel fra1/identity '.availability * 1e8 | floor / 1e8')"
assert_eq "target" 99.95 "$(sel fra1/identity .target)"
assert_eq "met" false "$(sel fra1/identity .met)"
assert_eq "budget" 1335 "$(sel fra1/identity .budget_s)"
assert_eq "budget used" 1.2129 "$(sel fra1/identity '.budget_used * 1e4 | floor / 1e4')"
assert_eq "credit" 10 "$(sel fra1/identity .credit_percent)"
# created mid-month: eligible from its first observation on the 16th
assert_eq "compute eligible" $((16 * 86400)) "$(sel fra1/compute-api .eligible_s)"
assert_eq "compute met" true "$(sel fra1/compute-api .met)"
assert_eq "customer credit" "10 1200.00 EUR" "$(echo "$js" | jq -r '"\(.credit_percent) \(.credit.amount) \(.credit.currency)"')"
table=$("$STACKWARD" sla -c "$T/sw.yaml" --customer acme --month 2026-10) || true
assert_match "table row" 'fra1/identity +99.95% +99.9393% +no +27m +2h +0s' "$table"
assert_match "table credit" 'credit owed: 10% = 1200.00 EUR' "$table"
csv=$("$STACKWARD" sla -c "$T/sw.yaml" --customer acme --month 2026-10 --format csv --service 'fra1/ident*') || true
assert_eq "csv" "id,target_percent,availability,met,eligible_s,downtime_s,maintenance_s,unknown_s,budget_s,budget_used,credit_percent
fra1/identity,99.95,0.9993935310,no,2671200,1620,7200,0,1335,1.212938,10" "$csv"

# the monthly report in four formats
for f in html csv json pdf; do
    "$STACKWARD" report -c "$T/sw.yaml" --customer acme --month 2026-10 --format $f -o "$T/r.$f"
    assert_eq "report $f" 0 $?
done
assert_match "report csv row" '^fra1/identity,99.95,99.939353,no,2671200,1620,7200,0,' "$(sed -n 2p "$T/r.csv")"
assert_eq "html: no external resource" 0 "$(grep -Eic 'https?://|src=|@import|url\(|<link' "$T/r.html")"
assert_match "html content" 'ACME Corporation' "$(cat "$T/r.html")"
assert_eq "json availability" 2671200 "$(jq -r '.services[0].eligible_s' "$T/r.json")"
assert_eq "pdf magic" "%PDF-" "$(head -c 5 "$T/r.pdf")"
txt=$(pdftotext "$T/r.pdf" - 2>/dev/null)
assert_match "pdf text customer" 'ACME Corporation' "$txt"
assert_match "pdf text service" 'fra1/identity' "$txt"
assert_match "pdf text availability" '99\.939' "$txt"
assert_match "pdf text outage time" '2026-10-05 10:00' "$txt"

# maintenance at run time: a window over the 7-minute outage takes it out; removing it puts
# it back
mid=$("$STACKWARD" maint add -c "$T/sw.yaml" acme/fra1/identity --start 2026-10-20T14:55:00Z --end 2026-10-20T15:10:00Z --reason "customer change")
assert_match "maint id" '^[0-9]+$' "$mid"
assert_match "maint list" "^$mid +acme/fra1/identity +2026-10-20T14:55:00Z +2026-10-20T15:10:00Z +excluded +customer change" "$("$STACKWARD" maint list -c "$T/sw.yaml" | grep "^$mid ")"
js=$("$STACKWARD" sla -c "$T/sw.yaml" --customer acme --month 2026-10 --format json) || true
assert_eq "with window: downtime" 1200 "$(sel fra1/identity .downtime_s)"
assert_eq "with window: eligible" $((2678400 - 7200 - 900)) "$(sel fra1/identity .eligible_s)"
"$STACKWARD" maint rm -c "$T/sw.yaml" "$mid"
assert_eq "maint rm" 0 $?
"$STACKWARD" maint rm -c "$T/sw.yaml" "$mid" 2>/dev/null && rc=0 || rc=$?
assert_eq "maint rm again" 2 "$rc"
js=$("$STACKWARD" sla -c "$T/sw.yaml" --customer acme --month 2026-10 --format json) || true
assert_eq "window removed" 1620 "$(sel fra1/identity .downtime_s)"

# the daemon serves the same through the API
start_daemon "$T/sw.yaml"
api=$(curl -fs "$API/api/v1/customers/acme/sla?month=2026-10")
assert_eq "api: eligible" 2671200 "$(echo "$api" | jq -r '.services[0].eligible_s')"
assert_eq "api: downtime" 1620 "$(echo "$api" | jq -r '.services[0].downtime_s')"
assert_eq "api: credit" "10 1200.00" "$(echo "$api" | jq -r '"\(.credit_percent) \(.credit.amount)"')"
assert_eq "api: report csv" "$(sed -n 2p "$T/r.csv")" "$(curl -fs "$API/api/v1/customers/acme/report?month=2026-10&format=csv" | sed -n 2p)"
assert_eq "api: report pdf" "%PDF-" "$(curl -fs "$API/api/v1/customers/acme/report?month=2026-10&format=pdf" | head -c 5)"
assert_eq "api: unknown customer" 404 "$(http_status GET "$API/api/v1/customers/nobody/sla")"
assert_eq "api: bad month" 400 "$(http_status GET "$API/api/v1/customers/acme/sla?month=2026-13")"
assert_eq "api: bad parameter" 400 "$(http_status GET "$API/api/v1/customers/acme/sla?colour=red")"
echo '{"scope": "acme/fra1", "start": "2026-10-20T14:55:00Z", "end": "2026-10-20T15:10:00Z", "reason": "api"}' >"$T/m.json"
assert_eq "api: maint add" 201 "$(http_status POST "$API/api/v1/maintenance" "$T/m.json")"
wid=$(jq -r .id "$T/body")
assert_eq "api: maint listed" "api" "$(curl -fs "$API/api/v1/maintenance?customer=acme" | jq -r ".[] | select(.id == $wid) | .reason")"
assert_eq "api: window counts" 1200 "$(curl -fs "$API/api/v1/customers/acme/sla?month=2026-10" | jq -r '.services[0].downtime_s')"
assert_eq "api: maint delete" 200 "$(http_status DELETE "$API/api/v1/maintenance/$wid")"
assert_eq "api: maint delete again" 404 "$(http_status DELETE "$API/api/v1/maintenance/$wid")"
echo '{"scope": "acme/nowhere", "start": "2026-10-20T14:55:00Z", "end": "2026-10-20T15:10:00Z"}' >"$T/m2.json"
assert_eq "api: maint unknown scope" 404 "$(http_status POST "$API/api/v1/maintenance" "$T/m2.json")"
echo '{"scope": "acme", "start": "2026-10-21T00:00:00Z", "end": "2026-10-20T00:00:00Z"}' >"$T/m3.json"
assert_eq "api: maint backwards" 400 "$(http_status POST "$API/api/v1/maintenance" "$T/m3.json")"
assert_eq "api: maint wrong method" 405 "$(http_status PUT "$API/api/v1/maintenance")"

# burn rate: the identity service down for the last 30 minutes pages; the daemon evaluates it
now=$(date +%s)
jq -n --arg a "$(iso $((now - 7200)))" --arg b "$(iso $((now - 1800)))" '[
  {check: "acme/fra1/identity/push", state: "OK", time: $a},
  {check: "acme/fra1/identity/push", state: "CRITICAL", time: $b}]' >"$T/recent.json"
assert_eq "api: recent results" 200 "$(http_status POST "$API/api/v1/results" "$T/recent.json")"
al=$("$STACKWARD" slo alerts -c "$T/sw.yaml" --format json) && rc=0 || rc=$?
assert_eq "slo alerts exit (page)" 1 "$rc"
assert_eq "page 1h/5m" "page 14.4 firing" "$(echo "$al" | jq -r '.[] | select(.service == "acme/fra1/identity" and .long == "1h") | "\(.severity) \(.factor) \(.state)"')"
# 30 min (and the seconds since) down of the last hour: err 0.5, budget 0.05 % -> about 1000
assert_eq "burn long 1h" true "$(echo "$al" | jq -r '.[] | select(.service == "acme/fra1/identity" and .long == "1h") | .burn_long >= 1000 and .burn_long < 1010')"
api_alert() { curl -fs "$API/api/v1/slo/alerts" | jq -e '.[] | select(.service == "acme/fra1/identity" and .long == "1h" and .state == "firing")'; }
wait_for "daemon evaluates the burn rate" 30 api_alert
m=$(curl -fs "$API/metrics")
assert_match "metrics slo page" 'stackward_slo_alerts\{severity="page"\} [1-9]' "$m"
assert_match "metrics slo alert" 'stackward_slo_alert\{service="acme/fra1/identity",severity="page",long="1h",short="5m",state="firing"\} 1' "$m"
assert_match "daemon logged it" 'SLO acme/fra1/identity: page burning' "$(cat "$T/daemon.log")"
stop_daemon

# bad input
bad() {
    out=$("$STACKWARD" "$@" 2>&1) && rc=0 || rc=$?
    assert_eq "exit: $*" 2 "$rc"
}
bad sla -c "$T/sw.yaml" --customer nobody --month 2026-10
assert_match "unknown customer" "no customer 'nobody'" "$out"
bad sla -c "$T/sw.yaml" --customer acme --month 2026-13
assert_match "bad month" "'2026-13' is not a month" "$out"
bad sla -c "$T/sw.yaml" --customer acme --from 2026-10-02T00:00:00Z --to 2026-10-01T00:00:00Z
assert_match "from after to" 'before --to' "$out"
bad sla -c "$T/sw.yaml" --customer acme --month 2026-10 --service 'nope/*'
assert_match "unknown service" "matches 'nope/\*'" "$out"
bad maint add -c "$T/sw.yaml" acme/nowhere --start 2026-10-01T00:00:00Z --end 2026-10-01T01:00:00Z
bad report -c "$T/sw.yaml" --customer acme --month 2026-10 --format doc -o "$T/x"
finish
