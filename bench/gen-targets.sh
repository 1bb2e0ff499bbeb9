#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gen-targets.sh N PORT: prints the benchmark's N target URLs, one per line:
# http://127.0.0.1:PORT/c/1 .. http://127.0.0.1:PORT/c/N. Every monitor compared in bench/
# (stackward, Nagios, blackbox_exporter) probes exactly this list.
set -eu
usage() {
    echo "usage: bench/gen-targets.sh N PORT" >&2
    exit 2
}
[ $# -eq 2 ] || usage
case $1 in '' | *[!0-9]*) usage ;; esac
case $2 in '' | *[!0-9]*) usage ;; esac
if [ "$1" -lt 1 ] || [ "$1" -gt 1000000 ]; then
    echo "gen-targets: N must be 1-1000000" >&2
    exit 2
fi
if [ "$2" -lt 1 ] || [ "$2" -gt 65535 ]; then
    echo "gen-targets: PORT must be 1-65535" >&2
    exit 2
fi
awk -v n="$1" -v port="$2" 'BEGIN { for (i = 1; i <= n; i++) printf "http://127.0.0.1:%d/c/%d\n", port, i }'
