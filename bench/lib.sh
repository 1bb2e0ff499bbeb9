# shellcheck shell=sh disable=SC2154 # $tmp, $nginx come from the script that sources this
# lib.sh: what bench/http.sh and bench/cluster.sh share, sourced by them: free ports,
# waiting for a server, and the local HTTP target. start_nginx_target runs nginx (one
# worker) on 127.0.0.1: every path answers "ok", and stub_status counts the requests served.
# It uses the caller's $nginx, $tmp and die, and sets port, status_port and nginx_pid.

# Prints the first port from $1 up on which nothing answers on 127.0.0.1.
free_port() {
    p=$1
    while [ "$p" -lt 65000 ]; do
        rc=0
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/" 2>/dev/null || rc=$?
        if [ "$rc" -eq 7 ]; then
            echo "$p"
            return 0
        fi
        p=$((p + 1))
    done
    die "no free port from $1"
}

# Waits up to $2 s until URL $1 answers 200; fails early when process $3 is gone.
# (sh has no local variables: the counter has a name of its own.)
wait_up() {
    wu_i=0
    while ! curl -fs -o /dev/null --max-time 1 "$1" 2>/dev/null; do
        kill -0 "$3" 2>/dev/null || return 1
        wu_i=$((wu_i + 1))
        [ "$wu_i" -lt $(($2 * 10)) ] || return 1
        sleep 0.1
    done
}

start_nginx_target() {
    port=$(free_port 18280)
    status_port=$(free_port $((port + 1)))
    mkdir -p "$tmp/nginx"
    cat >"$tmp/nginx/nginx.conf" <<NGINX
# written by bench/lib.sh: a minimal, fast local HTTP target
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events {
    worker_connections 16384;
}
http {
    access_log off;
    client_body_temp_path $tmp/nginx/client_body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    # The server closes each connection after its answer, so TIME_WAIT stays on its side
    # and the prober does not run out of ephemeral ports at thousands of connections/s.
    keepalive_timeout 0;
    server {
        listen 127.0.0.1:$port backlog=4096;
        location / {
            return 200 "ok\n";
        }
    }
    server {
        listen 127.0.0.1:$status_port;
        location = /status {
            stub_status;
        }
    }
}
NGINX
    "$nginx" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" \
        -g 'daemon off;' &
    nginx_pid=$!
    if ! wait_up "http://127.0.0.1:$port/c/1" 10 "$nginx_pid"; then
        cat "$tmp/nginx/error.log" >&2 || true
        die "nginx did not start on 127.0.0.1:$port"
    fi
}

# Requests nginx has served so far (stub_status, third number of the third line).
nginx_requests() {
    curl -fs --max-time 2 "http://127.0.0.1:$status_port/status" | awk 'NR == 3 { print $3 }'
}
