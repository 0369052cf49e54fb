/*
 * Unit tests of the report: statistics from hand-made sample sets against
 * numbers written here, periods (DST days), modscan's CSV, JSON and HTML,
 * and the legacy tool's CSV byte for byte.  `t_report --render-html OUT
 * [--extra N]` writes the HTML of the fixture day (plus N synthetic
 * upstreams) for the browser test.
 */
#include "report.h"
#include "render.h"
#include "harness.h"

#include <cjson/cJSON.h>

#include "buf.h"
#include "file.h"
#include "num.h"

#define DATA "tests/data/report/"
/* 2025-03-10 00:00 UTC, the fixture day; generated the next morning. */
static const int64_t DAY = 1741564800;
static const int64_t GENERATED_MS = (1741564800LL + 86400 + 6 * 3600) * 1000;

static void use_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Split s at '|' into at most n fields (in place). */
static size_t split(char *s, char **f, size_t n)
{
	size_t i = 0;

	f[i++] = s;
	while (i < n && (s = strchr(s, '|'))) {
		*s++ = '\0';
		f[i++] = s;
	}
	return i;
}

/* Feed tests/data/report/NAME (device|upstream|HH:MM|code|MOD) to rep. */
static int feed_file(struct ms_report *rep, const char *name, int64_t start)
{
	struct ms_buf b;
	struct ms_err err = { 0 };
	char path[256], *line, *next, *f[5];
	int h, m, code, r;
	enum ms_mod mod;

	snprintf(path, sizeof(path), DATA "%s", name);
	ms_buf_init(&b, 1 << 20);
	if ((r = ms_file_read(path, &b, NULL, &err)) < 0) {
		printf("# %s\n", err.msg);
		goto out;
	}
	for (line = b.p; line && *line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (!*line || *line == '#')
			continue;
		r = MS_E_PARSE;
		if (split(line, f, 5) != 5 || strlen(f[2]) != 5 ||
		    (f[2][2] = '\0', ms_parse_int(f[2], 0, 24, &h)) < 0 ||
		    ms_parse_int(f[2] + 3, 0, 59, &m) < 0 ||
		    ms_parse_int(f[3], INT_MIN, INT_MAX, &code) < 0 ||
		    ms_mod_parse(f[4], &mod) < 0)
			goto out;
		if ((r = ms_report_row(rep, f[0], f[1],
				       start + h * 3600 + m * 60, code, mod,
				       &err)) < 0) {
			printf("# %s\n", err.msg);
			goto out;
		}
	}
	r = 0;
out:
	ms_buf_release(&b);
	return r;
}

/*
 * n synthetic upstreams on devices CCAP000.. (they sort before the
 * fixture's CCAP012), 144 samples each, from a fixed pseudo-random walk.
 */
static int feed_synthetic(struct ms_report *rep, int64_t start, unsigned n)
{
	static const enum ms_mod walk[] = { MS_MOD_QAM64, MS_MOD_QAM64,
					    MS_MOD_QAM64, MS_MOD_QAM16,
					    MS_MOD_QPSK, MS_MOD_UNKNOWN };
	uint32_t seed = 12345;
	char dev[16], up[16];
	unsigned i, s;
	int r;

	for (i = 0; i < n; i++) {
		snprintf(dev, sizeof(dev), "CCAP00%u", i / 13 % 10);
		snprintf(up, sizeof(up), "1/%02u/%u", i % 13, i / 130);
		for (s = 0; s < 144; s++) {
			enum ms_mod m = MS_MOD_QAM64;

			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 100 < i % 7)
				m = walk[(seed >> 8) % MS_ARRAY_SIZE(walk)];
			if ((r = ms_report_row(rep, dev, up, start + s * 600,
					       m == MS_MOD_UNKNOWN ? 998 : 202,
					       m, NULL)) < 0)
				return r;
		}
	}
	return 0;
}

static struct ms_report *fixture(bool legacy, unsigned top_n,
				 unsigned extra)
{
	struct ms_report_opts o = { .legacy_hops = legacy, .top_n = top_n,
				    .generated_ms = GENERATED_MS,
				    .label = "2025-03-10" };
	struct ms_report *rep = ms_report_begin(DAY, DAY + 86400, &o);

	if (!rep || feed_synthetic(rep, DAY, extra) < 0 ||
	    feed_file(rep, "day.samples", DAY) < 0 ||
	    ms_report_end(rep, NULL) < 0) {
		ms_report_free(rep);
		return NULL;
	}
	return rep;
}

static void test_pct(void)
{
	static const struct {
		uint64_t part, whole;
		const char *want;
	} t[] = {
		{ 1, 1, "100.0" }, { 0, 5, "0.0" }, { 0, 0, "0.0" },
		{ 2, 3, "66.67" }, { 1, 3, "33.33" }, { 1, 8, "12.5" },
		{ 1, 6, "16.67" }, { 5, 6, "83.33" }, { 1, 7, "14.29" },
		{ 1, 1600, "0.06" }, { 287, 288, "99.65" },
		{ 1, 2, "50.0" }, { 3, 800, "0.38" },
		/* part / whole * 100 first: 14.374999.. not 14.375 */
		{ 23, 160, "14.37" }, { 49, 160, "30.63" },
	};
	char out[MS_PCT_MAX];
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++) {
		is_str(ms_render_pct(ms_report_pct(t[i].part, t[i].whole),
				     out), t[i].want,
		       "%llu/%llu prints with two decimals at most: %s",
		       (unsigned long long)t[i].part,
		       (unsigned long long)t[i].whole, t[i].want);
	}
}

static const struct want_row {
	const char *dev, *up, *fam;
	uint32_t hops, samples, q64, q16, qpsk, unk, below;
} want_rows[] = {
	{ "CCAP201", "Cable1/0/0-upstream0", "cbr8", 7, 8, 4, 4, 0, 0, 2400 },
	{ "CCAP012", "1/0/0", "e6000", 4, 6, 4, 1, 1, 0, 1200 },
	{ "CCAP105", "US 0/2.0", "casa", 2, 4, 2, 0, 0, 2, 0 },
	{ "lab;cmts \"x\"", "0/0", "other", 1, 3, 2, 1, 0, 0, 1200 },
	{ "CCAP012", "1/0/1", "e6000", 0, 3, 3, 0, 0, 0, 0 },
	/* a single sample holds for max_gap (1200 s) */
	{ "CCAP105", "US 0/1.0", "casa", 0, 1, 0, 0, 1, 0, 1200 },
	{ "evil</script><b>", "0", "other", 0, 1, 1, 0, 0, 0, 0 },
};

static void test_rows(const struct ms_report *rep, bool legacy)
{
	struct ms_report_line l;
	size_t i;

	is_int(ms_report_count(rep), MS_ARRAY_SIZE(want_rows),
	       "one row per upstream");
	for (i = 0; i < MS_ARRAY_SIZE(want_rows); i++) {
		const struct want_row *w = &want_rows[i];

		ms_report_line(rep, i, &l);
		ok(!strcmp(l.device, w->dev) && !strcmp(l.upstream, w->up),
		   "row %zu is %s %s (hops desc, CCAP, upstream)", i, w->dev,
		   w->up);
		is_str(l.family, w->fam, "%s is family %s", w->dev, w->fam);
		is_int(l.hops, w->hops + legacy, "%s %s: %u hops%s", w->dev,
		       w->up, w->hops + legacy, legacy ? " (legacy)" : "");
		ok(l.samples == w->samples && l.n[MS_MOD_QAM64] == w->q64 &&
		   l.n[MS_MOD_QAM16] == w->q16 && l.n[MS_MOD_QPSK] == w->qpsk &&
		   l.n[MS_MOD_UNKNOWN] == w->unk,
		   "%s %s: sample counts per modulation", w->dev, w->up);
		is_int(l.below_secs, w->below, "%s %s: %u s below QAM64",
		       w->dev, w->up, w->below);
	}
}

static void test_summaries(const struct ms_report *rep)
{
	const struct ms_report_info *in = ms_report_info(rep);
	const struct ms_report_totals *t = &in->tot;
	static const char *const fams[] = { "casa", "cbr8", "e6000", "other" };
	static const uint32_t fam_up[] = { 2, 1, 2, 2 }, fam_hops[] = {
		2, 7, 4, 1 };
	static const char *const worst[] = { "CCAP201", "CCAP012", "CCAP105",
					     "lab;cmts \"x\"" };
	static const char *const strips[] = { "Cable1/0/0-upstream0", "1/0/0",
					      "US 0/2.0", "0/0", "US 0/1.0" };
	size_t i;

	ok(t->devices == 5 && t->upstreams == 7 && t->samples == 26,
	   "totals: 5 CCAPs, 7 upstreams, 26 samples");
	ok(t->hops == 14 && t->hopping == 4 && t->degraded == 4,
	   "totals: 14 hops, 4 hopping, 4 degraded upstreams");
	is_int(t->below_secs, 6000, "totals: 6000 s below QAM64");
	ok(t->n[MS_MOD_QAM64] == 16 && t->n[MS_MOD_QAM16] == 6 &&
	   t->n[MS_MOD_QPSK] == 2 && t->n[MS_MOD_UNKNOWN] == 2,
	   "overall distribution 16/6/2/2");
	is_int(in->n_families, 4, "four families");
	for (i = 0; i < 4 && i < in->n_families; i++) {
		ok(!strcmp(in->families[i].name, fams[i]) &&
		   in->families[i].upstreams == fam_up[i] &&
		   in->families[i].hops == fam_hops[i],
		   "family %s: %u upstreams, %u hops", fams[i], fam_up[i],
		   fam_hops[i]);
	}
	is_int(in->n_degraded, 4, "four CCAPs have a degraded upstream");
	for (i = 0; i < 4 && i < in->n_degraded; i++)
		is_str(in->degraded[i].device, worst[i],
		       "degraded CCAP %zu (ties broken by hops)", i);
	is_int(in->n_codes, 1, "one unknown code");
	ok(in->n_codes && in->codes[0].code == 999 &&
	   in->codes[0].samples == 2, "code 999 seen twice");
	is_int(in->n_strips, 5, "timelines for the 5 upstreams with trouble");
	for (i = 0; i < 5 && i < in->n_strips; i++)
		is_str(in->strips[i].upstream, strips[i],
		       "timeline %zu ranked by hops, then time below", i);
	if (in->n_strips) {
		const char *b = in->strips[0].bins;

		is_int(strlen(b), 288, "a strip has 288 five-minute bins");
		ok(strspn(b, ".") == 272 &&
		   !strcmp(b + 272, "6611661166116611"),
		   "CCAP201's strip: nothing until 22:40, then 64/16 "
		   "alternating every 10 minutes");
	}
}

static void test_bounded_strips(void)
{
	struct ms_report *rep = fixture(false, 2, 0);
	const struct ms_report_info *in = rep ? ms_report_info(rep) : NULL;

	ok(in && in->n_strips == 2 &&
	   !strcmp(in->strips[0].device, "CCAP201") &&
	   !strcmp(in->strips[1].upstream, "1/0/0"),
	   "top_n 2 keeps the strips of the two worst upstreams only");
	ok(in && in->n_degraded == 2, "top_n bounds the CCAP list");
	ms_report_free(rep);
}

static void test_csv(const struct ms_report *rep)
{
	struct ms_buf got, want;
	const char *nl;

	ms_buf_init(&got, 1 << 20);
	ms_buf_init(&want, 1 << 20);
	is_int(ms_file_read(DATA "day.csv", &want, NULL, NULL), 0,
	       "read the legacy CSV fixture");
	is_int(ms_render_csv(rep, MS_CSV_LEGACY, &got, NULL), 0,
	       "render the legacy CSV");
	is_str(got.p, want.p, "legacy CSV matches the fixture byte for byte");
	ms_buf_reset(&got);
	is_int(ms_render_csv(rep, MS_CSV_RFC4180, &got, NULL), 0,
	       "render the RFC 4180 CSV");
	nl = strstr(got.p, "\r\n");
	ok(nl && !strncmp(got.p, "CMTS,upstream,family,hops,%QAM64,%QAM16,"
			  "%QPSK,%UNKNOWN,samples,seconds_below_QAM64,node\r\n",
			  (size_t)(nl - got.p) + 2),
	   "RFC 4180 header line, CRLF");
	ok(strstr(got.p, "\r\nCCAP105,US 0/2.0,casa,2,50.0,0.0,0.0,50.0,4,0,"
		  "\r\n") != NULL, "RFC 4180 row with %%UNKNOWN");
	ok(strstr(got.p, "\r\nlab;cmts \"\"x\"\",0/0") == NULL &&
	   strstr(got.p, "\r\n\"lab;cmts \"\"x\"\"\",0/0,other,1,66.67,"
		  "33.33,0.0,0.0,3,1200,\r\n") != NULL,
	   "RFC 4180 quotes a field with a quote");
	ms_buf_release(&got);
	ms_buf_release(&want);
}

static void test_json(const struct ms_report *rep)
{
	struct ms_buf b;
	cJSON *doc, *t, *rows, *r0, *m;

	ms_buf_init(&b, 1 << 20);
	is_int(ms_render_json(rep, &b, NULL), 0, "render the JSON");
	doc = cJSON_Parse(b.p);
	ok(doc != NULL, "the JSON parses back");
	t = cJSON_GetObjectItem(doc, "totals");
	rows = cJSON_GetObjectItem(doc, "rows");
	r0 = cJSON_GetArrayItem(rows, 0);
	m = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "modulation"),
				"QAM64");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "date")),
	       "2025-03-10", "JSON date");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "generated")),
	       "2025-03-11T06:00:00.000+00:00", "JSON generation time");
	ok(cJSON_GetNumberValue(cJSON_GetObjectItem(t, "upstreams")) == 7 &&
	   cJSON_GetNumberValue(cJSON_GetObjectItem(t, "samples")) == 26 &&
	   cJSON_GetNumberValue(cJSON_GetObjectItem(t, "hops")) == 14,
	   "JSON totals: 7 upstreams, 26 samples, 14 hops");
	ok(cJSON_GetNumberValue(cJSON_GetObjectItem(m, "pct")) == 61.54,
	   "JSON overall QAM64 share 16/26 = 61.54%%");
	is_int(cJSON_GetArraySize(rows), 7, "JSON has every row");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItem(r0, "ccap")),
	       "CCAP201", "JSON rows in report order");
	ok(cJSON_GetNumberValue(cJSON_GetObjectItem(r0, "qam16")) == 50.0,
	   "JSON row percentages");
	is_int(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "top_hoppers")), 4,
	       "JSON top hoppers: only upstreams that hopped");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(
		       rows, 6), "ccap")), "evil</script><b>",
	       "JSON keeps a hostile name as data");
	cJSON_Delete(doc);
	ms_buf_release(&b);
}

static void test_html(const struct ms_report *rep)
{
	struct ms_report_line l;
	struct ms_buf b;
	char *json, *end;
	cJSON *doc;
	size_t i;
	bool all = true;

	ms_buf_init(&b, 1 << 22);
	is_int(ms_render_html(rep, &b, NULL), 0, "render the HTML");
	ok(!strstr(b.p, "http://") && !strstr(b.p, "https://") &&
	   !strstr(b.p, "src=") && !strstr(b.p, "url(") &&
	   !strstr(b.p, "@import"), "HTML has no external reference");
	ok(strstr(b.p, "href=\"index.html#prev:2025-03-10\"") &&
	   strstr(b.p, "href=\"index.html#next:2025-03-10\"") &&
	   !strstr(b.p, "href=\"http"), "links only to the site's index");
	ok(strstr(b.p, "default-src 'none'") != NULL, "HTML carries a CSP");
	ok(strstr(b.p, "name=\"viewport\"") != NULL, "HTML has a viewport");
	ok(!strstr(b.p, "evil</script>") &&
	   strstr(b.p, "evil\\u003c/script\\u003e\\u003cb\\u003e"),
	   "a device name cannot close the embedded script");
	ok(strstr(b.p, ">lab;cmts &quot;x&quot; 0/0</span>") != NULL,
	   "names in the charts are escaped");
	json = strstr(b.p, "id=\"data\">");
	end = json ? strstr(json, "</script>") : NULL;
	ok(json && end, "HTML embeds the data");
	if (json && end) {
		*end = '\0';
		doc = cJSON_Parse(json + strlen("id=\"data\">"));
		ok(doc != NULL, "the embedded JSON parses");
		for (i = 0; i < ms_report_count(rep); i++) {
			cJSON *r = cJSON_GetArrayItem(
				cJSON_GetObjectItem(doc, "rows"), (int)i);

			ms_report_line(rep, i, &l);
			all &= r && !strcmp(cJSON_GetStringValue(
				cJSON_GetObjectItem(r, "ccap")), l.device) &&
			       !strcmp(cJSON_GetStringValue(
				cJSON_GetObjectItem(r, "upstream")),
				l.upstream);
		}
		ok(all, "the HTML holds every row");
		cJSON_Delete(doc);
	}
	ms_buf_release(&b);
}

static void test_names(void)
{
	char n[64];

	is_int(ms_render_name(n, sizeof(n), "2025-03-10", MS_RENDER_HTML), 0,
	       "a modscan file name");
	is_str(n, "modscan-report-2025-03-10.html", "modscan-report-D.EXT");
	is_int(ms_render_legacy_name(n, sizeof(n), "2025-03-10",
				     MS_LEGACY_WEB_JSON), 0, "a legacy name");
	is_str(n, "modulation_report_2025-03-10_web.json", "the web JSON");
	ms_render_legacy_name(n, sizeof(n), "2025-03-10", MS_LEGACY_CSV);
	is_str(n, "modulation_report_2025-03-10.csv", "the legacy CSV");
	ms_render_legacy_name(n, sizeof(n), "2025-03-10", MS_LEGACY_JSON);
	is_str(n, "modulation_report_2025-03-10.json", "the --web-only copy");
	is_int(ms_render_name(n, 20, "2025-03-10", MS_RENDER_CSV),
	       MS_E_TOOBIG, "a name that does not fit");
}

static void test_legacy_pct(void)
{
	/* Python 3: round(part / whole * 100), worked out by hand. */
	static const struct {
		uint32_t part, whole;
		int want;
	} t[] = {
		{ 1, 8, 12 }, { 7, 8, 88 }, { 5, 8, 62 }, { 3, 8, 38 },
		{ 1, 3, 33 }, { 2, 3, 67 }, { 1, 1, 100 }, { 0, 7, 0 },
		{ 0, 0, 0 }, { 1, 200, 0 }, { 3, 200, 2 }, { 5, 200, 2 },
		/* 7 / 200 * 100 is 3.5000000000000004 in doubles: no tie */
		{ 7, 200, 4 }, { 1, 40, 2 }, { 287, 288, 100 },
	};
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++)
		is_int(ms_render_legacy_pct(t[i].part, t[i].whole), t[i].want,
		       "legacy %u/%u is %d %%", t[i].part, t[i].whole,
		       t[i].want);
}

/* Runs skip UNKNOWN, all-UNKNOWN channels vanish, the legacy order. */
static void test_legacy_csv(void)
{
	static const char want[] =
		"CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen\n"
		"CCAP101;b;3;25;50;25;4\n"
		"CCAP001;a;1;100;0;0;2\n"
		"CCAP001;c;1;0;0;100;1\n";
	struct ms_report *rep = ms_report_begin(DAY, DAY + 86400, NULL);
	struct ms_err err = { 0 };
	struct ms_buf b;
	size_t i;
	static const struct {
		const char *dev, *up;
		enum ms_mod mod;
	} in[] = {
		{ "CCAP001", "a", MS_MOD_QAM64 }, { "CCAP001", "a",
		MS_MOD_UNKNOWN }, { "CCAP001", "a", MS_MOD_QAM64 },
		{ "CCAP001", "c", MS_MOD_QPSK }, { "CCAP001", "d",
		MS_MOD_UNKNOWN }, { "CCAP101", "b", MS_MOD_QAM64 },
		{ "CCAP101", "b", MS_MOD_QAM16 }, { "CCAP101", "b",
		MS_MOD_QAM16 }, { "CCAP101", "b", MS_MOD_QPSK },
	};

	ms_buf_init(&b, 1 << 16);
	for (i = 0; rep && i < MS_ARRAY_SIZE(in); i++)
		ms_report_row(rep, in[i].dev, in[i].up, DAY + (int64_t)i * 60,
			      0, in[i].mod, NULL);
	ok(rep && ms_report_end(rep, NULL) == 0, "a small legacy day");
	is_int(rep ? ms_render_legacy_csv(rep, &b, &err) : -1, 0,
	       "legacy csv renders");
	is_int(ms_buf_addc(&b, '\0'), 0, "terminated");
	is_str(b.p, want, "the legacy CSV, byte for byte");
	ms_buf_release(&b);
	ms_report_free(rep);
}

/* Names quoted as Python's csv module (pandas) quotes them. */
static void test_legacy_quoting(void)
{
	struct ms_report *rep = ms_report_begin(DAY, DAY + 86400, NULL);
	struct ms_buf b;

	ms_buf_init(&b, 1 << 16);
	ms_report_row(rep, "CC;AP9", "up \"x\"", DAY, 0, MS_MOD_QAM64, NULL);
	ms_report_end(rep, NULL);
	is_int(ms_render_legacy_csv(rep, &b, NULL), 0, "quoted csv renders");
	is_int(ms_buf_addc(&b, '\0'), 0, "terminated");
	/* csv.writer(delimiter=";").writerow(["CC;AP9", 'up "x"', ...]) */
	is_str(b.p, "CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen\n"
	       "\"CC;AP9\";\"up \"\"x\"\"\";1;100;0;0;1\n",
	       "a ';' or '\"' in a name is quoted as pandas did");
	ms_buf_release(&b);
	ms_report_free(rep);
}

static void test_dst(void)
{
	struct ms_report_period p;
	struct ms_report *rep;
	struct ms_report_line l;

	use_tz("Europe/Amsterdam");
	is_int(ms_report_day(2025, 3, 30, &p, NULL), 0, "spring day");
	ok(p.start == 1743289200 && p.end - p.start == 23 * 3600,
	   "2025-03-30 in Amsterdam lasts 23 hours from local midnight");
	is_int(ms_report_day(2025, 10, 26, &p, NULL), 0, "autumn day");
	ok(p.start == 1761429600 && p.end - p.start == 25 * 3600,
	   "2025-10-26 in Amsterdam lasts 25 hours");
	is_int(ms_report_day(2025, 10, 27, &p, NULL), 0, "a plain day");
	is_int(p.end - p.start, 24 * 3600, "2025-10-27 lasts 24 hours");

	/* 01:50 (CET) and 03:00 (CEST) on the spring day: 10 minutes apart */
	ms_report_day(2025, 3, 30, &p, NULL);
	rep = ms_report_begin(p.start, p.end, NULL);
	ms_report_row(rep, "CCAP001", "1/0/0", p.start + 6600, 220,
		      MS_MOD_QPSK, NULL);
	ms_report_row(rep, "CCAP001", "1/0/0", p.start + 7200, 202,
		      MS_MOD_QAM64, NULL);
	/* the last sample of the 23-hour day: 23:50 local */
	ms_report_row(rep, "CCAP001", "1/0/1", p.end - 600, 220,
		      MS_MOD_QPSK, NULL);
	ms_report_end(rep, NULL);
	ms_report_line(rep, 0, &l);
	is_int(l.below_secs, 600, "QPSK from 01:50 to 03:00 on the spring "
	       "day is 600 s, from sample times");
	ms_report_line(rep, 1, &l);
	is_int(l.below_secs, 600, "the last sample holds until the 23-hour "
	       "day's end");
	ms_report_free(rep);

	ms_report_day(2025, 10, 26, &p, NULL);
	rep = ms_report_begin(p.start, p.end, NULL);
	is_int(ms_report_row(rep, "CCAP001", "1/0/0", p.start + 24 * 3600 +
			     1800, 220, MS_MOD_QPSK, NULL), 0,
	       "24.5 h after midnight is still inside the 25-hour day");
	ms_report_end(rep, NULL);
	is_int(ms_report_info(rep)->strip_bins, 288,
	       "the strip spans the 25-hour day");
	/* 312.5 s bins: 24.5 h is bin 282; it holds max_gap, 20 minutes */
	ok(!strcmp(ms_report_info(rep)->strips[0].bins + 282, "QQQQQ."),
	   "the hour 24.5 sample lies at the strip's end");
	ms_report_free(rep);
	use_tz("UTC");
}

static void test_dates(void)
{
	struct ms_report_period p;
	struct ms_err err = { 0 };
	int y, m, d;
	static const char *const bad[] = {
		"2025-02-29", "2025-3-01", "2025-03-01x", "2025/03/01",
		"20250301", "", "2025-13-01", "2025-00-10", "2025-04-31",
		"1969-12-31", "-2025-03-01",
	};
	size_t i;

	ok(ms_report_parse_date("2024-02-29", &y, &m, &d, NULL) == 0 &&
	   y == 2024 && m == 2 && d == 29, "a leap day parses");
	for (i = 0; i < MS_ARRAY_SIZE(bad); i++)
		is_int(ms_report_parse_date(bad[i], &y, &m, &d, NULL),
		       MS_E_PARSE, "'%s' is refused", bad[i]);
	is_int(ms_report_date("2025-03-10", DAY + 86400, &p, NULL), 0,
	       "--date of yesterday");
	ok(p.start == DAY && p.end == DAY + 86400 &&
	   !strcmp(p.label, "2025-03-10"), "its period and label");
	is_int(ms_report_date("2025-03-10", DAY, &p, NULL), 0,
	       "--date of today is allowed");
	is_int(ms_report_date("2025-03-11", DAY + 86399, &p, &err),
	       MS_E_RANGE, "a future date is refused");
	is_str(err.msg, "date '2025-03-11' is in the future",
	       "and the message says so");
	is_int(ms_report_date("2025-02-30", DAY, &p, NULL), MS_E_PARSE,
	       "a date that does not exist is a parse error");
	is_int(ms_report_day_ago(DAY + 3600, 1, &p, NULL), 0, "yesterday");
	is_str(p.label, "2025-03-09", "yesterday of 2025-03-10 01:00");
	ms_report_day_ago(1740787200 + 3600, 1, &p, NULL);
	is_str(p.label, "2025-02-28", "yesterday of 1 March crosses a month");
	is_int(ms_report_range("2025-03-01", "2025-03-07", DAY, &p, NULL), 0,
	       "a range");
	ok(p.start == DAY - 9 * 86400 && p.end == DAY - 2 * 86400 &&
	   !strcmp(p.label, "2025-03-01_2025-03-07"),
	   "the range spans 7 whole days, label names both ends");
	is_int(ms_report_range("2025-03-07", "2025-03-01", DAY, &p, NULL),
	       MS_E_INVAL, "a range that ends before it starts");
}

static void test_bad_rows(void)
{
	struct ms_report *rep = ms_report_begin(DAY, DAY + 86400, NULL);
	struct ms_err err = { 0 };
	char longname[80];

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	is_int(ms_report_row(rep, "B", "1", DAY + 60, 1, MS_MOD_QAM64, NULL),
	       0, "a first row");
	is_int(ms_report_row(rep, "B", "1", DAY + 30, 1, MS_MOD_QAM64, &err),
	       MS_E_INVAL, "time going back in a channel is refused");
	ok(strstr(err.msg, "out of order") != NULL, "named as out of order");
	is_int(ms_report_row(rep, "B", "0", DAY + 90, 1, MS_MOD_QAM64, NULL),
	       MS_E_INVAL, "an upstream out of order is refused");
	is_int(ms_report_row(rep, "A", "9", DAY + 90, 1, MS_MOD_QAM64, NULL),
	       MS_E_INVAL, "a device out of order is refused");
	is_int(ms_report_row(rep, "C", "1", DAY + 86400, 1, MS_MOD_QAM64,
			     &err), MS_E_INVAL, "a sample at the end is out");
	ok(strstr(err.msg, "outside the period") != NULL, "named as outside");
	is_int(ms_report_row(rep, longname, "1", DAY, 1, MS_MOD_QAM64, NULL),
	       MS_E_TOOBIG, "an overlong device name is refused");
	is_int(ms_report_end(rep, NULL), 0, "end after refused rows");
	is_int(ms_report_count(rep), 1, "refused rows left no trace");
	ms_report_free(rep);

	rep = ms_report_begin(DAY, DAY + 86400, NULL);
	ms_report_end(rep, NULL);
	ok(ms_report_count(rep) == 0 && ms_report_info(rep)->tot.samples == 0,
	   "an empty day has no rows");
	{
		struct ms_buf b;

		ms_buf_init(&b, 1 << 20);
		ms_render_csv(rep, MS_CSV_LEGACY, &b, NULL);
		is_str(b.p, "CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen\n",
		       "an empty day's CSV is the header");
		ms_buf_reset(&b);
		ms_render_html(rep, &b, NULL);
		ok(strstr(b.p, "No samples were recorded") != NULL,
		   "an empty day's page says so");
		ms_buf_reset(&b);
		ms_render_json(rep, &b, NULL);
		ok(strstr(b.p, "\"no_data\":true") &&
		   strstr(b.p, "\"rows\":[]}"), "an empty day's JSON says so");
		ms_buf_release(&b);
	}
	ms_report_free(rep);
}

/* One day of 10,000 upstreams x 288 samples stays small. */
static void test_scale(void)
{
	struct ms_report *rep = ms_report_begin(DAY, DAY + 86400, NULL);
	char dev[16], up[16];
	unsigned i, s;
	int r = 0;

	for (i = 0; i < 10000 && r == 0; i++) {
		snprintf(dev, sizeof(dev), "CCAP%04u", i / 50);
		snprintf(up, sizeof(up), "1/0/%02u", i % 50);
		for (s = 0; s < 288 && r == 0; s++)
			r = ms_report_row(rep, dev, up, DAY + s * 300, 202,
					  (s + i) % 37 ? MS_MOD_QAM64 :
					  MS_MOD_QAM16, NULL);
	}
	is_int(r, 0, "2.88 million rows accepted");
	is_int(ms_report_end(rep, NULL), 0, "and ended");
	is_int(ms_report_count(rep), 10000, "10,000 rows");
	ok(ms_report_memory(rep) < 4u << 20,
	   "the aggregator holds under 4 MiB (%zu bytes)",
	   ms_report_memory(rep));
	ms_report_free(rep);
}

static int render_html_mode(const char *out, unsigned extra)
{
	struct ms_report *rep;
	struct ms_err err = { 0 };
	struct ms_buf b;
	int r;

	use_tz("UTC");
	if (!(rep = fixture(false, 0, extra))) {
		fprintf(stderr, "t_report: cannot build the fixture report\n");
		return 1;
	}
	ms_buf_init(&b, MS_RENDER_MAX);
	r = ms_render_html(rep, &b, &err);
	if (r >= 0)
		r = ms_file_replace(out, b.p, b.len, 0644, &err);
	if (r < 0)
		fprintf(stderr, "t_report: %s\n", err.msg);
	ms_buf_release(&b);
	ms_report_free(rep);
	return r < 0;
}

int main(int argc, char **argv)
{
	struct ms_report *rep;
	int extra = 0;

	if (argc >= 3 && !strcmp(argv[1], "--render-html")) {
		if (argc == 5 && !strcmp(argv[3], "--extra") &&
		    ms_parse_int(argv[4], 0, 100000, &extra) < 0)
			return 2;
		return render_html_mode(argv[2], (unsigned)extra);
	}
	use_tz("UTC");
	test_pct();
	rep = fixture(false, 0, 0);
	ok(rep != NULL, "the fixture day loads");
	if (!rep)
		return done_testing();
	test_rows(rep, false);
	test_summaries(rep);
	test_csv(rep);
	test_json(rep);
	test_html(rep);
	test_names();
	test_legacy_pct();
	test_legacy_csv();
	test_legacy_quoting();
	ms_report_free(rep);
	rep = fixture(true, 0, 0);
	ok(rep != NULL, "the fixture day with legacy hops");
	if (rep)
		test_rows(rep, true);
	ms_report_free(rep);
	test_bounded_strips();
	test_dst();
	test_dates();
	test_bad_rows();
	test_scale();
	return done_testing();
}
