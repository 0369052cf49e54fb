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
		r = ms_parse_cbr8_summary(text, len, &d->names, &d->descr,
					  err);
		return r < 0 ? r : next_domain(d, err);
	}
	r = ms_parse_cbr8_domain(text, len, d->names.v[d->next - 1], d->map,
				 &d->recs, err);
	return r < 0 ? r : next_domain(d, err);
}

/* Saved output: the controller blocks of MAC domain iface, or of all. */
static int parse(const char *iface, const char *text, size_t len,
		 const struct ms_modmap *map, struct ms_chanlist *out,
		 struct ms_err *err)
{
	char dom[MS_UPSTREAM_MAX];

	if (iface && ms_parse_cbr8_domain_name(iface, dom, sizeof(dom)) < 0)
		return ms_err_set(err, MS_E_INVAL, "'%s' is not a MAC domain "
				  "(Cable1/0/1)", iface);
	return ms_parse_cbr8_domain(text, len, iface ? dom : NULL, map, out,
				    err);
}

/* `show cable modem summary`: its MAC domains, a line each (Cable1/0/1). */
static int interfaces(const char *text, size_t len, struct ms_buf *out,
		      struct ms_err *err)
{
	struct ms_namelist *dom = malloc(sizeof(*dom));
	size_t i;
	int r = 0;

	if (!dom)
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	ms_namelist_init(dom);
	ms_parse_cbr8_summary(text, len, dom, NULL, NULL);
	for (i = 0; i < dom->n && r >= 0; i++)
		r = ms_buf_printf(out, "Cable%s\n", dom->v[i]);
	if (r >= 0)
		r = dom->listing;
	free(dom);
	if (r == MS_E_NOMEM)
		return ms_err_set(err, r, "out of memory");
	if (r < 0)
		return ms_err_set(err, r, "too many MAC domains");
	return r;
}

const struct ms_drv_ops ms_drv_cbr8_ops = {
	.first = first, .step = step, .parse = parse,
	.interfaces = interfaces, .iface = true
};
