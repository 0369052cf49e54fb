/* Streams the samples of a report period from MariaDB (see report_db.h). */
#include "report_db.h"

#include "num.h"
#include "report_node.h"
#include "schema.h"

const char ms_report_db_sql[] =
	"SELECT device, upstream, ts, code, modulation FROM samples "
	"WHERE ts >= CAST(? AS SIGNED) AND ts < CAST(? AS SIGNED) "
	"ORDER BY device, upstream, ts";

/*
 * The node map rows in force at some time of [start, end): a valid_to
 * NULL is "in force" (INT64_MAX here).  One read for the whole period:
 * the aggregator finds each channel's rows in memory.
 */
const char ms_report_db_nodes_sql[] =
	"SELECT device, upstream, node, valid_from, valid_to "
	"FROM upstream_nodes WHERE valid_from < CAST(? AS SIGNED) "
	"AND (valid_to IS NULL OR valid_to > CAST(? AS SIGNED))";

struct map_load {
	struct ms_node_map *map;
	struct ms_err *err;
	int rc;
};

static int on_node(void *ctx, unsigned ncols, char **v)
{
	struct map_load *l = ctx;
	long long from, to = INT64_MAX;

	if (ncols != 5 || !v[0] || !v[1] || !v[2] || !v[3] ||
	    ms_parse_ll(v[3], INT64_MIN, INT64_MAX, &from) < 0 ||
	    (v[4] && ms_parse_ll(v[4], INT64_MIN, INT64_MAX, &to) < 0)) {
		l->rc = ms_err_set(l->err, MS_E_PARSE, "upstream_nodes: "
				   "unexpected row of '%s' '%s'",
				   v[0] ? v[0] : "NULL",
				   ncols > 1 && v[1] ? v[1] : "NULL");
		return 1;
	}
	/* a row that ends before it starts, or names no node: skipped */
	if (to <= from || !*v[2])
		return 0;
	if ((l->rc = ms_node_map_add(l->map, v[0], v[1], v[2], from,
				     to)) < 0) {
		ms_err_set(l->err, l->rc, "upstream_nodes: row of '%.64s' "
			   "'%.32s': %s", v[0], v[1], ms_strerror(l->rc));
		return 1;
	}
	return 0;
}

static int load_nodes(struct ms_db *db, struct ms_report *rep,
		      const char *const params[2], struct ms_err *err)
{
	struct map_load l = { .err = err };
	const char *p[] = { params[1], params[0] };
	char type[32];
	int r;

	/* a database not migrated to version 2 yet has no map */
	if ((r = ms_schema_table_type(db, "upstream_nodes", type,
				      sizeof(type), err)) <= 0)
		return r;
	if (!(l.map = ms_node_map_new()))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	r = ms_db_query(db, ms_report_db_nodes_sql, p, 2, on_node, &l, NULL,
			err);
	if (l.rc < 0 || r < 0) {
		ms_node_map_free(l.map);
		return l.rc < 0 ? l.rc : r;
	}
	if ((r = ms_report_set_nodes(rep, l.map)) < 0)
		return ms_err_set(err, r, "node map: %s", ms_strerror(r));
	return 0;
}

struct load {
	struct ms_report *rep;
	struct ms_err *err;
	int64_t rows;
	int rc;
};

/* The ENUM arrives as its name; the common ones without a strcasecmp. */
static int mod_of(const char *s, enum ms_mod *m)
{
	static const char *const names[MS_MOD__COUNT] = {
		[MS_MOD_UNKNOWN] = "UNKNOWN", [MS_MOD_QPSK] = "QPSK",
		[MS_MOD_QAM16] = "QAM16", [MS_MOD_QAM64] = "QAM64",
	};
	int i;

	for (i = MS_MOD__COUNT - 1; i >= 0; i--) {
		if (!strcmp(s, names[i])) {
			*m = (enum ms_mod)i;
			return 0;
		}
	}
	return ms_mod_parse(s, m);
}

static int on_row(void *ctx, unsigned ncols, char **v)
{
	struct load *l = ctx;
	long long ts;
	int code;
	enum ms_mod mod;

	if (ncols != 5 || !v[0] || !v[1] || !v[2] || !v[3] || !v[4] ||
	    ms_parse_ll(v[2], INT64_MIN, INT64_MAX, &ts) < 0 ||
	    ms_parse_int(v[3], INT32_MIN, INT32_MAX, &code) < 0 ||
	    mod_of(v[4], &mod) < 0) {
		l->rc = ms_err_set(l->err, MS_E_PARSE, "samples: unexpected "
				   "row of '%s' '%s'", v[0] ? v[0] : "NULL",
				   ncols > 1 && v[1] ? v[1] : "NULL");
		return 1;
	}
	if ((l->rc = ms_report_row(l->rep, v[0], v[1], ts, code, mod,
				   l->err)) < 0)
		return 1;
	l->rows++;
	return 0;
}

int64_t ms_report_db_load(struct ms_db *db, struct ms_report *rep,
			  int64_t start, int64_t end, struct ms_err *err)
{
	char a[24], b[24];
	const char *params[] = { a, b };
	struct load l = { .rep = rep, .err = err };
	int r;

	snprintf(a, sizeof(a), "%lld", (long long)start);
	snprintf(b, sizeof(b), "%lld", (long long)end);
	if ((r = load_nodes(db, rep, params, err)) < 0)
		return r;
	r = ms_db_query(db, ms_report_db_sql, params, 2, on_row, &l, NULL,
			err);
	if (l.rc < 0)
		return l.rc;
	return r < 0 ? r : l.rows;
}
