/*
 * The scanner's side of the plant state and alerts: after each device
 * scan the plant alerts are evaluated (plantalert.h), their events logged
 * and queued (ms_alert_events), and the state files written:
 * plant-alerts.state (beside the status file) when an alert opened or
 * closed (at most once a second: the file holds the whole fleet's open
 * alerts), both files after each sweep and when the scanner stops.
 * Failures are logged; scanning goes on.
 */
#ifndef MS_PLANTWATCH_H
#define MS_PLANTWATCH_H

#include "ms.h"
#include "alert.h"
#include "conf.h"
#include "plant.h"
#include "plantalert.h"

struct ms_plantwatch {
	struct ms_plantalert pa;
	struct ms_plantalert_conf c;
	struct ms_alert_conf ac;
	char plant_path[PATH_MAX];	/* plant.state; "" when none */
	char path[PATH_MAX];		/* plant-alerts.state; "" when off */
	bool dirty;			/* pa changed since written */
	bool pending;			/* with events not yet written */
	ms_msec_t written;		/* CLOCK_MONOTONIC of the last write */
	bool off_said;			/* "only logged" is in the log */
};

/*
 * Nothing evaluated (for scan --device) until ms_plantwatch_open: the
 * settings of c and the state file next to status_path, where an
 * unreadable or bad file is one error line and a fresh start.  With idx,
 * the devices the device list lacks are forgotten (ms_plantwatch_prune).
 */
void ms_plantwatch_init(struct ms_plantwatch *w);
void ms_plantwatch_open(struct ms_plantwatch *w, const struct ms_conf *c,
			const char *status_path, const struct ms_nameidx *idx,
			const void *base, size_t stride);
/* New settings (SIGHUP). */
void ms_plantwatch_conf(struct ms_plantwatch *w, const struct ms_conf *c);
void ms_plantwatch_release(struct ms_plantwatch *w);

/* After ms_plant_scan of device. */
void ms_plantwatch_scan(struct ms_plantwatch *w, const struct ms_plant *p,
			const char *device);
/* A device left the inventory (after ms_plant_forget). */
void ms_plantwatch_forget(struct ms_plantwatch *w, const char *device);
/*
 * Forget the devices of the alert state that the device list (idx over
 * base, elements of stride bytes that start with their name) lacks, as a
 * scanner started with another list must: their open alerts recover.
 */
void ms_plantwatch_prune(struct ms_plantwatch *w, const struct ms_nameidx *idx,
			 const void *base, size_t stride);
/* Write the plant state and, when changed, the alert state. */
void ms_plantwatch_write(struct ms_plantwatch *w, const struct ms_plant *p);

#endif
