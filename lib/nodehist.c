/* The node map's history in upstream_nodes (see nodehist.h). */
#include "nodehist.h"

#include <mysql.h>

#include "buf.h"
#include "db.h"
#include "mstime.h"
#include "nodesrc.h"
#include "schema.h"

struct ms_nodesnap *ms_nodesnap_new(void)
{
	struct ms_nodesnap *s = calloc(1, sizeof(*s));

	if (s)
		ms_nodemap_init(&s->seen);
	return s;
}

void ms_nodesnap_free(struct ms_nodesnap *s)
{
	if (!s)
		return;
	ms_nodemap_release(&s->seen);
	free(s->known);
	free(s);
}

int ms_nodesnap_know(struct ms_nodesnap *s, const char *device)
{
	if (ms_grow((void **)&s->known, &s->cap, s->nknown,
		    sizeof(*s->known), 64) < 0)
		return MS_E_NOMEM;
	ms_strlcpy(s->known[s->nknown++], device, MS_DEVICE_MAX);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

void ms_nodesnap_seal(struct ms_nodesnap *s)
{
	if (s->nknown)
		qsort(s->known, s->nknown, sizeof(*s->known), name_cmp);
}

bool ms_nodesnap_knows(const struct ms_nodesnap *s, const char *device)
{
	return s && s->nknown &&
	       bsearch(device, s->known, s->nknown, sizeof(*s->known),
		       name_cmp);
}

/* ---- the open rows ---- */

struct open_rows {
	struct ms_nodemap *have;
	struct ms_buf *odd;	/* "device\0upstream\0" of rows to end */
	int r;
	struct ms_err *err;
};

static int source_of(const char *s)
{
	int i;

	for (i = 0; i < MS_NODE_SRC__COUNT; i++)
		if (!strcmp(ms_node_src_name(i), s))
			return i;
	return -1;
}

/* device, upstream, node, description, source; a row that breaks the
 * map's rules or a second open row of an upstream (written by hand) is
 * ended, so that no upstream keeps two (past the bound of odd they stay) */
static int open_row(void *ctx, unsigned ncols, char **vals)
{
	struct open_rows *o = ctx;
	struct ms_node n;
	int src;

	if (ncols != 5 || !vals[0] || !vals[1])
		return 0;
	n.device = vals[0];
	n.upstream = vals[1];
	n.node = vals[2];
	n.descr = vals[3] ? vals[3] : "";
	n.source = (uint8_t)(src = vals[4] ? source_of(vals[4]) : -1);
	if (src < 0 || ms_node_check(&n, NULL) < 0 ||
	    ms_nodemap_find(o->have, n.device, n.upstream)) {
		if (ms_buf_add(o->odd, n.device, strlen(n.device) + 1) >= 0)
			ms_buf_add(o->odd, n.upstream, strlen(n.upstream) + 1);
		return 0;
	}
	if ((o->r = ms_nodemap_put(o->have, &n, o->err)) == MS_E_NOMEM)
		return 1;
	o->r = 0;
	return 0;
}

static int load_open(struct ms_db *db, struct ms_nodemap *have,
		     struct ms_buf *odd, struct ms_err *err)
{
	struct open_rows o = { have, odd, 0, err };
	int r;

	/* FOR UPDATE: two scanners writing at once take turns */
	r = ms_db_query(db, "SELECT device, upstream, node, description, "
			"source FROM upstream_nodes WHERE valid_to IS NULL "
			"FOR UPDATE", NULL, 0, open_row, &o, NULL, err);
	return r < 0 ? r : o.r;
}

/* ---- the changes ---- */

static int close_row(struct ms_db *db, const struct ms_node *n,
		     const char *now, struct ms_err *err)
{
	const char *p[] = { now, n->device, n->upstream };

	return ms_db_query(db, "UPDATE upstream_nodes SET valid_to = ? "
			   "WHERE device = ? AND upstream = ? AND valid_to "
			   "IS NULL", p, 3, NULL, NULL, NULL, err);
}

/*
 * New rows go in bulk (Connector/C array binding), HIST_BATCH a statement:
 * a first load of 160,000 mappings is a few hundred statements, not
 * 160,000.  A mapping changed twice within a second meets the row it
 * closed: that row (now to now) becomes the new one.
 */
enum { HIST_BATCH = 1000, HIST_COLS = 5, HIST_ODD_MAX = 1 << 20 };

static const char insert_sql[] =
	"INSERT INTO upstream_nodes (device, upstream, node, description, "
	"source, valid_from) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY "
	"UPDATE node = VALUES(node), description = VALUES(description), "
	"source = VALUES(source), valid_to = NULL";

struct batch {
	MYSQL_STMT *stmt;
	struct ms_buf odd;	/* open rows that break the rules */
	const char *p[HIST_COLS][HIST_BATCH];
	unsigned long l[HIST_COLS][HIST_BATCH];
	long long from[HIST_BATCH];
	size_t n;
};

static int batch_flush(struct ms_db *db, struct batch *b, struct ms_err *err)
{
	unsigned int rows = (unsigned int)b->n;
	MYSQL_BIND bind[HIST_COLS + 1];
	size_t c;

	if (!b->n)
		return 0;
	if (!b->stmt) {
		if (!(b->stmt = mysql_stmt_init(ms_db_handle(db))))
			return ms_db_fail(db, err, "upstream_nodes");
		if (mysql_stmt_prepare(b->stmt, insert_sql,
				       sizeof(insert_sql) - 1))
			goto fail;
	}
	memset(bind, 0, sizeof(bind));
	for (c = 0; c < HIST_COLS; c++) {
		bind[c].buffer_type = MYSQL_TYPE_STRING;
		bind[c].buffer = (void *)b->p[c];
		bind[c].length = b->l[c];
	}
	bind[c].buffer_type = MYSQL_TYPE_LONGLONG;
	bind[c].buffer = b->from;
	if (mysql_stmt_attr_set(b->stmt, STMT_ATTR_ARRAY_SIZE, &rows) ||
	    mysql_stmt_bind_param(b->stmt, bind) ||
	    mysql_stmt_execute(b->stmt))
		goto fail;
	b->n = 0;
	return 0;
fail:
	return ms_err_set(err, MS_E_DB, "database: insert of %zu "
			  "upstream_nodes rows: %s", b->n,
			  mysql_stmt_error(b->stmt));
}

static int open_row_now(struct ms_db *db, struct batch *b,
			const struct ms_node *n, int64_t now,
			struct ms_err *err)
{
	const char *v[HIST_COLS] = { n->device, n->upstream, n->node,
				     n->descr, ms_node_src_name(n->source) };
	size_t c;

	for (c = 0; c < HIST_COLS; c++) {
		b->p[c][b->n] = v[c];
		b->l[c][b->n] = strlen(v[c]);
	}
	b->from[b->n++] = now;
	return b->n == HIST_BATCH ? batch_flush(db, b, err) : 0;
}

static bool keeps(const struct ms_node *h, const struct ms_node *w,
		  const struct ms_nodesnap *snap)
{
	if (w)
		return ms_node_same(h, w);
	return h->source == MS_NODE_SRC_DEVICE &&
	       !ms_nodesnap_knows(snap, h->device);
}

static int apply(struct ms_db *db, struct batch *b,
		 const struct ms_nodemap *want, struct ms_nodemap *have,
		 const struct ms_nodesnap *snap, int64_t now,
		 struct ms_nodehist_stats *st, struct ms_err *err)
{
	const struct ms_node *h, *w;
	char t[24];
	size_t i;
	int r;

	snprintf(t, sizeof(t), "%lld", (long long)now);
	for (i = 0; i < b->odd.len; i += strlen(b->odd.p + i) + 1) {
		struct ms_node odd = { .device = b->odd.p + i };

		i += strlen(odd.device) + 1;
		if (i >= b->odd.len)
			break;
		odd.upstream = b->odd.p + i;
		if ((r = close_row(db, &odd, t, err)) < 0)
			return r;
		st->closed++;
		/* a good open row of the same upstream ended with it */
		ms_nodemap_drop(have, odd.device, odd.upstream);
	}
	for (i = 0; i < have->n; i++) {
		h = &have->v[i];
		w = ms_nodemap_find(want, h->device, h->upstream);
		if (keeps(h, w, snap))
			continue;
		if ((r = close_row(db, h, t, err)) < 0)
			return r;
		st->closed++;
	}
	for (i = 0; i < want->n; i++) {
		w = &want->v[i];
		h = ms_nodemap_find(have, w->device, w->upstream);
		if (h && ms_node_same(h, w))
			continue;
		if ((r = open_row_now(db, b, w, now, err)) < 0)
			return r;
		st->opened++;
	}
	return batch_flush(db, b, err);
}

int ms_nodehist_sync(struct ms_db *db, const struct ms_nodemap *want,
		     const struct ms_nodesnap *snap, int64_t now,
		     struct ms_nodehist_stats *st, struct ms_err *err)
{
	struct ms_nodemap have;
	struct batch *b = calloc(1, sizeof(*b));
	int r;

	memset(st, 0, sizeof(*st));
	ms_nodemap_init(&have);
	if (!b) {
		r = ms_err_set(err, MS_E_NOMEM, "out of memory");
		goto out;
	}
	ms_buf_init(&b->odd, HIST_ODD_MAX);
	if ((r = ms_db_autocommit(db, false, err)) < 0)
		goto out;
	if ((r = load_open(db, &have, &b->odd, err)) < 0 ||
	    (r = apply(db, b, want, &have, snap, now, st, err)) < 0 ||
	    (r = ms_db_commit(db, err)) < 0) {
		ms_db_rollback(db);
		memset(st, 0, sizeof(*st));
	}
out:
	if (b && b->stmt)
		mysql_stmt_close(b->stmt);
	if (b)
		ms_buf_release(&b->odd);
	free(b);
	ms_nodemap_release(&have);
	return r;
}

int ms_nodehist_write(const struct ms_conf *c, const struct ms_nodemap *map,
		      const struct ms_nodesnap *snap, int64_t now,
		      struct ms_nodehist_stats *st, struct ms_err *err)
{
	struct ms_nodemap want;
	struct ms_db_opts o;
	struct ms_db *db = NULL;
	char t[32];
	int r;

	ms_nodemap_init(&want);
	if ((r = ms_nodemap_merge(&want, map, err)) < 0 ||
	    (snap && (r = ms_nodemap_merge(&want, &snap->seen, err)) < 0))
		goto out;
	ms_db_opts_from_conf(&o, c);
	if ((r = ms_db_connect(&db, &o, err)) < 0 ||
	    (r = ms_schema_table_type(db, "upstream_nodes", t, sizeof(t),
				      err)) < 0)
		goto out;
	if (!r) {
		r = ms_err_set(err, MS_E_NOENT, "no table upstream_nodes (run "
			       "'modscan maintain --init')");
		goto out;
	}
	r = ms_nodehist_sync(db, &want, snap, now, st, err);
out:
	ms_db_close(db);
	ms_nodemap_release(&want);
	return r;
}

int ms_nodehist_update(const struct ms_conf *c, const struct ms_nodemap *map,
		       const struct ms_nodesnap *snap, struct ms_err *err)
{
	struct ms_nodehist_stats st;

	if (map->partial || (!ms_nodesrc_any(c) && (!snap || !snap->seen.n)))
		return 0;
	return ms_nodehist_write(c, map, snap, ms_wall_now() / 1000, &st, err);
}
