/*
 * Cisco cBR-8 (CCAP-FORMATS.md section 6): MAC domains from `show cable
 * modem summary`, then per domain the filtered `show controllers CableS/C/P
 * upstream` output, one block per upstream.  Lines inside a block may come
 * in either order (the legacy tool's defect was to assume one).
 */
#include "parse.h"

#include "num.h"

enum { BAD = 2 };	/* block result: an upstream that did not parse */

/* `S/C/P` at s[*i..n): true and *i past it. */
static bool triple(const char *s, size_t n, size_t *i)
{
	return ms_parse_digits(s, n, i) && *i < n && s[(*i)++] == '/' &&
	       ms_parse_digits(s, n, i) && *i < n && s[(*i)++] == '/' &&
	       ms_parse_digits(s, n, i);
}

int ms_parse_cbr8_domain_name(const char *in, char *out, size_t size)
{
	size_t n = strlen(in), i = 0, start;

	if (n > 5 && !strncasecmp(in, "cable", 5))
		i = 5;
	else if (n > 1 && (in[0] == 'c' || in[0] == 'C'))
		i = 1;
	start = i;
	if (!triple(in, n, &i) || i != n || n - start >= size)
		return MS_E_INVAL;
	memcpy(out, in + start, n - start);
	out[n - start] = 0;
	return 0;
}

enum { SUMMARY_COUNTS = 10 };	/* Total Reg ... initO */

/*
 * The Description column of a summary row: past the ten counts, the rest
 * of the line without its trailing blanks.  iface is `S/C/P` for a `UB`
 * row, `S/C/P/n` for `Un` (the row's name without its `C` and `U`).
 */
static int describe(const char *line, size_t n, const struct ms_field *f,
		    size_t nf, size_t dom_end, struct ms_descrlist *descr)
{
	char iface[MS_UPSTREAM_MAX];
	size_t k, j, len, from;

	if (!descr || nf < SUMMARY_COUNTS + 2)
		return 0;
	for (k = 1; k <= SUMMARY_COUNTS; k++) {
		j = 0;
		if (!ms_parse_digits(f[k].p, f[k].n, &j) || j != f[k].n)
			return 0;
	}
	if (f[0].n - 2 >= sizeof(iface))
		return 0;
	len = dom_end - 1;
	memcpy(iface, f[0].p + 1, len);
	if (f[0].p[dom_end + 2] != 'B') {	/* `/Un`: `/n` */
		iface[len++] = '/';
		memcpy(iface + len, f[0].p + dom_end + 2,
		       f[0].n - dom_end - 2);
		len += f[0].n - dom_end - 2;
	}
	from = (size_t)(f[SUMMARY_COUNTS + 1].p - line);
	while (n > from && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	return ms_descrlist_add(descr, iface, len, line + from, n - from);
}

int ms_parse_cbr8_summary(const char *s, size_t len,
			  struct ms_namelist *out, struct ms_descrlist *descr,
			  struct ms_err *err)
{
	struct ms_field f[SUMMARY_COUNTS + 2];
	size_t pos = 0, n, nf, i;
	const char *line;

	while (ms_parse_line(s, len, &pos, &line, &n)) {
		if (!(nf = ms_parse_fields(line, n, f, MS_ARRAY_SIZE(f))))
			continue;
		if (ms_parse_is(&f[0], "Interface") ||
		    ms_parse_is(&f[0], "Total:")) {
			out->listing = true;
			continue;
		}
		/* C1/0/1/UB, C1/0/1/U2: anything else with a '/' is not one
		 * (the legacy tool took `Load for five secs: 9%/0%`). */
		i = 1;
		if (f[0].p[0] != 'C' || !triple(f[0].p, f[0].n, &i))
			continue;
		if (i + 2 > f[0].n || f[0].p[i] != '/' || f[0].p[i + 1] != 'U')
			continue;
		if (f[0].n == i + 3 && f[0].p[i + 2] == 'B') {
			/* UB */
		} else {
			size_t j = i + 2;

			if (!ms_parse_digits(f[0].p, f[0].n, &j) ||
			    j != f[0].n)
				continue;
		}
		out->listing = true;
		ms_namelist_add(out, f[0].p + 1, i - 1);
		if (describe(line, n, f, nf, i, descr) == MS_E_NOMEM)
			return ms_err_set(err, MS_E_NOMEM, "out of memory");
	}
	return (int)out->n;
}

/* One upstream block of the controller output. */
struct block {
	bool open;
	const char *dom;	/* S/C/P */
	size_t dom_len;
	long hdr_n;		/* N of `Upstream N` */
	bool up;
	long us;		/* n of `Bind to ... US<n>`, -1 if none */
	long code;		/* -1 if none */
	bool ofdma;
	bool broken;		/* header wrapped or cut: state unknown */
};

/* ` CableS/C/P Upstream N is <state>`: opens b, true when it is one. */
static bool block_start(const struct ms_field *f, size_t nf, struct block *b)
{
	size_t i = 5;
	long long v;

	if (nf < 2 || f[0].n <= 5 || memcmp(f[0].p, "Cable", 5) ||
	    !triple(f[0].p, f[0].n, &i) || i != f[0].n ||
	    !ms_parse_is(&f[1], "Upstream"))
		return false;
	memset(b, 0, sizeof(*b));
	b->open = true;
	b->dom = f[0].p + 5;
	b->dom_len = f[0].n - 5;
	b->us = b->code = b->hdr_n = -1;
	if (nf > 2 && ms_parse_lln(f[2].p, f[2].n, 0, 1000000, &v) == 0)
		b->hdr_n = (long)v;
	b->broken = nf < 5 || !ms_parse_is(&f[3], "is") || b->hdr_n < 0;
	b->up = !b->broken && nf == 5 && ms_parse_is(&f[4], "up");
	return true;
}

/* A line inside a block: Bind, Modulation Profile Group, (ID ...). */
static void block_line(const char *line, size_t n, const struct ms_field *f,
		       size_t nf, struct block *b)
{
	const char *id;
	long long v;
	size_t i;

	if (nf >= 3 && nf <= MS_PARSE_FIELDS && ms_parse_is(&f[0], "Bind") &&
	    f[nf - 1].n > 2 && !memcmp(f[nf - 1].p, "US", 2) &&
	    ms_parse_lln(f[nf - 1].p + 2, f[nf - 1].n - 2, 0, 1000000,
			 &v) == 0)
		b->us = (long)v;
	if (nf < 3 || !ms_parse_is(&f[0], "Modulation") ||
	    !ms_parse_is(&f[1], "Profile"))
		return;
	if (nf == 4 && ms_parse_is(&f[2], "Group") &&
	    ms_parse_lln(f[3].p, f[3].n, 0, MS_MODMAP_CODE_MAX, &v) == 0) {
		b->code = (long)v;
		return;
	}
	if (!(id = memmem(line, n, "(ID ", 4)))
		return;
	if (memmem(line, n, "Subcarrier", 10)) {
		b->ofdma = true;
		return;
	}
	id += 4;
	i = 0;
	if (ms_parse_digits(id, (size_t)(line + n - id), &i) &&
	    ms_parse_lln(id, i, 0, MS_MODMAP_CODE_MAX, &v) == 0)
		b->code = (long)v;
}

/* Close b: record it when up, US 0-3, with a code, not OFDMA. */
static int block_end(struct block *b, const char *domain,
		     const struct ms_modmap *map, struct ms_chanlist *out,
		     struct ms_err *err)
{
	char up[MS_UPSTREAM_MAX];
	int n;

	if (!b->open)
		return 0;
	b->open = false;
	if (domain && (strlen(domain) != b->dom_len ||
		       memcmp(domain, b->dom, b->dom_len)))
		return 0;
	if (b->broken)
		return BAD;
	if (!b->up || b->ofdma || (b->us < 0 && b->hdr_n > 3) || b->us > 3)
		return 0;
	if (b->us < 0 || b->code < 0)
		return BAD;
	n = snprintf(up, sizeof(up), "%.*s/%ld", (int)b->dom_len, b->dom,
		     b->us);
	if (n < 0 || (size_t)n >= sizeof(up))
		return BAD;
	return ms_chanlist_add(out, up, (size_t)n, (int32_t)b->code, map, err);
}

int ms_parse_cbr8_domain(const char *s, size_t len, const char *domain,
			 const struct ms_modmap *map,
			 struct ms_chanlist *out, struct ms_err *err)
{
	struct ms_field f[MS_PARSE_FIELDS];
	struct block b = { 0 }, next;
	size_t pos = 0, n, nf, before = out->n;
	const char *line;
	int r;

	for (;;) {
		bool more = ms_parse_line(s, len, &pos, &line, &n);

		nf = more ? ms_parse_fields(line, n, f, MS_PARSE_FIELDS) : 0;
		if (more && !block_start(f, nf, &next)) {
			if (b.open)
				block_line(line, n, f, nf, &b);
			continue;
		}
		r = block_end(&b, domain, map, out, err);
		if (r == BAD)
			out->bad_rows++;
		else if (r < 0)
			return r;
		if (!more)
			break;
		b = next;
		out->listing = true;
	}
	return (int)(out->n - before);
}

int ms_parse_cbr8(const char *s, size_t len, const struct ms_modmap *map,
		  struct ms_chanlist *out, struct ms_err *err)
{
	return ms_parse_cbr8_domain(s, len, NULL, map, out, err);
}
