#!/bin/bash
# t_incidents.sh: incidents in the real daemon. A passive service goes CRITICAL; its incident
# pages the on-call engineer (alice) over a real webhook receiver on loopback, which refuses
# the first delivery (retried after the back-off), and by mail through Debian's aiosmtpd; the
# daemon is killed with SIGKILL in the middle of the escalation and resumes it after restart
# (carol's page arrives once, nothing is sent twice); ack, note, resolve through the CLI and
# the API; recovery tells those paged; nothing is sent during maintenance; bad input gets a
# clear error or a visible delivery failure.
. "$(dirname "$0")/lib.sh"
HOOKPORT=$(free_port)
SMTPPORT=$(free_port)
DEADPORT=$(free_port)
/usr/bin/python3 "$SW_SRC/tests/integration/hook.py" "$HOOKPORT" 1 "$T/hook" &
PIDS="$PIDS $!"
/usr/bin/python3 -u -m aiosmtpd -n -l "127.0.0.1:$SMTPPORT" >"$T/mail" 2>/dev/null &
PIDS="$PIDS $!"
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$HOOKPORT") 2>/dev/null &&
        (exec 3<>"/dev/tcp/127.0.0.1/$SMTPPORT") 2>/dev/null && break
    sleep 0.1
done
cat >"$T/sw.yaml" <<YAML
database: $T/sw.db
incidents: {retry: {attempts: 3, base: 1s, cap: 2s}, public_url: "https://sw.example"}
engineers:
  - id: alice
    name: Alice Example
    contacts: [{channel: hook}, {channel: mail, address: alice@example.com}]
  - {id: carol, contacts: [{channel: mail, address: carol@example.com}]}
  - {id: dave, contacts: [{channel: deadmail, address: dave@example.com}]}
channels:
  - {id: hook, type: webhook, url: "http://127.0.0.1:$HOOKPORT/hook", format: json}
  - {id: mail, type: email, smtp: "smtp://127.0.0.1:$SMTPPORT", from: stackward@example.com}
  - {id: deadmail, type: email, smtp: "smtp://127.0.0.1:$DEADPORT", from: stackward@example.com}
rotations:
  - {id: primary, timezone: Europe/Berlin, period: weekly, handoff: {day: monday, time: "09:00"},
     start: 2026-01-05, participants: [alice]}
escalation_policies:
  - id: default
    steps:
      - {notify: {rotation: primary}, wait: 6s}
      - {notify: {engineer: carol}, wait: 1h}
  - id: dead
    steps: [{notify: {engineer: dave}, wait: 1h}]
customers:
  - id: acme
    name: ACME Corporation
    escalation: default
    deployments:
      - id: fra1
        services:
          - id: api
            name: Public API
            checks: [{id: push, type: passive, max_attempts: 1}]
          - id: db
            checks: [{id: push, type: passive, max_attempts: 1}]
          - id: queue
            escalation: dead
            checks: [{id: push, type: passive, max_attempts: 1}]
YAML
submit() { # submit CHECK STATE OUTPUT
    curl -fs -X POST "$API/api/v1/results" \
        -d "{\"check\": \"$1\", \"state\": \"$2\", \"output\": \"$3\"}" >/dev/null
}
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
mails_to() { grep -c "^To: $1" "$T/mail" || true; }
hook_ge() { [ "$(lines "$T/hook")" -ge "$1" ]; }
mail_ge() { [ "$(mails_to "$1")" -ge "$2" ]; }
inc() { "$STACKWARD" incident "$1" -c "$T/sw.yaml" "${@:2}"; }

start_daemon "$T/sw.yaml"
submit acme/fra1/api/push CRITICAL "HTTP 503 from keystone"
# the webhook refuses the first delivery: retried after 1 s
wait_for "the webhook page" 15 hook_ge 1
assert_eq "refused deliveries" 1 "$(lines "$T/hook.refused")"
page=$(head -1 "$T/hook")
assert_eq "page customer" "ACME Corporation" "$(jq -r .customer <<<"$page")"
assert_eq "page deployment" "fra1" "$(jq -r .deployment <<<"$page")"
assert_eq "page service" "Public API" "$(jq -r .service <<<"$page")"
assert_eq "page state" "CRITICAL" "$(jq -r .state <<<"$page")"
assert_eq "page output" "HTTP 503 from keystone" "$(jq -r .output <<<"$page")"
assert_eq "page incident" "INC-1" "$(jq -r .incident <<<"$page")"
assert_eq "page link" "https://sw.example/api/v1/incidents/INC-1" "$(jq -r .link <<<"$page")"
wait_for "alice's mail" 15 mail_ge alice@example.com 1
assert_match "mail subject" "Subject: \[stackward\] CRITICAL: ACME Corporation / fra1 / Public API" \
    "$(cat "$T/mail")"
tl=$(inc show INC-1 --format json)
assert_eq "timeline: the refusal" "true" \
    "$(jq '[.timeline[] | select(.kind == "delivery-failed" and (.text | test("HTTP 503")))] | length == 1' <<<"$tl")"
assert_eq "notification attempts" "2" \
    "$(jq '[.notifications[] | select(.channel == "hook")][0].attempts' <<<"$tl")"

# SIGKILL before carol's step (6 s after the page); after the restart her page comes once
kill -9 "$PID"
wait "$PID" 2>/dev/null || true
start_daemon "$T/sw.yaml"
wait_for "carol's mail" 20 mail_ge carol@example.com 1
sleep 2
assert_eq "carol paged once" 1 "$(mails_to carol@example.com)"
assert_eq "alice mailed once" 1 "$(mails_to alice@example.com)"
assert_eq "one webhook page" 1 "$(lines "$T/hook")"

# ack, note, and the errors of acting on incidents
assert_eq "ack" "INC-1 acknowledged" "$(inc ack INC-1 --as alice)"
rc=0; out=$(inc ack INC-1 --as carol 2>&1) || rc=$?
assert_eq "second ack exit" 1 "$rc"
assert_match "second ack message" "INC-1 was already acknowledged by alice" "$out"
rc=0; out=$(inc ack INC-9 --as alice 2>&1) || rc=$?
assert_eq "unknown incident exit" 2 "$rc"
assert_match "unknown incident message" "INC-9: no such incident" "$out"
rc=0; out=$(inc ack INC-1 --as mallory 2>&1) || rc=$?
assert_eq "unknown engineer exit" 2 "$rc"
assert_eq "note" "INC-1 noted" "$(inc note INC-1 --as alice restarted keystone)"
j=$(curl -fs "$API/api/v1/incidents/INC-1")
assert_eq "api status" "acknowledged" "$(jq -r .status <<<"$j")"
assert_eq "api acked by" "alice" "$(jq -r .acknowledged_by <<<"$j")"
assert_match "api mtta" '^[0-9]+$' "$(jq -r .mtta_s <<<"$j")"
assert_eq "api note" "restarted keystone" "$(jq -r '.timeline[] | select(.kind == "note") | .text' <<<"$j")"
echo '{"as": "mallory"}' >"$T/b"
assert_eq "api ack unknown engineer" 400 "$(http_status POST "$API/api/v1/incidents/INC-1/ack" "$T/b")"
echo '{"as": "carol"}' >"$T/b"
assert_eq "api ack again" 409 "$(http_status POST "$API/api/v1/incidents/INC-1/ack" "$T/b")"
assert_eq "api no such incident" 404 "$(http_status GET "$API/api/v1/incidents/INC-77")"
assert_eq "api list open" 1 "$(curl -fs "$API/api/v1/incidents?open=true" | jq length)"

# recovery resolves and tells alice (webhook, mail) and carol
submit acme/fra1/api/push OK "HTTP 200"
wait_for "resolved messages" 15 mail_ge carol@example.com 2
wait_for "resolved webhook" 15 hook_ge 2
assert_eq "resolved webhook state" "OK" "$(tail -1 "$T/hook" | jq -r .state)"
assert_eq "resolved by recovery" "recovery" "$(curl -fs "$API/api/v1/incidents/INC-1" | jq -r .resolved_by)"
rc=0; out=$(inc ack INC-1 --as alice 2>&1) || rc=$?
assert_eq "ack of a resolved incident exit" 1 "$rc"
assert_match "ack of a resolved incident" "INC-1 is resolved" "$out"
assert_match "metrics mtta" 'stackward_incident_mtta_seconds_count\{window="30d"\} 1' \
    "$(curl -fs "$API/metrics")"

# idle, the incident manager sleeps: about one pass a second, not a busy loop
passes() { curl -fs "$API/metrics" | awk '$1 == "stackward_incident_passes_total" {print $2}'; }
p1=$(passes); sleep 3; p2=$(passes)
assert_match "idle passes in 3 s ($p1 -> $p2)" '^[2-6]$' "$((p2 - p1))"

# maintenance: db fails inside a window: no incident, nothing sent
"$STACKWARD" maint add -c "$T/sw.yaml" acme/fra1/db --start "$(date -u -d '-1 min' +%FT%TZ)" \
    --end "$(date -u -d '+1 hour' +%FT%TZ)" >/dev/null
hooks=$(lines "$T/hook"); mails=$(grep -c '^---------- MESSAGE FOLLOWS' "$T/mail" || true)
submit acme/fra1/db/push CRITICAL "down for the upgrade"
sleep 3
assert_eq "no incident in maintenance" 0 "$(curl -fs "$API/api/v1/incidents?service=acme/fra1/db" | jq length)"
assert_eq "no webhook in maintenance" "$hooks" "$(lines "$T/hook")"
assert_eq "no mail in maintenance" "$mails" "$(grep -c '^---------- MESSAGE FOLLOWS' "$T/mail" || true)"

# an unreachable SMTP server: the failure is in the timeline, retried, then given up
submit acme/fra1/queue/push CRITICAL "queue full"
wait_for "the failed delivery" 20 sh -c "\"$STACKWARD\" incident show -c \"$T/sw.yaml\" INC-2 --format json | jq -e '.notifications[0].status == \"failed\"'"
tl=$(inc show INC-2 --format json)
assert_eq "failed attempts" 3 "$(jq '.notifications[0].attempts' <<<"$tl")"
assert_match "failure visible" "dave via deadmail \(dave@example.com\): .*attempt 3: failed: falls through" \
    "$(jq -r '.timeline[] | select(.kind == "delivery-failed") | .text' <<<"$tl")"
stop_daemon

# config errors: an unknown rotation, a rotation without participants
sed -e 's/{notify: {rotation: primary}, wait: 6s}/{notify: {rotation: nosuch}, wait: 6s}/' \
    -e 's/participants: \[alice\]/participants: []/' "$T/sw.yaml" >"$T/bad.yaml"
rc=0; out=$("$STACKWARD" validate -c "$T/bad.yaml" 2>&1) || rc=$?
assert_eq "bad config exit" 2 "$rc"
assert_match "unknown rotation" "bad.yaml:[0-9]+:[0-9]+: .*nosuch" "$out"
assert_match "no participants" "bad.yaml:[0-9]+:[0-9]+: .*participant" "$out"
finish
