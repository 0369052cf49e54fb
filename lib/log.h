/*
 * The log: one line per event, one write(2) each, to stderr or to an
 * O_APPEND file rotated by size.  Safe from several threads and several
 * processes writing the same file.
 *   2025-03-01T06:00:12.345+01:00 scan[4242] warn CCAP012: login failed
 */
#ifndef MS_LOG_H
#define MS_LOG_H

#include "ms.h"
#include "buf.h"
#include "conf.h"
#include "err.h"

enum ms_log_level {
	MS_LOG_ERROR, MS_LOG_WARN, MS_LOG_NOTICE, MS_LOG_INFO, MS_LOG_DEBUG
};

/* LOG_FILE value that sends the log to the local syslog (/dev/log). */
#define MS_LOG_SYSLOG "syslog"

/*
 * Start logging as ident ("scan") to path (NULL or "": stderr;
 * MS_LOG_SYSLOG: syslog, facility daemon), at level and below; rotate
 * past max_bytes keeping keep old files (path.1 ..).  On stderr, when
 * JOURNAL_STREAM names it, each line starts with the journal's <N>
 * priority prefix instead of a time stamp.
 */
int ms_log_open(const char *ident, const char *path, enum ms_log_level level,
		size_t max_bytes, unsigned keep, struct ms_err *err);
/* The same from LOG_FILE, LOG_LEVEL, LOG_MAX_MB, LOG_KEEP. */
int ms_log_open_conf(const char *ident, const struct ms_conf *c,
		     struct ms_err *err);
void ms_log_close(void);
void ms_log_set_level(enum ms_log_level level);
bool ms_log_enabled(enum ms_log_level level);
void ms_log(enum ms_log_level level, const char *fmt, ...) MS_PRINTF(2, 3);
void ms_vlog(enum ms_log_level level, const char *fmt, va_list ap);
/* Each line of b at level, then b emptied (warnings gathered by lib). */
void ms_log_lines(enum ms_log_level level, struct ms_buf *b);
/* The file descriptor lines go to (for a child's stdout and stderr). */
int ms_log_fd(void);

#define ms_log_error(...) ms_log(MS_LOG_ERROR, __VA_ARGS__)
#define ms_log_warn(...) ms_log(MS_LOG_WARN, __VA_ARGS__)
#define ms_log_notice(...) ms_log(MS_LOG_NOTICE, __VA_ARGS__)
#define ms_log_info(...) ms_log(MS_LOG_INFO, __VA_ARGS__)
#define ms_log_debug(...) ms_log(MS_LOG_DEBUG, __VA_ARGS__)

#endif
