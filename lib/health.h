/*
 * Is the scanner alive and well?  The facts (status file, lock holder,
 * /proc identity of the pid) are gathered by ms_health_probe; the verdict
 * is the pure ms_health_judge, shared by status, watchdog and /health.
 */
#ifndef MS_HEALTH_H
#define MS_HEALTH_H

#include "ms.h"
#include "buf.h"
#include "conf.h"
#include "err.h"
#include "fleetview.h"
#include "status.h"

enum ms_health_verdict {
	MS_HEALTH_OK,		/* alive, ours, fresh heartbeat */
	MS_HEALTH_NONE,		/* no status file */
	MS_HEALTH_STOPPED,	/* stopped cleanly, nothing runs */
	MS_HEALTH_DEAD,		/* the pid is gone without saying stopped */
	MS_HEALTH_HUNG,		/* ours, alive, heartbeat too old */
	MS_HEALTH_STALE,	/* the pid is alive but not this scanner */
	MS_HEALTH__COUNT
};

struct ms_health_facts {
	bool have_status;
	struct ms_status st;		/* valid when have_status */
	char status_error[MS_ERR_MSG_MAX]; /* why it could not be read */
	int lock_held;			/* 1 held, 0 free, <0 unknown */
	pid_t lock_pid;
	int alive;			/* status pid: 1 alive, 0 gone */
	int is_applet;			/* 1 /proc says it runs our applet */
	uint64_t starttime;		/* its /proc start time, 0 unknown */
	int64_t now;			/* wall ms */
};

struct ms_health {
	enum ms_health_verdict verdict;
	pid_t pid;			/* the scanner's pid, 0 if none */
	int64_t age_ms;			/* heartbeat age, -1 without status */
	char reason[320];		/* one line, for people */
};

const char *ms_health_name(enum ms_health_verdict v);

/*
 * Gather the facts about the status file at status_path and the lock file
 * at pid_path for applet ("scan").  A missing or unreadable status file is
 * a fact (have_status false), not an error.
 */
void ms_health_probe(const char *status_path, const char *pid_path,
		     const char *applet, struct ms_health_facts *f);

/* The verdict, with max_age_ms as the oldest acceptable heartbeat. */
void ms_health_judge(const struct ms_health_facts *f, int64_t max_age_ms,
		     struct ms_health *h);

/*
 * A pidfd for pid only if it still is the process the facts describe
 * (applet, start time, alive after the pidfd was opened), so that a
 * signal can never reach a recycled pid.  MS_E_NOENT when it is not.
 */
int ms_health_pidfd(pid_t pid, const char *applet, uint64_t starttime,
		    struct ms_err *err);

/* Where to look: the scanner's files and the supervisor's status. */
struct ms_health_src {
	char status[PATH_MAX];		/* STATUS_FILE */
	char pid[PATH_MAX];		/* PID_FILE */
	char sup[PATH_MAX];		/* WATCHDOG_STATUS_FILE */
	char plant[PATH_MAX];		/* the plant state, by STATUS_FILE */
	char alerts[PATH_MAX];		/* the plant alert state, beside it */
	char fleet[PATH_MAX];		/* the fleet view, by STATUS_FILE */
	int64_t max_age_ms;		/* MAX_HEARTBEAT_AGE */
};

int ms_health_src_from(struct ms_health_src *src, const struct ms_conf *c,
		       struct ms_err *err);

/*
 * Everything known right now: facts, verdict, the supervisor's status.
 * ms_health_check leaves fleet NULL; status points it at the view it read.
 */
struct ms_health_report {
	struct ms_health_facts f;
	struct ms_health h;
	bool have_sup;
	struct ms_status sup;
	int plant_alerts;		/* open plant alerts, -1 unreadable;
					   0 until ms_health_plant_alerts */
	const struct ms_fleet_view *fleet; /* NULL: none read (the caller's) */
};

void ms_health_check(const struct ms_health_src *src,
		     struct ms_health_report *rep);
/* Count the open plant alerts (for Nagios) into rep->plant_alerts. */
void ms_health_plant_alerts(const struct ms_health_src *src,
			    struct ms_health_report *rep);

/*
 * Read the fleet view beside the status file into v (initialised by the
 * caller) and point rep->fleet at it: 1 when read, 0 when there is none
 * (no instance of a shared fleet wrote one), <0 when it cannot be read.
 */
int ms_health_fleet(const struct ms_health_src *src,
		    struct ms_health_report *rep, struct ms_fleet_view *v,
		    struct ms_err *err);

/*
 * One JSON object: verdict, healthy, reason, pid, heartbeat_age_s,
 * uptime_s, "status" (the scanner's status file), "supervisor" (the
 * daemon's, or null) and "fleet" (the fleet view status read, or null).
 */
int ms_health_json(const struct ms_health_report *rep, struct ms_buf *out,
		   struct ms_err *err);

#endif
