#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# web.sh: the dashboard benchmark (`make bench-web`). Starts `stackward serve` on a
# configuration of 10,000 checks (200 customers x 1 deployment x 10 services x 5 passive
# checks, so nothing is probed and the figure is the rendering alone), feeds every check one
# result (a mix of states), then asks for the dashboard page `/` and its data
# `/api/v1/dashboard` N times each, one request at a time, and prints the server time
# (curl's time to first byte on loopback) as median, p95 and max, in ms.
#
# Environment: BUILD (build directory, default build), N (requests per URL, default 50),
# KEEP=1 keeps the temporary directory.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-build}
case $build in /*) ;; *) build="$root/$build" ;; esac
daemon="$build/stackward"
n=${N:-50}
[ -x "$daemon" ] || { echo "bench: $daemon is missing: run 'make' first" >&2; exit 1; }
tmp=$(mktemp -d /tmp/sw-bench-web.XXXXXX)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    [ "${KEEP:-0}" = 1 ] || rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
port=${PORT:-28431}

# the configuration: 200 customers, 10 services each, 5 passive checks a service
{
    echo "listen: 127.0.0.1:$port"
    echo "database: $tmp/sw.db"
    echo "max_request_body: 64MiB"
    echo "customers:"
    c=0
    while [ $c -lt 200 ]; do
        echo "  - id: c$c"
        echo "    deployments:"
        echo "      - id: d0"
        echo "        services:"
        s=0
        while [ $s -lt 10 ]; do
            echo "          - id: s$s"
            echo "            checks:"
            k=0
            while [ $k -lt 5 ]; do
                echo "              - {id: k$k, type: passive}"
                k=$((k + 1))
            done
            s=$((s + 1))
        done
        c=$((c + 1))
    done
} >"$tmp/sw.yaml"
"$daemon" serve -c "$tmp/sw.yaml" >"$tmp/daemon.log" 2>&1 &
pid=$!
i=0
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -lt 200 ] || { echo "bench: the daemon did not start" >&2; cat "$tmp/daemon.log" >&2; exit 1; }
    sleep 0.1
done
# one result per check: every 7th CRITICAL, every 11th WARNING, the rest OK
awk 'BEGIN { printf "["; n = 0
    for (c = 0; c < 200; c++) for (s = 0; s < 10; s++) for (k = 0; k < 5; k++) {
        st = (n % 7 == 0) ? "CRITICAL" : (n % 11 == 0) ? "WARNING" : "OK"
        printf "%s{\"check\":\"c%d/d0/s%d/k%d\",\"state\":\"%s\",\"output\":\"bench\"}", n ? "," : "", c, s, k, st
        n++ }
    printf "]" }' >"$tmp/results.json"
curl -fs -o /dev/null -X POST --data-binary @"$tmp/results.json" "http://127.0.0.1:$port/api/v1/results" ||
    { echo "bench: the results were refused" >&2; exit 1; }

measure() {
    url=$1
    j=0
    : >"$tmp/times"
    while [ $j -lt "$n" ]; do
        curl -s -o /dev/null -w '%{time_starttransfer}\n' "$url" >>"$tmp/times"
        j=$((j + 1))
    done
    sort -n "$tmp/times" | awk -v what="$2" '{ v[NR] = $1 * 1000 } END {
        printf "%-22s median %6.1f ms   p95 %6.1f ms   max %6.1f ms   (%d requests)\n",
            what, v[int((NR + 1) / 2)], v[int(NR * 0.95 + 0.5)], v[NR], NR }'
}
size=$(curl -s "http://127.0.0.1:$port/" | wc -c)
echo "10,000 checks, 2,000 services, 200 customers; loopback; server time = time to first byte"
measure "http://127.0.0.1:$port/" "GET / ($size bytes)"
measure "http://127.0.0.1:$port/api/v1/dashboard" "GET /api/v1/dashboard"
