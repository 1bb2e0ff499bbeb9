# keystone.sh: a real OpenStack Keystone (Identity API v3, Debian 12's python3-keystone) on
# 127.0.0.1 for the integration tests of the keystone probe. Sourced, not run. Keystone runs
# as root from a directory of its own (config, SQLite database in WAL mode, fernet and
# credential keys, log), without systemd, Apache or uwsgi: a few lines of Python serve its
# WSGI application with the standard library's wsgiref, one thread per request.
#
#   ks_start DIR PORT            install if missing, set up, start, wait for GET /v3; creates
#                                the admin user (DIR/admin.pass) and a user monitor (domain
#                                Default, DIR/monitor.pass, id in DIR/monitor.id) with the
#                                reader role on project admin (id in DIR/project.id)
#   ks_token DIR PORT            prints an admin token scoped to project admin
#   ks_add_endpoint DIR PORT TYPE INTERFACE REGION URL
#                                creates the service of that type if missing (named after it),
#                                the region if missing ("" for an endpoint without region),
#                                the endpoint; prints the endpoint id
#   ks_delete_endpoint DIR PORT ID
#   ks_app_cred DIR PORT NAME    creates an application credential NAME of user monitor;
#                                prints its id, writes its secret to DIR/NAME.secret
#   ks_stop DIR                  stops the server (TERM, then KILL after 5 s)
#
# Each prints what went wrong on stderr and returns 1 on failure. The server's pid is in
# DIR/keystone.pid (add it to lib.sh's PIDS so the test's cleanup kills it too; it is not a
# child of the calling shell, so `wait` does not wait for it), its log in
# DIR/keystone.log. Needs curl and jq. Uses /usr/bin/python3 explicitly: a python3 earlier
# in PATH (pyenv) does not see Debian's python3-keystone.

KS_PY=/usr/bin/python3
KS_MANAGE=/usr/bin/keystone-manage

ks__fail() {
    echo "keystone.sh: $*" >&2
    return 1
}

# ks__now: seconds since the epoch with a fraction (for timings).
ks__now() {
    date +%s.%N
}

# ks__since START: the seconds elapsed since START, one decimal.
ks__since() {
    awk -v a="$1" -v b="$(ks__now)" 'BEGIN { printf "%.1f", b - a }'
}

# ks__tail DIR: the end of Keystone's log, for a failure message.
ks__tail() {
    if [ -s "$1/keystone.log" ]; then
        echo "--- last lines of $1/keystone.log:" >&2
        tail -n 25 "$1/keystone.log" >&2
    fi
}

# ks_install: Debian's python3-keystone when missing. The package alone brings keystone-manage
# and the application and starts nothing (the "keystone" package would add a uwsgi service
# on port 5000, which we neither need nor want).
ks_install() {
    local t0 log=/tmp/keystone-apt.$$.log
    if [ -x "$KS_MANAGE" ] && [ -x "$KS_PY" ] &&
        [ "$(dpkg-query -W -f '${Status}' python3-keystone 2>/dev/null)" = \
            "install ok installed" ]; then
        return 0
    fi
    t0=$(ks__now)
    echo "keystone.sh: installing python3-keystone (about 170 packages)" >&2
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        python3-keystone >"$log" 2>&1; then
        # Stale package lists are the usual reason; refresh them once.
        if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
            --no-install-recommends python3-keystone; } >>"$log" 2>&1; then
            tail -n 20 "$log" >&2
            ks__fail "apt-get install python3-keystone failed (log: $log)"
            return 1
        fi
    fi
    rm -f "$log"
    echo "keystone.sh: installed python3-keystone in $(ks__since "$t0") s" >&2
}

# ks__manage DIR STEP ARGS...: keystone-manage with DIR's config; output in DIR/manage.log.
ks__manage() {
    local dir=$1
    shift
    if ! "$KS_PY" "$KS_MANAGE" --config-file "$dir/keystone.conf" "$@" \
        >>"$dir/manage.log" 2>&1; then
        echo "--- last lines of $dir/manage.log:" >&2
        tail -n 25 "$dir/manage.log" >&2
        ks__fail "keystone-manage $1 failed"
        return 1
    fi
}

# ks__secret: 24 random letters and digits.
ks__secret() {
    local s=""
    while [ ${#s} -lt 24 ]; do
        s="$s$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
    done
    printf '%s' "${s:0:24}"
}

# ks__req DIR PORT METHOD PATH [BODY]: an API call with an admin token; prints the body.
# Fails on anything but 2xx, with the status and Keystone's message.
ks__req() {
    local dir=$1 port=$2 method=$3 path=$4 body=${5:-} token out code
    token=$(ks_token "$dir" "$port") || return 1
    out=$(mktemp)
    code=$(curl -s -o "$out" -w '%{http_code}' -X "$method" -m 30 \
        -H "X-Auth-Token: $token" -H 'Content-Type: application/json' \
        ${body:+--data-binary "$body"} "http://127.0.0.1:$port/v3$path") || code=000
    case $code in
    2??) cat "$out"; rm -f "$out"; return 0 ;;
    esac
    ks__fail "$method /v3$path: HTTP $code $(head -c 400 "$out")"
    rm -f "$out"
    return 1
}

# ks__login PORT BODY: POST /v3/auth/tokens; prints the X-Subject-Token header's value.
ks__login() {
    local port=$1 body=$2 hdr code token
    hdr=$(mktemp)
    code=$(curl -s -o /dev/null -D "$hdr" -w '%{http_code}' -m 30 \
        -H 'Content-Type: application/json' --data-binary "$body" \
        "http://127.0.0.1:$port/v3/auth/tokens") || code=000
    # Keystone writes X-Subject-Token; HTTP header names are case-insensitive anyway.
    token=$(grep -i '^x-subject-token:' "$hdr" | head -n 1 | cut -d: -f2- | tr -d ' \r')
    rm -f "$hdr"
    if [ "$code" != 201 ] || [ -z "$token" ]; then
        ks__fail "login on port $port: HTTP $code, no token"
        return 1
    fi
    printf '%s\n' "$token"
}

# ks__password_body USER PASSWORD: a password login scoped to project admin, all in Default.
ks__password_body() {
    jq -cn --arg u "$1" --arg p "$2" '{auth: {identity: {methods: ["password"],
        password: {user: {name: $u, domain: {id: "default"}, password: $p}}},
        scope: {project: {name: "admin", domain: {id: "default"}}}}}'
}

ks_token() {
    local dir=${1:?ks_token DIR PORT} port=${2:?ks_token DIR PORT} token
    [ -s "$dir/admin.pass" ] || { ks__fail "no $dir/admin.pass: was ks_start run?"; return 1; }
    # A token lasts an hour; one cached for 30 minutes spares a login per call.
    if [ -s "$dir/admin.token" ] && [ -n "$(find "$dir/admin.token" -mmin -30)" ]; then
        cat "$dir/admin.token"
        return 0
    fi
    token=$(ks__login "$port" "$(ks__password_body admin "$(cat "$dir/admin.pass")")") ||
        return 1
    printf '%s\n' "$token" >"$dir/admin.token"
    printf '%s\n' "$token"
}

# ks__conf DIR: keystone.conf. Low bcrypt rounds make logins fast (the default 12 costs a
# quarter of a second each); no cache, no message bus, nothing outside DIR.
ks__conf() {
    cat >"$1/keystone.conf" <<EOF
[DEFAULT]
log_file = $1/keystone.log
[database]
connection = sqlite:///$1/keystone.db
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $1/fernet-keys
[fernet_receipts]
key_repository = $1/fernet-keys
[credential]
key_repository = $1/credential-keys
[identity]
password_hash_rounds = 4
[cache]
enabled = false
[oslo_messaging_notifications]
driver = noop
EOF
}

# ks__serve_py DIR: the server. oslo.config parses sys.argv, so the arguments are taken
# out first.
ks__serve_py() {
    cat >"$1/serve.py" <<'EOF'
import socketserver
import sys
from wsgiref.simple_server import WSGIServer, make_server

conf, port = sys.argv[1], int(sys.argv[2])
sys.argv[1:] = []
from keystone.server.flask import core

app = core.initialize_application('public', config_files=[conf])


class Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


srv = make_server('127.0.0.1', port, app, server_class=Server)
print('keystone serving on 127.0.0.1:%d' % port, file=sys.stderr, flush=True)
srv.serve_forever()
EOF
}

ks_start() {
    local dir=${1:?ks_start DIR PORT} port=${2:?ks_start DIR PORT} t0 p1 p2 p3 pid i
    local out proj user role
    t0=$(ks__now)
    if ! command -v curl >/dev/null || ! command -v jq >/dev/null; then
        ks__fail "curl and jq are needed"
        return 1
    fi
    mkdir -p "$dir" || { ks__fail "cannot create $dir"; return 1; }
    dir=$(cd "$dir" && pwd)
    if [ -s "$dir/keystone.pid" ] && kill -0 "$(cat "$dir/keystone.pid")" 2>/dev/null; then
        ks__fail "a Keystone already runs from $dir (pid $(cat "$dir/keystone.pid"))"
        return 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        ks__fail "port $port on 127.0.0.1 is already taken"
        return 1
    fi
    ks_install || return 1
    t0=$(ks__now) # start-up alone, without the installation
    rm -rf "$dir/keystone.db" "$dir/keystone.db-wal" "$dir/keystone.db-shm" \
        "$dir/fernet-keys" "$dir/credential-keys" "$dir/admin.token" "$dir/manage.log"
    ks__conf "$dir"
    ks__serve_py "$dir"
    (umask 077 && ks__secret >"$dir/admin.pass" && ks__secret >"$dir/monitor.pass")

    # The key repositories do not need the database: set all three up at once.
    ks__manage "$dir" db_sync &
    p1=$!
    ks__manage "$dir" fernet_setup --keystone-user root --keystone-group root &
    p2=$!
    ks__manage "$dir" credential_setup --keystone-user root --keystone-group root &
    p3=$!
    wait "$p1" || return 1
    wait "$p2" || return 1
    wait "$p3" || return 1
    # WAL: the server's threads read while one writes, instead of "database is locked".
    "$KS_PY" -c 'import sqlite3, sys
m = sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL").fetchone()[0]
sys.exit(m != "wal")' "$dir/keystone.db" || { ks__fail "cannot switch $dir/keystone.db to WAL"; return 1; }
    ks__manage "$dir" bootstrap --bootstrap-password "$(cat "$dir/admin.pass")" \
        --bootstrap-username admin --bootstrap-project-name admin \
        --bootstrap-role-name admin --bootstrap-region-id RegionOne \
        --bootstrap-admin-url "http://127.0.0.1:$port/v3" \
        --bootstrap-internal-url "http://127.0.0.1:$port/v3" \
        --bootstrap-public-url "http://127.0.0.1:$port/v3" || return 1

    # Started from a subshell so it is not a child of the caller: a bare `wait` in the test
    # would otherwise wait for Keystone for ever.
    rm -f "$dir/keystone.pid"
    (
        "$KS_PY" "$dir/serve.py" "$dir/keystone.conf" "$port" </dev/null \
            >>"$dir/keystone.log" 2>&1 &
        echo $! >"$dir/keystone.pid"
    )
    pid=$(cat "$dir/keystone.pid")
    for i in $(seq 600); do
        curl -fs -m 2 -o /dev/null "http://127.0.0.1:$port/v3" && break
        if ! kill -0 "$pid" 2>/dev/null; then
            ks__tail "$dir"
            rm -f "$dir/keystone.pid"
            ks__fail "Keystone exited at start-up"
            return 1
        fi
        [ "$i" = 600 ] && { ks__tail "$dir"; ks__fail "no answer to GET /v3 after 60 s"; return 1; }
        sleep 0.1
    done

    out=$(ks__req "$dir" "$port" GET "/projects?name=admin") || return 1
    proj=$(jq -r '.projects[0].id // empty' <<<"$out")
    out=$(ks__req "$dir" "$port" GET "/roles?name=reader") || return 1
    role=$(jq -r '.roles[0].id // empty' <<<"$out")
    if [ -z "$proj" ] || [ -z "$role" ]; then
        ks__fail "bootstrap left no project admin or no role reader"
        return 1
    fi
    out=$(ks__req "$dir" "$port" POST /users "$(jq -cn --arg p "$(cat "$dir/monitor.pass")" \
        '{user: {name: "monitor", domain_id: "default", password: $p, enabled: true}}')") ||
        return 1
    user=$(jq -r .user.id <<<"$out")
    ks__req "$dir" "$port" PUT "/projects/$proj/users/$user/roles/$role" >/dev/null || return 1
    echo "$proj" >"$dir/project.id"
    echo "$user" >"$dir/monitor.id"
    echo "keystone.sh: Keystone up on http://127.0.0.1:$port/v3 (pid $pid) after $(ks__since "$t0") s" >&2
}

ks_add_endpoint() {
    local dir=${1:?} port=${2:?} type=${3:?} iface=${4:?} region=${5?} url=${6?} out svc body
    out=$(ks__req "$dir" "$port" GET "/services?type=$type") || return 1
    svc=$(jq -r '.services[0].id // empty' <<<"$out")
    if [ -z "$svc" ]; then
        out=$(ks__req "$dir" "$port" POST /services "$(jq -cn --arg t "$type" \
            '{service: {type: $t, name: $t, enabled: true}}')") || return 1
        svc=$(jq -r .service.id <<<"$out")
    fi
    # Keystone refuses an endpoint in a region it does not know.
    if [ -n "$region" ] && ! ks__req "$dir" "$port" GET "/regions/$region" >/dev/null 2>&1; then
        ks__req "$dir" "$port" POST /regions "$(jq -cn --arg r "$region" \
            '{region: {id: $r}}')" >/dev/null || return 1
    fi
    body=$(jq -cn --arg s "$svc" --arg i "$iface" --arg r "$region" --arg u "$url" \
        '{endpoint: ({service_id: $s, interface: $i, url: $u, enabled: true}
          + (if $r == "" then {} else {region_id: $r} end))}')
    out=$(ks__req "$dir" "$port" POST /endpoints "$body") || return 1
    jq -r .endpoint.id <<<"$out"
}

ks_delete_endpoint() {
    ks__req "${1:?}" "${2:?}" DELETE "/endpoints/${3:?}" >/dev/null
}

ks_app_cred() {
    local dir=${1:?} port=${2:?} name=${3:?} token out code
    # Keystone lets only the owner create one: log in as monitor.
    token=$(ks__login "$port" "$(ks__password_body monitor "$(cat "$dir/monitor.pass")")") ||
        return 1
    out=$(mktemp)
    code=$(curl -s -o "$out" -w '%{http_code}' -m 30 -H "X-Auth-Token: $token" \
        -H 'Content-Type: application/json' \
        --data-binary "$(jq -cn --arg n "$name" '{application_credential: {name: $n}}')" \
        "http://127.0.0.1:$port/v3/users/$(cat "$dir/monitor.id")/application_credentials") ||
        code=000
    if [ "$code" != 201 ]; then
        ks__fail "creating application credential $name: HTTP $code $(head -c 400 "$out")"
        rm -f "$out"
        return 1
    fi
    (umask 077 && jq -j .application_credential.secret "$out" >"$dir/$name.secret")
    jq -r .application_credential.id "$out"
    rm -f "$out"
}

ks_stop() {
    local dir=${1:?ks_stop DIR} pid i
    [ -s "$dir/keystone.pid" ] || return 0
    pid=$(cat "$dir/keystone.pid")
    kill -TERM "$pid" 2>/dev/null || { rm -f "$dir/keystone.pid"; return 0; }
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$dir/keystone.pid"
}
