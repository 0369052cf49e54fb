/*
 * One device scan: connect, log in, learn the prompt, find the family,
 * drive the family's commands, collect the samples, log out.  Run by one
 * worker thread from start to end, every step under a deadline.
 */
#ifndef MS_DEVICE_H
#define MS_DEVICE_H

#include "ms.h"
#include "buf.h"
#include "conf.h"
#include "inventory.h"
#include "parse.h"
#include "sample.h"
#include "store.h"

struct ms_modmap;


/* What a scan needs from the configuration; immutable while in use. */
struct ms_scan_settings {
	const struct ms_conf *conf;	/* credentials, timeouts, policy */
	const struct ms_modmap *modmap;
	const char *known_hosts;	/* resolved path */
	const char *raw_dir;		/* RUN_DIR/raw, or NULL: keep nothing */
	ms_msec_t connect_ms, login_ms, command_ms, device_ms;
	/* Set by the engine to stop in-flight devices early (monotonic ms,
	 * MS_NEVER while running normally). */
	const _Atomic int64_t *abort_at;
	/* -v: the whole conversation goes here (NULL: nowhere). */
	FILE *trace;
};

struct ms_devresult {
	enum ms_scan_outcome outcome;
	char reason[320];		/* why partial or failed (a fix may follow) */
	char family[16];		/* the family that was used */
	struct ms_sample *samples;	/* heap, n of them */
	size_t n;
	struct ms_descrlist descr;	/* interface descriptions printed */
	unsigned unknown;		/* samples with an unmapped code */
	unsigned duplicates;		/* duplicate rows seen */
	int64_t start;			/* wall ms */
	int64_t end;			/* wall ms */
};

/* Scan d; res is always filled (failed with a reason on error). */
void ms_device_scan(const struct ms_device *d,
		    const struct ms_scan_settings *s, struct ms_devresult *res);
void ms_devresult_release(struct ms_devresult *res);

/* scan --device: the channels found, then a "# NAME: outcome" line. */
void ms_devresult_print(FILE *f, const char *name,
			const struct ms_devresult *res);

const char *ms_outcome_name(enum ms_scan_outcome o);

#endif
