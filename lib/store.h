/*
 * What the scanner's store thread uses: samples in batches into MariaDB,
 * the device-scan log and the sweep stamp; the spool when the database is
 * down, replayed in order when it is back.  Never sleeps: ms_store_tick
 * says when it wants to be called again.
 *
 * Everything (samples, device scans, sweep stamps) follows one path: while
 * the spool holds anything, new work is appended to it, so order is kept
 * and nothing is held only in memory.  A replay is harmless: samples and
 * device scans have unique keys, the stamp only moves forward.
 */
#ifndef MS_STORE_H
#define MS_STORE_H

#include "ms.h"
#include "conf.h"
#include "err.h"
#include "sample.h"

enum ms_scan_outcome { MS_SCAN_OK, MS_SCAN_PARTIAL, MS_SCAN_FAILED };

enum { MS_RUN_ID_MAX = 40, MS_SCAN_ERROR_MAX = 256, MS_INSTANCE_MAX = 64 };

/* One device scan, for the device_scans table. */
struct ms_devscan {
	char run_id[MS_RUN_ID_MAX];	/* the sweep (scanner instance + start) */
	char device[MS_DEVICE_MAX];
	int64_t start_ms, end_ms;	/* unix milliseconds */
	uint8_t outcome;		/* enum ms_scan_outcome */
	uint32_t channels;		/* samples the scan produced */
	char error[MS_SCAN_ERROR_MAX];	/* "" when ok */
	char instance[MS_INSTANCE_MAX];	/* INSTANCE_NAME of the scanner */
};

struct ms_store_stats {
	uint64_t stored;	/* samples committed to the database */
	uint64_t duplicates;	/* of those, already there (replays) */
	uint64_t spooled;	/* samples written to the spool */
	uint64_t replayed;	/* samples committed from the spool */
	uint64_t refused;	/* samples refused: spool full or unwritable */
	uint64_t rejected;	/* samples the database refused as bad data */
	uint64_t devscans;	/* device-scan rows committed */
	uint64_t spool_bytes;	/* spool backlog now */
	uint64_t spool_files;
	uint64_t db_failures;	/* failed connects and batches */
	uint32_t old_partitions;	/* days past RETENTION_DAYS + 2 */
	uint32_t retention_checks;	/* daily looks for them */
	bool connected;
};

struct ms_store;

/*
 * Open the spool (SPOOL_DIR, default RUN_DIR/spool) and try to connect;
 * a database that is down is not an error here (the store spools and
 * retries).  Errors: the spool directory, an option file that does not
 * exist (MS_E_NOENT).
 */
int ms_store_open(struct ms_store **out, const struct ms_conf *conf,
		  struct ms_err *err);

/*
 * Store n samples (any n; sent in DB_BATCH_SIZE batches, one transaction
 * each).  0: every sample is in the database or the spool.  MS_E_FULL:
 * the spool is full and (some) samples were refused; MS_E_SYS: the spool
 * could not be written (disk full); MS_E_DB: the database refused a batch
 * as bad data (the batch is kept in SPOOL_DIR/rejected.bad).  Errors are
 * counted in the stats; the caller logs err once per sweep.
 */
int ms_store_put(struct ms_store *st, const struct ms_sample *v, size_t n,
		 struct ms_err *err);

/* A row in device_scans; same guarantees as ms_store_put. */
int ms_store_device_scan(struct ms_store *st, const struct ms_devscan *d,
			 struct ms_err *err);

/* A sweep finished at unix_time: lastupdatemodulation.stamp. */
int ms_store_sweep_done(struct ms_store *st, int64_t unix_time,
			struct ms_err *err);

/*
 * Housekeeping at monotonic time now: reconnect when due, replay the spool
 * (bounded work per call), the day partitions once a day.  Returns the
 * monotonic time it wants to be called again (MS_NEVER: nothing pending).
 * err gets the last failure, if any, for the log.
 */
ms_msec_t ms_store_tick(struct ms_store *st, ms_msec_t now,
			struct ms_err *err);

void ms_store_stats(const struct ms_store *st, struct ms_store_stats *out);

/* Close the connection and the spool (its files stay for the next run). */
void ms_store_close(struct ms_store *st);

#endif
