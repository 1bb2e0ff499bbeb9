#!/bin/bash
# t_keystone.sh: the keystone probe against a real Keystone (Debian's python3-keystone) on
# loopback, with extra catalog endpoints, some pointing where nothing listens:
#  - password login as a reader user; every endpoint of the chosen interfaces and region
#    becomes a derived check CUSTOMER/DEPLOYMENT/<type>/<interface>-<region> judged by its
#    answer; other regions are left out;
#  - discovery repeats: a deleted endpoint is retired with its history kept, a new one appears;
#  - the token is cached and validated between discoveries, not issued on every run;
#  - an application credential logs in too; a wrong password is CRITICAL with Keystone's reason;
#  - the derived checks exist again right after a restart; no secret reaches the log or store.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/keystone.sh"

if ! ks_install; then
    echo "SKIPPED LOUDLY: Debian's python3-keystone could not be installed: the keystone probe" \
        "was NOT tested against a real Keystone" >&2
    exit 77
fi
KS=$(free_port)
DEAD=$(free_port)
start_target
ks_start "$T/ks" "$KS"
PIDS="$PIDS $(cat "$T/ks/keystone.pid")"
ks_add_endpoint "$T/ks" "$KS" compute public RegionOne "http://127.0.0.1:$DEAD/v2.1" >/dev/null
IMAGE=$(ks_add_endpoint "$T/ks" "$KS" image public RegionOne "http://127.0.0.1:$TPORT/healthy")
ks_add_endpoint "$T/ks" "$KS" network internal RegionOne "http://127.0.0.1:$TPORT/failing" >/dev/null
ks_add_endpoint "$T/ks" "$KS" placement public RegionTwo "http://127.0.0.1:$TPORT/healthy" >/dev/null
# Keystone takes any SCHEME:REST as a URL; the probe watches http(s) only
ks_add_endpoint "$T/ks" "$KS" volumev3 public RegionOne "ftp://127.0.0.1/volume" >/dev/null
APPCRED=$(ks_app_cred "$T/ks" "$KS" sw-monitor)
printf 'not-the-password\n' >"$T/wrong.pass"

cat >"$T/sw.yaml" <<EOF
database: $T/sw.db
customers:
  - id: acme
    deployments:
      - id: fra1
        kind: openstack
        services:
          - id: keystone
            checks:
              - id: login
                type: keystone
                auth_url: http://127.0.0.1:$KS/v3
                username: monitor
                password_file: $T/ks/monitor.pass
                user_domain: Default
                project: admin
                project_domain: Default
                interface: [public, internal]
                region: RegionOne
                discover: {every: 10s}
                interval: 2s
                retry_interval: 2s
                max_attempts: 1
      - id: ams1
        kind: openstack
        services:
          - id: keystone
            checks:
              - id: appcred
                type: keystone
                auth_url: http://127.0.0.1:$KS/v3/
                application_credential_id: $APPCRED
                application_credential_secret_file: $T/ks/sw-monitor.secret
                discover: {every: 10m, services: [identity]}
                interval: 3s
                max_attempts: 1
              - id: wrong
                type: keystone
                auth_url: http://127.0.0.1:$KS/v3
                username: monitor
                password_file: $T/wrong.pass
                user_domain: Default
                project: admin
                project_domain: Default
                interval: 3s
                max_attempts: 1
EOF
start_daemon "$T/sw.yaml"

# the login and the catalog
wait_for "login OK" 60 check_is acme/fra1/keystone/login state OK
assert_match "login output" \
    '^token issued in [0-9]+ ms for monitor on admin, 6 endpoints watched \(8 in the catalog\)$' \
    "$(check_field acme/fra1/keystone/login output)"
wait_for "compute endpoint derived" 20 check_is acme/fra1/compute/public-RegionOne state CRITICAL
paths=$(curl -fs "$API/api/v1/checks" | jq -r '.[] | select(.path | startswith("acme/fra1/")) | .path' | sort | tr '\n' ' ')
assert_eq "derived checks" "acme/fra1/compute/public-RegionOne acme/fra1/identity/internal-RegionOne acme/fra1/identity/public-RegionOne acme/fra1/image/public-RegionOne acme/fra1/keystone/login acme/fra1/network/internal-RegionOne acme/fra1/volumev3/public-RegionOne " "$paths"
wait_for "bad URL CRITICAL" 20 check_is acme/fra1/volumev3/public-RegionOne state CRITICAL
assert_eq "bad URL named" "endpoint URL 'ftp://127.0.0.1/volume' is not an http(s) URL" \
    "$(check_field acme/fra1/volumev3/public-RegionOne output)"
assert_match "dead endpoint says why" '^no HTTP answer: ' \
    "$(check_field acme/fra1/compute/public-RegionOne output)"
wait_for "identity public OK" 20 check_is acme/fra1/identity/public-RegionOne state OK
assert_match "identity answers its version document" '^HTTP (200|300) in [0-9]+ ms' \
    "$(check_field acme/fra1/identity/public-RegionOne output)"
wait_for "image OK" 20 check_is acme/fra1/image/public-RegionOne state OK
wait_for "network CRITICAL (503)" 20 check_is acme/fra1/network/internal-RegionOne state CRITICAL
assert_match "503 named" 'HTTP 503' "$(check_field acme/fra1/network/internal-RegionOne output)"
assert_eq "the compute service is down" CRITICAL \
    "$(curl -fs "$API/api/v1/services/acme/fra1/compute" | jq -r .state)"
assert_eq "derived from the keystone check" 6 \
    "$(sqlite3 "$T/sw.db" "SELECT count(*) FROM derived_checks WHERE parent = 'acme/fra1/keystone/login' AND retired_s IS NULL")"

# application credential, filtered to identity; a wrong password
wait_for "appcred OK" 30 check_is acme/ams1/keystone/appcred state OK
assert_match "appcred output" '2 endpoints watched|1 endpoints watched' \
    "$(check_field acme/ams1/keystone/appcred output)"
assert_eq "appcred: identity only" "acme/ams1/identity/public-RegionOne" \
    "$(curl -fs "$API/api/v1/checks" | jq -r '.[] | select(.path | startswith("acme/ams1/identity")) | .path' | tr '\n' ' ' | sed 's/ $//')"
wait_for "wrong password CRITICAL" 30 check_is acme/ams1/keystone/wrong state CRITICAL
assert_match "401 with Keystone's reason" '^authentication refused \(HTTP 401\): The request you have made requires authentication' \
    "$(check_field acme/ams1/keystone/wrong output)"

# token cache: between discoveries the token is validated, not issued again
sleep 5
posts=$(grep -c 'POST /v3/auth/tokens' "$T/ks/keystone.log" || true)
gets=$(grep -c 'GET /v3/auth/tokens?nocatalog' "$T/ks/keystone.log" || true)
if [ "$gets" -ge 2 ]; then ok; else fail "the cached token was not validated ($gets GETs)"; fi
assert_match "validated output" '^token (validated|issued) in [0-9]+ ms' \
    "$(check_field acme/fra1/keystone/login output)"
echo "keystone: $posts logins, $gets validations so far" >&2

# discovery repeats: the image endpoint goes, orchestration comes
ks_delete_endpoint "$T/ks" "$KS" "$IMAGE"
ks_add_endpoint "$T/ks" "$KS" orchestration public RegionOne "http://127.0.0.1:$TPORT/healthy" >/dev/null
wait_for "orchestration appears" 30 check_is acme/fra1/orchestration/public-RegionOne state OK
wait_for "image retired" 30 sh -c "! curl -fs '$API/api/v1/checks/acme/fra1/image/public-RegionOne'"
assert_match "retired in the store" '^[0-9]+$' \
    "$(sqlite3 "$T/sw.db" "SELECT retired_s FROM derived_checks WHERE path = 'acme/fra1/image/public-RegionOne'")"
hist=$(sqlite3 "$T/sw.db" "SELECT count(*) FROM intervals i JOIN objects o ON o.id = i.object_id WHERE o.path = 'acme/fra1/image/public-RegionOne' AND i.end_s IS NOT NULL")
if [ "${hist:-0}" -ge 1 ]; then ok; else fail "the retired check lost its history"; fi
assert_eq "no open interval after retiring" 0 \
    "$(sqlite3 "$T/sw.db" "SELECT count(*) FROM intervals i JOIN objects o ON o.id = i.object_id WHERE o.path = 'acme/fra1/image/public-RegionOne' AND i.end_s IS NULL")"
grep -q 'derived check acme/fra1/image/public-RegionOne retired, its history kept' "$T/daemon.log" && ok ||
    fail "retirement not logged"

# restart: the derived checks are there before the first run
stop_daemon
start_daemon "$T/sw.yaml"
assert_eq "derived checks after a restart" 1 \
    "$(curl -fs "$API/api/v1/checks" | jq '[.[] | select(.path == "acme/fra1/orchestration/public-RegionOne")] | length')"
stop_daemon

# no secret anywhere
for secret in "$(cat "$T/ks/monitor.pass")" "$(cat "$T/ks/sw-monitor.secret")"; do
    if grep -qF -- "$secret" "$T/daemon.log"; then fail "a secret is in the daemon log"; else ok; fi
    if sqlite3 "$T/sw.db" .dump | grep -qF -- "$secret"; then fail "a secret is in the store"; else ok; fi
done
ks_stop "$T/ks"
finish
