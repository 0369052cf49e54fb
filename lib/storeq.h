/*
 * The store thread: the only user of MariaDB and the spool in the
 * scanner.  Workers' results reach it through a queue, so a slow or absent
 * database never stalls SSH or the heartbeat.
 */
#ifndef MS_STOREQ_H
#define MS_STOREQ_H

#include "ms.h"
#include "conf.h"
#include "err.h"
#include "sample.h"

struct ms_storeq;
struct ms_devscan;

/* Counters since start (read under the queue's mutex). */
struct ms_storeq_stats {
	uint64_t stored;		/* samples committed */
	uint64_t spooled;		/* samples written to the spool */
	uint64_t refused;		/* samples refused: spool full */
	uint64_t spool_bytes;		/* backlog */
	uint64_t queued;		/* samples waiting in the queue */
	bool db_up;
	uint32_t old_partitions;	/* days past RETENTION_DAYS + 2 */
	char last_error[256];
};

int ms_storeq_start(struct ms_storeq **out, const struct ms_conf *c,
		    struct ms_err *err);
/* Hand over samples (the queue takes ownership of the heap array v). */
void ms_storeq_samples(struct ms_storeq *q, struct ms_sample *v, size_t n);
void ms_storeq_devscan(struct ms_storeq *q, const struct ms_devscan *d);
void ms_storeq_sweep_done(struct ms_storeq *q, int64_t unix_time);
void ms_storeq_stats(struct ms_storeq *q, struct ms_storeq_stats *out);
/* Process everything queued (spooling what the database refuses), stop
 * the thread, close the store; final (may be NULL) gets the last counts. */
void ms_storeq_stop(struct ms_storeq *q, struct ms_storeq_stats *final);

#endif
