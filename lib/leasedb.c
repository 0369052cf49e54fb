/*
 * The statements of a shared fleet (see lease.h): membership rows, lease
 * claims with SELECT ... FOR UPDATE SKIP LOCKED, completions, the clean
 * leave.  Lists of devices go in chunks as "IN (?, ?, ...)" placeholders:
 * one round trip per chunk, never one per device.
 */
#include "lease.h"

#include "buf.h"
#include "num.h"

/* The database's clock in unix milliseconds. */
#define DB_NOW "CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)"

static int64_t num(const char *s)
{
	long long v = 0;

	if (s)
		ms_parse_ll(s, INT64_MIN, INT64_MAX, &v);
	return v;
}

struct members {
	struct ms_lease_member *v;
	size_t n, cap;
	int64_t now, trust;
	bool nomem;
};

/* name, groups, seen_ms, lapse_ms, stopped, now */
static int member_row(void *ctx, unsigned ncols, char **vals)
{
	struct members *m = ctx;
	struct ms_lease_member *p;
	size_t cap;

	if (ncols != 6 || !vals[0] || !vals[1])
		return 0;
	m->now = num(vals[5]);
	if (num(vals[4]) ||
	    (ms_lease_lapsed(num(vals[2]), num(vals[3]), m->now) &&
	     (!m->trust || ms_lease_lapsed(num(vals[2]), num(vals[3]),
					   m->trust))))
		return 0;
	if (m->n == m->cap) {
		cap = m->cap ? m->cap * 2 : 16;
		if (!(p = realloc(m->v, cap * sizeof(*p))))
			return m->nomem = true;
		m->v = p;
		m->cap = cap;
	}
	ms_strlcpy(m->v[m->n].name, vals[0], sizeof(m->v->name));
	ms_strlcpy(m->v[m->n].groups, vals[1], sizeof(m->v->groups));
	m->n++;
	return 0;
}

int ms_lease_members(struct ms_db *db, int64_t trust_ms,
		     struct ms_lease_member **v, size_t *n, int64_t *now_ms,
		     struct ms_err *err)
{
	struct members m = { .trust = trust_ms };
	int r;

	r = ms_db_query(db, "SELECT name, groups, seen_ms, lapse_ms, stopped, "
			DB_NOW " FROM scan_instances ORDER BY name", NULL, 0,
			member_row, &m, NULL, err);
	if (r == 0 && m.nomem)
		r = ms_err_set(err, MS_E_NOMEM, "out of memory");
	if (r < 0) {
		free(m.v);
		return r;
	}
	if (!m.n) {	/* no row at all: read the clock alone */
		char t[32];

		r = ms_db_query_str(db, "SELECT " DB_NOW, NULL, 0, t,
				    sizeof(t), err);
		if (r < 0)
			return r;
		m.now = num(t);
	}
	*v = m.v;
	*n = m.n;
	*now_ms = m.now;
	return 0;
}

int ms_lease_renew(struct ms_db *db, const struct ms_lease_self *s,
		   bool first, uint32_t leased, struct ms_err *err)
{
	char pid[16], lapse[24], nl[16];
	const char *p[7] = { s->name, s->groups, s->host, pid, lapse, nl,
			     first ? "1" : "0" };

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(lapse, sizeof(lapse), "%lld",
		 (long long)ms_lease_lapse_ms(s));
	snprintf(nl, sizeof(nl), "%u", leased);
	return ms_db_query(db, "INSERT INTO scan_instances (name, groups, "
			   "host, pid, started_ms, seen_ms, lapse_ms, leased, "
			   "stopped) VALUES (?, ?, ?, ?, " DB_NOW ", " DB_NOW
			   ", ?, ?, 0) ON DUPLICATE KEY UPDATE groups = "
			   "VALUES(groups), host = VALUES(host), pid = "
			   "VALUES(pid), started_ms = IF(? = '1', "
			   "VALUES(started_ms), started_ms), seen_ms = "
			   "VALUES(seen_ms), lapse_ms = VALUES(lapse_ms), "
			   "leased = VALUES(leased), stopped = 0", p, 7, NULL,
			   NULL, NULL, err);
}

/* "head (?, ?, ...) tail": n placeholders (head ends in "IN" or
 * "VALUES"; per is "?" or "(?, ?)"). */
static int in_list(struct ms_buf *b, const char *head, size_t n,
		   const char *per, const char *tail)
{
	bool values = strstr(head, "VALUES") != NULL;
	size_t i;

	ms_buf_reset(b);
	if (ms_buf_adds(b, head) < 0 || ms_buf_adds(b, values ? " " : " (") < 0)
		return MS_E_NOMEM;
	for (i = 0; i < n; i++)
		if ((i && ms_buf_adds(b, ", ") < 0) || ms_buf_adds(b, per) < 0)
			return MS_E_NOMEM;
	if (!values && ms_buf_addc(b, ')') < 0)
		return MS_E_NOMEM;
	return ms_buf_adds(b, tail) < 0 ? MS_E_NOMEM : 0;
}

static int by_device(const void *a, const void *b)
{
	return strcmp(((const struct ms_lease_want *)a)->device,
		      ((const struct ms_lease_want *)b)->device);
}

/* One chunk of a claim, sorted by device (the order every scanner takes
 * its locks in). */
struct chunk {
	const struct ms_lease_self *s;
	struct ms_lease_want *v;
	size_t n;
	bool *seen, *take;
	const bool *pass;		/* the entries of the pass under way */
	int64_t now;
};

static struct ms_lease_want *find(struct chunk *c, const char *device,
				  size_t *i)
{
	struct ms_lease_want key, *w;

	ms_strlcpy(key.device, device, sizeof(key.device));
	w = bsearch(&key, c->v, c->n, sizeof(*c->v), by_device);
	if (w)
		*i = (size_t)(w - c->v);
	return w;
}

/* device, instance, expires_ms, slot, scanned_by, now: a row we locked */
static int claim_row(void *ctx, unsigned ncols, char **vals)
{
	struct chunk *c = ctx;
	struct ms_lease_want *w;
	size_t i;

	if (ncols != 6 || !vals[0] || !vals[1] || !vals[4] ||
	    !(w = find(c, vals[0], &i)))
		return 0;
	c->now = num(vals[5]);
	c->seen[i] = true;
	if (num(vals[3]) >= w->slot) {
		w->verdict = MS_LEASE_DONE;
		w->scanned_by_us = !strcmp(vals[4], c->s->name);
	} else if (*vals[1] && strcmp(vals[1], c->s->name) &&
		   num(vals[2]) >= c->now) {
		w->verdict = MS_LEASE_OTHER;
	} else {
		c->take[i] = true;
	}
	return 0;
}

/* What a query runs over: the fixed parameters, then the names of the
 * chunk's entries that pick selects (all when NULL) of group grp (any
 * when NULL); pairs: each name with its group, for VALUES (?, ?). */
struct over {
	const char *sql, *tail;
	const char *const *head;
	size_t nh;
	const bool *pick;
	const char *grp;
	bool pairs;
	ms_db_row_fn row;
};

static int run_over(struct ms_db *db, struct chunk *c, const struct over *o,
		    struct ms_err *err)
{
	const char **p;
	struct ms_buf b;
	size_t i, k = o->nh, per = o->pairs ? 2 : 1;
	int r;

	if (!(p = calloc(o->nh + per * c->n + 1, sizeof(*p))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	if (o->nh)
		memcpy(p, o->head, o->nh * sizeof(*p));
	for (i = 0; i < c->n; i++) {
		if ((o->pick && !o->pick[i]) ||
		    (o->grp && strcmp(c->v[i].group, o->grp)))
			continue;
		p[k++] = c->v[i].device;
		if (o->pairs)
			p[k++] = c->v[i].group;
	}
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	r = k == o->nh ? 0 : in_list(&b, o->sql, (k - o->nh) / per,
				     o->pairs ? "(?, ?)" : "?", o->tail);
	if (r < 0)
		r = ms_err_set(err, r, "out of memory");
	else if (k > o->nh)
		r = ms_db_query(db, b.p, p, (unsigned)k, o->row, c, NULL, err);
	ms_buf_release(&b);
	free(p);
	return r;
}

/* Lease the rows of c that are ours to take, one statement per group. */
static int take(struct ms_db *db, struct chunk *c, struct ms_err *err)
{
	char ttl[24];
	const char *head[3] = { c->s->name, ttl, NULL };
	struct over o = { "UPDATE scan_leases SET instance = ?, expires_ms = "
			  DB_NOW " + ?, grp = ? WHERE device IN", "", head, 3,
			  c->take, NULL, false, NULL };
	size_t i, j;
	int r = 0;

	snprintf(ttl, sizeof(ttl), "%lld", (long long)ms_lease_ttl_ms(c->s));
	for (i = 0; i < c->n && r == 0; i++) {
		if (!c->take[i] || !c->pass[i])
			continue;
		for (j = 0; j < i; j++)	/* that group's statement ran */
			if (c->take[j] && c->pass[j] &&
			    !strcmp(c->v[j].group, c->v[i].group))
				break;
		if (j < i)
			continue;
		head[2] = o.grp = c->v[i].group;
		r = run_over(db, c, &o, err);
	}
	return r;
}

/* A mask of the entries of c not seen yet (heap), *k of them. */
static bool *unseen(const struct chunk *c, size_t *k, struct ms_err *err)
{
	bool *m = calloc(c->n ? c->n : 1, sizeof(*m));
	size_t i;

	if (!m) {
		ms_err_set(err, MS_E_NOMEM, "out of memory");
		return NULL;
	}
	for (i = 0, *k = 0; i < c->n; i++)
		*k += m[i] = !c->seen[i];
	return m;
}

/* One locking pass over the entries of c not seen yet. */
static int claim_pass(struct ms_db *db, struct chunk *c, struct ms_err *err)
{
	struct over o = { "SELECT device, instance, expires_ms, slot, "
			  "scanned_by, " DB_NOW " FROM scan_leases WHERE "
			  "device IN", " FOR UPDATE SKIP LOCKED", NULL, 0,
			  NULL, NULL, false, claim_row };
	size_t k;
	bool *todo = unseen(c, &k, err);
	int r;

	if (!todo)
		return MS_E_NOMEM;
	o.pick = c->pass = todo;
	r = k ? ms_db_exec(db, "START TRANSACTION", err) : 0;
	if (!k) {
		free(todo);
		return 0;
	}
	if (r == 0)
		r = run_over(db, c, &o, err);
	if (r == 0)
		r = take(db, c, err);
	if (r == 0)
		r = ms_db_exec(db, "COMMIT", err);
	else
		ms_db_rollback(db);
	free(todo);
	return r;
}

/* A row that exists but another scanner holds locked right now. */
static int exists_row(void *ctx, unsigned ncols, char **vals)
{
	struct chunk *c = ctx;
	size_t i;

	if (ncols == 1 && vals[0] && find(c, vals[0], &i))
		c->seen[i] = true;	/* left LATER */
	return 0;
}

/* The rows of the chunk that were not there yet, added free; those that
 * were there (locked by another scanner) are seen and stay LATER. */
static int add_missing(struct ms_db *db, struct chunk *c, struct ms_err *err)
{
	struct over o = { "SELECT device FROM scan_leases WHERE device IN",
			  "", NULL, 0, NULL, NULL, false, exists_row };
	size_t k;
	bool *todo = unseen(c, &k, err), *missing = NULL;
	int r;

	if (!todo)
		return MS_E_NOMEM;
	o.pick = todo;
	r = k ? run_over(db, c, &o, err) : 0;
	if (r == 0 && !(missing = unseen(c, &k, err)))
		r = MS_E_NOMEM;
	if (r == 0 && k) {
		o = (struct over){ "INSERT IGNORE INTO scan_leases (device, "
				   "grp) VALUES", "", NULL, 0, missing, NULL,
				   true, NULL };
		r = run_over(db, c, &o, err);
	}
	free(missing);
	free(todo);
	return r;
}

static int claim_chunk(struct ms_db *db, const struct ms_lease_self *s,
		       struct ms_lease_want *v, size_t n, struct ms_err *err)
{
	struct chunk c = { s, v, n, NULL, NULL, NULL, 0 };
	size_t i;
	int r, got = 0;

	c.seen = calloc(n, sizeof(*c.seen));
	c.take = calloc(n, sizeof(*c.take));
	if (!c.seen || !c.take) {
		r = ms_err_set(err, MS_E_NOMEM, "out of memory");
		goto out;
	}
	qsort(v, n, sizeof(*v), by_device);
	for (i = 0; i < n; i++)
		v[i].verdict = MS_LEASE_LATER;
	r = claim_pass(db, &c, err);
	/* unseen: no row yet, or one another scanner has locked */
	if (r == 0)
		r = add_missing(db, &c, err);
	if (r == 0)
		r = claim_pass(db, &c, err);
	for (i = 0; r == 0 && i < n; i++)
		if (c.take[i]) {
			v[i].verdict = MS_LEASE_GRANTED;
			got++;
		}
out:
	free(c.seen);
	free(c.take);
	return r < 0 ? r : got;
}

int ms_lease_claim(struct ms_db *db, const struct ms_lease_self *s,
		   struct ms_lease_want *v, size_t n, struct ms_err *err)
{
	size_t i, k;
	int r, got = 0;

	for (i = 0; i < n; i += k) {
		k = MS_MIN(n - i, (size_t)MS_LEASE_CHUNK);
		if ((r = claim_chunk(db, s, v + i, k, err)) < 0)
			return r;
		got += r;
	}
	return got;
}

int ms_lease_complete(struct ms_db *db, const struct ms_lease_self *s,
		      int64_t slot, const char *const *devices, size_t n,
		      struct ms_err *err)
{
	char sl[24];
	const char **p;
	struct ms_buf b;
	size_t i, k;
	int r = 0;

	snprintf(sl, sizeof(sl), "%lld", (long long)slot);
	if (!(p = calloc(4 + MS_LEASE_CHUNK, sizeof(*p))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	p[0] = sl;
	p[1] = p[2] = p[3] = s->name;
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	/* expires_ms before instance: MariaDB assigns left to right */
	for (i = 0; i < n && r == 0; i += k) {
		k = MS_MIN(n - i, (size_t)MS_LEASE_CHUNK);
		memcpy(p + 4, devices + i, k * sizeof(*p));
		if (in_list(&b, "UPDATE scan_leases SET slot = GREATEST(slot, "
			    "?), scanned_by = ?, expires_ms = IF(instance = ?, "
			    "0, expires_ms), instance = IF(instance = ?, '', "
			    "instance) WHERE device IN", k, "?", "") < 0)
			r = ms_err_set(err, MS_E_NOMEM, "out of memory");
		else
			r = ms_db_query(db, b.p, p, (unsigned)(4 + k), NULL,
					NULL, NULL, err);
	}
	ms_buf_release(&b);
	free(p);
	return r;
}

int ms_lease_leave(struct ms_db *db, const struct ms_lease_self *s,
		   struct ms_err *err)
{
	const char *p[1] = { s->name };
	int r;

	r = ms_db_query(db, "UPDATE scan_leases SET instance = '', expires_ms "
			"= 0 WHERE instance = ?", p, 1, NULL, NULL, NULL, err);
	if (r == 0)
		r = ms_db_query(db, "UPDATE scan_instances SET stopped = 1, "
				"seen_ms = " DB_NOW " WHERE name = ?", p, 1,
				NULL, NULL, NULL, err);
	return r;
}
