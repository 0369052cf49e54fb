/*
 * The shared mode of the scanner's main loop (SCAN_SHARED): due devices
 * go to the lease thread, granted ones to the pool, finished ones back as
 * completions.  With the database away, the devices this instance held
 * last are scanned without a lease and the others wait for it.
 */
#include "engine_state.h"

#include "fleetview.h"
#include "log.h"
#include "schedule.h"
#include "mstime.h"

/*
 * Not shared (any more): a fleet view left by an earlier shared scanner
 * goes, or status would report that fleet's instances for ever.
 */
static void forget_view(const struct engine *e)
{
	char path[PATH_MAX];

	if (e->status_path[0] &&
	    ms_fleet_view_path(e->status_path, path, sizeof(path)) == 0 &&
	    unlink(path) < 0 && errno != ENOENT)
		ms_log_warn("fleet view: cannot remove '%s': %s, keeping on",
			    path, strerror(errno));
}

int ms_engshare_start(struct engine *e, struct ms_err *err)
{
	int r;

	if (e->o->once || e->o->only_device)
		return 0;
	if (!ms_conf_bool(&e->set->conf, MS_CONF_SCAN_SHARED)) {
		forget_view(e);
		return 0;
	}
	if ((r = ms_leaseq_start(&e->leases, &e->set->conf, &e->set->self,
				 e->status_path, err)) < 0)
		return r;
	e->lease_set = e->set;
	e->set->refs++;
	e->lease_db_up = true;
	ms_log_notice("leases: shared scanning as '%s', groups %s",
		      e->set->self.name, *e->set->self.groups ?
		      e->set->self.groups : "(all)");
	return 0;
}

void ms_engshare_stop(struct engine *e)
{
	if (!e->leases)
		return;
	ms_leaseq_stop(e->leases);
	e->leases = NULL;
	ms_scanset_put(e->lease_set);
	e->lease_set = NULL;
}

static int64_t interval_ms(const struct engine *e)
{
	return e->lease_set->self.interval_ms;
}

/* d's next slot after now (this occurrence is not ours). */
static void skip(struct engine *e, struct dev_state *d, int64_t now)
{
	d->due = ms_sched_next(d->dev.name, MS_MAX(now, d->due),
			       interval_ms(e));
}

/* Whether d is due and ours to ask for (else it is skipped or waits). */
static bool wanted(struct engine *e, struct dev_state *d, int64_t now)
{
	if (d->busy || d->due > now)
		return false;
	/* not our group, or its interval is over: the next slot */
	if (!ms_fleet_serves(e->lease_set->self.groups, d->dev.group) ||
	    now >= d->due + interval_ms(e)) {
		skip(e, d, now);
		return false;
	}
	/* no database at the last look: ours are scanned without a lease,
	 * the others wait for an answer that says it is back */
	if (!e->lease_db_up && d->mine) {
		if (!ms_engine_submit(e, d))
			skip(e, d, now);
		return false;
	}
	return true;
}

void ms_engshare_dispatch(struct engine *e, int64_t now)
{
	unsigned workers = (unsigned)ms_conf_int(&e->set->conf,
						 MS_CONF_SCAN_CONCURRENCY);
	struct ms_lease_want *v = NULL, *p;
	size_t i, n = 0, cap = 0;

	/* one ask at a time; none while every worker is busy */
	if (e->lease_asked || e->inflight >= workers)
		return;
	for (i = 0; i < e->ndev; i++) {
		struct dev_state *d = &e->devs[i];

		if (!wanted(e, d, now))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(p = realloc(v, cap * sizeof(*v)))) {
				ms_log_error("out of memory, retrying later");
				break;
			}
			v = p;
		}
		memset(&v[n], 0, sizeof(v[n]));
		ms_strlcpy(v[n].device, d->dev.name, sizeof(v[n].device));
		ms_strlcpy(v[n].group, d->dev.group, sizeof(v[n].group));
		v[n].due = d->due;
		v[n].slot = ms_lease_slot(d->due, interval_ms(e));
		d->busy = true;
		n++;
	}
	if (!n || ms_leaseq_ask(e->leases, v, n, workers - e->inflight)) {
		e->lease_asked = n > 0;
		if (!n)
			free(v);
		return;
	}
	for (i = 0; i < n; i++) {	/* not now after all */
		struct dev_state *d = ms_engine_find(e, v[i].device);

		if (d)
			d->busy = false;
	}
	free(v);
}

size_t ms_engshare_answers(struct engine *e)
{
	struct ms_lease_want *v;
	int64_t now = ms_wall_now();
	size_t i, n = 0, started = 0;
	bool up = false;

	v = ms_leaseq_answers(e->leases, &n, &up);
	e->lease_db_up = up;
	if (!v)
		return 0;
	e->lease_asked = false;
	for (i = 0; i < n; i++) {
		struct dev_state *d = ms_engine_find(e, v[i].device);

		if (!d)
			continue;
		d->busy = false;
		switch (v[i].verdict) {
		case MS_LEASE_GRANTED:
			d->mine = true;
			started += !e->stopping && ms_engine_submit(e, d);
			break;
		case MS_LEASE_DONE:
			d->mine = v[i].scanned_by_us;
			skip(e, d, now);
			break;
		case MS_LEASE_OTHER:
			d->mine = false;
			break;
		case MS_LEASE_NODB:
			if (d->mine && !e->stopping && ms_engine_submit(e, d))
				started++;
			else
				skip(e, d, now);
			break;
		default:	/* LATER: asked again at the next look */
			break;
		}
	}
	free(v);
	return started;
}

void ms_engshare_finished(struct engine *e, const struct dev_state *d,
			  const struct job *j)
{
	/* a scan cut short by the stop is left to the others this
	 * interval: the leave releases its lease */
	if (e->stopping && j->res.outcome == MS_SCAN_FAILED)
		return;
	ms_leaseq_done(e->leases, d->dev.name,
		       ms_lease_slot(d->due, interval_ms(e)));
}
