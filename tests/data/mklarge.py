#!/usr/bin/python3
# Writes the fully loaded fixtures (tests/data/*/large*.txt and .expect):
# an E6000 with 700 SC-QAM upstreams, a Casa C100G with 512, a cBR-8 with
# 48 MAC domains.  Deterministic; rerun after changing it and commit both.
import os

D = os.path.dirname(os.path.abspath(__file__))
CODES = [(202, 'QAM64'), (204, 'QAM16'), (222, 'QPSK'), (364, 'QAM64'),
         (316, 'QAM16'), (300, 'QPSK'), (211, 'UNKNOWN')]


def write(fam, name, text, expect, head):
    with open(os.path.join(D, fam, name + '.txt'), 'wb') as f:
        f.write(text.replace('\n', '\r\n').encode())
    with open(os.path.join(D, fam, name + '.expect'), 'w') as f:
        f.write(''.join(l + '\n' for l in head + expect))


def e6000():
    out = ['CCAP003#show interface cable-upstream', 'SC-QAM Channels:',
           'US         Cable      Oper  Chan  Freq Low-High    LicBW  Mini'
           '  Docsis  Mod  Rx Pwr',
           'S/C/CH     Mac   Conn State ID    (MHz.KHz)     (100KHz)  Slot'
           '  Mode    Prof (dBmV)']
    exp, n = [], 0
    for slot in range(1, 15):
        for conn in range(13):
            for ch in range(4):
                if n == 700:
                    break
                code, mod = CODES[n % len(CODES)]
                state = 'OOS' if n % 37 == 5 else 'IS'
                mode = 'tdma' if n % 53 == 7 else 'atdma'
                name = '%d/%d/%d' % (slot, conn, ch)
                out.append('%-12s %3d %4d  %-5s %3d  10.400-16.800      64'
                           '     2  %-6s %4d    0.0' %
                           (name, 50 + conn, conn, state, ch + 1, mode,
                            code))
                if state == 'IS' and mode == 'atdma':
                    exp.append('%s\t%d\t%s' % (name, code, mod))
                n += 1
    out.append('CCAP003#')
    write('e6000', 'large', '\n'.join(out), exp, ['# status: ok'])


def casa():
    out = ['CCAP101>show spectrum hop-history',
           'Port        Date       Time     Act Reason    SNR Freq(MHz) '
           'Width From  To',
           '----------- ---------- -------- --- ------ ------ --------- '
           '----- ----- -----']
    names = ['%d/%d.%d/0' % (s, p, c) for s in range(8) for p in range(16)
             for c in range(4)]
    exp, seen = [], set()
    for i in range(len(names) * 3):
        name = names[(i * 7) % len(names)]
        code, mod = CODES[i % len(CODES)]
        act = 'FMW'[i % 3] if i < len(names) * 2 else 'M'
        out.append('%-11s 2025-08-14 %02d:%02d:%02d %-3s snr      28.2'
                   '    24.400   6.4   316 %5d' %
                   (name, 23 - i // 3600, (i // 60) % 60, i % 60, act,
                    code))
        if act == 'M' and name not in seen:
            seen.add(name)
            exp.append('%s\t%d\t%s' % (name, code, mod))
    out.append('CCAP101>')
    write('casa', 'large', '\n'.join(out), exp, ['# status: ok'])


def cbr8():
    out = ['CCAP201#show cable modem summary',
           'Interface                   Cable Modem'
           '                                 Description',
           '                 Total Reg   Oper  Unreg Offline Wideband'
           ' initRC initD initIO initO']
    exp = []
    for d in range(48):
        dom = '%d/0/%d' % (d // 16 + 1, d % 16)
        for u in ('UB', 'U0', 'U1'):
            out.append('%-16s 241   238   238   2     1       236      0'
                       '      0     0      0' % ('C%s/%s' % (dom, u)))
        exp.append('Cable' + dom)
    out.append('Total:           527   522   522   3     2       518'
               '      0      0     0      0')
    out.append('CCAP201#')
    write('cbr8', 'summary-large', '\n'.join(out), exp,
          ['# parser: summary', '# status: ok'])


e6000()
casa()
cbr8()
