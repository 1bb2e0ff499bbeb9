#!/usr/bin/python3
# k8s_server.py: a stand-in for the Kubernetes API server, for the integration tests (Debian
# has none). Serves over HTTPS on 127.0.0.1, from files in DIR that the test may switch at
# any time (each request reads them again):
#   GET /readyz?verbose -> DIR/readyz.txt    GET /livez?verbose -> DIR/livez.txt
#   GET /api/v1/nodes   -> DIR/nodes.json
# A verbose report is answered 200 when it passed and 500 when it failed (a line
# "WORD check failed" or an item "[-]..."), as the API server does; any other body (a test
# of bad answers) with 200. Without ?verbose /readyz and /livez answer "ok" or "failed" only.
# Every request needs "Authorization: Bearer TOKEN", TOKEN being the content of TOKEN_FILE
# (read on each request, surrounding whitespace stripped): else 401 with an API Status
# object, as the API server answers. Binds an ephemeral port and writes it to PORT_FILE once
# listening. Usage: k8s_server.py DIR TOKEN_FILE CERT KEY PORT_FILE; stops on SIGTERM.
import http.server
import json
import os
import ssl
import sys
import urllib.parse

directory, token_file, cert, key, port_file = sys.argv[1:6]


def read(name):
    with open(os.path.join(directory, name), "rb") as f:
        return f.read()


def report_failed(body):
    for line in body.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line.startswith("[-]") or line.endswith(" check failed"):
            return True
    return False


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, code, body, ctype):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def status_object(self, code, reason, message):
        body = json.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {},
                           "status": "Failure", "message": message, "reason": reason,
                           "code": code}).encode()
        self.answer(code, body, "application/json")

    def do_GET(self):
        with open(token_file) as f:
            token = f.read().strip()
        if self.headers.get("Authorization") != "Bearer " + token:
            self.status_object(401, "Unauthorized", "Unauthorized")
            return
        url = urllib.parse.urlsplit(self.path)
        verbose = "verbose" in urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path in ("/readyz", "/livez"):
            body = read(url.path[1:] + ".txt")
            code = 500 if report_failed(body) else 200
            if not verbose:
                body = b"ok" if code == 200 else b"failed"
            self.answer(code, body, "text/plain; charset=utf-8")
        elif url.path == "/api/v1/nodes":
            self.answer(200, read("nodes.json"), "application/json")
        else:
            self.status_object(404, "NotFound", "the server could not find the requested resource")

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that refuses the certificate, or hangs up: nothing to report


server = Server(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
# the handshake in the connection's thread, not in accept(): a client that stalls it does
# not hold up the others
server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
