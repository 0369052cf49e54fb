/* The inventory sources (see invsrc.h). */
#include "invsrc.h"

#include <ctype.h>
#include <regex.h>

#include "db.h"
#include "drv.h"
#include "httpget.h"

bool ms_invsrc_any(const struct ms_conf *c, const char *devices_path)
{
	return (devices_path && *devices_path) ||
	       *ms_conf_str(c, MS_CONF_DEVICES_FILE) ||
	       *ms_conf_str(c, MS_CONF_DEVICES_SQL) ||
	       *ms_conf_str(c, MS_CONF_DEVICES_URL) ||
	       *ms_conf_str(c, MS_CONF_DEVICES_COMMAND);
}

/* ---- DEVICES_SQL ---- */

struct rows {
	struct ms_buf *text;
	struct ms_buf *warnings;
	unsigned n;
	bool full;
};

/* One row as a devices-file line; a NULL ends it. */
static int sql_row(void *ctx, unsigned ncols, char **vals)
{
	struct rows *rw = ctx;
	unsigned i;

	rw->n++;
	for (i = 0; i < ncols && vals[i]; i++)
		if (!*vals[i] || strpbrk(vals[i], " \t\r\n#")) {
			ms_buf_printf(rw->warnings, "DEVICES_SQL: row %u: "
				      "column %u is empty or holds a blank, "
				      "skipping\n", rw->n, i + 1);
			/* keep the line numbers of parse's warnings */
			return rw->full = ms_buf_addc(rw->text, '\n') < 0;
		}
	for (i = 0; i < ncols && vals[i]; i++)
		if (ms_buf_printf(rw->text, "%s%s", i ? " " : "",
				  vals[i]) < 0)
			return rw->full = true;
	return rw->full = ms_buf_addc(rw->text, '\n') < 0;
}

static void sql_opts(struct ms_db_opts *o, const struct ms_conf *c)
{
	const char *host = ms_conf_str(c, MS_CONF_DEVICES_DB_HOST);
	unsigned t = (unsigned)ms_conf_int(c, MS_CONF_DEVICES_TIMEOUT);

	ms_db_opts_from_conf(o, c);
	if (*host) {
		memset(o, 0, sizeof(*o));
		o->host = host;
		o->port = (unsigned)ms_conf_int(c, MS_CONF_DEVICES_DB_PORT);
		o->name = ms_conf_str(c, MS_CONF_DEVICES_DB_NAME);
		o->user = ms_conf_str(c, MS_CONF_DEVICES_DB_USER);
		o->password = ms_conf_str(c, MS_CONF_DEVICES_DB_PASSWORD);
		o->tls = (enum ms_db_tls)ms_conf_int(c,
						     MS_CONF_DEVICES_DB_TLS);
		o->tls_key = "DEVICES_DB_TLS";
		if (*ms_conf_str(c, MS_CONF_DB_TLS_CA))
			o->tls_ca = ms_conf_str(c, MS_CONF_DB_TLS_CA);
	}
	o->connect_timeout = MS_MIN(o->connect_timeout, t);
	o->rw_timeout = t;
}

int ms_invsrc_select(const struct ms_conf *c, const char *sql,
		     ms_db_row_fn row, void *ctx, struct ms_err *err)
{
	struct ms_db_opts o;
	struct ms_db *db;
	int r;

	sql_opts(&o, c);
	if ((r = ms_db_connect(&db, &o, err)) < 0)
		return r;
	r = ms_db_query(db, sql, NULL, 0, row, ctx, NULL, err);
	ms_db_close(db);
	return r;
}

static int read_sql(const struct ms_conf *c, struct ms_buf *text,
		    struct ms_buf *warnings, struct ms_err *err)
{
	struct rows rw = { text, warnings, 0, false };
	int r;

	r = ms_invsrc_select(c, ms_conf_str(c, MS_CONF_DEVICES_SQL), sql_row,
			     &rw, err);
	if (r >= 0 && rw.full)
		r = ms_err_set(err, MS_E_TOOBIG, "more than %zu KiB",
			       text->max / 1024);
	return r;
}

/* ---- DEVICES_URL ---- */

static int read_url(const struct ms_conf *c, struct ms_buf *text,
		    struct ms_buf *warnings, struct ms_err *err)
{
	struct ms_httpget_opts o = {
		.url = ms_conf_str(c, MS_CONF_DEVICES_URL),
		.auth = ms_conf_str(c, MS_CONF_DEVICES_URL_AUTH),
		.ca = ms_conf_str(c, MS_CONF_DEVICES_URL_CA),
		.timeout_ms = ms_conf_int(c, MS_CONF_DEVICES_TIMEOUT) * 1000,
	};
	struct ms_buf body;
	int r;

	ms_buf_init(&body, text->max);
	if ((r = ms_httpget(&o, &body, err)) >= 0)
		r = ms_invsrc_from_json(body.p, body.len,
					ms_conf_str(c,
						    MS_CONF_DEVICES_URL_FIELDS),
					text, warnings, err);
	ms_buf_release(&body);
	return r;
}

/* ---- merging and names ---- */

/* Upper-case the names (and a host that was the name); drop twins. */
static void upper_names(struct ms_inventory *inv, struct ms_buf *warnings)
{
	size_t i, j, n = 0;
	char *p;

	for (i = 0; i < inv->n; i++) {
		struct ms_device *d = &inv->v[i];
		bool same = !strcmp(d->host, d->name);

		for (p = d->name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (same)
			memcpy(d->host, d->name, strlen(d->name) + 1);
		for (j = 0; j < n && strcmp(inv->v[j].name, d->name); j++)
			;
		if (j < n) {
			ms_buf_printf(warnings, "device '%s' listed twice, "
				      "skipping\n", d->name);
			continue;
		}
		inv->v[n++] = *d;
	}
	inv->n = n;
}

/*
 * Devices whose family no driver knows are bad lines like any other:
 * named and left out, not scanned and failed at every sweep.
 */
static void drop_unknown_families(struct ms_inventory *inv, size_t from,
				  const char *path, struct ms_buf *warnings)
{
	size_t i, n = from;

	for (i = from; i < inv->n; i++) {
		const struct ms_device *d = &inv->v[i];

		if (d->family[0] && ms_drv_family(d->family) < 0) {
			ms_buf_printf(warnings, "%s:%u: unknown family '%s' "
				      "(%s), skipping\n", path, d->line,
				      d->family, ms_drv_names());
			continue;
		}
		inv->v[n++] = *d;
	}
	inv->n = n;
}

static int filter_names(struct ms_inventory *inv, const char *re,
			struct ms_err *err)
{
	char why[128];
	regex_t rx;
	size_t i, n = 0;
	int r;

	if (!*re)
		return 0;
	if ((r = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(r, &rx, why, sizeof(why));
		return ms_err_set(err, MS_E_INVAL, "DEVICES_NAME_FILTER: "
				  "'%s': %s", re, why);
	}
	for (i = 0; i < inv->n; i++)
		if (regexec(&rx, inv->v[i].name, 0, NULL, 0) == 0)
			inv->v[n++] = inv->v[i];
	inv->n = n;
	regfree(&rx);
	return 0;
}

/* Read one source's text and add its devices; a program source that
 * names none is a failure. */
static int add_source(struct ms_inventory *inv, const char *what,
		      const struct ms_conf *c, struct ms_buf *warnings,
		      struct ms_err *err)
{
	size_t max = (size_t)ms_conf_int(c, MS_CONF_DEVICES_MAX_KB) * 1024;
	ms_msec_t t = ms_conf_int(c, MS_CONF_DEVICES_TIMEOUT) * 1000;
	size_t before = inv->n;
	struct ms_buf text;
	int r;

	ms_buf_init(&text, max);
	if (!strcmp(what, "DEVICES_SQL"))
		r = read_sql(c, &text, warnings, err);
	else if (!strcmp(what, "DEVICES_URL"))
		r = read_url(c, &text, warnings, err);
	else
		r = ms_invsrc_command(ms_conf_str(c, MS_CONF_DEVICES_COMMAND),
				      t, &text, warnings, err);
	if (r >= 0)
		r = ms_inventory_parse(inv, what, text.p, text.len, warnings,
				       err);
	if (r >= 0)
		drop_unknown_families(inv, before, what, warnings);
	if (r >= 0 && inv->n == before)
		r = ms_err_set(err, MS_E_NOENT, "no device in the answer");
	if (r < 0 && err && strncmp(err->msg, what, strlen(what)))
		ms_err_prefix(err, "%s", what);
	ms_buf_release(&text);
	return r;
}

int ms_invsrc_read(struct ms_inventory *inv, const struct ms_conf *c,
		   const char *devices_path, struct ms_buf *warnings,
		   struct ms_err *err)
{
	static const struct {
		enum ms_conf_key key;
		const char *name;
	} srcs[] = {
		{ MS_CONF_DEVICES_SQL, "DEVICES_SQL" },
		{ MS_CONF_DEVICES_URL, "DEVICES_URL" },
		{ MS_CONF_DEVICES_COMMAND, "DEVICES_COMMAND" },
	};
	const char *file = devices_path ? devices_path
				: ms_conf_str(c, MS_CONF_DEVICES_FILE);
	size_t i;
	int r;

	if (!ms_invsrc_any(c, devices_path))
		return ms_err_set(err, MS_E_INVAL, "no devices (set "
				  "DEVICES_FILE, DEVICES_SQL, DEVICES_URL, "
				  "DEVICES_COMMAND or --devices)");
	if (*file && (r = ms_inventory_load(inv, file, warnings, err)) < 0)
		return r;
	drop_unknown_families(inv, 0, file, warnings);
	for (i = 0; i < MS_ARRAY_SIZE(srcs); i++) {
		if (!*ms_conf_str(c, srcs[i].key))
			continue;
		if ((r = add_source(inv, srcs[i].name, c, warnings, err)) < 0)
			return r;
	}
	if (ms_conf_bool(c, MS_CONF_DEVICES_NAME_UPPER))
		upper_names(inv, warnings);
	if ((r = filter_names(inv, ms_conf_str(c, MS_CONF_DEVICES_NAME_FILTER),
			      err)) < 0)
		return r;
	return (int)MS_MIN(inv->n, INT_MAX);
}
