/*
 * Supervision policy, free of clocks and processes so it can be tested:
 * restart delays (capped exponential with jitter), the burst limit and its
 * cool-down, the death tally, and daily jobs at local clock times with a
 * misfire grace.  Callers pass the time in.
 */
#ifndef MS_SUPERVISE_H
#define MS_SUPERVISE_H

#include "ms.h"
#include "err.h"
#include "status.h"

enum { MS_RESTART_BURST_MAX = 100 };

/*
 * Delay before restart attempt n (1-based): the restart setting of the
 * backoff (backoff.h: ms_backoff_restart), base * 2^(n-1), capped at max,
 * then scaled by a jitter of +-20% chosen by rnd (any 32-bit value, e.g.
 * ms_backoff_random), and capped at max again.  Consecutive attempts
 * never get shorter delays unless the cap is reached.
 */
ms_msec_t ms_restart_delay(ms_msec_t base, unsigned n, ms_msec_t max,
			   uint32_t rnd);

struct ms_restart {
	/* policy */
	ms_msec_t base_ms;		/* RESTART_DELAY */
	ms_msec_t max_ms;		/* RESTART_DELAY_MAX */
	ms_msec_t healthy_ms;		/* a run this long resets the delay */
	unsigned burst;			/* starts allowed within window_ms */
	ms_msec_t window_ms;
	ms_msec_t cooldown_ms;		/* pause once the burst is spent */
	/* state */
	unsigned failures;		/* short runs in a row */
	size_t nstarts;
	ms_msec_t starts[MS_RESTART_BURST_MAX];	/* oldest first */
};

/* Policy in, state zeroed (burst is clamped to MS_RESTART_BURST_MAX). */
void ms_restart_init(struct ms_restart *b, ms_msec_t base_ms,
		     ms_msec_t max_ms, ms_msec_t healthy_ms, unsigned burst,
		     ms_msec_t window_ms, ms_msec_t cooldown_ms);
/* A child was started at now (monotonic ms). */
void ms_restart_started(struct ms_restart *b, ms_msec_t now);

struct ms_restart_plan {
	ms_msec_t delay_ms;		/* wait this long, then start */
	bool cooldown;			/* the burst is spent: a long pause */
	unsigned attempt;		/* 1-based restart attempt of this run */
};

/*
 * The child that started at started exited at now: when to start the
 * next.  A run of healthy_ms or more resets the delay; burst starts within
 * window_ms mean a cool-down (after which the burst count starts afresh).
 */
void ms_restart_exited(struct ms_restart *b, ms_msec_t started, ms_msec_t now,
		       uint32_t rnd, struct ms_restart_plan *plan);

/* Put a death at the front of the tally (the last MS_STATUS_DEATHS_MAX). */
void ms_death_record(struct ms_status *st, int64_t wall_ms, int wstatus);
/* "exit 3" / "signal 9 (Killed)" for a wait status. */
void ms_death_describe(int exit_status, int sig, char *out, size_t size);

/* A daily job at a local clock time, or one every every_ms. */
struct ms_job {
	char name[16];
	int hour, min;			/* -1: not scheduled */
	ms_msec_t every_ms;		/* > 0: at each multiple of it instead */
	ms_msec_t grace_ms;		/* JOB_MISFIRE_GRACE */
	int64_t last_start;		/* wall ms of the last run, 0 never */
	int64_t skipped_slot;		/* slot already logged as skipped */
	bool running;
};

/* "HH:MM" (00:00 .. 23:59); empty means not scheduled (hour -1). */
int ms_job_parse_at(const char *s, int *hour, int *min, struct ms_err *err);

/*
 * The job's slot on the local day of now that is at or before now, else
 * the day before; and the first slot after now.  Local midnight-based
 * arithmetic through mktime, so DST days have exactly one slot (a time in
 * the spring gap runs at the shifted time, a time in the repeated autumn
 * hour once).  Wall ms.
 */
int64_t ms_job_prev_slot(int hour, int min, int64_t now);
int64_t ms_job_next_slot(int hour, int min, int64_t now);

enum ms_job_decision {
	MS_JOB_WAIT,	/* nothing due; *when is the next slot */
	MS_JOB_RUN,	/* run now (a due or missed slot within the grace) */
	MS_JOB_SKIP,	/* a missed slot past the grace: log once, wait */
	MS_JOB_BUSY	/* due, but the last run is still going: wait */
};

/*
 * What to do at now.  Only the latest slot counts, so any number of
 * missed slots coalesce into at most one catch-up run.  A job with
 * every_ms has a slot at each multiple of it since the epoch.  On SKIP the
 * job remembers the slot so it is reported once.  A job that never ran
 * (last_start 0) owes no slot past the grace: WAIT, not SKIP.  *when gets
 * the next slot.
 */
enum ms_job_decision ms_job_decide(struct ms_job *j, int64_t now,
				   int64_t *when);

#endif
