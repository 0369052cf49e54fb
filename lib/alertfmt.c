/* Queued event lines, digest text and JSON lines (see alertfmt.h). */
#include "alertfmt.h"

#include "num.h"
#include "mstime.h"

const char ms_alertfmt_ev_magic[] = "modscan-events 1";

enum { FIELDS = 9, TIME_W = 64 };

/* A string field with controls (tabs, newlines) as '?'. */
static int add_field(struct ms_buf *b, const char *s, size_t cap)
{
	size_t i;
	int r = 0;

	for (i = 0; i < cap && s[i] && r == 0; i++)
		r = ms_buf_addc(b, (unsigned char)s[i] < 0x20 ||
				s[i] == 0x7f ? '?' : s[i]);
	return r < 0 ? r : ms_buf_addc(b, '\t');
}

int ms_alertfmt_ev_line(struct ms_buf *b, const struct ms_alert_event *ev)
{
	int r;

	if ((r = ms_buf_adds(b, "E\t")) < 0 ||
	    (r = add_field(b, ev->kind, sizeof(ev->kind))) < 0 ||
	    (r = add_field(b, ev->device, sizeof(ev->device))) < 0 ||
	    (r = add_field(b, ev->upstream, sizeof(ev->upstream))) < 0 ||
	    (r = add_field(b, ev->node, sizeof(ev->node))) < 0 ||
	    (r = add_field(b, ev->modulation, sizeof(ev->modulation))) < 0)
		return r;
	return ms_buf_printf(b, "%lld\t%lld\t%lld\n", (long long)ev->since,
			     (long long)ev->at, (long long)ev->value);
}

static int take_str(char *out, size_t cap, const char *p, size_t n)
{
	if (n >= cap)
		return MS_E_PARSE;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static int take_num(int64_t *out, const char *p, size_t n)
{
	long long v;

	if (ms_parse_lln(p, n, LLONG_MIN, LLONG_MAX, &v) < 0)
		return MS_E_PARSE;
	*out = v;
	return 0;
}

int ms_alertfmt_ev_parse(const char *s, size_t len,
			 struct ms_alert_event *ev)
{
	const char *f[FIELDS], *end = s + len, *tab;
	size_t fl[FIELDS], i;

	for (i = 0; i < FIELDS; i++) {
		tab = memchr(s, '\t', (size_t)(end - s));
		f[i] = s;
		fl[i] = (size_t)((tab ? tab : end) - s);
		/* Tabs between the fields, none after the last. */
		if (!tab != (i == FIELDS - 1))
			return MS_E_PARSE;
		s = tab ? tab + 1 : end;
	}
	if (fl[0] != 1 || f[0][0] != 'E' || !fl[1] || !fl[2])
		return MS_E_PARSE;
	memset(ev, 0, sizeof(*ev));
	if (take_str(ev->kind, sizeof(ev->kind), f[1], fl[1]) < 0 ||
	    take_str(ev->device, sizeof(ev->device), f[2], fl[2]) < 0 ||
	    take_str(ev->upstream, sizeof(ev->upstream), f[3], fl[3]) < 0 ||
	    take_str(ev->node, sizeof(ev->node), f[4], fl[4]) < 0 ||
	    take_str(ev->modulation, sizeof(ev->modulation), f[5],
		     fl[5]) < 0 ||
	    take_num(&ev->since, f[6], fl[6]) < 0 ||
	    take_num(&ev->at, f[7], fl[7]) < 0 ||
	    take_num(&ev->value, f[8], fl[8]) < 0)
		return MS_E_PARSE;
	return 0;
}

bool ms_alertfmt_is_recovery(const char *kind)
{
	size_t n = strlen(kind), k = sizeof("recovered") - 1;

	return n >= k && !strcmp(kind + n - k, "recovered");
}

/* ---- the digest ---- */

int ms_alertfmt_digest_init(struct ms_alertfmt_digest *d)
{
	memset(d, 0, sizeof(*d));
	d->raised = calloc(MS_ALERT_DIGEST_LIST, sizeof(*d->raised));
	d->recovered = calloc(MS_ALERT_DIGEST_LIST, sizeof(*d->recovered));
	if (!d->raised || !d->recovered) {
		ms_alertfmt_digest_release(d);
		return MS_E_NOMEM;
	}
	return 0;
}

void ms_alertfmt_digest_release(struct ms_alertfmt_digest *d)
{
	free(d->raised);
	free(d->recovered);
	memset(d, 0, sizeof(*d));
}

void ms_alertfmt_digest_add(struct ms_alertfmt_digest *d,
			    const struct ms_alert_event *ev)
{
	bool rec = ms_alertfmt_is_recovery(ev->kind);

	if (!d->total_raised && !d->total_recovered) {
		d->first_at = ev->at;
		d->last_at = ev->at;
	}
	d->first_at = MS_MIN(d->first_at, ev->at);
	d->last_at = MS_MAX(d->last_at, ev->at);
	if (rec) {
		if (d->nrecovered < MS_ALERT_DIGEST_LIST)
			d->recovered[d->nrecovered++] = *ev;
		d->total_recovered++;
	} else {
		if (d->nraised < MS_ALERT_DIGEST_LIST)
			d->raised[d->nraised++] = *ev;
		d->total_raised++;
	}
}

static int ev_cmp(const void *a, const void *b)
{
	const struct ms_alert_event *x = a, *y = b;
	int c;

	if ((c = strcmp(x->device, y->device)) != 0 ||
	    (c = strcmp(x->upstream, y->upstream)) != 0)
		return c;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return strcmp(x->kind, y->kind);
}

/* "2026-12-01 17:20 +0100" in local time. */
static void local_time(int64_t t, char out[TIME_W])
{
	struct tm tm;
	long off;

	if (ms_localtime((time_t)t, &tm) < 0) {
		snprintf(out, TIME_W, "@%lld", (long long)t);
		return;
	}
	off = MS_MAX(MS_MIN(tm.tm_gmtoff / 60, 1439L), -1439L);
	snprintf(out, TIME_W, "%04d-%02d-%02d %02d:%02d %c%02ld%02ld",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, off < 0 ? '-' : '+', labs(off) / 60,
		 labs(off) % 60);
}

/* What a kind says, and the unit of its value. */
static void phrase(const char *kind, const char **what, const char **unit)
{
	static const struct {
		const char *kind, *what, *unit;
	} t[] = {
		{ MS_EV_UPSTREAM_BELOW, "below QAM64", "min below QAM64" },
		{ MS_EV_UPSTREAM_RECOVERED, "back at QAM64",
		  "min below QAM64" },
		{ MS_EV_DEVICE_DEGRADED, "degraded", "upstreams below QAM64" },
		{ MS_EV_DEVICE_UNDEGRADED, "no longer degraded",
		  "upstreams below QAM64" },
		{ MS_EV_DEVICE_FAILING, "failing", "failed sweeps in a row" },
		{ MS_EV_DEVICE_RECOVERED, "scanned again",
		  "failed sweeps in a row" },
	};
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++)
		if (!strcmp(kind, t[i].kind)) {
			*what = t[i].what;
			*unit = t[i].unit;
			return;
		}
	*what = kind;
	*unit = "as value";
}

/*
 * "- CCAP004 5/3/1 [node FN-0412] QPSK: below QAM64 since ... (20 min
 * below QAM64)"; a recovery adds "at <time>," before "since".
 */
static int event_line(struct ms_buf *b, const struct ms_alert_event *ev)
{
	char since[TIME_W], at[TIME_W];
	const char *what, *unit;
	int r;

	phrase(ev->kind, &what, &unit);
	local_time(ev->since, since);
	local_time(ev->at, at);
	if ((r = ms_buf_printf(b, "- %s", ev->device)) < 0 ||
	    (*ev->upstream && (r = ms_buf_printf(b, " %s",
						 ev->upstream)) < 0) ||
	    (*ev->node && (r = ms_buf_printf(b, " [node %s]",
					     ev->node)) < 0) ||
	    (*ev->modulation && (r = ms_buf_printf(b, " %s",
						   ev->modulation)) < 0) ||
	    (r = ms_buf_printf(b, ": %s", what)) < 0)
		return r;
	if (ms_alertfmt_is_recovery(ev->kind) &&
	    (r = ms_buf_printf(b, " at %s,", at)) < 0)
		return r;
	return ms_buf_printf(b, " since %s (%lld %s)\n", since,
			     (long long)ev->value, unit);
}

static int section(struct ms_buf *b, const char *title, uint64_t total,
		   struct ms_alert_event *ev, size_t n)
{
	size_t i;
	int r;

	if (!total)
		return 0;
	qsort(ev, n, sizeof(*ev), ev_cmp);
	if ((r = ms_buf_printf(b, "\n%s (%llu):\n", title,
			       (unsigned long long)total)) < 0)
		return r;
	for (i = 0; i < n; i++)
		if ((r = event_line(b, &ev[i])) < 0)
			return r;
	return 0;
}

static int counts(struct ms_buf *b, uint64_t raised, uint64_t recovered)
{
	int r = 0;

	if (raised)
		r = ms_buf_printf(b, "%llu plant alert%s",
				  (unsigned long long)raised,
				  raised == 1 ? "" : "s");
	if (r == 0 && recovered)
		r = ms_buf_printf(b, "%s%llu recover%s", raised ? ", " : "",
				  (unsigned long long)recovered,
				  recovered == 1 ? "y" : "ies");
	if (r == 0 && !raised && !recovered)
		r = ms_buf_adds(b, "no plant alerts");
	return r;
}

int ms_alertfmt_digest_subject(const struct ms_alertfmt_digest *d,
			       struct ms_buf *out)
{
	int r;

	if ((r = ms_buf_adds(out, "modscan: ")) < 0)
		return r;
	return counts(out, d->total_raised, d->total_recovered);
}

int ms_alertfmt_digest_body(const struct ms_alertfmt_digest *d,
			    struct ms_buf *out)
{
	struct ms_alertfmt_digest v = *d;	/* sorted in place */
	char first[TIME_W], last[TIME_W];
	size_t nrec = MS_MIN(d->nrecovered,
			     MS_ALERT_DIGEST_LIST - d->nraised);
	uint64_t more = d->total_raised + d->total_recovered - d->nraised -
			nrec;
	int r;

	local_time(d->first_at, first);
	local_time(d->last_at, last);
	if ((r = counts(out, d->total_raised, d->total_recovered)) < 0 ||
	    (r = ms_buf_printf(out, ", from %s to %s.\n", first, last)) < 0 ||
	    (r = section(out, "Raised", d->total_raised, v.raised,
			 d->nraised)) < 0 ||
	    (r = section(out, "Recovered", d->total_recovered, v.recovered,
			 nrec)) < 0)
		return r;
	if (more)
		r = ms_buf_printf(out, "\nand %llu more\n",
				  (unsigned long long)more);
	return r;
}

/* ---- JSON lines ---- */

/* Length of the valid UTF-8 sequence at p (1-4), 0 if it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* "key":"value" with JSON escapes; bytes that are not UTF-8 as U+FFFD. */
static int json_str(struct ms_buf *b, const char *key, const char *s,
		    bool comma)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	int r;

	if ((r = ms_buf_printf(b, "%s\"%s\":\"", comma ? "," : "", key)) < 0)
		return r;
	for (; *p && r == 0; p += n) {
		n = utf8_len(p);
		if (*p == '"' || *p == '\\')
			r = ms_buf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			r = ms_buf_adds(b, "\\n");
		else if (*p == '\t')
			r = ms_buf_adds(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			r = ms_buf_printf(b, "\\u%04x", *p);
		else if (n == 0)
			r = ms_buf_adds(b, "\\ufffd");
		else
			r = ms_buf_add(b, p, n);
		n += n == 0;
	}
	return r < 0 ? r : ms_buf_addc(b, '"');
}

/* "key":N,"key_iso":"2026-12-01T17:39:01Z" */
static int json_time(struct ms_buf *b, const char *key, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		return ms_buf_printf(b, ",\"%s\":%lld,\"%s_iso\":\"\"", key,
				     (long long)t, key);
	return ms_buf_printf(b, ",\"%s\":%lld,\"%s_iso\":\"%04d-%02d-%02d"
			     "T%02d:%02d:%02dZ\"", key, (long long)t, key,
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int json_head(struct ms_buf *out, const struct ms_alert_event *ev)
{
	int r;

	if ((r = ms_buf_addc(out, '{')) < 0 ||
	    (r = json_str(out, "kind", ev->kind, false)) < 0 ||
	    (r = json_str(out, "device", ev->device, true)) < 0 ||
	    (r = json_str(out, "upstream", ev->upstream, true)) < 0 ||
	    (r = json_str(out, "node", ev->node, true)) < 0 ||
	    (r = json_str(out, "modulation", ev->modulation, true)) < 0 ||
	    (r = json_time(out, "since", ev->since)) < 0 ||
	    (r = json_time(out, "at", ev->at)) < 0)
		return r;
	return ms_buf_printf(out, ",\"value\":%lld", (long long)ev->value);
}

int ms_alertfmt_json(struct ms_buf *out, const struct ms_alert_event *ev)
{
	int r;

	if ((r = json_head(out, ev)) < 0)
		return r;
	return ms_buf_adds(out, "}\n");
}

int ms_alertfmt_json_process(struct ms_buf *out, const char *kind,
			     int64_t at, const char *subject,
			     const char *text)
{
	struct ms_alert_event ev = { .since = at, .at = at };
	int r;

	snprintf(ev.kind, sizeof(ev.kind), "%s", kind);
	if ((r = json_head(out, &ev)) < 0 ||
	    (r = json_str(out, "subject", subject, true)) < 0 ||
	    (r = json_str(out, "text", text, true)) < 0)
		return r;
	return ms_buf_adds(out, "}\n");
}
