#!/usr/bin/python3
"""A chat webhook for the ALERT_COMMAND tests: plain HTTP on a
kernel-chosen port of 127.0.0.1.  Each POST body is appended, one a
line, to DIR/posts with its Content-Type checked; POST /down answers
503.  The port is written to the --ready file once it listens."""
import argparse
import http.server
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--ready", required=True)
    a = ap.parse_args()

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            if self.path == "/down":
                code = 503
            elif self.headers.get("Content-Type") != "application/json":
                code = 415
            else:
                with open(os.path.join(a.dir, "posts"), "ab") as f:
                    f.write(body + b"\n")
                code = 200
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    srv = http.server.HTTPServer(("127.0.0.1", 0), H)
    with open(a.ready + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(a.ready + ".tmp", a.ready)
    srv.serve_forever()


if __name__ == "__main__":
    main()
