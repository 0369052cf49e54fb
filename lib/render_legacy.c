/*
 * The legacy tool's report files, byte for byte (shared/LEGACY.md §1-2):
 * modulation_report_D.csv and modulation_report_D_web.json.  Kept apart
 * from modscan's own CSV on purpose: these bytes must never change.
 */
#include "render.h"

#include <math.h>

#include "mstime.h"

static const char csv_header[] =
	"CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen\n";

int ms_render_legacy_pct(uint32_t part, uint32_t whole)
{
	/*
	 * Python's round(part / whole * 100): the double of the quotient
	 * times 100, then to the nearest integer with ties to even, which is
	 * nearbyint in the default rounding mode.
	 */
	if (!whole)
		return 0;
	return (int)nearbyint((double)part / (double)whole * 100.0);
}

/* Hops descending, cmts ascending, then cmts + "_" + upstream ascending. */
static int legacy_cmp(const void *pa, const void *pb)
{
	const struct ms_report_line *a = pa, *b = pb;
	int c;

	if (a->runs != b->runs)
		return a->runs > b->runs ? -1 : 1;
	if ((c = strcmp(a->device, b->device)))
		return c;
	/* Equal cmts: the joined strings compare as the upstreams do. */
	return strcmp(a->upstream, b->upstream);
}

int ms_render_legacy_rows(const struct ms_report *rep,
			  struct ms_report_line **out, size_t *count)
{
	size_t i, n = 0, all = ms_report_count(rep);
	struct ms_report_line *v = NULL, l;

	*out = NULL;
	*count = 0;
	if (all && !(v = calloc(all, sizeof(*v))))
		return MS_E_NOMEM;
	for (i = 0; i < all; i++) {
		ms_report_line(rep, i, &l);
		/* The old scanner never stored a code outside the map. */
		l.samples -= l.n[MS_MOD_UNKNOWN];
		l.n[MS_MOD_UNKNOWN] = 0;
		if (l.samples)
			v[n++] = l;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), legacy_cmp);
	*out = v;
	*count = n;
	return 0;
}

/*
 * A name as pandas' to_csv(sep=";") wrote it (csv.QUOTE_MINIMAL): quoted,
 * quotes doubled, when it holds ';', '"', CR or LF.  Kept apart from
 * modscan's own CSV cells on purpose: these bytes never change.
 */
static int csv_name(struct ms_buf *b, const char *s)
{
	const char *p;
	int r;

	if (!s[strcspn(s, ";\"\r\n")])
		return ms_buf_adds(b, s);
	r = ms_buf_addc(b, '"');
	for (p = s; *p && r >= 0; p++)
		r = *p == '"' ? ms_buf_adds(b, "\"\"") : ms_buf_addc(b, *p);
	return r < 0 ? r : ms_buf_addc(b, '"');
}

static int csv_line(struct ms_buf *b, const struct ms_report_line *l)
{
	int r;

	if ((r = csv_name(b, l->device)) < 0 || (r = ms_buf_addc(b, ';')) < 0 ||
	    (r = csv_name(b, l->upstream)) < 0)
		return r;
	return ms_buf_printf(b, ";%u;%d;%d;%d;%u\n", l->runs,
			     ms_render_legacy_pct(l->n[MS_MOD_QAM64],
						  l->samples),
			     ms_render_legacy_pct(l->n[MS_MOD_QAM16],
						  l->samples),
			     ms_render_legacy_pct(l->n[MS_MOD_QPSK],
						  l->samples),
			     l->samples);
}

int ms_render_legacy_csv(const struct ms_report *rep, struct ms_buf *out,
			 struct ms_err *err)
{
	struct ms_report_line *v;
	size_t n, i;
	int r;

	if ((r = ms_render_legacy_rows(rep, &v, &n)) < 0)
		goto fail;
	r = ms_buf_adds(out, csv_header);
	for (i = 0; i < n && r >= 0; i++)
		r = csv_line(out, &v[i]);
	free(v);
	if (r >= 0)
		return 0;
fail:
	return ms_err_set(err, r, "legacy csv report: %s", ms_strerror(r));
}

/* One code point of s (UTF-8) in *cp; its length, or 1 with U+FFFD. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	size_t len, i;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
	if (len == 4)
		c &= 0x07;
	else
		c &= len == 3 ? 0x0f : 0x1f;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			break;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (!len || i < len || c > 0x10ffff || (c >= 0xd800 && c < 0xe000) ||
	    (len == 3 && c < 0x800) || (len == 4 && c < 0x10000)) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = c;
	return len;
}

/* A JSON string as Python's json.dumps writes it (ensure_ascii). */
static int jstr(struct ms_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	int r = ms_buf_addc(b, '"');

	while (*p && r >= 0) {
		p += utf8_next(p, &cp);
		switch (cp) {
		case '"': r = ms_buf_adds(b, "\\\""); break;
		case '\\': r = ms_buf_adds(b, "\\\\"); break;
		case '\n': r = ms_buf_adds(b, "\\n"); break;
		case '\r': r = ms_buf_adds(b, "\\r"); break;
		case '\t': r = ms_buf_adds(b, "\\t"); break;
		case '\b': r = ms_buf_adds(b, "\\b"); break;
		case '\f': r = ms_buf_adds(b, "\\f"); break;
		default:
			if (cp >= 0x20 && cp < 0x7f)
				r = ms_buf_addc(b, (int)cp);
			else if (cp < 0x10000)
				r = ms_buf_printf(b, "\\u%04x", cp);
			else	/* a UTF-16 surrogate pair */
				r = ms_buf_printf(b, "\\u%04x\\u%04x",
						  0xd7c0 + (cp >> 10),
						  0xdc00 + (cp & 0x3ff));
		}
	}
	return r < 0 ? r : ms_buf_addc(b, '"');
}

/* "  " times depth, after a line break. */
static int indent(struct ms_buf *b, int depth)
{
	int r = ms_buf_addc(b, '\n');

	while (r >= 0 && depth-- > 0)
		r = ms_buf_adds(b, "  ");
	return r;
}

/* A key at depth: ",\n" before all but the first of its object. */
static int key(struct ms_buf *b, int depth, bool first, const char *k)
{
	int r = first ? 0 : ms_buf_addc(b, ',');

	if (r >= 0)
		r = indent(b, depth);
	if (r >= 0)
		r = jstr(b, k);
	return r < 0 ? r : ms_buf_adds(b, ": ");
}

static int kint(struct ms_buf *b, int depth, bool first, const char *k,
		long long v)
{
	int r = key(b, depth, first, k);

	return r < 0 ? r : ms_buf_printf(b, "%lld", v);
}

/*
 * round(mean, 1) on the numpy float64 that pandas returns: numpy scales,
 * rounds to the nearest integer with ties to even and scales back; then
 * the float's repr, which for such a value is its "%.1f" text.
 */
static int kdec(struct ms_buf *b, int depth, bool first, const char *k,
		double v)
{
	int r = key(b, depth, first, k);

	if (r < 0)
		return r;
	return ms_buf_printf(b, "%.1f", nearbyint(v * 10.0) / 10.0);
}

static int row_obj(struct ms_buf *b, int depth, const struct ms_report_line *l)
{
	int r = ms_buf_addc(b, '{');

	if (r >= 0 && (r = key(b, depth + 1, true, "cmts")) >= 0)
		r = jstr(b, l->device);
	if (r >= 0 && (r = key(b, depth + 1, false, "upstream")) >= 0)
		r = jstr(b, l->upstream);
	if (r >= 0)
		r = kint(b, depth + 1, false, "hops", l->runs);
	if (r >= 0)
		r = kint(b, depth + 1, false, "qam64_pct", ms_render_legacy_pct(
				 l->n[MS_MOD_QAM64], l->samples));
	if (r >= 0)
		r = kint(b, depth + 1, false, "qam16_pct", ms_render_legacy_pct(
				 l->n[MS_MOD_QAM16], l->samples));
	if (r >= 0)
		r = kint(b, depth + 1, false, "qpsk_pct", ms_render_legacy_pct(
				 l->n[MS_MOD_QPSK], l->samples));
	if (r >= 0)
		r = kint(b, depth + 1, false, "measurements", l->samples);
	if (r >= 0)
		r = indent(b, depth);
	return r < 0 ? r : ms_buf_addc(b, '}');
}

static int rows_arr(struct ms_buf *b, int depth,
		    const struct ms_report_line *v, size_t n)
{
	size_t i;
	int r = ms_buf_addc(b, '[');

	if (!n)
		return r < 0 ? r : ms_buf_addc(b, ']');
	for (i = 0; i < n && r >= 0; i++) {
		if (i)
			r = ms_buf_addc(b, ',');
		if (r >= 0)
			r = indent(b, depth + 1);
		if (r >= 0)
			r = row_obj(b, depth + 1, &v[i]);
	}
	if (r >= 0)
		r = indent(b, depth);
	return r < 0 ? r : ms_buf_addc(b, ']');
}

/* The digit d of the first "CCAP[012]" followed by a digit, or -1. */
static int device_type(const char *name)
{
	const char *p = name;

	while ((p = strstr(p, "CCAP"))) {
		if (p[4] >= '0' && p[4] <= '2' && p[5] >= '0' && p[5] <= '9')
			return p[4] - '0';
		p += 4;
	}
	return -1;
}

struct type_sum {
	long long upstreams, hops, pct[3];
};

static int by_type(struct ms_buf *b, int depth,
		   const struct ms_report_line *v, size_t n)
{
	struct type_sum t[3] = { { 0 } };
	size_t i;
	int d, k = 0, r = ms_buf_addc(b, '[');

	for (i = 0; i < n; i++) {
		if ((d = device_type(v[i].device)) < 0)
			continue;
		t[d].upstreams++;
		t[d].hops += v[i].runs;
		t[d].pct[0] += ms_render_legacy_pct(v[i].n[MS_MOD_QAM64],
						    v[i].samples);
		t[d].pct[1] += ms_render_legacy_pct(v[i].n[MS_MOD_QAM16],
						    v[i].samples);
		t[d].pct[2] += ms_render_legacy_pct(v[i].n[MS_MOD_QPSK],
						    v[i].samples);
	}
	for (d = 0; d < 3 && r >= 0; d++) {
		char name[16];
		double u = (double)t[d].upstreams;

		if (!t[d].upstreams)
			continue;
		snprintf(name, sizeof(name), "CCAP%d", d);
		if ((k++ && (r = ms_buf_addc(b, ',')) < 0) ||
		    (r = indent(b, depth + 1)) < 0 ||
		    (r = ms_buf_addc(b, '{')) < 0 ||
		    (r = key(b, depth + 2, true, "device_type")) < 0 ||
		    (r = jstr(b, name)) < 0 ||
		    (r = kint(b, depth + 2, false, "total_upstreams",
			      t[d].upstreams)) < 0 ||
		    (r = kint(b, depth + 2, false, "total_hops",
			      t[d].hops)) < 0 ||
		    (r = kdec(b, depth + 2, false, "avg_qam64_pct",
			      (double)t[d].pct[0] / u)) < 0 ||
		    (r = kdec(b, depth + 2, false, "avg_qam16_pct",
			      (double)t[d].pct[1] / u)) < 0 ||
		    (r = kdec(b, depth + 2, false, "avg_qpsk_pct",
			      (double)t[d].pct[2] / u)) < 0 ||
		    (r = indent(b, depth + 1)) < 0)
			return r;
		r = ms_buf_addc(b, '}');
	}
	if (r >= 0 && k)
		r = indent(b, depth);
	return r < 0 ? r : ms_buf_addc(b, ']');
}

static int distribution(struct ms_buf *b, int depth,
			const struct ms_report_line *v, size_t n)
{
	static const char *const keys[3] = {
		"overall_qam64_pct", "overall_qam16_pct", "overall_qpsk_pct"
	};
	static const enum ms_mod mods[3] = { MS_MOD_QAM64, MS_MOD_QAM16,
					     MS_MOD_QPSK };
	unsigned long long w[3] = { 0, 0, 0 }, total = 0;
	size_t i, m;
	int r = ms_buf_addc(b, '{');

	for (i = 0; i < n; i++) {
		total += v[i].samples;
		for (m = 0; m < 3; m++)
			w[m] += (unsigned long long)v[i].samples *
				(unsigned)ms_render_legacy_pct(
					v[i].n[mods[m]], v[i].samples);
	}
	for (m = 0; m < 3 && r >= 0; m++)
		r = kdec(b, depth + 1, !m, keys[m],
			 total ? (double)w[m] / (double)total : 0.0);
	if (r >= 0)
		r = kint(b, depth + 1, false, "total_measurements",
			 (long long)total);
	if (r >= 0)
		r = indent(b, depth);
	return r < 0 ? r : ms_buf_addc(b, '}');
}

/* datetime.now().isoformat(): local, no zone, microseconds unless 0. */
static int generated(struct ms_buf *b, int64_t us)
{
	struct tm tm;
	char s[40];
	int r;

	if (ms_localtime((time_t)(us / 1000000), &tm) < 0 ||
	    !strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm))
		return MS_E_RANGE;
	if ((r = key(b, 1, true, "generated_at")) < 0 ||
	    (r = ms_buf_printf(b, "\"%s", s)) < 0)
		return r;
	if (us % 1000000 && (r = ms_buf_printf(b, ".%06lld",
					       (long long)(us % 1000000))) < 0)
		return r;
	return ms_buf_addc(b, '"');
}

static int json_doc(struct ms_buf *b, const struct ms_report *rep,
		    int64_t us, const struct ms_report_line *v, size_t n)
{
	long long hops = 0;
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		hops += v[i].runs;
	if ((r = ms_buf_addc(b, '{')) < 0 || (r = generated(b, us)) < 0 ||
	    (r = key(b, 1, false, "report_date")) < 0 ||
	    (r = jstr(b, ms_report_info(rep)->label)) < 0 ||
	    (r = kint(b, 1, false, "total_upstreams", (long long)n)) < 0 ||
	    (r = kint(b, 1, false, "total_hops", hops)) < 0 ||
	    (r = key(b, 1, false, "summary")) < 0 ||
	    (r = ms_buf_addc(b, '{')) < 0 ||
	    (r = key(b, 2, true, "top_hoppers")) < 0 ||
	    (r = rows_arr(b, 2, v, n)) < 0 ||
	    (r = key(b, 2, false, "by_device_type")) < 0 ||
	    (r = by_type(b, 2, v, n)) < 0 ||
	    (r = key(b, 2, false, "modulation_distribution")) < 0 ||
	    (r = distribution(b, 2, v, n)) < 0 ||
	    (r = indent(b, 1)) < 0 || (r = ms_buf_addc(b, '}')) < 0 ||
	    (r = key(b, 1, false, "full_data")) < 0 ||
	    (r = rows_arr(b, 1, v, n)) < 0 || (r = indent(b, 0)) < 0)
		return r;
	/* json.dump writes no final line break. */
	return ms_buf_addc(b, '}');
}

int ms_render_legacy_json(const struct ms_report *rep, int64_t generated_us,
			  struct ms_buf *out, struct ms_err *err)
{
	struct ms_report_line *v;
	struct timespec ts;
	size_t n;
	int r;

	if (!generated_us) {
		clock_gettime(CLOCK_REALTIME, &ts);
		generated_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	}
	if ((r = ms_render_legacy_rows(rep, &v, &n)) < 0)
		goto fail;
	r = json_doc(out, rep, generated_us, v, n);
	free(v);
	if (r >= 0)
		return 0;
fail:
	return ms_err_set(err, r, "legacy web json report: %s",
			  ms_strerror(r));
}

int ms_render_legacy_name(char *out, size_t size, const char *label,
			  unsigned which)
{
	static const char *const suffix[] = {
		[MS_LEGACY_CSV] = ".csv", [MS_LEGACY_WEB_JSON] = "_web.json",
		[MS_LEGACY_JSON] = ".json"
	};
	int n;

	if (which >= MS_ARRAY_SIZE(suffix))
		return MS_E_INVAL;
	n = snprintf(out, size, "%s%s%s", MS_LEGACY_PREFIX, label,
		     suffix[which]);
	return n < 0 || (size_t)n >= size ? MS_E_TOOBIG : 0;
}
