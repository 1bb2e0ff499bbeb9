#!/bin/bash
# t_tls.sh: the listener with `tls:` serves HTTPS only, with the configured certificate; a
# session cookie is then Secure; bad TLS settings are refused at load, naming the file.
. "$(dirname "$0")/lib.sh"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
PORT=$(free_port)
cat >"$T/sw.yaml" <<EOF2
database: $T/sw.db
listen: 127.0.0.1:$PORT
tls: {cert_file: $T/cert.pem, key_file: $T/key.pem}
customers:
  - id: acme
    deployments:
      - id: fra1
        services:
          - id: api
            checks:
              - {id: push, type: passive}
EOF2
"$STACKWARD" serve -c "$T/sw.yaml" >>"$T/daemon.log" 2>&1 &
PID=$!
PIDS="$PIDS $PID"
wait_for "HTTPS healthz" 10 curl -fs --cacert "$T/cert.pem" "https://127.0.0.1:$PORT/healthz"
assert_eq "HTTPS with the CA" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/cert.pem" "https://127.0.0.1:$PORT/api/v1/services")"
assert_eq "plain HTTP gets no answer" 000 \
    "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$PORT/healthz" || true)"
TOKEN=$("$STACKWARD" token create -c "$T/sw.yaml" --name ops --role engineer)
cookie=$(curl -s -o /dev/null -D - --cacert "$T/cert.pem" --data-urlencode "token=$TOKEN" \
    "https://127.0.0.1:$PORT/login" | tr -d '\r' | grep -i '^set-cookie:')
assert_match "session cookie is Secure" '; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$' "$cookie"
API="https://127.0.0.1:$PORT"
kill -TERM "$PID"
wait "$PID" 2>/dev/null || true

# refused at load: a key that is not a key, a missing certificate
cp "$T/cert.pem" "$T/notakey.pem"
sed -i "s|key_file: $T/key.pem|key_file: $T/notakey.pem|" "$T/sw.yaml"
out=$("$STACKWARD" validate -c "$T/sw.yaml" 2>&1) && rc=0 || rc=$?
assert_eq "bad key refused" 2 "$rc"
assert_match "names the file" "key_file '$T/notakey.pem' is not a PEM PRIVATE KEY" "$out"
sed -i "s|tls: {cert_file: $T/cert.pem, key_file: $T/notakey.pem}|tls: {key_file: $T/key.pem}|" "$T/sw.yaml"
out=$("$STACKWARD" validate -c "$T/sw.yaml" 2>&1) && rc=0 || rc=$?
assert_eq "missing certificate refused" 2 "$rc"
assert_match "says what is missing" "missing required key 'cert_file'" "$out"
finish
