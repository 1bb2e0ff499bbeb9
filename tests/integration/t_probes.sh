#!/bin/bash
# t_probes.sh: the real daemon against the demo target over HTTP, HTTPS and TCP, and Debian's
# real monitoring-plugins (one that hangs and is killed at its timeout, one that prints
# garbage), checked through the API and the CLI.
. "$(dirname "$0")/lib.sh"
start_target
CLOSED=$(free_port)
cat >"$T/hang.sh" <<'S'
#!/bin/sh
sleep 7301 &
sleep 7301
S
cat >"$T/garbage.sh" <<'S'
#!/bin/sh
printf '\001\002\377\376 not a plugin\n'
exit 0
S
cat >"$T/badexit.sh" <<'S'
#!/bin/sh
echo "something odd"
exit 42
S
chmod +x "$T"/*.sh
cat >"$T/sw.yaml" <<EOF
database: $T/sw.db
defaults: {interval: 1s, retry_interval: 1s, max_attempts: 2, timeout: 3s}
customers:
  - id: acme
    deployments:
      - id: fra1
        kind: openstack
        timezone: Europe/Berlin
        services:
          - id: identity
            aggregate: all
            checks:
              - {id: healthy, type: http, url: "http://127.0.0.1:$TPORT/healthy", expect_body: '"version"'}
              - {id: port, type: exec, command: [$PLUGINS/check_tcp, -H, 127.0.0.1, -p, "$TPORT"]}
          - id: broken
            aggregate: any
            checks:
              - {id: failing, type: http, url: "http://127.0.0.1:$TPORT/failing"}
              - {id: refused, type: tcp, host: 127.0.0.1, port: $CLOSED}
          - id: tls
            checks:
              - {id: cert, type: http, url: "https://127.0.0.1:$TLSPORT/healthy", ca_file: $T/cert.pem,
                 cert_warn_days: 21, cert_crit_days: 3}
          - id: misc
            aggregate: {quorum: 2}
            checks:
              - {id: ping, type: tcp, host: 127.0.0.1, port: $TCPPORT, send: "PING\r\n", expect: PONG}
              - {id: dummy, type: exec, command: [$PLUGINS/check_dummy, "1", "disk 85% full"]}
              - {id: hang, type: exec, command: [$T/hang.sh], timeout: 1s, max_attempts: 1}
              - {id: garbage, type: exec, command: [$T/garbage.sh], max_attempts: 1}
              - {id: badexit, type: exec, command: [$T/badexit.sh], max_attempts: 1}
EOF
"$STACKWARD" validate -c "$T/sw.yaml" >/dev/null
assert_eq "validate exit" 0 $?
start_daemon "$T/sw.yaml"
C=acme/fra1
wait_for "failing hard" 20 check_is $C/broken/failing hard true
wait_for "hang killed" 20 check_is $C/misc/hang state UNKNOWN
wait_for "dummy hard" 20 check_is $C/misc/dummy hard true
wait_for "healthy" 20 check_is $C/identity/healthy state OK
wait_for "port" 20 check_is $C/identity/port state OK
wait_for "cert" 20 check_is $C/tls/cert hard true
wait_for "ping" 20 check_is $C/misc/ping state OK
wait_for "garbage" 20 check_is $C/misc/garbage state UNKNOWN
wait_for "badexit" 20 check_is $C/misc/badexit state UNKNOWN

assert_eq "healthy state" OK "$(check_field $C/identity/healthy state)"
assert_match "healthy output" '^HTTP 200' "$(check_field $C/identity/healthy output)"
assert_eq "check_tcp plugin" OK "$(check_field $C/identity/port state)"
assert_match "check_tcp output" 'TCP OK' "$(check_field $C/identity/port output)"
assert_eq "failing state" CRITICAL "$(check_field $C/broken/failing state)"
assert_match "failing output" '503' "$(check_field $C/broken/failing output)"
assert_eq "refused state" CRITICAL "$(check_field $C/broken/refused state)"
assert_eq "cert state" WARNING "$(check_field $C/tls/cert state)"
assert_match "cert output" 'certificate expires in [45] days' "$(check_field $C/tls/cert output)"
assert_eq "ping" OK "$(check_field $C/misc/ping state)"
assert_eq "dummy" WARNING "$(check_field $C/misc/dummy state)"
assert_match "dummy output" 'disk 85% full' "$(check_field $C/misc/dummy output)"
assert_match "hang output" 'timed out after 1s' "$(check_field $C/misc/hang output)"
assert_match "garbage output" 'not text' "$(check_field $C/misc/garbage output)"
assert_match "badexit output" 'exited with code 42' "$(check_field $C/misc/badexit output)"
# services: all -> worst, any -> best, quorum 2 -> second best
svc() { curl -fs "$API/api/v1/services/$1" | jq -r .state; }
assert_eq "identity (all)" OK "$(svc $C/identity)"
assert_eq "broken (any)" CRITICAL "$(svc $C/broken)"
assert_eq "misc (quorum 2)" WARNING "$(svc $C/misc)"

# the CLI reads the same from the store
cli_failing() {
    "$STACKWARD" status -c "$T/sw.yaml" --format json |
        jq -e '.[0].deployments[0].services[1].checks[0].state == "CRITICAL"'
}
wait_for "store caught up" 10 cli_failing
js=$("$STACKWARD" status -c "$T/sw.yaml" --format json)
assert_eq "cli: customer" acme "$(echo "$js" | jq -r '.[0].id')"
assert_eq "cli: failing" CRITICAL "$(echo "$js" | jq -r '.[0].deployments[0].services[1].checks[0].state')"
table=$("$STACKWARD" status -c "$T/sw.yaml")
assert_match "cli table" 'failing +CRITICAL +hard' "$table"

# check run: one result now, exit 1 when not OK
out=$("$STACKWARD" check run -c "$T/sw.yaml" $C/broken/failing) && rc=0 || rc=$?
assert_eq "check run exit" 1 "$rc"
assert_match "check run output" '^acme/fra1/broken/failing CRITICAL: HTTP 503' "$out"
"$STACKWARD" check run -c "$T/sw.yaml" $C/identity/healthy >/dev/null && rc=0 || rc=$?
assert_eq "check run OK exit" 0 "$rc"

# metrics
m=$(curl -fs "$API/metrics")
assert_match "metrics runs" 'stackward_check_runs_total\{type="http"\} [1-9]' "$m"
assert_match "metrics lateness" 'stackward_schedule_lateness_seconds_count [1-9]' "$m"
assert_match "metrics by state" 'stackward_checks\{state="CRITICAL"\} 2' "$m"
stop_daemon
# every run of the hung plugin was killed at its timeout (or at the stop) with its whole
# process group: none of its `sleep 7301` children survives
sleep 0.5
assert_eq "hung plugin children killed" 0 "$(pgrep -f "^sleep 7301$" | wc -l)"
finish
