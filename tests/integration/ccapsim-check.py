#!/usr/bin/python3
"""Scan ccapsim devices the way CCAP-FORMATS.md says a correct client must
(paramiko shell, pager answered with space, clean-up of section 2, rules of
sections 4-6) and print what it extracts, in the truth log's terms:
"NAME UPSTREAM CODE" per record and "NAME - - FAILED|PARTIAL REASON".
An independent reading of the bytes, to hold the truth log against.

usage: ccapsim-check.py INVENTORY NAME...
"""
import re
import sys
import time

import paramiko

ANSI = re.compile(rb'\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-_]')
PAGER = re.compile(rb'[ \t]*-- ?more ?--[ \t]*[\x08 \r]*', re.I)
PAGER_END = re.compile(rb'-- ?more ?-- ?$', re.I)
PROMPT_LINE = re.compile(r'^[A-Za-z][A-Za-z0-9._-]*[>#]')


def run(ch, name, cmd, timeout=30):
    """Send one command; return (raw bytes up to the prompt, complete?)."""
    try:
        ch.send(cmd + '\r')
    except (OSError, EOFError):
        return b'', False
    prompt = re.compile(rb'(^|[\r\n])' + re.escape(name.encode()) + rb'[#>]$')
    buf, answered, end = b'', 0, time.time() + timeout
    while time.time() < end:
        if ch.recv_ready():
            data = ch.recv(65536)
            if not data:
                break
            buf += data
            if PAGER_END.search(buf):
                pagers = len(re.findall(rb'-- ?more ?--', buf, re.I))
                if pagers > answered:
                    try:
                        ch.send(' ')
                    except (OSError, EOFError):
                        break
                    answered = pagers
            if prompt.search(buf):
                return buf, True
        elif ch.closed or ch.exit_status_ready():
            break
        else:
            time.sleep(0.005)
    return buf, False


def clean(raw):
    """Section 2, steps 1-8: lines, partial?, failure line or None."""
    b = raw.replace(b'\0', b'')
    b = ANSI.sub(b'', b)
    b = PAGER.sub(b'', b)
    out = bytearray()
    for c in b:
        if c == 8:
            if out:
                out.pop()
        else:
            out.append(c)
    t = bytes(out).decode('latin-1')
    t = t.replace('\r\r\n', '\n').replace('\r\n', '\n').replace('\n\r', '\n')
    t = t.replace('\r', '\n')
    lines = t.split('\n')
    partial = False
    last = lines.pop()
    if last and not PROMPT_LINE.match(last):
        partial = True
    lines = [l for l in lines
             if not PROMPT_LINE.match(l) and not l.startswith('show ')]
    lines = lines[1:] if lines and lines[0] == '' else lines
    for l in lines:
        if l.lstrip().startswith('%'):
            return lines, partial, l.strip()
    return lines, partial, None


def e6000(lines):
    for l in lines:
        f = l.split()
        if (len(f) >= 10 and re.match(r'^\d+/(\d+|scq)/\d+$', f[0])
                and 'IS' in f and 'atdma' in f):
            yield f[0], f[9]


def casa(lines):
    for l in lines:
        f = l.split()
        if len(f) >= 10 and re.match(r'^\d+/\d+\.\d+/\d+$', f[0]) and f[3] == 'M':
            yield f[0], f[9]


def cbr8(lines):
    blk = None
    hdr = re.compile(r'^\s*Cable(\d+/\d+/\d+) Upstream (\d+) is (\S+)')

    def flush(b):
        if b and b['state'] == 'up' and b['n'] is not None and 0 <= b['n'] <= 3 \
                and b['code'] is not None and not b['ofdma']:
            yield '%s/%d' % (b['dom'], b['n']), b['code']
    for l in lines:
        m = hdr.match(l)
        if m:
            yield from flush(blk)
            blk = dict(dom=m.group(1), state=m.group(3), n=None, code=None, ofdma=False)
            continue
        if blk is None:
            continue
        m = re.search(r'Bind to .* US(\d+)', l)
        if m:
            blk['n'] = int(m.group(1))
        m = re.search(r'Modulation Profile Group (\d+)', l)
        if m:
            blk['code'] = m.group(1)
        m = re.search(r'Modulation Profile \(ID (\d+),', l)
        if m:
            if 'Subcarrier' in l:
                blk['ofdma'] = True
            else:
                blk['code'] = m.group(1)
    yield from flush(blk)


def scan(name, port, family):
    cli = paramiko.SSHClient()
    cli.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    cli.connect('127.0.0.1', port, 'modscan', 'modscan', look_for_keys=False,
                allow_agent=False, timeout=10)
    ch = cli.invoke_shell(term='vt100', width=80, height=24)
    run(ch, name, '')
    out = []

    def data(cmd, parser, need):
        raw, done = run(ch, name, cmd)
        lines, partial, fail = clean(raw)
        if fail:
            out.append('%s - - FAILED invalid-input' % name)
            return []
        recs, seen = [], set()
        for up, code in parser(lines):
            if up not in seen:
                seen.add(up)
                recs.append('%s %s %s' % (name, up, code))
        out.extend(recs)
        if partial or not done:
            out.append('%s - - PARTIAL disconnect' % name)
        elif need and not recs:
            out.append('%s - - FAILED no-upstreams' % name)
        return lines
    if family == 'e6000':
        run(ch, name, 'terminal length 0')
        data('show interface cable-upstream', e6000, True)
    elif family == 'casa':
        run(ch, name, 'page-off')
        data('show spectrum hop-history', casa, True)
    else:
        run(ch, name, 'terminal length 0')
        lines = data('show cable modem summary', lambda l: iter(()), False)
        doms = []
        for l in lines:
            m = re.match(r'^C(\d+/\d+/\d+)/U[B0-9]+$', (l.split() or [''])[0])
            if m and m.group(1) not in doms:
                doms.append(m.group(1))
        before = len(out)
        for d in doms:
            if ch.closed:
                break
            data('show controllers Cable%s upstream | include Profile|Upstream|US|up|UP' % d,
                 cbr8, False)
        if len(out) == before:
            out.append('%s - - FAILED no-upstreams' % name)
    cli.close()
    return out


def main():
    inv = {}
    for l in open(sys.argv[1]):
        f = l.split()
        inv[f[0]] = (int(f[2]), f[3])
    for name in sys.argv[2:]:
        port, family = inv[name]
        for line in scan(name, port, family):
            print(line)


if __name__ == '__main__':
    main()
