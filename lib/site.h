/*
 * The published report site's index.html: every published day newest
 * first with its totals and a small trend of hops, and the navigation that
 * the day pages link to (index.html#prev:D, #next:D, #day:D resolve to a
 * published day's page, so those links never dangle).
 */
#ifndef MS_SITE_H
#define MS_SITE_H

#include "ms.h"
#include "buf.h"
#include "err.h"

enum { MS_SITE_DAYS_MAX = 4000, MS_SITE_DATE_LEN = 10, MS_SITE_NODE_MAX = 96 };

/* One published day; totals only when its JSON was found. */
struct ms_site_day {
	char date[MS_SITE_DATE_LEN + 1];	/* YYYY-MM-DD */
	bool have_totals;
	uint32_t upstreams, hopping;
	uint64_t hops;
	double below_hours;
	/* the first node to visit and its hours below QAM64; "": none */
	char node[MS_SITE_NODE_MAX];
	double node_hours;
};

/* The YYYY-MM-DD of a day page's name (modscan-report-D.html), or false. */
bool ms_site_page_date(const char *name, char date[MS_SITE_DATE_LEN + 1]);

/*
 * The totals of day d from DIR/modscan-report-D.json (modscan's JSON);
 * leaves have_totals false when it is missing or unreadable.
 */
void ms_site_day_load(struct ms_site_day *d, const char *dir);

/*
 * Append index.html for days (any order; sorted newest first here), under
 * title, with footer ("" for none).
 */
int ms_site_index(struct ms_site_day *days, size_t n, const char *title,
		  const char *footer, struct ms_buf *out, struct ms_err *err);

#endif
