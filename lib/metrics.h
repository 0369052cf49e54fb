/*
 * The Prometheus text exposition (format 0.0.4) of the scanner's health
 * and statistics, plus the supervisor's restarts and jobs when known.
 */
#ifndef MS_METRICS_H
#define MS_METRICS_H

#include "ms.h"
#include "buf.h"
#include "err.h"
#include "fleetview.h"
#include "health.h"
#include "http.h"
#include "plant.h"
#include "status.h"

enum { MS_METRICS_MAX = 256 * 1024 };

/*
 * Append the metrics to out.  sup is the supervisor's status (watchdog
 * --daemon), or NULL.  Label values are escaped (\\, \", \n).
 */
int ms_metrics_render(const struct ms_health_facts *f,
		      const struct ms_health *h, const struct ms_status *sup,
		      struct ms_buf *out, struct ms_err *err);

/*
 * Append the per-device and per-upstream families of p (samples of every
 * device and upstream in it).
 */
int ms_metrics_plant(const struct ms_plant *p, struct ms_buf *out,
		     struct ms_err *err);
/* The same from the state file at path; nothing when it does not exist. */
int ms_metrics_plant_file(const char *path, struct ms_buf *out,
			  struct ms_err *err);

/*
 * modscan_plant_alerts_open{kind} of the plant alert state file at path,
 * one sample for each of the three kinds (0 when it does not exist).
 */
int ms_metrics_plant_alerts(const char *path, struct ms_buf *out,
			    struct ms_err *err);

/*
 * Append the fleet's families: the database state and the devices that
 * wait for it, per instance up, last seen and leased devices, per group
 * the unserved devices.
 */
int ms_metrics_fleet(const struct ms_fleet_view *v, struct ms_buf *out,
		     struct ms_err *err);

/*
 * The families of the state files beside the status file: the plant's
 * from src->plant, the open plant alerts from src->alerts, the fleet's
 * from fleet (none when NULL).
 */
int ms_metrics_state_files(const struct ms_health_src *src,
			   const struct ms_fleet_view *fleet,
			   struct ms_buf *out, struct ms_err *err);

/* Append v as a label value with Prometheus escaping. */
int ms_metrics_label(struct ms_buf *out, const char *v);

/*
 * An ms_http_handler for ctx, a const struct ms_health_src *: GET /health
 * gives the health JSON with 200 when healthy, else 503; /metrics the
 * Prometheus text with the plant's and the fleet's families; anything
 * else 404.  An unreadable fleet view is a 503.
 */
void ms_metrics_http(void *ctx, const char *path, struct ms_http_reply *rep);

#endif
