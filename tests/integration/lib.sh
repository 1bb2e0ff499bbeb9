# lib.sh: what the integration tests share. Each test sources it, gets a temporary
# directory ($T), starts the real daemon on 127.0.0.1 with a free port, and talks to it with
# curl, jq, sqlite3 and the stackward CLI. Everything started is stopped on exit.
set -eu
: "${STACKWARD:?set STACKWARD to the stackward binary}"
: "${SW_SRC:?set SW_SRC to the source directory}"
SW_TARGET=${SW_TARGET:-$(dirname "$STACKWARD")/sw-demo-target}
PLUGINS=/usr/lib/nagios/plugins
T=$(mktemp -d /tmp/sw-it.XXXXXX)
PIDS=""
FAILS=0
CHECKS=0

cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "$FAILS" -eq 0 ]; then rm -rf "$T"; else echo "kept $T for inspection" >&2; fi
}
trap cleanup EXIT INT TERM

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
ok() { CHECKS=$((CHECKS + 1)); }

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
    if [ "$2" = "$3" ]; then ok; else fail "$1: expected [$2], got [$3]"; fi
}
# assert_match WHAT REGEX ACTUAL
assert_match() {
    if printf '%s' "$3" | grep -Eq -- "$2"; then ok; else fail "$1: [$3] does not match /$2/"; fi
}

# free_port: a TCP port nothing listens on now, below the kernel's ephemeral range (32768
# up), where outgoing connections would otherwise take it between this check and the bind.
free_port() {
    while :; do
        p=$(( (RANDOM % 12000) + 20000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
}

# start_target: the demo target on free ports; sets TPORT (http), TLSPORT, TCPPORT.
start_target() {
    TPORT=$(free_port); TLSPORT=$(free_port); TCPPORT=$(free_port)
    "$SW_TARGET" --listen "127.0.0.1:$TPORT" --tls-listen "127.0.0.1:$TLSPORT" \
        --tcp-listen "127.0.0.1:$TCPPORT" --cert-days 5 --cert-out "$T/cert.pem" \
        >"$T/target.log" 2>&1 &
    PIDS="$PIDS $!"
    for _ in $(seq 100); do
        curl -fs "http://127.0.0.1:$TPORT/healthy" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "the demo target did not start" >&2; cat "$T/target.log" >&2; exit 1
}

# start_daemon CONFIG: runs stackward serve, waits for /healthz; sets PID, PORT, API. A port
# taken in the meantime by someone else is given up for another one (three tries).
start_daemon() {
    for _try in 1 2 3; do
        PORT=${PORT:-$(free_port)}
        "$STACKWARD" serve -c "$1" --listen "127.0.0.1:$PORT" >>"$T/daemon.log" 2>&1 &
        PID=$!
        PIDS="$PIDS $PID"
        API="http://127.0.0.1:$PORT"
        for _ in $(seq 200); do
            curl -fs "$API/healthz" >/dev/null 2>&1 && return 0
            kill -0 "$PID" 2>/dev/null || break
            sleep 0.05
        done
        wait "$PID" 2>/dev/null || true
        grep -q "Address already in use" "$T/daemon.log" || break
        : >"$T/daemon.log"
        PORT=""
    done
    echo "the daemon did not start" >&2; cat "$T/daemon.log" >&2; exit 1
}

# stop_daemon: SIGTERM; the daemon must exit 0 with no sanitizer report in its log.
stop_daemon() {
    kill -TERM "$PID" 2>/dev/null || true
    rc=0
    wait "$PID" 2>/dev/null || rc=$?
    assert_eq "daemon exit status" 0 "$rc"
    if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' "$T/daemon.log"; then
        fail "sanitizer report in the daemon log"
        grep -E -A20 'AddressSanitizer|LeakSanitizer|runtime error' "$T/daemon.log" | head -60 >&2
    fi
}

# wait_for WHAT SECONDS COMMAND...: retries COMMAND until it succeeds.
wait_for() {
    what=$1; secs=$2; shift 2
    end=$(( $(date +%s) + secs ))
    while [ "$(date +%s)" -le "$end" ]; do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    fail "timed out after ${secs}s waiting for: $what"
    return 1
}

# check_field PATH FIELD: one field of a check from the API.
check_field() {
    curl -fs "$API/api/v1/checks/$1" | jq -r ".$2"
}
# check_is PATH FIELD VALUE: succeeds when the check's field has that value.
check_is() {
    [ "$(check_field "$1" "$2")" = "$3" ]
}

# http_status METHOD URL [BODY-FILE]: prints the HTTP status code.
http_status() {
    if [ $# -ge 3 ]; then
        curl -s -o "$T/body" -w '%{http_code}' -X "$1" --data-binary @"$3" "$2"
    else
        curl -s -o "$T/body" -w '%{http_code}' -X "$1" "$2"
    fi
}

finish() {
    echo "$CHECKS passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}
