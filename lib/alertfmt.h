/*
 * The text forms of alerts, pure functions with no I/O: the queued file
 * of plant events, the digest mail of plant events, and the JSON lines
 * ALERT_COMMAND reads on its standard input.
 */
#ifndef MS_ALERTFMT_H
#define MS_ALERTFMT_H

#include "ms.h"
#include "alert.h"
#include "buf.h"

/* The first line of a queued file of plant events. */
extern const char ms_alertfmt_ev_magic[];

/*
 * Append one event as a queued line: "E", kind, device, upstream, node,
 * modulation, since, at, value, separated by tabs; tabs, newlines and
 * other control characters in the strings are written as '?'.
 */
int ms_alertfmt_ev_line(struct ms_buf *b, const struct ms_alert_event *ev);

/*
 * Parse one queued line (without its newline) into ev: 0, or MS_E_PARSE
 * for a line that is not an event (a field missing, too long, a number
 * that is not one, an empty kind or device).
 */
int ms_alertfmt_ev_parse(const char *s, size_t len,
			 struct ms_alert_event *ev);

/* Whether kind is a recovery (its name ends in "recovered"). */
bool ms_alertfmt_is_recovery(const char *kind);

/*
 * A digest in the making: the events it lists (raises and recoveries
 * kept apart, each up to MS_ALERT_DIGEST_LIST) and the counts of all it
 * covers.  Add events in the order they were queued.
 */
struct ms_alertfmt_digest {
	struct ms_alert_event *raised, *recovered;	/* heap, listed */
	size_t nraised, nrecovered;
	uint64_t total_raised, total_recovered;
	int64_t first_at, last_at;
};

int ms_alertfmt_digest_init(struct ms_alertfmt_digest *d);
void ms_alertfmt_digest_release(struct ms_alertfmt_digest *d);
void ms_alertfmt_digest_add(struct ms_alertfmt_digest *d,
			    const struct ms_alert_event *ev);

/*
 * The subject ("modscan: 3 plant alerts, 1 recovery") and the body: the
 * raises first, then the recoveries, each sorted by device, upstream and
 * time, MS_ALERT_DIGEST_LIST events listed in all, then "and N more".
 * Times are local, with their UTC offset.
 */
int ms_alertfmt_digest_subject(const struct ms_alertfmt_digest *d,
			       struct ms_buf *out);
int ms_alertfmt_digest_body(const struct ms_alertfmt_digest *d,
			    struct ms_buf *out);

/*
 * One JSON object and a newline for ALERT_COMMAND: kind, device,
 * upstream, node, modulation, since, since_iso, at, at_iso, value (times
 * as unix seconds and ISO-8601 UTC, "2026-12-01T17:39:01Z").
 */
int ms_alertfmt_json(struct ms_buf *out, const struct ms_alert_event *ev);

/*
 * The JSON line of a process alert: kind, device "", upstream "", node "",
 * modulation "", since and at (the time it was queued), value 0, then
 * subject and text.
 */
int ms_alertfmt_json_process(struct ms_buf *out, const char *kind,
			     int64_t at, const char *subject,
			     const char *text);

#endif
