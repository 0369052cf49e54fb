/*
 * The supervisor loop: one poll() on the signalfd and the HTTP sockets,
 * waking at least every second to check the child's heartbeat, the job
 * clock and the kill deadlines.  Every decision is one log line.
 */
#include "superd.h"

#include <poll.h>
#include <sys/wait.h>

#include "backoff.h"
#include "file.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "proc.h"
#include "sig.h"
#include "supervise.h"
#include "mstime.h"

enum {
	NJOBS = 3, TICK_MS = 1000, WRITE_EVERY_MS = 10000,
	FLUSH_EVERY_MS = 60000
};

struct kid {
	pid_t pid;			/* 0: none */
	int pidfd;
	ms_msec_t started;		/* monotonic */
	int64_t started_wall;
	ms_msec_t term_at;		/* deadline for SIGTERM, MS_NEVER */
	ms_msec_t kill_at;		/* deadline for SIGKILL, MS_NEVER */
};

struct superd {
	const struct ms_conf *c;
	const struct ms_scanctl *sc;
	const struct ms_alert_conf *ac;
	struct ms_status *st;		/* our own status file */
	char st_path[PATH_MAX];
	struct kid scan;
	ms_msec_t next_start;
	struct ms_restart bo;
	bool in_trouble;		/* cool-down since the last healthy run */
	bool stopping;
	struct ms_job job[NJOBS];
	struct kid jk[NJOBS];
	ms_msec_t max_age, stop_ms, start_ms, job_ms;
	ms_msec_t next_write, next_ping, ping_ms;
	bool dirty;
	unsigned nstarted;
	ms_msec_t next_flush;		/* retry of a queue left unsent */
	struct ms_http http;
	int sfd;
};

/* The daily report, the daily maintenance, the intraday refresh. */
enum { JOB_REPORT, JOB_MAINTAIN, JOB_REFRESH };
static const char *const job_names[NJOBS] = { "report", "maintain",
					      "refresh" };
static const char *const job_applet[NJOBS] = { "report", "maintain",
					       "report" };
static const char *const job_extra[NJOBS] = { NULL, "--cleanup",
					      "--refresh" };

static void alert(struct superd *d, const char *kind, const char *subject,
		  const char *body)
{
	ms_scanctl_alert(d->ac, kind, subject, body);
	d->next_flush = 0;	/* send it at the end of this tick */
}

static void kid_clear(struct kid *k)
{
	if (k->pid && k->pidfd >= 0)
		close(k->pidfd);
	memset(k, 0, sizeof(*k));
	k->pidfd = -1;
	k->term_at = k->kill_at = MS_NEVER;
}

static void set_state(struct superd *d, enum ms_state s, const char *fmt, ...)
	MS_PRINTF(3, 4);
static void set_state(struct superd *d, enum ms_state s, const char *fmt, ...)
{
	va_list ap;

	d->st->state = s;
	va_start(ap, fmt);
	vsnprintf(d->st->message, sizeof(d->st->message), fmt, ap);
	va_end(ap);
	d->dirty = true;
	ms_notify_status("%s", d->st->message);
}

static void sync_jobs(struct superd *d)
{
	size_t i, n = 0;

	for (i = 0; i < NJOBS; i++) {
		struct ms_status_job *sj;

		if (d->job[i].hour < 0)
			continue;
		sj = &d->st->jobs[n++];
		snprintf(sj->name, sizeof(sj->name), "%s", d->job[i].name);
		sj->last_start = d->job[i].last_start;
		sj->running = d->job[i].running;
	}
	d->st->njobs = n;
}

static struct ms_status_job *status_job(struct superd *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->st->njobs; i++)
		if (!strcmp(d->st->jobs[i].name, name))
			return &d->st->jobs[i];
	return NULL;
}

static void write_status(struct superd *d)
{
	struct ms_err err = { 0 };

	sync_jobs(d);
	if (ms_status_write(d->st, d->st_path, &err) < 0)
		ms_log_error("%s", err.msg);
	d->dirty = false;
	d->next_write = ms_deadline(WRITE_EVERY_MS);
}

static int spawn_kid(struct superd *d, const char *applet, const char *extra,
		     struct kid *k, struct ms_err *err)
{
	struct ms_spawn sp = { .stdin_fd = -1, .stdout_fd = ms_log_fd(),
			       .stderr_fd = -1 };
	char *av[6];
	int r;

	kid_clear(k);
	ms_scanctl_argv(d->sc, applet, extra, av);
	sp.argv = av;
	if ((r = ms_proc_spawn(&sp, &k->pid, err)) < 0) {
		k->pid = 0;
		return r;
	}
	/* Our child: its pid cannot be reused before we reap it. */
	k->pidfd = ms_pidfd_open(k->pid, NULL);
	k->started = ms_mono_now();
	k->started_wall = ms_wall_now();
	return 0;
}

static void signal_kid(struct kid *k, int sig)
{
	if (k->pid && k->pidfd >= 0)
		ms_pidfd_signal(k->pidfd, sig, NULL);
}

static void start_scanner(struct superd *d)
{
	struct ms_err err = { 0 };
	int status;

	d->next_start = MS_NEVER;
	ms_scanctl_clean(d->sc);
	if (spawn_kid(d, "scan", NULL, &d->scan, &err) < 0) {
		ms_log_error("cannot start the scanner: %s", err.msg);
		/* Count it as a death so that the backoff applies. */
		status = 127 << 8;
		d->scan.started = ms_mono_now();
		ms_death_record(d->st, ms_wall_now(), status);
		d->next_start = ms_deadline(d->bo.base_ms ? d->bo.base_ms
							  : 1000);
		return;
	}
	ms_restart_started(&d->bo, d->scan.started);
	if (d->nstarted++)
		d->st->restarts++;
	ms_log_notice("scanner started: pid %d", (int)d->scan.pid);
	set_state(d, MS_STATE_STARTING, "scanner pid %d starting",
		  (int)d->scan.pid);
}

static void hang(struct superd *d, const char *why)
{
	ms_log_warn("scanner pid %d %s: SIGTERM, SIGKILL after %lld s",
		    (int)d->scan.pid, why, (long long)(d->stop_ms / 1000));
	signal_kid(&d->scan, SIGTERM);
	d->scan.kill_at = ms_deadline(d->stop_ms);
	set_state(d, MS_STATE_ERROR, "scanner pid %d %s", (int)d->scan.pid,
		  why);
}

/* The heartbeat of the running child (once a tick). */
static void check_scanner(struct superd *d, struct ms_status *tmp)
{
	ms_msec_t ran = ms_mono_now() - d->scan.started;
	int64_t age;
	char why[128];

	if (!d->scan.pid || d->scan.kill_at != MS_NEVER || d->stopping)
		return;
	if (ms_status_read(d->sc->src.status, tmp, NULL) < 0 ||
	    tmp->pid != d->scan.pid) {
		if (ran > d->start_ms) {
			snprintf(why, sizeof(why), "wrote no heartbeat "
				 "within %lld s", (long long)(d->start_ms /
							      1000));
			hang(d, why);
		}
		return;
	}
	age = ms_wall_now() - tmp->heartbeat;
	if (age > d->max_age) {
		snprintf(why, sizeof(why), "hung: heartbeat %lld s old",
			 (long long)(age / 1000));
		hang(d, why);
		return;
	}
	if (d->st->state != MS_STATE_IDLE) {
		ms_log_info("scanner pid %d is healthy (%s)", (int)d->scan.pid,
			    ms_state_name(tmp->state));
		set_state(d, MS_STATE_IDLE, "scanner pid %d running",
			  (int)d->scan.pid);
	}
	if (d->in_trouble) {
		d->in_trouble = false;
		ms_log_notice("recovered: scanner pid %d is healthy again",
			      (int)d->scan.pid);
		alert(d, "recovery", "modscan scanner "
				 "recovered", "The scanner runs again with a "
				 "fresh heartbeat after the cool-down.\n");
	}
}

static void scanner_exited(struct superd *d, int ws)
{
	struct ms_restart_plan plan;
	char what[80], subject[256], body[512];
	ms_msec_t now = ms_mono_now();
	pid_t pid = d->scan.pid;
	ms_msec_t started = d->scan.started;

	ms_death_record(d->st, ms_wall_now(), ws);
	ms_death_describe(d->st->deaths[0].exit_status, d->st->deaths[0].signal,
			  what, sizeof(what));
	kid_clear(&d->scan);
	d->dirty = true;
	/* A stop we asked for is no warning when the scanner obeyed it. */
	ms_log(d->stopping && WIFEXITED(ws) &&
	       !WEXITSTATUS(ws) ? MS_LOG_NOTICE : MS_LOG_WARN,
	       "scanner pid %d ended (%s) after %lld s", (int)pid, what,
	       (long long)((now - started) / 1000));
	if (d->stopping)
		return;
	ms_restart_exited(&d->bo, started, now, ms_backoff_random(), &plan);
	d->next_start = now + plan.delay_ms;
	if (plan.cooldown) {
		d->in_trouble = true;
		ms_log_error("burst limit: %u starts within %lld s; no restart "
			     "for %lld s", d->bo.burst,
			     (long long)(d->bo.window_ms / 1000),
			     (long long)(plan.delay_ms / 1000));
		set_state(d, MS_STATE_ERROR, "burst limit reached: cool-down, "
			  "next try in %lld s",
			  (long long)(plan.delay_ms / 1000));
		snprintf(subject, sizeof(subject), "modscan scanner keeps "
			 "dying: restarts paused for %lld s",
			 (long long)(plan.delay_ms / 1000));
		snprintf(body, sizeof(body), "%s.\nLast exit: %s.\n",
			 subject, what);
		alert(d, "gave-up", subject, body);
		return;
	}
	ms_log_notice("restarting the scanner in %lld ms (attempt %u)",
		      (long long)plan.delay_ms, plan.attempt);
	set_state(d, MS_STATE_ERROR, "scanner ended (%s), restart %u in "
		  "%lld ms", what, plan.attempt, (long long)plan.delay_ms);
	snprintf(subject, sizeof(subject), "modscan scanner ended (%s), "
		 "restarting", what);
	snprintf(body, sizeof(body), "The scanner pid %d ended (%s) after "
		 "%lld s.\nwatchdog --daemon restarts it in %lld ms (attempt "
		 "%u).\n", (int)pid, what, (long long)((now - started) / 1000),
		 (long long)plan.delay_ms, plan.attempt);
	alert(d, "restart", subject, body);
}

static void start_job(struct superd *d, size_t i)
{
	struct ms_job *j = &d->job[i];
	struct ms_err err = { 0 };

	if (spawn_kid(d, job_applet[i], job_extra[i], &d->jk[i], &err) < 0) {
		ms_log_error("cannot start job %s: %s", j->name, err.msg);
		j->last_start = ms_wall_now();	/* once per slot, not a loop */
		return;
	}
	j->running = true;
	j->last_start = d->jk[i].started_wall;
	d->jk[i].term_at = d->jk[i].started + d->job_ms;
	ms_log_notice("job %s started: pid %d, deadline %lld s", j->name,
		      (int)d->jk[i].pid, (long long)(d->job_ms / 1000));
	d->dirty = true;
}

static void job_exited(struct superd *d, size_t i, int ws)
{
	struct ms_job *j = &d->job[i];
	struct ms_status_job *sj;
	ms_msec_t took = ms_mono_now() - d->jk[i].started;
	int code = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
	char subject[256], body[512];

	kid_clear(&d->jk[i]);
	j->running = false;
	sync_jobs(d);
	if ((sj = status_job(d, j->name))) {
		sj->last_exit = code;
		sj->last_duration_ms = took;
	}
	d->dirty = true;
	if (code == 0) {
		ms_log_notice("job %s finished: exit 0 after %lld ms", j->name,
			      (long long)took);
		return;
	}
	ms_log_error("job %s failed: exit %d after %lld ms", j->name, code,
		     (long long)took);
	snprintf(subject, sizeof(subject), "modscan job %s failed (exit %d)",
		 j->name, code);
	snprintf(body, sizeof(body), "The scheduled job '%s' ended with exit "
		 "status %d after %lld s (statuses above 128 are a signal).\n"
		 "Its output is in the log.\n", j->name, code,
		 (long long)(took / 1000));
	alert(d, "job-failed", subject, body);
}

static void run_jobs(struct superd *d)
{
	int64_t now = ms_wall_now(), when;
	char iso[MS_ISO_MAX];
	size_t i;

	for (i = 0; i < NJOBS; i++) {
		switch (ms_job_decide(&d->job[i], now, &when)) {
		case MS_JOB_RUN:
			/* The daily report publishes today's files too. */
			if (i == JOB_REFRESH && d->job[JOB_REPORT].running)
				break;
			start_job(d, i);
			break;
		case MS_JOB_SKIP:
			ms_log_warn("job %s: the run due at %s was missed by "
				    "more than JOB_MISFIRE_GRACE, skipping",
				    d->job[i].name,
				    ms_time_iso(d->job[i].skipped_slot, iso));
			break;
		default:
			break;
		}
	}
}

/* Deadlines of the children: SIGTERM at term_at, SIGKILL at kill_at. */
static void deadlines(struct superd *d, struct kid *k, const char *what)
{
	ms_msec_t now = ms_mono_now();

	if (!k->pid)
		return;
	if (k->term_at <= now) {
		ms_log_warn("%s pid %d passed its deadline: SIGTERM", what,
			    (int)k->pid);
		signal_kid(k, SIGTERM);
		k->term_at = MS_NEVER;
		k->kill_at = now + d->stop_ms;
	}
	if (k->kill_at <= now) {
		ms_log_warn("%s pid %d still alive %lld s after SIGTERM: "
			    "SIGKILL", what, (int)k->pid,
			    (long long)(d->stop_ms / 1000));
		signal_kid(k, SIGKILL);
		k->kill_at = MS_NEVER;
	}
}

static void reap(struct superd *d)
{
	pid_t pid;
	size_t i;
	int ws;

	while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
		if (pid == d->scan.pid) {
			scanner_exited(d, ws);
			continue;
		}
		for (i = 0; i < NJOBS; i++)
			if (pid == d->jk[i].pid)
				job_exited(d, i, ws);
	}
}

static void begin_stop(struct superd *d, int sig)
{
	size_t i;

	ms_log_notice("signal %d: stopping the scanner and the jobs", sig);
	d->stopping = true;
	d->next_start = MS_NEVER;
	set_state(d, MS_STATE_STOPPING, "stopping on signal %d", sig);
	ms_notify("STOPPING=1");
	signal_kid(&d->scan, SIGTERM);
	d->scan.term_at = MS_NEVER;
	d->scan.kill_at = ms_deadline(d->stop_ms);
	for (i = 0; i < NJOBS; i++) {
		signal_kid(&d->jk[i], SIGTERM);
		d->jk[i].term_at = MS_NEVER;
		d->jk[i].kill_at = ms_deadline(d->stop_ms);
	}
}

static bool any_kid(const struct superd *d)
{
	return d->scan.pid || d->jk[0].pid || d->jk[1].pid;
}

static void on_signal(struct superd *d)
{
	int sig;

	while ((sig = ms_sig_read(d->sfd)) > 0) {
		if ((sig == SIGTERM || sig == SIGINT) && !d->stopping) {
			begin_stop(d, sig);
		} else if (sig == SIGHUP) {
			ms_log_info("SIGHUP: passed on to the scanner");
			signal_kid(&d->scan, SIGHUP);
		}
	}
	reap(d);
}

static ms_msec_t next_wake(const struct superd *d)
{
	ms_msec_t w = ms_deadline(TICK_MS);
	size_t i;

	w = MS_MIN(w, d->next_start);
	w = MS_MIN(w, d->scan.kill_at);
	for (i = 0; i < NJOBS; i++)
		w = MS_MIN(w, MS_MIN(d->jk[i].term_at, d->jk[i].kill_at));
	if (d->http.fd >= 0)
		w = MS_MIN(w, ms_http_deadline(&d->http));
	return w;
}

static void tick(struct superd *d, struct ms_status *tmp)
{
	size_t i;

	if (!d->stopping && !d->scan.pid && ms_left(d->next_start) == 0)
		start_scanner(d);
	check_scanner(d, tmp);
	deadlines(d, &d->scan, "scanner");
	for (i = 0; i < NJOBS; i++)
		deadlines(d, &d->jk[i], d->job[i].name);
	if (!d->stopping)
		run_jobs(d);
	if (d->dirty || ms_left(d->next_write) == 0)
		write_status(d);
	if (d->ping_ms && ms_left(d->next_ping) == 0) {
		ms_notify("WATCHDOG=1");
		d->next_ping = ms_deadline(d->ping_ms);
	}
	if (ms_left(d->next_flush) == 0) {
		ms_scanctl_flush(d->sc, d->ac);
		d->next_flush = ms_deadline(FLUSH_EVERY_MS);
	}
}

static int loop(struct superd *d)
{
	struct pollfd pfd[MS_HTTP_POLLFDS + 1];
	struct ms_status *tmp = malloc(sizeof(*tmp));
	size_t n;
	int r;

	if (!tmp)
		return 1;
	start_scanner(d);
	write_status(d);
	ms_notify("READY=1");
	while (!d->stopping || any_kid(d)) {
		pfd[0] = (struct pollfd){ .fd = d->sfd, .events = POLLIN };
		n = d->http.fd >= 0 ? ms_http_pollfds(&d->http, pfd + 1) : 0;
		r = poll(pfd, n + 1, ms_poll_timeout(next_wake(d)));
		if (r > 0 && pfd[0].revents)
			on_signal(d);
		if (d->http.fd >= 0)
			ms_http_process(&d->http, pfd + 1, r > 0 ? n : 0);
		reap(d);
		tick(d, tmp);
	}
	free(tmp);
	return 0;
}

/* Every REPORT_REFRESH minutes, each slot missed by its own interval. */
static void setup_refresh(struct superd *d)
{
	struct ms_job *j = &d->job[JOB_REFRESH];
	long long min = ms_conf_int(d->c, MS_CONF_REPORT_REFRESH);

	j->hour = -1;
	if (!min)
		return;
	j->hour = j->min = 0;
	j->every_ms = j->grace_ms = min * 60000;
	ms_log_info("job %s every %lld min", j->name, min);
}

/*
 * Jobs from REPORT_AT, MAINTAIN_AT and REPORT_REFRESH; last runs from the
 * old status.
 */
static int setup_jobs(struct superd *d)
{
	static const enum ms_conf_key at[JOB_REFRESH] = {
		MS_CONF_REPORT_AT, MS_CONF_MAINTAIN_AT
	};
	struct ms_status *old = malloc(sizeof(*old));
	struct ms_err err = { 0 };
	size_t i, k;

	for (i = 0; i < NJOBS; i++) {
		struct ms_job *j = &d->job[i];

		snprintf(j->name, sizeof(j->name), "%s", job_names[i]);
		if (i == JOB_REFRESH) {
			setup_refresh(d);
			continue;
		}
		j->grace_ms = ms_conf_int(d->c, MS_CONF_JOB_MISFIRE_GRACE) *
			      1000;
		if (ms_job_parse_at(ms_conf_str(d->c, at[i]), &j->hour,
				    &j->min, &err) < 0) {
			ms_log_error("%s: %s", ms_conf_table[at[i]].name,
				     err.msg);
			free(old);
			return -1;
		}
		if (j->hour >= 0)
			ms_log_info("job %s daily at %02d:%02d", j->name,
				    j->hour, j->min);
	}
	if (old && ms_status_read(d->st_path, old, NULL) == 0)
		for (k = 0; k < old->njobs; k++)
			for (i = 0; i < NJOBS; i++)
				if (!strcmp(old->jobs[k].name, job_names[i]))
					d->job[i].last_start =
						old->jobs[k].last_start;
	sync_jobs(d);
	if (old)
		for (k = 0; k < old->njobs; k++) {
			struct ms_status_job *sj =
				status_job(d, old->jobs[k].name);

			if (sj) {
				sj->last_exit = old->jobs[k].last_exit;
				sj->last_duration_ms =
					old->jobs[k].last_duration_ms;
			}
		}
	free(old);
	return 0;
}

static int setup(struct superd *d, const char *serve)
{
	const struct ms_conf *c = d->c;
	struct ms_err err = { 0 };
	size_t i;

	d->max_age = ms_conf_int(c, MS_CONF_MAX_HEARTBEAT_AGE) * 1000;
	d->stop_ms = ms_conf_int(c, MS_CONF_STOP_TIMEOUT) * 1000;
	d->start_ms = ms_conf_int(c, MS_CONF_START_TIMEOUT) * 1000;
	d->job_ms = ms_conf_int(c, MS_CONF_JOB_TIMEOUT) * 1000;
	ms_restart_init(&d->bo, ms_conf_int(c, MS_CONF_RESTART_DELAY) * 1000,
			ms_conf_int(c, MS_CONF_RESTART_DELAY_MAX) * 1000,
			ms_conf_int(c, MS_CONF_HEALTHY_RUN) * 1000,
			(unsigned)ms_conf_int(c, MS_CONF_RESTART_BURST),
			ms_conf_int(c, MS_CONF_RESTART_BURST_WINDOW) * 1000,
			ms_conf_int(c, MS_CONF_RESTART_COOLDOWN) * 1000);
	kid_clear(&d->scan);
	for (i = 0; i < NJOBS; i++)
		kid_clear(&d->jk[i]);
	d->http.fd = -1;
	d->next_start = MS_NEVER;
	if (ms_conf_path(c, MS_CONF_WATCHDOG_STATUS_FILE, "watchdog.json",
			 d->st_path, sizeof(d->st_path)) < 0) {
		ms_log_error("RUN_DIR: path too long");
		return 2;
	}
	ms_status_init(d->st, "watchdog");
	if (setup_jobs(d) < 0)
		return 2;
	if (serve && *serve &&
	    ms_http_open(&d->http, serve, ms_metrics_http,
			 (void *)&d->sc->src, &err) < 0) {
		ms_log_error("--serve: %s", err.msg);
		return err.code == MS_E_INVAL ? 2 : 1;
	}
	if (d->http.fd >= 0)
		ms_log_notice("serving /health and /metrics on http://%s",
			      d->http.addr);
	d->ping_ms = ms_notify_watchdog_ms() / 2;
	return 0;
}

int ms_superd_run(const struct ms_conf *c, const struct ms_scanctl *sc,
		  const struct ms_alert_conf *ac, int sfd, const char *serve)
{
	struct superd *d = calloc(1, sizeof(*d));
	int r = 1;

	if (!d)
		goto out;
	d->http.fd = -1;
	if (!(d->st = malloc(sizeof(*d->st)))) {
		ms_log_error("out of memory");
		goto out;
	}
	d->c = c;
	d->sc = sc;
	d->ac = ac;
	d->sfd = sfd;
	if ((r = setup(d, serve)) != 0)
		goto out;
	ms_log_notice("supervising the scanner (status in '%s')", d->st_path);
	r = loop(d);
	set_state(d, MS_STATE_STOPPED, "on request");
	write_status(d);
	ms_log_notice("stopped");
out:
	if (d) {
		if (d->http.fd >= 0)
			ms_http_close(&d->http);
		free(d->st);
	}
	free(d);
	return r;
}
