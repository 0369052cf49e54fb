/*
 * status --nagios: thresholds, the verdict, the plugin line and perfdata
 * (label=value[UOM];warn;crit;min;max).
 */
#include "nagios.h"

#include "num.h"

enum { RANGE_MAX = INT64_MAX / 2 };

/* One end of a range: a number, or empty (unbounded). */
static int bound(const char *s, size_t len, long long *v, bool *none)
{
	*none = len == 0;
	return len ? ms_parse_lln(s, len, -RANGE_MAX, RANGE_MAX, v) : 0;
}

int ms_nagios_range_parse(const char *s, size_t len,
			  struct ms_nagios_range *r, struct ms_err *err)
{
	const char *colon, *s0 = s;
	size_t len0 = len;
	bool empty_start;

	memset(r, 0, sizeof(*r));
	if (len && *s == '@') {
		r->inside = true;
		s++;
		len--;
	}
	colon = memchr(s, ':', len);
	if (!colon) {
		if (len && bound(s, len, &r->end, &r->no_end) == 0)
			return 0;
		goto bad;
	}
	if (colon - s == 1 && *s == '~')
		r->no_start = true;
	else if (bound(s, (size_t)(colon - s), &r->start, &empty_start) < 0 ||
		 empty_start)
		goto bad;
	if (bound(colon + 1, len - (size_t)(colon - s) - 1, &r->end,
		  &r->no_end) < 0 ||
	    (!r->no_start && !r->no_end && r->start > r->end))
		goto bad;
	return 0;
bad:
	return ms_err_set(err, MS_E_INVAL, "'%.*s' is not a Nagios range",
			  (int)len0, s0);
}

bool ms_nagios_range_alert(const struct ms_nagios_range *r, long long v)
{
	bool in = (r->no_start || v >= r->start) && (r->no_end || v <= r->end);

	return r->inside ? in : !in;
}

void ms_nagios_range_format(const struct ms_nagios_range *r, char *out,
			    size_t size)
{
	char start[24] = "", end[24] = "";

	if (r->no_start)
		snprintf(start, sizeof(start), "~:");
	else if (r->start || r->no_end)
		snprintf(start, sizeof(start), "%lld:", r->start);
	if (!r->no_end)
		snprintf(end, sizeof(end), "%lld", r->end);
	snprintf(out, size, "%s%s%s", r->inside ? "@" : "", start, end);
}

int ms_nagios_parse(const char *s, struct ms_nagios_limits *l,
		    struct ms_err *err)
{
	struct ms_nagios_range *field[3] = { &l->age_s, &l->failed,
					     &l->spool };
	struct ms_nagios_range v[3];
	const char *p = s, *e;
	size_t i;

	for (i = 0; i < 3; i++) {
		e = p + strcspn(p, ",");
		if (e > p && ms_nagios_range_parse(p, (size_t)(e - p), &v[i],
						   NULL) < 0)
			break;
		if (e > p)
			*field[i] = v[i];
		if (!*e)
			return 0;
		p = e + 1;
	}
	return ms_err_set(err, MS_E_INVAL, "'%s' is not AGE,FAILED,SPOOL (a "
			  "Nagios range each: 10, 10:, ~:10, 10:20, @10:20; "
			  "empty keeps the default)", s);
}

static const char *const names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

static enum ms_nagios_code level(long long v,
				 const struct ms_nagios_range *warn,
				 const struct ms_nagios_range *crit)
{
	if (ms_nagios_range_alert(crit, v))
		return MS_NAGIOS_CRITICAL;
	return ms_nagios_range_alert(warn, v) ? MS_NAGIOS_WARNING
					      : MS_NAGIOS_OK;
}

/* The device list is older than three of its refresh intervals. */
static bool inventory_stale(const struct ms_health_report *rep)
{
	const struct ms_status *st = &rep->f.st;

	return st->inventory_ok && st->inventory_interval_ms &&
	       rep->f.now - st->inventory_ok > 3 * st->inventory_interval_ms;
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

/* WARNING for a lapsed instance or devices waiting for the database,
 * CRITICAL for an unserved group. */
static enum ms_nagios_code fleet_level(const struct ms_fleet_view *v)
{
	if (!v)
		return MS_NAGIOS_OK;
	if (ms_fleet_view_unserved(v))
		return MS_NAGIOS_CRITICAL;
	if (ms_fleet_view_count(v, MS_FLEET_LAPSED) ||
	    (v->down_ms && ms_fleet_view_waiting(v)))
		return MS_NAGIOS_WARNING;
	return MS_NAGIOS_OK;
}

/* The fleet's problems, each followed by "; ". */
static void fleet_problems(const struct ms_fleet_view *v, struct ms_buf *out)
{
	size_t i;

	for (i = 0; v && i < v->ninsts; i++)
		if (v->insts[i].state == MS_FLEET_LAPSED)
			ms_buf_printf(out, "instance %s lapsed; ",
				      v->insts[i].name);
	for (i = 0; v && i < v->ngroups; i++)
		if (v->groups[i].unserved)
			ms_buf_printf(out, "group %s unserved: %u devices; ",
				      v->groups[i].name[0] ? v->groups[i].name
							   : "(none)",
				      v->groups[i].unserved);
	if (v && v->down_ms)
		ms_buf_printf(out, "database down: %llu devices wait for it; ",
			      (unsigned long long)ms_fleet_view_waiting(v));
}

/* The fleet's perfdata, each preceded by a space. */
static void fleet_perf(const struct ms_fleet_view *v, struct ms_buf *out)
{
	if (v)
		ms_buf_printf(out, " instances_alive=%zu;;;0;%zu "
			      "instances_lapsed=%zu;;;0;%zu "
			      "unserved_devices=%llu;;;0",
			      ms_fleet_view_count(v, MS_FLEET_ALIVE),
			      v->ninsts, ms_fleet_view_count(v,
							    MS_FLEET_LAPSED),
			      v->ninsts,
			      (unsigned long long)ms_fleet_view_unserved(v));
}

/* The scanner's level from the thresholds and its problems. */
static enum ms_nagios_code scanner_level(const struct ms_health_report *rep,
					 const struct ms_nagios_limits *warn,
					 const struct ms_nagios_limits *crit)
{
	const struct ms_status *st = &rep->f.st;
	enum ms_nagios_code c, x;

	if (rep->h.verdict != MS_HEALTH_OK)
		return MS_NAGIOS_CRITICAL;
	c = level(rep->h.age_ms / 1000, &warn->age_s, &crit->age_s);
	x = level(st->last.devices_failed, &warn->failed, &crit->failed);
	c = MS_MAX(c, x);
	x = level((long long)st->spool_bytes, &warn->spool, &crit->spool);
	c = MS_MAX(c, x);
	c = MS_MAX(c, problems_level(st));
	if (inventory_stale(rep) || rep->plant_alerts > 0)
		c = MS_MAX(c, MS_NAGIOS_WARNING);
	return c;
}

enum ms_nagios_code ms_nagios_render(const struct ms_health_report *rep,
				     const struct ms_nagios_limits *warn,
				     const struct ms_nagios_limits *crit,
				     struct ms_buf *out)
{
	const struct ms_status *st = &rep->f.st;
	const struct ms_health *h = &rep->h;
	char r[6][48];
	enum ms_nagios_code c;
	long long age, failed;

	if (!rep->f.have_status && !rep->fleet) {
		ms_buf_printf(out, "MODSCAN UNKNOWN - %s\n", h->reason);
		return MS_NAGIOS_UNKNOWN;
	}
	if (!rep->f.have_status) {
		/* a host that only watches the fleet */
		c = fleet_level(rep->fleet);
		ms_buf_printf(out, "MODSCAN %s - ", names[c]);
		fleet_problems(rep->fleet, out);
		ms_buf_printf(out, "no scanner here: %s |", h->reason);
		fleet_perf(rep->fleet, out);
		ms_buf_adds(out, "\n");
		return c;
	}
	age = h->age_ms / 1000;
	failed = st->last.devices_failed;
	c = MS_MAX(scanner_level(rep, warn, crit), fleet_level(rep->fleet));
	ms_nagios_range_format(&warn->age_s, r[0], sizeof(r[0]));
	ms_nagios_range_format(&crit->age_s, r[1], sizeof(r[1]));
	ms_nagios_range_format(&warn->failed, r[2], sizeof(r[2]));
	ms_nagios_range_format(&crit->failed, r[3], sizeof(r[3]));
	ms_nagios_range_format(&warn->spool, r[4], sizeof(r[4]));
	ms_nagios_range_format(&crit->spool, r[5], sizeof(r[5]));
	ms_buf_printf(out, "MODSCAN %s - ", names[c]);
	/* a dead or hung scanner's problems are as old as its heartbeat */
	if (h->verdict == MS_HEALTH_OK && ms_nagios_problems(st, out))
		ms_buf_adds(out, "; ");
	if (rep->plant_alerts > 0)
		ms_buf_printf(out, "%d plant alert%s open; ", rep->plant_alerts,
			      rep->plant_alerts > 1 ? "s" : "");
	if (inventory_stale(rep))
		ms_buf_printf(out, "device list %llds old%s%s; ",
			      (long long)(rep->f.now - st->inventory_ok) / 1000,
			      st->inventory_error[0] ? ": " : "",
			      st->inventory_error);
	fleet_problems(rep->fleet, out);
	ms_buf_printf(out, "%s; %lld of %u devices failed, "
		      "spool %llu bytes | heartbeat_age=%llds;%s;%s;0 "
		      "failed_devices=%lld;%s;%s;0;%u "
		      "spool_bytes=%lluB;%s;%s;0", h->reason,
		      failed, st->devices_total,
		      (unsigned long long)st->spool_bytes, age, r[0], r[1],
		      failed, r[2], r[3], st->devices_total,
		      (unsigned long long)st->spool_bytes, r[4], r[5]);
	fleet_perf(rep->fleet, out);
	ms_buf_adds(out, "\n");
	return c;
}
