/*
 * The lease thread (see leaseq.h).  One mutex guards the ask, the answer,
 * the completions and the stop flag; the thread takes them and talks to
 * MariaDB unlocked.  It logs the database's comings and goings once each.
 */
#include "leaseq.h"

#include <pthread.h>
#include <sys/eventfd.h>

#include "fleetview.h"
#include "log.h"
#include "mstime.h"

enum { DONE_MAX = 1000000 };	/* completions kept while the db is away */

struct done {
	char device[MS_DEVICE_MAX];
	int64_t slot;
};

struct ms_leaseq {
	pthread_mutex_t mu;	/* guards ask..stop below */
	pthread_cond_t cv;
	struct ms_lease_want *ask, *answer;
	size_t nask, nanswer, max;
	bool asked, ask_taken, answered;
	bool up;			/* the database answered last time */
	struct done *done;
	size_t ndone, capdone;
	bool stop;
	/* the thread's alone: */
	pthread_t th;
	int efd;
	struct ms_lease_self self;
	struct ms_db_opts opts;
	struct ms_db *db;
	bool joined, down_logged, refused, stopping;
	ms_msec_t next_renew;
	/* back from an outage: until trust_until, the members that were
	 * live at the last look before it (database time seen_db) are not
	 * taken for lapsed: they could not renew and are reconnecting too */
	ms_msec_t trust_until;
	int64_t seen_db;
	struct ms_lease_member *members;
	size_t nmembers;
	int64_t iv_no;
	uint32_t leased_cur, leased_last;
	char last_members[1024];
	char status_path[PATH_MAX];	/* the fleet view goes beside it */
	char view_error[MS_ERR_MSG_MAX];	/* its last failure, logged */
	char down_error[MS_ERR_MSG_MAX];	/* why the database is away */
};

/* Tell the main thread of an answer or of the database's coming and
 * going (ms_leaseq_answers says which). */
static void wake(struct ms_leaseq *q)
{
	uint64_t one = 1;
	bool up = q->db != NULL;

	pthread_mutex_lock(&q->mu);
	q->up = up;
	pthread_mutex_unlock(&q->mu);
	while (write(q->efd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

/* The database is gone for now: logged once until it is back. */
static void lost(struct ms_leaseq *q, const struct ms_err *err)
{
	ms_db_close(q->db);
	q->db = NULL;
	ms_strlcpy(q->down_error, err->msg, sizeof(q->down_error));
	if (q->down_logged)
		return;
	wake(q);
	q->down_logged = true;
	ms_log_warn("leases: %s; scanning the devices held last until the "
		    "database is back", err->msg);
}

static bool connect_db(struct ms_leaseq *q)
{
	struct ms_err err;
	char v[128];

	if (q->db || q->refused || q->stopping)
		return q->db != NULL;
	if (ms_db_connect(&q->db, &q->opts, &err) < 0) {
		lost(q, &err);
		return false;
	}
	if (ms_db_query_str(q->db, "SELECT VERSION()", NULL, 0, v, sizeof(v),
			    &err) < 0) {
		lost(q, &err);
		return false;
	}
	if (!ms_lease_version_ok(v)) {
		/* the server changed under us: nothing is leased any more */
		ms_log_error("leases: the database server %s has no SKIP "
			     "LOCKED (MariaDB 10.6 or later needed); "
			     "SCAN_SHARED cannot lease", v);
		q->refused = true;
		snprintf(q->down_error, sizeof(q->down_error), "the database "
			 "server %s has no SKIP LOCKED", v);
		ms_db_close(q->db);
		q->db = NULL;
		return false;
	}
	if (q->down_logged) {
		ms_log_notice("leases: database back, sharing resumes");
		q->trust_until = ms_deadline(ms_lease_lapse_ms(&q->self));
	}
	q->down_logged = false;
	wake(q);
	return true;
}

/* The fleet view for `status`, after a renewal (db) or a failed one
 * (NULL, why): a failure to write it is logged once until it changes. */
static void fleet_view(struct ms_leaseq *q, struct ms_db *db, const char *why)
{
	struct ms_err err;
	int r;

	if (!q->status_path[0])
		return;
	r = db ? ms_fleet_view_refresh(db, q->status_path, &err)
	       : ms_fleet_view_mark_down(q->status_path, why, &err);
	if (r == 0 || (!db && r == MS_E_DB)) {
		q->view_error[0] = '\0';
		return;
	}
	if (strcmp(err.msg, q->view_error))
		ms_log_warn("fleet view: %s", err.msg);
	ms_strlcpy(q->view_error, err.msg, sizeof(q->view_error));
}

/*
 * After each renewal, with the live members just read: the fleet view of
 * `status`, and a log line at each change of the membership.
 */
static void after_renewal(struct ms_leaseq *q)
{
	char list[sizeof(q->last_members)];
	size_t i, off = 0;

	fleet_view(q, q->db, NULL);

	list[0] = '\0';
	for (i = 0; i < q->nmembers && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
					i ? ", " : "", q->members[i].name);
	if (!strcmp(list, q->last_members))
		return;
	ms_log_notice("leases: %zu live scanner%s: %s", q->nmembers,
		      q->nmembers == 1 ? "" : "s", list);
	ms_strlcpy(q->last_members, list, sizeof(q->last_members));
}

static bool read_members(struct ms_leaseq *q, int64_t *now)
{
	struct ms_err err;

	free(q->members);
	q->members = NULL;
	q->nmembers = 0;
	if (ms_lease_members(q->db, ms_left(q->trust_until) > 0 ? q->seen_db
			     : 0, &q->members, &q->nmembers, now, &err) < 0) {
		lost(q, &err);
		return false;
	}
	if (ms_left(q->trust_until) == 0)
		q->seen_db = *now;
	return true;
}

/* Devices leased in the last full scan interval (this one at first). */
static uint32_t leased(struct ms_leaseq *q, uint32_t more)
{
	int64_t no = ms_wall_now() / q->self.interval_ms;

	if (no != q->iv_no) {
		q->leased_last = q->iv_no ? q->leased_cur : 0;
		q->leased_cur = 0;
		q->iv_no = no;
	}
	q->leased_cur += more;
	return q->leased_last ? q->leased_last : q->leased_cur;
}

static void renew(struct ms_leaseq *q)
{
	struct ms_err err;
	int64_t now;

	q->next_renew = ms_deadline(q->self.check_ms);
	if (!connect_db(q)) {
		fleet_view(q, NULL, q->down_error);
		return;
	}
	if (ms_lease_renew(q->db, &q->self, !q->joined, leased(q, 0),
			   &err) < 0) {
		lost(q, &err);
		fleet_view(q, NULL, err.msg);
		return;
	}
	q->joined = true;
	if (read_members(q, &now))
		after_renewal(q);
	else
		fleet_view(q, NULL, q->down_error);
}

/* Whether v is ours to take now: preferred among the live members that
 * serve its group (1), or past its grace (2); 0 not yet. */
static int rank(struct ms_leaseq *q, const struct ms_lease_want *v,
		const char **names, int64_t now)
{
	size_t i, k = 0;
	ssize_t p;

	for (i = 0; i < q->nmembers; i++)
		if (ms_fleet_serves(q->members[i].groups, v->group))
			names[k++] = q->members[i].name;
	p = ms_lease_pick(v->device, names, k);
	if (p < 0 || !strcmp(names[p], q->self.name))
		return 1;
	return now >= v->due + ms_lease_grace_ms(&q->self) ? 2 : 0;
}

static void swap(struct ms_lease_want *a, struct ms_lease_want *b)
{
	struct ms_lease_want t = *a;

	*a = *b;
	*b = t;
}

/*
 * The verdicts of one ask: the preferred devices first, then those past
 * their grace, max at most, claimed in one go; the rest later.
 */
static void claim(struct ms_leaseq *q, struct ms_lease_want *v, size_t n,
		  size_t max)
{
	const char **names;
	struct ms_err err;
	size_t i, k = 0, pass;
	uint32_t got;
	int64_t now;
	int r;

	for (i = 0; i < n; i++)
		v[i].verdict = MS_LEASE_NODB;
	if (!connect_db(q) || !read_members(q, &now))
		return;
	if (!(names = calloc(q->nmembers + 1, sizeof(*names)))) {
		for (i = 0; i < n; i++)
			v[i].verdict = MS_LEASE_LATER;
		return;
	}
	now = ms_wall_now();	/* due times are the local clock's */
	for (i = 0; i < n; i++)
		v[i].verdict = MS_LEASE_LATER;
	for (pass = 1; pass <= 2; pass++)
		for (i = k; i < n && k < max; i++)
			if (rank(q, &v[i], names, now) == (int)pass)
				swap(&v[k++], &v[i]);
	free(names);
	if (!k)
		return;
	r = ms_lease_claim(q->db, &q->self, v, k, &err);
	/* the chunks before a failure stand: their leases are ours */
	for (i = 0, got = 0; i < k; i++)
		got += v[i].verdict == MS_LEASE_GRANTED;
	leased(q, got);
	if (r >= 0)
		return;
	if (ms_db_lock_error(ms_db_errno(q->db))) {
		/* another scanner's claim crossed ours: the next look */
		ms_log_debug("leases: %s, trying again", err.msg);
		return;
	}
	for (i = 0; i < k; i++)
		if (v[i].verdict != MS_LEASE_GRANTED)
			v[i].verdict = MS_LEASE_NODB;
	lost(q, &err);
}

/* Queue a completion (under mu); -1 when DONE_MAX wait already. */
static int push_done(struct ms_leaseq *q, const struct done *d)
{
	struct done *p;
	size_t cap;

	if (q->ndone == q->capdone) {
		if (q->capdone >= DONE_MAX)
			return -1;
		cap = q->capdone ? q->capdone * 2 : 256;
		if (!(p = realloc(q->done, cap * sizeof(*p))))
			return -1;
		q->done = p;
		q->capdone = cap;
	}
	q->done[q->ndone++] = *d;
	return 0;
}

static int by_slot(const void *a, const void *b)
{
	int64_t x = ((const struct done *)a)->slot;
	int64_t y = ((const struct done *)b)->slot;

	return x < y ? -1 : x > y;
}

/* Record the completions d[0..n); what the database did not take goes
 * back to the queue. */
static void complete(struct ms_leaseq *q, struct done *d, size_t n)
{
	const char **p = calloc(n ? n : 1, sizeof(*p));
	struct ms_err err;
	size_t i, j, k;

	qsort(d, n, sizeof(*d), by_slot);
	for (i = 0; p && i < n && connect_db(q); i = j) {
		for (j = i, k = 0; j < n && d[j].slot == d[i].slot; j++)
			p[k++] = d[j].device;
		if (ms_lease_complete(q->db, &q->self, d[i].slot, p, k,
				      &err) < 0) {
			lost(q, &err);
			break;
		}
	}
	free(p);
	pthread_mutex_lock(&q->mu);
	for (k = i; k < n && push_done(q, &d[k]) == 0; k++)
		;
	pthread_mutex_unlock(&q->mu);
	if (k < n)
		ms_log_error("leases: %zu completions lost: more than %d wait "
			     "for the database", n - k, DONE_MAX);
}

static void post(struct ms_leaseq *q, struct ms_lease_want *v, size_t n)
{
	pthread_mutex_lock(&q->mu);
	q->answer = v;
	q->nanswer = n;
	q->answered = true;
	pthread_mutex_unlock(&q->mu);
	wake(q);
}

/* Wait for work or the next renewal; take it. */
static void take_work(struct ms_leaseq *q, struct ms_lease_want **ask,
		      size_t *nask, size_t *max, struct done **d, size_t *nd,
		      bool *stop)
{
	struct timespec ts;
	ms_msec_t left;

	pthread_mutex_lock(&q->mu);
	while (!q->stop && !q->ndone && !(q->asked && !q->ask_taken) &&
	       (left = ms_left(q->next_renew)) > 0) {
		ts = ms_mono_timespec(left);
		pthread_cond_timedwait(&q->cv, &q->mu, &ts);
	}
	*ask = NULL;
	*nask = 0;
	if (q->asked && !q->ask_taken) {
		*ask = q->ask;
		*nask = q->nask;
		*max = q->max;
		q->ask = NULL;
		q->ask_taken = true;
	}
	*d = q->done;
	*nd = q->ndone;
	q->done = NULL;
	q->ndone = q->capdone = 0;
	*stop = q->stop;
	pthread_mutex_unlock(&q->mu);
}

static void *run(void *arg)
{
	struct ms_leaseq *q = arg;
	struct ms_lease_want *ask;
	struct done *d;
	size_t nask, nd, max = 0;
	struct ms_err err;
	bool stop;

	for (;;) {
		take_work(q, &ask, &nask, &max, &d, &nd, &stop);
		/* stopping: no new connection, the stop has its deadline */
		q->stopping = stop;
		if (ms_left(q->next_renew) == 0 && !stop)
			renew(q);
		if (nd)
			complete(q, d, nd);
		free(d);
		if (ask) {
			claim(q, ask, nask, max);
			post(q, ask, nask);
		}
		if (stop)
			break;
	}
	if (q->db && ms_lease_leave(q->db, &q->self, &err) < 0)
		ms_log_error("leases: cannot release them: %s; they expire in "
			     "%lld s", err.msg,
			     (long long)ms_lease_ttl_ms(&q->self) / 1000);
	else if (q->db) {
		ms_log_notice("leases: released, left the fleet");
		fleet_view(q, q->db, NULL);	/* stopped, for status */
	}
	return NULL;
}

/* MS_E_INVAL when the server has no SKIP LOCKED or the schema no lease
 * tables; 0 when they are there or the question failed (the thread finds
 * out). */
static int usable(struct ms_db *db, char *v, size_t size, struct ms_err *err)
{
	char n[16];

	if (ms_db_query_str(db, "SELECT VERSION()", NULL, 0, v, size,
			    NULL) > 0 && !ms_lease_version_ok(v))
		return ms_err_set(err, MS_E_INVAL, "SCAN_SHARED: the database "
				  "server %s has no SKIP LOCKED (MariaDB 10.6 "
				  "or later needed)", v);
	if (ms_db_query_str(db, "SELECT COUNT(*) FROM information_schema."
			    "TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
			    "TABLE_NAME IN ('scan_instances', 'scan_leases')",
			    NULL, 0, n, sizeof(n), NULL) > 0 && strcmp(n, "2"))
		return ms_err_set(err, MS_E_INVAL, "SCAN_SHARED: the database "
				  "has no lease tables: run 'modscan maintain "
				  "--init'");
	return 0;
}

int ms_leaseq_start(struct ms_leaseq **out, const struct ms_conf *c,
		    const struct ms_lease_self *self, const char *status_path,
		    struct ms_err *err)
{
	struct ms_leaseq *q;
	char v[128];
	int r;

	*out = NULL;
	if (!(q = calloc(1, sizeof(*q))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	q->self = *self;
	ms_strlcpy(q->status_path, status_path, sizeof(q->status_path));
	ms_db_opts_from_conf(&q->opts, c);
	q->efd = -1;
	/* the server's version and the tables, when it answers now: a
	 * server or schema that cannot lease is refused at start */
	if (ms_db_connect(&q->db, &q->opts, NULL) == 0 &&
	    (r = usable(q->db, v, sizeof(v), err)) < 0)
		goto fail;
	if ((q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		r = ms_err_sys(err, "leases: eventfd");
		goto fail;
	}
	pthread_mutex_init(&q->mu, NULL);
	ms_mono_cond_init(&q->cv);
	q->next_renew = ms_mono_now();
	if ((r = pthread_create(&q->th, NULL, run, q)) != 0) {
		errno = r;
		r = ms_err_sys(err, "leases: cannot start a thread");
		pthread_cond_destroy(&q->cv);
		pthread_mutex_destroy(&q->mu);
		goto fail;
	}
	*out = q;
	return 0;
fail:
	if (q->efd >= 0)
		close(q->efd);
	ms_db_close(q->db);
	free(q);
	return r;
}

int ms_leaseq_fd(const struct ms_leaseq *q)
{
	return q->efd;
}

bool ms_leaseq_ask(struct ms_leaseq *q, struct ms_lease_want *v, size_t n,
		   size_t max)
{
	bool ok;

	pthread_mutex_lock(&q->mu);
	ok = !q->asked;
	if (ok) {
		q->ask = v;
		q->nask = n;
		q->max = max;
		q->asked = true;
		q->ask_taken = false;
		pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return ok;
}

struct ms_lease_want *ms_leaseq_answers(struct ms_leaseq *q, size_t *n,
					bool *db_up)
{
	struct ms_lease_want *v = NULL;
	uint64_t x;

	while (read(q->efd, &x, sizeof(x)) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&q->mu);
	*db_up = q->up;
	if (q->answered) {
		v = q->answer;
		*n = q->nanswer;
		q->answer = NULL;
		q->answered = q->asked = false;
	}
	pthread_mutex_unlock(&q->mu);
	return v;
}

void ms_leaseq_done(struct ms_leaseq *q, const char *device, int64_t slot)
{
	struct done d;
	int r;

	ms_strlcpy(d.device, device, sizeof(d.device));
	d.slot = slot;
	pthread_mutex_lock(&q->mu);
	r = push_done(q, &d);
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	if (r < 0)
		ms_log_error("leases: the completion of %s is lost: more than "
			     "%d wait for the database", device, DONE_MAX);
}

void ms_leaseq_stop(struct ms_leaseq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	ms_db_close(q->db);
	close(q->efd);
	free(q->ask);
	free(q->answer);
	free(q->done);
	free(q->members);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q);
}
