# promstack.sh: a real Prometheus and Alertmanager (Debian's prometheus and
# prometheus-alertmanager) on 127.0.0.1 for the integration tests, as plain processes in a
# directory of the test's own: no systemd, no default ports, nothing outside DIR. Source it
# (after lib.sh, whose cleanup then also kills what is started here) and call:
#
#   ps_start DIR PROM_PORT AM_PORT WEBHOOK_URL TARGET_PORT
#       Installs the two packages if missing, starts a scrape target on TARGET_PORT serving
#       DIR/metrics (sw_test_up 1 at first), Prometheus on PROM_PORT scraping it every 1s and
#       evaluating two alerting rules every 1s, and Alertmanager on AM_PORT posting every
#       group (group_wait 1s, group_interval 1s, repeat_interval 10s, send_resolved) to
#       WEBHOOK_URL. Returns when both answer /-/ready; prints the start-up time.
#         TargetDown  sw_test_up == 0, for 0s; customer=acme deployment=fra1 service=api
#                     severity=critical; summary "Target 127.0.0.1:PORT is down"
#         Watchdog    vector(1), always firing; customer=acme deployment=fra1
#                     service=monitoring severity=none
#   ps_set_up DIR VALUE   makes the target serve sw_test_up VALUE (TargetDown fires at 0)
#   ps_stop DIR           stops the three processes (SIGTERM, then SIGKILL after 5s)
# Logs: DIR/prometheus.log, DIR/alertmanager.log, DIR/target.log; pids in DIR/NAME.pid
# (kill -TERM "$(cat DIR/prometheus.pid)" silences the pipeline for a Watchdog test).
#
# Measured on the dev VM (2 cores): ps_start takes 5.5-6 s, most of it waiting for
# Prometheus to pass the Alertmanager to its notifier (it does so every 5 s); the first
# Watchdog webhook follows 1-2 s later and repeats every 10 s. sw_test_up 0 -> firing
# TargetDown webhook 0.9-1.9 s; back to 1 -> resolved webhook 0.9-1.8 s. Prometheus stopped
# -> resolved Watchdog webhook after 4 s (4 x resend-delay), then silence.
# Debian's postinst scripts may start the packaged daemons on their default ports (9090,
# 9093, 9094) where a policy-rc.d allows it; we never use those, so pick other ports.

# ps_log MESSAGE: progress on stderr, kept apart from the test's own output.
ps_log() {
    echo "promstack: $*" >&2
}

# ps_install: the two packages, when their binaries are missing.
ps_install() {
    if command -v prometheus >/dev/null && command -v prometheus-alertmanager >/dev/null; then
        return 0
    fi
    ps_log "installing prometheus and prometheus-alertmanager"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 \
        --no-install-recommends prometheus prometheus-alertmanager >&2
}

# ps_port_busy PORT: true when something listens on 127.0.0.1:PORT.
ps_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ps_wait_ready URL NAME LOG PID: polls URL for up to 30 s; on failure shows the log's end.
ps_wait_ready() {
    for _ in $(seq 300); do
        curl -fs "$1" >/dev/null 2>&1 && return 0
        if ! kill -0 "$4" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    ps_log "$2 did not become ready at $1; the end of $3:"
    tail -n 20 "$3" >&2
    return 1
}

# ps_spawn DIR NAME COMMAND...: starts COMMAND in the background with its output in
# DIR/NAME.log and its pid in DIR/NAME.pid (and in lib.sh's PIDS, for its cleanup).
ps_spawn() {
    local dir=$1 name=$2
    shift 2
    "$@" >"$dir/$name.log" 2>&1 &
    echo $! >"$dir/$name.pid"
    PIDS="${PIDS:-} $!"
}

ps_write_config() {
    local dir=$1 am_port=$3 webhook=$4 target_port=$5

    cat >"$dir/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $dir/rules.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:$am_port']
scrape_configs:
  - job_name: target
    static_configs:
      - targets: ['127.0.0.1:$target_port']
EOF
    cat >"$dir/rules.yml" <<EOF
groups:
  - name: stackward-test
    interval: 1s
    rules:
      - alert: TargetDown
        expr: sw_test_up == 0
        for: 0s
        labels:
          customer: acme
          deployment: fra1
          service: api
          severity: critical
        annotations:
          summary: Target {{ \$labels.instance }} is down
          description: sw_test_up has been {{ \$value }} on {{ \$labels.instance }}.
      - alert: Watchdog
        expr: vector(1)
        labels:
          customer: acme
          deployment: fra1
          service: monitoring
          severity: none
        annotations:
          summary: The alerting pipeline is alive
EOF
    cat >"$dir/alertmanager.yml" <<EOF
route:
  receiver: webhook
  group_by: ['alertname', 'customer', 'deployment', 'service']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 10s
receivers:
  - name: webhook
    webhook_configs:
      - url: '$webhook'
        send_resolved: true
EOF
}

ps_start() {
    if [ $# -ne 5 ]; then
        ps_log "usage: ps_start DIR PROM_PORT AM_PORT WEBHOOK_URL TARGET_PORT"
        return 2
    fi
    local dir=$1 prom_port=$2 am_port=$3 webhook=$4 target_port=$5
    local t0 t1 p
    t0=$(date +%s%N)
    ps_install || return 1
    for p in "$prom_port" "$am_port" "$target_port"; do
        if ps_port_busy "$p"; then
            ps_log "port $p on 127.0.0.1 is already taken"
            return 1
        fi
    done
    mkdir -p "$dir/prometheus-data" "$dir/alertmanager-data"
    ps_set_up "$dir" 1
    ps_write_config "$@"

    # http.server serves DIR/metrics at /metrics (as application/octet-stream: Prometheus
    # falls back to the text format for a content type it does not know).
    ps_spawn "$dir" target python3 -m http.server "$target_port" --bind 127.0.0.1 \
        --directory "$dir"
    ps_spawn "$dir" alertmanager prometheus-alertmanager \
        --config.file="$dir/alertmanager.yml" \
        --storage.path="$dir/alertmanager-data" \
        --web.listen-address="127.0.0.1:$am_port" \
        --cluster.listen-address=
    # resend-delay 1s (default 1m): an alert that fired before Prometheus found the
    # Alertmanager (Watchdog, at once) reaches it within a second of that, not a minute.
    ps_spawn "$dir" prometheus prometheus \
        --config.file="$dir/prometheus.yml" \
        --storage.tsdb.path="$dir/prometheus-data" \
        --web.listen-address="127.0.0.1:$prom_port" \
        --rules.alert.resend-delay=1s

    ps_wait_ready "http://127.0.0.1:$target_port/metrics" target "$dir/target.log" \
        "$(cat "$dir/target.pid")" || return 1
    ps_wait_ready "http://127.0.0.1:$am_port/-/ready" alertmanager "$dir/alertmanager.log" \
        "$(cat "$dir/alertmanager.pid")" || return 1
    ps_wait_ready "http://127.0.0.1:$prom_port/-/ready" prometheus "$dir/prometheus.log" \
        "$(cat "$dir/prometheus.pid")" || return 1
    # Prometheus hands its notifier the Alertmanager list at most every 5 s: until then
    # alerts go nowhere.
    for _ in $(seq 150); do
        curl -fs "http://127.0.0.1:$prom_port/api/v1/alertmanagers" 2>/dev/null |
            grep -q "127.0.0.1:$am_port" && break
        sleep 0.1
    done
    if ! curl -fs "http://127.0.0.1:$prom_port/api/v1/alertmanagers" |
        grep -q "127.0.0.1:$am_port"; then
        ps_log "prometheus did not find the alertmanager at 127.0.0.1:$am_port within 15 s"
        return 1
    fi
    t1=$(date +%s%N)
    ps_log "up in $(( (t1 - t0) / 1000000 )) ms: prometheus 127.0.0.1:$prom_port," \
        "alertmanager 127.0.0.1:$am_port, target 127.0.0.1:$target_port, webhook $webhook"
}

# The file is replaced, never rewritten in place, so a scrape never reads half of it.
ps_set_up() {
    local dir=$1 value=$2

    mkdir -p "$dir"
    printf '# HELP sw_test_up Whether the test target is up.\n# TYPE sw_test_up gauge\nsw_test_up %s\n' \
        "$value" >"$dir/metrics.tmp"
    mv -f "$dir/metrics.tmp" "$dir/metrics"
}

ps_stop() {
    local dir=$1 name pid

    for name in prometheus alertmanager target; do
        [ -f "$dir/$name.pid" ] || continue
        pid=$(cat "$dir/$name.pid")
        kill -TERM "$pid" 2>/dev/null || true
    done
    for name in prometheus alertmanager target; do
        [ -f "$dir/$name.pid" ] || continue
        pid=$(cat "$dir/$name.pid")
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        rm -f "$dir/$name.pid"
    done
}
