/* The report's mail: summary text and delivery (see report_mail.h). */
#include "report_mail.h"

#include "render.h"
#include "mstime.h"

/* NODE_UPS: the upstreams listed under one node, so the body stays small. */
enum { BODY_MAX = 64 << 10, NODE_UPS = 16 };

static int stamp(struct ms_buf *out, const char *what, int64_t t)
{
	struct tm tm;
	char s[32];

	if (ms_localtime((time_t)t, &tm) < 0 ||
	    !strftime(s, sizeof(s), "%Y-%m-%d %H:%M %z", &tm))
		snprintf(s, sizeof(s), "@%lld", (long long)t);
	return ms_buf_printf(out, "%s %s", what, s);
}

static int mix(struct ms_buf *out, const struct ms_report_totals *t)
{
	static const enum ms_mod order[] = { MS_MOD_QAM64, MS_MOD_QAM16,
					     MS_MOD_QPSK, MS_MOD_UNKNOWN };
	char p[MS_PCT_MAX];
	size_t i;
	int r = ms_buf_adds(out, "Modulation:");

	for (i = 0; r >= 0 && i < MS_ARRAY_SIZE(order); i++) {
		if (order[i] == MS_MOD_UNKNOWN && !t->n[order[i]])
			continue;
		r = ms_buf_printf(out, "%s %s %s %%", i ? "," : "",
				  ms_mod_name(order[i]),
				  ms_render_pct(ms_report_pct(t->n[order[i]],
							      t->samples), p));
	}
	return r < 0 ? r : ms_buf_adds(out, "\n");
}

static int top(struct ms_buf *out, const struct ms_report *rep)
{
	const struct ms_report_info *in = ms_report_info(rep);
	struct ms_report_line l;
	char p[MS_PCT_MAX];
	size_t i, n = MS_MIN(ms_report_count(rep), (size_t)in->top_n);
	int r = 0;

	for (i = 0; i < n && r >= 0; i++) {
		ms_report_line(rep, i, &l);
		if (!l.hops)
			break;
		if (i == 0)
			r = ms_buf_adds(out, "\nTop hoppers:\n");
		if (r >= 0)
			r = ms_buf_printf(out, "  %-20s %-24s %6u hops  "
					  "%%QAM64 %s\n", l.device,
					  l.upstream, l.hops,
					  ms_render_pct(ms_report_pct(
						l.n[MS_MOD_QAM64], l.samples),
						p));
	}
	if (r >= 0 && i == 0)
		r = ms_buf_adds(out, "\nNo upstream changed modulation.\n");
	return r;
}

/* Nodes to visit, worst first, each with its upstreams; or one line. */
static int nodes(struct ms_buf *out, const struct ms_report_info *in)
{
	char label[MS_NODE_LABEL_MAX], d[MS_DUR_MAX];
	size_t i, k, n = MS_MIN(in->n_nodes, (size_t)in->top_n);
	int r;

	if (!in->node_map)
		return ms_buf_adds(out, "\nNodes to visit: no node map covers "
				   "this period.\n");
	if (!n)
		return ms_buf_adds(out, "\nNodes to visit: none, no node "
				   "degraded.\n");
	if ((r = ms_buf_adds(out, "\nNodes to visit (time below QAM64, "
			     "hops):\n")) < 0)
		return r;
	for (i = 0; i < n; i++) {
		const struct ms_report_node_sum *s = &in->nodes[i];

		if ((r = ms_buf_printf(out, "  %-46s %8s %6llu hops\n",
				       ms_render_node_label(s, label),
				       ms_render_dur(s->below_secs, d),
				       (unsigned long long)s->hops)) < 0)
			return r;
		for (k = 0; k < s->n_ups && k < NODE_UPS; k++) {
			const struct ms_report_node_up *u = &s->ups[k];

			if ((r = ms_buf_printf(out, "    %-20s %-23s %8s %6u "
					       "hops  worst %s\n", u->device,
					       u->upstream,
					       ms_render_dur(u->below_secs, d),
					       u->hops,
					       ms_mod_name(u->worst))) < 0)
				return r;
		}
		if (k < s->n_ups &&
		    (r = ms_buf_printf(out, "    and %zu more upstreams\n",
				       s->n_ups - k)) < 0)
			return r;
	}
	if (in->n_nodes > n)
		return ms_buf_printf(out, "  and %zu more nodes degraded\n",
				     in->n_nodes - n);
	return 0;
}

int ms_report_mail_body(const struct ms_report *rep, struct ms_buf *out)
{
	const struct ms_report_info *in = ms_report_info(rep);
	const struct ms_report_totals *t = &in->tot;
	int r;

	if ((r = ms_buf_printf(out, "modscan report %s\n\n", in->label)) < 0 ||
	    (r = stamp(out, "From", in->start)) < 0 ||
	    (r = stamp(out, " to", in->end)) < 0 ||
	    (r = ms_buf_adds(out, "\n\n")) < 0)
		return r;
	if (!t->samples)
		return ms_buf_adds(out, "No samples were recorded in this "
				   "period: the scanner did not run or "
				   "stored nothing.\n");
	if ((r = ms_buf_printf(out, "CCAPs: %u  upstreams: %u  samples: "
			       "%llu\nHops: %llu on %u upstreams; %u "
			       "upstreams spent time below QAM64\n",
			       t->devices, t->upstreams,
			       (unsigned long long)t->samples,
			       (unsigned long long)t->hops, t->hopping,
			       t->degraded)) < 0 ||
	    (r = mix(out, t)) < 0 ||
	    (r = nodes(out, in)) < 0)
		return r;
	return top(out, rep);
}

void ms_report_mail_subject(const struct ms_report *rep, char *out,
			    size_t size)
{
	const struct ms_report_info *in = ms_report_info(rep);

	if (!in->tot.samples)
		snprintf(out, size, "modscan report %s: no data", in->label);
	else
		snprintf(out, size, "modscan report %s: %llu hops on %u "
			 "upstreams", in->label,
			 (unsigned long long)in->tot.hops, in->tot.hopping);
}

int ms_report_mail_send(const struct ms_report *rep,
			const struct ms_smtp_conf *sc,
			const struct ms_mail_attach *att, size_t natt,
			struct ms_err *err)
{
	char subject[160];
	struct ms_mail m;
	struct ms_buf body;
	int r;

	if (natt > MS_MAIL_MAX_ATTACH)
		return ms_err_set(err, MS_E_INVAL, "too many attachments");
	ms_buf_init(&body, BODY_MAX);
	if ((r = ms_report_mail_body(rep, &body)) < 0) {
		ms_buf_release(&body);
		return ms_err_set(err, r, "report mail: %s", ms_strerror(r));
	}
	memset(&m, 0, sizeof(m));
	ms_smtp_mail_init(&m, sc);
	ms_report_mail_subject(rep, subject, sizeof(subject));
	m.subject = subject;
	m.body = body.p;
	memcpy(m.attach, att, natt * sizeof(*att));
	m.nattach = natt;
	r = ms_smtp_send(sc, &m, err);
	ms_buf_release(&body);
	return r;
}

/* The legacy tool's body: greeting, the report is attached, signature. */
static const char legacy_body[] =
	"Beste collega,\n"
	"\n"
	"In de bijlage vind je het meest recente modulatierapport.\n"
	"\n"
	"Met vriendelijke groet,\n"
	"\n"
	"Modulation Scanner\n"
	"\n"
	"Dit bericht is automatisch verzonden.\n";

int ms_report_mail_legacy_send(const char *label,
			       const struct ms_smtp_conf *sc,
			       const struct ms_mail_attach *csv,
			       struct ms_err *err)
{
	char subject[64];
	struct ms_mail m;

	memset(&m, 0, sizeof(m));
	ms_smtp_mail_init(&m, sc);
	snprintf(subject, sizeof(subject), "Modulation report %s", label);
	m.subject = subject;
	m.body = legacy_body;
	m.attach[0] = *csv;
	m.nattach = 1;
	return ms_smtp_send(sc, &m, err);
}
