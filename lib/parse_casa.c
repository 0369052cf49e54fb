/*
 * Casa C100G/C40G (CCAP-FORMATS.md section 5).  `show spectrum hop-history`
 * is an event log, newest first: the first `M` row of a channel gives the
 * profile in use (field 9, `To`), even an unknown one; older M rows are
 * history, not duplicates.  The legacy fallback reads `show cable modem
 * summary` (upstream names in field 0) and the per-upstream history, whose
 * rows lack the Port column (code in field 8).
 */
#include "parse.h"

enum { BAD = 2 };	/* row result: a data row that did not parse */

/* `N/N.N/N` */
static bool casa_name(const struct ms_field *f)
{
	size_t i = 0;

	return ms_parse_digits(f->p, f->n, &i) && i < f->n &&
	       f->p[i++] == '/' && ms_parse_digits(f->p, f->n, &i) &&
	       i < f->n && f->p[i++] == '.' &&
	       ms_parse_digits(f->p, f->n, &i) && i < f->n &&
	       f->p[i++] == '/' && ms_parse_digits(f->p, f->n, &i) &&
	       i == f->n;
}

/* `YYYY-MM-DD` */
static bool date(const struct ms_field *f)
{
	size_t i = 0;

	return ms_parse_digits(f->p, f->n, &i) && i == 4 && i < f->n &&
	       f->p[i++] == '-' && ms_parse_digits(f->p, f->n, &i) &&
	       i == 7 && i < f->n && f->p[i++] == '-' &&
	       ms_parse_digits(f->p, f->n, &i) && i == f->n;
}

/*
 * Where the winning row of each upstream was, so that a byte-identical
 * repeat (a duplicated row) is told apart from an older history entry.
 */
struct seen {
	const char *line[MS_CHAN_MAX];
	size_t len[MS_CHAN_MAX];
};

/* Record name with the code in field act + 6 of an M row. */
static int m_row(const char *line, size_t n, const char *name, size_t nl,
		 const struct ms_field *f, size_t act,
		 const struct ms_modmap *map, struct ms_chanlist *out,
		 struct seen *seen, struct ms_err *err)
{
	int32_t code;
	long at;
	int r;

	if (!ms_parse_code(&f[act + 6], &code))
		return BAD;
	at = ms_chanlist_find(out, name, nl);
	if (at >= 0) {
		if (seen->line[at] && seen->len[at] == n &&
		    !memcmp(seen->line[at], line, n))
			out->dups++;
		return 0;
	}
	r = ms_chanlist_add(out, name, nl, code, map, err);
	if (r == 1) {
		seen->line[out->n - 1] = line;
		seen->len[out->n - 1] = n;
	}
	return r;
}

/*
 * Both history layouts: upstream given (per-upstream command, rows start
 * with the date, Act in field 2) or not (Port in field 0, Act in field 3).
 */
static int history(const char *s, size_t len, const char *upstream,
		   const struct ms_modmap *map, struct ms_chanlist *out,
		   struct ms_err *err)
{
	struct ms_field f[MS_PARSE_FIELDS];
	size_t pos = 0, n, nf, before = out->n, act = upstream ? 2 : 3;
	const char *line;
	struct seen *seen;
	bool data;
	int r = 0;

	if (!(seen = calloc(1, sizeof(*seen))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	while (ms_parse_line(s, len, &pos, &line, &n)) {
		nf = ms_parse_fields(line, n, f, MS_PARSE_FIELDS);
		if (!nf)
			continue;
		if (ms_parse_is(&f[0], upstream ? "Date" : "Port") &&
		    ms_parse_has(f, nf, "Act")) {
			out->listing = true;
			continue;
		}
		data = upstream ? date(&f[0]) : casa_name(&f[0]);
		if (!data)
			continue;
		out->listing = true;
		if (nf < act + 7)
			r = BAD;
		else if (!ms_parse_is(&f[act], "M"))
			r = 0;
		else if (upstream)
			r = m_row(line, n, upstream, strlen(upstream), f, act,
				  map, out, seen, err);
		else
			r = m_row(line, n, f[0].p, f[0].n, f, act, map, out,
				  seen, err);
		if (r == BAD)
			out->bad_rows++;
		else if (r < 0)
			break;
	}
	free(seen);
	return r < 0 ? r : (int)(out->n - before);
}

int ms_parse_casa(const char *s, size_t len, const struct ms_modmap *map,
		  struct ms_chanlist *out, struct ms_err *err)
{
	return history(s, len, NULL, map, out, err);
}

int ms_parse_casa_upstream(const char *s, size_t len, const char *upstream,
			   const struct ms_modmap *map,
			   struct ms_chanlist *out, struct ms_err *err)
{
	size_t n = strlen(upstream);

	if (!n || n >= MS_UPSTREAM_MAX)
		return ms_err_set(err, MS_E_INVAL, "bad upstream name '%.*s'",
				  (int)MS_MIN(n, 64), upstream);
	return history(s, len, upstream, map, out, err);
}

int ms_parse_casa_summary(const char *s, size_t len,
			  struct ms_namelist *out, struct ms_err *err)
{
	struct ms_field f[MS_PARSE_FIELDS];
	size_t pos = 0, n, nf;
	const char *line;

	(void)err;
	while (ms_parse_line(s, len, &pos, &line, &n)) {
		nf = ms_parse_fields(line, n, f, MS_PARSE_FIELDS);
		if (nf && (ms_parse_is(&f[0], "Interface") ||
			   ms_parse_is(&f[0], "Upstream") ||
			   ms_parse_is(&f[0], "Port")))
			out->listing = true;
		if (nf && casa_name(&f[0])) {
			out->listing = true;
			ms_namelist_add(out, f[0].p, f[0].n);
		}
	}
	return (int)out->n;
}
