/*
 * Worker pool (see pool.h).  One mutex guards both lists and the
 * counters; workers sleep on one condition variable.
 */
#include "pool.h"

#include <pthread.h>
#include <sys/eventfd.h>

/* Enough for libssh, the TLS stacks and a driver's buffers. */
enum { POOL_STACK = 512 * 1024 };

struct ms_pool {
	pthread_mutex_t mu;		/* guards everything below */
	pthread_cond_t cv;
	struct ms_pool_job *queue, **queue_tail;
	struct ms_pool_job *done;
	size_t pending;
	bool stopping;
	ms_pool_fn fn;
	void *ctx;
	int efd;
	unsigned nthreads;
	pthread_t *threads;
};

static void *worker(void *arg)
{
	struct ms_pool *p = arg;
	struct ms_pool_job *job;
	uint64_t one = 1;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->queue && !p->stopping)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->queue)
			break;
		job = p->queue;
		p->queue = job->next;
		if (!p->queue)
			p->queue_tail = &p->queue;
		pthread_mutex_unlock(&p->mu);
		p->fn(job, p->ctx);
		pthread_mutex_lock(&p->mu);
		job->next = p->done;
		p->done = job;
		if (write(p->efd, &one, sizeof(one)) < 0) {
			/* the counter cannot overflow in practice; the main
			 * thread still finds the job on its next wakeup */
		}
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int ms_pool_new(struct ms_pool **out, unsigned nthreads, ms_pool_fn fn,
		void *ctx, struct ms_err *err)
{
	struct ms_pool *p;
	pthread_attr_t attr;
	unsigned i;
	int r;

	if (!(p = calloc(1, sizeof(*p))) ||
	    !(p->threads = calloc(nthreads, sizeof(*p->threads)))) {
		free(p);
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->queue_tail = &p->queue;
	p->fn = fn;
	p->ctx = ctx;
	if ((p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		r = ms_err_sys(err, "eventfd");
		free(p->threads);
		free(p);
		return r;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, POOL_STACK);
	for (i = 0; i < nthreads; i++) {
		if ((r = pthread_create(&p->threads[i], &attr, worker, p))) {
			errno = r;
			r = ms_err_sys(err, "cannot start worker %u of %u", i,
				       nthreads);
			pthread_attr_destroy(&attr);
			p->nthreads = i;
			ms_pool_free(p);
			return r;
		}
	}
	pthread_attr_destroy(&attr);
	p->nthreads = nthreads;
	*out = p;
	return 0;
}

void ms_pool_submit(struct ms_pool *p, struct ms_pool_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&p->mu);
	*p->queue_tail = job;
	p->queue_tail = &job->next;
	p->pending++;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int ms_pool_fd(const struct ms_pool *p)
{
	return p->efd;
}

struct ms_pool_job *ms_pool_done(struct ms_pool *p)
{
	struct ms_pool_job *job;
	uint64_t v;

	pthread_mutex_lock(&p->mu);
	job = p->done;
	if (job) {
		p->done = job->next;
		p->pending--;
		job->next = NULL;
	} else if (read(p->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing to clear */
	}
	pthread_mutex_unlock(&p->mu);
	return job;
}

size_t ms_pool_pending(struct ms_pool *p)
{
	size_t n;

	pthread_mutex_lock(&p->mu);
	n = p->pending;
	pthread_mutex_unlock(&p->mu);
	return n;
}

struct ms_pool_job *ms_pool_cancel_queued(struct ms_pool *p)
{
	struct ms_pool_job *list, *j;

	pthread_mutex_lock(&p->mu);
	list = p->queue;
	for (j = list; j; j = j->next)
		p->pending--;
	p->queue = NULL;
	p->queue_tail = &p->queue;
	pthread_mutex_unlock(&p->mu);
	return list;
}

void ms_pool_free(struct ms_pool *p)
{
	unsigned i;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	close(p->efd);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->threads);
	free(p);
}
