/*
 * Cisco cBR-8 driver: `show cable modem summary` names the MAC domains,
 * then one filtered controller command per domain.
 */
#include "drv.h"

enum { ST_SUMMARY = 1, ST_DOMAIN };

static const char *first(struct ms_drv *d)
{
	d->state = ST_SUMMARY;
	return "show cable modem summary";
}

/* Ask about the next domain, or finish. */
static int next_domain(struct ms_drv *d, struct ms_err *err)
{
	if (d->next >= d->names.n)
		return MS_DRV_DONE;
	d->state = ST_DOMAIN;
	return ms_drv_ask(d, err,
			  "show controllers Cable%s upstream | include "
			  "Profile|Upstream|US|up|UP", d->names.v[d->next++]);
}

static int step(struct ms_drv *d, const char *text, size_t len,
		struct ms_err *err)
{
	int r;

	if (d->state == ST_SUMMARY) {
		r = ms_parse_cbr8_summary(text, len, &d->names, err);
		return r < 0 ? r : next_domain(d, err);
	}
	r = ms_parse_cbr8_domain(text, len, d->names.v[d->next - 1], d->map,
				 &d->recs, err);
	return r < 0 ? r : next_domain(d, err);
}

const struct ms_drv_ops ms_drv_cbr8_ops = { first, step };
