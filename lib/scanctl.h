/*
 * Scanner control for the watchdog: stop a scanner only after proving its
 * identity (signals go through a pidfd), clean stale runtime files, start
 * a detached scanner and confirm it by a fresh heartbeat.  Each decision
 * is one log line.
 */
#ifndef MS_SCANCTL_H
#define MS_SCANCTL_H

#include "ms.h"
#include "alert.h"
#include "conf.h"
#include "err.h"
#include "health.h"

struct ms_scanctl {
	char exe[PATH_MAX];		/* our own binary */
	const char *config;		/* --config given to us, or NULL */
	struct ms_health_src src;
	ms_msec_t stop_timeout_ms;	/* STOP_TIMEOUT */
	ms_msec_t start_timeout_ms;	/* START_TIMEOUT */
	int out_fd;			/* the scanner's stdout/stderr, -1 null */
	bool log_nowhere;		/* -1 only for want of a LOG_FILE */
};

int ms_scanctl_init(struct ms_scanctl *sc, const struct ms_conf *c,
		    const char *config, struct ms_err *err);

/* argv of "EXE APPLET [extra] [--config FILE]" (static storage in av). */
void ms_scanctl_argv(const struct ms_scanctl *sc, const char *applet,
		     const char *extra, char *av[6]);

/*
 * Stop pidfd's process: SIGTERM, up to STOP_TIMEOUT, then SIGKILL.  1 when
 * SIGKILL was needed, 0 when SIGTERM sufficed.
 */
int ms_scanctl_kill(const struct ms_scanctl *sc, int pidfd, pid_t pid,
		    struct ms_err *err);

/*
 * Stop the scanner pid if it still is the one (applet scan, start time
 * when known).  1 stopped, 0 not ours or already gone (left alone).
 */
int ms_scanctl_stop(const struct ms_scanctl *sc, pid_t pid,
		    uint64_t starttime, struct ms_err *err);

/*
 * Stop whatever scanner rep describes (the lock holder first) and report
 * a live stranger named by a stale status file without touching it.
 */
int ms_scanctl_stop_any(const struct ms_scanctl *sc,
			const struct ms_health_report *rep, struct ms_err *err);

/*
 * Remove the status file when its process died without saying stopped or
 * the pid is someone else's (and nobody holds the lock).
 */
void ms_scanctl_clean(const struct ms_scanctl *sc);

/*
 * Start a detached scanner (new session, stdio to out_fd) and wait for its
 * fresh heartbeat: 0 with *pid and *took_ms, MS_E_TIMEOUT, or MS_E_EOF
 * when it exited before writing one.
 */
int ms_scanctl_start(const struct ms_scanctl *sc, pid_t *pid,
		     ms_msec_t *took_ms, struct ms_err *err);

/* What the scanner's heartbeats met. */
struct ms_heartbeat_watch {
	bool failing;		/* the last write failed (and was logged) */
	bool full;		/* it found RUN_DIR full and went in place */
	bool alert_due;		/* 'no-space' not queued yet */
	bool alert_failed;	/* the last try failed (and was logged) */
};

/*
 * Write the scanner's status file (ms_status_write).  A failure is logged
 * when a run of them starts; RUN_DIR filling up or freeing is logged once
 * per change, and each filling up queues a 'no-space' alert, tried again
 * at each heartbeat until the queue (often on that same file system)
 * takes it.
 */
void ms_scanctl_heartbeat(struct ms_heartbeat_watch *w,
			  const struct ms_conf *c, struct ms_status *st,
			  const char *path);

/* The one line of a sweep whose n samples went nowhere (none: nothing). */
void ms_scanctl_lost(uint64_t n);

/*
 * The end of a sweep of the continuous scanner: ms_scanctl_lost, then,
 * when alerts wait, a detached "watchdog --flush-alerts" (ms_scanctl_flush,
 * with the configuration file c was read from), so that they go out with
 * no watchdog beside the scanner too.
 */
void ms_scanctl_sweep_end(const struct ms_conf *c, uint64_t lost);

/* Queue an alert and log what became of it (queued, limited, no mail). */
void ms_scanctl_alert(const struct ms_alert_conf *ac, const char *kind,
		      const char *subject, const char *body);

/*
 * Send the queue from a detached "watchdog --flush-alerts" process with
 * its own deadline, so that a dead mail server delays nothing here.
 */
void ms_scanctl_flush(const struct ms_scanctl *sc,
		      const struct ms_alert_conf *ac);

/* What delivering the alert queue needs, taken from the configuration. */
struct ms_scanctl_delivery {
	struct ms_alert_conf ac;
	struct ms_smtp_conf sc;
	bool mail;			/* sc is valid */
	ms_msec_t budget_ms;
};

/*
 * Take what ms_scanctl_deliver needs from c (before c is handed on, as
 * the scanner's engine takes it).  A bad mail configuration is logged and
 * leaves the mail out.  Release it in every case.
 */
void ms_scanctl_delivery_init(struct ms_scanctl_delivery *d,
			      const struct ms_conf *c);
void ms_scanctl_delivery_release(struct ms_scanctl_delivery *d);

/*
 * Deliver the alert queue here and now (ms_alert_deliver): the mail when
 * SMTP_HOST is set, ALERT_COMMAND when set, by a deadline of 2 x
 * SMTP_TIMEOUT (the mails) plus ALERT_COMMAND_TIMEOUT (the command).
 * Logs what went out and what was kept.  Returns 0, MS_E_BUSY when
 * another process delivers the queue now, or the first failure.
 */
int ms_scanctl_deliver(const struct ms_scanctl_delivery *d);

#endif
