/*
 * Capped exponential backoff with jitter, the one mechanism behind the
 * database reconnects (store) and the scanner restarts (watchdog, superd):
 * two settings of one policy.  Nothing here sleeps; the random value for
 * the jitter is passed in (ms_backoff_random), so tests can fix it.
 */
#ifndef MS_BACKOFF_H
#define MS_BACKOFF_H

#include "ms.h"

struct ms_backoff_policy {
	ms_msec_t base;		/* delay before the first retry */
	ms_msec_t cap;		/* longest delay */
	/* The delay is scaled by jitter_min..jitter_max percent, capped. */
	unsigned jitter_min, jitter_max;
};

/* The database reconnect: 1 s doubling to cap, each in [50%, 100%]. */
struct ms_backoff_policy ms_backoff_reconnect(ms_msec_t cap);
/* The scanner restart: base doubling to cap, each within +-20%. */
struct ms_backoff_policy ms_backoff_restart(ms_msec_t base, ms_msec_t cap);

/*
 * Delay before retry n (1-based): base * 2^(n-1), capped at cap (cap is
 * at least base), scaled by the jitter rnd picks (any 32-bit value), and
 * capped at cap again.  0 for a base of 0 or less.
 */
ms_msec_t ms_backoff_delay(const struct ms_backoff_policy *p, unsigned n,
			   uint32_t rnd);

/* A random value for the jitter (getrandom, else clock and pid). */
uint32_t ms_backoff_random(void);

/*
 * The state of one thing retried: the caller asks whether an attempt is
 * due and reports its outcome.
 */
struct ms_backoff {
	struct ms_backoff_policy p;
	unsigned failures;	/* in a row */
	ms_msec_t due;		/* monotonic time of the next attempt */
};

void ms_backoff_init(struct ms_backoff *b, const struct ms_backoff_policy *p);
/* A failure at now: returns when the next attempt is due. */
ms_msec_t ms_backoff_fail(struct ms_backoff *b, ms_msec_t now, uint32_t rnd);
/* A success: the next failure starts from base again. */
void ms_backoff_ok(struct ms_backoff *b);
bool ms_backoff_due(const struct ms_backoff *b, ms_msec_t now);

#endif
