/*
 * The fleet as the database last showed it: the scan instances sharing
 * the device list (alive, lapsed or stopped), the devices of each group
 * and those no live instance serves.  Loaded by a scanner in a few queries
 * and written as a compact state file next to the status file, so that
 * status reports the fleet without a database of its own.
 *
 * The file is text, one record a line, fields separated by tabs:
 *   modscan-fleet 1
 *   V <view, db ms> <database down since, wall ms; 0 up> <orphaned> <error>
 *   I <name> <groups> <host> <seen ms> <lapse ms> <leased> <held> <stopped>
 *   G <group> <devices>
 * States and unserved counts are derived from these facts when read.
 */
#ifndef MS_FLEETVIEW_H
#define MS_FLEETVIEW_H

#include "ms.h"
#include "buf.h"
#include "err.h"

struct cJSON;
struct ms_db;

enum ms_fleet_state {
	MS_FLEET_ALIVE,		/* renewed within its lapse time */
	MS_FLEET_LAPSED,	/* silent past seen + lapse, not stopped */
	MS_FLEET_STOPPED,	/* left cleanly */
	MS_FLEET__COUNT
};

enum {
	MS_FLEET_NAME_MAX = 64,		/* instance and group names, NUL */
	MS_FLEET_GROUPS_MAX = 256,	/* the comma separated list, NUL */
	MS_FLEET_HOST_MAX = 256,
	MS_FLEET_INSTS_MAX = 4096,	/* bounds of a view */
	MS_FLEET_GROUPS_COUNT_MAX = 65536,
	MS_FLEET_FILE_MAX = 16 * 1024 * 1024
};

struct ms_fleet_inst {
	char name[MS_FLEET_NAME_MAX];	/* first, as in ms_fleet_group */
	char groups[MS_FLEET_GROUPS_MAX];	/* comma separated; "" all */
	char host[MS_FLEET_HOST_MAX];
	int64_t seen_ms;		/* last renewal, database clock */
	int64_t lapse_ms;		/* lapsed past seen_ms + lapse_ms */
	uint32_t leased;		/* devices leased, last interval */
	uint32_t held;			/* devices it holds a lease on, or
					 * scanned last (its own while the
					 * database is away) */
	bool stopped;			/* it said it left */
	uint8_t state;			/* enum ms_fleet_state, by judge */
};

struct ms_fleet_group {
	char name[MS_FLEET_NAME_MAX];	/* first; "": devices without one */
	uint32_t devices;
	uint32_t unserved;		/* devices, when no live instance
					 * serves the group; by judge */
};

struct ms_fleet_view {
	int64_t at_ms;			/* database clock of the view; 0 none */
	int64_t down_ms;		/* wall ms the database was first
					 * found down since the view; 0 up */
	char down_error[MS_ERR_MSG_MAX];
	uint32_t orphaned;		/* devices held by names without a
					 * membership row */
	struct ms_fleet_inst *insts;
	size_t ninsts, icap;
	struct ms_fleet_group *groups;
	size_t ngroups, gcap;
};

void ms_fleet_view_init(struct ms_fleet_view *v);
void ms_fleet_view_release(struct ms_fleet_view *v);

/* A zeroed instance or group added at the end; NULL on NOMEM or bound. */
struct ms_fleet_inst *ms_fleet_inst_add(struct ms_fleet_view *v,
					const char *name);
struct ms_fleet_group *ms_fleet_group_add(struct ms_fleet_view *v,
					  const char *name);

const char *ms_fleet_state_name(enum ms_fleet_state s);

/*
 * Whether an instance serving groups ("" all, else "a,b"; "-" the devices
 * without a group) serves a device of group ("" none).
 */
bool ms_fleet_serves(const char *groups, const char *group);

/*
 * Derive from the facts: each instance's state at at_ms, each group's
 * unserved devices (all of them when no live instance serves it).
 */
void ms_fleet_view_judge(struct ms_fleet_view *v);

/* Instances in state s. */
size_t ms_fleet_view_count(const struct ms_fleet_view *v,
			   enum ms_fleet_state s);
/* Devices of groups no live instance serves. */
uint64_t ms_fleet_view_unserved(const struct ms_fleet_view *v);
/*
 * Devices that wait for the database when it is down: those held (or
 * scanned last) at the view by instances that were not alive, or by
 * unknown ones (orphaned).
 */
uint64_t ms_fleet_view_waiting(const struct ms_fleet_view *v);

/* The state file text; MS_E_TOOBIG past out's bound. */
int ms_fleet_view_render(const struct ms_fleet_view *v, struct ms_buf *out);
/* Parse and judge what ms_fleet_view_render wrote into v (initialised). */
int ms_fleet_view_parse(struct ms_fleet_view *v, const char *s, size_t len,
			struct ms_err *err);

/* Replace path atomically (0644) / read it into v. */
int ms_fleet_view_write(const struct ms_fleet_view *v, const char *path,
			struct ms_err *err);
int ms_fleet_view_read(struct ms_fleet_view *v, const char *path,
		       struct ms_err *err);

/* The state file next to status_path: "<its directory>/fleet.state". */
int ms_fleet_view_path(const char *status_path, char *out, size_t size);

/*
 * Load the view from the database (scan_instances, scan_leases and the
 * database clock) into v (initialised, empty) and judge it.  It reads in
 * one read-only transaction of its own: a transaction the caller has open
 * is committed first.  MS_E_DB with err.
 */
int ms_fleet_view_load(struct ms_db *db, struct ms_fleet_view *v,
		       struct ms_err *err);

/*
 * Load the view and replace the fleet state file beside status_path with
 * it.  With db NULL or a failed load, the last view written stays and is
 * marked down (since now, unless it already was) with the reason, so that
 * status tells the database is down and how many devices wait for it; the
 * load's error is returned then, after the mark.  A scanner calls this
 * after each membership renewal, and when the renewal failed.
 */
int ms_fleet_view_refresh(struct ms_db *db, const char *status_path,
			  struct ms_err *err);

/*
 * Mark the last view written beside status_path down since now (unless
 * it already was), for why; a view of nothing when there was none.
 */
int ms_fleet_view_mark_down(const char *status_path, const char *why,
			    struct ms_err *err);

/*
 * For people: a summary line, one line per instance and one per unserved
 * group, appended to out.  now is the wall clock in ms.
 */
int ms_fleet_view_text(const struct ms_fleet_view *v, int64_t now,
		       struct ms_buf *out);

/*
 * For programs: an object with the view time, the database state, the
 * waiting and unserved device counts, the instances and the groups; NULL
 * on NOMEM.  The caller owns it.
 */
struct cJSON *ms_fleet_view_json(const struct ms_fleet_view *v);

#endif
