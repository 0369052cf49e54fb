/* Command output of the three families before any fault, as lines tagged
 * with what a correct parser extracts from them (CCAP-FORMATS.md 4-6). */
#include "ccapsim.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SALT_F = 40, SALT_W, SALT_REASON, SALT_SEC, SALT_SNR, SALT_CM };

static double chan_freq(int i)
{
	return 10.4 + 6.4 * (i % 4);
}

void cs_render_version(const struct cs_dev *d, struct cs_text *t)
{
	unsigned up = (unsigned)(cs_h(d->nh, 0, 0, 99) % 400);

	switch (d->family) {
	case CS_E6000:
		cs_text_add(t, 0, 0, 0, 0, "ARRIS E6000 Converged Edge Router (CER), Software Version CER_V06.01.00.0042");
		cs_text_add(t, 0, 0, 0, 0, "Copyright (c) 2010-2024 ARRIS Enterprises LLC");
		cs_text_add(t, 0, 0, 0, 0, "System Name: %s", d->name);
		cs_text_add(t, 0, 0, 0, 0, "System Uptime: %u days 04:11:52", up);
		break;
	case CS_CASA:
		cs_text_add(t, 0, 0, 0, 0, "Casa C100G, Casa Systems Inc., Software Version 8.6.2 Build 25");
		cs_text_add(t, 0, 0, 0, 0, "Hostname: %s", d->name);
		cs_text_add(t, 0, 0, 0, 0, "Uptime: %u days, 04:11", up);
		break;
	default:
		cs_text_add(t, 0, 0, 0, 0, "Cisco IOS XE Software, Version 16.12.01z, Cisco cBR-8 (CBR-8-CCAP-SUP-250G)");
		cs_text_add(t, 0, 0, 0, 0, "Cisco IOS Software [Gibraltar], cBR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.12.1z, RELEASE SOFTWARE (fc2)");
		cs_text_add(t, 0, 0, 0, 0, "%s uptime is %u days, 4 hours, 11 minutes", d->name, up);
		cs_text_add(t, 0, 0, 0, 0, "cisco cBR-8 (CBR) processor with 32768000K bytes of memory.");
		break;
	}
}

void cs_render_e6000(const struct cs_dev *d, int64_t step, struct cs_text *t)
{
	char name[24];

	cs_text_add(t, 0, 0, 0, 0, "SC-QAM Channels:");
	cs_text_add(t, 0, 0, 0, 0, "US         Cable      Oper  Chan  Freq Low-High    LicBW  Mini  Docsis  Mod  Rx Pwr");
	cs_text_add(t, 0, 0, 0, 0, "S/C/CH     Mac   Conn State ID    (MHz.KHz)     (100KHz)  Slot  Mode    Prof (dBmV)");
	for (int i = 0; i < d->nup; i++) {
		int st = cs_chan_status(d, i);
		int code = st == CS_CH_TDMA ? 21 : cs_code(d, i, cs_level(d, i, step));
		double lo = chan_freq(i);
		int mac = d->rphy ? 10 + d->slot_base + i / 4
				  : (d->slot_base + 4 + i / 32) * 10 + i / 4 % 8 + 1;

		cs_chan_name(d, i, name, sizeof(name));
		cs_text_add(t, st == CS_CH_OK ? CS_L_ROW : CS_L_PLAIN, i, 0, code,
			    "%-12s %4d %4d  %-4s %4d  %6.3f-%6.3f %6d %5d  %-6s %4d %6.1f",
			    name, mac, i / 4 % 8, st == CS_CH_OOS ? "OOS" : "IS",
			    i % 4 + 1, lo, lo + 6.4, 64, 2,
			    st == CS_CH_TDMA ? "tdma" : "atdma", code,
			    (double)(int)(cs_h(d->nh, (uint64_t)i, 0, SALT_SNR) % 21 - 10) / 10);
	}
	cs_text_add(t, 0, 0, 0, 0, "%s", "");
	cs_text_add(t, 0, 0, 0, 0, "OFDMA Channels:");
	cs_text_add(t, 0, 0, 0, 0, "US         Cable      Oper  Freq Low-High    LicBW   Minislots Mod  Subcarrier   Rolloff Cyclic Sym/  Rx Power(dBmV)");
	cs_text_add(t, 0, 0, 0, 0, "S/CG/CH    Mac   Conn State (MHz.KHz)     (100KHz)  per frame Prof Spacing(KHz) Period  Prefix Frame (6.4MHz Norm)");
	for (int g = 0; g < (d->nup + 3) / 4; g++) {
		if (d->rphy)
			snprintf(name, sizeof(name), "%d/ofd/0", 10 + d->slot_base + g);
		else
			snprintf(name, sizeof(name), "%d/%d/12", d->slot_base + 4 + g / 8, g % 8);
		cs_text_add(t, 0, 0, 0, 0,
			    "%-12s %4d %4d  IS    36.800-84.800     480        60     1        50        128    256    16       0.0",
			    name, 51 + g, g % 8);
	}
}

struct hop {
	int64_t t;
	uint16_t chan;
	char act;
	const char *reason;
	double snr, width;
	int from, to;
};

static int hop_cmp(const void *a, const void *b)
{
	const struct hop *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? 1 : -1;
	return (int)x->chan - (int)y->chan;
}

static double level_snr(const struct cs_dev *d, int i, int64_t s, int lvl)
{
	static const double base[4] = { 30.0, 20.0, 13.5, 30.0 };
	return base[lvl] + (double)(cs_h(d->nh, (uint64_t)i, (uint64_t)s, SALT_SNR) % 60) / 10;
}

/* Every modulation change of the last 24 h is an M row, plus random F/W
 * rows and one init row per channel at the window start, newest first. */
void cs_render_casa_hops(const struct cs_dev *d, double sim_s, int only,
			 struct cs_text *t)
{
	static const char *const reasons[] = { "snr", "fec", "cer" };
	int64_t now_s = (int64_t)sim_s, now = now_s / CS_STEP_S;
	int64_t w0 = now - CS_HISTORY_STEPS + 1;
	struct hop *h = NULL;
	size_t nh = 0, cap = 0;
	char name[24], date[32], from[16], to[16];

	for (int i = 0; i < d->nup; i++) {
		int64_t end = INT64_MIN;
		int lvl_cur = 0, prev = 0;

		if ((only >= 0 && i != only) || cs_chan_status(d, i) != CS_CH_OK)
			continue;
		for (int64_t s = w0 - 19; s <= now; s++) {
			int lvl;

			if (cs_u(d->nh, (uint64_t)i, (uint64_t)s, CS_SALT_BURST) < 0.01) {
				end = s + 1 + (int64_t)(cs_h(d->nh, (uint64_t)i, (uint64_t)s, CS_SALT_BURSTLEN) % 20);
				lvl_cur = cs_u(d->nh, (uint64_t)i, (uint64_t)s, CS_SALT_BURSTLVL) < 0.7 ? 1 : 2;
			}
			lvl = cs_hold_level(d, i, s, s < end ? lvl_cur : 0);
			if (s < w0)
				continue;
			if (nh + 2 > cap) {
				cap = cap ? cap * 2 : 256;
				h = realloc(h, cap * sizeof(*h));
				if (!h)
					abort();
			}
			int64_t ts = s * CS_STEP_S +
				     (int64_t)(cs_h(d->nh, (uint64_t)i, (uint64_t)s, SALT_SEC) % CS_STEP_S);
			if (ts > now_s)
				ts = now_s;
			int code = cs_code(d, i, lvl);
			if (s == w0) {
				h[nh++] = (struct hop){ ts - CS_STEP_S, (uint16_t)i, 'M', "init",
					level_snr(d, i, s, lvl) + 5, 6.4, -1, code };
			} else if (code != cs_code(d, i, prev)) {
				h[nh++] = (struct hop){ ts, (uint16_t)i, 'M',
					reasons[cs_h(d->nh, (uint64_t)i, (uint64_t)s, SALT_REASON) % 3],
					level_snr(d, i, s, lvl), 6.4, cs_code(d, i, prev), code };
			} else if (cs_u(d->nh, (uint64_t)i, (uint64_t)s, SALT_F) < 0.004) {
				h[nh++] = (struct hop){ ts, (uint16_t)i, 'F', "fec",
					level_snr(d, i, s, lvl), 6.4, code, code };
			} else if (cs_u(d->nh, (uint64_t)i, (uint64_t)s, SALT_W) < 0.002) {
				h[nh++] = (struct hop){ ts, (uint16_t)i, 'W', "cer",
					level_snr(d, i, s, lvl), 3.2, code, code };
			}
			prev = lvl;
		}
	}
	if (nh)
		qsort(h, nh, sizeof(*h), hop_cmp);
	if (only < 0) {
		cs_text_add(t, 0, 0, 0, 0, "Port        Date       Time     Act Reason    SNR Freq(MHz) Width From  To");
		cs_text_add(t, 0, 0, 0, 0, "----------- ---------- -------- --- ------ ------ --------- ----- ----- -----");
	} else {
		cs_text_add(t, 0, 0, 0, 0, "Date       Time     Act Reason    SNR Freq(MHz) Width From  To");
		cs_text_add(t, 0, 0, 0, 0, "---------- -------- --- ------ ------ --------- ----- ----- -----");
	}
	for (size_t k = 0; k < nh; k++) {
		struct tm tm;
		time_t tt = (time_t)h[k].t;
		int kind = h[k].act == 'M' ? CS_L_ROW : CS_L_PLAIN;

		gmtime_r(&tt, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
		if (h[k].from < 0)
			snprintf(from, sizeof(from), "-");
		else
			snprintf(from, sizeof(from), "%d", h[k].from);
		snprintf(to, sizeof(to), "%d", h[k].to);
		if (only < 0) {
			cs_chan_name(d, h[k].chan, name, sizeof(name));
			cs_text_add(t, kind, h[k].chan, 0, h[k].to,
				    "%-11s %s %-3c %-6s %6.1f %9.3f %5.1f %5s %5s",
				    name, date, h[k].act, h[k].reason, h[k].snr,
				    chan_freq(h[k].chan) + 8, h[k].width, from, to);
		} else {
			cs_text_add(t, kind, h[k].chan, 0, h[k].to,
				    "%s %-3c %-6s %6.1f %9.3f %5.1f %5s %5s",
				    date, h[k].act, h[k].reason, h[k].snr,
				    chan_freq(h[k].chan) + 8, h[k].width, from, to);
		}
	}
	free(h);
}

void cs_render_casa_summary(const struct cs_dev *d, struct cs_text *t)
{
	char name[24];

	cs_text_add(t, 0, 0, 0, 0, "Upstream      Total Active Registered Offline");
	cs_text_add(t, 0, 0, 0, 0, "------------- ----- ------ ---------- -------");
	for (int i = 0; i < d->nup; i++) {
		int n = (int)(cs_h(d->nh, (uint64_t)i, 0, SALT_CM) % 40);

		cs_chan_name(d, i, name, sizeof(name));
		cs_text_add(t, 0, 0, 0, 0, "%-13s %5d %6d %10d %7d", name, n, n - n / 10,
			    n - n / 10, n / 10);
	}
}

void cs_render_cbr8_summary(const struct cs_dev *d, struct cs_text *t)
{
	char dom[24], ifn[32], descr[16];
	int tot = 0;

	cs_text_add(t, 0, 0, 0, 0, "Interface                   Cable Modem                                 Description");
	cs_text_add(t, 0, 0, 0, 0, "                 Total Reg   Oper  Unreg Offline Wideband initRC initD initIO initO");
	for (int g = 0; g < cs_ndomains(d); g++) {
		int n = 20 + (int)(cs_h(d->nh, (uint64_t)g, 0, SALT_CM) % 220);

		tot += n;
		cs_domain_name(d, g, dom, sizeof(dom));
		cs_domain_descr(d, g, descr, sizeof(descr));
		snprintf(ifn, sizeof(ifn), "C%s/UB", dom);
		cs_text_add(t, 0, 0, 0, 0, "%-16s %-5d %-5d %-5d %-5d %-7d %-8d %-6d %-6d %-5d %-6d %s",
			    ifn, n, n - 2, n - 2, 1, 1, n - 3, 0, 0, 0, 0, descr);
		if (g % 3 == 1) {
			snprintf(ifn, sizeof(ifn), "C%s/U2", dom);
			cs_text_add(t, 0, 0, 0, 0, "%-16s %-5d %-5d %-5d %-5d %-7d %-8d %-6d %-6d %-5d %-6d",
				    ifn, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0);
		}
	}
	cs_text_add(t, 0, 0, 0, 0, "Total:           %-5d %-5d %-5d %-5d %-7d %-8d %-6d %-6d %-5d %-6d",
		    tot, tot, tot, 0, 0, tot, 0, 0, 0, 0);
}

void cs_render_cbr8_controller(const struct cs_dev *d, int dom, int64_t step,
			       struct cs_text *t)
{
	char dn[24];

	cs_domain_name(d, dom, dn, sizeof(dn));
	for (int i = dom * 4; i < d->nup && i < dom * 4 + 4; i++) {
		int n = i % 4, up = cs_chan_status(d, i) == CS_CH_OK;
		int code = cs_code(d, i, cs_level(d, i, step));

		cs_text_add(t, up ? CS_L_HDR_UP : CS_L_HDR_DOWN, dom, n, 0,
			    " Cable%s Upstream %d is %s", dn, n,
			    up ? "up" : "administratively down");
		cs_text_add(t, 0, 0, 0, 0, "  Frequency %.3f MHz, Channel Width 6.400 MHz, Freq Res 12500 Hz",
			    chan_freq(i));
		if (d->group_first)
			cs_text_add(t, CS_L_GROUP, dom, n, code, "  Modulation Profile Group %d", code);
		cs_text_add(t, CS_L_BIND, dom, n, 0, "  Bind to Cable%s US%d", dn, n);
		if (up)
			cs_text_add(t, 0, 0, 0, 0, "  US phy MER(SNR)_estimate for good packets - %.4f dB",
				    level_snr(d, i, step, cs_level(d, i, step)) + 0.1234);
		cs_text_add(t, 0, 0, 0, 0, "  Nominal Input Power Level 0 dBmV, Tx Timing Offset 2271");
		cs_text_add(t, 0, 0, 0, 0, "  US timing offset adjustment type 0, value 0");
		cs_text_add(t, 0, 0, 0, 0, "  Ranging Backoff Start 3, Ranging Backoff End 6");
		cs_text_add(t, 0, 0, 0, 0, "  US throttling off");
		if (!d->group_first)
			cs_text_add(t, CS_L_GROUP, dom, n, code, "  Modulation Profile Group %d", code);
		cs_text_add(t, 0, 0, 0, 0, "  Mapped to shared connector %d and receiver %d", dom % 8, n);
	}
	cs_text_add(t, CS_L_HDR_UP, dom, 12, 0, " Cable%s Upstream 12 is up", dn);
	cs_text_add(t, 0, 0, 0, 0, "  Frequency 36.800 MHz, Channel Width 48.000 MHz");
	cs_text_add(t, CS_L_OFDM, dom, 12, 0,
		    "  Modulation Profile (ID 421, Subcarrier Spacing 50KHz, Cyclic Prefix 192, Roll-off 96)");
	cs_text_add(t, CS_L_BIND, dom, 12, 0, "  Bind to Cable%s US12", dn);
}

void cs_render_table(const struct cs_dev *d, double sim_s, FILE *out)
{
	int64_t step = (int64_t)sim_s / CS_STEP_S;
	static const char *const st[] = { "ok", "skip-oos", "skip-tdma" };
	char name[24], descr[16];

	fprintf(out, "# %s %s upstreams %d at %lld step %lld\n", d->name,
		cs_family_name(d->family), d->nup, (long long)sim_s, (long long)step);
	for (int i = 0; i < d->nup; i++) {
		int s = cs_chan_status(d, i);
		int code = s == CS_CH_TDMA ? 21 : cs_code(d, i, cs_level(d, i, step));

		cs_chan_name(d, i, name, sizeof(name));
		if (d->family != CS_CBR8 ||
		    !cs_domain_descr(d, i / 4, descr, sizeof(descr)))
			snprintf(descr, sizeof(descr), "-");
		fprintf(out, "%s %d %s %s %s\n", name, code, cs_mod_name(code), st[s],
			descr);
	}
}
