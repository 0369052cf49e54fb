#!/usr/bin/python3
"""Open a local page in headless Chromium over the DevTools protocol
(--remote-debugging-pipe) and report what it did: every network request
the page made, console errors and exceptions (CSP violations among them),
the text of one element, and full-page screenshots at given widths.

  cdp-page.py URL ELEMENT_ID OUTDIR WIDTH[:mobile] ...

Prints lines "request URL", "console LEVEL TEXT", "exception TEXT",
"element WIDTH TEXT" (newlines as \\n), "scrollwidth WIDTH PIXELS" and
"screenshot PATH" (plus PATH-partN.png pieces of 1300 pixels)."""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

DEADLINE = time.monotonic() + 60


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix='cdp-profile.')
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():
            # The pipe protocol wants the browser's fds 3 (in) and 4 (out).
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            ['chromium', '--headless', '--no-sandbox', '--disable-gpu',
             '--disable-background-networking', '--disable-component-update',
             '--disable-sync', '--no-first-run', '--disable-extensions',
             '--host-resolver-rules=MAP * ~NOTFOUND',
             '--user-data-dir=' + self.profile,
             '--remote-debugging-pipe', 'about:blank'],
            preexec_fn=fds, pass_fds=(3, 4), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b''
        self.next_id = 0
        self.events = []

    def recv(self):
        while b'\0' not in self.buf:
            if time.monotonic() > DEADLINE:
                raise SystemExit('cdp-page: deadline passed')
            chunk = os.read(self.from_chrome, 65536)
            if not chunk:
                raise SystemExit('cdp-page: chromium closed the pipe')
            self.buf += chunk
        msg, self.buf = self.buf.split(b'\0', 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session:
            msg['sessionId'] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b'\0')
        while True:
            m = self.recv()
            if m.get('id') == self.next_id:
                if 'error' in m:
                    raise SystemExit('cdp-page: %s: %s' % (method, m['error']))
                return m.get('result', {})
            self.events.append(m)

    def wait_event(self, name):
        while True:
            for i, m in enumerate(self.events):
                if m.get('method') == name:
                    return self.events.pop(i)
            self.events.append(self.recv())

    def close(self):
        try:
            self.call('Browser.close')
        except SystemExit:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        subprocess.run(['rm', '-rf', self.profile])


def main():
    url, element, outdir, widths = sys.argv[1], sys.argv[2], sys.argv[3], \
        sys.argv[4:]
    b = Browser()
    seen = []
    try:
        target = b.call('Target.createTarget', {'url': 'about:blank'})
        s = b.call('Target.attachToTarget', {'targetId': target['targetId'],
                                             'flatten': True})['sessionId']
        for dom in ('Network', 'Page', 'Runtime', 'Log'):
            b.call(dom + '.enable', session=s)
        for w in widths:
            width, _, mobile = w.partition(':')
            width = int(width)
            b.call('Emulation.setDeviceMetricsOverride',
                   {'width': width, 'height': 900, 'deviceScaleFactor': 1,
                    'mobile': mobile == 'mobile'}, session=s)
            # A fresh document each time: a navigation that changes only
            # the fragment would not load the page again.
            for u in ('about:blank', url):
                b.call('Page.navigate', {'url': u}, session=s)
                b.wait_event('Page.loadEventFired')
            r = b.call('Runtime.evaluate', {
                'expression': 'document.getElementById(%s).textContent'
                              % json.dumps(element),
                'returnByValue': True}, session=s)
            text = r.get('result', {}).get('value', '')
            print('element %d %s' % (width, text.replace('\n', '\\n')))
            r = b.call('Runtime.evaluate', {
                'expression': 'document.documentElement.scrollWidth',
                'returnByValue': True}, session=s)
            print('scrollwidth %d %s' % (width, r['result'].get('value')))
            m = b.call('Page.getLayoutMetrics', session=s)
            h = int(m['cssContentSize']['height'])
            b.call('Emulation.setDeviceMetricsOverride',
                   {'width': width, 'height': min(h, 8000),
                    'deviceScaleFactor': 1, 'mobile': mobile == 'mobile'},
                   session=s)
            shot = b.call('Page.captureScreenshot', {'format': 'png'},
                          session=s)
            path = os.path.join(outdir, 'page-%d.png' % width)
            with open(path, 'wb') as f:
                f.write(base64.b64decode(shot['data']))
            print('screenshot ' + path)
            # The same page in pieces, readable at full size.
            for n, y in enumerate(range(0, min(h, 8000), 1300)):
                clip = {'x': 0, 'y': y, 'width': width,
                        'height': min(1300, h - y), 'scale': 1}
                shot = b.call('Page.captureScreenshot',
                              {'format': 'png', 'clip': clip}, session=s)
                with open(path[:-4] + '-part%d.png' % n, 'wb') as f:
                    f.write(base64.b64decode(shot['data']))
        seen = b.events
    finally:
        b.close()
    for m in seen:
        p = m.get('params', {})
        if m.get('method') == 'Network.requestWillBeSent':
            print('request ' + p['request']['url'])
        elif m.get('method') == 'Runtime.exceptionThrown':
            print('exception ' + json.dumps(p['exceptionDetails'])[:300])
        elif m.get('method') == 'Runtime.consoleAPICalled' and \
                p.get('type') in ('error', 'warning'):
            print('console %s %s' % (p['type'], json.dumps(p['args'])[:300]))
        elif m.get('method') == 'Log.entryAdded':
            e = p['entry']
            print('console %s %s' % (e['level'], e['text'][:300]))


main()
