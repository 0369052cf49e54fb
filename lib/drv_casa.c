/*
 * Casa driver: `show spectrum hop-history`; when that yields nothing, the
 * legacy fallback: `show cable modem summary`, then the history of each of
 * the first MS_DRV_CASA_FALLBACK_MAX upstreams.
 */
#include "drv.h"

enum { ST_HISTORY = 1, ST_SUMMARY, ST_UPSTREAM };

static const char *first(struct ms_drv *d)
{
	d->state = ST_HISTORY;
	return "show spectrum hop-history";
}

/* Ask for the next upstream's history, or finish. */
static int next_upstream(struct ms_drv *d, struct ms_err *err)
{
	if (d->next >= d->names.n || d->next >= MS_DRV_CASA_FALLBACK_MAX)
		return MS_DRV_DONE;
	d->state = ST_UPSTREAM;
	return ms_drv_ask(d, err, "show spectrum hop-history upstream %s",
			  d->names.v[d->next++]);
}

static int step(struct ms_drv *d, const char *text, size_t len,
		struct ms_err *err)
{
	int r;

	switch (d->state) {
	case ST_HISTORY:
		if ((r = ms_parse_casa(text, len, d->map, &d->recs, err)) < 0)
			return r;
		if (d->recs.n)
			return MS_DRV_DONE;
		d->state = ST_SUMMARY;
		return ms_drv_ask(d, err, "show cable modem summary");
	case ST_SUMMARY:
		if ((r = ms_parse_casa_summary(text, len, &d->names, err)) < 0)
			return r;
		return next_upstream(d, err);
	default:
		r = ms_parse_casa_upstream(text, len, d->names.v[d->next - 1],
					   d->map, &d->recs, err);
		return r < 0 ? r : next_upstream(d, err);
	}
}

/* Saved output: the history of upstream iface, or of all. */
static int parse(const char *iface, const char *text, size_t len,
		 const struct ms_modmap *map, struct ms_chanlist *out,
		 struct ms_err *err)
{
	if (iface)
		return ms_parse_casa_upstream(text, len, iface, map, out, err);
	return ms_parse_casa(text, len, map, out, err);
}

const struct ms_drv_ops ms_drv_casa_ops = {
	.first = first, .step = step, .parse = parse, .iface = true
};
