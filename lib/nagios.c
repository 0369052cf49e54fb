/*
 * status --nagios: thresholds, the verdict, the plugin line and perfdata
 * (label=value[UOM];warn;crit;min;max).
 */
#include "nagios.h"

#include "num.h"

int ms_nagios_parse(const char *s, struct ms_nagios_limits *l,
		    struct ms_err *err)
{
	long long *field[3] = { &l->age_s, &l->failed, &l->spool };
	const char *p = s, *e;
	size_t i;

	for (i = 0; i < 3; i++) {
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		if (e > p && ms_parse_lln(p, (size_t)(e - p), 0, INT64_MAX / 2,
					  field[i]) < 0)
			break;
		if (!*e)
			return 0;
		p = e + 1;
	}
	return ms_err_set(err, MS_E_INVAL, "'%s' is not AGE,FAILED,SPOOL "
			  "(non-negative numbers, empty keeps the default)",
			  s);
}

static const char *const names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

static enum ms_nagios_code level(long long v, long long warn, long long crit)
{
	if (v > crit)
		return MS_NAGIOS_CRITICAL;
	return v > warn ? MS_NAGIOS_WARNING : MS_NAGIOS_OK;
}

/* The device list is older than three of its refresh intervals. */
static bool inventory_stale(const struct ms_health_report *rep)
{
	const struct ms_status *st = &rep->f.st;

	return st->inventory_ok && st->inventory_interval_ms &&
	       rep->f.now - st->inventory_ok > 3 * st->inventory_interval_ms;
}

enum ms_nagios_code ms_nagios_render(const struct ms_health_report *rep,
				     const struct ms_nagios_limits *warn,
				     const struct ms_nagios_limits *crit,
				     struct ms_buf *out)
{
	const struct ms_status *st = &rep->f.st;
	const struct ms_health *h = &rep->h;
	enum ms_nagios_code c, x;
	long long age, failed;

	if (!rep->f.have_status) {
		ms_buf_printf(out, "MODSCAN UNKNOWN - %s\n", h->reason);
		return MS_NAGIOS_UNKNOWN;
	}
	age = h->age_ms / 1000;
	failed = st->last.devices_failed;
	if (h->verdict != MS_HEALTH_OK) {
		c = MS_NAGIOS_CRITICAL;
	} else {
		c = level(age, warn->age_s, crit->age_s);
		x = level(failed, warn->failed, crit->failed);
		c = MS_MAX(c, x);
		x = level((long long)st->spool_bytes, warn->spool, crit->spool);
		c = MS_MAX(c, x);
	}
	if (inventory_stale(rep))
		c = MS_MAX(c, MS_NAGIOS_WARNING);
	ms_buf_printf(out, "MODSCAN %s - %s; ", names[c], h->reason);
	if (inventory_stale(rep))
		ms_buf_printf(out, "device list %llds old%s%s; ",
			      (long long)(rep->f.now - st->inventory_ok) / 1000,
			      st->inventory_error[0] ? ": " : "",
			      st->inventory_error);
	ms_buf_printf(out, "%lld of %u devices failed, "
		      "spool %llu bytes | heartbeat_age=%llds;%lld;%lld;0 "
		      "failed_devices=%lld;%lld;%lld;0;%u "
		      "spool_bytes=%lluB;%lld;%lld;0\n",
		      failed, st->devices_total,
		      (unsigned long long)st->spool_bytes, age, warn->age_s,
		      crit->age_s, failed, warn->failed, crit->failed,
		      st->devices_total, (unsigned long long)st->spool_bytes,
		      warn->spool, crit->spool);
	return c;
}
