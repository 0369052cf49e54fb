/*
 * modscan's own CSV: ';'-separated under the legacy tool's header (its
 * percentages have two decimals, unlike the legacy integers: the legacy
 * file itself is render_legacy.c) or a standard RFC 4180 file.
 */
#include "render.h"

struct csv_style {
	char sep;
	const char *eol;
	const char *header;
};

static const struct csv_style styles[] = {
	[MS_CSV_LEGACY] = { ';', "\n",
			    "CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen" },
	[MS_CSV_RFC4180] = { ',', "\r\n",
			     "CMTS,upstream,family,hops,%QAM64,%QAM16,%QPSK,"
			     "%UNKNOWN,samples,seconds_below_QAM64,node" },
};

/*
 * A field, quoted when it holds the separator, a quote or a line break,
 * with quotes doubled: Python's csv QUOTE_MINIMAL (pandas) and RFC 4180
 * agree on this.  A name that a spreadsheet would take for a formula
 * (= + - @, or a TAB or CR before one) gets a leading quote mark, which
 * spreadsheets show as text; RFC 4180 files quote such a field as well.
 */
static int field(struct ms_buf *b, const char *s, char sep, bool rfc)
{
	char special[] = { sep, '"', '\r', '\n', '\0' };
	bool formula = s[0] && strchr("=+-@\t\r", s[0]);
	const char *q;
	int r;

	if (!formula && !s[strcspn(s, special)])
		return ms_buf_adds(b, s);
	if (formula && !rfc && !s[strcspn(s, special)])
		return ms_buf_printf(b, "'%s", s);
	if ((r = ms_buf_adds(b, formula ? "\"'" : "\"")) < 0)
		return r;
	while ((q = strchr(s, '"'))) {
		if ((r = ms_buf_add(b, s, (size_t)(q - s) + 1)) < 0 ||
		    (r = ms_buf_addc(b, '"')) < 0)
			return r;
		s = q + 1;
	}
	if ((r = ms_buf_adds(b, s)) < 0)
		return r;
	return ms_buf_addc(b, '"');
}

static int pct(struct ms_buf *b, char sep, uint32_t part, uint32_t whole)
{
	char t[MS_PCT_MAX];

	return ms_buf_printf(b, "%c%s", sep,
			     ms_render_pct(ms_report_pct(part, whole), t));
}

static int line(struct ms_buf *b, const struct csv_style *st, bool rfc,
		const struct ms_report_line *l)
{
	char sep = st->sep;
	int r;

	if ((r = field(b, l->device, sep, rfc)) < 0 ||
	    (r = ms_buf_addc(b, sep)) < 0 ||
	    (r = field(b, l->upstream, sep, rfc)) < 0)
		return r;
	if (rfc && ((r = ms_buf_addc(b, sep)) < 0 ||
		    (r = field(b, l->family, sep, rfc)) < 0))
		return r;
	if ((r = ms_buf_printf(b, "%c%u", sep, l->hops)) < 0 ||
	    (r = pct(b, sep, l->n[MS_MOD_QAM64], l->samples)) < 0 ||
	    (r = pct(b, sep, l->n[MS_MOD_QAM16], l->samples)) < 0 ||
	    (r = pct(b, sep, l->n[MS_MOD_QPSK], l->samples)) < 0)
		return r;
	if (rfc && (r = pct(b, sep, l->n[MS_MOD_UNKNOWN], l->samples)) < 0)
		return r;
	if ((r = ms_buf_printf(b, "%c%u", sep, l->samples)) < 0)
		return r;
	if (rfc && ((r = ms_buf_printf(b, "%c%u%c", sep, l->below_secs,
				       sep)) < 0 ||
		    (r = field(b, l->node, sep, rfc)) < 0))
		return r;
	return ms_buf_adds(b, st->eol);
}

int ms_render_csv(const struct ms_report *rep, enum ms_csv_format fmt,
		  struct ms_buf *out, struct ms_err *err)
{
	const struct csv_style *st = &styles[fmt == MS_CSV_RFC4180];
	struct ms_report_line l;
	size_t i, n = ms_report_count(rep);
	int r;

	if ((r = ms_buf_adds(out, st->header)) < 0 ||
	    (r = ms_buf_adds(out, st->eol)) < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		ms_report_line(rep, i, &l);
		if ((r = line(out, st, fmt == MS_CSV_RFC4180, &l)) < 0)
			goto fail;
	}
	return 0;
fail:
	return ms_err_set(err, r, "csv report: %s", ms_strerror(r));
}
