/*
 * Alerts that never block supervision or scanning: ms_alert_queue (process
 * alerts, rate limited per kind) and ms_alert_events (plant events) only
 * write files into a private queue directory; ms_alert_deliver, run in a
 * short-lived child or at the end of scan --once, hands them by a deadline
 * to the mail server (one mail per process alert, one digest of plant
 * events per ALERT_INTERVAL) and to ALERT_COMMAND (JSON lines on stdin).
 */
#ifndef MS_ALERT_H
#define MS_ALERT_H

#include "ms.h"
#include "conf.h"
#include "err.h"
#include "sample.h"
#include "smtp.h"

/* Kinds of plant events (the raise and its recovery). */
#define MS_EV_UPSTREAM_BELOW     "upstream_below_qam64"
#define MS_EV_UPSTREAM_RECOVERED "upstream_recovered"
#define MS_EV_DEVICE_DEGRADED    "device_degraded"
#define MS_EV_DEVICE_UNDEGRADED  "device_degraded_recovered"
#define MS_EV_DEVICE_FAILING     "device_failing"
#define MS_EV_DEVICE_RECOVERED   "device_recovered"

enum {
	MS_ALERT_KIND_MAX = 32,		/* [a-z0-9_-], e.g. "restart" */
	MS_ALERT_QUEUE_MAX = 256,	/* queued files; more is MS_E_FULL */
	MS_ALERT_FILE_MAX = 1 << 20,	/* one queued alert, bytes */
	MS_ALERT_BATCH_MAX = 2000,	/* plant events in one queued file */
	MS_ALERT_BATCHES_MAX = 4096,	/* queued event files per sink */
	MS_ALERT_DIGEST_LIST = 500,	/* events listed in one digest */
	MS_ALERT_COMMAND_MAX = 4096	/* ALERT_COMMAND, bytes */
};

/* What ms_alert_queue did (all successes). */
enum ms_alert_outcome {
	MS_ALERT_LIMITED = 0,	/* same kind within ALERT_INTERVAL: counted */
	MS_ALERT_QUEUED = 1,
	MS_ALERT_OFF = 2	/* neither SMTP_HOST nor ALERT_COMMAND: nothing
				   done (log it once) */
};

struct ms_alert_conf {
	char dir[PATH_MAX];	/* RUN_DIR/alerts */
	ms_msec_t interval_ms;	/* ALERT_INTERVAL */
	bool enabled;		/* mail or command: alerts are queued */
	bool mail;		/* SMTP_HOST is set */
	char command[MS_ALERT_COMMAND_MAX];	/* ALERT_COMMAND, "" none */
	ms_msec_t command_timeout_ms;		/* ALERT_COMMAND_TIMEOUT */
};

/*
 * A plant event, raised or recovered.  Strings are NUL-terminated within
 * their arrays; tabs and control characters in them are queued as '?'.
 */
struct ms_alert_event {
	char kind[MS_ALERT_KIND_MAX];	/* one of MS_EV_* */
	char device[MS_DEVICE_MAX];
	char upstream[MS_UPSTREAM_MAX];	/* "" for device events */
	char node[MS_NODE_MAX];		/* "" when no map names one */
	char modulation[16];		/* "QPSK", "QAM16", "QAM64",
					   "UNKNOWN", "" */
	int64_t since;			/* unix s the condition began */
	int64_t at;			/* unix s of this event */
	int64_t value;			/* below: minutes below QAM64;
					   degraded: upstreams below QAM64;
					   failing: failed sweeps in a row;
					   recoveries: the same figure at
					   recovery */
};

/* From RUN_DIR, ALERT_INTERVAL, SMTP_HOST, ALERT_COMMAND and
 * ALERT_COMMAND_TIMEOUT. */
int ms_alert_conf_from(struct ms_alert_conf *ac, const struct ms_conf *c,
		       struct ms_err *err);

/*
 * Queue one alert of kind (written atomically, mode 0600, in a 0700
 * directory) for the mail (when SMTP_HOST is set) and for ALERT_COMMAND
 * (when set; its JSON line has this kind, "subject" and "text").  Within
 * interval_ms of the last queued alert of that kind it is only counted,
 * and the next one that goes out says how many were held back.  Returns
 * an ms_alert_outcome or MS_E_* (MS_E_FULL past MS_ALERT_QUEUE_MAX files
 * waiting for one destination).
 */
int ms_alert_queue(const struct ms_alert_conf *ac, const char *kind,
		   const char *subject, const char *body, struct ms_err *err);

/*
 * Queue plant events (durably, in the alert directory; never blocks on
 * the network).  They go out at the next flush: one digest mail per
 * ALERT_INTERVAL (every event up to MS_ALERT_DIGEST_LIST, then a count),
 * and to ALERT_COMMAND as one JSON object per line on stdin.  Returns
 * MS_ALERT_QUEUED (also for n == 0), MS_ALERT_OFF when neither SMTP_HOST
 * nor ALERT_COMMAND is set, or MS_E_*: MS_E_INVAL for an event without a
 * valid kind or device (nothing is queued), MS_E_FULL past
 * MS_ALERT_BATCHES_MAX files waiting for one destination.
 */
int ms_alert_events(const struct ms_alert_conf *ac,
		    const struct ms_alert_event *ev, size_t n,
		    struct ms_err *err);

/*
 * Send the queued process alerts of dir through sc, oldest first, each
 * deleted only once the server accepted it; stop at the first failure
 * (the rest stay for the next flush) or at deadline (CLOCK_MONOTONIC ms,
 * MS_E_TIMEOUT).  A file that cannot be parsed is renamed *.bad.
 * MS_E_BUSY when another flush holds the queue.  Returns the number of
 * mails sent.  (ms_alert_deliver does this and the rest.)
 */
int ms_alert_flush(const struct ms_smtp_conf *sc, const char *dir,
		   ms_msec_t deadline, struct ms_err *err);

/* What ms_alert_deliver did, and what failed. */
struct ms_alert_result {
	int mails;			/* process alert mails sent */
	int digests;			/* digest mails sent: 0 or 1 */
	uint64_t digest_events;		/* plant events in that digest */
	int64_t digest_due;		/* pending events wait for
					   ALERT_INTERVAL until this wall ms */
	int command_runs;		/* ALERT_COMMAND runs that exited 0 */
	uint64_t command_lines;		/* JSON lines they read */
	int mail_r, command_r;		/* 0 or the MS_E_* of each side */
	struct ms_err mail_err, command_err;
};

/*
 * Deliver the queue of ac by deadline (CLOCK_MONOTONIC ms): with sc
 * (NULL: no mail) each process alert as its own mail, oldest first, then
 * every pending plant event in one digest when the last digest went out
 * ALERT_INTERVAL ago or more; with ac->command, everything queued for it
 * as JSON lines on the standard input of one run, under
 * min(deadline, ALERT_COMMAND_TIMEOUT from its start).  Mail and command
 * are independent: one failing leaves the other alone.  What was not
 * delivered stays queued for the next call.
 *
 * The guarantee: an alert leaves the queue only after the server accepted
 * its mail (250 to DATA) or the command exited 0, so nothing is lost.  The
 * names of what was delivered are written (fsync'd) before the files are
 * removed, and a crash in between is finished by the next call, so only a
 * crash between that acceptance and that write (or a connection lost
 * while the server says 250, RFC 1047) can deliver something twice.
 *
 * Returns 0 when everything due went out, MS_E_BUSY when another process
 * delivers the queue now, else the first failure (both are in res).
 */
int ms_alert_deliver(const struct ms_alert_conf *ac,
		     const struct ms_smtp_conf *sc, ms_msec_t deadline,
		     struct ms_alert_result *res);

/*
 * Whether ms_alert_deliver has work now: an alert staged or waiting for
 * its mail or the command, or plant events whose digest is due.
 */
bool ms_alert_due(const struct ms_alert_conf *ac);

/* Number of deliveries waiting in dir, for the mail and the command (0
 * when dir does not exist). */
int ms_alert_pending(const char *dir, struct ms_err *err);

#endif
