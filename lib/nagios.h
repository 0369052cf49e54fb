/*
 * The Nagios plugin view of the scanner's health: one line with perfdata
 * and the plugin exit code, from thresholds on heartbeat age, failed
 * devices and spool backlog.
 */
#ifndef MS_NAGIOS_H
#define MS_NAGIOS_H

#include "ms.h"
#include "buf.h"
#include "err.h"
#include "health.h"

enum ms_nagios_code {
	MS_NAGIOS_OK, MS_NAGIOS_WARNING, MS_NAGIOS_CRITICAL, MS_NAGIOS_UNKNOWN
};

/* A value above its limit raises the level. */
struct ms_nagios_limits {
	long long age_s;		/* heartbeat age, seconds */
	long long failed;		/* devices failed in the last sweep */
	long long spool;		/* spool backlog, bytes */
};

/*
 * "AGE,FAILED,SPOOL" into l; an empty field keeps what l holds
 * ("600" or ",,0" are fine).
 */
int ms_nagios_parse(const char *s, struct ms_nagios_limits *l,
		    struct ms_err *err);

/*
 * The scanner's problems that thresholds do not cover, "; "-separated,
 * appended to out: "RUN_DIR: no space left", "N samples lost in the last
 * sweep" (these make the line CRITICAL, the others WARNING), "no valid
 * device to scan".  Returns how many.
 */
int ms_nagios_problems(const struct ms_status *st, struct ms_buf *out);

/* Append the line (with a newline) and return the plugin exit code. */
enum ms_nagios_code ms_nagios_render(const struct ms_health_report *rep,
				     const struct ms_nagios_limits *warn,
				     const struct ms_nagios_limits *crit,
				     struct ms_buf *out);

#endif
