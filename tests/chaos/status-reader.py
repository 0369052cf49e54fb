#!/usr/bin/python3
"""Read a status file in a tight loop until STOPFILE exists and count
what was seen: reads=N torn=N missing=N.  A read is torn when it is not
JSON, or when its closing "crc" member (CRC-32, as zlib computes it, of
the text before that member) does not match.

  status-reader.py STATUS_FILE STOPFILE
"""
import json
import os
import sys
import zlib

KEY = b',\n\t"crc":\t"'


def torn(data):
    try:
        json.loads(data)
    except ValueError:
        return True
    k = data.rfind(KEY)
    if k < 0:
        return False
    crc = data[k + len(KEY):k + len(KEY) + 8]
    return int(crc, 16) != zlib.crc32(data[:k])


def main():
    path, stop = sys.argv[1], sys.argv[2]
    reads = bad = missing = 0
    while not os.path.exists(stop):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            missing += 1
            continue
        reads += 1
        if torn(data):
            bad += 1
    print("reads=%d torn=%d missing=%d" % (reads, bad, missing))


if __name__ == "__main__":
    main()
