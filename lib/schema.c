/* Schema migrations, day partitions and the legacy import (see schema.h). */
#include "schema.h"

#include "buf.h"
#include "num.h"

enum { DAY = 86400 };

int ms_sql_run(struct ms_sql_run *r, const char *sql, struct ms_err *err)
{
	r->count++;
	if (r->dry) {
		fprintf(r->out ? r->out : stdout, "%s;\n", sql);
		return 0;
	}
	return ms_db_exec(r->db, sql, err);
}

int ms_schema_lock(struct ms_db *db, struct ms_err *err)
{
	char v[8];
	int r;

	r = ms_db_query_str(db, "SELECT GET_LOCK('modscan.schema', 60)", NULL,
			    0, v, sizeof(v), err);
	if (r < 0)
		return r;
	if (strcmp(v, "1"))
		return ms_err_set(err, MS_E_BUSY,
				  "database: schema lock held by another "
				  "session for %d s", MS_SCHEMA_LOCK_WAIT);
	return 0;
}

void ms_schema_unlock(struct ms_db *db)
{
	char v[8];

	ms_db_query_str(db, "SELECT RELEASE_LOCK('modscan.schema')", NULL, 0,
			v, sizeof(v), NULL);
}

static int table_type(struct ms_db *db, const char *name, char *type,
		      size_t size, struct ms_err *err)
{
	const char *p[] = { name };

	return ms_db_query_str(db,
		"SELECT TABLE_TYPE FROM information_schema.TABLES "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
		p, 1, type, size, err);
}

int ms_schema_table_type(struct ms_db *db, const char *name, char *type,
			 size_t size, struct ms_err *err)
{
	return table_type(db, name, type, size, err);
}

int ms_schema_version(struct ms_db *db, int *version, struct ms_err *err)
{
	char v[32], t[32];
	long long n;
	int r;

	*version = 0;
	r = table_type(db, "schema_version", t, sizeof(t), err);
	if (r <= 0)
		return r;
	r = ms_db_query_str(db, "SELECT COALESCE(MAX(version), 0) FROM "
			    "schema_version", NULL, 0, v, sizeof(v), err);
	if (r < 0)
		return r;
	if (ms_parse_ll(v, 0, INT_MAX, &n) < 0)
		return ms_err_set(err, MS_E_DB, "database: bad schema version "
				  "'%s'", v);
	*version = (int)n;
	return 0;
}

void ms_schema_day_name(int64_t day, char out[16])
{
	time_t t = (time_t)(day * DAY);
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	snprintf(out, 16, "p%04u%02u%02u", (unsigned)(tm.tm_year + 1900) % 10000,
		 (unsigned)(tm.tm_mon + 1) % 100, (unsigned)tm.tm_mday % 100);
}

/* "PARTITION pYYYYMMDD VALUES LESS THAN (...)" for days [a, c], comma
 * separated; first: no comma before the first one. */
static int add_days(struct ms_buf *b, int64_t a, int64_t c, bool first)
{
	char name[16];
	int r = 0;

	for (; a <= c && r >= 0; a++, first = false) {
		ms_schema_day_name(a, name);
		r = ms_buf_printf(b, "%sPARTITION %s VALUES LESS THAN (%lld)",
				  first ? "" : ", ", name,
				  (long long)((a + 1) * DAY));
	}
	return r;
}

static const char create_samples[] =
	"CREATE TABLE IF NOT EXISTS samples (\n"
	"  device VARCHAR(63) NOT NULL,\n"
	"  upstream VARCHAR(31) NOT NULL,\n"
	"  ts BIGINT NOT NULL COMMENT 'unix seconds: start of the device scan',\n"
	"  code INT NOT NULL COMMENT 'modulation profile code; 0: not known',\n"
	"  modulation ENUM('UNKNOWN','QPSK','QAM16','QAM64') NOT NULL,\n"
	"  PRIMARY KEY (device, upstream, ts)\n"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin\n"
	"PARTITION BY RANGE (ts) (PARTITION p_old VALUES LESS THAN (%lld)";

static const char *const migration1[] = {
	"CREATE TABLE IF NOT EXISTS schema_version (\n"
	"  version INT UNSIGNED NOT NULL PRIMARY KEY,\n"
	"  applied BIGINT NOT NULL COMMENT 'unix seconds',\n"
	"  description VARCHAR(200) NOT NULL\n"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	NULL,	/* samples, built with today's partitions */
	"CREATE TABLE IF NOT EXISTS device_scans (\n"
	"  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
	"  run_id VARCHAR(40) NOT NULL,\n"
	"  device VARCHAR(63) NOT NULL,\n"
	"  started_ms BIGINT NOT NULL COMMENT 'unix milliseconds',\n"
	"  ended_ms BIGINT NOT NULL COMMENT 'unix milliseconds',\n"
	"  outcome ENUM('ok','partial','failed') NOT NULL,\n"
	"  error VARCHAR(255) NOT NULL DEFAULT '',\n"
	"  channels INT UNSIGNED NOT NULL DEFAULT 0,\n"
	"  UNIQUE KEY run_device (run_id, device, started_ms),\n"
	"  KEY started (started_ms)\n"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	"CREATE TABLE IF NOT EXISTS lastupdatemodulation (\n"
	"  stamp BIGINT NOT NULL COMMENT 'unix seconds of the last sweep'\n"
	") ENGINE=InnoDB",
	"INSERT INTO lastupdatemodulation (stamp) SELECT 0 FROM DUAL "
	"WHERE NOT EXISTS (SELECT 1 FROM lastupdatemodulation)",
};

static const char create_view[] =
	"CREATE OR REPLACE SQL SECURITY INVOKER VIEW modulation_new AS "
	"SELECT device AS cmts, upstream, CAST(modulation AS CHAR) AS "
	"modulation, FROM_UNIXTIME(ts) AS `timestamp` FROM samples";

static const char mark1[] =
	"INSERT IGNORE INTO schema_version VALUES (1, UNIX_TIMESTAMP(), "
	"'samples by day, device_scans, legacy view')";

/* The view, unless a legacy base table still holds the name. */
static int make_view(struct ms_sql_run *r, char *note, size_t size,
		     struct ms_err *err)
{
	char t[32];
	int rc = table_type(r->db, "modulation_new", t, sizeof(t), err);

	if (rc < 0)
		return rc;
	if (rc && strcmp(t, "VIEW")) {
		if (note)
			snprintf(note, size, "a legacy table modulation_new "
				 "exists; run --import-legacy to move its rows "
				 "and create the view");
		return 0;
	}
	return ms_sql_run(r, create_view, err);
}

static int migrate1(struct ms_sql_run *r, time_t now, char *note,
		    size_t size, struct ms_err *err)
{
	int64_t today = (int64_t)now / DAY;
	struct ms_buf b;
	size_t i;
	int rc = 0;

	ms_buf_init(&b, 1 << 16);
	for (i = 0; i < MS_ARRAY_SIZE(migration1) && rc >= 0; i++) {
		if (migration1[i]) {
			rc = ms_sql_run(r, migration1[i], err);
			continue;
		}
		if (ms_buf_printf(&b, create_samples,
				  (long long)(today * DAY)) < 0 ||
		    add_days(&b, today, today + MS_SCHEMA_AHEAD_DAYS, false) < 0 ||
		    ms_buf_adds(&b, ", PARTITION p_future VALUES LESS THAN "
				"MAXVALUE)") < 0)
			rc = ms_err_set(err, MS_E_NOMEM, "out of memory");
		else
			rc = ms_sql_run(r, b.p, err);
	}
	ms_buf_release(&b);
	if (rc >= 0)
		rc = make_view(r, note, size, err);
	if (rc >= 0)
		rc = ms_sql_run(r, mark1, err);
	return rc;
}

/*
 * The migrations after the first, in version order: statements, each
 * idempotent, then the schema_version row.  A migration runs when its row
 * is missing, so versions that landed out of order are still applied.
 */
struct migration {
	int version;
	const char *desc;		/* the schema_version description */
	const char *const *sql;		/* NULL-terminated */
};

static const char *const migration2[] = {
	"CREATE TABLE IF NOT EXISTS upstream_nodes (\n"
	"  device VARCHAR(63) NOT NULL,\n"
	"  upstream VARCHAR(31) NOT NULL,\n"
	"  node VARCHAR(63) NOT NULL,\n"
	"  description VARCHAR(255) NOT NULL DEFAULT '',\n"
	"  source ENUM('file','sql','device') NOT NULL,\n"
	"  valid_from BIGINT NOT NULL COMMENT 'unix seconds',\n"
	"  valid_to BIGINT NULL COMMENT 'unix seconds; NULL: in force',\n"
	"  PRIMARY KEY (device, upstream, valid_from),\n"
	"  KEY node (node, valid_from)\n"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	NULL
};

static const char *const migration3[] = {
	"CREATE TABLE IF NOT EXISTS scan_instances (\n"
	"  name VARCHAR(63) NOT NULL PRIMARY KEY,\n"
	"  groups VARCHAR(255) NOT NULL DEFAULT '' "
	"COMMENT 'comma separated; empty: all',\n"
	"  host VARCHAR(255) NOT NULL DEFAULT '',\n"
	"  pid INT UNSIGNED NOT NULL DEFAULT 0,\n"
	"  started_ms BIGINT NOT NULL COMMENT 'unix milliseconds',\n"
	"  seen_ms BIGINT NOT NULL COMMENT 'last renewal, unix milliseconds',\n"
	"  lapse_ms BIGINT NOT NULL COMMENT 'lapsed past seen_ms + lapse_ms',\n"
	"  leased INT UNSIGNED NOT NULL DEFAULT 0 "
	"COMMENT 'devices leased in the last scan interval',\n"
	"  stopped TINYINT NOT NULL DEFAULT 0 COMMENT '1: left cleanly'\n"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	"CREATE TABLE IF NOT EXISTS scan_leases (\n"
	"  device VARCHAR(63) NOT NULL PRIMARY KEY,\n"
	"  grp VARCHAR(63) NOT NULL DEFAULT '' COMMENT 'empty: any instance',\n"
	"  instance VARCHAR(63) NOT NULL DEFAULT '' "
	"COMMENT 'holder; empty: free',\n"
	"  expires_ms BIGINT NOT NULL DEFAULT 0 COMMENT 'unix milliseconds',\n"
	"  slot BIGINT NOT NULL DEFAULT -1 "
	"COMMENT 'scan interval number of the last scan',\n"
	"  scanned_by VARCHAR(63) NOT NULL DEFAULT '',\n"
	"  KEY instance (instance),\n"
	"  KEY grp (grp)\n"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	"ALTER TABLE device_scans ADD COLUMN IF NOT EXISTS instance "
	"VARCHAR(63) NOT NULL DEFAULT '' AFTER run_id",
	NULL
};

static const struct migration later[] = {
	{ 2, "upstream to node map with its history", migration2 },
	{ 3, "scan instances and device leases", migration3 },
	{ 0, NULL, NULL }
};

static int applied(struct ms_db *db, int version, bool *yes,
		   struct ms_err *err)
{
	char v[16], n[16];
	const char *p[] = { v };
	int r;

	snprintf(v, sizeof(v), "%d", version);
	r = ms_db_query_str(db, "SELECT COUNT(*) FROM schema_version WHERE "
			    "version = ?", p, 1, n, sizeof(n), err);
	*yes = r > 0 && strcmp(n, "0");
	return r < 0 ? r : 0;
}

static int migrate_later(struct ms_sql_run *r, bool fresh,
			 struct ms_err *err)
{
	const struct migration *m;
	const char *const *s;
	struct ms_buf b;
	bool yes = false;
	int rc = 0;

	ms_buf_init(&b, 1024);
	for (m = later; m->version && rc >= 0; m++) {
		rc = fresh ? 0 : applied(r->db, m->version, &yes, err);
		if (rc < 0 || yes)
			continue;
		for (s = m->sql; *s && rc >= 0; s++)
			rc = ms_sql_run(r, *s, err);
		ms_buf_reset(&b);
		if (rc >= 0 && ms_buf_printf(&b, "INSERT IGNORE INTO "
					     "schema_version VALUES (%d, "
					     "UNIX_TIMESTAMP(), '%s')",
					     m->version, m->desc) < 0)
			rc = ms_err_set(err, MS_E_NOMEM, "out of memory");
		else if (rc >= 0)
			rc = ms_sql_run(r, b.p, err);
	}
	ms_buf_release(&b);
	return rc;
}

int ms_schema_init(struct ms_sql_run *r, time_t now, char *note,
		   size_t note_size, struct ms_err *err)
{
	int64_t today = (int64_t)now / DAY;
	int version, rc;

	if (note && note_size)
		note[0] = '\0';
	rc = ms_schema_lock(r->db, err);
	if (rc < 0)
		return rc;
	rc = ms_schema_version(r->db, &version, err);
	if (rc >= 0 && version < 1)
		rc = migrate1(r, now, note, note_size, err);
	else if (rc >= 0)
		rc = make_view(r, note, note_size, err);
	if (rc >= 0)
		rc = migrate_later(r, version < 1, err);
	if (rc >= 0)
		rc = ms_schema_partitions(r, today,
					  today + MS_SCHEMA_AHEAD_DAYS, err);
	ms_schema_unlock(r->db);
	return rc;
}

struct plist {
	struct ms_partition *v;
	size_t n, cap;
};

static int part_row(void *ctx, unsigned ncols, char **vals)
{
	struct plist *l = ctx;
	struct ms_partition *p;
	long long n;

	if (ncols < 3 || !vals[0])
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		p = realloc(l->v, l->cap * sizeof(*p));
		if (!p)
			return 1;
		l->v = p;
	}
	p = &l->v[l->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", vals[0]);
	p->bound = INT64_MAX;
	if (vals[1] && ms_parse_ll(vals[1], LLONG_MIN, LLONG_MAX, &n) == 0)
		p->bound = n;
	if (vals[2] && ms_parse_ll(vals[2], 0, LLONG_MAX, &n) == 0)
		p->rows = (uint64_t)n;
	return 0;
}

int ms_schema_list_partitions(struct ms_db *db, struct ms_partition **out,
			      size_t *n, struct ms_err *err)
{
	struct plist l = { 0 };
	int r;

	r = ms_db_query(db, "SELECT PARTITION_NAME, PARTITION_DESCRIPTION, "
			"TABLE_ROWS FROM information_schema.PARTITIONS "
			"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = "
			"'samples' AND PARTITION_NAME IS NOT NULL "
			"ORDER BY PARTITION_ORDINAL_POSITION", NULL, 0,
			part_row, &l, NULL, err);
	if (r < 0) {
		free(l.v);
		return r;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

/*
 * Split a catch-all partition: p_old keeps what is before day a, p_future
 * keeps what is after day c, days a..c get their own partitions.
 */
static int reorganize(struct ms_sql_run *r, bool old, int64_t a, int64_t c,
		      struct ms_err *err)
{
	struct ms_buf b;
	int rc;

	ms_buf_init(&b, 1 << 20);
	rc = ms_buf_printf(&b, "ALTER TABLE samples REORGANIZE PARTITION %s "
			   "INTO (", old ? "p_old" : "p_future");
	if (rc >= 0 && old)
		rc = ms_buf_printf(&b, "PARTITION p_old VALUES LESS THAN (%lld)",
				   (long long)(a * DAY));
	if (rc >= 0)
		rc = add_days(&b, a, c, !old);
	if (rc >= 0 && !old)
		rc = ms_buf_adds(&b, ", PARTITION p_future VALUES LESS THAN "
				 "MAXVALUE");
	if (rc >= 0)
		rc = ms_buf_adds(&b, ")");
	if (rc >= 0)
		rc = ms_sql_run(r, b.p, err);
	else
		rc = ms_err_set(err, MS_E_NOMEM, "out of memory");
	ms_buf_release(&b);
	return rc;
}

int ms_schema_partitions(struct ms_sql_run *r, int64_t first_day,
			 int64_t last_day, struct ms_err *err)
{
	struct ms_partition *p = NULL;
	int64_t lo, hi;
	size_t n;
	int rc;

	rc = ms_schema_list_partitions(r->db, &p, &n, err);
	if (rc < 0 || n == 0)
		goto out;
	if (n < 2 || strcmp(p[0].name, "p_old") ||
	    strcmp(p[n - 1].name, "p_future") || p[n - 1].bound != INT64_MAX) {
		rc = ms_err_set(err, MS_E_DB, "database: samples is not "
				"partitioned as modscan made it (p_old .. "
				"p_future); not changing its partitions");
		goto out;
	}
	lo = p[0].bound / DAY;		/* first day with its own partition */
	hi = p[n - 2].bound / DAY;	/* first day without one */
	if (last_day - first_day > MS_SCHEMA_BACK_DAYS)
		first_day = last_day - MS_SCHEMA_BACK_DAYS;
	if (first_day < lo)
		rc = reorganize(r, true, first_day, lo - 1, err);
	if (rc >= 0 && last_day >= hi)
		rc = reorganize(r, false, MS_MAX(hi, first_day), last_day,
				err);
out:
	free(p);
	return rc;
}

int ms_schema_partitions_ahead(struct ms_db *db, time_t now,
			       struct ms_err *err)
{
	struct ms_sql_run r = { .db = db };
	int64_t today = (int64_t)now / DAY;
	int rc;

	rc = ms_schema_lock(db, err);
	if (rc < 0)
		return rc;
	rc = ms_schema_partitions(&r, today, today + MS_SCHEMA_AHEAD_DAYS, err);
	ms_schema_unlock(db);
	return rc;
}

/* The legacy time column as unix seconds, whatever its type. */
static const char *legacy_ts(const char *data_type)
{
	if (!strcmp(data_type, "int") || !strcmp(data_type, "bigint") ||
	    !strcmp(data_type, "decimal") || !strcmp(data_type, "double"))
		return "CAST(`timestamp` AS SIGNED)";
	return "UNIX_TIMESTAMP(`timestamp`)";
}

/* First and last unix day of the legacy rows (-1 when empty). */
static int legacy_days(struct ms_db *db, const char *table, const char *ts,
		       int64_t *first, int64_t *last, struct ms_err *err)
{
	char sql[256], v[64], *sp;
	long long a, b;
	int r;

	*first = *last = -1;
	snprintf(sql, sizeof(sql), "SELECT CONCAT(MIN(%s) DIV 86400, ' ', "
		 "MAX(%s) DIV 86400) FROM `%s`", ts, ts, table);
	r = ms_db_query_str(db, sql, NULL, 0, v, sizeof(v), err);
	if (r <= 0 || !(sp = strchr(v, ' ')))
		return r < 0 ? r : 0;
	*sp = '\0';
	if (ms_parse_ll(v, 0, LLONG_MAX, &a) == 0 &&
	    ms_parse_ll(sp + 1, 0, LLONG_MAX, &b) == 0) {
		*first = a;
		*last = b;
	}
	return 0;
}

/* A name for the renamed table that is not taken yet. */
static int legacy_name(struct ms_db *db, const char *table, time_t now,
		       char *out, size_t size, struct ms_err *err)
{
	char day[16], t[32];
	int i, r;

	ms_schema_day_name((int64_t)now / DAY, day);
	for (i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(out, size, "%s_legacy_%s", table, day + 1);
		else
			snprintf(out, size, "%s_legacy_%s_%d", table, day + 1,
				 i);
		r = table_type(db, out, t, sizeof(t), err);
		if (r <= 0)
			return r;
	}
	return ms_err_set(err, MS_E_BUSY, "database: no free name for %s",
			  table);
}

static int import_one(struct ms_sql_run *r, const char *table, time_t now,
		      uint64_t *moved, struct ms_err *err)
{
	const char *p[] = { table };
	char type[32], renamed[96], sql[1024], cnt[32];
	int64_t first, last;
	long long n = 0;
	const char *ts;
	int rc;

	rc = ms_db_query_str(r->db, "SELECT DATA_TYPE FROM information_schema."
			     "COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
			     "TABLE_NAME = ? AND COLUMN_NAME = 'timestamp'",
			     p, 1, type, sizeof(type), err);
	if (rc <= 0)
		return rc < 0 ? rc : ms_err_set(err, MS_E_DB, "database: "
			"legacy table %s has no column `timestamp`", table);
	ts = legacy_ts(type);
	if ((rc = legacy_days(r->db, table, ts, &first, &last, err)) < 0 ||
	    (rc = legacy_name(r->db, table, now, renamed, sizeof(renamed),
			      err)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "RENAME TABLE `%s` TO `%s`", table, renamed);
	if ((rc = ms_sql_run(r, sql, err)) < 0)
		return rc;
	if (first >= 0 && (rc = ms_schema_partitions(r, first, last, err)) < 0)
		return rc;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO samples (device, upstream, ts, code, modulation) "
		 "SELECT LEFT(cmts, 63), LEFT(upstream, 31), %s, 0, "
		 "CASE UPPER(TRIM(modulation)) WHEN 'QAM64' THEN 'QAM64' "
		 "WHEN '64QAM' THEN 'QAM64' WHEN 'QAM16' THEN 'QAM16' "
		 "WHEN '16QAM' THEN 'QAM16' WHEN 'QPSK' THEN 'QPSK' "
		 "ELSE 'UNKNOWN' END FROM `%s` WHERE cmts IS NOT NULL AND "
		 "upstream IS NOT NULL AND `timestamp` IS NOT NULL "
		 "ON DUPLICATE KEY UPDATE ts = samples.ts", ts,
		 r->dry ? table : renamed);
	if ((rc = ms_sql_run(r, sql, err)) < 0)
		return rc;
	if (!r->dry) {
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM `%s`", renamed);
		rc = ms_db_query_str(r->db, sql, NULL, 0, cnt, sizeof(cnt), err);
		if (rc > 0 && ms_parse_ll(cnt, 0, LLONG_MAX, &n) == 0)
			*moved += (uint64_t)n;
	}
	return rc < 0 ? rc : 0;
}

int ms_schema_import_legacy(struct ms_sql_run *r, time_t now,
			    uint64_t *moved, struct ms_err *err)
{
	static const char *const names[] = { "modulation_new", "modulation" };
	char t[32], note[256];
	size_t i;
	int rc;

	*moved = 0;
	rc = ms_schema_init(r, now, note, sizeof(note), err);
	if (rc < 0)
		return rc;
	if ((rc = ms_schema_lock(r->db, err)) < 0)
		return rc;
	for (i = 0; i < MS_ARRAY_SIZE(names) && rc >= 0; i++) {
		rc = table_type(r->db, names[i], t, sizeof(t), err);
		if (rc > 0 && !strcmp(t, "BASE TABLE"))
			rc = import_one(r, names[i], now, moved, err);
	}
	if (rc >= 0)
		rc = ms_sql_run(r, create_view, err);
	ms_schema_unlock(r->db);
	return rc < 0 ? rc : 0;
}

/* --- grants --- */

/* What the schema, the scanner and maintain need on the database. */
static const char *const needed_grants[] = {
	"SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER",
	"CREATE VIEW"
};

struct grants {
	char user[200], db[200];
	bool have[MS_ARRAY_SIZE(needed_grants)];
};

static int who_row(void *ctx, unsigned n, char **v)
{
	struct grants *g = ctx;

	if (n == 2 && v[0] && v[1]) {
		snprintf(g->user, sizeof(g->user), "%s", v[0]);
		snprintf(g->db, sizeof(g->db), "%s", v[1]);
	}
	return 0;
}

static int grant_row(void *ctx, unsigned n, char **v)
{
	struct grants *g = ctx;
	size_t i;

	for (i = 0; n == 1 && v[0] && i < MS_ARRAY_SIZE(needed_grants); i++)
		if (!strcmp(v[0], needed_grants[i]))
			g->have[i] = true;
	return 0;
}

int ms_schema_check_grants(struct ms_db *db, struct ms_err *err)
{
	/* GRANTEE is spelled 'user'@'host' */
	static const char who[] =
		"SELECT CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), "
		"'''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), ''''), "
		"DATABASE()";
	static const char privs[] =
		"SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES "
		"WHERE GRANTEE = ? UNION SELECT PRIVILEGE_TYPE FROM "
		"information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND "
		"DATABASE() LIKE TABLE_SCHEMA";
	struct grants g = { .user = "", .db = "" };
	const char *p[2] = { g.user, g.user };
	char missing[160] = "";
	size_t i, n = 0;
	int r;

	if ((r = ms_db_query(db, who, NULL, 0, who_row, &g, NULL, err)) < 0 ||
	    (r = ms_db_query(db, privs, p, 2, grant_row, &g, NULL, err)) < 0)
		return r;
	for (i = 0; i < MS_ARRAY_SIZE(needed_grants); i++)
		if (!g.have[i])
			n += (size_t)snprintf(missing + n, sizeof(missing) - n,
					      "%s%s", n ? ", " : "",
					      needed_grants[i]);
	if (!missing[0])
		return 0;
	return ms_err_set(err, MS_E_AUTH, "database user %s lacks %s on '%s' "
			  "(nothing was changed); as an administrator: GRANT "
			  "%s ON `%s`.* TO %s", g.user, missing, g.db, missing,
			  g.db, g.user);
}
