/*
 * Database upkeep (see maintain.h): what is in the database, how close
 * the id columns are to their limit, retention by dropping day
 * partitions, resetting an id counter.
 */
#include "maintain.h"

#include <poll.h>
#include <cjson/cJSON.h>

#include "err.h"
#include "mstime.h"
#include "num.h"
#include "spool.h"

enum { DAY = 86400 };

static long long num(const char *s)
{
	long long v = 0;

	if (s)
		ms_parse_ll(s, LLONG_MIN, LLONG_MAX, &v);
	return v;
}

static int table_row(void *ctx, unsigned n, char **v)
{
	struct ms_maintain_info *in = ctx;
	struct ms_maintain_table *t;

	if (n < 5)
		return 0;
	t = realloc(in->t, (in->nt + 1) * sizeof(*t));
	if (!t)
		return 1;
	in->t = t;
	t = &in->t[in->nt++];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", v[0] ? v[0] : "");
	snprintf(t->type, sizeof(t->type), "%s", v[1] ? v[1] : "");
	t->rows = num(v[2]);
	t->bytes = num(v[3]);
	t->next = v[4] ? num(v[4]) : -1;
	t->age_days = num(v[5]);
	return 0;
}

static int ai_row(void *ctx, unsigned n, char **v)
{
	struct ms_maintain_info *in = ctx;
	size_t i;

	for (i = 0; n >= 3 && i < in->nt; i++) {
		if (v[0] && !strcmp(in->t[i].name, v[0])) {
			snprintf(in->t[i].col, sizeof(in->t[i].col), "%s",
				 v[1] ? v[1] : "");
			snprintf(in->t[i].coltype, sizeof(in->t[i].coltype),
				 "%s", v[2] ? v[2] : "");
		}
	}
	return 0;
}

/* Oldest or newest sample, one partition at a time (no full scan). */
static long long edge(struct ms_db *db, const struct ms_maintain_info *in,
		      bool newest, struct ms_err *err)
{
	char sql[128], v[32];
	size_t k;
	int r;

	for (k = 0; k < in->np; k++) {
		const struct ms_partition *p =
			&in->p[newest ? in->np - 1 - k : k];

		snprintf(sql, sizeof(sql), "SELECT %s(ts) FROM samples "
			 "PARTITION (%s)", newest ? "MAX" : "MIN", p->name);
		r = ms_db_query_str(db, sql, NULL, 0, v, sizeof(v), err);
		if (r < 0)
			return -2;
		if (r > 0 && v[0])
			return num(v);
	}
	return -1;
}

int ms_maintain_gather(struct ms_db *db, const struct ms_conf *c,
		       struct ms_maintain_info *in, struct ms_err *err)
{
	char v[32];
	size_t i;
	int r;

	memset(in, 0, sizeof(*in));
	in->oldest = in->newest = in->last_sweep = -1;
	snprintf(in->where, sizeof(in->where), "%s", ms_db_where(db));
	snprintf(in->cipher, sizeof(in->cipher), "%s", ms_db_cipher(db));
	if ((r = ms_schema_version(db, &in->version, err)) < 0 ||
	    (r = ms_db_query(db, "SELECT TABLE_NAME, TABLE_TYPE, TABLE_ROWS, "
			     "DATA_LENGTH + INDEX_LENGTH, AUTO_INCREMENT, "
			     "DATEDIFF(NOW(), CREATE_TIME) FROM "
			     "information_schema.TABLES WHERE TABLE_SCHEMA = "
			     "DATABASE() ORDER BY TABLE_NAME", NULL, 0,
			     table_row, in, NULL, err)) < 0 ||
	    (r = ms_db_query(db, "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE "
			     "FROM information_schema.COLUMNS WHERE "
			     "TABLE_SCHEMA = DATABASE() AND EXTRA LIKE "
			     "'%auto_increment%'", NULL, 0, ai_row, in, NULL,
			     err)) < 0 ||
	    (r = ms_schema_list_partitions(db, &in->p, &in->np, err)) < 0)
		return r;
	if (in->np && ((in->oldest = edge(db, in, false, err)) == -2 ||
		       (in->newest = edge(db, in, true, err)) == -2))
		return MS_E_DB;
	for (i = 0; i < in->nt; i++)
		if (!strcmp(in->t[i].name, "lastupdatemodulation") &&
		    ms_db_query_str(db, "SELECT MAX(stamp) FROM "
				    "lastupdatemodulation", NULL, 0, v,
				    sizeof(v), err) > 0 && v[0])
			in->last_sweep = num(v);
	if (ms_conf_path(c, MS_CONF_SPOOL_DIR, "spool", in->spool_dir,
			 sizeof(in->spool_dir)) == 0)
		ms_spool_backlog(in->spool_dir, &in->spool_files,
				 &in->spool_bytes, NULL);
	return 0;
}

uint64_t ms_maintain_type_max(const char *t)
{
	static const struct { const char *name; uint64_t smax; } types[] = {
		{ "tinyint", 127 }, { "smallint", 32767 },
		{ "mediumint", 8388607 }, { "int", 2147483647 },
		{ "bigint", INT64_MAX },
	};
	bool u = strstr(t, "unsigned") != NULL;
	size_t i, n;

	for (i = 0; i < MS_ARRAY_SIZE(types); i++) {
		n = strlen(types[i].name);
		if (!strncmp(t, types[i].name, n) &&
		    (t[n] == '\0' || t[n] == '(' || t[n] == ' '))
			return u ? types[i].smax * 2 + 1 : types[i].smax;
	}
	return 0;
}

void ms_maintain_info_release(struct ms_maintain_info *in)
{
	free(in->t);
	free(in->p);
	in->t = NULL;
	in->p = NULL;
	in->nt = in->np = 0;
}

struct ms_maintain_ai ms_maintain_ai(const struct ms_maintain_table *t)
{
	uint64_t max = ms_maintain_type_max(t->coltype);
	struct ms_maintain_ai a = { 0, -1, "ok" };
	double used, rate;

	if (!max || t->next < 1)
		return a;
	used = (double)(t->next - 1);
	a.pct = 100.0 * used / (double)max;
	/* Average growth since the table was made: ids per day. */
	rate = used / (double)(t->age_days > 0 ? t->age_days : 1);
	if (rate > 0)
		a.days_left = (long long)(((double)max - used) / rate);
	a.level = a.pct >= MS_AI_CRIT_PCT ? "critical" :
		  a.pct >= MS_AI_WARN_PCT ? "warning" : "ok";
	return a;
}

static void iso_day(long long ts, char *out, size_t size)
{
	char iso[MS_ISO_MAX];

	if (ts < 0)
		snprintf(out, size, "none");
	else
		snprintf(out, size, "%s", ms_time_iso(ts * 1000, iso));
}

bool ms_maintain_critical(const struct ms_maintain_info *in)
{
	size_t i;

	for (i = 0; i < in->nt; i++)
		if (in->t[i].col[0] &&
		    ms_maintain_ai(&in->t[i]).pct >= MS_AI_CRIT_PCT)
			return true;
	return false;
}

/* The --analyze lines of one table with an AUTO_INCREMENT column. */
static int ai_text(const struct ms_maintain_table *t, struct ms_buf *out)
{
	struct ms_maintain_ai u = ms_maintain_ai(t);
	int r;

	r = ms_buf_printf(out, "auto_increment %s.%s (%s): next %lld, "
			  "%.2f %% used, %s, %s\n", t->name, t->col,
			  t->coltype, t->next, u.pct, u.level,
			  u.days_left < 0 ? "no growth yet" : "");
	if (r >= 0 && u.days_left >= 0)
		r = ms_buf_printf(out, "  about %lld days to exhaustion at "
				  "the average growth so far\n", u.days_left);
	return r;
}

int ms_maintain_text(const struct ms_maintain_info *in, bool analyze,
		     struct ms_buf *out)
{
	char a[MS_ISO_MAX + 8], b[MS_ISO_MAX + 8];
	size_t i;
	int r;

	iso_day(in->oldest, a, sizeof(a));
	iso_day(in->newest, b, sizeof(b));
	r = ms_buf_printf(out, "database: %s, %s%s\nschema version: %d\n",
			  in->where, in->cipher[0] ? "TLS " : "no TLS",
			  in->cipher, in->version);
	for (i = 0; r >= 0 && i < in->nt; i++)
		r = ms_buf_printf(out, "table %-28s %-10s rows ~%lld, %.1f "
				  "MiB\n", in->t[i].name,
				  strcmp(in->t[i].type, "VIEW") ? "table"
								: "view",
				  in->t[i].rows,
				  (double)in->t[i].bytes / 1048576.0);
	if (r >= 0)
		r = ms_buf_printf(out, "samples: oldest %s, newest %s\n", a, b);
	iso_day(in->last_sweep, a, sizeof(a));
	if (r >= 0)
		r = ms_buf_printf(out, "last sweep: %s\npartitions: %zu",
				  in->last_sweep > 0 ? a : "never", in->np);
	for (i = 0; r >= 0 && i < in->np; i++)
		r = ms_buf_printf(out, "%s%s", i ? " " : " (", in->p[i].name);
	if (r >= 0)
		r = ms_buf_printf(out, "%s\nspool: %u files, %llu bytes in "
				  "%s\n", in->np ? ")" : "", in->spool_files,
				  (unsigned long long)in->spool_bytes,
				  in->spool_dir);
	for (i = 0; r >= 0 && analyze && i < in->nt; i++)
		if (in->t[i].col[0])
			r = ai_text(&in->t[i], out);
	return r < 0 ? r : 0;
}

static cJSON *json_info(const struct ms_maintain_info *in, bool analyze)
{
	cJSON *o = cJSON_CreateObject(), *arr, *e;
	size_t i;

	cJSON_AddStringToObject(o, "database", in->where);
	cJSON_AddStringToObject(o, "tls", in->cipher);
	cJSON_AddNumberToObject(o, "schema_version", in->version);
	arr = cJSON_AddArrayToObject(o, "tables");
	for (i = 0; i < in->nt; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", in->t[i].name);
		cJSON_AddStringToObject(e, "type", strcmp(in->t[i].type,
					"VIEW") ? "table" : "view");
		cJSON_AddNumberToObject(e, "rows", (double)in->t[i].rows);
		cJSON_AddNumberToObject(e, "bytes", (double)in->t[i].bytes);
		if (analyze && in->t[i].col[0]) {
			struct ms_maintain_ai u = ms_maintain_ai(&in->t[i]);

			cJSON_AddStringToObject(e, "auto_increment_column",
						in->t[i].col);
			cJSON_AddStringToObject(e, "column_type",
						in->t[i].coltype);
			cJSON_AddNumberToObject(e, "auto_increment",
						(double)in->t[i].next);
			cJSON_AddNumberToObject(e, "used_pct", u.pct);
			cJSON_AddStringToObject(e, "level", u.level);
			if (u.days_left >= 0)
				cJSON_AddNumberToObject(e, "days_left",
							(double)u.days_left);
		}
		cJSON_AddItemToArray(arr, e);
	}
	e = cJSON_AddObjectToObject(o, "samples");
	cJSON_AddNumberToObject(e, "oldest", (double)in->oldest);
	cJSON_AddNumberToObject(e, "newest", (double)in->newest);
	cJSON_AddNumberToObject(o, "last_sweep", (double)in->last_sweep);
	arr = cJSON_AddArrayToObject(o, "partitions");
	for (i = 0; i < in->np; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", in->p[i].name);
		cJSON_AddNumberToObject(e, "rows", (double)in->p[i].rows);
		cJSON_AddItemToArray(arr, e);
	}
	e = cJSON_AddObjectToObject(o, "spool");
	cJSON_AddStringToObject(e, "dir", in->spool_dir);
	cJSON_AddNumberToObject(e, "files", in->spool_files);
	cJSON_AddNumberToObject(e, "bytes", (double)in->spool_bytes);
	if (analyze)
		cJSON_AddStringToObject(o, "level", ms_maintain_critical(in) ?
					"critical" : "ok");
	return o;
}

int ms_maintain_json(const struct ms_maintain_info *in, bool analyze,
		     struct ms_buf *out)
{
	cJSON *o = json_info(in, analyze);
	char *s = o ? cJSON_Print(o) : NULL;
	int r = s ? ms_buf_printf(out, "%s\n", s) : MS_E_NOMEM;

	free(s);
	cJSON_Delete(o);
	return r < 0 ? r : 0;
}

/* DELETE ... LIMIT n until fewer rows go; a pause between two so that
 * the scanner's inserts are never held up for long. */
static int delete_batches(struct ms_sql_run *r, const char *sql,
			  long long bound, uint64_t *total, struct ms_err *err)
{
	char v[24];
	const char *p[] = { v };
	uint64_t n;
	int rc;

	snprintf(v, sizeof(v), "%lld", bound);
	r->count++;
	if (r->dry) {
		fprintf(r->out ? r->out : stdout, "%.*s%s%s; -- repeated until "
			"no row is left\n", (int)(strchr(sql, '?') - sql), sql,
			v, strchr(sql, '?') + 1);
		return 0;
	}
	do {
		rc = ms_db_query(r->db, sql, p, 1, NULL, NULL, &n, err);
		if (rc < 0)
			return rc;
		*total += n;
		if (n == MS_CLEANUP_BATCH)
			poll(NULL, 0, MS_CLEANUP_PAUSE_MS);
	} while (n == MS_CLEANUP_BATCH);
	return 0;
}

static int drop_partitions(struct ms_sql_run *r, long long cutoff,
			   unsigned *dropped, struct ms_err *err)
{
	struct ms_partition *p = NULL;
	struct ms_buf b;
	size_t n = 0, i;
	char v[8];
	int rc;

	ms_buf_init(&b, 1 << 20);
	rc = ms_schema_list_partitions(r->db, &p, &n, err);
	if (rc >= 0)
		rc = ms_buf_adds(&b, "ALTER TABLE samples DROP PARTITION ");
	for (i = 0; rc >= 0 && i < n; i++) {
		if (p[i].bound > cutoff || !strcmp(p[i].name, "p_old") ||
		    !strcmp(p[i].name, "p_future"))
			continue;
		rc = ms_buf_printf(&b, "%s%s", *dropped ? ", " : "",
				   p[i].name);
		++*dropped;
	}
	if (rc >= 0 && *dropped)
		rc = ms_sql_run(r, b.p, err);
	/* Rows older than every day partition (imported legacy data). */
	if (rc >= 0 && n && p[0].bound <= cutoff) {
		rc = ms_db_query_str(r->db, "SELECT 1 FROM samples PARTITION "
				     "(p_old) LIMIT 1", NULL, 0, v, sizeof(v),
				     err);
		if (rc > 0)
			rc = ms_sql_run(r, "ALTER TABLE samples TRUNCATE "
					"PARTITION p_old", err);
	}
	ms_buf_release(&b);
	free(p);
	return rc < 0 ? rc : 0;
}

static bool wants(const char *table, const char *name)
{
	return !table || !strcmp(table, name);
}

int ms_maintain_cleanup(struct ms_sql_run *r, int days, time_t now,
			const char *table, struct ms_maintain_cleaned *res,
			struct ms_err *err)
{
	static const char *const legacy[] = { "modulation_new", "modulation" };
	long long cutoff = ((long long)now / DAY - days) * DAY;
	char sql[200], t[32];
	size_t i;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if (table && strcmp(table, "samples") &&
	    strcmp(table, "device_scans") && strcmp(table, "upstream_nodes") &&
	    strcmp(table, legacy[0]) && strcmp(table, legacy[1]))
		return ms_err_set(err, MS_E_NOENT, "'%s' has no retention "
				  "(samples, device_scans, upstream_nodes, "
				  "modulation_new, modulation)", table);
	if (wants(table, "samples"))
		rc = drop_partitions(r, cutoff, &res->partitions, err);
	if (rc >= 0 && wants(table, "device_scans"))
		rc = delete_batches(r, "DELETE FROM device_scans WHERE "
				    "started_ms < ? LIMIT 10000",
				    cutoff * 1000, &res->scans, err);
	/* a mapping that ended by the cutoff served only dropped days */
	if (rc >= 0 && wants(table, "upstream_nodes"))
		rc = delete_batches(r, "DELETE FROM upstream_nodes WHERE "
				    "valid_to <= ? LIMIT 10000", cutoff,
				    &res->node_rows, err);
	for (i = 0; rc >= 0 && i < MS_ARRAY_SIZE(legacy); i++) {
		const char *p[] = { legacy[i] };

		if (!wants(table, legacy[i]))
			continue;
		rc = ms_db_query_str(r->db, "SELECT TABLE_TYPE FROM "
				     "information_schema.TABLES WHERE "
				     "TABLE_SCHEMA = DATABASE() AND TABLE_NAME "
				     "= ?", p, 1, t, sizeof(t), err);
		if (rc <= 0 || strcmp(t, "BASE TABLE"))
			continue;
		snprintf(sql, sizeof(sql), "DELETE FROM `%s` WHERE `timestamp` "
			 "< FROM_UNIXTIME(?) LIMIT 10000", legacy[i]);
		rc = delete_batches(r, sql, cutoff, &res->legacy_rows, err);
	}
	return rc < 0 ? rc : 0;
}

int ms_maintain_only_table(struct ms_maintain_info *in, const char *table,
			   struct ms_err *err)
{
	size_t i;

	for (i = 0; i < in->nt && strcmp(in->t[i].name, table); i++)
		;
	if (i == in->nt)
		return ms_err_set(err, MS_E_NOENT, "no table '%s'", table);
	in->t[0] = in->t[i];
	in->nt = 1;
	if (strcmp(table, "samples"))
		in->np = 0;
	return 0;
}

bool ms_maintain_ident_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
			  "VWXYZ0123456789_");

	return n > 0 && n <= 64 && s[n] == '\0';
}

int ms_maintain_reset_id(struct ms_sql_run *r, const char *table, bool force,
			 struct ms_err *err)
{
	char sql[160], v[24];
	const char *p[] = { table };
	int n;

	if (!ms_maintain_ident_ok(table))
		return ms_err_set(err, MS_E_INVAL, "'%s' is not a table name",
				  table);
	n = ms_db_query_str(r->db, "SELECT AUTO_INCREMENT FROM "
			    "information_schema.TABLES WHERE TABLE_SCHEMA = "
			    "DATABASE() AND TABLE_NAME = ?", p, 1, v, sizeof(v),
			    err);
	if (n < 0)
		return n;
	if (n == 0 || !v[0])
		return ms_err_set(err, MS_E_NOENT, "table %s %s", table,
				  n == 0 ? "does not exist"
					 : "has no AUTO_INCREMENT");
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM (SELECT 1 FROM `%s` "
		 "LIMIT 1) x", table);
	if ((n = ms_db_query_str(r->db, sql, NULL, 0, v, sizeof(v), err)) < 0)
		return n;
	if (strcmp(v, "0") && !force)
		return ms_err_set(err, MS_E_BUSY, "table %s has rows; not "
				  "resetting its ids (--force resets to the "
				  "next free id)", table);
	snprintf(sql, sizeof(sql), "ALTER TABLE `%s` AUTO_INCREMENT = 1",
		 table);
	return ms_sql_run(r, sql, err) < 0 ? MS_E_DB : 0;
}

int ms_maintain_optimize(struct ms_sql_run *r, const char *table,
			 struct ms_err *err)
{
	char sql[2][120];

	if (table && !ms_maintain_ident_ok(table))
		return ms_err_set(err, MS_E_INVAL, "'%s' is not a table name",
				  table);
	snprintf(sql[0], sizeof(sql[0]), "ANALYZE TABLE %s", table ? table :
		 "samples, device_scans");
	snprintf(sql[1], sizeof(sql[1]), "OPTIMIZE TABLE %s", table ? table :
		 "device_scans");
	if (ms_sql_run(r, sql[0], err) < 0 || ms_sql_run(r, sql[1], err) < 0)
		return MS_E_DB;
	return 0;
}
