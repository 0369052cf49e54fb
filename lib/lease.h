/*
 * Several scanners, one fleet (SCAN_SHARED): membership rows in
 * scan_instances and device leases in scan_leases, on MariaDB itself.  The
 * pure rules (who prefers a device, interval numbers, lapse, timings) are
 * here beside the statements that apply them; times in those tables are
 * the database's clock, so scanners with skewed clocks agree.
 */
#ifndef MS_LEASE_H
#define MS_LEASE_H

#include "ms.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "fleetview.h"
#include "inventory.h"
#include "store.h"

enum {
	MS_LEASE_LAPSE_CHECKS = 3,	/* a member lapses after this many
					 * CHECK_INTERVALs without renewal */
	MS_LEASE_MARGIN_MS = 10000,	/* past the device deadline */
	MS_LEASE_CHUNK = 500		/* devices per statement */
};

/* What the scanner knows of itself. */
struct ms_lease_self {
	char name[MS_INSTANCE_MAX];	/* INSTANCE_NAME or the host name */
	char groups[256];		/* INSTANCE_GROUPS ("": all) */
	char host[256];
	int64_t check_ms, interval_ms, device_ms;
};

/*
 * INSTANCE_NAME, else the host name, into out; INSTANCE_GROUPS checked.
 * MS_E_INVAL (a configuration error) names the key.
 */
int ms_lease_self_init(struct ms_lease_self *s, const struct ms_conf *c,
		       struct ms_err *err);

/*
 * ms_lease_self_init for any scanner: a host name that cannot be an
 * instance name fails only a shared one (or one that names its instance
 * or groups); the others go on with an empty name.
 */
int ms_lease_self_check(struct ms_lease_self *s, const struct ms_conf *c,
			struct ms_err *err);

/* Whether an instance serves a device's group: ms_fleet_serves of
 * fleetview.h, which status judges the fleet with. */

/* The rendezvous score of a device on an instance; the highest wins. */
uint64_t ms_lease_score(const char *instance, const char *device);

/* The index among names[0..n) that prefers device; -1 when n is 0. */
ssize_t ms_lease_pick(const char *device, const char *const *names, size_t n);

/* The scan interval (number) that the slot due at due_ms belongs to. */
int64_t ms_lease_slot(int64_t due_ms, int64_t interval_ms);

/* A member renewed at seen_ms with lapse_ms has lapsed at now_ms. */
bool ms_lease_lapsed(int64_t seen_ms, int64_t lapse_ms, int64_t now_ms);

/* The lapse a member announces: MS_LEASE_LAPSE_CHECKS check intervals. */
int64_t ms_lease_lapse_ms(const struct ms_lease_self *s);

/*
 * How long past its due time a device waits for its preferred instance
 * before another live one takes it: two check intervals (the preferred
 * one looks at its schedule once per check interval), at most half the
 * scan interval.
 */
int64_t ms_lease_grace_ms(const struct ms_lease_self *s);

/* A lease lasts the device deadline, two check intervals (the completion
 * is written on the next look) and MS_LEASE_MARGIN_MS. */
int64_t ms_lease_ttl_ms(const struct ms_lease_self *s);

/* Whether the server (SELECT VERSION()) has SKIP LOCKED: MariaDB 10.6 or
 * later, MySQL 8.0 or later. */
bool ms_lease_version_ok(const char *version);

/* One live member as read from scan_instances. */
struct ms_lease_member {
	char name[MS_INSTANCE_MAX];
	char groups[256];
};

/*
 * The live members of the fleet (stopped = 0, not lapsed; with trust_ms,
 * also those that had not lapsed yet at the database time trust_ms) and
 * the database's clock, into *v (heap, *n of them).
 */
int ms_lease_members(struct ms_db *db, int64_t trust_ms,
		     struct ms_lease_member **v, size_t *n, int64_t *now_ms,
		     struct ms_err *err);

/* Insert or renew the instance's row; first: this process's first one
 * (started_ms); leased: devices leased in the last scan interval. */
int ms_lease_renew(struct ms_db *db, const struct ms_lease_self *s,
		   bool first, uint32_t leased, struct ms_err *err);

/* What became of one wanted device. */
enum ms_lease_verdict {
	MS_LEASE_GRANTED,	/* leased to us: scan it */
	MS_LEASE_DONE,		/* already scanned in its interval */
	MS_LEASE_LATER,		/* not now: ask again at the next look */
	MS_LEASE_OTHER,		/* another live instance holds it */
	MS_LEASE_NODB		/* no database: leases cannot be taken */
};

struct ms_lease_want {
	char device[MS_DEVICE_MAX];
	char group[MS_GROUP_MAX];
	int64_t due;			/* wall ms of its slot */
	int64_t slot;			/* the interval it is due in */
	uint8_t verdict;		/* enum ms_lease_verdict, the answer */
	bool scanned_by_us;		/* DONE: by this instance */
};

/*
 * Lease the devices of v[0..n) (the caller chose them; v is reordered),
 * in chunks of MS_LEASE_CHUNK, each one transaction with SELECT ... FOR
 * UPDATE SKIP LOCKED: GRANTED when free, expired or ours and not scanned
 * in its slot yet, DONE when it was, OTHER when another live lease holds
 * it, LATER when another scanner has the row locked.  Rows missing from
 * scan_leases are added.  Returns the number granted; on an error the
 * verdicts of the chunks before it stand (their leases are taken).
 */
int ms_lease_claim(struct ms_db *db, const struct ms_lease_self *s,
		   struct ms_lease_want *v, size_t n, struct ms_err *err);

/*
 * The scans of devices[0..n) in interval slot are done: record the slot
 * and release our leases on them (a lease another instance took is left
 * alone, but the slot is still recorded).
 */
int ms_lease_complete(struct ms_db *db, const struct ms_lease_self *s,
		      int64_t slot, const char *const *devices, size_t n,
		      struct ms_err *err);

/* Release every lease of ours and mark our row stopped (a clean leave). */
int ms_lease_leave(struct ms_db *db, const struct ms_lease_self *s,
		   struct ms_err *err);

#endif
