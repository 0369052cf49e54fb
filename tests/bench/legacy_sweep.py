#!/usr/bin/python3
"""Baseline for tests/bench/sweep: one sweep done the way the legacy Python
tool did it (Netmiko, a thread pool of 10, one connection per device, the
legacy command spellings).  Prints devices, seconds and devices/s.

usage: legacy_sweep.py INVENTORY USER PASSWORD [MAX_DEVICES] [THREADS]
"""
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from netmiko import ConnectHandler

COMMANDS = {
    "e6000": ["terminal length 0", "show interface cable-upstream"],
    "casa": ["page-off", "show spectrum hop-history"],
    "cbr8": ["terminal length 0", "show cable modem sum"],
}


def scan(dev, user, password):
    name, host, port, family = dev
    conn = ConnectHandler(device_type="cisco_ios", host=host, port=port,
                          username=user, password=password,
                          timeout=120, fast_cli=False)
    lines = 0
    try:
        for cmd in COMMANDS[family]:
            out = conn.send_command(cmd)
            lines += out.count("\n")
        if family == "cbr8":
            # one filtered controller listing per MAC domain, as legacy did
            for dom in ("1/0/0", "1/0/1"):
                out = conn.send_command(
                    "show controller c%s Upstream | i "
                    "Profile|Upstream|US|up|UP" % dom)
                lines += out.count("\n")
    finally:
        conn.disconnect()
    return lines


def main():
    inv, user, password = sys.argv[1:4]
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 10
    devs = []
    with open(inv) as f:
        for line in f:
            p = line.split()
            if len(p) >= 4 and not p[0].startswith("#"):
                devs.append((p[0], p[1], int(p[2]), p[3]))
    devs = devs[:limit]
    start = time.monotonic()
    ok = failed = 0
    with ThreadPoolExecutor(max_workers=threads) as ex:
        futs = [ex.submit(scan, d, user, password) for d in devs]
        for fut in futs:
            try:
                fut.result()
                ok += 1
            except Exception as e:  # the legacy tool logged and went on
                failed += 1
                print("legacy: %s" % e, file=sys.stderr)
    secs = time.monotonic() - start
    print("legacy devices=%d ok=%d failed=%d seconds=%.2f devices_per_s=%.2f"
          % (len(devs), ok, failed, secs, len(devs) / secs))


if __name__ == "__main__":
    main()
