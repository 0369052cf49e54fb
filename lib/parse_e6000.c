/*
 * ARRIS E6000 `show interface cable-upstream` (CCAP-FORMATS.md section 4):
 * an SC-QAM row with >= 10 fields, name `N/N/N` or `N/scq/N`, and the exact
 * tokens IS and atdma gives upstream = field 0, code = field 9.
 */
#include "parse.h"

enum { SEC_NONE, SEC_SCQAM, SEC_OFDMA };
enum { BAD = 2 };	/* row() result: a data row that did not parse */

/* `N/X/N`: 1 when X is digits or scq (SC-QAM), 2 for any other X, else 0. */
static int name_kind(const struct ms_field *f)
{
	size_t i = 0, mid;

	if (!ms_parse_digits(f->p, f->n, &i) || i >= f->n || f->p[i] != '/')
		return 0;
	mid = ++i;
	while (i < f->n && f->p[i] != '/')
		i++;
	if (i == mid || i >= f->n)
		return 0;
	i++;
	if (!ms_parse_digits(f->p, f->n, &i) || i != f->n)
		return 0;
	i = mid;
	if (ms_parse_digits(f->p, f->n, &i) && f->p[i] == '/')
		return 1;
	/* f->p is not terminated: the field may end right after "X/N" */
	if (f->n - mid >= 4 && !memcmp(f->p + mid, "scq/", 4))
		return 1;
	/* ofd and other lower-case kinds; `2/3.1/0` is a Casa name */
	for (i = mid; f->p[i] != '/'; i++) {
		if (f->p[i] < 'a' || f->p[i] > 'z')
			return 0;
	}
	return 2;
}

/* A row that is not recorded on purpose: out of service or not A-TDMA. */
static bool skipped(const struct ms_field *f, size_t nf)
{
	return ms_parse_has(f, nf, "OOS") || ms_parse_has(f, nf, "tdma") ||
	       ms_parse_has(f, nf, "tdma-atdma") || ms_parse_has(f, nf, "scdma");
}

/* Section headers; true when the line is one. */
static bool header(const char *line, size_t n, const struct ms_field *f,
		   size_t nf, int *sec)
{
	if (n >= 15 && !memcmp(line, "SC-QAM Channels", 15)) {
		*sec = SEC_SCQAM;
		return true;
	}
	if (n >= 14 && !memcmp(line, "OFDMA Channels", 14)) {
		*sec = SEC_OFDMA;
		return true;
	}
	return nf && (ms_parse_is(&f[0], "S/C/CH") ||
		      ms_parse_is(&f[0], "S/CG/CH"));
}

/* One row; returns 1 recorded, 0 not, BAD, or an MS_E_* code. */
static int row(const struct ms_field *f, size_t nf, int sec,
	       const struct ms_modmap *map, struct ms_chanlist *out,
	       struct ms_err *err)
{
	int32_t code;
	int kind = nf ? name_kind(&f[0]) : 0;

	if (sec == SEC_OFDMA)
		return 0;
	if (!kind)	/* the tail of a wrapped row still names its mode */
		return ms_parse_has(f, nf, "atdma") ? BAD : 0;
	out->listing = true;
	if (kind != 1 || skipped(f, nf))
		return 0;
	if (nf < 10)
		return BAD;
	if (!ms_parse_has(f, nf, "IS") || !ms_parse_has(f, nf, "atdma"))
		return 0;
	if (!ms_parse_code(&f[9], &code) || f[0].n >= MS_UPSTREAM_MAX)
		return BAD;
	return ms_chanlist_add(out, f[0].p, f[0].n, code, map, err);
}

int ms_parse_e6000(const char *s, size_t len, const struct ms_modmap *map,
		   struct ms_chanlist *out, struct ms_err *err)
{
	struct ms_field f[MS_PARSE_FIELDS];
	size_t pos = 0, n, nf, before = out->n;
	const char *line;
	int sec = SEC_NONE, r;

	while (ms_parse_line(s, len, &pos, &line, &n)) {
		nf = ms_parse_fields(line, n, f, MS_PARSE_FIELDS);
		if (header(line, n, f, nf, &sec)) {
			out->listing = true;
			continue;
		}
		r = row(f, nf, sec, map, out, err);
		if (r == BAD)
			out->bad_rows++;
		else if (r < 0)
			return r;
	}
	return (int)(out->n - before);
}
