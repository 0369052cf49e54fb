/*
 * Stop, clean and start the scanner on behalf of the watchdog, proving
 * identity before every signal (lock holder, /proc cmdline, start time,
 * pidfd) so that a recycled pid is never hit.
 */
#include "scanctl.h"

#include <poll.h>
#include <sys/stat.h>

#include "lock.h"
#include "log.h"
#include "proc.h"
#include "mstime.h"

/*
 * Where a detached scanner's stdout and stderr go.  It opens LOG_FILE (a
 * file or syslog) on its own; what is left is what it writes before that.
 * With LOG_FILE empty it logs to stderr: ours when a long-lived process
 * may keep it (a file, a terminal, the journal), not a pipe, which cron
 * would wait on for as long as the scanner runs.
 */
static int scanner_out(const char *log_file, bool *nowhere)
{
	struct stat st;

	*nowhere = false;
	if (!strcmp(log_file, MS_LOG_SYSLOG))
		return -1;
	if (*log_file)
		return ms_log_fd();
	if (fstat(STDERR_FILENO, &st) < 0 || S_ISFIFO(st.st_mode)) {
		*nowhere = true;
		return -1;
	}
	return STDERR_FILENO;
}

int ms_scanctl_init(struct ms_scanctl *sc, const struct ms_conf *c,
		    const char *config, struct ms_err *err)
{
	int r;

	memset(sc, 0, sizeof(*sc));
	sc->config = config;
	if ((r = ms_proc_self_exe(sc->exe, sizeof(sc->exe), err)) < 0)
		return r;
	if ((r = ms_health_src_from(&sc->src, c, err)) < 0)
		return r;
	sc->stop_timeout_ms = ms_conf_int(c, MS_CONF_STOP_TIMEOUT) * 1000;
	sc->start_timeout_ms = ms_conf_int(c, MS_CONF_START_TIMEOUT) * 1000;
	sc->out_fd = scanner_out(ms_conf_str(c, MS_CONF_LOG_FILE),
				 &sc->log_nowhere);
	return 0;
}

void ms_scanctl_argv(const struct ms_scanctl *sc, const char *applet,
		     const char *extra, char *av[6])
{
	int n = 0;

	av[n++] = (char *)sc->exe;
	av[n++] = (char *)applet;
	if (extra)
		av[n++] = (char *)extra;
	if (sc->config) {
		av[n++] = (char *)"--config";
		av[n++] = (char *)sc->config;
	}
	av[n] = NULL;
}

int ms_scanctl_kill(const struct ms_scanctl *sc, int pidfd, pid_t pid,
		    struct ms_err *err)
{
	int r;

	if ((r = ms_pidfd_signal(pidfd, SIGTERM, err)) < 0)
		return r;
	ms_log_notice("sent SIGTERM to pid %d, waiting up to %lld s",
		      (int)pid, (long long)(sc->stop_timeout_ms / 1000));
	if (ms_pidfd_wait(pidfd, ms_deadline(sc->stop_timeout_ms)) == 1)
		return 0;
	if ((r = ms_pidfd_signal(pidfd, SIGKILL, err)) < 0)
		return r;
	ms_log_warn("pid %d still alive after %lld s: sent SIGKILL", (int)pid,
		    (long long)(sc->stop_timeout_ms / 1000));
	ms_pidfd_wait(pidfd, ms_deadline(5000));
	return 1;
}

int ms_scanctl_stop(const struct ms_scanctl *sc, pid_t pid,
		    uint64_t starttime, struct ms_err *err)
{
	struct ms_err e2 = { 0 };
	int fd, r;

	if ((fd = ms_health_pidfd(pid, "scan", starttime, &e2)) < 0) {
		ms_log_notice("pid %d left alone: %s", (int)pid, e2.msg);
		return 0;
	}
	r = ms_scanctl_kill(sc, fd, pid, err);
	close(fd);
	return r < 0 ? r : 1;
}

int ms_scanctl_stop_any(const struct ms_scanctl *sc,
			const struct ms_health_report *rep, struct ms_err *err)
{
	const struct ms_health_facts *f = &rep->f;
	uint64_t t = 0;
	int r = 0;

	if (f->have_status && f->alive && rep->h.verdict == MS_HEALTH_STALE &&
	    f->lock_pid != f->st.pid)
		ms_log_warn("%s; it is not signalled", rep->h.reason);
	if (f->lock_held == 1 && f->lock_pid > 0) {
		if (f->have_status && f->st.pid == f->lock_pid)
			t = f->st.proc_starttime;
		r = ms_scanctl_stop(sc, f->lock_pid, t, err);
	} else if (rep->h.verdict == MS_HEALTH_HUNG) {
		r = ms_scanctl_stop(sc, f->st.pid, f->st.proc_starttime, err);
	}
	return r;
}

void ms_scanctl_clean(const struct ms_scanctl *sc)
{
	struct ms_health_report *rep = malloc(sizeof(*rep));

	if (!rep)
		return;
	ms_health_check(&sc->src, rep);
	/* A clean "stopped" file stays: it tells status what happened. */
	if ((rep->h.verdict == MS_HEALTH_DEAD ||
	     rep->h.verdict == MS_HEALTH_STALE) && rep->f.lock_held != 1) {
		if (unlink(sc->src.status) == 0)
			ms_log_info("removed the stale status file '%s'",
				    sc->src.status);
	}
	free(rep);
}

/* 1 when the status file shows pid with a heartbeat since `since`. */
static int fresh(const struct ms_scanctl *sc, pid_t pid, int64_t since)
{
	struct ms_status *st = malloc(sizeof(*st));
	pid_t holder = 0;
	int r = 0;

	if (!st)
		return 0;
	if (ms_status_read(sc->src.status, st, NULL) == 0 && st->pid == pid &&
	    st->heartbeat >= since &&
	    ms_lock_holder(sc->src.pid, &holder, NULL) == 1 && holder == pid)
		r = 1;
	free(st);
	return r;
}

int ms_scanctl_start(const struct ms_scanctl *sc, pid_t *pid,
		     ms_msec_t *took_ms, struct ms_err *err)
{
	struct ms_spawn sp = { .stdin_fd = -1, .stdout_fd = sc->out_fd,
			       .stderr_fd = -1, .new_session = true,
			       .detach = true };
	ms_msec_t t0 = ms_mono_now(), end = t0 + sc->start_timeout_ms;
	int64_t since = ms_wall_now() - 1000;
	char *av[6];
	int fd, r;

	ms_scanctl_argv(sc, "scan", NULL, av);
	sp.argv = av;
	if (sc->log_nowhere)
		ms_log_warn("LOG_FILE is empty and standard error is a pipe: "
			    "the scanner started now logs nowhere; set "
			    "LOG_FILE (a file or syslog)");
	if ((r = ms_proc_spawn(&sp, pid, err)) < 0)
		return r;
	ms_log_info("started a scanner: pid %d, waiting up to %lld s for its "
		    "heartbeat", (int)*pid, (long long)(sc->start_timeout_ms /
							1000));
	fd = ms_pidfd_open(*pid, NULL);
	for (;;) {
		if (fresh(sc, *pid, since)) {
			*took_ms = ms_mono_now() - t0;
			r = 0;
			break;
		}
		if (fd < 0 || ms_pidfd_wait(fd, MS_MIN(end, ms_deadline(50))) ==
				      1) {
			r = ms_err_set(err, MS_E_EOF, "the scanner (pid %d) "
				       "exited before its first heartbeat",
				       (int)*pid);
			break;
		}
		if (ms_left(end) == 0) {
			r = ms_err_set(err, MS_E_TIMEOUT, "no heartbeat from "
				       "the scanner (pid %d) within %lld s",
				       (int)*pid,
				       (long long)(sc->start_timeout_ms / 1000));
			/* Ours since the spawn: stop it before a retry. */
			ms_scanctl_kill(sc, fd, *pid, NULL);
			break;
		}
	}
	if (fd >= 0)
		close(fd);
	return r;
}

void ms_scanctl_alert(const struct ms_alert_conf *ac, const char *kind,
		      const char *subject, const char *body)
{
	struct ms_err err = { 0 };
	int r = ms_alert_queue(ac, kind, subject, body, &err);

	if (r == MS_ALERT_QUEUED)
		ms_log_info("alert '%s' queued: %s", kind, subject);
	else if (r == MS_ALERT_LIMITED)
		ms_log_info("alert '%s' held back by ALERT_INTERVAL: %s", kind,
			    subject);
	else if (r == MS_ALERT_OFF)
		ms_log_info("no mail configured (SMTP_HOST is empty): alert "
			    "'%s' not sent: %s", kind, subject);
	else
		ms_log_error("cannot queue alert '%s': %s", kind, err.msg);
}

/* Queue the 'no-space' alert: 0, or MS_E_* (logged once in a row). */
static int space_alert(struct ms_heartbeat_watch *w,
		       const struct ms_conf *c)
{
	struct ms_alert_conf ac;
	struct ms_err err;
	int r;

	r = ms_alert_conf_from(&ac, c, &err);
	if (r >= 0)
		r = ms_alert_queue(&ac, "no-space", "modscan: RUN_DIR: no "
				   "space left", "The file system of RUN_DIR "
				   "filled up.  The scanner carries on with its "
				   "heartbeat rewritten in place; samples it "
				   "could store neither in the database nor in "
				   "the spool were lost (see modscan status).\n",
				   &err);
	if (r < 0 && !w->alert_failed)
		ms_log_error("cannot queue alert 'no-space' (tried again at "
			     "each heartbeat): %s", err.msg);
	else if (r >= 0)
		ms_log_info("alert 'no-space' %s", r == MS_ALERT_QUEUED ?
			    "queued" : r == MS_ALERT_OFF ? "not sent: no mail "
			    "configured" : "held back by ALERT_INTERVAL");
	w->alert_failed = r < 0;
	return r;
}

void ms_scanctl_heartbeat(struct ms_heartbeat_watch *w,
			  const struct ms_conf *c, struct ms_status *st,
			  const char *path)
{
	struct ms_err err;
	int r = ms_status_write(st, path, &err);
	bool full = r == 1;

	if (r < 0 && !w->failing)
		ms_log_error("status: %s", err.msg);
	w->failing = r < 0;
	if (full != w->full && full)
		ms_log_error("RUN_DIR: no space left: the heartbeat is "
			     "rewritten in place, samples the database "
			     "refuses are lost");
	else if (full != w->full)
		ms_log_notice("RUN_DIR: space again, the heartbeat is "
			      "replaced atomically");
	w->alert_due |= full && !w->full;
	w->full = full;
	if (w->alert_due && space_alert(w, c) >= 0)
		w->alert_due = false;
}

void ms_scanctl_lost(uint64_t n)
{
	if (n)
		ms_log_error("sweep lost %llu samples: neither the database "
			     "nor the spool took them", (unsigned long long)n);
}

void ms_scanctl_flush(const struct ms_scanctl *sc,
		      const struct ms_alert_conf *ac)
{
	struct ms_spawn sp = { .stdin_fd = -1, .stdout_fd = sc->out_fd,
			       .stderr_fd = -1, .new_session = true,
			       .detach = true };
	struct ms_err err = { 0 };
	char *av[6];
	pid_t pid;

	if (!ms_alert_due(ac))
		return;
	ms_scanctl_argv(sc, "watchdog", "--flush-alerts", av);
	sp.argv = av;
	if (ms_proc_spawn(&sp, &pid, &err) < 0)
		ms_log_error("cannot start the alert sender: %s", err.msg);
	else
		ms_log_debug("alert sender started: pid %d", (int)pid);
}

void ms_scanctl_sweep_end(const struct ms_conf *c, uint64_t lost)
{
	struct ms_alert_conf ac;
	struct ms_scanctl *sc;

	ms_scanctl_lost(lost);
	if (ms_alert_conf_from(&ac, c, NULL) < 0 || !ac.enabled ||
	    !(sc = calloc(1, sizeof(*sc))))
		return;
	sc->config = c->path;
	sc->out_fd = 2;	/* where our own lines go without a LOG_FILE */
	if (ms_proc_self_exe(sc->exe, sizeof(sc->exe), NULL) == 0)
		ms_scanctl_flush(sc, &ac);
	free(sc);
}

/* One log line per side that did something or failed. */
static void log_delivery(const struct ms_alert_result *res)
{
	if (res->mails)
		ms_log_info("%d alert mail%s sent", res->mails,
			    res->mails == 1 ? "" : "s");
	if (res->digests)
		ms_log_info("plant alert digest sent: %llu event%s",
			    (unsigned long long)res->digest_events,
			    res->digest_events == 1 ? "" : "s");
	if (res->digest_due)
		ms_log_info("plant alerts held for the next digest "
			    "(ALERT_INTERVAL)");
	if (res->command_runs)
		ms_log_info("ALERT_COMMAND took %llu alert%s",
			    (unsigned long long)res->command_lines,
			    res->command_lines == 1 ? "" : "s");
	if (res->mail_r < 0 && res->mail_r != MS_E_BUSY)
		ms_log_warn("alerts not sent, kept for the next try: %s",
			    res->mail_err.msg);
	if (res->command_r < 0)
		ms_log_warn("alerts not sent, kept for the next try: %s",
			    res->command_err.msg);
}

void ms_scanctl_delivery_init(struct ms_scanctl_delivery *d,
			      const struct ms_conf *c)
{
	struct ms_err err = { 0 };

	memset(d, 0, sizeof(*d));
	d->budget_ms = ms_conf_int(c, MS_CONF_SMTP_TIMEOUT) * 2000;
	if (ms_alert_conf_from(&d->ac, c, &err) < 0) {
		ms_log_warn("alerts not sent: %s", err.msg);
		d->ac.enabled = false;
		return;
	}
	if (*d->ac.command)
		d->budget_ms += d->ac.command_timeout_ms;
	if (d->ac.mail && ms_smtp_conf_from(&d->sc, c, &err) < 0)
		ms_log_warn("alerts not sent, kept for the next try: %s",
			    err.msg);
	else
		d->mail = d->ac.mail;
}

void ms_scanctl_delivery_release(struct ms_scanctl_delivery *d)
{
	ms_smtp_conf_release(&d->sc);
}

int ms_scanctl_deliver(const struct ms_scanctl_delivery *d)
{
	struct ms_alert_result res;
	int r;

	if (!d->ac.enabled)
		return 0;
	r = ms_alert_deliver(&d->ac, d->mail ? &d->sc : NULL,
			     ms_deadline(d->budget_ms), &res);
	log_delivery(&res);
	return r;
}
