/*
 * The scanner's state, shared by engine.c (the main loop) and engshare.c
 * (its shared mode, SCAN_SHARED).  Only the main thread touches it.
 */
#ifndef MS_ENGINE_STATE_H
#define MS_ENGINE_STATE_H

#include "engine.h"

#include <stdatomic.h>

#include "device.h"
#include "leaseq.h"
#include "nameidx.h"
#include "plant.h"
#include "plantwatch.h"
#include "pool.h"
#include "scanctl.h"
#include "scanset.h"
#include "status.h"
#include "storeq.h"

enum {
	HEARTBEAT_MS = 10000,		/* status file at least this often */
	PROGRESS_MS = 100,
	BACKLOG_MAX = 2000000		/* samples queued before we pause */
};

struct dev_state {
	struct ms_device dev;		/* first: the name index reads it */
	int64_t due;			/* wall ms of the next scan */
	bool busy;			/* in a job, or asked for (shared) */
	bool mine;			/* shared: we held its last lease */
};
_Static_assert(offsetof(struct dev_state, dev) == 0 &&
	       offsetof(struct ms_device, name) == 0, "name first");

struct job {
	struct ms_pool_job link;	/* first: the pool's list link */
	struct ms_device dev;
	struct ms_scanset *set;
	struct ms_devresult res;
};

struct engine {
	const struct ms_engine_opts *o;
	struct ms_scanset *set;
	struct dev_state *devs;
	size_t ndev;
	struct ms_nameidx idx;		/* devs by name */
	struct ms_pool *pool;
	struct ms_storeq *store;
	/* the generation the store was opened with: its database settings
	 * point into that configuration until the store stops */
	struct ms_scanset *store_set;
	struct ms_status st;
	char status_path[PATH_MAX];
	struct ms_plant plant;		/* the last sweep, per upstream */
	struct ms_plantwatch pw;	/* its files and alerts */
	char lock_path[PATH_MAX];	/* PID_FILE, for the legacy status */
	int sigfd;
	_Atomic int64_t abort_at;
	bool stopping;
	bool hup;
	struct ms_heartbeat_watch hb;
	ms_msec_t stop_deadline, next_heartbeat, next_check, next_ping;
	ms_msec_t wdog_ms, next_progress, next_inventory;
	struct ms_invjob *invjob;	/* a refresh under way, or NULL */
	struct ms_scanset *invjob_set;	/* the generation it reads for */
	int64_t sweep_period;		/* index of the current sweep */
	struct ms_sweep_stats cur;
	size_t inflight, finished;
	uint64_t stored_base, spooled_base, lost_base;	/* at sweep start */
	bool any_failed;
	char run_id[MS_RUN_ID_MAX];
	/* SCAN_SHARED (see engshare.c); leases NULL when not shared */
	struct ms_leaseq *leases;
	struct ms_scanset *lease_set;	/* the generation it was started
					 * with, like store_set */
	bool lease_asked;		/* an ask is unanswered */
	bool lease_db_up;		/* the last answer could lease */
};

/* Hand d to the pool (d->busy); false when out of memory (logged). */
bool ms_engine_submit(struct engine *e, struct dev_state *d);
/* The device named name, or NULL. */
struct dev_state *ms_engine_find(struct engine *e, const char *name);

/* Shared mode (engshare.c).  start: when SCAN_SHARED (not for --once or
 * --device); MS_E_INVAL for a server without SKIP LOCKED. */
int ms_engshare_start(struct engine *e, struct ms_err *err);
/* The due devices of a shared scanner at wall time now. */
void ms_engshare_dispatch(struct engine *e, int64_t now);
/* The answers of the lease thread, if any: the number of scans started. */
size_t ms_engshare_answers(struct engine *e);
/* d's scan (j) is over, before its next due time is set. */
void ms_engshare_finished(struct engine *e, const struct dev_state *d,
			  const struct job *j);
void ms_engshare_stop(struct engine *e);

#endif
