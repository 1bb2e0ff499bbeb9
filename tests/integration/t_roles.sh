#!/bin/bash
# t_roles.sh: accounts and roles in the real daemon. Before any token exists only loopback
# clients are answered (the daemon listens on 0.0.0.0 and is asked from another address of
# this machine). Tokens made with `stackward token create`, one per role; then a table, kept
# below as data ("ROLE METHOD PATH STATUS"), of what each role (admin, engineer, viewer, a
# customer, no credential, a bad token) gets from each route and page; a customer's lists hold
# its own objects only. Revocation takes effect at once, for sessions too; web sign-in gives
# an HttpOnly, SameSite=Strict cookie whose state-changing requests need the page's
# anti-forgery token. No token secret appears in any response, the log or the database. Bad
# requests get the right status. Every response is kept in $T/resp for the leak check.
. "$(dirname "$0")/lib.sh"
cat >"$T/sw.yaml" <<YAML
database: $T/sw.db
max_request_body: 2048
engineers:
  - {id: alice}
  - {id: boss}
escalation_policies:
  - {id: default, steps: [{notify: {engineer: alice}, wait: 1h}]}
contracts:
  - id: gold
    timezone: UTC
    objectives: [{services: ["*/*"], target: 99.9}]
customers:
  - id: acme
    contract: gold
    escalation: default
    status_page: {public: true}
    deployments:
      - id: fra1
        services: [{id: api, checks: [{id: push, type: passive, max_attempts: 1}]}]
  - id: globex
    contract: gold
    escalation: default
    deployments:
      - id: ams
        services: [{id: web, checks: [{id: push, type: passive, max_attempts: 1}]}]
YAML
tok() { "$STACKWARD" token "$1" -c "$T/sw.yaml" "${@:2}"; }
mkdir "$T/resp"
# http METHOD PATH [CURL-ARGS...]: prints the status; the response's headers and body are kept
# in $T/resp (for the leak check) and copied to $T/h and $T/b.
http() {
    local m=$1 p=$2 f
    shift 2
    f=$(mktemp -u "$T/resp/XXXXXXXX")
    curl -s --noproxy '*' -X "$m" -D "$f.h" -o "$f.b" -w '%{http_code}' "$@" "$API$p" || true
    touch "$f.h" "$f.b"
    cp "$f.h" "$T/h"
    cp "$f.b" "$T/b"
}
# header NAME: the value of that header of the last response ($T/h), CR dropped.
header() { grep -i "^$1:" "$T/h" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
errcode() { jq -r .error.code "$T/b" 2>/dev/null || echo "(not JSON)"; }

# --- 1. before any token: loopback clients only ---
# Another address of this machine, to be a client that is not on loopback.
EXT=$(ip -4 -o addr show scope global 2>/dev/null | awk '{split($4, a, "/"); print a[1]; exit}' || true)
if [ -z "$EXT" ]; then
    EXT=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' | grep -v '^127\.' | head -1 || true)
fi
PORT=$(free_port)
"$STACKWARD" serve -c "$T/sw.yaml" --listen "0.0.0.0:$PORT" >>"$T/daemon.log" 2>&1 &
PID=$!
PIDS="$PIDS $PID"
API="http://127.0.0.1:$PORT"
wait_for "the daemon on 0.0.0.0:$PORT" 10 curl -fs "$API/healthz" || { cat "$T/daemon.log" >&2; exit 1; }
assert_eq "no token yet: loopback is answered" 200 "$(http GET /api/v1/services)"
assert_eq "no token yet: the services" "acme/fra1/api globex/ams/web" "$(jq -r '[.[].path] | join(" ")' "$T/b")"
# ...but not a page of another site that a browser on this machine runs
RES='{"check": "acme/fra1/api/push", "state": "OK"}'
assert_eq "no token yet: another site's POST (Origin)" 403 \
    "$(http POST /api/v1/results -H 'Origin: http://evil.example' -H 'Content-Type: text/plain' --data-binary "$RES")"
assert_eq "no token yet: another site's POST (Sec-Fetch-Site)" 403 \
    "$(http POST /api/v1/results -H 'Sec-Fetch-Site: cross-site' --data-binary "$RES")"
assert_eq "no token yet: a rebound name (Host)" 403 "$(http GET /api/v1/services -H 'Host: evil.example')"
assert_eq "no token yet: this site's own POST" 200 \
    "$(http POST /api/v1/results -H "Origin: http://127.0.0.1:$PORT" -H 'Sec-Fetch-Site: same-origin' --data-binary "$RES")"
assert_eq "no token yet: localhost is this machine" 200 "$(http GET /api/v1/services -H "Host: localhost:$PORT")"
if [ -n "$EXT" ]; then
    LOCAL_API=$API
    API="http://$EXT:$PORT"
    assert_eq "no token yet: $EXT is refused" 403 "$(http GET /api/v1/services)"
    assert_eq "no token yet: refusal code" forbidden "$(errcode)"
    assert_match "no token yet: the refusal says what to do" "stackward token create" "$(jq -r .error.message "$T/b")"
    assert_eq "no token yet: a page from $EXT is refused" 403 "$(http GET /)"
    assert_eq "no token yet: /healthz from $EXT" 200 "$(http GET /healthz)"
    API=$LOCAL_API
else
    echo "SKIP: this machine has no non-loopback IPv4 address: the 403 for a remote client is not tested" >&2
fi

# --- 2. tokens made with the CLI (while the daemon runs) ---
for r in boss:admin alice:engineer viewer:viewer; do
    rc=0
    tok create --name "${r%%:*}" --role "${r#*:}" >"$T/tok.${r%%:*}" 2>"$T/err" || rc=$?
    assert_eq "token create ${r%%:*}: exit" 0 "$rc"
done
rc=0; tok create --name acme-portal --role customer --customer acme >"$T/tok.acme" || rc=$?
assert_eq "token create acme-portal: exit" 0 "$rc"
rc=0; tok create --name globex-portal --role customer --customer globex >"$T/tok.globex" || rc=$?
assert_eq "token create globex-portal: exit" 0 "$rc"
for n in boss alice viewer acme globex; do
    assert_eq "token $n: one line" 1 "$(wc -l <"$T/tok.$n")"
    assert_match "token $n: the token alone" '^swt_[0-9a-f]{48}$' "$(cat "$T/tok.$n")"
done
assert_eq "tokens differ" 5 "$(cat "$T"/tok.* | sort -u | wc -l)"
rc=0; out=$(tok create --name alice --role viewer 2>"$T/err") || rc=$?
assert_eq "duplicate name: exit" 2 "$rc"
assert_eq "duplicate name: nothing printed" "" "$out"
assert_match "duplicate name: message" "a token named 'alice' is in force already" "$(cat "$T/err")"
rc=0; tok create --name x --role root >/dev/null 2>"$T/err" || rc=$?
assert_eq "bad role: exit" 2 "$rc"
assert_match "bad role: message" "bad role 'root'" "$(cat "$T/err")"
rc=0; tok create --name x --role customer >/dev/null 2>"$T/err" || rc=$?
assert_eq "customer without --customer: exit" 2 "$rc"
rc=0; tok create --name x --role customer --customer initech >/dev/null 2>"$T/err" || rc=$?
assert_eq "unknown customer: exit" 2 "$rc"
assert_match "unknown customer: message" "no customer 'initech'" "$(cat "$T/err")"
tok list --format json >"$T/list.json"
assert_eq "token list" "boss:admin:null alice:engineer:null viewer:viewer:null acme-portal:customer:acme globex-portal:customer:globex" \
    "$(jq -r '[.[] | "\(.name):\(.role):\(.customer)"] | join(" ")' "$T/list.json")"
assert_eq "token list: none revoked" "0 5" "$(jq '[.[] | select(.revoked != null)] | length' "$T/list.json") $(jq '[.[] | select(.created | test("^[0-9-]{10}T[0-9:]{8}Z$"))] | length' "$T/list.json")"
# a token in force: the remote client now needs one, and passes with one
if [ -n "$EXT" ]; then
    API="http://$EXT:$PORT"
    assert_eq "a token exists: $EXT without one" 401 "$(http GET /api/v1/services)"
    assert_eq "a token exists: $EXT with one" 200 "$(http GET /api/v1/services -H "Authorization: Bearer $(cat "$T/tok.viewer")")"
    API=$LOCAL_API
fi
assert_eq "a token exists: loopback without one" 401 "$(http GET /api/v1/services)"
stop_daemon

# --- 3. the table of roles ---
# two cases (CASE-1 of acme, CASE-2 of globex) and two incidents (INC-1 of acme, INC-2 of globex)
"$STACKWARD" case open -c "$T/sw.yaml" --customer acme --severity 3 --title "acme's case" --as alice >/dev/null
"$STACKWARD" case open -c "$T/sw.yaml" --customer globex --severity 3 --title "globex's case" --as alice >/dev/null
PORT=""
start_daemon "$T/sw.yaml"
BAD="swt_$(printf '0%.0s' $(seq 48))"
bearer() { printf 'Authorization: Bearer %s' "$(cat "$T/tok.$1")"; }
has_incident() { [ "$(curl -fs -H "$(bearer boss)" "$API/api/v1/incidents/$1" | jq -r .customer)" = "$2" ]; }
assert_eq "acme down" 200 "$(http POST /api/v1/results -H "$(bearer boss)" --data-binary '{"check": "acme/fra1/api/push", "state": "CRITICAL", "output": "down"}')"
wait_for "INC-1 of acme" 15 has_incident INC-1 acme
assert_eq "globex down" 200 "$(http POST /api/v1/results -H "$(bearer boss)" --data-binary '{"check": "globex/ams/web/push", "state": "CRITICAL", "output": "down"}')"
wait_for "INC-2 of globex" 15 has_incident INC-2 globex

# body_for PATH: the body each POST of the table sends (valid, so that the role decides).
body_for() {
    case $1 in
    /api/v1/results) echo '{"check": "acme/fra1/api/push", "state": "CRITICAL", "output": "still down"}' ;;
    /api/v1/integrations/alertmanager) echo '{"version": "4", "status": "firing", "alerts": []}' ;;
    /api/v1/incidents/*) echo '{}' ;;
    /api/v1/cases) echo '{"customer": "acme", "severity": 3, "title": "opened in the table"}' ;;
    /api/v1/maintenance) echo '{"scope": "acme/fra1", "start": "2030-01-01T00:00:00Z", "end": "2030-01-01T01:00:00Z", "reason": "roles"}' ;;
    *) echo '' ;;
    esac
}

# ROLE: admin (token boss), engineer (alice), viewer, customer-acme (acme-portal), none (no
# credential), bad (a well-formed token that does not exist). Pages are asked with the bearer
# token; without a credential they send the browser to /login.
TABLE='
# role          method path                                   status
admin           GET    /api/v1/customers                      200
admin           GET    /api/v1/services                       200
admin           GET    /api/v1/checks                         200
admin           GET    /api/v1/checks/acme/fra1/api/push      200
admin           GET    /api/v1/checks/globex/ams/web/push     200
admin           GET    /api/v1/incidents                      200
admin           GET    /api/v1/incidents/INC-2                200
admin           GET    /api/v1/cases                          200
admin           GET    /api/v1/cases/CASE-2                   200
admin           GET    /api/v1/health                         200
admin           GET    /metrics                               200
admin           GET    /api/v1/slo/alerts                     200
admin           GET    /api/v1/maintenance                    200
admin           GET    /api/v1/changes                        200
admin           GET    /api/v1/customers/acme/sla             200
admin           GET    /api/v1/customers/globex/sla           200
admin           GET    /api/v1/dashboard                      200
admin           POST   /api/v1/results                        200
admin           POST   /api/v1/integrations/alertmanager      200
admin           POST   /api/v1/incidents/INC-1/ack            200
admin           POST   /api/v1/cases                          201
admin           POST   /api/v1/maintenance                    201
admin           POST   /api/v1/reload                         200
admin           GET    /                                      200
admin           GET    /customers/acme                        200
admin           GET    /customers/globex                      200
admin           GET    /status/acme                           200
admin           GET    /status/globex                         200
admin           GET    /incidents                             200
admin           GET    /oncall                                200
admin           GET    /health                                200

engineer        GET    /api/v1/customers                      200
engineer        GET    /api/v1/services                       200
engineer        GET    /api/v1/checks                         200
engineer        GET    /api/v1/checks/acme/fra1/api/push      200
engineer        GET    /api/v1/checks/globex/ams/web/push     200
engineer        GET    /api/v1/incidents                      200
engineer        GET    /api/v1/incidents/INC-2                200
engineer        GET    /api/v1/cases                          200
engineer        GET    /api/v1/cases/CASE-2                   200
engineer        GET    /api/v1/health                         200
engineer        GET    /metrics                               200
engineer        GET    /api/v1/slo/alerts                     200
engineer        GET    /api/v1/maintenance                    200
engineer        GET    /api/v1/changes                        200
engineer        GET    /api/v1/customers/acme/sla             200
engineer        GET    /api/v1/customers/globex/sla           200
engineer        GET    /api/v1/dashboard                      200
engineer        POST   /api/v1/results                        200
engineer        POST   /api/v1/integrations/alertmanager      200
engineer        POST   /api/v1/incidents/INC-2/ack            200
engineer        POST   /api/v1/cases                          201
engineer        POST   /api/v1/maintenance                    201
engineer        POST   /api/v1/reload                         403
engineer        GET    /                                      200
engineer        GET    /customers/acme                        200
engineer        GET    /customers/globex                      200
engineer        GET    /status/acme                           200
engineer        GET    /status/globex                         200
engineer        GET    /incidents                             200
engineer        GET    /oncall                                200
engineer        GET    /health                                200

viewer          GET    /api/v1/customers                      200
viewer          GET    /api/v1/services                       200
viewer          GET    /api/v1/checks                         200
viewer          GET    /api/v1/checks/acme/fra1/api/push      200
viewer          GET    /api/v1/checks/globex/ams/web/push     200
viewer          GET    /api/v1/incidents                      200
viewer          GET    /api/v1/incidents/INC-2                200
viewer          GET    /api/v1/cases                          200
viewer          GET    /api/v1/cases/CASE-2                   200
viewer          GET    /api/v1/health                         200
viewer          GET    /metrics                               200
viewer          GET    /api/v1/slo/alerts                     200
viewer          GET    /api/v1/maintenance                    200
viewer          GET    /api/v1/changes                        200
viewer          GET    /api/v1/customers/acme/sla             200
viewer          GET    /api/v1/customers/globex/sla           200
viewer          GET    /api/v1/dashboard                      200
viewer          POST   /api/v1/results                        403
viewer          POST   /api/v1/integrations/alertmanager      403
viewer          POST   /api/v1/incidents/INC-1/ack            403
viewer          POST   /api/v1/cases                          403
viewer          POST   /api/v1/maintenance                    403
viewer          POST   /api/v1/reload                         403
viewer          GET    /                                      200
viewer          GET    /customers/acme                        200
viewer          GET    /customers/globex                      200
viewer          GET    /status/acme                           200
viewer          GET    /status/globex                         200
viewer          GET    /incidents                             200
viewer          GET    /oncall                                200
viewer          GET    /health                                200

customer-acme   GET    /api/v1/customers                      200
customer-acme   GET    /api/v1/services                       200
customer-acme   GET    /api/v1/checks                         200
customer-acme   GET    /api/v1/checks/acme/fra1/api/push      200
customer-acme   GET    /api/v1/checks/globex/ams/web/push     404
customer-acme   GET    /api/v1/incidents                      200
customer-acme   GET    /api/v1/incidents/INC-1                200
customer-acme   GET    /api/v1/incidents/INC-2                404
customer-acme   GET    /api/v1/cases                          200
customer-acme   GET    /api/v1/cases/CASE-1                   200
customer-acme   GET    /api/v1/cases/CASE-2                   404
customer-acme   GET    /api/v1/health                         403
customer-acme   GET    /metrics                               403
customer-acme   GET    /api/v1/slo/alerts                     403
customer-acme   GET    /api/v1/maintenance                    403
customer-acme   GET    /api/v1/changes                        403
customer-acme   GET    /api/v1/customers/acme/sla             200
customer-acme   GET    /api/v1/customers/globex/sla           404
customer-acme   GET    /api/v1/dashboard                      200
customer-acme   POST   /api/v1/results                        403
customer-acme   POST   /api/v1/integrations/alertmanager      403
customer-acme   POST   /api/v1/incidents/INC-1/ack            403
customer-acme   POST   /api/v1/cases                          201
customer-acme   POST   /api/v1/maintenance                    403
customer-acme   POST   /api/v1/reload                         403
customer-acme   GET    /                                      200
customer-acme   GET    /customers/acme                        200
customer-acme   GET    /customers/globex                      404
customer-acme   GET    /status/acme                           200
customer-acme   GET    /status/globex                         404
customer-acme   GET    /incidents                             200
customer-acme   GET    /oncall                                404
customer-acme   GET    /health                                404

customer-globex GET    /api/v1/checks/acme/fra1/api/push      404
customer-globex GET    /api/v1/cases/CASE-1                   404
customer-globex GET    /api/v1/customers/acme/sla             404
customer-globex GET    /customers/acme                        404

none            GET    /api/v1/customers                      401
none            GET    /api/v1/services                       401
none            GET    /api/v1/checks                         401
none            GET    /api/v1/checks/acme/fra1/api/push      401
none            GET    /api/v1/checks/globex/ams/web/push     401
none            GET    /api/v1/incidents                      401
none            GET    /api/v1/cases                          401
none            GET    /api/v1/health                         401
none            GET    /metrics                               401
none            GET    /api/v1/slo/alerts                     401
none            GET    /api/v1/maintenance                    401
none            GET    /api/v1/changes                        401
none            GET    /api/v1/customers/acme/sla             401
none            GET    /api/v1/customers/globex/sla           401
none            GET    /api/v1/dashboard                      401
none            POST   /api/v1/results                        401
none            POST   /api/v1/integrations/alertmanager      401
none            POST   /api/v1/incidents/INC-1/ack            401
none            POST   /api/v1/cases                          401
none            POST   /api/v1/maintenance                    401
none            POST   /api/v1/reload                         401
none            GET    /                                      303
none            GET    /customers/acme                        303
none            GET    /customers/globex                      303
none            GET    /status/acme                           200
none            GET    /status/globex                         303
none            GET    /incidents                             303
none            GET    /oncall                                303
none            GET    /health                                303
none            GET    /healthz                               200
none            GET    /login                                 200
none            GET    /static/app.css                        200

bad             GET    /api/v1/customers                      401
bad             GET    /api/v1/services                       401
bad             GET    /api/v1/checks                         401
bad             GET    /api/v1/checks/acme/fra1/api/push      401
bad             GET    /api/v1/checks/globex/ams/web/push     401
bad             GET    /api/v1/incidents                      401
bad             GET    /api/v1/cases                          401
bad             GET    /api/v1/health                         401
bad             GET    /metrics                               401
bad             GET    /api/v1/slo/alerts                     401
bad             GET    /api/v1/maintenance                    401
bad             GET    /api/v1/changes                        401
bad             GET    /api/v1/customers/acme/sla             401
bad             GET    /api/v1/customers/globex/sla           401
bad             GET    /api/v1/dashboard                      401
bad             POST   /api/v1/results                        401
bad             POST   /api/v1/integrations/alertmanager      401
bad             POST   /api/v1/incidents/INC-1/ack            401
bad             POST   /api/v1/cases                          401
bad             POST   /api/v1/maintenance                    401
bad             POST   /api/v1/reload                         401
bad             GET    /                                      303
bad             GET    /customers/acme                        303
bad             GET    /customers/globex                      303
bad             GET    /status/acme                           200
bad             GET    /status/globex                         303
bad             GET    /incidents                             303
bad             GET    /oncall                                303
bad             GET    /health                                303
bad             GET    /healthz                               200
'
# cred ROLE: the file of ROLE's token, or "" (none) or "-" (bad)
cred() {
    case $1 in
    admin) echo "$T/tok.boss" ;;
    engineer) echo "$T/tok.alice" ;;
    viewer) echo "$T/tok.viewer" ;;
    customer-acme) echo "$T/tok.acme" ;;
    customer-globex) echo "$T/tok.globex" ;;
    none) echo "" ;;
    bad) echo "-" ;;
    esac
}
rows=0
while read -r role method path want; do
    case $role in '' | '#'*) continue ;; esac
    rows=$((rows + 1))
    args=()
    c=$(cred "$role")
    if [ "$c" = - ]; then
        args=(-H "Authorization: Bearer $BAD")
    elif [ -n "$c" ]; then
        args=(-H "Authorization: Bearer $(cat "$c")")
    fi
    if [ "$method" = POST ]; then
        args+=(-H 'Content-Type: application/json' --data-binary "$(body_for "$path")")
    fi
    got=$(http "$method" "$path" "${args[@]}")
    assert_eq "$role $method $path" "$want" "$got"
    if [ "$got" != "$want" ]; then
        head -c 300 "$T/b" >&2
        echo >&2
        continue
    fi
    # the answer's form: JSON errors from the API, the sign-in redirect for pages
    case $path:$got in
    /api/*:401 | /metrics:401) assert_eq "$role $method $path: code" unauthorized "$(errcode)" ;;
    /api/*:403 | /metrics:403) assert_eq "$role $method $path: code" forbidden "$(errcode)" ;;
    /api/*:404) assert_eq "$role $method $path: code" not_found "$(errcode)" ;;
    *:303) assert_eq "$role $method $path: to the sign-in page" /login "$(header Location)" ;;
    esac
done <<<"$TABLE"
assert_eq "rows of the table" 192 "$rows"

# what the acks, cases and windows of the table did, and who did it
assert_eq "INC-1 acknowledged by the admin token's engineer" "acknowledged boss" \
    "$(curl -fs -H "$(bearer boss)" "$API/api/v1/incidents/INC-1" | jq -r '"\(.status) \(.acknowledged_by)"')"
assert_eq "INC-2 acknowledged by the engineer token" "acknowledged alice" \
    "$(curl -fs -H "$(bearer boss)" "$API/api/v1/incidents/INC-2" | jq -r '"\(.status) \(.acknowledged_by)"')"
assert_eq "cases opened in the table" "boss alice customer" \
    "$(curl -fs -H "$(bearer boss)" "$API/api/v1/cases" | jq -r '[.[] | select(.title == "opened in the table") | .opened_by] | reverse | join(" ")')"
assert_eq "windows added in the table" 2 \
    "$(curl -fs -H "$(bearer boss)" "$API/api/v1/maintenance" | jq '[.[] | select(.reason == "roles")] | length')"

# a customer's lists hold its own objects only; the team's hold both
ADMIN=(-H "$(bearer boss)")
assert_eq "admin: customers" "acme globex" "$(curl -fs -H "$(bearer boss)" "$API/api/v1/customers" | jq -r '[.[].id] | join(" ")')"
A="Authorization: Bearer $(cat "$T/tok.acme")"
assert_eq "acme: customers" acme "$(http GET /api/v1/customers -H "$A" >/dev/null; jq -r '[.[].id] | join(" ")' "$T/b")"
assert_eq "acme: services" acme/fra1/api "$(http GET /api/v1/services -H "$A" >/dev/null; jq -r '[.[].path] | join(" ")' "$T/b")"
assert_eq "acme: checks" acme/fra1/api/push "$(http GET /api/v1/checks -H "$A" >/dev/null; jq -r '[.[].path] | join(" ")' "$T/b")"
assert_eq "acme: incidents" "INC-1 acme" "$(http GET /api/v1/incidents -H "$A" >/dev/null; jq -r '[.[] | "\(.id) \(.customer)"] | join(" ")' "$T/b")"
# a customer sees its incident as its status page tells it: not who on the team acted, not the
# team's notes, not whom it paged
curl -fs -H "$(bearer boss)" -X POST "$API/api/v1/incidents/INC-1/note" -d '{"text": "internal: db host 10.0.0.7"}' >/dev/null
curl -fs -H "$(bearer boss)" -X POST "$API/api/v1/incidents/INC-1/note" -d '{"text": "We are on it.", "public": true}' >/dev/null
http GET /api/v1/incidents/INC-1 -H "$A" >/dev/null
assert_eq "acme: its incident without the team's side" "null null 0 0 false We are on it." \
    "$(jq -r '"\(.acknowledged_by) \(.escalation_policy) \([.notifications[]] | length) \([.timeline[] | select(.actor != null)] | length) \([.timeline[].kind] | index("note") != null) \([.timeline[] | select(.kind == "public-note") | .text] | join(""))"' "$T/b")"
assert_eq "acme: the list without the team's side" "null" \
    "$(http GET /api/v1/incidents -H "$A" >/dev/null; jq -r '.[0].acknowledged_by' "$T/b")"
assert_eq "the team still sees its own note" "true" \
    "$(http GET /api/v1/incidents/INC-1 -H "$(bearer boss)" >/dev/null; jq -r '[.timeline[].text] | index("internal: db host 10.0.0.7") != null' "$T/b")"
assert_eq "acme: cases" "acme" "$(http GET /api/v1/cases -H "$A" >/dev/null; jq -r '[.[].customer] | unique | join(" ")' "$T/b")"
assert_eq "acme: number of cases (CASE-1 and the table's three)" 4 "$(jq length "$T/b")"
assert_eq "acme: dashboard" "acme/fra1 INC-1" "$(http GET /api/v1/dashboard -H "$A" >/dev/null; jq -r '[(.cells | keys[]), (.open_incidents[].id)] | join(" ")' "$T/b")"
assert_eq "acme: ?customer=globex" 404 "$(http GET '/api/v1/services?customer=globex' -H "$A")"
assert_eq "acme: ?customer=globex on incidents" 404 "$(http GET '/api/v1/incidents?customer=globex' -H "$A")"
assert_eq "acme: its pages never name globex" 0 \
    "$(for p in / /customers/acme /incidents /status/acme; do http GET "$p" -H "$A" >/dev/null; cat "$T/b"; done | grep -ci globex || true)"
assert_eq "the public status page never names globex" "200 0" "$(http GET /status/acme) $(grep -ci globex "$T/b" || true)"
assert_eq "acme opens a case for globex" 400 \
    "$(http POST /api/v1/cases -H "$A" --data-binary '{"customer": "globex", "severity": 3, "title": "x"}')"
assert_eq "as if globex did not exist" "no customer 'globex'" "$(jq -r .error.message "$T/b")"
assert_eq "acme comments on its case" 200 "$(http POST /api/v1/cases/CASE-1/comment -H "$A" --data-binary '{"text": "any news?"}')"
assert_eq "acme comments on globex's case" 404 "$(http POST /api/v1/cases/CASE-2/comment -H "$A" --data-binary '{"text": "hi"}')"
# a customer opens and comments on its own cases; the rest of a case's work is the team's,
# refused as any role refusal is (403 forbidden), leaving the case as it was
case1() { curl -fs -H "$(bearer boss)" "$API/api/v1/cases/CASE-1" | jq -c '{status, assignee, ev: [.events[].kind]}'; }
before=$(case1)
for a in 'respond {"text": "x"}' 'comment {"text": "x", "internal": true}' 'status {"status": "closed"}' \
    'assign {"engineer": "alice"}'; do
    assert_eq "acme: case ${a%% *}" "403 forbidden" "$(http POST "/api/v1/cases/CASE-1/${a%% *}" -H "$A" --data-binary "${a#* }") $(errcode)"
done
assert_eq "acme's refused case work changed nothing" "$before" "$(case1)"
assert_eq "acme: ?customer=globex on cases" 404 "$(http GET '/api/v1/cases?customer=globex' -H "$A")"
assert_eq "admin: ?customer=globex on cases" "200 globex" \
    "$(http GET '/api/v1/cases?customer=globex' "${ADMIN[@]}") $(jq -r '[.[].customer] | unique | join(" ")' "$T/b")"
assert_eq "engineer: link a case to an incident" 200 \
    "$(http POST /api/v1/cases/CASE-1/link -H "$(bearer alice)" --data-binary '{"incident": "INC-1"}')"
assert_eq "an engineer token may not act as another engineer" 403 \
    "$(http POST /api/v1/incidents/INC-1/note -H "$(bearer alice)" --data-binary '{"as": "boss", "text": "x"}')"

# --- 4. revocation takes effect at once ---
V="Authorization: Bearer $(cat "$T/tok.viewer")"
assert_eq "viewer before revocation" 200 "$(http GET /api/v1/customers -H "$V")"
rc=0; tok revoke viewer || rc=$?
assert_eq "token revoke: exit" 0 "$rc"
assert_eq "revoked viewer" 401 "$(http GET /api/v1/customers -H "$V")"
assert_eq "revoked viewer: message" "unknown, revoked or expired credential" "$(jq -r .error.message "$T/b")"
assert_eq "revoked viewer: a page" 303 "$(http GET / -H "$V")"
assert_match "token list: viewer revoked" '^[0-9-]{10}T[0-9:]{8}Z$' "$(tok list --format json | jq -r '.[] | select(.name == "viewer") | .revoked')"
rc=0; tok revoke viewer 2>"$T/err" || rc=$?
assert_eq "revoke twice: exit" 2 "$rc"
assert_match "revoke twice: message" "no token named 'viewer' is in force" "$(cat "$T/err")"
# a stored token acts under its name, an engineer of the configuration or not
tok create --name ops-bot --role engineer >"$T/tok.ops-bot"
assert_eq "a stored token named after no engineer notes an incident" 200 \
    "$(http POST /api/v1/incidents/INC-1/note -H "$(bearer ops-bot)" --data-binary '{"text": "looking"}')"
assert_eq "the note says who" "ops-bot" "$(jq -r '[.timeline[] | select(.kind == "note")] | last | .actor' "$T/b")"
assert_eq "and it may not name someone else" 403 \
    "$(http POST /api/v1/incidents/INC-1/note -H "$(bearer ops-bot)" --data-binary '{"as": "nobody", "text": "x"}')"
# a session made with a token that is then revoked
tok create --name temp --role engineer >"$T/tok.temp"
assert_eq "sign in with temp" 303 "$(http POST /login --data-urlencode "token=$(cat "$T/tok.temp")")"
TSID=$(header Set-Cookie | sed -n 's/^sw_session=\([0-9a-f]*\);.*/\1/p')
assert_match "temp's session" '^[0-9a-f]{64}$' "$TSID"
assert_eq "temp's session works" 200 "$(http GET /api/v1/customers -b "sw_session=$TSID")"
assert_eq "temp's session: a page" 200 "$(http GET /oncall -b "sw_session=$TSID")"
tok revoke temp
assert_eq "temp's session after revocation" 401 "$(http GET /api/v1/customers -b "sw_session=$TSID")"
assert_eq "temp's session after revocation: a page" 303 "$(http GET /oncall -b "sw_session=$TSID")"

# --- 5. web sessions and CSRF ---
assert_eq "sign in with a bad token" 401 "$(http POST /login --data-urlencode "token=$BAD")"
assert_eq "sign in with a bad token: no cookie" "" "$(header Set-Cookie)"
assert_eq "sign in without a token" 401 "$(http POST /login -d 'x=1')"
assert_eq "sign in as a customer" "303 /customers/acme" "$(http POST /login --data-urlencode "token=$(cat "$T/tok.acme")") $(header Location)"
ASID=$(header Set-Cookie | sed -n 's/^sw_session=\([0-9a-f]*\);.*/\1/p')
assert_eq "sign in as alice" 303 "$(http POST /login --data-urlencode "token=$(cat "$T/tok.alice")")"
assert_eq "to the dashboard" / "$(header Location)"
cookie=$(header Set-Cookie)
assert_match "cookie: HttpOnly" '; HttpOnly(;|$)' "$cookie"
assert_match "cookie: SameSite=Strict" '; SameSite=Strict(;|$)' "$cookie"
assert_match "cookie: the whole site" '; Path=/(;|$)' "$cookie"
SID=$(sed -n 's/^sw_session=\([0-9a-f]*\);.*/\1/p' <<<"$cookie")
assert_match "cookie: a 256-bit random id" '^[0-9a-f]{64}$' "$SID"
S=(-b "sw_session=$SID")
assert_eq "the session's dashboard" 200 "$(http GET / "${S[@]}")"
CSRF=$(grep -o '<meta name="csrf-token" content="[0-9a-f]*"' "$T/b" | sed 's/.*content="\([0-9a-f]*\)"/\1/' || true)
assert_match "the page's anti-forgery token" '^[0-9a-f]{64}$' "$CSRF"
assert_eq "the same token on another page" "$CSRF" \
    "$(http GET /incidents "${S[@]}" >/dev/null; grep -o '<meta name="csrf-token" content="[0-9a-f]*"' "$T/b" | sed 's/.*content="\([0-9a-f]*\)"/\1/' || true)"
assert_eq "the public status page has no anti-forgery token" 0 "$(http GET /status/acme >/dev/null; grep -c csrf-token "$T/b" || true)"
assert_eq "a session reads the API" 200 "$(http GET /api/v1/incidents/INC-1 "${S[@]}")"
NOTE='{"text": "from the web"}'
assert_eq "a POST with the cookie, no X-CSRF-Token" 403 "$(http POST /api/v1/incidents/INC-1/note "${S[@]}" --data-binary "$NOTE")"
assert_eq "no X-CSRF-Token: code" csrf "$(errcode)"
assert_eq "a POST with the cookie, a wrong X-CSRF-Token" 403 \
    "$(http POST /api/v1/incidents/INC-1/note "${S[@]}" -H "X-CSRF-Token: $(printf '%s' "$CSRF" | tr 0-9a-f 1-9a-f0)" --data-binary "$NOTE")"
assert_eq "wrong X-CSRF-Token: code" csrf "$(errcode)"
assert_eq "a POST with the cookie, another session's X-CSRF-Token" 403 \
    "$(http GET /customers/acme -b "sw_session=$ASID" >/dev/null
       http POST /api/v1/incidents/INC-1/note "${S[@]}" -H "X-CSRF-Token: $(grep -o '<meta name="csrf-token" content="[0-9a-f]*"' "$T/b" | sed 's/.*content="\([0-9a-f]*\)"/\1/')" --data-binary "$NOTE")"
assert_eq "the refused notes were not written" 0 \
    "$(curl -fs -H "$(bearer boss)" "$API/api/v1/incidents/INC-1" | jq '[.timeline[] | select(.text == "from the web")] | length')"
assert_eq "a POST with the cookie and its X-CSRF-Token" 200 \
    "$(http POST /api/v1/incidents/INC-1/note "${S[@]}" -H "X-CSRF-Token: $CSRF" --data-binary "$NOTE")"
assert_eq "the note, by the session's engineer" "alice" \
    "$(curl -fs -H "$(bearer boss)" "$API/api/v1/incidents/INC-1" | jq -r '[.timeline[] | select(.text == "from the web") | .actor] | join(" ")')"
assert_eq "a customer's session may not act" 403 \
    "$(http POST /api/v1/incidents/INC-1/ack -b "sw_session=$ASID" -H "X-CSRF-Token: $CSRF" --data-binary '{}')"
assert_eq "sign out without the anti-forgery token" 403 "$(http POST /logout "${S[@]}" -d 'x=1')"
assert_eq "sign out without the anti-forgery token: code" csrf "$(errcode)"
assert_eq "still signed in" 200 "$(http GET /api/v1/customers "${S[@]}")"
assert_eq "sign out" 303 "$(http POST /logout "${S[@]}" --data-urlencode "csrf=$CSRF")"
assert_eq "sign out: to the sign-in page" /login "$(header Location)"
assert_match "sign out: the cookie cleared" '^sw_session=; .*Max-Age=0' "$(header Set-Cookie)"
assert_eq "the old cookie on the API" 401 "$(http GET /api/v1/customers "${S[@]}")"
assert_eq "the old cookie on a page" 303 "$(http GET / "${S[@]}")"
assert_eq "the old cookie and its token" 401 \
    "$(http POST /api/v1/incidents/INC-1/note "${S[@]}" -H "X-CSRF-Token: $CSRF" --data-binary "$NOTE")"
assert_eq "a made-up cookie" 401 "$(http GET /api/v1/customers -b "sw_session=$(printf 'a%.0s' $(seq 64))")"

# --- 7. bad input ---
B=(-H "$(bearer boss)")
assert_eq "unknown route" 404 "$(http GET /api/v1/nope "${B[@]}")"
assert_eq "unknown route: JSON" "not_found application/json" "$(errcode) $(header Content-Type)"
assert_eq "unknown route without a token" 404 "$(http GET /nope)"
assert_eq "wrong method" 405 "$(http DELETE /api/v1/customers "${B[@]}")"
assert_eq "wrong method: code and Allow" "method_not_allowed GET, HEAD" "$(errcode) $(header Allow)"
assert_eq "wrong method on results" "405 POST" "$(http PUT /api/v1/results "${B[@]}" --data-binary '{}') $(header Allow)"
head -c 3000 /dev/zero | tr '\0' ' ' >"$T/big"
assert_eq "oversized body" 413 "$(http POST /api/v1/results "${B[@]}" --data-binary @"$T/big")"
assert_eq "oversized body: code" payload_too_large "$(errcode)"
assert_eq "oversized body, chunked" 413 \
    "$(http POST /api/v1/results "${B[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$T/big")"
assert_eq "oversized sign-in form" 413 "$(http POST /login --data-binary @"$T/big")"
for id in INC-x INC- INC-0 INC-99999999999999999999 '%00' 'INC-1x'; do
    assert_eq "malformed incident id '$id'" 404 "$(http GET "/api/v1/incidents/$id" "${B[@]}")"
done
assert_eq "ack of a malformed incident id" 404 "$(http POST /api/v1/incidents/INC-zz/ack "${B[@]}" --data-binary '{}')"
for p in '/oncall?days=7' '/health?month=2026-11' '/incidents?status=triggered'; do
    assert_eq "a page's own parameter: $p" 200 "$(http GET "$p" "${B[@]}")"
done
assert_eq "the daemon still answers" 200 "$(http GET /healthz)"
stop_daemon

# --- 6. no secret anywhere: responses (headers and bodies), log, database ---
sqlite3 "$T/sw.db" .dump >"$T/dump.sql"
assert_match "the responses were kept" '^[0-9]{3,}$' "$(find "$T/resp" -name '*.h' | wc -l)"
tok list >"$T/list.txt"
for n in boss alice viewer acme globex temp; do
    s=$(cat "$T/tok.$n")
    assert_eq "token $n in no response" "" "$(grep -rlF "$s" "$T/resp" || true)"
    assert_eq "token $n in the log" 0 "$(grep -cF "$s" "$T/daemon.log" || true)"
    assert_eq "token $n in the database" 0 "$(grep -cF "$s" "$T/dump.sql" || true)"
    assert_eq "token $n in token list" 0 "$(grep -cF "$s" "$T/list.txt" || true)"
done
for sid in "$SID" "$TSID" "$ASID" "$CSRF"; do
    assert_eq "session secret ${sid:0:8}... in the log or database" 0 "$(cat "$T/daemon.log" "$T/dump.sql" | grep -cF "$sid" || true)"
done
finish
