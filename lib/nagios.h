/*
 * The Nagios plugin view of the scanner's health: one line with perfdata
 * and the plugin exit code, from threshold ranges on heartbeat age,
 * failed devices and spool backlog.
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

/*
 * A Nagios plugin range (the plugin guidelines): "10" alerts outside
 * 0..10, "10:" below 10, "~:10" above 10, "10:20" outside 10..20,
 * "@10:20" inside 10..20.  Integers only: every value checked is one.
 */
struct ms_nagios_range {
	long long start, end;
	bool no_start;			/* "~": minus infinity */
	bool no_end;			/* "10:": plus infinity */
	bool inside;			/* "@": alert inside */
};

/* s[0..len) into r; MS_E_INVAL for anything else (or start > end). */
int ms_nagios_range_parse(const char *s, size_t len,
			  struct ms_nagios_range *r, struct ms_err *err);
/* Whether v raises the alert of r. */
bool ms_nagios_range_alert(const struct ms_nagios_range *r, long long v);
/* r as the guidelines spell it ("10", "~:10", "@10:20"), for perfdata. */
void ms_nagios_range_format(const struct ms_nagios_range *r, char *out,
			    size_t size);

/* The ranges of one level (warning or critical). */
struct ms_nagios_limits {
	struct ms_nagios_range age_s;	/* heartbeat age, seconds */
	struct ms_nagios_range failed;	/* devices failed, last sweep */
	struct ms_nagios_range spool;	/* spool backlog, bytes */
};

/*
 * "AGE,FAILED,SPOOL", a range each, into l; an empty field keeps what l
 * holds ("600" or ",,0" are fine).
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

/*
 * Append the line (with a newline) and return the plugin exit code.  With
 * a fleet view (rep->fleet), an instance that lapsed or devices waiting
 * for a database that is down make it WARNING, a group no live instance
 * serves CRITICAL; without a status file, the fleet alone decides.
 */
enum ms_nagios_code ms_nagios_render(const struct ms_health_report *rep,
				     const struct ms_nagios_limits *warn,
				     const struct ms_nagios_limits *crit,
				     struct ms_buf *out);

#endif
