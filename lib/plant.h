/*
 * The plant as the scanner last saw it: per device the outcome and time
 * of its last scan, per upstream its modulation, the hops and the seconds
 * below QAM64 counted since the scanner started.  The scanner keeps it in
 * memory and writes it after each sweep as a compact state file next to
 * the status file; status reads that file for the metrics, so a scrape
 * costs no database query.
 *
 * The file is text, one record a line, fields separated by tabs:
 *   modscan-plant 1
 *   D <device> <ok 0|1> <last scan, wall ms>
 *   U <upstream> <node> <mod 0-3> <hops> <seconds below QAM64>
 * U lines belong to the D line above them.  Tabs, newlines and other
 * control characters in names are written as '?'.
 */
#ifndef MS_PLANT_H
#define MS_PLANT_H

#include "ms.h"
#include "buf.h"
#include "conf.h"
#include "err.h"
#include "nameidx.h"
#include "nodehist.h"
#include "nodemap.h"
#include "parse.h"
#include "sample.h"

enum {
	MS_PLANT_MAX = 64 * 1024 * 1024	/* bound of the state file */
};

struct ms_plant_up {
	char name[MS_UPSTREAM_MAX];
	char node[MS_NODE_MAX];		/* "" when no map names one */
	uint8_t mod;			/* enum ms_mod of the last sample */
	int64_t last_t;			/* unix s of the last sample */
	uint64_t hops;
	uint64_t below_secs;
};

struct ms_plant_dev {
	char name[MS_DEVICE_MAX];	/* first: the name index reads it */
	bool ok;			/* the last scan succeeded */
	int64_t last_scan;		/* wall ms of its end, 0 never */
	struct ms_plant_up *ups;
	size_t nups, cap;
};

struct ms_plant {
	struct ms_plant_dev *devs;
	size_t ndevs, cap;
	struct ms_nameidx idx;		/* devs by name */
	int64_t max_gap;		/* seconds one sample holds at most */
	struct ms_nodemap seen;		/* nodes the devices' descriptions
					 * give (source device) */
};

void ms_plant_init(struct ms_plant *p, int64_t max_gap);
void ms_plant_release(struct ms_plant *p);

/*
 * One scan of device: ok tells whether it succeeded, end is its wall ms.
 * Each sample updates its upstream: a modulation other than the last one
 * is a hop, and the time since the last sample (at most max_gap) counts
 * below QAM64 when that sample was QPSK or QAM16.  A successful scan
 * drops the upstreams it did not see.  MS_E_NOMEM.
 */
int ms_plant_scan(struct ms_plant *p, const char *device,
		  const struct ms_sample *s, size_t n, bool ok, int64_t end);

/*
 * Forget a device that left the inventory.  MS_E_NOMEM empties p (the
 * counters start again).
 */
int ms_plant_forget(struct ms_plant *p, const char *device);

/*
 * After ms_plant_scan of device: each of its upstreams gets the node map
 * gives it, else the one its description gives (the first word of the
 * description of the upstream or of its MAC domain).  ok: the scan
 * worked and descr is what the device printed (NULL: descriptions are
 * not used); then p->seen learns them, else it keeps what it knew.
 * MS_E_NOMEM.
 */
int ms_plant_nodes(struct ms_plant *p, const char *device,
		   const struct ms_nodemap *map,
		   const struct ms_descrlist *descr, bool ok);

/* Every upstream's node again, after a new map. */
void ms_plant_renode(struct ms_plant *p, const struct ms_nodemap *map);

/*
 * For the history (another thread): a copy of p->seen for the upstreams
 * the devices still have, and the devices whose last scan worked.  NULL
 * when out of memory.
 */
struct ms_nodesnap *ms_plant_nodesnap(const struct ms_plant *p);

/* ms_nodehist_update with what p learnt from the devices (scan --once
 * at its end: it has no refresh); err on failure. */
int ms_plant_nodes_write(const struct ms_plant *p, const struct ms_conf *c,
			 const struct ms_nodemap *map, struct ms_err *err);

/* The state file text; MS_E_TOOBIG past out's bound. */
int ms_plant_render(const struct ms_plant *p, struct ms_buf *out);
/* Parse what ms_plant_render wrote into p (initialised by the caller). */
int ms_plant_parse(struct ms_plant *p, const char *s, size_t len,
		   struct ms_err *err);

/* Replace path atomically (0644) / read it into p. */
int ms_plant_write(const struct ms_plant *p, const char *path,
		   struct ms_err *err);
int ms_plant_read(struct ms_plant *p, const char *path, struct ms_err *err);

/* The state file next to status_path: "<its directory>/plant.state". */
int ms_plant_path(const char *status_path, char *out, size_t size);

/* Bits per symbol of a modulation: QPSK 2, QAM16 4, QAM64 6, else 0. */
int ms_plant_bits(enum ms_mod m);

#endif
