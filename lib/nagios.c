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

static void problem(struct ms_buf *out, int *n, const char *text)
{
	ms_buf_printf(out, "%s%s", (*n)++ ? "; " : "", text);
}

int ms_nagios_problems(const struct ms_status *st, struct ms_buf *out)
{
	char lost[64];
	int n = 0;

	if (st->no_space)
		problem(out, &n, "RUN_DIR: no space left");
	if (st->last.samples_lost) {
		snprintf(lost, sizeof(lost), "%llu samples lost in the last "
			 "sweep", (unsigned long long)st->last.samples_lost);
		problem(out, &n, lost);
	}
	if (!strcmp(st->applet, "scan") && !st->devices_total &&
	    (st->state == MS_STATE_IDLE || st->state == MS_STATE_SCANNING))
		problem(out, &n, "no valid device to scan");
	return n;
}

/* WARNING for a problem, CRITICAL when samples were lost. */
static enum ms_nagios_code problems_level(const struct ms_status *st)
{
	struct ms_buf b;
	int n;

	ms_buf_init(&b, 1024);
	n = ms_nagios_problems(st, &b);
	ms_buf_release(&b);
	if (st->last.samples_lost)
		return MS_NAGIOS_CRITICAL;
	return n ? MS_NAGIOS_WARNING : MS_NAGIOS_OK;
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
		c = MS_MAX(c, problems_level(st));
	}
	ms_buf_printf(out, "MODSCAN %s - ", names[c]);
	/* a dead or hung scanner's problems are as old as its heartbeat */
	if (h->verdict == MS_HEALTH_OK && ms_nagios_problems(st, out))
		ms_buf_adds(out, "; ");
	ms_buf_printf(out, "%s; %lld of %u devices failed, "
		      "spool %llu bytes | heartbeat_age=%llds;%lld;%lld;0 "
		      "failed_devices=%lld;%lld;%lld;0;%u "
		      "spool_bytes=%lluB;%lld;%lld;0\n", h->reason,
		      failed, st->devices_total,
		      (unsigned long long)st->spool_bytes, age, warn->age_s,
		      crit->age_s, failed, warn->failed, crit->failed,
		      st->devices_total, (unsigned long long)st->spool_bytes,
		      warn->spool, crit->spool);
	return c;
}
