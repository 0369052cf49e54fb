/*
 * Compact state files next to the status file (plant.state, fleet.state):
 * text, one record a line, tab-separated fields after a magic first line;
 * written atomically, read whole and bounded.  The shared path, name,
 * number and line helpers of their writers and parsers.
 */
#ifndef MS_STATEFILE_H
#define MS_STATEFILE_H

#include "ms.h"
#include "buf.h"
#include "err.h"

/* "<directory of status_path>/<name>" into out; MS_E_TOOBIG. */
int ms_statefile_path(const char *status_path, const char *name, char *out,
		      size_t size);

/*
 * Append s to out as a field: tabs, newlines and other control characters
 * become '?', so that a name never splits a record.
 */
int ms_statefile_name(struct ms_buf *out, const char *s);

/* A decimal number of at most max, digits only; false otherwise. */
bool ms_statefile_num(const char *s, uint64_t max, uint64_t *out);

/*
 * One record: its fields (NUL-terminated, modifiable) and their count.
 * Returns 0, MS_E_PARSE for a record the reader does not know, or another
 * MS_E_* code.
 */
typedef int (*ms_statefile_line_fn)(void *ctx, char **f, size_t n);

/*
 * Check the magic first line of s[0..len), then hand every further line,
 * split at tabs into at most max_fields (up to 16) fields, to line.  Each
 * line must end with a newline and hold no NUL.  err says "line N: not a
 * <what> record" (MS_E_PARSE) or why else it failed.
 */
int ms_statefile_parse(const char *s, size_t len, const char *magic,
		       size_t max_fields, const char *what,
		       ms_statefile_line_fn line, void *ctx,
		       struct ms_err *err);

/* The text of a state, appended to out; MS_E_TOOBIG past its bound. */
typedef int (*ms_statefile_render_fn)(const void *state, struct ms_buf *out);
/* Parse text into state (initialised by the caller). */
typedef int (*ms_statefile_parse_fn)(void *state, const char *s, size_t len,
				     struct ms_err *err);

/* Render state (at most max bytes) and replace path with it (0644). */
int ms_statefile_write(const char *path, size_t max,
		       ms_statefile_render_fn render, const void *state,
		       struct ms_err *err);
/* Read path (at most max bytes) and parse it into state. */
int ms_statefile_read(const char *path, size_t max,
		      ms_statefile_parse_fn parse, void *state,
		      struct ms_err *err);

#endif
