/*
 * The store thread (see storeq.h).  One mutex guards the queue and the
 * copied statistics; the thread takes the whole queue at once and works
 * on it unlocked, so workers and the main thread never wait for MariaDB.
 */
#include "storeq.h"

#include <pthread.h>

#include "log.h"
#include "store.h"
#include "mstime.h"

enum { ITEM_SAMPLES, ITEM_DEVSCAN, ITEM_SWEEP };
enum { ERROR_LOG_EVERY_MS = 60000 };

struct item {
	struct item *next;
	int kind;
	struct ms_sample *v;
	size_t n;
	struct ms_devscan ds;
	int64_t time;
};

struct ms_storeq {
	pthread_mutex_t mu;		/* guards head, tail, stop, stats */
	pthread_cond_t cv;
	struct item *head, **tail;
	bool stop;
	struct ms_storeq_stats stats;
	pthread_t thread;
	/* store thread only: */
	struct ms_store *st;
	ms_msec_t next_tick;
	char last_logged[256];
	ms_msec_t last_logged_at;
	uint32_t retention_checks;
	uint64_t lost;			/* refused samples already reported */
};

/* Log a store failure, but the same one at most once a minute. */
static void complain(struct ms_storeq *q, const struct ms_err *err)
{
	ms_msec_t now = ms_mono_now();

	if (!strcmp(q->last_logged, err->msg) &&
	    now - q->last_logged_at < ERROR_LOG_EVERY_MS)
		return;
	ms_strlcpy(q->last_logged, err->msg, sizeof(q->last_logged));
	q->last_logged_at = now;
	ms_log_error("store: %s", err->msg);
}

/* A device scan whose samples neither the database nor the spool took. */
static void report_lost(struct ms_storeq *q, const char *device,
			const struct ms_err *err)
{
	struct ms_store_stats s;

	ms_store_stats(q->st, &s);
	if (s.refused <= q->lost)
		return;
	ms_log_warn("%s: ok, stored: no: %llu samples lost: %s", device,
		    (unsigned long long)(s.refused - q->lost), err->msg);
	q->lost = s.refused;
}

static uint64_t process(struct ms_storeq *q, struct item *it)
{
	struct ms_err err;
	uint64_t done = 0;
	int r = 0;

	switch (it->kind) {
	case ITEM_SAMPLES:
		r = ms_store_put(q->st, it->v, it->n, &err);
		done = it->n;
		break;
	case ITEM_DEVSCAN:
		r = ms_store_device_scan(q->st, &it->ds, &err);
		break;
	case ITEM_SWEEP:
		r = ms_store_sweep_done(q->st, it->time, &err);
		break;
	}
	if (r < 0)
		complain(q, &err);
	if (r < 0 && it->kind == ITEM_SAMPLES && it->n)
		report_lost(q, it->v[0].device, &err);
	return done;
}

static void tick(struct ms_storeq *q)
{
	struct ms_store_stats s;
	struct ms_err err;

	err.msg[0] = '\0';
	if (ms_left(q->next_tick) == 0) {
		q->next_tick = ms_store_tick(q->st, ms_mono_now(), &err);
		if (err.msg[0])
			complain(q, &err);
		if (q->next_tick == MS_NEVER || ms_left(q->next_tick) > 1000)
			q->next_tick = ms_deadline(1000);
	}
	ms_store_stats(q->st, &s);
	/* once a day, when the daily look finds them */
	if (s.retention_checks != q->retention_checks && s.old_partitions)
		ms_log_warn("retention: %u day partitions are older than "
			    "RETENTION_DAYS + 2; nothing runs 'modscan "
			    "maintain --cleanup' (watchdog --daemon "
			    "MAINTAIN_AT, contrib/cron, the maintain timer)",
			    (unsigned)s.old_partitions);
	q->retention_checks = s.retention_checks;
	pthread_mutex_lock(&q->mu);
	q->stats.old_partitions = s.old_partitions;
	q->stats.stored = s.stored;
	q->stats.spooled = s.spooled;
	q->stats.refused = s.refused;
	q->stats.spool_bytes = s.spool_bytes;
	q->stats.db_up = s.connected;
	pthread_mutex_unlock(&q->mu);
}

static void wait_work(struct ms_storeq *q)
{
	struct timespec ts;
	ms_msec_t left = ms_left(q->next_tick);

	if (q->head || q->stop || left == 0)
		return;
	ts = ms_mono_timespec(left);
	pthread_cond_timedwait(&q->cv, &q->mu, &ts);
}

static void *run(void *arg)
{
	struct ms_storeq *q = arg;
	struct item *list, *it;
	uint64_t done;
	bool stop;

	for (;;) {
		pthread_mutex_lock(&q->mu);
		wait_work(q);
		list = q->head;
		q->head = NULL;
		q->tail = &q->head;
		stop = q->stop;
		pthread_mutex_unlock(&q->mu);
		for (done = 0; list; list = it) {
			it = list->next;
			done += process(q, list);
			free(list->v);
			free(list);
		}
		pthread_mutex_lock(&q->mu);
		q->stats.queued -= done;
		pthread_mutex_unlock(&q->mu);
		tick(q);
		if (stop)
			break;
	}
	return NULL;
}

int ms_storeq_start(struct ms_storeq **out, const struct ms_conf *c,
		    struct ms_err *err)
{
	struct ms_storeq *q;
	int r;

	if (!(q = calloc(1, sizeof(*q))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	if ((r = ms_store_open(&q->st, c, err)) < 0) {
		free(q);
		return r;
	}
	pthread_mutex_init(&q->mu, NULL);
	ms_mono_cond_init(&q->cv);
	q->tail = &q->head;
	q->next_tick = ms_mono_now();
	if ((r = pthread_create(&q->thread, NULL, run, q))) {
		errno = r;
		r = ms_err_sys(err, "cannot start the store thread");
		ms_store_close(q->st);
		free(q);
		return r;
	}
	*out = q;
	return 0;
}

static void push(struct ms_storeq *q, struct item *it, size_t samples)
{
	pthread_mutex_lock(&q->mu);
	*q->tail = it;
	q->tail = &it->next;
	q->stats.queued += samples;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

static struct item *item_new(int kind)
{
	struct item *it = calloc(1, sizeof(*it));

	if (it)
		it->kind = kind;
	else
		ms_log_error("store: out of memory, an item is lost");
	return it;
}

void ms_storeq_samples(struct ms_storeq *q, struct ms_sample *v, size_t n)
{
	struct item *it = item_new(ITEM_SAMPLES);

	if (!it) {
		free(v);
		return;
	}
	it->v = v;
	it->n = n;
	push(q, it, n);
}

void ms_storeq_devscan(struct ms_storeq *q, const struct ms_devscan *d)
{
	struct item *it = item_new(ITEM_DEVSCAN);

	if (!it)
		return;
	it->ds = *d;
	push(q, it, 0);
}

void ms_storeq_sweep_done(struct ms_storeq *q, int64_t unix_time)
{
	struct item *it = item_new(ITEM_SWEEP);

	if (!it)
		return;
	it->time = unix_time;
	push(q, it, 0);
}

void ms_storeq_stats(struct ms_storeq *q, struct ms_storeq_stats *out)
{
	pthread_mutex_lock(&q->mu);
	*out = q->stats;
	pthread_mutex_unlock(&q->mu);
}

void ms_storeq_stop(struct ms_storeq *q, struct ms_storeq_stats *final)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	if (final)
		*final = q->stats;
	ms_store_close(q->st);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q);
}
