/*
 * A fixed pool of worker threads.  The main thread submits jobs and
 * collects finished ones; an eventfd becomes readable when a job finished,
 * so the main thread waits in its one poll().
 */
#ifndef MS_POOL_H
#define MS_POOL_H

#include "ms.h"
#include "err.h"

struct ms_pool;

/* Run by a worker for each job. */
typedef void (*ms_pool_fn)(void *job, void *ctx);

int ms_pool_new(struct ms_pool **out, unsigned nthreads, ms_pool_fn fn,
		void *ctx, struct ms_err *err);
/* Queue a job; job is owned by the caller until ms_pool_done returns it.
 * Each job must carry room for the list link (struct ms_pool_job first). */
struct ms_pool_job {
	struct ms_pool_job *next;
};
void ms_pool_submit(struct ms_pool *p, struct ms_pool_job *job);
/* Readable (eventfd) when finished jobs are waiting. */
int ms_pool_fd(const struct ms_pool *p);
/* One finished job, or NULL; clears the eventfd when it returns NULL. */
struct ms_pool_job *ms_pool_done(struct ms_pool *p);
/* Jobs queued or running. */
size_t ms_pool_pending(struct ms_pool *p);
/* Drop jobs not started yet, returning them (as a list) to the caller. */
struct ms_pool_job *ms_pool_cancel_queued(struct ms_pool *p);
/* Wait for running jobs, stop and join the threads, free. */
void ms_pool_free(struct ms_pool *p);

#endif
