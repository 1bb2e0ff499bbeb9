# shellcheck shell=sh disable=SC2154 # $tmp, $nginx come from the script that sources this
# nginx-target.sh: the local HTTP target of the benchmarks, sourced by bench/http.sh and
# bench/cluster.sh. start_nginx_target runs nginx (one worker) on 127.0.0.1: every path
# answers "ok", and stub_status counts the requests served. It uses the caller's $nginx,
# $tmp, free_port, wait_up and die, and sets port, status_port and nginx_pid.

start_nginx_target() {
    port=$(free_port 18280)
    status_port=$(free_port $((port + 1)))
    mkdir -p "$tmp/nginx"
    cat >"$tmp/nginx/nginx.conf" <<NGINX
# written by bench/nginx-target.sh: a minimal, fast local HTTP target
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
