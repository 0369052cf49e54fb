/*
 * The lease thread of a shared scanner: its own database connection, the
 * membership renewal every CHECK_INTERVAL, the claims the main thread asks
 * for and the completions it reports.  The main thread never waits for
 * MariaDB: it hands over a list and polls an eventfd for the answers.
 */
#ifndef MS_LEASEQ_H
#define MS_LEASEQ_H

#include "ms.h"
#include "conf.h"
#include "err.h"
#include "lease.h"

struct ms_leaseq;

/*
 * Start the thread for self with the database settings of c (c must
 * outlive the thread); after each renewal it writes the fleet view beside
 * status_path ("": none).  When the database answers now, it is checked
 * first: a server without SKIP LOCKED or a schema without the lease
 * tables is MS_E_INVAL (a configuration error); a database that is down
 * is not an error here.
 */
int ms_leaseq_start(struct ms_leaseq **out, const struct ms_conf *c,
		    const struct ms_lease_self *self, const char *status_path,
		    struct ms_err *err);

/* Readable when the answers to an ask are ready. */
int ms_leaseq_fd(const struct ms_leaseq *q);

/*
 * Ask for v[0..n) (taken over, heap), of which at most max may be granted
 * (free workers): the devices this instance is preferred for first, the
 * others only past their grace.  False (v left to the caller) while the
 * previous ask is unanswered.
 */
bool ms_leaseq_ask(struct ms_leaseq *q, struct ms_lease_want *v, size_t n,
		   size_t max);

/*
 * The answered ask (heap, *n entries with their verdicts), or NULL while
 * none is ready.  *db_up, in any case: whether the database answered the
 * thread's last statement (the eventfd also fires when that changes).
 */
struct ms_lease_want *ms_leaseq_answers(struct ms_leaseq *q, size_t *n,
					bool *db_up);

/* The scan of device in interval slot is over (queued while the
 * database is away). */
void ms_leaseq_done(struct ms_leaseq *q, const char *device, int64_t slot);

/* Write what is queued, release our leases, mark our row stopped (when
 * the database answers), stop the thread. */
void ms_leaseq_stop(struct ms_leaseq *q);

#endif
