/*
 * One generation of the scanner's settings: the configuration, the
 * modulation map, the device list and what the device scans read from
 * them.  SIGHUP builds a new one; jobs in flight keep theirs (refs).
 */
#ifndef MS_SCANSET_H
#define MS_SCANSET_H

#include "ms.h"
#include "conf.h"
#include "device.h"
#include "err.h"
#include "inventory.h"
#include "lease.h"
#include "modmap.h"
#include "nodemap.h"

/* The scanner's main thread alone touches refs. */
struct ms_scanset {
	unsigned refs;
	struct ms_conf conf;
	struct ms_modmap modmap;
	struct ms_inventory inv;	/* empty until the sources are read */
	struct ms_nodemap nodes;	/* NODES_FILE and NODES_SQL, read with
					 * the inventory */
	char known_hosts[PATH_MAX];
	char raw_dir[PATH_MAX];
	struct ms_scan_settings scan;
	struct ms_lease_self self;	/* INSTANCE_NAME, _GROUPS; timings */
};

/*
 * Build one from conf (taken over: the caller's copy is left empty);
 * trace is -v's conversation file or NULL.  One reference.
 */
int ms_scanset_new(struct ms_scanset **out, struct ms_conf *conf,
		   FILE *trace, struct ms_err *err);
/* s (read for, not yet) starts with copies of keep's devices and nodes,
 * the last good ones should its read fail. */
int ms_scanset_keep(struct ms_scanset *s, const struct ms_scanset *keep,
		    struct ms_err *err);
/* Drop a reference; the last frees it.  NULL is fine. */
void ms_scanset_put(struct ms_scanset *s);

#endif
