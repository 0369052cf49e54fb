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
#include "err.h"
#include "nameidx.h"
#include "sample.h"

enum {
	MS_NODE_MAX = 64,		/* node name, with its NUL */
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

/* The state file text; MS_E_TOOBIG past out's bound. */
int ms_plant_render(const struct ms_plant *p, struct ms_buf *out);
/* Parse what ms_plant_render wrote into p (initialised by the caller). */
int ms_plant_parse(struct ms_plant *p, const char *s, size_t len,
		   struct ms_err *err);

/* Replace path atomically (0644) / read it into p. */
int ms_plant_write(const struct ms_plant *p, const char *path,
		   struct ms_err *err);
int ms_plant_read(struct ms_plant *p, const char *path, struct ms_err *err);

/*
 * The pieces of a state file of this shape, shared with plantalert.c:
 * names with control characters as '?'; tab-separated fields (at most
 * max, the count returned); a decimal number up to max; the lines of s
 * after the head line, each to fn (MS_E_PARSE or fn's error names the
 * line); render into a buffer bounded by max and replace path (0644);
 * read path and parse it.
 */
int ms_plant_add_name(struct ms_buf *out, const char *s);
size_t ms_plant_split(char *line, char **f, size_t max);
bool ms_plant_num(const char *s, uint64_t max, uint64_t *out);
int ms_plant_lines(const char *s, size_t len, const char *head,
		   int (*fn)(void *ctx, void *cur, char *line), void *ctx,
		   void *cur, struct ms_err *err);
int ms_plant_save(const void *obj,
		  int (*render)(const void *obj, struct ms_buf *out),
		  size_t max, const char *path, struct ms_err *err);
int ms_plant_load(void *obj,
		  int (*parse)(void *obj, const char *s, size_t len,
			       struct ms_err *err),
		  size_t max, const char *path, struct ms_err *err);

/* The file leaf next to status_path: "<its directory>/<leaf>". */
int ms_plant_sibling(const char *status_path, const char *leaf, char *out,
		     size_t size);
/* The state file next to status_path: "<its directory>/plant.state". */
int ms_plant_path(const char *status_path, char *out, size_t size);

/* Bits per symbol of a modulation: QPSK 2, QAM16 4, QAM64 6, else 0. */
int ms_plant_bits(enum ms_mod m);

#endif
