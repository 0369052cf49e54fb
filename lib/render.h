/*
 * The report's outputs: the legacy CSV (or RFC 4180 CSV), the JSON for the
 * web, and one self-contained HTML page; and writing them atomically as
 * DIR/modscan-report-LABEL.{csv,json,html}.
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
	MS_PCT_MAX = 16
};

/*
 * A percentage as the legacy tool printed it: round(x, 2) shown the way
 * Python's float repr shows it ("100.0", "66.67", "0.0", "12.5").
 */
char *ms_render_pct(double pct, char out[MS_PCT_MAX]);

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

/* Append s with & < > " ' as character references. */
int ms_render_html_text(struct ms_buf *out, const char *s);

/* Append one output (MS_RENDER_CSV, _JSON or _HTML) to out. */
int ms_render_one(const struct ms_report *rep, unsigned which,
		  enum ms_csv_format fmt, struct ms_buf *out,
		  struct ms_err *err);

/* "csv", "json" or "html" for one MS_RENDER_* bit. */
const char *ms_render_ext(unsigned which);

/* "DIR/modscan-report-LABEL.EXT"; MS_E_TOOBIG if it does not fit. */
int ms_render_path(char *out, size_t size, const char *dir,
		   const char *label, const char *ext);

/*
 * Render the outputs chosen in what (MS_RENDER_*) and replace each file
 * atomically (ms_file_replace, mode 0644).  A failure leaves any older file
 * of that name intact; files written before it stay.
 */
int ms_render_write(const struct ms_report *rep, const char *dir,
		    unsigned what, enum ms_csv_format fmt, struct ms_err *err);

#endif
