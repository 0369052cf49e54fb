/*
 * The watchdog's one-shot check: a healthy scanner is left alone (and a
 * recovery mailed when the last check gave up); an unhealthy one is
 * stopped, its stale files cleaned and a new one started and confirmed,
 * with backoff between attempts, up to MAX_RESTART_ATTEMPTS.  Giving up
 * is mailed once an outage (a marker file in RUN_DIR).  Each decision is
 * one log line.  The actions are a table so that tests can drive the
 * policy without processes.
 */
#ifndef MS_REPAIR_H
#define MS_REPAIR_H

#include "ms.h"
#include "alert.h"
#include "conf.h"
#include "err.h"
#include "health.h"
#include "scanctl.h"

struct ms_repair_ops {
	/* stop whatever rep describes, clean, start, confirm */
	int (*restart)(void *ctx, const struct ms_health_report *rep,
		       pid_t *pid, ms_msec_t *took_ms, struct ms_err *err);
	/* the health now, before another attempt */
	void (*recheck)(void *ctx, struct ms_health_report *rep);
	/* wait ms; false when a stop was requested (SIGTERM, SIGINT) */
	bool (*pause)(void *ctx, ms_msec_t ms);
	/* queue an alert mail */
	void (*alert)(void *ctx, const char *kind, const char *subject,
		      const char *body);
	/* any 32 random bits, for the jitter */
	uint32_t (*rnd)(void *ctx);
};

struct ms_repair {
	const struct ms_repair_ops *ops;
	void *ctx;
	int attempts;			/* MAX_RESTART_ATTEMPTS */
	ms_msec_t base_ms, max_ms;	/* RESTART_DELAY, RESTART_DELAY_MAX */
	char gaveup[PATH_MAX];		/* marker: the last one gave up */
	/* the real actions' state */
	const struct ms_scanctl *sc;
	const struct ms_alert_conf *ac;
	int sfd;			/* signalfd, -1: none */
};

/*
 * The policy from c, the real actions on sc and ac, stops read from sfd
 * (a signalfd of ms_sig_open, or -1).  MS_E_TOOBIG when RUN_DIR is too
 * long for the marker.
 */
int ms_repair_init(struct ms_repair *r, const struct ms_conf *c,
		   const struct ms_scanctl *sc, const struct ms_alert_conf *ac,
		   int sfd, struct ms_err *err);

enum ms_repair_outcome {
	MS_REPAIR_HEALTHY,		/* nothing to do */
	MS_REPAIR_RESTARTED,		/* pid runs, heartbeat fresh */
	MS_REPAIR_GAVE_UP,		/* every attempt failed: why */
	MS_REPAIR_INTERRUPTED		/* a stop between attempts */
};

struct ms_repair_result {
	enum ms_repair_outcome outcome;
	pid_t pid;			/* RESTARTED */
	int attempts;			/* made; RESTARTED: the good one */
	char why[MS_ERR_MSG_MAX];	/* GAVE_UP: the last error */
};

/* One check of rep (the health now); rep is updated between attempts. */
void ms_repair_check(const struct ms_repair *r, struct ms_health_report *rep,
		     struct ms_repair_result *res);

#endif
