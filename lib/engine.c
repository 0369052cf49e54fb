/*
 * The scanner's main loop (see engine.h).  A "sweep" is one scan interval
 * of the wall clock (aligned to the epoch, like the device slots); with
 * --once it is the one pass over every device.
 */
#include "engine.h"
#include "engine_state.h"

#include <poll.h>
#include <sys/signalfd.h>

#include "file.h"
#include "inventory.h"
#include "invsrc.h"
#include "log.h"
#include "notify.h"
#include "plantwatch.h"
#include "progress.h"
#include "rundir.h"
#include "schedule.h"
#include "sig.h"
#include "status_legacy.h"
#include "store.h"
#include "mstime.h"

static ms_msec_t refresh_ms(const struct ms_scanset *s)
{
	long long t = ms_conf_int(&s->conf, MS_CONF_INVENTORY_REFRESH);

	return (t ? t : ms_conf_int(&s->conf, MS_CONF_SCAN_INTERVAL)) * 1000;
}

/*
 * Read the devices and node map of s now; a failed read keeps a copy of
 * keep's (at start none: the failure).  --device writes no node history.
 */
static int read_inventory(struct engine *e, struct ms_scanset *s,
			  const struct ms_scanset *keep, struct ms_err *err)
{
	struct ms_invjob *j;
	int r;

	e->st.inventory_interval_ms = refresh_ms(s);
	e->next_inventory = ms_deadline(refresh_ms(s));
	if (keep && keep != s && (r = ms_scanset_keep(s, keep, err)) < 0)
		return r;
	if ((r = ms_invjob_start(&j, &s->conf, e->o->devices_path,
				 e->o->only_device ? NULL
				 : ms_plant_nodesnap(&e->plant), err)) < 0)
		return r;
	r = ms_invjob_finish(j, &s->inv, &s->nodes, keep != NULL, &e->st,
			     &s->conf.warnings, err);
	return r < 0 ? r : 0;
}

/* The devices of the old table that the new one (v, by idx) lacks. */
static void log_gone(struct engine *e, const struct dev_state *v,
		     const struct ms_nameidx *idx)
{
	size_t i;

	for (i = 0; i < e->ndev; i++) {
		if (ms_nameidx_find(idx, v, sizeof(*v),
				    e->devs[i].dev.name) >= 0)
			continue;
		ms_log_notice("device %s removed", e->devs[i].dev.name);
		if (ms_plant_forget(&e->plant, e->devs[i].dev.name) < 0)
			ms_log_error("plant state: out of memory, reset");
		ms_plantwatch_forget(&e->pw, e->devs[i].dev.name);
	}
}

struct dev_state *ms_engine_find(struct engine *e, const char *name)
{
	ssize_t i = ms_nameidx_find(&e->idx, e->devs, sizeof(*e->devs), name);

	return i < 0 ? NULL : &e->devs[i];
}

/* The new entry v keeps the schedule of the known device of its name. */
static bool keep_known(struct engine *e, struct dev_state *v)
{
	const struct ms_device *d = &v->dev;
	struct dev_state *old = ms_engine_find(e, d->name);

	if (!old) {
		if (e->devs)
			ms_log_notice("device %s added: %s:%d", d->name,
				      d->host, d->port);
		return false;
	}
	v->due = old->due;
	v->busy = old->busy;
	v->mine = old->mine;
	if (ms_device_changed(&old->dev, d))
		ms_log_notice("device %s changed: %s:%d %s", d->name, d->host,
			      d->port, d->family[0] ? d->family
						    : "(family by name)");
	return true;
}

/* (Re)build the device table, keeping the schedule of known devices;
 * quiet: say nothing when no device came or went. */
static int load_devices(struct engine *e, struct ms_scanset *s, bool quiet,
			struct ms_err *err)
{
	int64_t iv = ms_conf_int(&s->conf, MS_CONF_SCAN_INTERVAL) * 1000;
	int64_t now = ms_wall_now();
	struct ms_nameidx idx;
	struct dev_state *v;
	size_t i, n = 0, added = 0;

	ms_nameidx_init(&idx);
	if (!(v = calloc(s->inv.n ? s->inv.n : 1, sizeof(*v))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	for (i = 0; i < s->inv.n; i++) {
		const struct ms_device *d = &s->inv.v[i];

		if (e->o->only_device && strcmp(d->name, e->o->only_device))
			continue;
		v[n].dev = *d;
		v[n].due = e->o->once ? now : ms_sched_next(d->name, now, iv);
		added += !keep_known(e, &v[n]);
		n++;
	}
	if (ms_nameidx_build(&idx, v, sizeof(*v), n) < 0) {
		free(v);
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	}
	if (e->devs && (!quiet || added || e->ndev + added != n)) {
		log_gone(e, v, &idx);
		ms_log_notice("devices reloaded: %zu devices, %zu new, %zu "
			      "gone", n, added, e->ndev + added - n);
	}
	if (e->o->only_device && !n) {
		ms_nameidx_release(&idx);
		free(v);
		return ms_err_set(err, MS_E_NOENT, "no device '%s' in the "
				  "devices file", e->o->only_device);
	}
	free(e->devs);
	ms_nameidx_release(&e->idx);
	e->devs = v;
	e->idx = idx;
	e->ndev = n;
	e->st.devices_total = (uint32_t)n;
	ms_plant_renode(&e->plant, &s->nodes);
	return 0;
}

static void worker(void *arg, void *ctx)
{
	struct job *j = arg;

	(void)ctx;
	ms_device_scan(&j->dev, &j->set->scan, &j->res);
}

static void store_counts(struct engine *e, const struct ms_storeq_stats *ss)
{
	e->st.total.samples_stored = ss->stored;
	e->st.total.samples_spooled = ss->spooled;
	e->st.total.samples_lost = ss->refused;
	e->st.spool_bytes = ss->spool_bytes;
	snprintf(e->st.retention_warning, sizeof(e->st.retention_warning),
		 ss->old_partitions ? "%u day partitions older than "
		 "RETENTION_DAYS + 2: run 'modscan maintain --cleanup' daily"
		 : "", (unsigned)ss->old_partitions);
}

static void heartbeat(struct engine *e)
{
	const char *legacy = ms_conf_str(&e->set->conf,
					 MS_CONF_LEGACY_STATUS_FILE);
	struct ms_storeq_stats ss;
	struct ms_err err;

	if (e->store) {
		ms_storeq_stats(e->store, &ss);
		store_counts(e, &ss);
	}
	/* --device (no status path) leaves the scanner's status alone */
	if (e->status_path[0])
		ms_scanctl_heartbeat(&e->hb, &e->set->conf, &e->st,
				     e->status_path);
	/* the old tool's watchdog, if still in cron, reads this one */
	if (e->status_path[0] && *legacy &&
	    ms_status_legacy_write(&e->st, e->lock_path, legacy, &err) < 0)
		ms_log_error("LEGACY_STATUS_FILE: %s", err.msg);
	ms_notify_status("%s: %zu in flight, %llu sweeps, %u failing",
			 ms_state_name(e->st.state), e->inflight,
			 (unsigned long long)e->st.sweeps,
			 (unsigned)e->st.nfailures);
	e->next_heartbeat = ms_deadline(HEARTBEAT_MS);
}

/* A state change is a heartbeat: status file and systemd's STATUS=. */
static void set_state(struct engine *e, enum ms_state s, const char *msg)
{
	if (e->st.state == s && !strcmp(e->st.message, msg))
		return;
	e->st.state = s;
	snprintf(e->st.message, sizeof(e->st.message), "%s", msg);
	heartbeat(e);
}

bool ms_engine_submit(struct engine *e, struct dev_state *d)
{
	struct job *j;

	if (!(j = calloc(1, sizeof(*j)))) {
		ms_log_error("out of memory, retrying later");
		return false;
	}
	j->dev = d->dev;
	j->set = e->set;
	e->set->refs++;
	d->busy = true;
	e->inflight++;
	ms_pool_submit(e->pool, &j->link);
	return true;
}

static void dispatch(struct engine *e)
{
	int64_t now = ms_wall_now();
	struct ms_storeq_stats ss;
	size_t i;

	if (e->stopping)
		return;
	if (e->store)
		ms_storeq_stats(e->store, &ss);
	if (e->store && ss.queued > BACKLOG_MAX) {
		ms_log_warn("store backlog of %llu samples, holding new "
			    "scans", (unsigned long long)ss.queued);
		return;
	}
	if (e->leases)
		ms_engshare_dispatch(e, now);
	for (i = 0; !e->leases && i < e->ndev; i++)
		if (!e->devs[i].busy && e->devs[i].due <= now &&
		    !ms_engine_submit(e, &e->devs[i]))
			break;
	if (e->inflight && e->st.state != MS_STATE_SCANNING)
		set_state(e, MS_STATE_SCANNING, "scanning");
}

/* Samples stored and spooled since the sweep began. */
static void sweep_counts(struct engine *e, struct ms_sweep_stats *sw)
{
	sw->samples_stored = e->st.total.samples_stored - e->stored_base;
	sw->samples_spooled = e->st.total.samples_spooled - e->spooled_base;
	sw->samples_lost = e->st.total.samples_lost - e->lost_base;
}

static void close_sweep(struct engine *e, int64_t now)
{
	struct ms_storeq_stats ss;

	if (e->store) {
		ms_storeq_stats(e->store, &ss);
		store_counts(e, &ss);
	}
	sweep_counts(e, &e->cur);
	e->stored_base = e->st.total.samples_stored;
	e->spooled_base = e->st.total.samples_spooled;
	e->lost_base = e->st.total.samples_lost;
	e->cur.finished = now;
	e->cur.duration_ms = now - e->cur.started;
	e->st.last = e->cur;
	e->st.sweeps++;
	e->st.last_sweep_ok = now;
	if (e->store)
		ms_storeq_sweep_done(e->store, now / 1000);
	ms_plantwatch_write(&e->pw, &e->plant);
	ms_log_info("sweep done: %u ok, %u partial, %u failed, %llu "
		    "channels in %.1f s", e->cur.devices_ok,
		    e->cur.devices_partial, e->cur.devices_failed,
		    (unsigned long long)e->cur.channels,
		    (double)e->cur.duration_ms / 1000);
	if (!e->o->once)	/* --once: when the store has stopped */
		ms_scanctl_sweep_end(&e->set->conf, e->cur.samples_lost);
	memset(&e->cur, 0, sizeof(e->cur));
	e->cur.started = now;
}

/* Sweeps of the continuous mode follow the wall-clock interval. */
static void maybe_close_sweep(struct engine *e)
{
	int64_t iv = ms_conf_int(&e->set->conf, MS_CONF_SCAN_INTERVAL) * 1000;
	int64_t now = ms_wall_now(), period = now / iv;

	if (e->o->once || period == e->sweep_period)
		return;
	e->sweep_period = period;
	if (e->cur.devices_ok || e->cur.devices_partial ||
	    e->cur.devices_failed)
		close_sweep(e, now);
}

static void count_result(struct engine *e, const struct job *j)
{
	const struct ms_devresult *r = &j->res;
	struct ms_sweep_stats *c[2] = { &e->cur, &e->st.total };
	double secs = (double)(r->end - r->start) / 1000;
	size_t i;

	for (i = 0; i < 2; i++) {
		c[i]->devices_ok += r->outcome == MS_SCAN_OK;
		c[i]->devices_partial += r->outcome == MS_SCAN_PARTIAL;
		c[i]->devices_failed += r->outcome == MS_SCAN_FAILED;
		c[i]->channels += r->n;
		c[i]->unknown_codes += r->unknown;
	}
	if (r->outcome == MS_SCAN_OK) {
		ms_status_device_ok(&e->st, j->dev.name);
		ms_log_info("%s: ok, %zu channels%s, %.2f s", j->dev.name,
			    r->n, r->unknown ? " (some unknown codes)" : "",
			    secs);
	} else {
		ms_status_device_failed(&e->st, j->dev.name, r->reason,
					r->end);
		ms_log_warn("%s: %s: %s, %zu channels, %.2f s", j->dev.name,
			    ms_outcome_name(r->outcome), r->reason, r->n,
			    secs);
		e->any_failed = true;
	}
}

static void finish_job(struct engine *e, struct job *j)
{
	int64_t iv = ms_conf_int(&e->set->conf, MS_CONF_SCAN_INTERVAL) * 1000;
	struct dev_state *d = ms_engine_find(e, j->dev.name);
	struct ms_devscan ds;

	e->inflight--;
	e->finished++;
	if (d && e->leases)
		ms_engshare_finished(e, d, j);
	if (d) {
		d->busy = false;
		/* --once: a device whose next slot comes while the sweep still
		 * waits for others is not scanned again */
		d->due = e->o->once ? INT64_MAX
				    : ms_sched_next(d->dev.name, ms_wall_now(), iv);
	}
	count_result(e, j);
	if (e->o->found)
		ms_devresult_print(e->o->found, j->dev.name, &j->res);
	if (ms_plant_scan(&e->plant, j->dev.name, j->res.samples, j->res.n,
			  j->res.outcome == MS_SCAN_OK, j->res.end) < 0 ||
	    ms_plant_nodes(&e->plant, j->dev.name, &j->set->nodes,
			   &j->res.descr, j->res.outcome == MS_SCAN_OK) < 0)
		ms_log_error("plant state of %s: out of memory", j->dev.name);
	ms_plantwatch_scan(&e->pw, &e->plant, j->dev.name);
	memset(&ds, 0, sizeof(ds));
	ms_strlcpy(ds.run_id, e->run_id, sizeof(ds.run_id));
	ms_strlcpy(ds.device, j->dev.name, sizeof(ds.device));
	/* a shared scanner's name is the one it leases under */
	ms_strlcpy(ds.instance, (e->lease_set ? e->lease_set
					      : j->set)->self.name,
		   sizeof(ds.instance));
	ds.start_ms = j->res.start;
	ds.end_ms = j->res.end;
	ds.outcome = (uint8_t)j->res.outcome;
	ms_strlcpy(ds.error, j->res.reason, sizeof(ds.error));
	ds.channels = (uint32_t)j->res.n;
	if (e->store)
		ms_storeq_devscan(e->store, &ds);
	if (e->store && j->res.n) {
		ms_storeq_samples(e->store, j->res.samples, j->res.n);
		j->res.samples = NULL;
		j->res.n = 0;
	}
	ms_devresult_release(&j->res);
	ms_scanset_put(j->set);
	free(j);
}

static void progress(struct engine *e, bool last)
{
	if (!e->o->progress || (!last && ms_mono_now() < e->next_progress))
		return;
	e->next_progress = ms_deadline(PROGRESS_MS);
	ms_progress_draw(e->cur.started, e->finished, e->ndev,
			 e->cur.devices_failed, last);
}

static ms_msec_t check_ms(const struct engine *e)
{
	return ms_conf_int(&e->set->conf, MS_CONF_CHECK_INTERVAL) * 1000;
}

static void reload(struct engine *e)
{
	struct ms_scanset *s = NULL;
	struct ms_conf conf;
	struct ms_err err;

	ms_log_notice("SIGHUP: reloading configuration and devices");
	ms_conf_init(&conf);
	if (ms_conf_load(&conf, e->o->config_path, &err) < 0 ||
	    ms_scanset_new(&s, &conf, e->o->trace, &err) < 0 ||
	    ms_rundir_check(&s->conf, false, &err) < 0 ||
	    read_inventory(e, s, e->set, &err) < 0 ||
	    load_devices(e, s, false, &err) < 0) {
		ms_log_error("reload failed, keeping the old configuration: "
			     "%s", err.msg);
		ms_conf_release(&conf);
		ms_scanset_put(s);
		return;
	}
	s->scan.abort_at = &e->abort_at;
	ms_log_lines(MS_LOG_WARN, &s->conf.warnings);
	ms_log_set_level((enum ms_log_level)ms_conf_int(&s->conf,
							MS_CONF_LOG_LEVEL));
	ms_scanset_put(e->set);
	e->set = s;
	e->plant.max_gap = ms_conf_int(&s->conf, MS_CONF_REPORT_MAX_GAP);
	ms_plantwatch_conf(&e->pw, &s->conf);
	/* a shorter CHECK_INTERVAL counts from now, not from the old one */
	e->next_check = MS_MIN(e->next_check, ms_deadline(check_ms(e)));
}

/* INVENTORY_REFRESH: the sources read again, in a thread. */
static void refresh(struct engine *e)
{
	struct ms_err err;

	e->next_inventory = ms_deadline(refresh_ms(e->set));
	if (e->invjob)
		return;
	if (ms_invjob_start(&e->invjob, &e->set->conf, e->o->devices_path,
			    ms_plant_nodesnap(&e->plant), &err) < 0) {
		ms_log_error("devices: %s", err.msg);
		return;
	}
	e->invjob_set = e->set;
	e->set->refs++;
}

/* The refresh thread is done (or we stop): its list, if it is still
 * for the configuration in force. */
static void refresh_done(struct engine *e)
{
	struct ms_scanset *s = e->invjob_set;
	struct ms_err err;
	int r;

	r = ms_invjob_finish(e->invjob, &s->inv, &s->nodes, true, &e->st,
			     &s->conf.warnings, &err);
	e->invjob = NULL;
	e->invjob_set = NULL;
	if (r == 1 && s == e->set && !e->stopping &&
	    load_devices(e, s, true, &err) < 0)
		ms_log_error("devices: %s", err.msg);
	ms_log_lines(MS_LOG_WARN, &s->conf.warnings);
	ms_scanset_put(s);
}

static void begin_stop(struct engine *e, int sig)
{
	ms_msec_t grace = ms_conf_int(&e->set->conf, MS_CONF_STOP_GRACE) * 1000;
	struct ms_pool_job *list, *next;

	if (e->stopping)
		return;
	e->stopping = true;
	e->stop_deadline = ms_deadline(grace);
	atomic_store(&e->abort_at, e->stop_deadline);
	for (list = ms_pool_cancel_queued(e->pool); list; list = next) {
		struct job *j = (struct job *)list;
		struct dev_state *d = ms_engine_find(e, j->dev.name);

		next = list->next;
		if (d)
			d->busy = false;
		e->inflight--;
		ms_scanset_put(j->set);
		free(j);
	}
	/* the signal's name, like "SIGHUP: reloading" (strsignal() gives
	 * capitalised prose such as "Terminated") */
	ms_log_notice("%s: stopping, %zu devices in flight get %lld s",
		      sig == SIGINT ? "SIGINT" : "SIGTERM", e->inflight,
		      (long long)grace / 1000);
	ms_notify("STOPPING=1");
	set_state(e, MS_STATE_STOPPING, "stopping");
}

static void handle_signals(struct engine *e)
{
	int sig;

	while ((sig = ms_sig_read(e->sigfd)) > 0) {
		switch (sig) {
		case SIGTERM:
		case SIGINT:
			begin_stop(e, sig);
			break;
		case SIGHUP:
			e->hup = true;
			break;
		default:
			break;
		}
	}
}

static int next_timeout(struct engine *e)
{
	ms_msec_t t = MS_MIN(e->next_heartbeat, e->next_check);

	if (e->wdog_ms)
		t = MS_MIN(t, e->next_ping);
	if (e->stopping)
		t = MS_MIN(t, e->stop_deadline);
	if (e->o->progress)
		t = MS_MIN(t, e->next_progress);
	if (!e->o->once)
		t = MS_MIN(t, e->next_inventory);
	return ms_poll_timeout(t);
}

static bool loop_done(struct engine *e)
{
	if (e->stopping)
		return !e->inflight || ms_left(e->stop_deadline) == 0;
	return e->o->once && e->finished >= e->ndev && !e->inflight;
}

static void loop(struct engine *e)
{
	struct pollfd pfd[4];
	struct ms_pool_job *pj;
	size_t n;

	pfd[0].fd = e->sigfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = ms_pool_fd(e->pool);
	pfd[1].events = POLLIN;
	pfd[2].events = pfd[3].events = POLLIN;
	pfd[3].fd = e->leases ? ms_leaseq_fd(e->leases) : -1;
	dispatch(e);
	while (!loop_done(e)) {
		pfd[2].fd = e->invjob ? ms_invjob_fd(e->invjob) : -1;
		pfd[2].revents = 0;
		if (poll(pfd, 4, next_timeout(e)) < 0 && errno != EINTR) {
			ms_log_error("poll: %s", strerror(errno));
			break;
		}
		if (pfd[2].revents)
			refresh_done(e);
		handle_signals(e);
		for (n = 0; (pj = ms_pool_done(e->pool)); n++)
			finish_job(e, (struct job *)pj);
		if (n && e->leases)	/* free workers take more at once */
			dispatch(e);
		if (e->leases && ms_engshare_answers(e) &&
		    e->st.state != MS_STATE_SCANNING)
			set_state(e, MS_STATE_SCANNING, "scanning");
		progress(e, false);
		if (e->hup) {
			e->hup = false;
			reload(e);
		}
		if (ms_left(e->next_inventory) == 0 && !e->o->once)
			refresh(e);
		if (ms_left(e->next_check) == 0) {
			e->next_check = ms_deadline(check_ms(e));
			maybe_close_sweep(e);
			dispatch(e);
		}
		if (!e->inflight && e->st.state == MS_STATE_SCANNING)
			set_state(e, MS_STATE_IDLE, "waiting for the next "
				  "due device");
		if (e->wdog_ms && ms_left(e->next_ping) == 0) {
			ms_notify("WATCHDOG=1");
			e->next_ping = ms_deadline(e->wdog_ms / 2);
		}
		if (ms_left(e->next_heartbeat) == 0)
			heartbeat(e);
	}
}

/* Runtime directory and status path (the caller holds the lock). */
static int setup_files(struct engine *e, struct ms_err *err)
{
	const struct ms_conf *c = &e->set->conf;
	int r;

	/* the runtime directories meet their rules, whoever runs us */
	if ((r = ms_rundir_check(c, true, err)) < 0)
		return r;
	/* --device looks at one device beside a running scanner: not its
	 * status file, plant state or store (spool) */
	if (!e->o->only_device &&
	    ((r = ms_conf_path(c, MS_CONF_STATUS_FILE, "status.json",
			       e->status_path, sizeof(e->status_path))) < 0 ||
	     (r = ms_conf_path(c, MS_CONF_PID_FILE, "scan.pid", e->lock_path,
			       sizeof(e->lock_path))) < 0 ||
	     (r = ms_plant_path(e->status_path, e->pw.plant_path,
				sizeof(e->pw.plant_path))) < 0))
		return ms_err_set(err, r, "RUN_DIR: path too long");
	return ms_dir_ensure(e->set->raw_dir, "raw-output directory",
			     MS_DIR_DATA, err);
}

/* Collect what is still in flight (it honours abort_at), flush, stop. */
static void teardown(struct engine *e)
{
	struct ms_storeq_stats ss;
	struct pollfd pfd;
	struct ms_pool_job *pj;

	if (e->pool) {
		pfd.fd = ms_pool_fd(e->pool);
		pfd.events = POLLIN;
		while (e->inflight) {
			if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
				break;
			while ((pj = ms_pool_done(e->pool)))
				finish_job(e, (struct job *)pj);
		}
		ms_pool_free(e->pool);
		e->pool = NULL;
	}
	ms_engshare_stop(e);	/* after the last completion */
	if (e->store) {
		if (e->o->once && e->finished)
			close_sweep(e, ms_wall_now());
		ms_storeq_stop(e->store, &ss);
		e->store = NULL;
		ms_scanset_put(e->store_set);
		e->store_set = NULL;
		store_counts(e, &ss);
		if (e->o->once) {
			/* the queue is flushed now: the sweep's real counts */
			e->st.last.samples_stored = ss.stored;
			e->st.last.samples_spooled = ss.spooled;
			e->st.last.samples_lost = ss.refused;
			ms_scanctl_lost(ss.refused);
			e->any_failed |= ss.refused > 0;
		}
	}
}

static int start(struct engine *e, struct ms_err *err)
{
	unsigned n = (unsigned)ms_conf_int(&e->set->conf,
					   MS_CONF_SCAN_CONCURRENCY);
	int64_t inv_ok, inv_iv;
	int r;

	if ((r = setup_files(e, err)) < 0)
		return r;
	if ((e->sigfd = ms_sig_open(0, err)) < 0)
		return e->sigfd;
	inv_ok = e->st.inventory_ok;
	inv_iv = e->st.inventory_interval_ms;
	ms_status_init(&e->st, "scan");
	e->st.inventory_ok = inv_ok;
	e->st.inventory_interval_ms = inv_iv;
	e->st.devices_total = (uint32_t)e->ndev;
	e->cur.started = ms_wall_now();
	set_state(e, MS_STATE_STARTING, "starting");
	ms_plantwatch_write(&e->pw, &e->plant);	/* none of an earlier one */
	if (!e->o->only_device)	/* --devices: a list of the moment */
		ms_plantwatch_open(&e->pw, &e->set->conf, e->status_path,
				   e->o->devices_path ? NULL : &e->idx,
				   e->devs, sizeof(*e->devs));
	/* one sweep of a known set needs no more workers than devices; the
	 * continuous scanner keeps SCAN_CONCURRENCY for what SIGHUP adds */
	if (e->o->once && e->ndev < n)
		n = e->ndev ? (unsigned)e->ndev : 1;
	if (!e->o->only_device) {
		if ((r = ms_storeq_start(&e->store, &e->set->conf, err)) < 0)
			return r;
		e->store_set = e->set;
		e->set->refs++;
	}
	if ((r = ms_engshare_start(e, err)) < 0 ||
	    (r = ms_pool_new(&e->pool, n, worker, e, err)) < 0)
		return r;
	snprintf(e->run_id, sizeof(e->run_id), "%lld-%d",
		 (long long)ms_wall_now(), (int)getpid());
	e->wdog_ms = ms_notify_watchdog_ms();
	e->next_ping = ms_deadline(0);
	e->next_check = ms_deadline(check_ms(e));
	e->sweep_period = ms_wall_now() /
		(ms_conf_int(&e->set->conf, MS_CONF_SCAN_INTERVAL) * 1000);
	ms_log_notice("scanner started: %zu devices, %u workers%s", e->ndev,
		      n, e->o->once ? ", one sweep" : "");
	ms_notify("READY=1");
	set_state(e, MS_STATE_IDLE, "started");
	return 0;
}

int ms_engine_run(struct ms_conf *conf, const struct ms_engine_opts *o,
		  struct ms_err *err)
{
	struct engine e;
	int r;

	memset(&e, 0, sizeof(e));
	e.o = o;
	ms_plant_init(&e.plant, ms_conf_int(conf, MS_CONF_REPORT_MAX_GAP));
	ms_plantwatch_init(&e.pw);
	e.sigfd = -1;
	atomic_init(&e.abort_at, MS_NEVER);
	/* problems of the configuration or the devices file: MS_E_INVAL */
	if (ms_scanset_new(&e.set, conf, o->trace, err) < 0)
		return MS_E_INVAL;
	e.set->scan.abort_at = &e.abort_at;
	r = read_inventory(&e, e.set, NULL, err);
	ms_log_lines(MS_LOG_WARN, &e.set->conf.warnings);
	if (r < 0) {	/* MS_E_INVAL but for a source that fails to answer */
		r = r == MS_E_SYS ? MS_E_INVAL : r;
		goto out;
	}
	if (load_devices(&e, e.set, false, err) < 0) {
		r = MS_E_INVAL;
		goto out;
	}
	if (o->once && !e.ndev) {	/* continuous: status says so */
		r = ms_err_set(err, MS_E_NOENT, "no valid device in '%s'",
			       o->devices_path ? o->devices_path :
			       ms_conf_str(&e.set->conf, MS_CONF_DEVICES_FILE));
		goto out;
	}
	if ((r = start(&e, err)) < 0)
		goto out;
	loop(&e);
	progress(&e, true);
	teardown(&e);
	if (o->once && !o->only_device && ms_plant_nodes_write(&e.plant,
					&e.set->conf, &e.set->nodes, err) < 0)
		ms_log_warn("nodes: history not written: %s", err->msg);
	ms_plantwatch_write(&e.pw, &e.plant);	/* an unfinished sweep's */
	heartbeat(&e);
	/* The message says why; "stopped" is already the state's name. */
	set_state(&e, MS_STATE_STOPPED, e.stopping ? "by signal"
						  : "after one sweep");
	ms_log_notice("scanner stopped");
	r = e.any_failed && !e.stopping ? 1 : 0;
out:
	/* a refresh still under way gets the stop grace, no more */
	if (e.invjob && ms_invjob_wait(e.invjob, e.stop_deadline))
		refresh_done(&e);
	teardown(&e);
	if (e.sigfd >= 0)
		close(e.sigfd);
	ms_nameidx_release(&e.idx);
	ms_plant_release(&e.plant);
	ms_plantwatch_release(&e.pw);
	free(e.devs);
	ms_scanset_put(e.set);
	return r;
}
