#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# http.sh: the HTTP check benchmark (`make bench`). Starts nginx on loopback as the target,
# then for each scenario runs `stackward serve` with a generated configuration of N http
# checks (bench/gen-config.sh), lets it warm up, and measures over a fixed window:
# achieved checks per second, schedule lateness (median, p99), CPU seconds per 1,000
# checks and peak memory per configured check. Prints a table and writes it to
# bench/out/results.txt. See bench/README.md for the exact definitions.
#
# Environment: BUILD (build directory, default build), WARMUP (s, default 5), WINDOW (s,
# default 20), NGINX (default /usr/sbin/nginx), KEEP=1 keeps the temporary directory,
# SCENARIOS (default "baseline 1k 10k 12k"; mem/check needs baseline).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-build}
case $build in /*) ;; *) build="$root/$build" ;; esac
daemon="$build/stackward"
nginx=${NGINX:-/usr/sbin/nginx}
warmup=${WARMUP:-5}
window=${WINDOW:-20}
outdir="$here/out"
scenarios=${SCENARIOS:-baseline 1k 10k 12k}

die() {
    echo "bench: $*" >&2
    exit 1
}
case $warmup in '' | *[!0-9]*) die "WARMUP must be whole seconds" ;; esac
case $window in '' | *[!0-9]*) die "WINDOW must be whole seconds" ;; esac
[ "$window" -ge 5 ] || die "WINDOW must be at least 5 s"
for s in $scenarios; do
    case $s in
    baseline | 1k | 10k | 12k) ;;
    *) die "unknown scenario '$s' in SCENARIOS (baseline, 1k, 10k, 12k)" ;;
    esac
done
[ -x "$daemon" ] || die "$daemon is missing: run 'make' first"
[ -x "$nginx" ] || die "$nginx is missing: apt-get install nginx-light"
command -v curl >/dev/null || die "curl is missing"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stackward-bench.XXXXXX")
chmod 755 "$tmp" # nginx's worker may run as another user
nginx_pid=""
daemon_pid=""

# Stops a child: TERM, up to 15 s to exit, then KILL.
# shellcheck disable=SC2317 # also called from the EXIT trap
stop_pid() {
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null || return 0
    i=0
    while kill -0 "$1" 2>/dev/null && [ "$i" -lt 150 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
# shellcheck disable=SC2317
cleanup() {
    stop_pid "$daemon_pid"
    daemon_pid=""
    stop_pid "$nginx_pid"
    nginx_pid=""
    if [ "${KEEP:-0}" = 1 ]; then
        echo "bench: kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=bench/lib.sh
. "$here/lib.sh"

uptime_s() {
    awk '{ print $1 }' /proc/uptime
}

# user+system CPU of process $1 and of its waited-for children, in clock ticks
# (/proc/PID/stat fields 14-17; the command name in field 2 may hold spaces).
cpu_ticks() {
    sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 + $14 + $15 }'
}

# Sum over all series of stackward_check_runs_total with type="http".
http_runs() {
    awk '/^stackward_check_runs_total[{]/ && /type="http"/ {
            v = $0; sub(/^[^}]*[}][ \t]*/, "", v); split(v, f, /[ \t]+/); s += f[1]
        } END { printf "%.0f\n", s }' "$1"
}

# "le count" lines of the lateness histogram, summed over series.
lateness_buckets() {
    awk '/^stackward_schedule_lateness_seconds_bucket[{]/ {
            le = $0; sub(/^.*le="/, "", le); sub(/".*$/, "", le)
            v = $0; sub(/^[^}]*[}][ \t]*/, "", v); split(v, f, /[ \t]+/); c[le] += f[1]
        } END { for (le in c) print le, c[le] }' "$1"
}

# Quantile $1 of the histogram difference between bucket files $2 (start) and $3 (end),
# estimated as PromQL's histogram_quantile() does: linear interpolation inside the bucket
# that holds the rank, the lowest bucket starting at 0, and the highest finite bound when
# the rank falls in the +Inf bucket. Prints "n/a" when the window saw no observation.
quantile() {
    awk 'FNR == NR { a[$1] = $2; next } { print $1, $2 - ($1 in a ? a[$1] : 0) }' "$2" "$3" |
        sed 's/^+Inf /1e999 /' | sort -g |
        awk -v q="$1" '{ n = NR; le[n - 1] = $1; c[n - 1] = $2 }
        END {
            if (n == 0 || c[n - 1] <= 0) { print "n/a"; exit }
            rank = q * c[n - 1]
            for (i = 0; i < n - 1 && c[i] < rank; i++) { }
            if (le[i] + 0 > 1e300) { printf "%.4f\n", (i > 0 ? le[i - 1] : 0); exit }
            lo = (i > 0 ? le[i - 1] : 0); clo = (i > 0 ? c[i - 1] : 0)
            if (c[i] == clo) { printf "%.4f\n", le[i]; exit }
            printf "%.4f\n", lo + (le[i] - lo) * (rank - clo) / (c[i] - clo)
        }'
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the target ----
start_nginx_target

# ---- one scenario: NAME N INTERVAL; appends a row to $tmp/rows ----
run_scenario() {
    name=$1
    n=$2
    interval=$3
    dir="$tmp/$name"
    mkdir -p "$dir"
    listen_port=$(free_port 18900)
    "$here/gen-config.sh" "$n" "$interval" "$port" "$dir/bench.db" \
        "127.0.0.1:$listen_port" >"$dir/config.yaml"
    echo "bench: $name: $n http checks every $interval, warm-up ${warmup}s, window ${window}s" >&2

    "$daemon" serve -c "$dir/config.yaml" >"$dir/daemon.log" 2>&1 &
    daemon_pid=$!
    if ! wait_up "http://127.0.0.1:$listen_port/healthz" 60 "$daemon_pid"; then
        tail -20 "$dir/daemon.log" >&2 || true
        die "$name: stackward serve did not come up on 127.0.0.1:$listen_port"
    fi
    sleep "$warmup"

    metrics="http://127.0.0.1:$listen_port/metrics"
    curl -fs --max-time 5 "$metrics" >"$dir/m0" || die "$name: cannot read $metrics"
    t0=$(uptime_s)
    c0=$(cpu_ticks "$daemon_pid")
    r0=$(nginx_requests)
    sleep "$window"
    curl -fs --max-time 5 "$metrics" >"$dir/m1" || die "$name: cannot read $metrics"
    t1=$(uptime_s)
    c1=$(cpu_ticks "$daemon_pid")
    r1=$(nginx_requests)
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$daemon_pid/status")
    stop_pid "$daemon_pid"
    daemon_pid=""

    runs0=$(http_runs "$dir/m0")
    runs1=$(http_runs "$dir/m1")
    lateness_buckets "$dir/m0" >"$dir/b0"
    lateness_buckets "$dir/m1" >"$dir/b1"
    [ -s "$dir/b1" ] || echo "bench: $name: no stackward_schedule_lateness_seconds_bucket in /metrics" >&2
    p50=$(quantile 0.5 "$dir/b0" "$dir/b1")
    p99=$(quantile 0.99 "$dir/b0" "$dir/b1")
    echo "$name $n $interval $t0 $t1 $runs0 $runs1 $c0 $c1 $r0 $r1 $hwm $p50 $p99" >>"$tmp/rows"
}

: >"$tmp/rows"
for s in $scenarios; do
    case $s in
    baseline) run_scenario baseline 1 1s ;;
    1k) run_scenario 1k 1000 1s ;;
    10k) run_scenario 10k 10000 2s ;;
    12k) run_scenario 12k 12000 2s ;;
    esac
done

# ---- the report ----
tck=$(getconf CLK_TCK)
mkdir -p "$outdir"
report="$tmp/report"
{
    echo "stackward HTTP check benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)"
    echo "stackward: $("$daemon" --version 2>/dev/null | head -1 || echo unknown)," \
        "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
        "$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo '(with local changes)')"
    echo "target: nginx $("$nginx" -v 2>&1 | sed 's/^.*nginx\///'), 1 worker, one fresh connection per check"
    echo "command: make bench (sh bench/http.sh), warm-up ${warmup} s, measured window ${window} s"
    echo "load average (1, 5, 15 min): $load_start at start, $(cut -d' ' -f1-3 /proc/loadavg) at end" \
        "(other work on the machine distorts every figure)"
    echo
    awk -v tck="$tck" '
    { name[NR] = $1; n[NR] = $2; iv[NR] = $3; secs = $5 - $4; runs = $7 - $6
      rate[NR] = runs / secs
      cpu[NR] = (runs > 0 ? (($9 - $8) / tck) / (runs / 1000) : -1)
      treq[NR] = ($10 != "" && $11 != "" ? ($11 - $10 - 1) / secs : -1)
      hwm[NR] = $12; p50[NR] = $13; p99[NR] = $14
      if (n[NR] == 1) base = $12
    }
    END {
        fmt = "%-9s %7s %9s %12s %11s %11s %10s %10s %11s %10s %10s\n"
        printf fmt, "scenario", "checks", "interval", "target_rq/s", "achieved/s", "nginx_rq/s",
               "p50_late_s", "p99_late_s", "cpu_s/1000", "VmHWM_KiB", "mem/check"
        for (i = 1; i <= NR; i++) {
            mem = "-"
            if (n[i] > 1 && base != "") mem = sprintf("%.0fB", (hwm[i] - base) * 1024 / n[i])
            ivs = iv[i]; sub(/s$/, "", ivs)
            printf fmt, name[i], n[i], iv[i], sprintf("%.0f", n[i] / ivs),
                   sprintf("%.1f", rate[i]), (treq[i] < 0 ? "n/a" : sprintf("%.1f", treq[i])),
                   p50[i], p99[i], (cpu[i] < 0 ? "n/a" : sprintf("%.4f", cpu[i])), hwm[i], mem
        }
        print ""
        print "targets, per scenario with 1,000 or more checks:"
        for (i = 1; i <= NR; i++) {
            if (n[i] < 1000) continue
            printf "  %-4s cpu %.4f s/1000 checks (target <= 0.1): %s\n", name[i], cpu[i],
                   (cpu[i] >= 0 && cpu[i] <= 0.1 ? "met" : "MISSED")
            printf "  %-4s p99 lateness %s s (target < 1): %s\n", name[i], p99[i],
                   (p99[i] != "n/a" && p99[i] + 0 < 1 ? "met" : "MISSED")
            if (base != "") {
                b = (hwm[i] - base) * 1024 / n[i]
                printf "  %-4s memory %.0f B = %.2f KiB per check (target <= 4 KiB): %s\n",
                       name[i], b, b / 1024, (b <= 4096 ? "met" : "MISSED")
            }
            ivs = iv[i]; sub(/s$/, "", ivs); asked = n[i] / ivs
            if (n[i] >= 10000 && asked > 5000)
                printf "  %-4s %.1f checks/s achieved of %.0f asked (target >= 5000): %s\n",
                       name[i], rate[i], asked, (rate[i] >= 5000 ? "met" : "MISSED")
            else if (n[i] >= 10000)
                printf "  %-4s %.1f checks/s achieved of %.0f asked (keeps up within 0.5 %%): %s\n",
                       name[i], rate[i], asked, (rate[i] >= 0.995 * asked ? "yes" : "NO")
        }
    }' "$tmp/rows"
    echo
    echo "achieved/s: stackward_check_runs_total{type=\"http\"} difference over the window / window."
    echo "p50/p99 lateness: from the stackward_schedule_lateness_seconds histogram difference over"
    echo "  the window, linear interpolation inside buckets as PromQL histogram_quantile() does."
    echo "cpu_s/1000: utime+stime+cutime+cstime of the daemon (/proc/PID/stat) over the window per 1,000 runs."
    echo "mem/check: (VmHWM of the run - VmHWM of the 1-check baseline run) / checks."
} >"$report"
cp "$report" "$outdir/results.txt"
cat "$report"
echo "bench: written to bench/out/results.txt" >&2
