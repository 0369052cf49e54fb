/*
 * The daily modulation-hop report: a streaming aggregator fed one sample row
 * at a time (ordered by device, upstream, time), the per-upstream table and
 * its summaries, and the report periods (local days, DST-aware).
 */
#ifndef MS_REPORT_H
#define MS_REPORT_H

#include "ms.h"
#include "err.h"
#include "sample.h"

/*
 * Memory model.  Rows stream through; only the current channel's state is
 * kept while it streams (counts, last sample, a timeline of strip_bins
 * bytes).  When a channel ends it becomes one compact output row (about 40
 * bytes plus its names, interned in one arena), because the table is sorted
 * by hops only once every channel is known.  Timeline strips are kept only
 * for the top_n worst channels seen so far (a bounded set: a finished
 * channel that ranks in it replaces the best-ranked one held), so no second
 * pass over the database is needed.  10,000 upstreams cost well under 1 MB.
 */

enum {
	MS_REPORT_TOP_N = 10,		/* default top hoppers, CCAPs, strips */
	MS_REPORT_MAX_GAP = 1200,	/* default seconds a sample holds */
	MS_REPORT_BINS = 288,		/* default timeline bins (5 min a day) */
	MS_REPORT_BINS_MAX = 2880,
	MS_REPORT_FAMILIES_MAX = 16,
	MS_REPORT_CODES_MAX = 32,	/* distinct unknown codes listed */
	MS_REPORT_LABEL_MAX = 32,
	MS_REPORT_TEXT_MAX = 256	/* title and footer, truncated */
};

/* Timeline bin values: the worst state that held during the bin. */
enum {
	MS_STRIP_NONE = '.',
	MS_STRIP_QAM64 = '6',
	MS_STRIP_UNKNOWN = 'U',
	MS_STRIP_QAM16 = '1',
	MS_STRIP_QPSK = 'Q'
};

struct ms_report_opts {
	/* Count the first sample of each channel as a hop (the legacy tool). */
	bool legacy_hops;
	/* Seconds a sample's state holds at most (no next sample); 0: default. */
	int64_t max_gap;
	/* Length of the summary lists and number of timeline strips; 0: 10. */
	unsigned top_n;
	/* Timeline bins over the period; 0: 288. */
	unsigned strip_bins;
	/*
	 * Family of a device name (report_family.h); NULL:
	 * ms_report_family_of with the default rules.
	 */
	const char *(*family)(const char *device, void *ctx);
	void *family_ctx;
	/* Generation time (epoch ms) shown in the outputs; 0: now. */
	int64_t generated_ms;
	/* The period's name in titles and file names ("2025-03-30"). */
	const char *label;
	/* The page's heading (NULL or "": the default) and footer text. */
	const char *title, *footer;
};

/* One output row, as read back with ms_report_line. */
struct ms_report_line {
	const char *device;
	const char *upstream;
	const char *family;
	uint32_t hops;
	/*
	 * Runs of equal modulation among the samples other than UNKNOWN: the
	 * first such sample counts, then every change (the legacy tool's
	 * hops, which never saw an UNKNOWN sample).
	 */
	uint32_t runs;
	uint32_t samples;
	uint32_t n[MS_MOD__COUNT];	/* samples per enum ms_mod */
	uint32_t below_secs;		/* seconds at QAM16 or QPSK */
	/*
	 * The nodes the upstream belonged to in the period (the
	 * upstream_nodes rows in force at its times), in time order, joined
	 * by ", "; "" for none.
	 */
	const char *node;
};

struct ms_report_family_sum {
	const char *name;
	uint32_t devices, upstreams, hopping, degraded;
	uint64_t samples, hops, n[MS_MOD__COUNT];
};

struct ms_report_device_sum {
	const char *device;
	const char *family;
	uint32_t upstreams, hopping, degraded;
	uint64_t hops;
};

struct ms_report_strip {
	const char *device;
	const char *upstream;
	uint32_t hops, below_secs;
	const char *bins;	/* strip_bins MS_STRIP_* chars, NUL-terminated */
};

/* One upstream of a node to visit: its share while on the node. */
struct ms_report_node_up {
	const char *device, *upstream;
	uint32_t below_secs, hops;
	enum ms_mod worst;	/* the worst state it held on the node */
};

/*
 * A node to visit: time below QAM64 and hops summed over its upstreams.
 * node NULL: the upstreams of device that had no node at the time.
 */
struct ms_report_node_sum {
	const char *node;
	const char *device;
	uint64_t below_secs, hops;
	const struct ms_report_node_up *ups;	/* worst first */
	size_t n_ups;
};

struct ms_report_code_count {
	int32_t code;
	uint64_t samples;
};

struct ms_report_totals {
	uint32_t devices, upstreams;
	uint32_t hopping;	/* upstreams with at least one hop */
	uint32_t degraded;	/* upstreams with a sample below QAM64 */
	uint64_t samples, hops, below_secs;
	uint64_t n[MS_MOD__COUNT];
	uint64_t unknown_other;	/* UNKNOWN samples past the code list */
};

/* Everything but the rows, valid after ms_report_end until ms_report_free. */
struct ms_report_info {
	int64_t start, end;	/* period [start, end), epoch seconds */
	char label[MS_REPORT_LABEL_MAX];
	char title[MS_REPORT_TEXT_MAX], footer[MS_REPORT_TEXT_MAX];
	int64_t generated_ms;
	int64_t max_gap;
	bool legacy_hops;
	unsigned top_n, strip_bins;
	struct ms_report_totals tot;
	const struct ms_report_family_sum *families;	/* by name */
	size_t n_families;
	const struct ms_report_device_sum *degraded;	/* worst first */
	size_t n_degraded;
	const struct ms_report_strip *strips;		/* worst first */
	size_t n_strips;
	const struct ms_report_code_count *codes;	/* unknown codes */
	size_t n_codes;
	bool node_map;		/* a node map row covers the period */
	/* every node with time below QAM64 or a hop, worst first */
	const struct ms_report_node_sum *nodes;
	size_t n_nodes;
};

struct ms_report;

/* A new aggregator for [start, end); NULL when out of memory. */
struct ms_report *ms_report_begin(int64_t start, int64_t end,
				  const struct ms_report_opts *opts);

/*
 * Feed one sample.  Rows must come ordered by device, then upstream (both
 * in strcmp order: the query must use a binary collation), then time, and
 * lie inside the period; anything else is MS_E_INVAL naming the row.
 * Names longer than MS_DEVICE_MAX/MS_UPSTREAM_MAX - 1 are MS_E_TOOBIG.
 */
int ms_report_row(struct ms_report *rep, const char *device,
		  const char *upstream, int64_t time, int32_t code,
		  enum ms_mod mod, struct ms_err *err);

/* Close the last channel, sort the rows, compute the summaries. */
int ms_report_end(struct ms_report *rep, struct ms_err *err);

void ms_report_free(struct ms_report *rep);

/*
 * The upstream -> node map of the period (report_node.h), owned by rep
 * from here on; set before the first row.  Without one no upstream has a
 * node.
 */
struct ms_node_map;
int ms_report_set_nodes(struct ms_report *rep, struct ms_node_map *map);

/* After ms_report_end: the summaries, the row count and each row. */
const struct ms_report_info *ms_report_info(const struct ms_report *rep);
size_t ms_report_count(const struct ms_report *rep);
void ms_report_line(const struct ms_report *rep, size_t i,
		    struct ms_report_line *out);
/* Bytes held by the aggregator (rows, names, summaries), for the bench. */
size_t ms_report_memory(const struct ms_report *rep);


/* part/whole * 100 rounded to 2 decimals (0 for an empty whole). */
double ms_report_pct(uint64_t part, uint64_t whole);

/* --- report periods: local days --- */

struct ms_report_period {
	int64_t start, end;		/* [start, end), epoch seconds */
	char label[MS_REPORT_LABEL_MAX];	/* "2025-03-30" or "A_B" */
};

/* Strict YYYY-MM-DD with a real calendar date. */
int ms_report_parse_date(const char *s, int *year, int *month, int *day,
			 struct ms_err *err);

/*
 * The local day y-m-d: from local midnight to the next local midnight
 * (mktime with tm_isdst = -1), so a DST day lasts 23 or 25 hours.  The
 * date is normalized (day 0 is the last of the month before).
 */
int ms_report_day(int year, int month, int day, struct ms_report_period *p,
		  struct ms_err *err);

/* The local day days_ago before the day of now (1: yesterday). */
int ms_report_day_ago(time_t now, int days_ago, struct ms_report_period *p,
		      struct ms_err *err);

/*
 * The day named by a --date argument; MS_E_PARSE if it does not parse,
 * MS_E_RANGE if it starts after now (the future).
 */
int ms_report_date(const char *s, time_t now, struct ms_report_period *p,
		   struct ms_err *err);

/* From the start of day `from` to the end of day `to` (--from/--to). */
int ms_report_range(const char *from, const char *to, time_t now,
		    struct ms_report_period *p, struct ms_err *err);

#endif
