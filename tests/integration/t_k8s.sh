#!/bin/bash
# t_k8s.sh: `kubernetes` checks against k8s_server.py, a stand-in API server on HTTPS (Debian
# has no real one) serving tests/data/k8s: every readyz/livez item and node becomes a derived
# check of the check's service with exact state and output; failing reports make the check
# CRITICAL naming the failed items; a node gone is retired; a body that is not a verbose
# report, a wrong token, a certificate not trusted and a server down each give CRITICAL
# with the reason.
. "$(dirname "$0")/lib.sh"
K=$SW_SRC/tests/data/k8s
mkdir "$T/srv"

# serve READYZ LIVEZ NODES: the files the server answers with, swapped in at once
serve() {
    cp "$1" "$T/srv/readyz.txt.new" && mv -f "$T/srv/readyz.txt.new" "$T/srv/readyz.txt"
    cp "$2" "$T/srv/livez.txt.new" && mv -f "$T/srv/livez.txt.new" "$T/srv/livez.txt"
    cp "$3" "$T/srv/nodes.json.new" && mv -f "$T/srv/nodes.json.new" "$T/srv/nodes.json"
}
# every node Ready, and the list without worker-2
jq '(.items[].status.conditions[] | select(.type == "Ready")) |= (.status = "True" | .reason = "KubeletReady")' \
    "$K/nodes.json" >"$T/nodes-ready.json"
jq 'del(.items[] | select(.metadata.name == "worker-2.k8s.example"))' "$K/nodes.json" >"$T/nodes-two.json"
serve "$K/readyz-ok.txt" "$K/livez-ok.txt" "$T/nodes-ready.json"

# a self-signed certificate for 127.0.0.1 (the cluster CA of the check's ca_file)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/ca.pem" -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >"$T/openssl.log" 2>&1
printf 'sa-token-%s%s\n' "$RANDOM" "$RANDOM" >"$T/token"
cp "$T/token" "$T/server-token"
echo "not-the-token" >"$T/wrong-token"
/usr/bin/python3 "$SW_SRC/tests/integration/k8s_server.py" "$T/srv" "$T/server-token" \
    "$T/ca.pem" "$T/key.pem" "$T/k8s.port" 2>"$T/k8s.log" &
SRV=$!
PIDS="$PIDS $SRV"
wait_for "the fake API server" 10 test -s "$T/k8s.port" || { cat "$T/k8s.log" >&2; exit 1; }
KURL="https://127.0.0.1:$(cat "$T/k8s.port")"
# the server itself: 200 and 500 as the report says, 401 without the token
assert_eq "server: readyz ok" 200 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/ca.pem" \
    -H "Authorization: Bearer $(cat "$T/token")" "$KURL/readyz?verbose")"
assert_eq "server: no token" 401 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/ca.pem" \
    "$KURL/readyz?verbose")"

cat >"$T/sw.yaml" <<EOF
database: $T/sw.db
customers:
  - id: acme
    deployments:
      - id: k1
        kind: kubernetes
        services:
          - id: cp
            checks:
              - {id: apiserver, type: kubernetes, url: "$KURL", token_file: $T/token,
                 ca_file: $T/ca.pem, nodes: true, interval: 1s, retry_interval: 1s,
                 timeout: 5s, max_attempts: 1}
          - id: badtoken
            checks:
              - {id: apiserver, type: kubernetes, url: "$KURL", token_file: $T/wrong-token,
                 ca_file: $T/ca.pem, nodes: true, interval: 1s, timeout: 5s, max_attempts: 1}
          - id: notrust
            checks:
              - {id: apiserver, type: kubernetes, url: "$KURL/", token_file: $T/token,
                 interval: 1s, timeout: 5s, max_attempts: 1}
          - id: noverify
            checks:
              - {id: apiserver, type: kubernetes, url: "$KURL", token_file: $T/token,
                 tls_verify: false, interval: 1s, timeout: 5s, max_attempts: 1}
EOF

# expected ITEMS-FILE PREFIX SERVICE: the checks a verbose report gives, as "path|type|state|
# output", worked out here from the file itself: the id is the name with each run of other
# characters than letters, digits, "_.-" made one "-", cut at 57 bytes, no "-._" at the end,
# then led by the check's id and the report's name ("apiserver-readyz-etcd"), cut at 64; a
# clash with an earlier id of the report gets "-2", "-3"...
expected() {
    awk -v p="$2" -v svc="$3" '/^\[[+-]\]/ {
        ok = substr($0, 2, 1) == "+"
        name = substr($0, 4); sub(/ .*/, "", name)
        rest = substr($0, 4); sub(/^[^ ]* */, "", rest)
        id = name; gsub(/[^A-Za-z0-9_.-]+/, "-", id); id = substr(id, 1, 57); sub(/[-._]+$/, "", id)
        id = substr("apiserver-" p "-" id, 1, 64); sub(/[-._]+$/, "", id)
        base = id
        for (k = 2; id in seen; k++) {
            id = substr(base, 1, 64 - length("-" k)); sub(/[-._]+$/, "", id); id = id "-" k
        }
        seen[id] = 1
        if (ok) {
            out = name " ok" (rest ~ /^excluded/ ? " (excluded)" : "")
        } else {
            r = rest; sub(/^failed:? */, "", r)
            out = name " failed" (r != "" ? ": " r : "")
        }
        print "acme/k1/" svc "/" id "|passive|" (ok ? "OK" : "CRITICAL") "|" out
    }' "$1"
}
# listing SERVICE: the checks of one service as "path|type|state|output", sorted
listing() {
    curl -fs "$API/api/v1/checks" |
        jq -r --arg s "acme/k1/$1" '.[] | select(.service == $s) | "\(.path)|\(.type)|\(.state)|\(.output)"' |
        LC_ALL=C sort
}
n_checks_is() { [ "$(curl -fs "$API/api/v1/checks" | jq length)" = "$1" ]; }
# is SERVICE STATE OUTPUT: the service's kubernetes check has that state and output
is() {
    [ "$(check_field "acme/k1/$1/apiserver" state)|$(check_field "acme/k1/$1/apiserver" output)" = "$2|$3" ]
}
# wait_ok: wait_for that counts as a passed assertion when it succeeds
wait_ok() { if wait_for "$@"; then ok; else return 0; fi; }
sql() { sqlite3 "$T/sw.db" "$1"; }
log_count() { grep -cF -- "$1" "$T/daemon.log" || true; }

start_daemon "$T/sw.yaml"

# ---- a healthy server: 34 readyz + 26 livez items and 3 nodes, all OK ----
PASSED="readyz and livez passed (60 checks), 3 nodes Ready"
wait_ok "cp OK" 15 is cp OK "$PASSED"
wait_ok "noverify OK" 15 is noverify OK "readyz and livez passed (60 checks)"
wait_ok "all derived checks" 10 n_checks_is $((4 + 63 + 60))
NODES_OK='acme/k1/cp/apiserver-node-cp-1.k8s.example|passive|OK|node cp-1.k8s.example Ready
acme/k1/cp/apiserver-node-worker-1.k8s.example|passive|OK|node worker-1.k8s.example Ready
acme/k1/cp/apiserver-node-worker-2.k8s.example|passive|OK|node worker-2.k8s.example Ready'
assert_eq "cp checks, healthy" "$({ echo "acme/k1/cp/apiserver|kubernetes|OK|$PASSED"
    expected "$K/readyz-ok.txt" readyz cp; expected "$K/livez-ok.txt" livez cp
    echo "$NODES_OK"; } | LC_ALL=C sort)" "$(listing cp)"
assert_eq "cp children" 63 "$(listing cp | grep -c '|passive|')"
# names cut to fit the 64-byte ids, written out
R2=apiserver-readyz-poststarthook-start-kube-apiserver-identity-l-2
assert_eq "cut id, readyz (a clash: -2)" "$R2|poststarthook/start-kube-apiserver-identity-lease-garbage-collector ok" \
    "$(check_field "acme/k1/cp/$R2" path | cut -d/ -f4)|$(check_field "acme/k1/cp/$R2" output)"
L1=apiserver-livez-poststarthook-scheduling-bootstrap-system-priori
assert_eq "cut id, livez" "$L1|OK" \
    "$(check_field "acme/k1/cp/$L1" path | cut -d/ -f4)|$(check_field "acme/k1/cp/$L1" state)"
assert_eq "item" "OK|etcd ok|acme/k1/cp" "$(check_field acme/k1/cp/apiserver-readyz-etcd state)|$(check_field acme/k1/cp/apiserver-readyz-etcd output)|$(check_field acme/k1/cp/apiserver-readyz-etcd service)"
assert_match "perfdata" '^readyz_time=[0-9]+\.[0-9]{6}s;;;0 livez_time=[0-9]+\.[0-9]{6}s;;;0$' \
    "$(check_field acme/k1/cp/apiserver perfdata)"
assert_eq "added logged" 1 "$(log_count 'derived check acme/k1/cp/apiserver-node-worker-1.k8s.example added (from acme/k1/cp/apiserver)')"
# freshness: twice the interval plus the timeout, 2 * 1 s + 5 s
assert_eq "derived_checks of cp" "63|acme/k1/cp/apiserver|7000|0" \
    "$(sql "SELECT count(*), min(parent), max(freshness_ms), count(retired_s) FROM derived_checks WHERE path GLOB 'acme/k1/cp/*'")"
assert_eq "cp readyz children" 34 "$(sql "SELECT count(*) FROM derived_checks WHERE path GLOB 'acme/k1/cp/apiserver-readyz-*'")"

# ---- a wrong token: 401 on every request ----
REFUSED='the token was refused (HTTP 401): Unauthorized'
wait_ok "badtoken CRITICAL" 10 is badtoken CRITICAL \
    "readyz: $REFUSED; livez: $REFUSED; nodes: HTTP 401 (the token may not list nodes): Unauthorized"
assert_eq "badtoken: nothing derived" "acme/k1/badtoken/apiserver" "$(listing badtoken | cut -d'|' -f1)"

# ---- the certificate not trusted (no ca_file): the TLS error ----
wait_ok "notrust CRITICAL" 10 is notrust CRITICAL \
    "readyz: no answer: SSL certificate problem: self-signed certificate; livez: no answer: SSL certificate problem: self-signed certificate"
assert_eq "notrust: nothing derived" "acme/k1/notrust/apiserver" "$(listing notrust | cut -d'|' -f1)"

# ---- failing reports (answered 500) and nodes not Ready ----
FAILED="readyz failed: etcd, poststarthook/start-apiextensions-controllers, poststarthook/rbac/bootstrap-roles; livez failed: etcd; node worker-1.k8s.example NotReady; node worker-2.k8s.example readiness Unknown"
serve "$K/readyz-failed.txt" "$K/livez-failed.txt" "$K/nodes.json"
wait_ok "cp CRITICAL" 10 is cp CRITICAL "$FAILED"
# (the items of one run are applied after the check's own result: wait for the last node)
wait_ok "worker-2 CRITICAL" 5 check_is acme/k1/cp/apiserver-node-worker-2.k8s.example state CRITICAL
NODES_FAILED='acme/k1/cp/apiserver-node-cp-1.k8s.example|passive|OK|node cp-1.k8s.example Ready
acme/k1/cp/apiserver-node-worker-1.k8s.example|passive|CRITICAL|node worker-1.k8s.example NotReady (KubeletNotReady): container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized
acme/k1/cp/apiserver-node-worker-2.k8s.example|passive|CRITICAL|node worker-2.k8s.example readiness Unknown (NodeStatusUnknown): Kubelet stopped posting node status.'
assert_eq "cp checks, failing" "$({ echo "acme/k1/cp/apiserver|kubernetes|CRITICAL|$FAILED"
    expected "$K/readyz-failed.txt" readyz cp; expected "$K/livez-failed.txt" livez cp
    echo "$NODES_FAILED"; } | LC_ALL=C sort)" "$(listing cp)"
# written out, not only worked out
assert_eq "readyz-etcd" "CRITICAL|etcd failed: reason withheld" \
    "$(check_field acme/k1/cp/apiserver-readyz-etcd state)|$(check_field acme/k1/cp/apiserver-readyz-etcd output)"
assert_eq "livez-etcd" "CRITICAL|etcd failed: reason withheld" \
    "$(check_field acme/k1/cp/apiserver-livez-etcd state)|$(check_field acme/k1/cp/apiserver-livez-etcd output)"
assert_eq "rbac item" "CRITICAL|poststarthook/rbac/bootstrap-roles failed: reason withheld" \
    "$(check_field acme/k1/cp/apiserver-readyz-poststarthook-rbac-bootstrap-roles state)|$(check_field acme/k1/cp/apiserver-readyz-poststarthook-rbac-bootstrap-roles output)"
assert_eq "excluded item" "OK|etcd-readiness ok (excluded)" \
    "$(check_field acme/k1/cp/apiserver-readyz-etcd-readiness state)|$(check_field acme/k1/cp/apiserver-readyz-etcd-readiness output)"
assert_eq "critical items" 4 "$(listing cp | grep -c '^acme/k1/cp/apiserver-[a-z]*z-.*|passive|CRITICAL|')"
assert_eq "service CRITICAL" CRITICAL "$(curl -fs "$API/api/v1/services/acme/k1/cp" | jq -r .state)"

# ---- a node gone from the list is retired; back, it is derived again ----
serve "$K/readyz-failed.txt" "$K/livez-failed.txt" "$T/nodes-two.json"
wait_ok "cp without worker-2" 10 is cp CRITICAL "${FAILED%; node worker-2*}"
wait_ok "worker-2 retired" 10 n_checks_is $((4 + 62 + 60))
assert_eq "worker-2 gone" 404 "$(http_status GET "$API/api/v1/checks/acme/k1/cp/apiserver-node-worker-2.k8s.example")"
assert_eq "worker-2 row retired" "acme/k1/cp/apiserver-node-worker-2.k8s.example" \
    "$(sql "SELECT path FROM derived_checks WHERE retired_s IS NOT NULL")"
assert_eq "retired logged" 1 "$(log_count 'derived check acme/k1/cp/apiserver-node-worker-2.k8s.example retired, its history kept')"
serve "$K/readyz-failed.txt" "$K/livez-failed.txt" "$K/nodes.json"
wait_ok "worker-2 back" 10 check_is acme/k1/cp/apiserver-node-worker-2.k8s.example state CRITICAL
assert_eq "worker-2 row active again" 0 "$(sql "SELECT count(*) FROM derived_checks WHERE retired_s IS NOT NULL")"
assert_eq "re-added logged" 2 "$(log_count 'derived check acme/k1/cp/apiserver-node-worker-2.k8s.example added (from acme/k1/cp/apiserver)')"

# ---- answers that are not verbose reports: CRITICAL naming them, nothing retired ----
printf 'ok' >"$T/plain.txt"
printf '<html><body>502 Bad Gateway</body></html>\n' >"$T/html.txt"
serve "$T/plain.txt" "$T/html.txt" "$K/nodes.json"
wait_ok "cp CRITICAL (not a report)" 10 is cp CRITICAL \
    'readyz: HTTP 200, not a verbose health report: "ok"; livez: HTTP 200, not a verbose health report: "<html><body>502 Bad Gateway</body></html>\n"; node worker-1.k8s.example NotReady; node worker-2.k8s.example readiness Unknown'
assert_eq "not a report: items kept" "0|63" \
    "$(sql "SELECT count(retired_s), count(*) FROM derived_checks WHERE path GLOB 'acme/k1/cp/*'")"
assert_eq "not a report: item keeps its state" "CRITICAL|etcd failed: reason withheld" \
    "$(check_field acme/k1/cp/apiserver-readyz-etcd state)|$(check_field acme/k1/cp/apiserver-readyz-etcd output)"

# ---- the server down: no answer ----
kill -TERM "$SRV"
wait "$SRV" 2>/dev/null || true
PORT_K=$(cat "$T/k8s.port")
NOANSWER="no answer: Failed to connect to 127.0.0.1 port $PORT_K after [0-9]+ ms: Couldn't connect to server"
down_is() {
    [ "$(check_field acme/k1/cp/apiserver state)" = CRITICAL ] &&
        check_field acme/k1/cp/apiserver output |
        grep -Eqx "readyz: $NOANSWER; livez: $NOANSWER; nodes: $NOANSWER"
}
if wait_for "cp CRITICAL (server down)" 10 down_is; then ok; else
    echo "  output: $(check_field acme/k1/cp/apiserver output)" >&2
fi
assert_eq "server down: nothing retired" 0 "$(sql "SELECT count(retired_s) FROM derived_checks")"
assert_eq "still serving" 200 "$(http_status GET "$API/healthz")"
stop_daemon
finish
