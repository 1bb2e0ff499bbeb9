#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# sla.sh: the SLA benchmark. Builds a customer with SERVICES services under contract
# (bench/gen-sla-config.sh) and two databases of state history ending now, one of DAYS and
# one of SHORT_DAYS days (bench/gen-history.sh: about 1,000 intervals per service per 400
# days), then times `stackward sla` over the whole history and over a month, and `stackward
# report` for a month in JSON and PDF (the month with its 12-month trend): wall time and
# peak RSS from GNU time, RUNS runs each after one untimed warm-up run. Compares peak RSS
# between the two histories (memory must not grow with the history). Prints a table and
# writes it to bench/out/sla.txt. See bench/README.md.
#
# Environment: BUILD (build directory, default build), RUNS (timed runs per case, default 5),
# SERVICES (default 1000), DAYS (default 400), SHORT_DAYS (default 100), MONTH (YYYY-MM,
# default the last full month in Europe/Berlin), KEEP=1 keeps the temporary directory.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD:-build}
case $build in /*) ;; *) build="$root/$build" ;; esac
bin="$build/stackward"
runs=${RUNS:-5}
services=${SERVICES:-1000}
days=${DAYS:-400}
short_days=${SHORT_DAYS:-100}
outdir="$here/out"
timebin=/usr/bin/time
tz=Europe/Berlin # the contract's timezone in gen-sla-config.sh

die() {
    echo "bench: $*" >&2
    exit 1
}
for v in "$runs" "$services" "$days" "$short_days"; do
    case $v in '' | *[!0-9]* | 0*) die "RUNS, SERVICES, DAYS and SHORT_DAYS must be whole numbers from 1" ;; esac
done
[ "$runs" -le 100 ] || die "RUNS at most 100"
if [ "$days" -gt 4000 ] || [ "$short_days" -ge "$days" ]; then
    die "need SHORT_DAYS < DAYS <= 4000"
fi
[ -x "$bin" ] || die "$bin is missing: run 'make' first"
if ! [ -x "$timebin" ] || ! "$timebin" -f '%e %M' true 2>/dev/null; then
    die "GNU time is missing ($timebin): sh scripts/deps (package time)"
fi
command -v sqlite3 >/dev/null || die "sqlite3 is missing: sh scripts/deps"
command -v jq >/dev/null || die "jq is missing: sh scripts/deps"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stackward-slabench.XXXXXX")
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
    if [ "${KEEP:-0}" = 1 ]; then
        echo "bench: kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now=$(date +%s)
iso() {
    date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}
# Unix time of local midnight starting month $1 (YYYY-MM) in $tz.
month_start() {
    TZ=$tz date -d "$1-01 00:00" +%s
}
# The month $2 months before month $1 (both YYYY-MM; $2 may be negative).
month_minus() {
    echo "$1" | awk -F- -v k="$2" '{ i = $1 * 12 + ($2 - 1) - k; printf "%04d-%02d\n", int(i / 12), i % 12 + 1 }'
}
if [ -n "${MONTH:-}" ]; then
    month=$MONTH
    case $month in [0-9][0-9][0-9][0-9]-[01][0-9]) ;; *) die "MONTH must be YYYY-MM" ;; esac
else
    month=$(month_minus "$(TZ=$tz date -d "@$now" +%Y-%m)" 1)
fi
month_from=$(month_start "$month") || die "bad MONTH '$month'"
month_to=$(month_start "$(month_minus "$month" -1)")
[ "$month_to" -le "$now" ] || die "MONTH $month has not ended yet"
[ "$month_from" -ge $((now - days * 86400)) ] || die "MONTH $month is older than the history"
range_from=$((now - days * 86400))

load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# Intervals of all services overlapping [$2, $3) in database $1: what the history
# reads return for one statement over that period.
count_overlap() {
    sqlite3 "$1" "SELECT count(*) FROM intervals i JOIN objects o ON o.id = i.object_id
                  WHERE o.kind = 1 AND i.start_s < $3 AND (i.end_s IS NULL OR i.end_s > $2)"
}
# Intervals read by a report of $month in $1: the month and the 11 before it (those that
# have started), one statement each.
count_report() {
    total=0
    k=0
    while [ "$k" -lt 12 ]; do
        m=$(month_minus "$month" "$k")
        f=$(month_start "$m")
        t=$(month_start "$(month_minus "$m" -1)")
        if [ "$f" -lt "$now" ]; then
            total=$((total + $(count_overlap "$1" "$f" "$t")))
        fi
        k=$((k + 1))
    done
    echo "$total"
}

# ---- the histories ----
# make_history DAYS: $tmp/hDAYS/{config.yaml,sla.db}; appends "DAYS intervals gen_s size" to $tmp/dbs
: >"$tmp/dbs"
make_history() {
    d="$tmp/h$1"
    mkdir -p "$d"
    "$here/gen-sla-config.sh" "$services" sla.db >"$d/config.yaml"
    # stackward creates and migrates the database (status opens the store)
    "$bin" status -c "$d/config.yaml" >/dev/null || die "stackward status could not create $d/sla.db"
    t0=$(date +%s.%N)
    "$here/gen-history.sh" "$d/sla.db" "$services" "$1" "$now"
    t1=$(date +%s.%N)
    n=$(sqlite3 "$d/sla.db" "SELECT count(*) FROM intervals")
    size=$(($(stat -c %s "$d/sla.db") / 1048576))
    gen=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')
    echo "bench: $1 days: $n intervals for $services services in $gen s ($size MiB)" >&2
    echo "$1 $n $gen $size" >>"$tmp/dbs"
}
make_history "$days"
make_history "$short_days"

# ---- the cases ----
# run_case HISTORY NAME INTERVALS COMMAND...: a warm-up run, then RUNS timed runs; appends
# "HISTORY NAME INTERVALS median min max rss_max" to $tmp/rows.
: >"$tmp/rows"
run_case() {
    hist=$1
    name=$2
    nread=$3
    shift 3
    : >"$tmp/times"
    i=0
    while [ "$i" -le "$runs" ]; do
        rc=0
        "$timebin" -f '%e %M %U %S' -o "$tmp/t1" "$@" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
        # sla exits 1 when an objective is missed: that is a result, not a failure
        if [ "$rc" -gt 1 ]; then
            cat "$tmp/stderr" >&2
            die "$hist days, $name: exit status $rc: $*"
        fi
        [ "$i" -eq 0 ] || tail -1 "$tmp/t1" >>"$tmp/times"
        i=$((i + 1))
    done
    check_output "$name"
    # wall and CPU medians are taken separately (each column sorted on its own)
    cpu=$(awk '{ print $3 + $4 }' "$tmp/times" | sort -n | awk '{ c[NR] = $1 } END { print c[int((NR + 1) / 2)] }')
    sort -n "$tmp/times" | awk -v h="$hist" -v c="$name" -v n="$nread" -v cpu="$cpu" '
        { t[NR] = $1; if ($2 > m) m = $2 }
        END { printf "%s %s %s %.2f %.2f %.2f %d %.2f\n", h, c, n, t[int((NR + 1) / 2)], t[1], t[NR], m, cpu }' \
        >>"$tmp/rows"
    echo "bench: $hist days, $name: done" >&2
}
# The last run's output must be what was asked for.
check_output() {
    case $1 in
    sla-*)
        got=$(jq '.services | length' "$tmp/stdout") || die "$1: output is not JSON"
        [ "$got" -eq "$services" ] || die "$1: $got services in the output, expected $services"
        ;;
    report-json)
        got=$(jq '.services | length' "$tmp/report.json") || die "$1: output is not JSON"
        [ "$got" -eq "$services" ] || die "$1: $got services in the report, expected $services"
        ;;
    report-pdf)
        [ "$(head -c 5 "$tmp/report.pdf")" = "%PDF-" ] || die "$1: output is not a PDF"
        ;;
    esac
}
cases() {
    d="$tmp/h$1"
    db="$d/sla.db"
    cfg="$d/config.yaml"
    run_case "$1" sla-range "$(count_overlap "$db" "$range_from" "$now")" \
        "$bin" sla -c "$cfg" --customer bench --from "$(iso "$range_from")" --to "$(iso "$now")" \
        --format json
    run_case "$1" sla-month "$(count_overlap "$db" "$month_from" "$month_to")" \
        "$bin" sla -c "$cfg" --customer bench --month "$month" --format json
    nrep=$(count_report "$db")
    run_case "$1" report-json "$nrep" \
        "$bin" report -c "$cfg" --customer bench --month "$month" --format json -o "$tmp/report.json"
    run_case "$1" report-pdf "$nrep" \
        "$bin" report -c "$cfg" --customer bench --month "$month" --format pdf -o "$tmp/report.pdf"
}
cases "$days"
cases "$short_days"

# ---- the report ----
mkdir -p "$outdir"
report="$tmp/report.txt"
{
    echo "stackward SLA benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)"
    echo "stackward: $("$bin" --version 2>/dev/null | head -1 || echo unknown)," \
        "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
        "$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo '(with local changes)')," \
        "SQLite $(sqlite3 -version | cut -d' ' -f1)"
    echo "command: sh bench/sla.sh (BUILD=${BUILD:-build} RUNS=$runs SERVICES=$services DAYS=$days SHORT_DAYS=$short_days MONTH=$month)"
    echo "load average (1, 5, 15 min): $load_start at start, $(cut -d' ' -f1-3 /proc/loadavg) at end" \
        "(other work on the machine distorts every figure)"
    echo "now: $(iso "$now"); range: $(iso "$range_from") .. $(iso "$now") ($days days);" \
        "month: $month in $tz ($(iso "$month_from") .. $(iso "$month_to"))"
    while read -r h n gen size; do
        echo "history $h days: $n intervals, $services services, generated in $gen s, database $size MiB"
    done <"$tmp/dbs"
    echo "each case: 1 warm-up run, then $runs timed runs (database in the OS page cache);" \
        "wall = median (min..max), peak RSS = the highest of the timed runs"
    echo
    awk '
    { h[NR] = $1; c[NR] = $2; n[NR] = $3; med[NR] = $4; lo[NR] = $5; hi[NR] = $6; rss[NR] = $7
      cpu[NR] = $8
      key[$1 " " $2] = NR; if (!(($1) in seen)) { seen[$1] = 1; hs[++nh] = $1 } }
    END {
        fmt = "%-8s %-12s %10s %7s %13s %6s %13s %9s %7s\n"
        printf fmt, "history", "case", "intervals", "wall_s", "(min..max)", "cpu_s", "peak_RSS_KiB",
               "target_s", "time"
        for (i = 1; i <= NR; i++)
            printf fmt, h[i] "d", c[i], n[i], med[i], "(" lo[i] ".." hi[i] ")", cpu[i], rss[i],
                   (h[i] == hs[1] ? "< 1" : "-"), (h[i] != hs[1] ? "(ref)" : med[i] < 1 ? "met" : "MISSED")
        if (nh < 2) exit
        long = hs[1]; short = hs[2]
        print ""
        printf "memory against history (%s days vs %s days, same services):\n", long, short
        fmt = "%-12s %13s %13s %11s %8s %21s %7s\n"
        printf fmt, "case", "RSS_" short "d_KiB", "RSS_" long "d_KiB", "growth_KiB", "growth", "target_KiB", "memory"
        for (i = 1; i <= NR; i++) {
            if (h[i] != long) continue
            j = key[short " " c[i]]
            g = rss[i] - rss[j]
            # Whole history in memory would add at least 24 bytes (struct sw_interval) per
            # extra interval read; the target allows SQLite page cache (at most 2,000 KiB per
            # connection by default) and one service at a time.
            all = (n[i] > n[j] ? (n[i] - n[j]) * 24 / 1024 : 0)
            printf fmt, c[i], rss[j], rss[i], sprintf("%+d", g), sprintf("%+.1f%%", 100 * g / rss[j]),
                   sprintf("<= 2048 (all: %d)", all), (g <= 2048 ? "met" : "MISSED")
        }
    }' "$tmp/rows"
    echo
    echo "intervals: state intervals the statements read, counted with SELECT count(*): those of the"
    echo "  contracted services overlapping the period (sla-range: the whole history; sla-month: the"
    echo "  month; report: the month and each of the 11 months before it that has started, summed)."
    echo "wall_s, cpu_s, peak_RSS_KiB: GNU time (/usr/bin/time -f '%e %M %U %S'): elapsed seconds (median,"
    echo "  and min..max), user + system CPU seconds (median), maximum resident set size (highest)."
    echo "time target: the median wall time under 1 s on the long history (1,000 services,"
    echo "  400 days); the short history's rows are there for the memory comparison."
    echo "memory target: peak RSS may grow by at most 2,048 KiB from the short to the long history;"
    echo "  'all' is what holding every extra interval read (24 B each) would add at the least."
} >"$report"
cp "$report" "$outdir/sla.txt"
cat "$report"
echo "bench: written to bench/out/sla.txt" >&2
