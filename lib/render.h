/*
 * The report's outputs: the legacy CSV (or RFC 4180 CSV), the JSON for the
 * web, one self-contained HTML page, their file names, and the legacy
 * tool's files.
 */
#ifndef MS_RENDER_H
#define MS_RENDER_H

#include "ms.h"
#include "buf.h"
#include "err.h"
#include "report.h"

enum ms_csv_format {
	MS_CSV_LEGACY,	/* ';', "\n", CMTS;upstream;hops;%QAM64;... */
	MS_CSV_RFC4180	/* ',', CRLF, quoted fields, more columns */
};

enum {
	MS_RENDER_CSV = 1,
	MS_RENDER_JSON = 2,
	MS_RENDER_HTML = 4,
	MS_RENDER_ALL = 7,
	MS_RENDER_MAX = 512u << 20,	/* bound on one rendered file */
	MS_PCT_MAX = 16,
	MS_DUR_MAX = 32,
	MS_NODE_LABEL_MAX = MS_DEVICE_MAX + 16
};

/*
 * A percentage in modscan's own outputs: at most two decimals, trailing
 * zeros dropped but one digit kept after the point ("100.0", "66.67",
 * "0.0", "12.5").  The legacy tool printed integers instead: see
 * ms_render_legacy_pct.
 */
char *ms_render_pct(double pct, char out[MS_PCT_MAX]);

/*
 * A time as a technician reads it: "45s" under a minute, else rounded to
 * the minute, "25m" or "2h 05m".
 */
char *ms_render_dur(uint64_t secs, char out[MS_DUR_MAX]);

/* A node to visit's name: the node, or "no node (CCAP)". */
const char *ms_render_node_label(const struct ms_report_node_sum *s,
				 char out[MS_NODE_LABEL_MAX]);

/* Append the CSV of an ended report to out. */
int ms_render_csv(const struct ms_report *rep, enum ms_csv_format fmt,
		  struct ms_buf *out, struct ms_err *err);

/* Append the JSON document (one line) of an ended report to out. */
int ms_render_json(const struct ms_report *rep, struct ms_buf *out,
		   struct ms_err *err);

/*
 * Append the HTML page: no external resources (a CSP forbids them), the
 * JSON document embedded in a <script type="application/json">.
 */
int ms_render_html(const struct ms_report *rep, struct ms_buf *out,
		   struct ms_err *err);

/* Append REPORT_FOOTER's line as a <footer> ("" appends nothing). */
int ms_render_html_footer(struct ms_buf *out, const char *footer);

/* Append s with & < > " ' as character references. */
int ms_render_html_text(struct ms_buf *out, const char *s);

/* Append one output (MS_RENDER_CSV, _JSON or _HTML) to out. */
int ms_render_one(const struct ms_report *rep, unsigned which,
		  enum ms_csv_format fmt, struct ms_buf *out,
		  struct ms_err *err);

/* "csv", "json" or "html" for one MS_RENDER_* bit. */
const char *ms_render_ext(unsigned which);

/* Every report file modscan names starts with this. */
#define MS_RENDER_PREFIX "modscan-report-"
/* The legacy tool's file names: modulation_report_D.csv, ... */
#define MS_LEGACY_PREFIX "modulation_report_"
/* Its link to the newest web JSON on the deploy target. */
#define MS_LEGACY_LATEST "modulation_report_latest_web.json"

/* "modscan-report-LABEL.EXT" for one MS_RENDER_* bit; MS_E_TOOBIG. */
int ms_render_name(char *out, size_t size, const char *label,
		   unsigned which);

/* --- the legacy tool's files, byte for byte (shared/LEGACY.md) --- */

enum {
	MS_LEGACY_CSV,		/* modulation_report_D.csv */
	MS_LEGACY_WEB_JSON,	/* modulation_report_D_web.json */
	MS_LEGACY_JSON		/* modulation_report_D.json (--web-only) */
};

/* The name of one MS_LEGACY_* file of the day label; MS_E_TOOBIG. */
int ms_render_legacy_name(char *out, size_t size, const char *label,
			  unsigned which);

/* round(part / whole * 100) in Python: ties to even; 0 for whole 0. */
int ms_render_legacy_pct(uint32_t part, uint32_t whole);

/*
 * The legacy rows of an ended report into a new array (free it): UNKNOWN
 * samples left out of every count, rows left with none dropped, in the
 * legacy order (runs descending, device, upstream).  Each row's `runs` is
 * its hops there.
 */
int ms_render_legacy_rows(const struct ms_report *rep,
			  struct ms_report_line **out, size_t *count);

/* Append modulation_report_D.csv (header only when there are no rows). */
int ms_render_legacy_csv(const struct ms_report *rep, struct ms_buf *out,
			 struct ms_err *err);

/*
 * Append modulation_report_D_web.json: json.dump(indent=2) of the old
 * schema, generated_at from generated_us (epoch microseconds; 0: now).
 */
int ms_render_legacy_json(const struct ms_report *rep, int64_t generated_us,
			  struct ms_buf *out, struct ms_err *err);

#endif
