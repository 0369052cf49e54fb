/* Streams the samples of a report period from MariaDB (see report_db.h). */
#include "report_db.h"

#include "num.h"

const char ms_report_db_sql[] =
	"SELECT device, upstream, ts, code, modulation FROM samples "
	"WHERE ts >= CAST(? AS SIGNED) AND ts < CAST(? AS SIGNED) "
	"ORDER BY device, upstream, ts";

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
	r = ms_db_query(db, ms_report_db_sql, params, 2, on_row, &l, NULL,
			err);
	if (l.rc < 0)
		return l.rc;
	return r < 0 ? r : l.rows;
}
