#!/usr/bin/python3
"""Load a modscan HTTP endpoint and count what it answered.

  http-load.py PORT load CLIENTS REQUESTS
      CLIENTS threads each send REQUESTS GETs of /health one after the
      other; prints "sent=N answered=N failed=N max_ms=N".  A request is
      answered when a whole HTTP/1.1 response with a 200 or 503 status and
      its Content-Length body arrived.
  http-load.py PORT slowloris IDLE CHECKS
      opens IDLE connections that send a partial request and then a header
      line every second, keeps them open, and meanwhile GETs /health CHECKS
      times; prints "idle=N held=N checks=N answered=N max_ms=N".
"""
import socket
import sys
import threading
import time


def get(port, path="/health", timeout=10.0):
    """One GET; returns (ok, milliseconds)."""
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.settimeout(timeout)
        s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
    except OSError:
        return False, (time.monotonic() - t0) * 1000
    ms = (time.monotonic() - t0) * 1000
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep or not (head.startswith(b"HTTP/1.1 200 ") or
                       head.startswith(b"HTTP/1.1 503 ")):
        return False, ms
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1]) == len(body), ms
    return False, ms


def load(port, clients, requests):
    res = []
    lock = threading.Lock()

    def worker():
        mine = [get(port) for _ in range(requests)]
        with lock:
            res.extend(mine)

    ts = [threading.Thread(target=worker) for _ in range(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    good = sum(1 for ok, _ in res if ok)
    print("sent=%d answered=%d failed=%d max_ms=%d" %
          (len(res), good, len(res) - good, max(ms for _, ms in res)))
    return 0 if good == len(res) else 1


def slowloris(port, idle, checks):
    socks = []
    for _ in range(idle):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /health HTTP/1.1\r\n")
            socks.append(s)
        except OSError:
            pass
    res = []
    for i in range(checks):
        res.append(get(port))
        for s in socks:
            try:
                s.sendall(b"X-a: b\r\n")
            except OSError:
                pass
        time.sleep(0.05)
    held = 0
    for s in socks:
        try:
            s.sendall(b"X-a: b\r\n")
            held += 1
        except OSError:
            pass
        s.close()
    good = sum(1 for ok, _ in res if ok)
    print("idle=%d held=%d checks=%d answered=%d max_ms=%d" %
          (len(socks), held, checks, good, max(ms for _, ms in res)))
    return 0 if good == checks else 1


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    a, b = int(sys.argv[3]), int(sys.argv[4])
    if mode == "load":
        return load(port, a, b)
    return slowloris(port, a, b)


if __name__ == "__main__":
    sys.exit(main())
