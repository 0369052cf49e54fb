/* Per-device schedule slots (see sched.h). */
#include "schedule.h"

uint64_t ms_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int64_t ms_sched_offset(const char *name, int64_t interval_ms)
{
	if (interval_ms <= 0)
		return 0;
	return (int64_t)(ms_hash(name) % (uint64_t)interval_ms);
}

int64_t ms_sched_next(const char *name, int64_t after_ms, int64_t interval_ms)
{
	int64_t off = ms_sched_offset(name, interval_ms), base, t;

	if (interval_ms <= 0)
		return after_ms + 1;
	base = after_ms - (after_ms % interval_ms);
	if (after_ms < 0 && after_ms % interval_ms)
		base -= interval_ms;
	t = base + off;
	while (t <= after_ms)
		t += interval_ms;
	return t;
}
