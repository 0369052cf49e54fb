/* The node map's sources (see nodesrc.h). */
#include "nodesrc.h"

#include "db.h"
#include "invsrc.h"

bool ms_nodesrc_any(const struct ms_conf *c)
{
	return *ms_conf_str(c, MS_CONF_NODES_FILE) ||
	       *ms_conf_str(c, MS_CONF_NODES_SQL);
}

struct sql_rows {
	struct ms_nodemap *m;
	struct ms_buf *warnings;
	unsigned n;
	int r;			/* the first hard failure */
	struct ms_err *err;
};

/* One row: CCAP, UPSTREAM, NODE [, DESCRIPTION]. */
static int sql_row(void *ctx, unsigned ncols, char **vals)
{
	struct sql_rows *rw = ctx;
	struct ms_node n;
	struct ms_err e;
	int r;

	rw->n++;
	if (ncols < 3) {
		rw->r = ms_err_set(rw->err, MS_E_INVAL, "NODES_SQL: the "
				   "SELECT gives %u columns, not CCAP, "
				   "UPSTREAM, NODE [, DESCRIPTION]", ncols);
		return 1;
	}
	n.device = vals[0];
	n.upstream = vals[1];
	n.node = vals[2];
	n.descr = ncols > 3 && vals[3] ? vals[3] : "";
	n.source = MS_NODE_SRC_SQL;
	if (!n.device || !n.upstream || !n.node) {
		ms_buf_printf(rw->warnings, "NODES_SQL: row %u: a NULL "
			      "name, skipping\n", rw->n);
		return 0;
	}
	r = ms_nodemap_add(rw->m, &n, &e);
	if (r == MS_E_NOMEM || r == MS_E_TOOBIG) {
		rw->r = ms_err_set(rw->err, r, "NODES_SQL: %s", e.msg);
		return 1;
	}
	if (r < 0)
		ms_buf_printf(rw->warnings, "NODES_SQL: row %u: %s, "
			      "skipping\n", rw->n, e.msg);
	else if (!r)
		ms_buf_printf(rw->warnings, "NODES_SQL: row %u: '%s %s' is "
			      "mapped already, skipping\n", rw->n, n.device,
			      n.upstream);
	return 0;
}

static int read_sql(struct ms_nodemap *m, const struct ms_conf *c,
		    struct ms_buf *warnings, struct ms_err *err)
{
	struct sql_rows rw = { m, warnings, 0, 0, err };
	int r;

	r = ms_invsrc_select(c, ms_conf_str(c, MS_CONF_NODES_SQL), sql_row,
			     &rw, err);
	if (r >= 0 && rw.r < 0)
		return rw.r;
	if (r < 0)
		ms_err_prefix(err, "NODES_SQL");
	return r;
}

int ms_nodesrc_read(struct ms_nodemap *m, const struct ms_conf *c,
		    struct ms_buf *warnings, struct ms_err *err)
{
	const char *file = ms_conf_str(c, MS_CONF_NODES_FILE);
	int r;

	if (*file && (r = ms_nodemap_load(m, file, err)) < 0) {
		ms_err_prefix(err, "NODES_FILE");
		return r == MS_E_NOMEM ? r : MS_E_INVAL;
	}
	if (*ms_conf_str(c, MS_CONF_NODES_SQL) &&
	    (r = read_sql(m, c, warnings, err)) < 0)
		return r;
	return (int)MS_MIN(m->n, INT_MAX);
}

bool ms_nodesrc_node_of(const char *descr, char *out, size_t size)
{
	size_t n = strcspn(descr, " \t");

	if (!n || n >= size)
		return false;
	memcpy(out, descr, n);
	out[n] = '\0';
	return true;
}
