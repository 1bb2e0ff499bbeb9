#!/bin/bash
# pgtmp.sh: a throwaway PostgreSQL 15 for tests, on loopback only.
#
#   tests/pgtmp.sh [--port N] -- COMMAND ARGS...
#       Makes a new cluster in a fresh temporary directory, starts it, creates the database
#       "stackward", runs COMMAND with the variables below set, then stops the server and
#       removes the directory, always (also when COMMAND fails, on SIGINT and SIGTERM).
#       Exits with COMMAND's status; 99 (meson's "hard error") when PostgreSQL could not be
#       set up, with the tail of the server log on stderr.
#   tests/pgtmp.sh [--port N] --start DIR
#       The same cluster in DIR (created; it must not exist or be empty), started in the
#       background, left running: prints the URI (SW_TEST_PG) on stdout and writes the
#       variables below to DIR/env, to be sourced (`. DIR/env`).
#   tests/pgtmp.sh --stop DIR
#       Stops the server started with --start DIR and removes DIR.
#
# The server listens on 127.0.0.1 and on a unix socket in the directory, on a free port (or
# --port N), superuser "postgres", fsync on, max_connections=300, collation C.UTF-8 (C where
# that locale is missing). The binaries: /usr/lib/postgresql/15/bin, or $SW_TEST_PG_BIN. Trust
# authentication, except for the members of the role sw_password_auth (made here, NOLOGIN):
# they must give their password (scram-sha-256), for tests of password handling
# (CREATE ROLE x LOGIN PASSWORD '...' IN ROLE sw_password_auth).
# Every setting, the port included, is in the cluster's postgresql.conf, so a plain restart
# keeps them. COMMAND sees:
#   SW_TEST_PG       postgresql://postgres@127.0.0.1:PORT/stackward
#   SW_TEST_PG_DATA  the data directory          SW_TEST_PG_BIN  /usr/lib/postgresql/15/bin
#   SW_TEST_PG_PORT  the port                    SW_TEST_PG_LOG  the server log (append to it)
#   SW_TEST_PG_SOCKET  the directory of the unix socket
#
# A test that stops, starts or restarts the server (a fault test) does it with pg_ctl on the
# same data directory; PostgreSQL refuses to run as root, so as root prefix it with
# `runuser -u postgres --`, and always give -l so the server never writes to the test's
# own stdout (which would keep the test's pipe open):
#   runuser -u postgres -- "$SW_TEST_PG_BIN/pg_ctl" -D "$SW_TEST_PG_DATA" -l "$SW_TEST_PG_LOG" \
#       -w -t 30 -m fast restart            (or: -m fast stop, then: -w -t 30 start)
# The port stays the same. What is left running at the end is stopped by this script.
#
# Root: the server runs as user "postgres" (made by the package postgresql-15) and the
# directory belongs to it. Otherwise it runs as the calling user.
set -u

PG_BIN=${SW_TEST_PG_BIN:-/usr/lib/postgresql/15/bin}
SETUP_FAILED=99

die() {
    echo "pgtmp: $*" >&2
    exit "$SETUP_FAILED"
}

usage() {
    echo "usage: pgtmp.sh [--port N] -- COMMAND ARGS... | [--port N] --start DIR | --stop DIR" >&2
    exit 2
}

# as_pg CMD...: runs CMD as the user the server runs as.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# free_port: a TCP port nothing listens on now, below the kernel's ephemeral range (32768
# up), where outgoing connections would otherwise take it between this check and the bind.
free_port() {
    local p
    while :; do
        p=$(((RANDOM % 12000) + 20000))
        if ! port_busy "$p"; then
            echo "$p"
            return
        fi
    done
}

log_tail() {
    if [ -f "$DIR/server.log" ]; then
        echo "pgtmp: last lines of $DIR/server.log:" >&2
        tail -n 25 "$DIR/server.log" | sed 's/^/    /' >&2
    fi
}

# make_cluster: initdb into $DIR/data and writes the settings. --no-sync: nothing of a
# throwaway cluster needs to survive a crash of the machine; the server itself runs with
# fsync on, as in production.
make_cluster() {
    local locale=C
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
        locale=C.UTF-8
    fi
    [ -x "$PG_BIN/initdb" ] || die "$PG_BIN/initdb not found: install postgresql-15"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "no user postgres to run the server as (install postgresql-15)"
        chown postgres: "$DIR" || die "cannot give $DIR to user postgres"
    fi
    chmod 700 "$DIR"
    # the log is the server's: a restart by a test (as postgres, with pg_ctl -l) appends to it
    : >"$DIR/server.log"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$DIR/server.log"
    fi
    if ! as_pg "$PG_BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 \
        --locale="$locale" --no-sync --no-instructions >"$DIR/initdb.log" 2>&1; then
        echo "pgtmp: initdb failed:" >&2
        sed 's/^/    /' "$DIR/initdb.log" >&2
        exit "$SETUP_FAILED"
    fi
    # first match wins: members of sw_password_auth give their password, everyone else is
    # trusted
    {
        echo "# pgtmp.sh: a test of password handling makes a role IN ROLE sw_password_auth"
        echo "local all +sw_password_auth scram-sha-256"
        echo "host all +sw_password_auth 127.0.0.1/32 scram-sha-256"
        cat "$DIR/data/pg_hba.conf"
    } >"$DIR/pg_hba.conf" && cat "$DIR/pg_hba.conf" >"$DIR/data/pg_hba.conf" && rm "$DIR/pg_hba.conf"
    cat >>"$DIR/data/postgresql.conf" <<EOF
# pgtmp.sh: a throwaway test cluster
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
fsync = on
max_connections = 300
logging_collector = off
EOF
}

set_port() {
    sed -i "s/^port = .*/port = $1/" "$DIR/data/postgresql.conf"
    PORT=$1
}

# wait_ready PID: until the server accepts connections, at most 30 s: first on the socket in
# its own directory (so it is this server that answers, not another one on the port), then
# on 127.0.0.1:PORT. PID (may be empty): the server process, when we started it ourselves.
wait_ready() {
    for _ in $(seq 300); do
        if "$PG_BIN/pg_isready" -q -h "$DIR" -p "$PORT" -U postgres -d postgres -t 1 &&
            "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -t 1; then
            return 0
        fi
        if [ -n "$1" ] && ! kill -0 "$1" 2>/dev/null; then
            return 1
        fi
        sleep 0.1
    done
    return 1
}

port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_taken() {
    grep -q 'could not bind\|Address already in use\|could not create any TCP/IP sockets' \
        "$DIR/server.log" 2>/dev/null
}

create_db() {
    { "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres stackward &&
        "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d stackward \
            -c "CREATE ROLE sw_password_auth NOLOGIN"; } >"$DIR/createdb.log" 2>&1 || {
        echo "pgtmp: creating database stackward failed:" >&2
        sed 's/^/    /' "$DIR/createdb.log" >&2
        return 1
    }
}

export_env() {
    export SW_TEST_PG="postgresql://postgres@127.0.0.1:$PORT/stackward"
    export SW_TEST_PG_DATA="$DIR/data"
    export SW_TEST_PG_BIN="$PG_BIN"
    export SW_TEST_PG_PORT="$PORT"
    export SW_TEST_PG_LOG="$DIR/server.log"
    export SW_TEST_PG_SOCKET="$DIR"
}

stop_server() {
    if [ -f "$DIR/data/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate -w -t 10 stop >/dev/null 2>&1
    fi
}

# ---- arguments ----
FORCED_PORT=""
MODE=""
DIR=""
while [ $# -gt 0 ]; do
    case $1 in
    --port)
        [ $# -ge 2 ] || usage
        case $2 in '' | *[!0-9]*) die "--port: \"$2\" is not a port number" ;; esac
        if [ "$2" -lt 1 ] || [ "$2" -gt 65535 ]; then
            die "--port: $2 is out of range (1..65535)"
        fi
        FORCED_PORT=$2
        shift 2
        ;;
    --start | --stop)
        [ $# -eq 2 ] || usage
        MODE=${1#--}
        DIR=$2
        shift 2
        ;;
    --)
        shift
        [ $# -ge 1 ] || usage
        MODE=run
        break
        ;;
    *) usage ;;
    esac
done
[ -n "$MODE" ] || usage

# ---- --stop DIR ----
if [ "$MODE" = stop ]; then
    [ -d "$DIR/data" ] || die "--stop: $DIR has no cluster (no $DIR/data)"
    stop_server
    rm -rf "$DIR"
    exit 0
fi

if [ -n "$FORCED_PORT" ] && port_busy "$FORCED_PORT"; then
    die "--port $FORCED_PORT: something already listens on 127.0.0.1:$FORCED_PORT"
fi
PORT=${FORCED_PORT:-$(free_port)}

# ---- --start DIR: a server left running (pg_ctl detaches it) ----
if [ "$MODE" = start ]; then
    if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
        die "--start: $DIR exists and is not empty"
    fi
    mkdir -p "$DIR" || die "--start: cannot create $DIR"
    DIR=$(cd "$DIR" && pwd)
    make_cluster
    for try in 1 2 3; do
        if as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 start \
            >/dev/null 2>&1 && wait_ready ""; then
            break
        fi
        stop_server
        if [ -z "$FORCED_PORT" ] && [ "$try" -lt 3 ] && port_taken; then
            set_port "$(free_port)"
            continue
        fi
        echo "pgtmp: PostgreSQL did not start on 127.0.0.1:$PORT" >&2
        log_tail
        exit "$SETUP_FAILED"
    done
    create_db || {
        stop_server
        exit "$SETUP_FAILED"
    }
    export_env
    for v in SW_TEST_PG SW_TEST_PG_DATA SW_TEST_PG_BIN SW_TEST_PG_PORT SW_TEST_PG_LOG \
        SW_TEST_PG_SOCKET; do
        printf "export %s='%s'\n" "$v" "${!v}"
    done >"$DIR/env"
    echo "$SW_TEST_PG"
    exit 0
fi

# ---- -- COMMAND: everything removed at the end, whatever happens ----
DIR=$(mktemp -d /tmp/sw-pg.XXXXXX) || die "cannot make a temporary directory"
SERVER=""
CHILD=""
# shellcheck disable=SC2317 # run by the traps
cleanup() {
    trap - EXIT INT TERM
    stop_server
    if [ -n "$SERVER" ]; then
        wait "$SERVER" 2>/dev/null
    fi
    rm -rf "$DIR"
}
# shellcheck disable=SC2317 # run by the traps
on_signal() {
    # the command may be in the same process group and have had the signal too; if not,
    # pass it on, then stop the server
    if [ -n "$CHILD" ]; then
        kill "-$1" "$CHILD" 2>/dev/null
        wait "$CHILD" 2>/dev/null
    fi
    cleanup
    exit "$2"
}
trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM

make_cluster
# The server is a child of this script, in its process group (not detached by pg_ctl), so
# even a SIGKILL of the group (meson's last resort at a timeout) takes it down. setpriv, not
# runuser: it execs the server rather than staying in between.
for try in 1 2 3; do
    if [ "$(id -u)" -eq 0 ]; then
        setpriv --reuid=postgres --regid=postgres --init-groups -- \
            "$PG_BIN/postgres" -D "$DIR/data" </dev/null >>"$DIR/server.log" 2>&1 &
    else
        "$PG_BIN/postgres" -D "$DIR/data" </dev/null >>"$DIR/server.log" 2>&1 &
    fi
    SERVER=$!
    if wait_ready "$SERVER"; then
        break
    fi
    stop_server
    kill "$SERVER" 2>/dev/null
    wait "$SERVER" 2>/dev/null
    SERVER=""
    if [ -z "$FORCED_PORT" ] && [ "$try" -lt 3 ] && port_taken; then
        set_port "$(free_port)"
        continue
    fi
    echo "pgtmp: PostgreSQL did not start on 127.0.0.1:$PORT" >&2
    log_tail
    exit "$SETUP_FAILED"
done
create_db || {
    log_tail
    exit "$SETUP_FAILED"
}
export_env

# In the background so that a signal reaches the traps at once (bash runs a trap only after
# a foreground command ends); stdin given explicitly, as a background command would get
# /dev/null.
"$@" <&0 &
CHILD=$!
wait "$CHILD"
status=$?
CHILD=""
exit "$status"
