/* Capped exponential backoff with jitter (see backoff.h). */
#include "backoff.h"

#include <sys/random.h>

#include "mstime.h"

enum { RECONNECT_BASE_MS = 1000 };

struct ms_backoff_policy ms_backoff_reconnect(ms_msec_t cap)
{
	struct ms_backoff_policy p = { RECONNECT_BASE_MS, cap, 50, 100 };

	return p;
}

struct ms_backoff_policy ms_backoff_restart(ms_msec_t base, ms_msec_t cap)
{
	struct ms_backoff_policy p = { base, cap, 80, 120 };

	return p;
}

ms_msec_t ms_backoff_delay(const struct ms_backoff_policy *p, unsigned n,
			   uint32_t rnd)
{
	ms_msec_t d = p->base, cap = MS_MAX(p->cap, p->base);
	unsigned span = p->jitter_max - p->jitter_min + 1;
	unsigned i;

	if (d <= 0)
		return 0;
	for (i = 1; i < n && d < cap; i++)
		d *= 2;
	if (d > cap)
		d = cap;
	/* Jitter, so that many scanners or hosts do not retry in step. */
	d = d * (ms_msec_t)(p->jitter_min + rnd % span) / 100;
	return d > cap ? cap : d;
}

uint32_t ms_backoff_random(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint32_t)getpid() ^ (uint32_t)ms_mono_now();
	return v;
}

void ms_backoff_init(struct ms_backoff *b, const struct ms_backoff_policy *p)
{
	b->p = *p;
	b->failures = 0;
	b->due = 0;
}

ms_msec_t ms_backoff_fail(struct ms_backoff *b, ms_msec_t now, uint32_t rnd)
{
	b->failures++;
	b->due = now + ms_backoff_delay(&b->p, b->failures, rnd);
	return b->due;
}

void ms_backoff_ok(struct ms_backoff *b)
{
	b->failures = 0;
	b->due = 0;
}

bool ms_backoff_due(const struct ms_backoff *b, ms_msec_t now)
{
	return now >= b->due;
}
