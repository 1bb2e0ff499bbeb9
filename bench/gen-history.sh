#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gen-history.sh DATABASE N DAYS NOW: writes DAYS days of state history ending at NOW (Unix
# seconds) for the N services of bench/gen-sla-config.sh N into DATABASE, a stackward SQLite
# database that stackward has already created and migrated (any command that opens it, such
# as `stackward status -c CONFIG`, does that). One sqlite3 transaction, a recursive CTE:
#
#   per service, from NOW - DAYS days on, intervals alternate: an OK interval of
#   20,000 .. 116,239 s (mean about 19 h), then a short one of 60 .. 1,939 s that is
#   CRITICAL (65 %), WARNING (20 %), UNKNOWN (10 %) or a gap without any interval (5 %,
#   time stackward did not run), and so on; the interval that reaches NOW stays open
#   (end_s NULL), as the daemon leaves it. About 1,000 intervals per service in 400 days.
#
# The lengths and states come from a fixed multiplicative hash of (object id, index), so the
# same arguments give the same history in a fresh database. Service objects (kind 1) that are missing are
# created; intervals already there for these services are deleted first.
set -eu
if [ $# -ne 4 ]; then
    echo "usage: bench/gen-history.sh DATABASE N DAYS NOW" >&2
    exit 2
fi
db=$1
n=$2
days=$3
now=$4
for v in "$n" "$days" "$now"; do
    case $v in '' | *[!0-9]*) echo "gen-history: N, DAYS and NOW must be whole numbers" >&2; exit 2 ;; esac
done
if [ "$n" -lt 1 ] || [ "$n" -gt 100000 ]; then
    echo "gen-history: N from 1 to 100000" >&2
    exit 2
fi
if [ "$days" -lt 1 ] || [ "$days" -gt 4000 ]; then
    echo "gen-history: DAYS from 1 to 4000" >&2
    exit 2
fi
[ -f "$db" ] || { echo "gen-history: $db does not exist: let stackward create it first" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "gen-history: sqlite3 is missing (apt-get install sqlite3)" >&2; exit 2; }
if [ "$now" -le $((days * 86400)) ]; then
    echo "gen-history: NOW must be later than DAYS days after 1970" >&2
    exit 2
fi
from=$((now - days * 86400))

# h(I): Knuth's multiplicative hash of oid * 1000003 + I, 32 bits, computed without
# overflowing SQLite's 64-bit integers; bits 8..23 give the length, bits 24..31 the state.
h() {
    echo "((((oid * 1000003 + ($1)) % 2147483648) * 2654435761) % 4294967296)"
}
# len(I): the length in seconds of interval I of service oid
len() {
    echo "(CASE WHEN ($1) % 2 = 0 THEN 20000 + (($(h "$1") >> 8) % 65536) * 96240 / 65536
           ELSE 60 + (($(h "$1") >> 8) % 65536) % 1880 END)"
}
# state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, -1 a gap (no interval)
state="(CASE WHEN i % 2 = 0 THEN 0
             WHEN ($(h i) >> 24) < 166 THEN 2
             WHEN ($(h i) >> 24) < 218 THEN 1
             WHEN ($(h i) >> 24) < 244 THEN 3
             ELSE -1 END)"
services="WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n + 1 < $n)
    SELECT 'bench/d' || (n / 100) || '/s' || (n % 100) AS p FROM k"

sqlite3 -bail "$db" >/dev/null <<SQL
PRAGMA busy_timeout = 5000;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
BEGIN IMMEDIATE;
INSERT OR IGNORE INTO objects (kind, path) SELECT 1, p FROM ($services);
CREATE TEMP TABLE svc AS SELECT id AS oid FROM objects WHERE kind = 1 AND path IN ($services);
DELETE FROM intervals WHERE object_id IN (SELECT oid FROM svc);
INSERT INTO intervals (object_id, start_s, end_s, state)
WITH RECURSIVE walk (oid, i, t, e) AS (
    SELECT oid, 0, $from, $from + $(len 0) FROM svc
    UNION ALL
    SELECT oid, i + 1, e, e + $(len "i + 1") FROM walk WHERE e < $now
)
SELECT oid, t, CASE WHEN e >= $now THEN NULL ELSE e END, $state
FROM walk WHERE $state >= 0 ORDER BY oid, t;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
