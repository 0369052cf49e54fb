/*
 * Plant alerts: after each device scan, a pure evaluation of the plant
 * state (plant.h) against PLANT_ALERT_BELOW_QAM64_MIN,
 * PLANT_ALERT_DEGRADED_UPSTREAMS and PLANT_ALERT_DEVICE_FAILS.  Each
 * condition gives one event when it starts holding and one recovery when
 * it ends; what is open is kept in a state file so that a restart neither
 * raises an open alert again nor forgets its recovery.
 *
 * The state file is text, one record a line, fields separated by tabs:
 *   modscan-plant-alerts 1
 *   D <device> <fails> <fail since> <failing open 0|1>
 *     <degraded since> <degraded open 0|1> <upstreams below at its raise>
 *   U <upstream> <node> <mod 0-3> <since> <last below> <open 0|1>
 * U lines (upstreams below QAM64, or with an open alert) belong to the D
 * line above them.  Times are unix seconds, 0 for none.
 */
#ifndef MS_PLANTALERT_H
#define MS_PLANTALERT_H

#include "ms.h"
#include "alert.h"
#include "buf.h"
#include "conf.h"
#include "err.h"
#include "nameidx.h"
#include "plant.h"

enum { MS_PLANTALERT_MAX = 64 * 1024 * 1024 };	/* bound of the state file */

/* The state file's name, next to the status file (ms_statefile_path). */
#define MS_PLANTALERT_FILE "plant-alerts.state"

/* The three settings; -1: that alert is off. */
struct ms_plantalert_conf {
	int64_t below_min;	/* minutes below QAM64; 0 at first sight */
	int64_t degraded;	/* upstreams below QAM64 at once */
	int64_t fails;		/* failed scans in a row */
};

struct ms_plantalert_up {
	char name[MS_UPSTREAM_MAX];
	char node[MS_NODE_MAX];
	uint8_t mod;		/* enum ms_mod of the last sample */
	int64_t since;		/* first sample below QAM64 of this run */
	int64_t last;		/* last sample below QAM64 */
	bool open;
	bool seen;		/* in the scan being evaluated */
};

struct ms_plantalert_dev {
	char name[MS_DEVICE_MAX];	/* first: the name index reads it */
	int64_t fails, fail_since;
	bool fail_open;
	int64_t deg_since, deg_value;
	bool deg_open;
	struct ms_plantalert_up *ups;	/* below QAM64 or open */
	size_t nups, cap;
};

struct ms_plantalert {
	struct ms_plantalert_dev *devs;
	size_t ndevs, cap;
	struct ms_nameidx idx;
};

/* Events produced by one evaluation, for ms_alert_events. */
struct ms_plantalert_out {
	struct ms_alert_event *v;
	size_t n, cap;
};

void ms_plantalert_init(struct ms_plantalert *pa);
void ms_plantalert_release(struct ms_plantalert *pa);
void ms_plantalert_out_release(struct ms_plantalert_out *out);

/* The settings of c (an unset key is -1: off). */
void ms_plantalert_conf_from(struct ms_plantalert_conf *pc,
			     const struct ms_conf *c);

/*
 * Evaluate d just after ms_plant_scan; events are appended to out.  A
 * failed scan counts toward device_failing and leaves the upstreams
 * alone; a successful one ends device_failing and evaluates every
 * upstream (QPSK or QAM16 is below, QAM64 recovers, UNKNOWN changes
 * nothing) and the count below.  An upstream the scan no longer lists
 * and an alert whose setting is now off close with their recovery.
 * MS_E_NOMEM (the state is then still consistent).
 */
int ms_plantalert_scan(struct ms_plantalert *pa,
		       const struct ms_plantalert_conf *c,
		       const struct ms_plant_dev *d,
		       struct ms_plantalert_out *out);

/*
 * A device that left the inventory: its open alerts close with a
 * recovery at time at (unix s) and its state goes.  MS_E_NOMEM.
 */
int ms_plantalert_forget(struct ms_plantalert *pa, const char *device,
			 int64_t at, struct ms_plantalert_out *out);

/* Open alerts in pa: the events that raised them, with value as now. */
int ms_plantalert_open(const struct ms_plantalert *pa,
		       struct ms_plantalert_out *out);

/*
 * The open alerts of the state file at path (none when it does not
 * exist) appended to out; their number, or MS_E_* with err set.
 */
int ms_plantalert_load_open(const char *path, struct ms_plantalert_out *out,
			    struct ms_err *err);

/* The state file text; MS_E_TOOBIG past out's bound. */
int ms_plantalert_render(const struct ms_plantalert *pa, struct ms_buf *out);
/* Parse what ms_plantalert_render wrote into pa (initialised, empty). */
int ms_plantalert_parse(struct ms_plantalert *pa, const char *s, size_t len,
			struct ms_err *err);
/* Replace path atomically (0644) / read it into pa. */
int ms_plantalert_write(const struct ms_plantalert *pa, const char *path,
			struct ms_err *err);
int ms_plantalert_read(struct ms_plantalert *pa, const char *path,
		       struct ms_err *err);

#endif
