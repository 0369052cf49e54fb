/*
 * The history of the upstream -> node map in upstream_nodes: each mapping
 * with the time it held (valid_from, valid_to; NULL while in force), so a
 * report of a past day uses the map of that day.  After each read of the
 * map the differences are written in one transaction; rows that did not
 * change are not touched.
 */
#ifndef MS_NODEHIST_H
#define MS_NODEHIST_H

#include "ms.h"
#include "conf.h"
#include "err.h"
#include "nodemap.h"

struct ms_db;

/*
 * What the scanner learnt from the devices, copied for the thread that
 * writes the history: the mappings from descriptions, and the devices
 * whose descriptions it knows (their last scan worked), sorted.
 */
struct ms_nodesnap {
	struct ms_nodemap seen;
	char (*known)[MS_DEVICE_MAX];
	size_t nknown, cap;
};

/* A heap snapshot, empty; NULL when out of memory. */
struct ms_nodesnap *ms_nodesnap_new(void);
void ms_nodesnap_free(struct ms_nodesnap *s);
/* Add a known device (in any order): 0 or MS_E_NOMEM. */
int ms_nodesnap_know(struct ms_nodesnap *s, const char *device);
/* Sort the known devices (before ms_nodesnap_knows). */
void ms_nodesnap_seal(struct ms_nodesnap *s);
bool ms_nodesnap_knows(const struct ms_nodesnap *s, const char *device);

struct ms_nodehist_stats {
	size_t closed;		/* rows given a valid_to */
	size_t opened;		/* rows inserted */
};

/*
 * Make the open rows of upstream_nodes say want, at now (unix s), in one
 * transaction: an open row that want changes or lacks gets valid_to =
 * now, a mapping that has no equal open row is inserted with valid_from =
 * now.  An open row from a device is left alone unless snap knows its
 * device (a scanner that has not seen a device cannot say it changed).
 * MS_E_DB on failure, rolled back: the next call tries again.
 */
int ms_nodehist_sync(struct ms_db *db, const struct ms_nodemap *want,
		     const struct ms_nodesnap *snap, int64_t now,
		     struct ms_nodehist_stats *st, struct ms_err *err);

/*
 * ms_nodehist_sync on the modscan database (DB_*) of c with map (the
 * file and SQL mappings) and, where map has none, snap's (NULL: none).
 */
int ms_nodehist_write(const struct ms_conf *c, const struct ms_nodemap *map,
		      const struct ms_nodesnap *snap, int64_t now,
		      struct ms_nodehist_stats *st, struct ms_err *err);

/*
 * When nodes are in use (NODES_FILE or NODES_SQL set, or snap holds
 * mappings from devices): ms_nodehist_write at the wall clock's now.
 * Else, or when map is partial (its rows would close), 0, and the
 * database is not asked.
 */
int ms_nodehist_update(const struct ms_conf *c, const struct ms_nodemap *map,
		       const struct ms_nodesnap *snap, struct ms_err *err);

#endif
