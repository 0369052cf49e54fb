/*
 * The maintain applet: schema (--init, --import-legacy), health (--status,
 * --analyze), retention (--cleanup), --reset-id, --full.  Every change
 * goes through one runner so that --dry-run prints it instead.
 */
#include "applets.h"

#include <getopt.h>
#include <poll.h>
#include <cjson/cJSON.h>

#include "db.h"
#include "err.h"
#include "maintain.h"
#include "num.h"
#include "schema.h"
#include "spool.h"

const char ms_maintain_usage[] =
	"usage: modscan maintain ACTION [--dry-run] [--json] [--config FILE]\n"
	"\n"
	"Actions (one or more):\n"
	"  --init            create or migrate the schema (idempotent)\n"
	"  --import-legacy   move the rows of a legacy modulation_new or\n"
	"                    modulation table into samples (the old table is\n"
	"                    kept, renamed), then create the view\n"
	"  --status          schema version, tables, samples, partitions, spool\n"
	"  --analyze         --status plus AUTO_INCREMENT usage; exit 1 when a\n"
	"                    table is at 95 % of its id type or more\n"
	"  --cleanup         drop day partitions older than --days N (default\n"
	"                    RETENTION_DAYS); delete old legacy rows in batches\n"
	"  --reset-id        reset AUTO_INCREMENT of --table T (empty table\n"
	"                    only, unless --force)\n"
	"  --full            --analyze, --cleanup, then ANALYZE and OPTIMIZE\n"
	"\n"
	"Options:\n"
	"  --days N          retention for --cleanup\n"
	"  --table T         table for --reset-id\n"
	"  --force           --reset-id on a table that has rows\n"
	"  --dry-run         print every statement that would change something;\n"
	"                    change nothing\n"
	"  --json            --status and --analyze as JSON\n"
	"  --config FILE     configuration file\n"
	"\n"
	"Exit: 0 ok, 1 failure or critical, 2 usage or configuration error.\n";

enum {
	A_INIT = 1, A_IMPORT = 2, A_STATUS = 4, A_ANALYZE = 8, A_CLEANUP = 16,
	A_RESET = 32, A_FULL = 64
};

enum { O_DAYS = 256, O_TABLE, O_CONFIG, O_FORCE, O_DRY, O_JSON };

static const struct option longopts[] = {
	{ "init", no_argument, NULL, A_INIT },
	{ "import-legacy", no_argument, NULL, A_IMPORT },
	{ "status", no_argument, NULL, A_STATUS },
	{ "analyze", no_argument, NULL, A_ANALYZE },
	{ "cleanup", no_argument, NULL, A_CLEANUP },
	{ "reset-id", no_argument, NULL, A_RESET },
	{ "full", no_argument, NULL, A_FULL },
	{ "days", required_argument, NULL, O_DAYS },
	{ "table", required_argument, NULL, O_TABLE },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "force", no_argument, NULL, O_FORCE },
	{ "dry-run", no_argument, NULL, O_DRY },
	{ "json", no_argument, NULL, O_JSON },
	{ NULL, 0, NULL, 0 }
};

struct args {
	unsigned actions;
	int days;		/* -1: RETENTION_DAYS */
	const char *table, *config;
	bool force, dry, json;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	a->days = -1;
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_DAYS:
			if (ms_parse_int(optarg, 1, 3650, &a->days) < 0) {
				ms_applet_error("--days: '%s' is not a number "
						"of days (1..3650)", optarg);
				return MS_EXIT_USAGE;
			}
			break;
		case O_TABLE: a->table = optarg; break;
		case O_CONFIG: a->config = optarg; break;
		case O_FORCE: a->force = true; break;
		case O_DRY: a->dry = true; break;
		case O_JSON: a->json = true; break;
		case '?': return ms_applet_usage_error();
		default: a->actions |= (unsigned)c; break;
		}
	}
	if (optind < argc) {
		ms_applet_error("unexpected argument '%s'", argv[optind]);
		return ms_applet_usage_error();
	}
	if (!a->actions) {
		ms_applet_error("no action given (--init, --status, ...)");
		return ms_applet_usage_error();
	}
	if ((a->actions & A_RESET) && !a->table) {
		ms_applet_error("--reset-id needs --table T");
		return MS_EXIT_USAGE;
	}
	if (a->table && !ms_maintain_ident_ok(a->table)) {
		ms_applet_error("--table: '%s' is not a table name", a->table);
		return MS_EXIT_USAGE;
	}
	return 0;
}

bool ms_maintain_ident_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
			  "VWXYZ0123456789_");

	return n > 0 && n <= 64 && s[n] == '\0';
}

static int do_init(struct ms_sql_run *r, bool import)
{
	struct ms_err err = { 0 };
	char note[256] = "";
	uint64_t moved = 0;
	int before = 0, after = 0;

	if (ms_schema_version(r->db, &before, &err) < 0)
		goto fail;
	if (import) {
		if (ms_schema_import_legacy(r, time(NULL), &moved, &err) < 0)
			goto fail;
	} else if (ms_schema_init(r, time(NULL), note, sizeof(note), &err) < 0) {
		goto fail;
	}
	if (r->dry)
		return MS_EXIT_OK;
	if (ms_schema_version(r->db, &after, &err) < 0)
		goto fail;
	printf("schema version %d (was %d)\n", after, before);
	if (import)
		printf("imported %llu legacy rows; modulation_new is now a "
		       "view over samples\n", (unsigned long long)moved);
	if (note[0])
		printf("note: %s\n", note);
	return MS_EXIT_OK;
fail:
	ms_applet_error("%s", err.msg);
	return MS_EXIT_FAIL;
}

static int do_reset(struct ms_sql_run *r, const struct args *a)
{
	struct ms_err err = { 0 };
	char sql[160], v[16];
	const char *p[] = { a->table };
	int n;

	n = ms_db_query_str(r->db, "SELECT AUTO_INCREMENT FROM "
			    "information_schema.TABLES WHERE TABLE_SCHEMA = "
			    "DATABASE() AND TABLE_NAME = ?", p, 1, v, sizeof(v),
			    &err);
	if (n == 0 || (n > 0 && !v[0])) {
		ms_applet_error("--reset-id: table %s %s", a->table, n == 0 ?
				"does not exist" : "has no AUTO_INCREMENT");
		return MS_EXIT_FAIL;
	}
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM (SELECT 1 FROM `%s` "
		 "LIMIT 1) x", a->table);
	if (n > 0)
		n = ms_db_query_str(r->db, sql, NULL, 0, v, sizeof(v), &err);
	if (n < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	if (strcmp(v, "0") && !a->force) {
		ms_applet_error("--reset-id: table %s has rows; not resetting "
				"its ids (--force resets to the next free id)",
				a->table);
		return MS_EXIT_FAIL;
	}
	snprintf(sql, sizeof(sql), "ALTER TABLE `%s` AUTO_INCREMENT = 1",
		 a->table);
	if (ms_sql_run(r, sql, &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	if (!r->dry)
		printf("%s: AUTO_INCREMENT reset\n", a->table);
	return MS_EXIT_OK;
}

static int do_optimize(struct ms_sql_run *r)
{
	struct ms_err err = { 0 };

	if (ms_sql_run(r, "ANALYZE TABLE samples, device_scans", &err) < 0 ||
	    ms_sql_run(r, "OPTIMIZE TABLE device_scans", &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	return MS_EXIT_OK;
}

static int connect(const struct ms_conf *c, struct ms_db **db)
{
	struct ms_err err = { 0 };
	struct ms_db_opts o;
	int r;

	ms_db_opts_from_conf(&o, c);
	r = ms_db_connect(db, &o, &err);
	if (r < 0) {
		ms_applet_error("%s", err.msg);
		return r == MS_E_NOENT ? MS_EXIT_USAGE : MS_EXIT_FAIL;
	}
	return 0;
}

int ms_maintain_main(int argc, char **argv)
{
	struct ms_sql_run run = { .out = stdout };
	struct ms_conf conf;
	struct ms_db *db = NULL;
	struct args a;
	int rc, days;

	if ((rc = parse_args(argc, argv, &a)) != 0)
		return rc;
	if ((rc = ms_applet_conf(&conf, a.config)) != 0)
		return rc;
	if ((rc = ms_applet_rundir(&conf, false)) != 0) {
		ms_conf_release(&conf);
		return rc;
	}
	if (ms_db_global_init() < 0) {
		ms_applet_error("database: cannot initialise Connector/C");
		ms_conf_release(&conf);
		return MS_EXIT_FAIL;
	}
	rc = connect(&conf, &db);
	run.db = db;
	run.dry = a.dry;
	days = a.days > 0 ? a.days :
		(int)ms_conf_int(&conf, MS_CONF_RETENTION_DAYS);
	if (a.actions & A_FULL)
		a.actions |= A_ANALYZE | A_CLEANUP;
	if (!rc && (a.actions & (A_INIT | A_IMPORT)))
		rc = do_init(&run, a.actions & A_IMPORT);
	if (!rc && (a.actions & A_RESET))
		rc = do_reset(&run, &a);
	if (!rc && (a.actions & A_CLEANUP))
		rc = ms_maintain_cleanup(&run, days);
	if (!rc && (a.actions & A_FULL))
		rc = do_optimize(&run);
	if (!rc && (a.actions & (A_STATUS | A_ANALYZE)))
		rc = ms_maintain_report(db, &conf, a.actions & A_ANALYZE,
					a.json);
	ms_db_close(db);
	ms_db_global_end();
	ms_conf_release(&conf);
	return rc;
}
