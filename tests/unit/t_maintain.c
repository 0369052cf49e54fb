/*
 * Database upkeep (lib/maintain): the pure parts here, the SQL against a
 * real MariaDB when t5010-maintain-health.sh runs this with
 * MS_TEST_DB_PORT and DB_* set.  Expected values are worked by hand.
 */
#include "maintain.h"

#include <cjson/cJSON.h>

#include "db.h"
#include "schema.h"
#include "harness.h"

static struct ms_db *db;

/* A statement the test needs; a failure fails the test. */
static void sql(const char *q)
{
	struct ms_err err = { 0 };

	if (!ok(ms_db_query(db, q, NULL, 0, NULL, NULL, NULL, &err) == 0,
		"%.60s", q))
		printf("#   %s\n", err.msg);
}

static long long count(const char *q)
{
	char v[32] = "";

	ms_db_query_str(db, q, NULL, 0, v, sizeof(v), NULL);
	return strtoll(v, NULL, 10);
}

static void test_type_max(void)
{
	static const struct {
		const char *type;
		uint64_t max;
	} t[] = {
		{ "tinyint(3) unsigned", 255 }, { "tinyint(4)", 127 },
		{ "smallint(6)", 32767 }, { "mediumint(8) unsigned", 16777215 },
		{ "int(11)", 2147483647 }, { "int(10) unsigned", 4294967295u },
		{ "bigint(20) unsigned", UINT64_MAX },
		{ "bigint(20)", 9223372036854775807u }, { "int", 2147483647 },
		{ "varchar(10)", 0 }, { "integer", 0 }, { "", 0 },
	};
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++)
		ok(ms_maintain_type_max(t[i].type) == t[i].max,
		   "type max of '%s'", t[i].type);
}

static void test_ident(void)
{
	char name[70];

	ok(ms_maintain_ident_ok("device_scans"), "a table name");
	ok(ms_maintain_ident_ok("T1"), "letters and digits");
	ok(!ms_maintain_ident_ok(""), "empty is not a name");
	ok(!ms_maintain_ident_ok("a-b"), "a dash is not allowed");
	ok(!ms_maintain_ident_ok("x`; DROP TABLE y"), "no quoting tricks");
	memset(name, 'a', 64);
	name[64] = '\0';
	ok(ms_maintain_ident_ok(name), "64 characters are fine");
	name[64] = 'a';
	name[65] = '\0';
	ok(!ms_maintain_ident_ok(name), "65 are too many");
}

static struct ms_maintain_table table(const char *name, const char *coltype,
				      long long next, long long age_days)
{
	struct ms_maintain_table t;

	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "%s", name);
	snprintf(t.type, sizeof(t.type), "BASE TABLE");
	snprintf(t.col, sizeof(t.col), "%s", *coltype ? "id" : "");
	snprintf(t.coltype, sizeof(t.coltype), "%s", coltype);
	t.next = next;
	t.age_days = age_days;
	return t;
}

static void test_ai(void)
{
	struct ms_maintain_table t = table("small", "tinyint(3) unsigned", 210,
					   10);
	struct ms_maintain_info in;
	struct ms_maintain_ai a;

	/* 209 of 255 used = 81.96 %; 20.9 a day, 46 left: 2 days */
	a = ms_maintain_ai(&t);
	ok(a.pct > 81.95 && a.pct < 81.97, "210 of tinyint: 81.96 %% (%f)",
	   a.pct);
	is_str(a.level, "warning", "80 %% or more is a warning");
	is_int(a.days_left, 2, "2 days left at 20.9 ids a day");
	t.next = 250;	/* 249 / 255 = 97.6 % */
	a = ms_maintain_ai(&t);
	is_str(a.level, "critical", "95 %% or more is critical");
	t.next = 1;
	a = ms_maintain_ai(&t);
	ok(a.pct == 0 && a.days_left == -1, "no id used: 0 %%, no estimate");
	is_str(a.level, "ok", "and ok");
	memset(&in, 0, sizeof(in));
	in.t = &t;
	in.nt = 1;
	ok(!ms_maintain_critical(&in), "one table at 0 %%: not critical");
	t.next = 250;
	ok(ms_maintain_critical(&in), "one table at 97.6 %%: critical");
}

static void test_render(void)
{
	struct ms_maintain_table t[2];
	struct ms_maintain_info in;
	struct ms_buf b;
	cJSON *j, *e;

	t[0] = table("samples", "", -1, 3);
	t[0].rows = 5;
	t[0].bytes = 1572864;
	t[1] = table("small", "tinyint(3) unsigned", 210, 10);
	memset(&in, 0, sizeof(in));
	in.version = 3;
	in.t = t;
	in.nt = 2;
	in.oldest = in.newest = in.last_sweep = -1;
	in.spool_files = 2;
	in.spool_bytes = 10;
	snprintf(in.spool_dir, sizeof(in.spool_dir), "/x/spool");
	snprintf(in.where, sizeof(in.where), "db.example.net:3306");
	ms_buf_init(&b, 4096);
	is_int(ms_maintain_text(&in, true, &b), 0, "text renders");
	is_str(b.p, "database: db.example.net:3306, no TLS\n"
	       "schema version: 3\n"
	       "table samples                      table      rows ~5, "
	       "1.5 MiB\n"
	       "table small                        table      rows ~0, "
	       "0.0 MiB\n"
	       "samples: oldest none, newest none\n"
	       "last sweep: never\n"
	       "partitions: 0\n"
	       "spool: 2 files, 10 bytes in /x/spool\n"
	       "auto_increment small.id (tinyint(3) unsigned): next 210, "
	       "81.96 % used, warning, \n"
	       "  about 2 days to exhaustion at the average growth so far\n",
	       "text: every line");
	ms_buf_reset(&b);
	is_int(ms_maintain_json(&in, true, &b), 0, "JSON renders");
	j = cJSON_Parse(b.p);
	ok(j != NULL, "JSON parses");
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "tables"), 1);
	ok(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "schema_version")) ==
	   3, "JSON: schema version");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItem(e, "level")),
	       "warning", "JSON: the small table's level");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItem(j, "level")), "ok",
	       "JSON: overall level ok below 95 %%");
	cJSON_Delete(j);
	ms_buf_release(&b);
}

static void test_gather(const struct ms_conf *c)
{
	struct ms_maintain_info in;
	struct ms_err err = { 0 };
	bool samples = false, old = false, future = false;
	size_t i;

	is_int(ms_maintain_gather(db, c, &in, &err), 0, "gather (%s)",
	       err.msg);
	ok(in.version >= 1, "schema version %d", in.version);
	for (i = 0; i < in.nt; i++)
		samples |= !strcmp(in.t[i].name, "samples") &&
			   !strcmp(in.t[i].type, "BASE TABLE");
	for (i = 0; i < in.np; i++) {
		old |= !strcmp(in.p[i].name, "p_old");
		future |= !strcmp(in.p[i].name, "p_future");
	}
	ok(samples, "the samples table is listed");
	ok(old && future, "p_old and p_future are among %zu partitions",
	   in.np);
	ms_maintain_info_release(&in);
}

/* Three device scans 10 days old and two of now; keep 1 day. */
static void test_cleanup(time_t now)
{
	struct ms_sql_run run = { 0 };
	struct ms_maintain_cleaned res;
	struct ms_err err = { 0 };
	char q[400], want[200], *printed = NULL;
	long long old = ((long long)now - 10 * 86400) * 1000;
	size_t size = 0;
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(q, sizeof(q), "INSERT INTO device_scans (run_id, "
			 "device, started_ms, ended_ms, outcome) VALUES "
			 "('unit', 'D%d', %lld, %lld, 'ok')", i,
			 i < 3 ? old : (long long)now * 1000,
			 i < 3 ? old + 1 : (long long)now * 1000 + 1);
		sql(q);
	}
	/* the node map: ended 10 days ago (gone), ended today and in force
	 * since 20 days (both kept) */
	snprintf(q, sizeof(q), "INSERT INTO upstream_nodes (device, upstream, "
		 "node, source, valid_from, valid_to) VALUES ('U', '1/0', "
		 "'FN-1', 'file', %lld, %lld), ('U', '1/0', 'FN-2', 'file', "
		 "%lld, %lld), ('U', '1/0', 'FN-3', 'file', %lld, NULL), "
		 "('U', '1/1', 'FN-4', 'sql', %lld, NULL)",
		 (long long)now - 30 * 86400, (long long)now - 10 * 86400,
		 (long long)now - 10 * 86400, (long long)now - 60,
		 (long long)now - 60, (long long)now - 20 * 86400);
	sql(q);
	run.db = db;
	run.dry = true;
	run.out = open_memstream(&printed, &size);
	is_int(ms_maintain_cleanup(&run, 1, now, NULL, &res, &err), 0,
	       "--dry-run cleanup (%s)", err.msg);
	fclose(run.out);
	snprintf(want, sizeof(want), "DELETE FROM device_scans WHERE "
		 "started_ms < %lld LIMIT 10000; -- repeated until no row "
		 "is left", ((long long)now / 86400 - 1) * 86400 * 1000);
	ok(printed && strstr(printed, want), "dry run prints '%s'", want);
	is_int(count("SELECT COUNT(*) FROM device_scans WHERE run_id = "
		     "'unit'"), 5, "dry run deletes nothing");
	run.dry = false;
	run.out = NULL;
	is_int(ms_maintain_cleanup(&run, 1, now, NULL, &res, &err), 0,
	       "cleanup (%s)", err.msg);
	is_int(res.scans, 3, "three old device scans deleted");
	is_int(count("SELECT COUNT(*) FROM device_scans WHERE run_id = "
		     "'unit'"), 2, "the two of today stay");
	is_int(res.node_rows, 1, "one node map row that ended 10 days ago");
	is_int(count("SELECT COUNT(*) FROM upstream_nodes WHERE device = 'U' "
		     "AND node IN ('FN-2', 'FN-3', 'FN-4')"), 3,
	       "the rows of kept days stay, closed or open");
	sql("DELETE FROM upstream_nodes WHERE device = 'U'");
	free(printed);
}

static void test_reset(void)
{
	struct ms_sql_run run = { 0 };
	struct ms_err err = { 0 };

	run.db = db;
	sql("DROP TABLE IF EXISTS unit_ai");
	sql("CREATE TABLE unit_ai (id TINYINT UNSIGNED AUTO_INCREMENT "
	    "PRIMARY KEY) AUTO_INCREMENT = 100");
	is_int(ms_maintain_reset_id(&run, "unit_ai", false, &err), 0,
	       "an empty table's counter is reset (%s)", err.msg);
	sql("INSERT INTO unit_ai VALUES (NULL)");
	is_int(count("SELECT MAX(id) FROM unit_ai"), 1,
	       "the next id is 1 again");
	is_int(ms_maintain_reset_id(&run, "unit_ai", false, &err), MS_E_BUSY,
	       "a table with rows is refused without force");
	is_str(err.msg, "table unit_ai has rows; not resetting its ids "
	       "(--force resets to the next free id)", "and says why");
	is_int(ms_maintain_reset_id(&run, "unit_ai", true, &err), 0,
	       "with force it is reset");
	sql("INSERT INTO unit_ai VALUES (NULL)");
	is_int(count("SELECT MAX(id) FROM unit_ai"), 2,
	       "to the next free id");
	is_int(ms_maintain_reset_id(&run, "nosuch", false, &err), MS_E_NOENT,
	       "a missing table: NOENT");
	is_str(err.msg, "table nosuch does not exist", "named");
	is_int(ms_maintain_reset_id(&run, "a`b", false, &err), MS_E_INVAL,
	       "a name that is not one: INVAL");
	sql("DROP TABLE unit_ai");
}

static void test_db(void)
{
	struct ms_sql_run run = { 0 };
	struct ms_err err = { 0 };
	struct ms_db_opts o;
	struct ms_conf c;

	ms_conf_init(&c);
	if (!ok(ms_conf_load_env(&c, &err) == 0 && ms_db_global_init() == 0,
		"configuration from the environment (%s)", err.msg))
		return;
	ms_db_opts_from_conf(&o, &c);
	if (ok(ms_db_connect(&db, &o, &err) == 0, "connect (%s)", err.msg)) {
		run.db = db;
		ok(ms_schema_init(&run, time(NULL), NULL, 0, &err) == 0,
		   "schema ready (%s)", err.msg);
		test_gather(&c);
		test_cleanup(time(NULL));
		test_reset();
		ms_db_close(db);
	}
	ms_db_global_end();
	ms_conf_release(&c);
}

int main(void)
{
	test_type_max();
	test_ident();
	test_ai();
	test_render();
	if (getenv("MS_TEST_DB_PORT"))
		test_db();
	else
		ok(1, "# skip the database part: MS_TEST_DB_PORT not set "
		   "(t5010-maintain-health.sh runs it against a server)");
	return done_testing();
}
