/*
 * maintain --status, --analyze and --cleanup (see maintain.h): what is in
 * the database, how close the id columns are to their limit, and
 * retention by dropping day partitions.
 */
#include "maintain.h"

#include <poll.h>
#include <cjson/cJSON.h>

#include "applets.h"
#include "err.h"
#include "num.h"
#include "spool.h"
#include "mstime.h"

enum { DAY = 86400 };

struct table {
	char name[72], type[24], col[72], coltype[48];
	long long rows, bytes, next, age_days;
};

struct info {
	int version;
	struct table *t;
	size_t nt;
	struct ms_partition *p;
	size_t np;
	long long oldest, newest, last_sweep;
	char spool_dir[PATH_MAX];
	char where[300], cipher[64];
	unsigned spool_files;
	uint64_t spool_bytes;
};

static long long num(const char *s)
{
	long long v = 0;

	if (s)
		ms_parse_ll(s, LLONG_MIN, LLONG_MAX, &v);
	return v;
}

static int table_row(void *ctx, unsigned n, char **v)
{
	struct info *in = ctx;
	struct table *t;

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
	struct info *in = ctx;
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
static long long edge(struct ms_db *db, const struct info *in, bool newest,
		      struct ms_err *err)
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

static int gather(struct ms_db *db, const struct ms_conf *c, struct info *in,
		  struct ms_err *err)
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

struct ai {
	double pct;
	long long days_left;	/* -1: unknown */
	const char *level;
};

static struct ai ai_usage(const struct table *t)
{
	uint64_t max = ms_maintain_type_max(t->coltype);
	struct ai a = { 0, -1, "ok" };
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

static int worst(const struct info *in, bool analyze)
{
	size_t i;

	for (i = 0; analyze && i < in->nt; i++)
		if (in->t[i].col[0] && ai_usage(&in->t[i]).pct >= MS_AI_CRIT_PCT)
			return MS_EXIT_FAIL;
	return MS_EXIT_OK;
}

static void print_text(const struct info *in, bool analyze)
{
	char a[MS_ISO_MAX + 8], b[MS_ISO_MAX + 8];
	size_t i;

	printf("database: %s, %s%s\n", in->where, in->cipher[0] ? "TLS " :
	       "no TLS", in->cipher);
	printf("schema version: %d\n", in->version);
	for (i = 0; i < in->nt; i++)
		printf("table %-28s %-10s rows ~%lld, %.1f MiB\n",
		       in->t[i].name, strcmp(in->t[i].type, "VIEW") ?
		       "table" : "view", in->t[i].rows,
		       (double)in->t[i].bytes / 1048576.0);
	iso_day(in->oldest, a, sizeof(a));
	iso_day(in->newest, b, sizeof(b));
	printf("samples: oldest %s, newest %s\n", a, b);
	iso_day(in->last_sweep, a, sizeof(a));
	printf("last sweep: %s\n", in->last_sweep > 0 ? a : "never");
	printf("partitions: %zu", in->np);
	for (i = 0; i < in->np; i++)
		printf("%s%s", i ? " " : " (", in->p[i].name);
	printf("%s\n", in->np ? ")" : "");
	printf("spool: %u files, %llu bytes in %s\n", in->spool_files,
	       (unsigned long long)in->spool_bytes, in->spool_dir);
	for (i = 0; analyze && i < in->nt; i++) {
		struct ai u;

		if (!in->t[i].col[0])
			continue;
		u = ai_usage(&in->t[i]);
		printf("auto_increment %s.%s (%s): next %lld, %.2f %% used, "
		       "%s, %s\n", in->t[i].name, in->t[i].col,
		       in->t[i].coltype, in->t[i].next, u.pct, u.level,
		       u.days_left < 0 ? "no growth yet" : "");
		if (u.days_left >= 0)
			printf("  about %lld days to exhaustion at the "
			       "average growth so far\n", u.days_left);
	}
}

static cJSON *json_info(const struct info *in, bool analyze)
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
			struct ai u = ai_usage(&in->t[i]);

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
		cJSON_AddStringToObject(o, "level", worst(in, true) ?
					"critical" : "ok");
	return o;
}

int ms_maintain_report(struct ms_db *db, const struct ms_conf *c,
		       bool analyze, bool json)
{
	struct ms_err err = { 0 };
	struct info in;
	cJSON *o;
	char *s;
	int rc;

	if (gather(db, c, &in, &err) < 0) {
		ms_applet_error("%s", err.msg);
		rc = MS_EXIT_FAIL;
		goto out;
	}
	if (json) {
		o = json_info(&in, analyze);
		s = o ? cJSON_Print(o) : NULL;
		if (s)
			printf("%s\n", s);
		free(s);
		cJSON_Delete(o);
	} else {
		print_text(&in, analyze);
	}
	rc = worst(&in, analyze);
out:
	free(in.t);
	free(in.p);
	return rc;
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

int ms_maintain_cleanup(struct ms_sql_run *r, int days)
{
	static const char *const legacy[] = { "modulation_new", "modulation" };
	long long cutoff = (time(NULL) / DAY - days) * DAY;
	struct ms_err err = { 0 };
	uint64_t scans = 0, old = 0;
	unsigned dropped = 0;
	char sql[200], t[32];
	size_t i;
	int rc;

	rc = drop_partitions(r, cutoff, &dropped, &err);
	if (rc >= 0)
		rc = delete_batches(r, "DELETE FROM device_scans WHERE "
				    "started_ms < ? LIMIT 10000",
				    cutoff * 1000, &scans, &err);
	for (i = 0; rc >= 0 && i < MS_ARRAY_SIZE(legacy); i++) {
		const char *p[] = { legacy[i] };

		rc = ms_db_query_str(r->db, "SELECT TABLE_TYPE FROM "
				     "information_schema.TABLES WHERE "
				     "TABLE_SCHEMA = DATABASE() AND TABLE_NAME "
				     "= ?", p, 1, t, sizeof(t), &err);
		if (rc <= 0 || strcmp(t, "BASE TABLE"))
			continue;
		snprintf(sql, sizeof(sql), "DELETE FROM `%s` WHERE `timestamp` "
			 "< FROM_UNIXTIME(?) LIMIT 10000", legacy[i]);
		rc = delete_batches(r, sql, cutoff, &old, &err);
	}
	if (rc < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	if (!r->dry)
		printf("cleanup: kept %d days; dropped %u day partitions, "
		       "deleted %llu device scans and %llu legacy rows\n", days,
		       dropped, (unsigned long long)scans,
		       (unsigned long long)old);
	return MS_EXIT_OK;
}
