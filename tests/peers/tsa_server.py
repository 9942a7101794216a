#!/usr/bin/env python3
"""Tiny RFC 3161 time-stamping authority for the tests: `openssl ts -reply` behind http.server.
usage: tsa_server.py PKI_DIR  — binds 127.0.0.1 on a free port and prints it on stdout.
POST /        → application/timestamp-reply signed by PKI_DIR/tsa.pem (config PKI_DIR/tsa.cnf)
POST /fail    → HTTP 500 (to test error handling)
POST /garbage → 200 with bytes that are not a TimeStampResp"""
import http.server, os, subprocess, sys, tempfile

PKI = sys.argv[1]

class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/fail":
            self.send_error(500)
            return
        if self.path == "/garbage":
            out = b"not a time-stamp reply"
        else:
            with tempfile.TemporaryDirectory() as d:
                q, r = os.path.join(d, "q.tsq"), os.path.join(d, "r.tsr")
                open(q, "wb").write(body)
                p = subprocess.run(["openssl", "ts", "-reply", "-config", os.path.join(PKI, "tsa.cnf"),
                                    "-queryfile", q, "-out", r], capture_output=True)
                if p.returncode != 0:
                    self.send_error(500)
                    return
                out = open(r, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

srv = http.server.HTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
