#!/usr/bin/python3
# hook.py: a webhook receiver for the integration tests. Listens on 127.0.0.1:PORT, answers
# the first REFUSE POSTs with 503 and the others with 200, and appends each accepted body as
# one line to OUT (refused ones to OUT.refused). Usage: hook.py PORT REFUSE OUT; stops on SIGTERM.
import http.server
import sys

port, refuse, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
seen = 0


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        seen += 1
        code = 503 if seen <= refuse else 200
        with open(out + (".refused" if code != 200 else ""), "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", port), Hook).serve_forever()
