/* The simulated plant: chassis layout, channel status and modulation as a
 * pure function of (seed, device name, channel, step), so every run, the
 * truth log and `ccapsim truth` agree without shared state. */
#include "ccapsim.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CS_FAULT_NAME(id, name) name,
const char *const cs_fault_names[CS_NFAULT] = { CS_FAULTS(CS_FAULT_NAME) };


int cs_fault_lookup(const char *name)
{
	for (int i = 0; i < CS_NFAULT; i++)
		if (strcmp(name, cs_fault_names[i]) == 0)
			return i;
	return -1;
}

uint64_t cs_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t cs_name_hash(uint64_t seed, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 0x100000001b3ULL;
	return cs_mix(h ^ cs_mix(seed));
}

uint64_t cs_h(uint64_t nh, uint64_t a, uint64_t b, uint32_t salt)
{
	return cs_mix(nh ^ cs_mix(a * 0x9e3779b97f4a7c15ULL ^
				  cs_mix(b + ((uint64_t)salt << 48))));
}

double cs_u(uint64_t nh, uint64_t a, uint64_t b, uint32_t salt)
{
	return (double)(cs_h(nh, a, b, salt) >> 11) * 0x1.0p-53;
}

int cs_family_of_name(const char *name)
{
	char up[64];
	size_t i;

	for (i = 0; name[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	up[i] = 0;
	for (const char *p = strstr(up, "CCAP"); p; p = strstr(p + 1, "CCAP"))
		if (p[4] >= '0' && p[4] <= '2' && isdigit((unsigned char)p[5]) &&
		    isdigit((unsigned char)p[6]))
			return p[4] - '0';
	return -1;
}

const char *cs_family_name(int fam)
{
	static const char *const n[] = { "e6000", "casa", "cbr8" };
	return fam >= 0 && fam < CS_NFAM ? n[fam] : "?";
}

void cs_dev_setup(struct cs_dev *d, uint64_t seed, const char *name,
		  int family, int nup)
{
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->family = family;
	d->nup = nup;
	d->nh = cs_name_hash(seed, name);
	d->rphy = family == CS_E6000 && cs_u(d->nh, 0, 0, CS_SALT_RPHY) < 0.3;
	d->codeset = cs_u(d->nh, 0, 0, CS_SALT_CODESET) < 0.5;
	d->slot_base = 1 + (int)(cs_h(d->nh, 0, 0, CS_SALT_SLOT) % 4);
	d->group_first = cs_u(d->nh, 0, 0, CS_SALT_ORDER) < 0.5;
}

int cs_chan_status(const struct cs_dev *d, int i)
{
	if (cs_u(d->nh, (uint64_t)i, 0, CS_SALT_OOS) < 0.03)
		return CS_CH_OOS;
	if (d->family == CS_E6000 && cs_u(d->nh, (uint64_t)i, 0, CS_SALT_TDMA) < 0.03)
		return CS_CH_TDMA;
	return CS_CH_OK;
}

/* 0 QAM64, 1 QAM16, 2 QPSK: the newest burst start within 20 steps rules,
 * if it still lasts. */
static int model_level(const struct cs_dev *d, int i, int64_t step)
{
	for (int64_t k = step; k > step - 20; k--) {
		if (cs_u(d->nh, (uint64_t)i, (uint64_t)k, CS_SALT_BURST) >= 0.01)
			continue;
		int len = 1 + (int)(cs_h(d->nh, (uint64_t)i, (uint64_t)k,
					 CS_SALT_BURSTLEN) % 20);
		if (step >= k + len)
			return 0;
		return cs_u(d->nh, (uint64_t)i, (uint64_t)k, CS_SALT_BURSTLVL) < 0.7
			       ? 1 : 2;
	}
	return 0;
}

/* The model's level unless a hold rules the channel at step. */
int cs_level(const struct cs_dev *d, int i, int64_t step)
{
	return cs_hold_level(d, i, step, model_level(d, i, step));
}

int cs_code(const struct cs_dev *d, int i, int level)
{
	static const int sets[CS_NFAM][2][3] = {
		{ { 202, 204, 222 }, { 364, 316, 300 } },
		{ { 364, 316, 300 }, { 364, 316, 300 } },
		{ { 224, 227, 226 }, { 228, 227, 220 } },
	};
	static const int unmapped[CS_NFAM] = { 209, 310, 221 };

	if (level == 0 && cs_u(d->nh, (uint64_t)i, 0, CS_SALT_UNMAPPED) < 0.01)
		return unmapped[d->family];
	if (level == CS_LVL_HELD64)
		level = 0;
	return sets[d->family][d->codeset][level];
}

const char *cs_mod_name(int code)
{
	switch (code) {
	case 202: case 224: case 228: case 364: return "QAM64";
	case 204: case 227: case 316: return "QAM16";
	case 222: case 226: case 220: case 300: return "QPSK";
	default: return "UNKNOWN";
	}
}

int cs_ndomains(const struct cs_dev *d)
{
	return (d->nup + 3) / 4;
}

void cs_domain_name(const struct cs_dev *d, int dom, char *buf, size_t n)
{
	snprintf(buf, n, "%d/0/%d", d->slot_base + dom / 16, dom % 16);
}

void cs_chan_name(const struct cs_dev *d, int i, char *buf, size_t n)
{
	char dom[24];

	switch (d->family) {
	case CS_E6000:
		if (d->rphy)
			snprintf(buf, n, "%d/scq/%d", 10 + d->slot_base + i / 4,
				 i % 4);
		else
			snprintf(buf, n, "%d/%d/%d", d->slot_base + 4 + i / 32,
				 i / 4 % 8, i % 4);
		break;
	case CS_CASA:
		snprintf(buf, n, "%d/%d.%d/0", d->slot_base + 1 + i / 64,
			 i / 4 % 16, i % 4);
		break;
	default:
		cs_domain_name(d, i / 4, dom, sizeof(dom));
		snprintf(buf, n, "%s/%d", dom, i % 4);
		break;
	}
}

int cs_domain_descr(const struct cs_dev *d, int dom, char *buf, size_t n)
{
	buf[0] = 0;
	if (cs_h(d->nh, (uint64_t)dom, 0, CS_SALT_DESCR) % 5 == 0)
		return 0;
	snprintf(buf, n, "FN-%04d",
		 (int)(cs_h(d->nh, (uint64_t)dom, 1, CS_SALT_DESCR) % 10000));
	return 1;
}

/* "1/0/3" (after the Cable or C prefix) to a MAC-domain index, else -1. */
int cs_domain_lookup(const struct cs_dev *d, const char *sp)
{
	char name[24];

	for (int dom = 0; dom < cs_ndomains(d); dom++) {
		cs_domain_name(d, dom, name, sizeof(name));
		if (strcmp(name, sp) == 0)
			return dom;
	}
	return -1;
}

int cs_casa_lookup(const struct cs_dev *d, const char *name)
{
	char c[24];

	for (int i = 0; i < d->nup; i++) {
		cs_chan_name(d, i, c, sizeof(c));
		if (strcmp(c, name) == 0)
			return i;
	}
	return -1;
}

void cs_text_reset(struct cs_text *t)
{
	t->len = 0;
	t->nlines = 0;
}

void cs_text_release(struct cs_text *t)
{
	free(t->buf);
	free(t->lines);
	memset(t, 0, sizeof(*t));
}

static void grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 64;

	if (need <= *cap)
		return;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * elem);
	if (!q)
		abort();
	*p = q;
	*cap = c;
}

void cs_text_add(struct cs_text *t, int kind, int chan, int n, int code,
		 const char *fmt, ...)
{
	va_list ap;
	char tmp[512];
	int w;

	va_start(ap, fmt);
	w = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (w < 0)
		w = 0;
	if ((size_t)w >= sizeof(tmp))
		w = sizeof(tmp) - 1;
	grow((void **)&t->buf, &t->cap, t->len + (size_t)w + 1, 1);
	grow((void **)&t->lines, &t->lcap, t->nlines + 1, sizeof(*t->lines));
	memcpy(t->buf + t->len, tmp, (size_t)w + 1);
	t->lines[t->nlines++] = (struct cs_line){
		.off = (uint32_t)t->len, .len = (uint32_t)w,
		.kind = (uint8_t)kind, .n = (uint8_t)n,
		.chan = (uint16_t)chan, .code = (int16_t)code };
	t->len += (size_t)w + 1;	/* keep the NUL for regexec */
}
