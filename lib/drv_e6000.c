/* ARRIS E6000 driver: one data command, `show interface cable-upstream`. */
#include "drv.h"

static const char *first(struct ms_drv *d)
{
	(void)d;
	return "show interface cable-upstream";
}

static int step(struct ms_drv *d, const char *text, size_t len,
		struct ms_err *err)
{
	int r = ms_parse_e6000(text, len, d->map, &d->recs, err);

	return r < 0 ? r : MS_DRV_DONE;
}

static int parse(const char *iface, const char *text, size_t len,
		 const struct ms_modmap *map, struct ms_chanlist *out,
		 struct ms_err *err)
{
	(void)iface;
	return ms_parse_e6000(text, len, map, out, err);
}

const struct ms_drv_ops ms_drv_e6000_ops = {
	.first = first, .step = step, .parse = parse
};
