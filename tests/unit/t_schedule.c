/* Unit tests of the per-device schedule. */
#include "schedule.h"
#include "harness.h"

int main(void)
{
	const int64_t iv = 600000;
	int64_t t0 = 1760000000000LL, a, b, hist[10] = { 0 };
	char name[32];
	int i;

	is_int(ms_hash(""), (long long)0xcbf29ce484222325ULL,
	       "FNV-1a of the empty string");
	a = ms_sched_next("CCAP001", t0, iv);
	ok(a > t0 && a <= t0 + iv, "the next slot lies within one interval");
	b = ms_sched_next("CCAP001", a, iv);
	is_int(b - a, iv, "consecutive slots are one interval apart");
	is_int(ms_sched_next("CCAP001", t0 + 12345, iv), a,
	       "the slot does not move with the time we ask (restart)");
	is_int(a % iv, ms_sched_offset("CCAP001", iv),
	       "the slot is the name's offset in the interval");
	ok(ms_sched_next("CCAP001", a - 1, iv) == a,
	   "one ms before the slot gives the slot");
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "CCAP%03d-%04d", i % 300, i);
		hist[ms_sched_offset(name, iv) * 10 / iv]++;
	}
	for (i = 0; i < 10; i++)
		ok(hist[i] > 850 && hist[i] < 1150,
		   "tenth %d of the interval holds about a tenth (%lld)", i,
		   (long long)hist[i]);
	return done_testing();
}
