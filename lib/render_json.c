/*
 * The report as one JSON document for the web page and other tools.  The
 * summaries are built with cJSON; the rows are printed one object at a time
 * so that a large day never holds its whole tree in memory.
 */
#include "render.h"

#include <cjson/cJSON.h>

#include "mstime.h"

/* cJSON returns NULL when out of memory; one flag collects every add. */
struct jb {
	bool bad;
};

static cJSON *num(struct jb *j, cJSON *o, const char *k, double v)
{
	cJSON *n = cJSON_AddNumberToObject(o, k, v);

	j->bad |= !n;
	return n;
}

static cJSON *str(struct jb *j, cJSON *o, const char *k, const char *v)
{
	cJSON *n = cJSON_AddStringToObject(o, k, v);

	j->bad |= !n;
	return n;
}

static cJSON *obj(struct jb *j, cJSON *o, const char *k)
{
	cJSON *n = k ? cJSON_AddObjectToObject(o, k) : cJSON_CreateObject();

	j->bad |= !n;
	if (n && !k && !cJSON_AddItemToArray(o, n)) {
		cJSON_Delete(n);
		j->bad = true;
		return NULL;
	}
	return n;
}

static cJSON *arr(struct jb *j, cJSON *o, const char *k)
{
	cJSON *n = cJSON_AddArrayToObject(o, k);

	j->bad |= !n;
	return n;
}

static void iso(struct jb *j, cJSON *o, const char *k, int64_t ms)
{
	char t[MS_ISO_MAX];

	str(j, o, k, ms_time_iso(ms, t));
}

/* {"QAM64": {"samples": n, "pct": p}, ...} over n[] */
static void distribution(struct jb *j, cJSON *o, const char *k,
			 const uint64_t n[MS_MOD__COUNT], uint64_t whole)
{
	static const enum ms_mod order[] = { MS_MOD_QAM64, MS_MOD_QAM16,
					     MS_MOD_QPSK, MS_MOD_UNKNOWN };
	cJSON *d = obj(j, o, k), *m;
	size_t i;

	for (i = 0; d && i < MS_ARRAY_SIZE(order); i++) {
		if (!(m = obj(j, d, ms_mod_name(order[i]))))
			return;
		num(j, m, "samples", (double)n[order[i]]);
		num(j, m, "pct", ms_report_pct(n[order[i]], whole));
	}
}

static void totals(struct jb *j, cJSON *doc, const struct ms_report_info *in)
{
	const struct ms_report_totals *t = &in->tot;
	cJSON *o = obj(j, doc, "totals");

	if (!o)
		return;
	num(j, o, "devices", t->devices);
	num(j, o, "upstreams", t->upstreams);
	num(j, o, "samples", (double)t->samples);
	num(j, o, "hops", (double)t->hops);
	num(j, o, "hopping_upstreams", t->hopping);
	num(j, o, "degraded_upstreams", t->degraded);
	num(j, o, "seconds_below_qam64", (double)t->below_secs);
	distribution(j, doc, "modulation", t->n, t->samples);
}

static void families(struct jb *j, cJSON *doc,
		     const struct ms_report_info *in)
{
	cJSON *a = arr(j, doc, "families"), *o;
	size_t i;

	for (i = 0; a && i < in->n_families; i++) {
		const struct ms_report_family_sum *f = &in->families[i];

		if (!(o = obj(j, a, NULL)))
			return;
		str(j, o, "family", f->name);
		num(j, o, "devices", f->devices);
		num(j, o, "upstreams", f->upstreams);
		num(j, o, "samples", (double)f->samples);
		num(j, o, "hops", (double)f->hops);
		num(j, o, "hopping_upstreams", f->hopping);
		num(j, o, "degraded_upstreams", f->degraded);
		distribution(j, o, "modulation", f->n, f->samples);
	}
}

static void lists(struct jb *j, cJSON *doc, const struct ms_report *rep,
		  const struct ms_report_info *in)
{
	struct ms_report_line l;
	cJSON *a, *o;
	size_t i;

	a = arr(j, doc, "top_hoppers");
	for (i = 0; a && i < ms_report_count(rep) && i < in->top_n; i++) {
		ms_report_line(rep, i, &l);
		if (!l.hops || !(o = obj(j, a, NULL)))
			break;
		str(j, o, "ccap", l.device);
		str(j, o, "upstream", l.upstream);
		num(j, o, "hops", l.hops);
	}
	a = arr(j, doc, "degraded_ccaps");
	for (i = 0; a && i < in->n_degraded; i++) {
		const struct ms_report_device_sum *d = &in->degraded[i];

		if (!(o = obj(j, a, NULL)))
			break;
		str(j, o, "ccap", d->device);
		str(j, o, "family", d->family);
		num(j, o, "upstreams", d->upstreams);
		num(j, o, "degraded_upstreams", d->degraded);
		num(j, o, "hopping_upstreams", d->hopping);
		num(j, o, "hops", (double)d->hops);
	}
	a = arr(j, doc, "unknown_codes");
	for (i = 0; a && i < in->n_codes; i++) {
		if (!(o = obj(j, a, NULL)))
			break;
		num(j, o, "code", in->codes[i].code);
		num(j, o, "samples", (double)in->codes[i].samples);
	}
}

/*
 * The first top_n nodes to visit, each with its upstreams; "node" null
 * for the upstreams of a CCAP that had no node.
 */
static void nodes(struct jb *j, cJSON *doc, const struct ms_report_info *in)
{
	cJSON *a, *o, *u, *x;
	size_t i, k;

	j->bad |= !cJSON_AddBoolToObject(doc, "node_map", in->node_map);
	num(j, doc, "nodes_degraded", (double)in->n_nodes);
	a = arr(j, doc, "nodes_to_visit");
	for (i = 0; a && i < in->n_nodes && i < in->top_n; i++) {
		const struct ms_report_node_sum *s = &in->nodes[i];

		if (!(o = obj(j, a, NULL)))
			return;
		if (s->node)
			str(j, o, "node", s->node);
		else
			j->bad |= !cJSON_AddNullToObject(o, "node");
		if (!s->node)
			str(j, o, "ccap", s->device);
		num(j, o, "seconds_below_qam64", (double)s->below_secs);
		num(j, o, "hops", (double)s->hops);
		if (!(u = arr(j, o, "upstreams")))
			return;
		for (k = 0; k < s->n_ups; k++) {
			const struct ms_report_node_up *p = &s->ups[k];

			if (!(x = obj(j, u, NULL)))
				return;
			str(j, x, "ccap", p->device);
			str(j, x, "upstream", p->upstream);
			num(j, x, "seconds_below_qam64", p->below_secs);
			num(j, x, "hops", p->hops);
			str(j, x, "worst", ms_mod_name(p->worst));
		}
	}
}

static void timelines(struct jb *j, cJSON *doc,
		      const struct ms_report_info *in)
{
	cJSON *t = obj(j, doc, "timelines"), *a, *o;
	size_t i;

	if (!t)
		return;
	num(j, t, "bins", in->strip_bins);
	num(j, t, "bin_seconds",
	    (double)(in->end - in->start) / in->strip_bins);
	str(j, t, "legend", ". none, 6 QAM64, U UNKNOWN, 1 QAM16, Q QPSK");
	a = arr(j, t, "strips");
	for (i = 0; a && i < in->n_strips; i++) {
		const struct ms_report_strip *s = &in->strips[i];

		if (!(o = obj(j, a, NULL)))
			return;
		str(j, o, "ccap", s->device);
		str(j, o, "upstream", s->upstream);
		num(j, o, "hops", s->hops);
		num(j, o, "seconds_below_qam64", s->below_secs);
		str(j, o, "bins", s->bins);
	}
}

static cJSON *head(const struct ms_report *rep)
{
	const struct ms_report_info *in = ms_report_info(rep);
	struct jb j = { false };
	cJSON *doc = cJSON_CreateObject(), *o;

	if (!doc)
		return NULL;
	str(&j, doc, "report", "modscan upstream modulation report");
	str(&j, doc, "date", in->label);
	iso(&j, doc, "generated", in->generated_ms);
	if ((o = obj(&j, doc, "period"))) {
		iso(&j, o, "start", in->start * 1000);
		iso(&j, o, "end", in->end * 1000);
		num(&j, o, "hours", (double)(in->end - in->start) / 3600);
	}
	if ((o = obj(&j, doc, "options"))) {
		j.bad |= !cJSON_AddBoolToObject(o, "legacy_hops",
						in->legacy_hops);
		num(&j, o, "max_gap_seconds", (double)in->max_gap);
	}
	j.bad |= !cJSON_AddBoolToObject(doc, "no_data", !in->tot.samples);
	totals(&j, doc, in);
	families(&j, doc, in);
	lists(&j, doc, rep, in);
	nodes(&j, doc, in);
	timelines(&j, doc, in);
	if (j.bad) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

static int print_row(struct ms_buf *out, const struct ms_report_line *l)
{
	struct jb j = { false };
	cJSON *o = cJSON_CreateObject();
	char *s = NULL;
	int r = MS_E_NOMEM;

	if (!o)
		return r;
	str(&j, o, "ccap", l->device);
	str(&j, o, "upstream", l->upstream);
	str(&j, o, "node", l->node);
	str(&j, o, "family", l->family);
	num(&j, o, "hops", l->hops);
	num(&j, o, "qam64", ms_report_pct(l->n[MS_MOD_QAM64], l->samples));
	num(&j, o, "qam16", ms_report_pct(l->n[MS_MOD_QAM16], l->samples));
	num(&j, o, "qpsk", ms_report_pct(l->n[MS_MOD_QPSK], l->samples));
	num(&j, o, "unknown", ms_report_pct(l->n[MS_MOD_UNKNOWN],
					    l->samples));
	num(&j, o, "samples", l->samples);
	num(&j, o, "seconds_below_qam64", l->below_secs);
	if (!j.bad && (s = cJSON_PrintUnformatted(o)))
		r = ms_buf_adds(out, s);
	cJSON_free(s);
	cJSON_Delete(o);
	return r;
}

int ms_render_json(const struct ms_report *rep, struct ms_buf *out,
		   struct ms_err *err)
{
	struct ms_report_line l;
	cJSON *doc = head(rep);
	char *s = NULL;
	size_t i, len;
	int r = MS_E_NOMEM;

	if (!doc || !(s = cJSON_PrintUnformatted(doc)))
		goto out;
	/* The head ends with "}": the rows go in before it. */
	len = strlen(s);
	if ((r = ms_buf_add(out, s, len - 1)) < 0 ||
	    (r = ms_buf_adds(out, ",\"rows\":[")) < 0)
		goto out;
	for (i = 0; i < ms_report_count(rep); i++) {
		ms_report_line(rep, i, &l);
		if ((i && (r = ms_buf_addc(out, ',')) < 0) ||
		    (r = print_row(out, &l)) < 0)
			goto out;
	}
	r = ms_buf_adds(out, "]}\n");
out:
	cJSON_free(s);
	cJSON_Delete(doc);
	if (r < 0)
		return ms_err_set(err, r, "json report: %s", ms_strerror(r));
	return 0;
}
