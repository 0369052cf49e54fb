/*
 * The store: batches into MariaDB with bulk array binding, the spool while
 * the database is away, replay in order when it is back (see store.h).
 */
#include "store.h"

#include <mysql.h>

#include "backoff.h"
#include "db.h"
#include "schema.h"
#include "spool.h"
#include "mstime.h"

enum {
	REPLAY_BUDGET_MS = 200,		/* replay work per tick */
	PART_CHECK_MS = 3600 * 1000,	/* look at the day partitions */
	RETENTION_CHECK_MS = 86400 * 1000	/* look for forgotten ones */
};

static const char insert_sql[] =
	"INSERT INTO samples (device, upstream, ts, code, modulation) "
	"VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE ts = ts";

struct ms_store {
	struct ms_db_opts opts;
	struct ms_db *db;
	struct ms_spool *sp;
	struct ms_backoff bo;
	MYSQL_STMT *ins;
	size_t batch, cap;	/* batch size; capacity of the arrays below */
	char **devp, **upp;
	const char **modp;
	unsigned long *devl, *upl, *modl;
	long long *ts;
	int32_t *code;
	struct ms_sample *rbuf;	/* replayed batch */
	size_t rcap;
	ms_msec_t part_due, retention_due;
	int retention_days;
	unsigned dberr;		/* server error number of the last failure */
	bool has_instance;	/* device_scans.instance (schema 3) exists */
	struct ms_store_stats st;
	struct ms_err last;	/* last failure, for tick */
};

static int grow(struct ms_store *s, size_t n)
{
	size_t c = s->cap;

	if (n <= c)
		return 0;
	while (c < n)
		c = c ? c * 2 : 256;
#define GROW(f) do { \
	void *p_ = realloc(s->f, c * sizeof(*s->f)); \
	if (!p_) \
		return MS_E_NOMEM; \
	s->f = p_; \
} while (0)
	GROW(devp); GROW(upp); GROW(modp); GROW(devl); GROW(upl); GROW(modl);
	GROW(ts); GROW(code);
#undef GROW
	s->cap = c;
	return 0;
}

static void drop_db(struct ms_store *s, ms_msec_t now)
{
	if (s->ins)
		mysql_stmt_close(s->ins);
	s->ins = NULL;
	ms_db_close(s->db);
	s->db = NULL;
	s->st.connected = false;
	s->st.db_failures++;
	ms_backoff_fail(&s->bo, now, ms_backoff_random());
}

static int prepare(struct ms_store *s, struct ms_err *err)
{
	MYSQL *m = ms_db_handle(s->db);

	s->ins = mysql_stmt_init(m);
	if (!s->ins || mysql_stmt_prepare(s->ins, insert_sql,
					  sizeof(insert_sql) - 1))
		return ms_db_fail(s->db, err, s->ins ?
				  mysql_stmt_error(s->ins) : "statement");
	return 0;
}

/* A scanner upgraded before 'maintain --init' migrated the schema still
 * logs its device scans, without the instance. */
static int find_instance(struct ms_store *s, struct ms_err *err)
{
	char n[16];
	int r;

	r = ms_db_query_str(s->db, "SELECT COUNT(*) FROM information_schema."
			    "COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
			    "TABLE_NAME = 'device_scans' AND COLUMN_NAME = "
			    "'instance'", NULL, 0, n, sizeof(n), err);
	s->has_instance = r > 0 && strcmp(n, "0");
	return r < 0 ? r : 0;
}

static int connect_db(struct ms_store *s, ms_msec_t now, struct ms_err *err)
{
	int r = ms_db_connect(&s->db, &s->opts, err);

	if (r == 0)
		r = find_instance(s, err);
	if (r == 0)
		r = ms_db_autocommit(s->db, false, err);
	if (r == 0)
		r = prepare(s, err);
	if (r < 0) {
		if (s->db)
			drop_db(s, now);
		else {
			s->st.db_failures++;
			ms_backoff_fail(&s->bo, now, ms_backoff_random());
		}
		return r;
	}
	ms_backoff_ok(&s->bo);
	s->st.connected = true;
	s->part_due = now;
	return 0;
}

int ms_store_open(struct ms_store **out, const struct ms_conf *conf,
		  struct ms_err *err)
{
	char dir[PATH_MAX];
	struct ms_backoff_policy pol;
	struct ms_store *s;
	int r;

	*out = NULL;
	if (!(s = calloc(1, sizeof(*s))))
		return ms_err_set(err, MS_E_NOMEM, "store: out of memory");
	ms_db_opts_from_conf(&s->opts, conf);
	s->batch = (size_t)ms_conf_int(conf, MS_CONF_DB_BATCH_SIZE);
	s->retention_days = (int)ms_conf_int(conf, MS_CONF_RETENTION_DAYS);
	pol = ms_backoff_reconnect(ms_conf_int(conf, MS_CONF_DB_RETRY_MAX) *
				   1000);
	ms_backoff_init(&s->bo, &pol);
	r = ms_conf_path(conf, MS_CONF_SPOOL_DIR, "spool", dir, sizeof(dir));
	if (r < 0)
		r = ms_err_set(err, r, "store: SPOOL_DIR too long");
	else
		r = ms_spool_open(&s->sp, dir, (uint64_t)ms_conf_int(conf,
				  MS_CONF_SPOOL_MAX_MB) << 20, err);
	if (r == 0 && grow(s, s->batch) < 0)
		r = ms_err_set(err, MS_E_NOMEM, "store: out of memory");
	if (r < 0) {
		ms_store_close(s);
		return r;
	}
	ms_err_clear(err);
	r = connect_db(s, ms_mono_now(), err);
	if (r == MS_E_NOENT) {
		ms_store_close(s);
		return r;
	}
	/* A database that is down is not an error: err says why, for a log. */
	*out = s;
	return 0;
}

void ms_store_close(struct ms_store *s)
{
	if (!s)
		return;
	if (s->ins)
		mysql_stmt_close(s->ins);
	ms_db_close(s->db);
	ms_spool_close(s->sp);
	free(s->devp);
	free(s->upp);
	free(s->modp);
	free(s->devl);
	free(s->upl);
	free(s->modl);
	free(s->ts);
	free(s->code);
	free(s->rbuf);
	free(s);
}

static void bind_col(MYSQL_BIND *b, enum enum_field_types t, void *buf,
		     unsigned long *len)
{
	b->buffer_type = t;
	b->buffer = buf;
	b->length = len;
}

/* One bulk INSERT of n samples and its commit. */
static int insert_batch(struct ms_store *s, const struct ms_sample *v,
			size_t n, uint64_t *added, struct ms_err *err)
{
	unsigned int rows = (unsigned int)n;
	MYSQL_BIND b[5];
	size_t i;

	if (grow(s, n) < 0)
		return ms_err_set(err, MS_E_NOMEM, "store: out of memory");
	for (i = 0; i < n; i++) {
		s->devp[i] = (char *)v[i].device;
		s->devl[i] = strnlen(v[i].device, MS_DEVICE_MAX - 1);
		s->upp[i] = (char *)v[i].upstream;
		s->upl[i] = strnlen(v[i].upstream, MS_UPSTREAM_MAX - 1);
		s->ts[i] = v[i].time;
		s->code[i] = v[i].code;
		s->modp[i] = ms_mod_name((enum ms_mod)v[i].mod);
		s->modl[i] = strlen(s->modp[i]);
	}
	memset(b, 0, sizeof(b));
	bind_col(&b[0], MYSQL_TYPE_STRING, s->devp, s->devl);
	bind_col(&b[1], MYSQL_TYPE_STRING, s->upp, s->upl);
	bind_col(&b[2], MYSQL_TYPE_LONGLONG, s->ts, NULL);
	bind_col(&b[3], MYSQL_TYPE_LONG, s->code, NULL);
	bind_col(&b[4], MYSQL_TYPE_STRING, (void *)s->modp, s->modl);
	if (mysql_stmt_attr_set(s->ins, STMT_ATTR_ARRAY_SIZE, &rows) ||
	    mysql_stmt_bind_param(s->ins, b) || mysql_stmt_execute(s->ins)) {
		s->dberr = mysql_stmt_errno(s->ins);
		ms_err_set(err, MS_E_DB, "database: insert of %zu samples: %s",
			   n, mysql_stmt_error(s->ins));
		ms_db_rollback(s->db);
		return MS_E_DB;
	}
	*added = mysql_stmt_affected_rows(s->ins);
	return ms_db_commit(s->db, err);
}

static int insert_devscan(struct ms_store *s, const struct ms_devscan *d,
			  struct ms_err *err)
{
	static const char *const outcome[] = { "ok", "partial", "failed" };
	char a[24], b[24], c[16];
	const char *p[8] = { d->run_id, d->device, a, b,
			     outcome[d->outcome <= MS_SCAN_FAILED ?
				     d->outcome : MS_SCAN_FAILED],
			     d->error, c, d->instance };
	int r;

	snprintf(a, sizeof(a), "%lld", (long long)d->start_ms);
	snprintf(b, sizeof(b), "%lld", (long long)d->end_ms);
	snprintf(c, sizeof(c), "%u", d->channels);
	r = ms_db_query(s->db, s->has_instance ?
			"INSERT INTO device_scans (run_id, device, started_ms, "
			"ended_ms, outcome, error, channels, instance) VALUES "
			"(?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = "
			"id" : "INSERT INTO device_scans (run_id, device, "
			"started_ms, ended_ms, outcome, error, channels) VALUES "
			"(?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id",
			p, s->has_instance ? 8 : 7, NULL, NULL, NULL, err);
	if (r < 0) {
		s->dberr = ms_db_errno(s->db);
		ms_db_rollback(s->db);
		return r;
	}
	return ms_db_commit(s->db, err);
}

static int insert_sweep(struct ms_store *s, int64_t t, struct ms_err *err)
{
	char v[24];
	const char *p[] = { v };
	int r;

	snprintf(v, sizeof(v), "%lld", (long long)t);
	r = ms_db_query(s->db, "INSERT INTO lastupdatemodulation (stamp) "
			"SELECT ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM "
			"lastupdatemodulation)", p, 1, NULL, NULL, NULL, err);
	if (r == 0)
		r = ms_db_query(s->db, "UPDATE lastupdatemodulation SET stamp "
				"= GREATEST(stamp, ?)", p, 1, NULL, NULL, NULL,
				err);
	if (r < 0) {
		s->dberr = ms_db_errno(s->db);
		ms_db_rollback(s->db);
		return r;
	}
	return ms_db_commit(s->db, err);
}

/* One unit of work: a sample batch, a device scan or a sweep stamp. */
struct job {
	unsigned kind;		/* enum ms_spool_kind */
	const struct ms_sample *v;
	size_t n;
	const struct ms_devscan *d;
	int64_t t;
};

static int run_job(struct ms_store *s, const struct job *j,
		   struct ms_err *err)
{
	uint64_t added = 0;
	int r;

	s->dberr = 0;
	switch (j->kind) {
	case MS_SPOOL_SAMPLES:
		r = insert_batch(s, j->v, j->n, &added, err);
		if (r == 0) {
			s->st.stored += j->n;
			s->st.duplicates += j->n - MS_MIN(j->n, added);
		}
		return r;
	case MS_SPOOL_DEVSCAN:
		r = insert_devscan(s, j->d, err);
		s->st.devscans += r == 0;
		return r;
	default:
		return insert_sweep(s, j->t, err);
	}
}

static int encode_job(const struct job *j, struct ms_buf *b)
{
	switch (j->kind) {
	case MS_SPOOL_SAMPLES:
		return ms_spool_encode_samples(j->v, j->n, b);
	case MS_SPOOL_DEVSCAN:
		return ms_spool_encode_devscan(j->d, b);
	default:
		return ms_spool_encode_sweep(j->t, b);
	}
}

static uint32_t job_count(const struct job *j)
{
	return j->kind == MS_SPOOL_SAMPLES ? (uint32_t)j->n : 1;
}

/* Into the spool; or, rejected, into rejected.bad. */
static int spool_job(struct ms_store *s, const struct job *j, bool rejected,
		     struct ms_err *err)
{
	struct ms_buf b;
	uint32_t n = job_count(j);
	int r;

	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	r = encode_job(j, &b);
	if (r < 0)
		r = ms_err_set(err, r, "store: %s", ms_strerror(r));
	else if (rejected)
		r = ms_spool_reject(s->sp, j->kind, n, b.p, b.len, err);
	else
		r = ms_spool_append(s->sp, j->kind, n, b.p, b.len, err);
	ms_buf_release(&b);
	if (j->kind != MS_SPOOL_SAMPLES)
		return r;
	if (rejected)
		s->st.rejected += r == 0 ? n : 0;
	else if (r == 0)
		s->st.spooled += n;
	else
		s->st.refused += n;
	return r;
}

/* New work: straight to the database when nothing waits in the spool. */
static int submit(struct ms_store *s, const struct job *j, struct ms_err *err)
{
	struct ms_err e = { 0 };
	int r;

	if (s->db && ms_spool_empty(s->sp)) {
		r = run_job(s, j, &e);
		if (r == 0)
			return 0;
		if (ms_db_data_error(s->dberr)) {
			/* Retrying cannot help; keep it for a human. */
			if (spool_job(s, j, true, NULL) == 0)
				return ms_err_set(err, MS_E_DB, "%s; the batch "
						  "is kept in rejected.bad",
						  e.msg);
			/* rejected.bad cannot take it: the spool keeps it,
			 * and its replay tries rejected.bad again. */
			r = spool_job(s, j, false, NULL);
			return ms_err_set(err, MS_E_DB, "%s; rejected.bad "
					  "cannot take the batch, %s", e.msg,
					  r < 0 ? "and the spool refused it: "
					  "LOST" : "kept in the spool");
		}
		s->last = e;
		drop_db(s, ms_mono_now());
	}
	return spool_job(s, j, false, err);
}

int ms_store_put(struct ms_store *s, const struct ms_sample *v, size_t n,
		 struct ms_err *err)
{
	struct job j = { .kind = MS_SPOOL_SAMPLES };
	int r, worst = 0;
	size_t k;

	for (; n; v += k, n -= k) {
		k = MS_MIN(n, s->batch);
		j.v = v;
		j.n = k;
		r = submit(s, &j, err);
		/* Go on after a refused batch: later ones may still fit. */
		if (r < 0 && (!worst || r == MS_E_FULL))
			worst = r;
	}
	return worst;
}

int ms_store_device_scan(struct ms_store *s, const struct ms_devscan *d,
			 struct ms_err *err)
{
	struct job j = { .kind = MS_SPOOL_DEVSCAN, .d = d };

	return submit(s, &j, err);
}

int ms_store_sweep_done(struct ms_store *s, int64_t unix_time,
			struct ms_err *err)
{
	struct job j = { .kind = MS_SPOOL_SWEEP, .t = unix_time };

	return submit(s, &j, err);
}

/* A spooled record as a job (samples decoded into s->rbuf). */
static int decode_job(struct ms_store *s, const struct ms_spool_rec *rec,
		      struct job *j, struct ms_devscan *d, struct ms_err *err)
{
	struct ms_sample *p;
	int r;

	memset(j, 0, sizeof(*j));
	j->kind = rec->kind;
	switch (rec->kind) {
	case MS_SPOOL_SAMPLES:
		if (rec->count > rec->len / 15)
			return ms_err_set(err, MS_E_CORRUPT, "spool: bad count");
		if (rec->count > s->rcap) {
			p = realloc(s->rbuf, rec->count * sizeof(*p));
			if (!p)
				return ms_err_set(err, MS_E_NOMEM, "store: out "
						  "of memory");
			s->rbuf = p;
			s->rcap = rec->count;
		}
		r = ms_spool_decode_samples(rec, s->rbuf, s->rcap, err);
		j->v = s->rbuf;
		j->n = rec->count;
		return r < 0 ? r : 0;
	case MS_SPOOL_DEVSCAN:
		j->d = d;
		return ms_spool_decode_devscan(rec, d, err);
	case MS_SPOOL_SWEEP:
		return ms_spool_decode_sweep(rec, &j->t, err);
	default:
		return ms_err_set(err, MS_E_CORRUPT, "spool: unknown record "
				  "kind %u", rec->kind);
	}
}

/*
 * A record the database will never take, into rejected.bad and off the
 * spool; if rejected.bad cannot take it, it stays in the spool (an error).
 */
static int set_aside(struct ms_store *s, const struct ms_spool_rec *rec,
		     int code, const char *why, struct ms_err *err)
{
	struct ms_err e = { 0 };

	if (ms_spool_reject(s->sp, rec->kind, rec->count, rec->data,
			    rec->len, &e) < 0)
		return ms_err_set(&s->last, MS_E_SYS, "%s; %s; it stays in "
				  "the spool", why, e.msg);
	if (code == MS_E_DB && rec->kind == MS_SPOOL_SAMPLES)
		s->st.rejected += rec->count;
	ms_err_set(&s->last, code, "%s; kept in rejected.bad", why);
	return ms_spool_ack(s->sp, err) < 0 ? MS_E_SYS : 1;
}

/* Replay one record; 1 done, 0 the database failed (spool kept), <0. */
static int replay_one(struct ms_store *s, struct ms_err *err)
{
	struct ms_spool_rec rec;
	struct ms_devscan d;
	struct ms_err e = { 0 };
	char note[1024];
	struct job j;
	int r;

	r = ms_spool_next(s->sp, &rec, note, sizeof(note), err);
	/* Bytes set aside: end the tick so that this note is what it
	 * reports; the record is not acked and comes back next tick. */
	if (note[0]) {
		ms_err_set(&s->last, MS_E_CORRUPT, "%s", note);
		return r < 0 ? r : 2;
	}
	if (r <= 0)
		return r < 0 ? r : 2;
	if (decode_job(s, &rec, &j, &d, &e) < 0)
		return set_aside(s, &rec, MS_E_CORRUPT, e.msg, err);
	r = run_job(s, &j, &e);
	if (r < 0 && !ms_db_data_error(s->dberr)) {
		s->last = e;
		drop_db(s, ms_mono_now());
		return 0;
	}
	if (r < 0)
		return set_aside(s, &rec, MS_E_DB, e.msg, err);
	if (rec.kind == MS_SPOOL_SAMPLES)
		s->st.replayed += rec.count;
	return ms_spool_ack(s->sp, err) < 0 ? MS_E_SYS : 1;
}

/*
 * Day partitions past RETENTION_DAYS + 2: nothing ran maintain --cleanup
 * for two days.  The old scanner deleted old rows itself.
 */
static void check_retention(struct ms_store *s)
{
	int64_t cutoff = (time(NULL) / 86400 - s->retention_days - 2) * 86400;
	struct ms_partition *p = NULL;
	struct ms_err err;
	size_t n = 0, i;
	uint32_t old = 0;

	if (ms_schema_list_partitions(s->db, &p, &n, &err) < 0)
		return;
	for (i = 0; i < n; i++)
		old += p[i].bound <= cutoff && strcmp(p[i].name, "p_old") &&
		       strcmp(p[i].name, "p_future");
	free(p);
	s->st.old_partitions = old;
	s->st.retention_checks++;
}

ms_msec_t ms_store_tick(struct ms_store *s, ms_msec_t now,
			struct ms_err *err)
{
	ms_msec_t end = now + REPLAY_BUDGET_MS;
	int r = 1;

	ms_err_clear(&s->last);
	if (!s->db && ms_backoff_due(&s->bo, now))
		connect_db(s, now, &s->last);
	if (s->db && now >= s->part_due) {
		s->part_due = now + PART_CHECK_MS;
		if (ms_schema_partitions_ahead(s->db, time(NULL), &s->last) < 0
		    && !ms_db_data_error(ms_db_errno(s->db)))
			ms_err_prefix(&s->last, "partitions ahead");
	}
	if (s->db && now >= s->retention_due) {
		s->retention_due = now + RETENTION_CHECK_MS;
		check_retention(s);
	}
	while (s->db && r == 1 && ms_mono_now() < end)
		r = replay_one(s, &s->last);
	if (err)
		*err = s->last;
	if (!s->db)
		return s->bo.due;
	/* The spool cannot be replayed now: retry later, do not spin. */
	if (r < 0)
		return ms_deadline(s->bo.p.base);
	if (!ms_spool_empty(s->sp))
		return ms_mono_now();
	return s->part_due;
}

void ms_store_stats(const struct ms_store *s, struct ms_store_stats *out)
{
	*out = s->st;
	out->spool_bytes = ms_spool_bytes(s->sp);
	out->spool_files = ms_spool_files(s->sp);
	out->connected = s->db != NULL;
}
