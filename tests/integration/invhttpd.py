#!/usr/bin/python3
"""A test inventory API for DEVICES_URL: HTTPS (or plain HTTP) on a
kernel-chosen port of 127.0.0.1, Basic auth, answers from files.

  GET /api?...   DIR/api (the query string is logged)
  GET /FILE      DIR/FILE
  GET /slow      waits 60 s, then answers DIR/api
  GET /huge      64 MiB of device lines
  GET /code/NNN  HTTP status NNN
Each request is logged to DIR/requests.log as 'PATH AUTH-OK'.  The
port is written to the --ready file once it listens."""
import argparse
import base64
import http.server
import os
import ssl
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user", default="alice")
    ap.add_argument("--password", default="s3cret")
    a = ap.parse_args()
    want = "Basic " + base64.b64encode(
        f"{a.user}:{a.password}".encode()).decode()

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, code, body, ctype="application/json"):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            auth_ok = self.headers.get("Authorization") == want
            with open(os.path.join(a.dir, "requests.log"), "a") as f:
                f.write(f"{self.path} {'auth-ok' if auth_ok else 'no-auth'}\n")
            if not auth_ok:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="inv"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = self.path.split("?")[0].strip("/")
            if path == "slow":
                time.sleep(60)
                path = "api"
            if path == "huge":
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                line = b"CCAP999 127.0.0.1 22 e6000\n" * 4096
                try:
                    for _ in range(600):
                        self.wfile.write(line)
                except OSError:
                    pass
                return
            if path.startswith("code/"):
                self.send(int(path[5:]), b"{}")
                return
            f = os.path.join(a.dir, os.path.basename(path))
            if not os.path.isfile(f):
                self.send(404, b"not found", "text/plain")
                return
            with open(f, "rb") as fh:
                self.send(200, fh.read())

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = a.ready + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, a.ready)
    srv.serve_forever()


if __name__ == "__main__":
    main()
