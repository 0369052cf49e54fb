/*
 * The scanner's main loop: schedule, worker pool, store thread, signals,
 * heartbeat and systemd notification.  The main thread owns all of the
 * schedule and the status; it waits in one poll().
 */
#ifndef MS_ENGINE_H
#define MS_ENGINE_H

#include "ms.h"
#include "conf.h"
#include "err.h"

struct ms_engine_opts {
	const char *config_path;	/* re-read on SIGHUP (NULL: default) */
	const char *devices_path;	/* overrides DEVICES_FILE */
	const char *only_device;	/* --device NAME: scan just that one,
					 * beside a running scanner: no lock,
					 * status file or store */
	bool once;			/* one sweep, then exit */
	bool progress;			/* live progress line on stderr */
	FILE *trace;			/* -v: conversation (NULL: none) */
	FILE *found;			/* --device: print the channels here */
};

/*
 * Run until stopped (or one sweep with once).  Returns 0 when every
 * device succeeded (or after a graceful stop), 1 when some device failed,
 * or a negative MS_E_* with err filled when the scanner cannot run:
 * MS_E_INVAL for a bad configuration or devices file, another code when
 * an inventory source (DEVICES_SQL, _URL, _COMMAND) fails at start.  The caller holds the scanner's lock (PID_FILE).
 * conf is owned by the engine afterwards (SIGHUP swaps it) and released.
 */
int ms_engine_run(struct ms_conf *conf, const struct ms_engine_opts *o,
		  struct ms_err *err);

#endif
