#!/bin/bash
# t_derived.sh: derived checks outlive nothing that made them. A juju check's units become
# derived checks; renaming the check hands them to the new name with their history; removing
# it retires them (intervals closed, rows kept).
. "$(dirname "$0")/lib.sh"
cp "$SW_SRC/tests/data/juju/openstack.json" "$T/status.json"
write_config() {
    cat >"$T/sw.yaml" <<EOF2
database: $T/sw.db
customers:
  - id: acme
    deployments:
      - id: fra1
        services:
          - id: juju
            checks:
$1
EOF2
}
JUJU='              - {id: CHECK, type: juju, interval: 1s, retry_interval: 1s,
                 command: [/bin/sh, -c, "cat '"$T"'/status.json"]}'
write_config "${JUJU/CHECK/status}"
start_daemon "$T/sw.yaml"
active() { sqlite3 "$T/sw.db" "SELECT count(*) FROM derived_checks WHERE retired_s IS NULL AND parent = '$1'"; }
wait_for "units derived" 15 sh -c "[ \"\$(sqlite3 '$T/sw.db' \"SELECT count(*) FROM derived_checks WHERE retired_s IS NULL\")\" = 9 ]"
assert_eq "nine units of status" 9 "$(active acme/fra1/juju/status)"

# renamed: the new check takes the units back, with their history
write_config "${JUJU/CHECK/status2}"
assert_eq "reload" 200 "$(http_status POST "$API/api/v1/reload")"
wait_for "units of status2" 15 sh -c "[ \"\$(sqlite3 '$T/sw.db' \"SELECT count(*) FROM derived_checks WHERE retired_s IS NULL AND parent = 'acme/fra1/juju/status2'\")\" = 9 ]"
assert_eq "none left to the old name" 0 "$(active acme/fra1/juju/status)"
assert_eq "the orphans were retired on the reload" 9 "$(grep -c 'retired, its history kept' "$T/daemon.log")"

# removed: nobody reports them any more, so they retire and their intervals close
write_config '              - {id: push, type: passive}'
assert_eq "reload without the juju check" 200 "$(http_status POST "$API/api/v1/reload")"
wait_for "all retired" 10 sh -c "[ \"\$(sqlite3 '$T/sw.db' \"SELECT count(*) FROM derived_checks WHERE retired_s IS NULL\")\" = 0 ]"
assert_eq "the rows are kept" 9 "$(sqlite3 "$T/sw.db" "SELECT count(*) FROM derived_checks")"
assert_eq "a retired unit is gone from the API" 404 \
    "$(http_status GET "$API/api/v1/checks/acme/fra1/keystone/keystone-0")"
assert_eq "its history still answers" 200 \
    "$(http_status GET "$API/api/v1/checks/acme/fra1/keystone/keystone-0/history")"
stop_daemon
finish
