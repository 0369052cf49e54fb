/*
 * Database upkeep behind the maintain applet: what is in the database
 * (--status), how close the id columns are to their limit (--analyze),
 * retention (--cleanup), resetting an id counter, ANALYZE and OPTIMIZE.
 * Changes go through a struct ms_sql_run, so --dry-run prints them.
 */
#ifndef MS_MAINTAIN_H
#define MS_MAINTAIN_H

#include "ms.h"
#include "buf.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "schema.h"

enum {
	MS_AI_WARN_PCT = 80,	/* AUTO_INCREMENT usage: warning */
	MS_AI_CRIT_PCT = 95,	/* critical, exit 1 */
	MS_CLEANUP_BATCH = 10000,	/* rows per DELETE */
	MS_CLEANUP_PAUSE_MS = 200	/* between two DELETEs */
};

struct ms_maintain_table {
	char name[72], type[24], col[72], coltype[48];
	long long rows, bytes;
	long long next;			/* AUTO_INCREMENT, -1: none */
	long long age_days;		/* since CREATE_TIME */
};

/* What --status and --analyze show. */
struct ms_maintain_info {
	int version;			/* schema version */
	struct ms_maintain_table *t;	/* heap */
	size_t nt;
	struct ms_partition *p;		/* heap */
	size_t np;
	long long oldest, newest;	/* samples, epoch s; -1: none */
	long long last_sweep;		/* epoch s; -1: none */
	char spool_dir[PATH_MAX];
	char where[300], cipher[64];
	unsigned spool_files;
	uint64_t spool_bytes;
};

/* Fill in from the database and the spool; release it after, also on
 * failure. */
int ms_maintain_gather(struct ms_db *db, const struct ms_conf *c,
		       struct ms_maintain_info *in, struct ms_err *err);
void ms_maintain_info_release(struct ms_maintain_info *in);

/* How far an AUTO_INCREMENT column is used. */
struct ms_maintain_ai {
	double pct;
	long long days_left;		/* at the average growth, or -1 */
	const char *level;		/* "ok", "warning", "critical" */
};

struct ms_maintain_ai ms_maintain_ai(const struct ms_maintain_table *t);

/* Whether a table's ids are at MS_AI_CRIT_PCT or more. */
bool ms_maintain_critical(const struct ms_maintain_info *in);

/* --status (and with analyze --analyze) as text lines or JSON. */
int ms_maintain_text(const struct ms_maintain_info *in, bool analyze,
		     struct ms_buf *out);
int ms_maintain_json(const struct ms_maintain_info *in, bool analyze,
		     struct ms_buf *out);

/* What --cleanup removed. */
struct ms_maintain_cleaned {
	unsigned partitions;		/* day partitions dropped */
	uint64_t scans;			/* device_scans rows deleted */
	uint64_t legacy_rows;		/* rows of legacy tables deleted */
	uint64_t node_rows;		/* closed upstream_nodes rows deleted */
};

/*
 * Keep days days before now (whole UTC days): drop older day partitions
 * (and p_old's rows), delete older device scans and legacy rows in
 * batches of MS_CLEANUP_BATCH.  With table (not NULL) only that one:
 * MS_E_NOENT for a table that has no retention.
 */
int ms_maintain_cleanup(struct ms_sql_run *r, int days, time_t now,
			const char *table, struct ms_maintain_cleaned *res,
			struct ms_err *err);

/* --status --table T: only T in in (and the partitions only for
 * samples); MS_E_NOENT when there is no such table. */
int ms_maintain_only_table(struct ms_maintain_info *in, const char *table,
			   struct ms_err *err);

/* A plain table name: [A-Za-z0-9_], 1..64 characters. */
bool ms_maintain_ident_ok(const char *s);

/*
 * AUTO_INCREMENT of table back to the next free id: MS_E_NOENT when the
 * table or its counter is missing, MS_E_BUSY when it has rows and not
 * force.
 */
int ms_maintain_reset_id(struct ms_sql_run *r, const char *table, bool force,
			 struct ms_err *err);

/* ANALYZE the tables, OPTIMIZE device_scans; or both on table only. */
int ms_maintain_optimize(struct ms_sql_run *r, const char *table,
			 struct ms_err *err);

/* AUTO_INCREMENT limit of a column type ("int(10) unsigned"); 0 if not
 * an integer type. */
uint64_t ms_maintain_type_max(const char *column_type);

#endif
