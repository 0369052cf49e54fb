/*
 * The report's one read of the database: the samples of a period, streamed
 * row by row (unbuffered, in key order) into the aggregator, so that memory
 * stays flat however many samples the period holds.
 */
#ifndef MS_REPORT_DB_H
#define MS_REPORT_DB_H

#include "ms.h"
#include "db.h"
#include "err.h"
#include "report.h"

/*
 * The query.  The samples table is utf8mb4_bin, whose order is the byte
 * (strcmp) order the aggregator needs, so the rows come in primary-key
 * order without a server-side sort.  (It is a PAD SPACE collation: names
 * ending in blanks or holding control characters could sort otherwise;
 * the aggregator then stops with "out of order" rather than miscount.)
 */
extern const char ms_report_db_sql[];
/* The upstream -> node map rows that cover a period. */
extern const char ms_report_db_nodes_sql[];

/*
 * Feed rep the node map of [start, end) (none when the database has no
 * upstream_nodes table yet), then every sample of the period, ordered by
 * device, upstream, time.  Returns the number of rows fed (0: a day without data), MS_E_DB when the
 * query fails, or the aggregator's error (a row out of order or a value
 * that does not parse) naming the row.
 */
int64_t ms_report_db_load(struct ms_db *db, struct ms_report *rep,
			  int64_t start, int64_t end, struct ms_err *err);

#endif
