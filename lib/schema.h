/*
 * The database schema: numbered idempotent migrations taken under a named
 * lock, day partitions of `samples`, the legacy view and table, and the
 * import of a legacy table.  Every change goes through a runner that can
 * print statements instead of executing them (maintain --dry-run).
 *
 * Sample time is unix seconds (BIGINT `ts`): no time zone or DST ambiguity
 * in the unique key, and day partitions are UTC days.  The legacy view
 * shows it as a DATETIME in the session's time zone.
 */
#ifndef MS_SCHEMA_H
#define MS_SCHEMA_H

#include "ms.h"
#include "db.h"
#include "err.h"

enum {
	MS_SCHEMA_VERSION = 3,		/* the highest migration in schema.c */
	MS_SCHEMA_AHEAD_DAYS = 3,	/* partitions made after today */
	MS_SCHEMA_LOCK_WAIT = 60,	/* seconds for GET_LOCK */
	MS_SCHEMA_BACK_DAYS = 400	/* day partitions an import creates */
};

/* Executes statements, or (dry) prints them, one per line, to out. */
struct ms_sql_run {
	struct ms_db *db;
	bool dry;
	FILE *out;
	unsigned count;		/* statements run or printed */
};

/* Run or print a statement without input in it. */
int ms_sql_run(struct ms_sql_run *r, const char *sql, struct ms_err *err);

/* The named lock that serialises schema changes (scanner and maintain). */
int ms_schema_lock(struct ms_db *db, struct ms_err *err);
void ms_schema_unlock(struct ms_db *db);

/*
 * Whether the database user holds every grant modscan needs on the
 * current database (SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER,
 * CREATE VIEW), globally or on the database.  MS_E_AUTH naming all the
 * missing ones and the GRANT that adds them.  Grants through a role are
 * not seen.
 */
int ms_schema_check_grants(struct ms_db *db, struct ms_err *err);

/*
 * The TABLE_TYPE ("BASE TABLE", "VIEW") of table name in the current
 * database into type: 1 when it exists, 0 when not, or the error.
 */
int ms_schema_table_type(struct ms_db *db, const char *name, char *type,
			 size_t size, struct ms_err *err);

/* Version applied so far; 0 for an empty database. */
int ms_schema_version(struct ms_db *db, int *version, struct ms_err *err);

/*
 * Create or migrate to MS_SCHEMA_VERSION, then make the partitions for
 * today and MS_SCHEMA_AHEAD_DAYS after it.  Takes the named lock.  *note
 * (may be NULL) gets a sentence for the operator, e.g. when a legacy
 * table blocks the view.
 */
int ms_schema_init(struct ms_sql_run *r, time_t now, char *note,
		   size_t note_size, struct ms_err *err);

/*
 * Day partitions covering [first_day, last_day] (unix day numbers) exist;
 * reorganises only the catch-all partitions.  Caller holds the lock.
 */
int ms_schema_partitions(struct ms_sql_run *r, int64_t first_day,
			 int64_t last_day, struct ms_err *err);
/* Today and the ahead days, under the lock (the scanner's daily call). */
int ms_schema_partitions_ahead(struct ms_db *db, time_t now,
			       struct ms_err *err);

/* One partition of `samples` as information_schema reports it. */
struct ms_partition {
	char name[64];
	int64_t bound;		/* VALUES LESS THAN; INT64_MAX for MAXVALUE */
	uint64_t rows;
};
/* The partitions in order; *n is 0 if the table does not exist. */
int ms_schema_list_partitions(struct ms_db *db, struct ms_partition **out,
			      size_t *n, struct ms_err *err);

/* "p20250301" for a unix day number. */
void ms_schema_day_name(int64_t day, char out[16]);

/*
 * --import-legacy: for each base table named modulation_new or modulation,
 * rename it to <name>_legacy_<YYYYMMDD>, copy its rows into samples
 * (code 0, modulation text kept) and create the view.  *moved gets the
 * rows copied.  Never drops anything.
 */
int ms_schema_import_legacy(struct ms_sql_run *r, time_t now,
			    uint64_t *moved, struct ms_err *err);

#endif
