/*
 * The parts of the maintain applet split out of maintain.c: the health
 * report (--status, --analyze) and retention (--cleanup).
 */
#ifndef MS_MAINTAIN_H
#define MS_MAINTAIN_H

#include "ms.h"
#include "conf.h"
#include "db.h"
#include "schema.h"

enum {
	MS_AI_WARN_PCT = 80,	/* AUTO_INCREMENT usage: warning */
	MS_AI_CRIT_PCT = 95,	/* critical, exit 1 */
	MS_CLEANUP_BATCH = 10000,	/* rows per DELETE */
	MS_CLEANUP_PAUSE_MS = 200	/* between two DELETEs */
};

/* A plain table name: [A-Za-z0-9_], 1..64 characters. */
bool ms_maintain_ident_ok(const char *s);

/* --status / --analyze on stdout, text or JSON; returns the exit status
 * (1 when analyze finds a critical table or a query fails). */
int ms_maintain_report(struct ms_db *db, const struct ms_conf *c,
		       bool analyze, bool json);

/* --cleanup: drop day partitions older than days, delete old rows of
 * unpartitioned tables in batches; returns the exit status. */
int ms_maintain_cleanup(struct ms_sql_run *r, int days);

/* AUTO_INCREMENT limit of a column type ("int(10) unsigned"); 0 if not
 * an integer type. */
uint64_t ms_maintain_type_max(const char *column_type);

#endif
