/*
 * The maintain applet: schema (--init, --import-legacy), health (--status,
 * --analyze), retention (--cleanup), --reset-id, --full, the fleet view
 * (--fleet): options and messages around lib/maintain.  Every change goes
 * through one runner so that --dry-run prints it instead.
 */
#include "applets.h"

#include "db.h"
#include "err.h"
#include "fleetview.h"
#include "maintain.h"
#include "mstime.h"
#include "num.h"
#include "schema.h"

enum {
	A_INIT = 1, A_IMPORT = 2, A_STATUS = 4, A_ANALYZE = 8, A_CLEANUP = 16,
	A_RESET = 32, A_FULL = 64, A_FLEET = 128
};

/* Actions are MS_OPT_OWN + their bit, the other options follow. */
enum { O_ACTION = MS_OPT_OWN, O_DAYS = O_ACTION + 256, O_TABLE, O_FORCE,
       O_DRY, O_JSON };

static const struct ms_opt opts[] = {
	{ "init", 0, NULL, O_ACTION + A_INIT, 0,
	  "create or migrate the schema (idempotent)" },
	{ "import-legacy", 0, NULL, O_ACTION + A_IMPORT, 0,
	  "move the rows of a legacy modulation_new or\n"
	  "modulation table into samples (the old table is\n"
	  "kept, renamed), then create the view" },
	{ "status", 0, NULL, O_ACTION + A_STATUS, 0,
	  "schema version, tables, samples, partitions, spool" },
	{ "analyze", 0, NULL, O_ACTION + A_ANALYZE, 0,
	  "--status plus AUTO_INCREMENT usage; exit 1 when a\n"
	  "table is at 95 % of its id type or more" },
	{ "analyse", 0, NULL, O_ACTION + A_ANALYZE, 0,
	  "the same as --analyze (the old tool's spelling)" },
	{ "cleanup", 0, NULL, O_ACTION + A_CLEANUP, 0,
	  "drop day partitions older than --days N (default\n"
	  "RETENTION_DAYS); delete old legacy rows and node\n"
	  "map rows that ended before them, in batches" },
	{ "reset-id", 0, NULL, O_ACTION + A_RESET, 0,
	  "reset AUTO_INCREMENT of --table T (empty table\n"
	  "only, unless --force)" },
	{ "full", 0, NULL, O_ACTION + A_FULL, 0,
	  "--analyze, --cleanup, then ANALYZE and OPTIMIZE" },
	{ "fleet", 0, NULL, O_ACTION + A_FLEET, 0,
	  "read the shared fleet (scan instances, leases)\n"
	  "and write its view beside STATUS_FILE, where\n"
	  "status shows it; print it.  A host that runs no\n"
	  "scanner of the fleet can monitor it this way.\n"
	  "Without the database, the last view is marked\n"
	  "down (exit 1)" },
	{ "days", 0, "N", O_DAYS, 0, "retention for --cleanup" },
	{ "table", 0, "T", O_TABLE, 0,
	  "table for --reset-id; --status, --analyze,\n"
	  "--cleanup and --full on T only" },
	{ "force", 0, NULL, O_FORCE, 0,
	  "--reset-id on a table that has rows (modscan has\n"
	  "no maintenance hour for it to override)" },
	{ "dry-run", 0, NULL, O_DRY, 0,
	  "print every statement that would change something;\n"
	  "change nothing; alone: a dry run of --full" },
	{ "json", 0, NULL, O_JSON, 0, "--status and --analyze as JSON" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

struct args {
	unsigned actions;
	int days;		/* 0: RETENTION_DAYS */
	const char *table;
	bool force, dry, json;
};

static int opt(struct ms_run *r, int id, const char *arg)
{
	struct args *a = r->opts;

	switch (id) {
	case O_DAYS:
		if (ms_parse_int(arg, 1, 3650, &a->days) < 0) {
			ms_applet_error("--days: '%s' is not a number of days "
					"(1..3650)", arg);
			return MS_EXIT_USAGE;
		}
		break;
	case O_TABLE: a->table = arg; break;
	case O_FORCE: a->force = true; break;
	case O_DRY: a->dry = true; break;
	case O_JSON: a->json = true; break;
	default: a->actions |= (unsigned)(id - O_ACTION); break;
	}
	return 0;
}

static int check(struct ms_run *r, int argc, char **argv)
{
	struct args *a = r->opts;
	int rc;

	if ((rc = ms_applet_no_args(argc, argv)))
		return rc;
	/* the old maintenance script: no action is --status, --dry-run
	 * alone a dry run of --full */
	if (!a->actions)
		a->actions = a->dry ? A_FULL : A_STATUS;
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

static int do_init(struct ms_sql_run *r, bool import)
{
	struct ms_err err = { 0 };
	char note[256] = "";
	uint64_t moved = 0;
	int before = 0, after = 0;

	if (ms_schema_check_grants(r->db, &err) < 0 ||
	    ms_schema_version(r->db, &before, &err) < 0)
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

	if (ms_maintain_reset_id(r, a->table, a->force, &err) < 0) {
		ms_applet_error("--reset-id: %s", err.msg);
		return MS_EXIT_FAIL;
	}
	if (!r->dry)
		printf("%s: AUTO_INCREMENT reset\n", a->table);
	return MS_EXIT_OK;
}

static int do_optimize(struct ms_sql_run *r, const char *table)
{
	struct ms_err err = { 0 };

	if (ms_maintain_optimize(r, table, &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	return MS_EXIT_OK;
}

static int do_cleanup(struct ms_sql_run *r, int days, const char *table)
{
	struct ms_maintain_cleaned res;
	struct ms_err err = { 0 };

	if (ms_maintain_cleanup(r, days, time(NULL), table, &res,
				&err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	if (!r->dry)
		printf("cleanup: kept %d days; dropped %u day partitions, "
		       "deleted %llu device scans, %llu legacy rows and %llu "
		       "node map rows\n", days, res.partitions,
		       (unsigned long long)res.scans,
		       (unsigned long long)res.legacy_rows,
		       (unsigned long long)res.node_rows);
	return MS_EXIT_OK;
}

/* --status / --analyze on stdout, text or JSON; 1 when analyze finds a
 * critical table or a query fails. */
static int do_report(struct ms_db *db, const struct ms_conf *c,
		     const struct args *a, bool analyze)
{
	struct ms_maintain_info in;
	struct ms_err err = { 0 };
	struct ms_buf b;
	int rc = MS_EXIT_FAIL;

	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	if (ms_maintain_gather(db, c, &in, &err) < 0 ||
	    (a->table && ms_maintain_only_table(&in, a->table, &err) < 0)) {
		ms_applet_error("%s", err.msg);
		goto out;
	}
	if ((a->json ? ms_maintain_json(&in, analyze, &b)
		  : ms_maintain_text(&in, analyze, &b)) < 0) {
		ms_applet_error("out of memory");
		goto out;
	}
	fputs(b.p, stdout);
	rc = analyze && ms_maintain_critical(&in) ? MS_EXIT_FAIL : MS_EXIT_OK;
out:
	ms_maintain_info_release(&in);
	ms_buf_release(&b);
	return rc;
}

/* --fleet: the view from db (NULL: it is down, why says so), printed. */
static int do_fleet(struct ms_db *db, const struct ms_conf *c,
		    const char *why)
{
	struct ms_err err = { 0 };
	struct ms_fleet_view v;
	char status[PATH_MAX], path[PATH_MAX];
	struct ms_buf b;
	int rc = MS_EXIT_FAIL;

	ms_fleet_view_init(&v);
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	if (ms_conf_path(c, MS_CONF_STATUS_FILE, "status.json", status,
			 sizeof(status)) < 0 ||
	    ms_fleet_view_path(status, path, sizeof(path)) < 0) {
		ms_applet_error("STATUS_FILE: path too long");
		goto out;
	}
	if (!db) {
		if (ms_fleet_view_mark_down(status, why, &err) < 0)
			ms_applet_error("--fleet: %s", err.msg);
		goto out;
	}
	if (ms_fleet_view_refresh(db, status, &err) < 0 ||
	    ms_fleet_view_read(&v, path, &err) < 0) {
		ms_applet_error("--fleet: %s", err.msg);
		goto out;
	}
	if (ms_fleet_view_text(&v, ms_wall_now(), &b) < 0) {
		ms_applet_error("out of memory");
		goto out;
	}
	fputs(b.p, stdout);
	rc = MS_EXIT_OK;
out:
	ms_buf_release(&b);
	ms_fleet_view_release(&v);
	return rc;
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

static int run(struct ms_run *r)
{
	struct ms_sql_run run = { .out = stdout };
	const struct args *a = r->opts;
	unsigned actions = a->actions;
	struct ms_db *db = NULL;
	int rc, days;

	rc = connect(&r->conf, &db);
	if (rc == MS_EXIT_FAIL && (actions & A_FLEET))
		do_fleet(NULL, &r->conf, ms_applet_first_error());
	run.db = db;
	run.dry = a->dry;
	days = a->days > 0 ? a->days :
		(int)ms_conf_int(&r->conf, MS_CONF_RETENTION_DAYS);
	if (actions & A_FULL)
		actions |= A_ANALYZE | A_CLEANUP;
	if (!rc && (actions & (A_INIT | A_IMPORT)))
		rc = do_init(&run, actions & A_IMPORT);
	if (!rc && (actions & A_RESET))
		rc = do_reset(&run, a);
	if (!rc && (actions & A_CLEANUP))
		rc = do_cleanup(&run, days, a->table);
	if (!rc && (actions & A_FULL))
		rc = do_optimize(&run, a->table);
	if (!rc && (actions & (A_STATUS | A_ANALYZE)))
		rc = do_report(db, &r->conf, a, actions & A_ANALYZE);
	if (!rc && (actions & A_FLEET))
		rc = do_fleet(db, &r->conf, NULL);
	ms_db_close(db);
	return rc;
}

const struct ms_applet ms_maintain_applet = {
	.synopsis =
	"usage: modscan maintain [ACTION] [--dry-run] [--json] [--config FILE]\n"
	"\n"
	"Actions (one or more): --init, --import-legacy, --status, --analyze,\n"
	"--cleanup, --reset-id, --full, --fleet; none: --status.\n"
	"\n",
	.epilogue =
	"Legacy spellings (the old maintenance script):\n"
	"  maintain              = maintain --status\n"
	"  maintain --analyse    = maintain --analyze\n"
	"  maintain --dry-run    = maintain --full --dry-run\n"
	"  maintain --force      accepted; there is no CLEANUP_SCHEDULE_HOUR\n"
	"  maintain --table T    with any action: that table only\n"
	"\n"
	"Exit: 0 ok, 1 failure or critical, 2 usage or configuration error.\n",
	.opts = opts,
	.opts_size = sizeof(struct args),
	.opt = opt,
	.check = check,
	.run = run,
};
