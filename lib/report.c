/*
 * The streaming report aggregator (see report.h): per-channel state while a
 * channel streams, one compact row per finished channel, bounded summaries.
 */
#include "report.h"

#include "buf.h"
#include "mstime.h"
#include "report_family.h"
#include "report_node.h"

enum { NAMES_MAX = 256u << 20, FAMILY_NAME_MAX = 24 };

/* One finished channel; names are offsets into rep->names. */
struct row {
	uint32_t device, upstream;
	uint32_t hops, below_secs;
	uint32_t n[MS_MOD__COUNT];
	uint32_t runs;		/* runs of known samples (legacy hops) */
	uint32_t node;		/* the node column; 0: "" */
	uint8_t family;
};

struct dev {
	uint32_t name;
	uint8_t family;
	uint32_t upstreams, hopping, degraded;
	uint64_t hops;
};

struct held {
	uint32_t device, upstream;
	uint32_t hops, below_secs;
	char *bins;
};

struct ms_report {
	struct ms_report_opts o;
	int64_t start, end;
	struct ms_buf names;
	struct row *rows;
	size_t n_rows, cap_rows;
	struct dev *devs;
	size_t n_devs, cap_devs;

	/* the channel streaming now */
	bool in_dev, in_chan;
	char cur_dev[MS_DEVICE_MAX], cur_up[MS_UPSTREAM_MAX];
	struct row cur;
	int64_t last_t;
	uint8_t last_mod;
	uint8_t last_known;		/* last mod but UNKNOWN; UNKNOWN: none */
	uint8_t *sev;			/* strip_bins severities */

	char fam_names[MS_REPORT_FAMILIES_MAX][FAMILY_NAME_MAX];
	struct ms_report_family_sum fam[MS_REPORT_FAMILIES_MAX];
	size_t n_fam;

	struct held *held;		/* top_n entries, unordered */
	size_t n_held;

	struct ms_report_code_count codes[MS_REPORT_CODES_MAX];
	struct ms_report_totals tot;

	struct ms_node_acc *nodes;
	struct ms_buf col;		/* the closing channel's nodes */

	bool ended;
	struct ms_report_info info;
	struct ms_report_device_sum *degraded;
	struct ms_report_strip *strips;
};

/* Timeline bin characters by ms_report_sev. */
static const char strip_char[5] = {
	MS_STRIP_NONE, MS_STRIP_QAM64, MS_STRIP_UNKNOWN, MS_STRIP_QAM16,
	MS_STRIP_QPSK
};

double ms_report_pct(uint64_t part, uint64_t whole)
{
	char s[64];

	if (!whole)
		return 0.0;
	/*
	 * modscan's own two-decimal share (the legacy tool printed integers:
	 * ms_render_legacy_pct).  The correctly rounded "%.2f" and back gives
	 * the double nearest to the printed value.
	 */
	snprintf(s, sizeof(s), "%.2f", (double)part / (double)whole * 100.0);
	return strtod(s, NULL);
}

struct ms_report *ms_report_begin(int64_t start, int64_t end,
				  const struct ms_report_opts *opts)
{
	struct ms_report *rep = calloc(1, sizeof(*rep));

	if (!rep)
		return NULL;
	if (opts)
		rep->o = *opts;
	if (rep->o.max_gap <= 0)
		rep->o.max_gap = MS_REPORT_MAX_GAP;
	if (!rep->o.top_n)
		rep->o.top_n = MS_REPORT_TOP_N;
	if (!rep->o.strip_bins)
		rep->o.strip_bins = MS_REPORT_BINS;
	if (rep->o.strip_bins > MS_REPORT_BINS_MAX)
		rep->o.strip_bins = MS_REPORT_BINS_MAX;
	if (!rep->o.family)
		rep->o.family = ms_report_family_of;
	snprintf(rep->info.label, sizeof(rep->info.label), "%s",
		 rep->o.label ? rep->o.label : "");
	snprintf(rep->info.title, sizeof(rep->info.title), "%s",
		 rep->o.title && *rep->o.title ? rep->o.title
					       : "Upstream modulation report");
	snprintf(rep->info.footer, sizeof(rep->info.footer), "%s",
		 rep->o.footer ? rep->o.footer : "");
	/* borrowed: copied above */
	rep->o.label = rep->o.title = rep->o.footer = NULL;
	rep->start = start;
	rep->end = end > start ? end : start + 1;
	ms_buf_init(&rep->names, NAMES_MAX);
	ms_buf_init(&rep->col, NAMES_MAX);
	rep->sev = calloc(rep->o.strip_bins, 1);
	rep->held = calloc(rep->o.top_n, sizeof(*rep->held));
	rep->nodes = ms_node_acc_new(NULL);
	/* offset 0 of the arena: the empty node column */
	if (!rep->sev || !rep->held || !rep->nodes ||
	    ms_buf_addc(&rep->names, '\0') < 0) {
		ms_report_free(rep);
		return NULL;
	}
	return rep;
}

void ms_report_free(struct ms_report *rep)
{
	size_t i;

	if (!rep)
		return;
	for (i = 0; rep->held && i < rep->n_held; i++)
		free(rep->held[i].bins);
	free(rep->held);
	free(rep->sev);
	free(rep->rows);
	free(rep->devs);
	free(rep->degraded);
	free(rep->strips);
	ms_node_acc_free(rep->nodes);
	ms_buf_release(&rep->col);
	ms_buf_release(&rep->names);
	free(rep);
}

int ms_report_set_nodes(struct ms_report *rep, struct ms_node_map *map)
{
	struct ms_node_acc *a;

	if (rep->in_dev || rep->ended) {
		ms_node_map_free(map);
		return MS_E_INVAL;
	}
	ms_node_map_seal(map);
	if (!(a = ms_node_acc_new(map)))
		return MS_E_NOMEM;
	ms_node_acc_free(rep->nodes);
	rep->nodes = a;
	return 0;
}

/* Append a name to the arena; its offset in *off. */
static int intern(struct ms_report *rep, const char *s, uint32_t *off)
{
	size_t at = rep->names.len;
	int r;

	if ((r = ms_buf_add(&rep->names, s, strlen(s) + 1)) < 0)
		return r;
	*off = (uint32_t)at;
	return 0;
}

static const char *name_at(const struct ms_report *rep, uint32_t off)
{
	return rep->names.p + off;
}

static uint8_t family_index(struct ms_report *rep, const char *device)
{
	const char *name = rep->o.family(device, rep->o.family_ctx);
	size_t i;

	if (!name || !*name)
		name = "other";
	for (i = 0; i < rep->n_fam; i++) {
		if (!strcmp(rep->fam_names[i], name))
			return (uint8_t)i;
	}
	/* A table full of families folds the rest into its last entry. */
	if (rep->n_fam == MS_REPORT_FAMILIES_MAX)
		return MS_REPORT_FAMILIES_MAX - 1;
	snprintf(rep->fam_names[i], FAMILY_NAME_MAX, "%s", name);
	rep->fam[i].name = rep->fam_names[i];
	rep->n_fam++;
	return (uint8_t)i;
}

static void count_code(struct ms_report *rep, int32_t code)
{
	size_t i;

	for (i = 0; i < MS_REPORT_CODES_MAX && rep->codes[i].samples; i++) {
		if (rep->codes[i].code == code) {
			rep->codes[i].samples++;
			return;
		}
	}
	if (i == MS_REPORT_CODES_MAX) {
		rep->tot.unknown_other++;
		return;
	}
	rep->codes[i].code = code;
	rep->codes[i].samples = 1;
}

/* The state mod held from t0 to t1 (capped at max_gap): time and strip. */
static void hold(struct ms_report *rep, uint8_t mod, int64_t t0, int64_t t1)
{
	int64_t dur = t1 - t0, len = rep->end - rep->start, b, b0, b1;
	int64_t bins = rep->o.strip_bins;

	if (dur > rep->o.max_gap)
		dur = rep->o.max_gap;
	if (t0 + dur > rep->end)
		dur = rep->end - t0;
	if (mod == MS_MOD_QAM16 || mod == MS_MOD_QPSK)
		rep->cur.below_secs += (uint32_t)dur;
	ms_node_acc_hold(rep->nodes, t0, dur, mod);
	b0 = (t0 - rep->start) * bins / len;
	b1 = dur > 0 ? (t0 + dur - 1 - rep->start) * bins / len : b0;
	for (b = b0; b <= b1 && b < bins; b++) {
		if (rep->sev[b] < ms_report_sev[mod])
			rep->sev[b] = ms_report_sev[mod];
	}
}

static void sample(struct ms_report *rep, int64_t t, int32_t code,
		   uint8_t mod)
{
	rep->cur.n[mod]++;
	if (mod == MS_MOD_UNKNOWN)
		count_code(rep, code);
	else if (mod != rep->last_known)
		rep->cur.runs++;
	if (mod != MS_MOD_UNKNOWN)
		rep->last_known = mod;
	rep->last_t = t;
	rep->last_mod = mod;
}

/* a ranks worse (earlier) than b: hops, time below QAM64, names. */
static int held_cmp(const struct ms_report *rep, const struct held *a,
		    const struct held *b)
{
	int c;

	if (a->hops != b->hops)
		return a->hops > b->hops ? -1 : 1;
	if (a->below_secs != b->below_secs)
		return a->below_secs > b->below_secs ? -1 : 1;
	if ((c = strcmp(name_at(rep, a->device), name_at(rep, b->device))))
		return c;
	return strcmp(name_at(rep, a->upstream), name_at(rep, b->upstream));
}

/* Keep the finished channel's strip if it ranks among the top_n. */
static int strip_consider(struct ms_report *rep, const struct row *r)
{
	struct held cand = { r->device, r->upstream, r->hops, r->below_secs,
			     NULL };
	struct held *slot;
	size_t i, best = 0;
	unsigned b;

	if (!r->hops && !r->below_secs)
		return 0;
	if (rep->n_held < rep->o.top_n) {
		slot = &rep->held[rep->n_held];
		if (!(cand.bins = malloc(rep->o.strip_bins + 1)))
			return MS_E_NOMEM;
		rep->n_held++;
	} else {
		for (i = 1; i < rep->n_held; i++) {
			if (held_cmp(rep, &rep->held[i], &rep->held[best]) > 0)
				best = i;
		}
		slot = &rep->held[best];
		if (held_cmp(rep, &cand, slot) > 0)
			return 0;
		cand.bins = slot->bins;
	}
	for (b = 0; b < rep->o.strip_bins; b++)
		cand.bins[b] = strip_char[rep->sev[b]];
	cand.bins[b] = '\0';
	*slot = cand;
	return 0;
}

static int chan_close(struct ms_report *rep)
{
	struct ms_report_family_sum *f;
	struct dev *d;
	struct row *r = &rep->cur;
	uint32_t total = 0;
	int m, e;

	if (!rep->in_chan)
		return 0;
	rep->in_chan = false;
	hold(rep, rep->last_mod, rep->last_t, rep->end);
	if (rep->o.legacy_hops)
		r->hops++;
	ms_buf_reset(&rep->col);
	if ((e = ms_node_acc_close(rep->nodes, r->device, r->upstream,
				   &rep->col)) < 0 ||
	    (rep->col.len && (e = intern(rep, rep->col.p, &r->node)) < 0))
		return e;
	if ((e = ms_grow((void **)&rep->rows, &rep->cap_rows, rep->n_rows,
			 sizeof(*r), 256)) < 0)
		return e;
	rep->rows[rep->n_rows++] = *r;
	d = &rep->devs[rep->n_devs - 1];
	f = &rep->fam[r->family];
	d->upstreams++;
	f->upstreams++;
	rep->tot.upstreams++;
	d->hops += r->hops;
	f->hops += r->hops;
	rep->tot.hops += r->hops;
	rep->tot.below_secs += r->below_secs;
	for (m = 0; m < MS_MOD__COUNT; m++) {
		f->n[m] += r->n[m];
		rep->tot.n[m] += r->n[m];
		total += r->n[m];
	}
	f->samples += total;
	rep->tot.samples += total;
	if (r->hops) {
		d->hopping++;
		f->hopping++;
		rep->tot.hopping++;
	}
	if (r->n[MS_MOD_QAM16] || r->n[MS_MOD_QPSK]) {
		d->degraded++;
		f->degraded++;
		rep->tot.degraded++;
	}
	return strip_consider(rep, r);
}

static int dev_open(struct ms_report *rep, const char *device)
{
	struct dev *d;
	int e;

	if ((e = ms_grow((void **)&rep->devs, &rep->cap_devs, rep->n_devs,
			 sizeof(*d), 256)) < 0)
		return e;
	d = &rep->devs[rep->n_devs];
	memset(d, 0, sizeof(*d));
	if ((e = intern(rep, device, &d->name)) < 0)
		return e;
	d->family = family_index(rep, device);
	rep->fam[d->family].devices++;
	rep->tot.devices++;
	rep->n_devs++;
	snprintf(rep->cur_dev, sizeof(rep->cur_dev), "%s", device);
	rep->in_dev = true;
	return 0;
}

static int chan_open(struct ms_report *rep, const char *upstream,
		     int64_t t, int32_t code, uint8_t mod)
{
	const struct dev *d = &rep->devs[rep->n_devs - 1];
	int e;

	memset(&rep->cur, 0, sizeof(rep->cur));
	memset(rep->sev, 0, rep->o.strip_bins);
	rep->cur.device = d->name;
	rep->cur.family = d->family;
	if ((e = intern(rep, upstream, &rep->cur.upstream)) < 0)
		return e;
	snprintf(rep->cur_up, sizeof(rep->cur_up), "%s", upstream);
	rep->in_chan = true;
	rep->last_known = MS_MOD_UNKNOWN;
	ms_node_acc_chan(rep->nodes, rep->cur_dev, upstream);
	if (rep->o.legacy_hops)
		ms_node_acc_hop(rep->nodes, t);
	sample(rep, t, code, mod);
	return 0;
}

/* Where a row belongs: -1 before the current channel, 0 in it, 1 after. */
static int row_place(const struct ms_report *rep, const char *device,
		     const char *upstream, int64_t t, bool *new_dev)
{
	int c;

	*new_dev = !rep->in_dev;
	if (!rep->in_dev)
		return 1;
	if ((c = strcmp(device, rep->cur_dev)) != 0) {
		*new_dev = true;
		return c < 0 ? -1 : 1;
	}
	if ((c = strcmp(upstream, rep->cur_up)) != 0)
		return c < 0 ? -1 : 1;
	return t < rep->last_t ? -1 : 0;
}

int ms_report_row(struct ms_report *rep, const char *device,
		  const char *upstream, int64_t time, int32_t code,
		  enum ms_mod mod, struct ms_err *err)
{
	bool new_dev;
	int place, e;

	if (rep->ended)
		return ms_err_set(err, MS_E_INVAL, "report already ended");
	if (strlen(device) >= MS_DEVICE_MAX ||
	    strlen(upstream) >= MS_UPSTREAM_MAX)
		return ms_err_set(err, MS_E_TOOBIG,
				  "device or upstream name too long: '%.64s'",
				  device);
	if ((unsigned)mod >= MS_MOD__COUNT)
		mod = MS_MOD_UNKNOWN;
	if (time < rep->start || time >= rep->end)
		return ms_err_set(err, MS_E_INVAL,
				  "sample of '%s' '%s' at %lld lies outside "
				  "the period", device, upstream,
				  (long long)time);
	place = row_place(rep, device, upstream, time, &new_dev);
	if (place < 0)
		return ms_err_set(err, MS_E_INVAL,
				  "sample of '%s' '%s' at %lld out of order "
				  "(rows must be sorted by device, upstream, "
				  "time)", device, upstream, (long long)time);
	if (place == 0) {
		hold(rep, rep->last_mod, rep->last_t, time);
		if (mod != rep->last_mod) {
			rep->cur.hops++;
			ms_node_acc_hop(rep->nodes, time);
		}
		sample(rep, time, code, (uint8_t)mod);
		return 0;
	}
	if ((e = chan_close(rep)) < 0 ||
	    (new_dev && (e = dev_open(rep, device)) < 0) ||
	    (e = chan_open(rep, upstream, time, code, (uint8_t)mod)) < 0)
		return ms_err_set(err, e, "report: %s", ms_strerror(e));
	return 0;
}

/* qsort_r that accepts an empty (NULL) array. */
static void sort(void *base, size_t n, size_t size,
		 int (*cmp)(const void *, const void *, void *), void *ctx)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, ctx);
}

static int row_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct ms_report *rep = ctx;
	const struct row *a = pa, *b = pb;
	int c;

	if (a->hops != b->hops)
		return a->hops > b->hops ? -1 : 1;
	if ((c = strcmp(name_at(rep, a->device), name_at(rep, b->device))))
		return c;
	return strcmp(name_at(rep, a->upstream), name_at(rep, b->upstream));
}

static int held_sort_cmp(const void *pa, const void *pb, void *ctx)
{
	return held_cmp(ctx, pa, pb);
}

/* Devices with the most degraded upstreams first. */
static int dev_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct ms_report *rep = ctx;
	const struct dev *a = pa, *b = pb;

	if (a->degraded != b->degraded)
		return a->degraded > b->degraded ? -1 : 1;
	if (a->hops != b->hops)
		return a->hops > b->hops ? -1 : 1;
	return strcmp(name_at(rep, a->name), name_at(rep, b->name));
}

static int fam_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct ms_report_family_sum *a = pa, *b = pb;

	(void)ctx;
	return strcmp(a->name, b->name);
}

static int build_lists(struct ms_report *rep)
{
	struct ms_report_info *in = &rep->info;
	size_t i, n;

	sort(rep->devs, rep->n_devs, sizeof(*rep->devs), dev_cmp, rep);
	for (n = 0; n < rep->n_devs && n < rep->o.top_n; n++) {
		if (!rep->devs[n].degraded)
			break;
	}
	if (n && !(rep->degraded = calloc(n, sizeof(*rep->degraded))))
		return MS_E_NOMEM;
	for (i = 0; i < n; i++) {
		const struct dev *d = &rep->devs[i];

		rep->degraded[i] = (struct ms_report_device_sum){
			name_at(rep, d->name), rep->fam_names[d->family],
			d->upstreams, d->hopping, d->degraded, d->hops };
	}
	in->degraded = rep->degraded;
	in->n_degraded = n;

	sort(rep->held, rep->n_held, sizeof(*rep->held), held_sort_cmp,
		rep);
	if (rep->n_held &&
	    !(rep->strips = calloc(rep->n_held, sizeof(*rep->strips))))
		return MS_E_NOMEM;
	for (i = 0; i < rep->n_held; i++) {
		const struct held *h = &rep->held[i];

		rep->strips[i] = (struct ms_report_strip){
			name_at(rep, h->device), name_at(rep, h->upstream),
			h->hops, h->below_secs, h->bins };
	}
	in->strips = rep->strips;
	in->n_strips = rep->n_held;
	return 0;
}

/* Families in name order; rows refer to them by index, so remap those. */
static void sort_families(struct ms_report *rep)
{
	struct ms_report_family_sum old[MS_REPORT_FAMILIES_MAX];
	uint8_t map[MS_REPORT_FAMILIES_MAX] = { 0 };
	size_t i, j;

	memcpy(old, rep->fam, sizeof(old));
	sort(rep->fam, rep->n_fam, sizeof(*rep->fam), fam_cmp, NULL);
	for (i = 0; i < rep->n_fam; i++) {
		for (j = 0; j < rep->n_fam; j++) {
			if (old[i].name == rep->fam[j].name)
				map[i] = (uint8_t)j;
		}
	}
	for (i = 0; i < rep->n_rows; i++)
		rep->rows[i].family = map[rep->rows[i].family];
}

int ms_report_end(struct ms_report *rep, struct ms_err *err)
{
	struct ms_report_info *in = &rep->info;
	size_t i;
	int e;

	if (rep->ended)
		return 0;
	if ((e = chan_close(rep)) < 0)
		return ms_err_set(err, e, "report: %s", ms_strerror(e));
	rep->ended = true;
	sort(rep->rows, rep->n_rows, sizeof(*rep->rows), row_cmp, rep);
	sort_families(rep);
	in->start = rep->start;
	in->end = rep->end;
	in->generated_ms = rep->o.generated_ms ? rep->o.generated_ms
					       : ms_wall_now();
	in->max_gap = rep->o.max_gap;
	in->legacy_hops = rep->o.legacy_hops;
	in->top_n = rep->o.top_n;
	in->strip_bins = rep->o.strip_bins;
	in->tot = rep->tot;
	in->families = rep->fam;
	in->n_families = rep->n_fam;
	for (i = 0; i < MS_REPORT_CODES_MAX && rep->codes[i].samples; i++)
		;
	in->codes = rep->codes;
	in->n_codes = i;
	in->node_map = ms_node_acc_mapped(rep->nodes);
	if ((e = build_lists(rep)) < 0 ||
	    (e = ms_node_acc_end(rep->nodes, rep->names.p, &in->nodes,
				 &in->n_nodes)) < 0)
		return ms_err_set(err, e, "report: %s", ms_strerror(e));
	return 0;
}

const struct ms_report_info *ms_report_info(const struct ms_report *rep)
{
	return &rep->info;
}

size_t ms_report_count(const struct ms_report *rep)
{
	return rep->n_rows;
}

void ms_report_line(const struct ms_report *rep, size_t i,
		    struct ms_report_line *out)
{
	const struct row *r = &rep->rows[i];
	int m;

	out->device = name_at(rep, r->device);
	out->upstream = name_at(rep, r->upstream);
	out->family = rep->fam[r->family].name;
	out->hops = r->hops;
	out->runs = r->runs;
	out->below_secs = r->below_secs;
	out->node = name_at(rep, r->node);
	out->samples = 0;
	for (m = 0; m < MS_MOD__COUNT; m++) {
		out->n[m] = r->n[m];
		out->samples += r->n[m];
	}
}

size_t ms_report_memory(const struct ms_report *rep)
{
	return sizeof(*rep) + rep->names.cap + rep->col.cap +
	       ms_node_acc_memory(rep->nodes) +
	       rep->cap_rows * sizeof(*rep->rows) +
	       rep->cap_devs * sizeof(*rep->devs) + rep->o.strip_bins +
	       rep->o.top_n * (sizeof(*rep->held) + rep->o.strip_bins + 1 +
			       sizeof(*rep->strips) + sizeof(*rep->degraded));
}

/* --- periods --- */

static int days_in_month(int y, int m)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : mdays[m - 1];
}

int ms_report_parse_date(const char *s, int *year, int *month, int *day,
			 struct ms_err *err)
{
	int v[3] = { 0, 0, 0 }, f = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				break;
			f++;
		} else if (s[i] >= '0' && s[i] <= '9' && i < 10) {
			v[f] = v[f] * 10 + (s[i] - '0');
		} else {
			break;
		}
	}
	if (i != 10 || s[i] || v[0] < 1970 || v[1] < 1 || v[1] > 12 ||
	    v[2] < 1 || v[2] > days_in_month(v[0], v[1]))
		return ms_err_set(err, MS_E_PARSE,
				  "'%.40s' is not a date (YYYY-MM-DD)", s);
	*year = v[0];
	*month = v[1];
	*day = v[2];
	return 0;
}

static int local_midnight(int y, int m, int d, int64_t *t, struct tm *norm)
{
	struct tm tm = { 0 };
	time_t r;

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;	/* let mktime find whether DST is on */
	if ((r = mktime(&tm)) == (time_t)-1)
		return MS_E_RANGE;
	*t = r;
	if (norm)
		*norm = tm;
	return 0;
}

int ms_report_day(int year, int month, int day, struct ms_report_period *p,
		  struct ms_err *err)
{
	struct tm tm;

	if (local_midnight(year, month, day, &p->start, &tm) < 0 ||
	    local_midnight(year, month, day + 1, &p->end, NULL) < 0)
		return ms_err_set(err, MS_E_RANGE, "date %04d-%02d-%02d is "
				  "out of range", year, month, day);
	strftime(p->label, sizeof(p->label), "%Y-%m-%d", &tm);
	return 0;
}

int ms_report_day_ago(time_t now, int days_ago, struct ms_report_period *p,
		      struct ms_err *err)
{
	struct tm tm;

	if (ms_localtime(now, &tm) < 0)
		return ms_err_set(err, MS_E_RANGE, "bad clock");
	return ms_report_day(tm.tm_year + 1900, tm.tm_mon + 1,
			     tm.tm_mday - days_ago, p, err);
}

int ms_report_date(const char *s, time_t now, struct ms_report_period *p,
		   struct ms_err *err)
{
	int y, m, d, e;

	if ((e = ms_report_parse_date(s, &y, &m, &d, err)) < 0 ||
	    (e = ms_report_day(y, m, d, p, err)) < 0)
		return e;
	if (p->start > now)
		return ms_err_set(err, MS_E_RANGE, "date '%s' is in the future",
				  s);
	return 0;
}

int ms_report_range(const char *from, const char *to, time_t now,
		    struct ms_report_period *p, struct ms_err *err)
{
	struct ms_report_period a, b;
	int e;

	if ((e = ms_report_date(from, now, &a, err)) < 0)
		return e;
	if ((e = ms_report_date(to, now, &b, err)) < 0)
		return e;
	if (b.end <= a.start)
		return ms_err_set(err, MS_E_INVAL, "'%s' comes before '%s'",
				  to, from);
	p->start = a.start;
	p->end = b.end;
	if (a.start == b.start)
		memcpy(p->label, a.label, sizeof(p->label));
	else
		snprintf(p->label, sizeof(p->label), "%.10s_%.10s",
			 a.label, b.label);
	return 0;
}
