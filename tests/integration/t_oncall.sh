#!/bin/bash
# t_oncall.sh: `stackward oncall` and `stackward oncall export` on the documented rotation (weekly,
# Monday 09:00 Europe/Berlin, from 2026-01-05 with alice, carol's Christmas override): who is
# on call at chosen instants, across the March DST change, the JSON fields, the iCalendar
# export (CRLF, one VEVENT per shift, UTC times), and exit 2 on bad input. The secrets the
# configuration names are read at load and never printed.
. "$(dirname "$0")/lib.sh"
printf 'https://chat.example/hooks/T0/B0/sekrit-url\n' >"$T/chat-url"
printf 'sekrit-pass\n' >"$T/smtp.pass"
export SW_IT_SMTP_USER=mailer
cat >"$T/sw.yaml" <<EOF
engineers:
  - id: alice
    name: Alice Example
    timezone: Europe/Berlin
    working_hours: {days: mon-fri, start: "09:00", end: "18:00"}
    contacts: [{channel: ops-webhook}, {channel: mail, address: alice@example.com}]
  - {id: bob, name: Bob Example}
  - {id: carol, name: Carol Example}
channels:
  - {id: ops-webhook, type: webhook, url: "http://127.0.0.1:9000/hook", format: json}
  - {id: chat, type: webhook, url_file: $T/chat-url, format: slack}
  - {id: mail, type: email, smtp: "smtp://127.0.0.1:2525", from: stackward@example.com,
     username_env: SW_IT_SMTP_USER, password_file: $T/smtp.pass}
rotations:
  - id: primary
    timezone: Europe/Berlin
    period: weekly                      # daily | weekly | {days: N}
    handoff: {day: monday, time: "09:00"}
    start: 2026-01-05                   # first shift: the first participant
    participants: [alice, bob]
    overrides:
      - {engineer: carol, from: "2026-12-24T00:00:00+01:00", to: "2026-12-27T00:00:00+01:00"}
  - id: daily
    timezone: UTC
    period: daily
    handoff: {time: "00:00"}
    start: 2026-01-01
    participants: [bob, carol]
escalation_policies:
  - id: default
    steps:
      - {notify: {rotation: primary}, wait: 15m}
      - {notify: {engineer: carol}, wait: 15m}
    repeat: 2
customers:
  - id: acme
    escalation: default
EOF
oc() { # oc [export] ARGS...: -c goes after the subcommand
    if [ "${1:-}" = export ]; then
        shift
        "$STACKWARD" oncall export -c "$T/sw.yaml" "$@"
    else
        "$STACKWARD" oncall -c "$T/sw.yaml" "$@"
    fi
}
who() { oc --rotation primary --format json --at "$1" | jq -r '.rotations[0].on_call.engineer'; }

# Christmas: carol's override, one shift from 24 Dec 00:00 CET to 27 Dec 00:00 CET
out=$(oc --rotation primary --at 2026-12-25T12:00:00Z)
assert_match "override: on call" "^  on call +carol \(override\) +Thu 2026-12-24 00:00 CET -> Sun 2026-12-27 00:00 CET +2026-12-23T23:00:00Z -> 2026-12-26T23:00:00Z$" "$out"
assert_match "override: then alice" "^  next +alice +Sun 2026-12-27 00:00 CET -> Mon 2026-12-28 09:00 CET +2026-12-26T23:00:00Z -> 2026-12-28T08:00:00Z$" "$out"
assert_eq "override: three next shifts" 3 "$(printf '%s\n' "$out" | grep -c '^  next ')"
assert_eq "override: json" carol "$(who 2026-12-25T12:00:00Z)"
# 2026-03-30 is the first Monday of summer time: 12 weeks after 2026-01-05, so shift 12 is
# alice's (12 mod 2 = 0), from 09:00 CEST = 07:00Z; bob's shift 11 is an hour short.
assert_eq "dst: 08:30Z" alice "$(who 2026-03-30T08:30:00Z)"
assert_eq "dst: 07:30Z (08:00Z in winter)" alice "$(who 2026-03-30T07:30:00Z)"
assert_eq "dst: 06:59:59Z" bob "$(who 2026-03-30T06:59:59Z)"
assert_eq "first shift" alice "$(who 2026-01-05T08:00:00Z)"
assert_eq "before the start" null "$(who 2026-01-05T07:59:59Z)"
# --at with an offset means the same instant
assert_eq "offset" alice "$(who 2026-03-30T10:30:00+02:00)"

# JSON: every field of the current shift, and the next ones
j=$(oc --rotation primary --at 2026-03-30T08:30:00Z --format json)
assert_eq "json at" 2026-03-30T08:30:00Z "$(jq -r .at <<<"$j")"
assert_eq "json rotation" "primary Europe/Berlin" "$(jq -r '.rotations[0] | "\(.id) \(.timezone)"' <<<"$j")"
assert_eq "json on_call" "alice|Alice Example|false|2026-03-30T07:00:00Z|2026-04-06T07:00:00Z|2026-03-30T09:00:00+02:00|2026-04-06T09:00:00+02:00" \
    "$(jq -r '.rotations[0].on_call | [.engineer, .name, .override, .start, .end, .start_local, .end_local] | join("|")' <<<"$j")"
assert_eq "json next" "bob 2026-04-06T07:00:00Z,alice 2026-04-13T07:00:00Z,bob 2026-04-20T07:00:00Z" \
    "$(jq -r '[.rotations[0].next[] | "\(.engineer) \(.start)"] | join(",")' <<<"$j")"
# daily: day 358 of 2026 (0 = 1 Jan, bob) is bob's
j=$(oc --at 2026-12-25T12:00:00Z --format json --next 1)
assert_eq "json all rotations" "primary:carol:true daily:bob:false" \
    "$(jq -r '[.rotations[] | "\(.id):\(.on_call.engineer):\(.on_call.override)"] | join(" ")' <<<"$j")"
assert_eq "json --next 1" "1 1" "$(jq -r '[.rotations[] | .next | length] | join(" ")' <<<"$j")"
j=$(oc --rotation primary --at 2025-12-31T00:00:00Z --format json --next 1)
assert_eq "json before the start" "null alice 2026-01-05T08:00:00Z" \
    "$(jq -r '.rotations[0] | "\(.on_call) \(.next[0].engineer) \(.next[0].start)"' <<<"$j")"

# the iCalendar export: the shifts of December 2026, with the override as its own event
oc export --rotation primary --from 2026-12-01T00:00:00Z --to 2027-01-01T00:00:00Z --format ics -o "$T/primary.ics"
ics=$(cat "$T/primary.ics")
assert_eq "ics begins" "BEGIN:VCALENDAR" "$(head -1 "$T/primary.ics" | tr -d '\r')"
assert_eq "ics ends" "END:VCALENDAR" "$(tail -1 "$T/primary.ics" | tr -d '\r')"
assert_eq "ics: every line ends in CRLF" "$(wc -l <"$T/primary.ics")" "$(grep -c $'\r$' "$T/primary.ics")"
# shifts 47 (from Mon 11-30) .. 51 (from Mon 12-28), 50 split in three by carol: 7 events
assert_eq "ics: one VEVENT per shift" 7 "$(grep -c '^BEGIN:VEVENT' <<<"$ics")"
assert_eq "ics: DTSTART in UTC" "DTSTART:20261130T080000Z DTSTART:20261207T080000Z DTSTART:20261214T080000Z DTSTART:20261221T080000Z DTSTART:20261223T230000Z DTSTART:20261226T230000Z DTSTART:20261228T080000Z" \
    "$(grep '^DTSTART' <<<"$ics" | tr -d '\r' | tr '\n' ' ' | sed 's/ $//')"
assert_match "ics: the override" $'^SUMMARY:On call: primary \\(carol\\\\, override\\)\r$' "$ics"
assert_match "ics: stable uid" $'^UID:primary-20261223T230000Z@stackward\r$' "$ics"
# an engineer's own calendar, over every rotation: carol's override and her daily shifts
oc export --engineer carol --from 2026-12-24T00:00:00Z --to 2026-12-26T00:00:00Z >"$T/carol.ics"
assert_eq "ics engineer" "primary-20261223T230000Z daily-20261224T000000Z" \
    "$(grep '^UID:' "$T/carol.ics" | tr -d '\r' | sed 's/^UID://; s/@stackward//' | tr '\n' ' ' | sed 's/ $//')"
# the default range: 90 days from now, one event a day in the daily rotation (90 or 91)
n=$(oc export --rotation daily | grep -c '^BEGIN:VEVENT')
assert_match "ics default range" '^(90|91)$' "$n"

# --help, and no secret ever printed
assert_match "help" "^Usage: stackward oncall " "$(oc --help)"
assert_match "export help" "^Usage: stackward oncall export " "$(oc export --help)"
all=$(oc --at 2026-12-25T12:00:00Z; oc --format json; cat "$T/primary.ics" "$T/carol.ics"; "$STACKWARD" validate -c "$T/sw.yaml" 2>&1)
assert_eq "no secret printed" "" "$(grep -E 'sekrit|mailer' <<<"$all" || true)"

# bad input: exit 2 with a clear message
bad() { # bad WHAT MESSAGE-REGEX ARGS...
    local what=$1 msg=$2 rc=0 out
    shift 2
    out=$(oc "$@" 2>&1) || rc=$?
    assert_eq "$what: exit" 2 "$rc"
    assert_match "$what: message" "$msg" "$out"
}
bad "unknown rotation" "no rotation 'nope' in " --rotation nope
bad "bad time" "--at: 'tomorrow' is not a time" --at tomorrow
bad "time without a zone" "--at: '2026-03-30T08:30:00' is not a time" --at 2026-03-30T08:30:00
bad "bad format" "--format must be table or json" --format xml
bad "bad --next" "--next must be a number from 0 to 100" --next 1000
bad "export: no target" "give --rotation R or --engineer E" export
bad "export: unknown rotation" "no rotation 'nope' in " export --rotation nope
bad "export: unknown engineer" "no engineer 'dave' in " export --engineer dave
bad "export: bad format" "--format must be ics" export --rotation primary --format csv
bad "export: bad time" "--from: '2026-13-01' is not a time" export --rotation primary --from 2026-13-01
bad "export: empty range" "--to must be after --from" export --rotation primary --from 2026-02-01T00:00:00Z --to 2026-01-01T00:00:00Z
bad "export: long range" "the range is longer than 3660 days" export --rotation primary --from 2026-01-01T00:00:00Z --to 2040-01-01T00:00:00Z
# a configuration error is a configuration error, with its position
sed 's/participants: \[alice, bob\]/participants: [alice, dave]/' "$T/sw.yaml" >"$T/bad.yaml"
rc=0
out=$("$STACKWARD" oncall -c "$T/bad.yaml" 2>&1) || rc=$?
assert_eq "bad config: exit" 2 "$rc"
assert_eq "bad config: message" "$T/bad.yaml:20:27: unknown engineer 'dave' (not defined under 'engineers')" "$out"
finish
