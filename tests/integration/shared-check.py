#!/usr/bin/python3
"""Checks of the shared-scanning tests (t27xx), on rows dumped from
device_scans and on the ccapsim truth log.  The schedule and the
rendezvous choice are computed here from their definitions (FNV-1a slot of
the name inside the interval; FNV-1a of "instance/device" through
splitmix64's finaliser, the highest wins), not taken from modscan.

  shared-check.py once SCANS IV_MS FROM_MS TO_MS
      every device of SCANS (lines: device instance started_ms) has exactly
      one scan in each of its due occurrences that lie within
      [FROM_MS, TO_MS): prints "devices N occurrences M"
  shared-check.py truth TRUTH IV_MS FROM_MS TO_MS DEVICES
      the same on the truth log (scans: a device's lines less than IV/2
      apart are one scan), for the devices listed one a line in DEVICES
  shared-check.py prefer IV_MS DEVICES NAME...
      prints "DEVICE PREFERRED" for each device
  shared-check.py spread SCANS FROM_MS TO_MS NAME...
      prints "NAME COUNT" of the scans in the window, and "agree P": the
      percentage of them by the instance rendezvous prefers
  shared-check.py takeover SCANS GONE AT_MS WITHIN_MS
      every device that GONE scanned before AT_MS is scanned by another
      instance in (AT_MS, AT_MS + WITHIN_MS]
  shared-check.py next SCANS GONE AT_MS IV_MS
      every device that GONE scanned before AT_MS is scanned by another
      instance in its first due occurrence that starts after AT_MS
"""
import sys

M = (1 << 64) - 1


def fnv(s, h=0xcbf29ce484222325):
    for c in s.encode():
        h ^= c
        h = (h * 0x100000001b3) & M
    return h


def mix(x):
    x ^= x >> 30
    x = (x * 0xbf58476d1ce4e5b9) & M
    x ^= x >> 27
    x = (x * 0x94d049bb133111eb) & M
    x ^= x >> 31
    return x


def prefer(device, names):
    return max(names, key=lambda n: (mix(fnv(n + "/" + device)),
                                      [-ord(c) for c in n]))


def offset(device, iv):
    return fnv(device) % iv


def occurrence(device, t, iv):
    """The index of the due time at or before t."""
    return (t - offset(device, iv)) // iv


def scans(path):
    out = []
    for line in open(path):
        f = line.split()
        if len(f) == 3:
            out.append((f[0], f[1], int(f[2])))
    return out


def check_once(rows, iv, lo, hi, devices):
    count = {}
    for dev, _, t in rows:
        count.setdefault(dev, {})
        k = occurrence(dev, t, iv)
        count[dev][k] = count[dev].get(k, 0) + 1
    bad = []
    total = 0
    for dev in devices:
        off = offset(dev, iv)
        first = (lo - off + iv - 1) // iv
        last = (hi - off) // iv - 1     # due time and a full interval
        for k in range(first, last + 1):
            n = count.get(dev, {}).get(k, 0)
            total += 1
            if n != 1:
                bad.append("%s occurrence %d (due %d): %d scans" %
                           (dev, k, k * iv + off, n))
    if bad:
        sys.exit("\n".join(bad))
    print("devices %d occurrences %d" % (len(devices), total))


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "once":
        rows = scans(a[0])
        iv, lo, hi = int(a[1]), int(a[2]), int(a[3])
        check_once(rows, iv, lo, hi, sorted({r[0] for r in rows}))
    elif cmd == "truth":
        iv, lo, hi = int(a[1]), int(a[2]), int(a[3])
        lines = {}
        for line in open(a[0]):
            f = line.split()
            lines.setdefault(f[1], []).append(int(f[0]))
        rows = []
        for dev, ts in lines.items():
            ts.sort()
            for i, t in enumerate(ts):
                if i == 0 or t - ts[i - 1] > iv // 2:
                    rows.append((dev, "", t))
        devices = [d.strip() for d in open(a[4]) if d.strip()]
        check_once(rows, iv, lo, hi, devices)
    elif cmd == "prefer":
        names = a[2:]
        for dev in (d.strip() for d in open(a[1]) if d.strip()):
            print(dev, prefer(dev, names))
    elif cmd == "spread":
        lo, hi, names = int(a[1]), int(a[2]), a[3:]
        rows = [r for r in scans(a[0]) if lo <= r[2] < hi]
        agree = sum(1 for d, i, _ in rows if prefer(d, names) == i)
        for n in names:
            print(n, sum(1 for r in rows if r[1] == n))
        print("agree %d" % (100 * agree // max(1, len(rows))))
    elif cmd in ("takeover", "next"):
        rows, gone, at = scans(a[0]), a[1], int(a[2])
        mine = sorted({d for d, i, t in rows if i == gone and t < at})
        if not mine:
            sys.exit("%s scanned nothing before %d" % (gone, at))
        bad = []
        for dev in mine:
            later = [t for d, i, t in rows if d == dev and i != gone and
                     t > at]
            if cmd == "takeover":
                ok = any(t <= at + int(a[3]) for t in later)
            else:
                iv = int(a[3])
                k = occurrence(dev, at, iv) + 1
                ok = any(occurrence(dev, t, iv) == k for t in later)
            if not ok:
                bad.append("%s: not scanned by another instance in time "
                           "(after %d: %s)" % (dev, at, later[:3]))
        if bad:
            sys.exit("\n".join(bad))
        print("%s had %d devices, all taken over" % (gone, len(mine)))
    else:
        sys.exit("unknown command " + cmd)


main()
