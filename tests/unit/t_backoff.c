/*
 * Unit tests of the backoff: its two settings (database reconnect, scanner
 * restart) with fixed jitter values, worked out by hand, and the state of
 * one retried thing (fail, ok, due).
 */
#include "backoff.h"
#include "harness.h"

static void test_delays(void)
{
	const struct ms_backoff_policy db = ms_backoff_reconnect(60000);
	const struct ms_backoff_policy rs = ms_backoff_restart(30000, 600000);
	static const struct {
		int restart; unsigned n; uint32_t rnd; ms_msec_t want;
	} t[] = {
		/* reconnect: 1 s doubling to 60 s, scaled by 50..100% */
		{ 0, 1, 50, 1000 },		/* rnd % 51 == 50: 100% */
		{ 0, 1, 0, 500 },		/* 50% */
		{ 0, 1, 51, 500 },		/* 51 % 51 == 0 */
		{ 0, 1, 25, 750 },		/* 75% */
		{ 0, 2, 50, 2000 },
		{ 0, 6, 50, 32000 },
		{ 0, 7, 50, 60000 },		/* 64 s, capped */
		{ 0, 7, 0, 30000 },		/* half the cap */
		{ 0, 300, 50, 60000 },		/* no overflow */
		/* restart: 30 s doubling to 600 s, within +-20% */
		{ 1, 1, 20, 30000 },		/* rnd % 41 == 20: 100% */
		{ 1, 1, 0, 24000 },		/* 80% */
		{ 1, 1, 40, 36000 },		/* 120% */
		{ 1, 3, 20, 120000 },
		{ 1, 5, 40, 576000 },		/* 480 s + 20% */
		{ 1, 6, 40, 600000 },		/* 960 s: the cap, never past */
		{ 1, 6, 0, 480000 },		/* 80% of the cap */
	};
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++)
		is_int(ms_backoff_delay(t[i].restart ? &rs : &db, t[i].n,
					t[i].rnd), t[i].want,
		       "%s retry %u rnd %u: %lld ms",
		       t[i].restart ? "restart" : "reconnect", t[i].n,
		       t[i].rnd, (long long)t[i].want);
}

static void test_edges(void)
{
	struct ms_backoff_policy p = ms_backoff_restart(0, 1000);

	is_int(ms_backoff_delay(&p, 3, 40), 0, "a base of 0: no delay");
	p = ms_backoff_restart(5000, 1000);
	is_int(ms_backoff_delay(&p, 3, 20), 5000, "a cap below base: base");
}

static void test_state(void)
{
	const struct ms_backoff_policy p = ms_backoff_reconnect(4000);
	struct ms_backoff b;

	ms_backoff_init(&b, &p);
	ok(ms_backoff_due(&b, 0), "a new backoff is due at once");
	is_int(ms_backoff_fail(&b, 10000, 50), 11000, "1st failure: 1 s");
	ok(!ms_backoff_due(&b, 10999), "not due before");
	ok(ms_backoff_due(&b, 11000), "due at its time");
	is_int(ms_backoff_fail(&b, 11000, 50), 13000, "2nd failure: 2 s");
	is_int(ms_backoff_fail(&b, 13000, 50), 17000, "3rd failure: 4 s");
	is_int(ms_backoff_fail(&b, 17000, 50), 21000, "4th failure: the cap");
	is_int(b.failures, 4, "four failures in a row");
	ms_backoff_ok(&b);
	ok(ms_backoff_due(&b, 21000) && b.failures == 0, "a success resets");
	is_int(ms_backoff_fail(&b, 30000, 0), 30500,
	       "the next failure starts from base (50%%)");
}

/* One random source: not stuck on one value. */
static void test_random(void)
{
	uint32_t first = ms_backoff_random();
	int i, same = 0;

	for (i = 0; i < 8; i++)
		same += ms_backoff_random() == first;
	ok(same < 8, "ms_backoff_random varies");
}

int main(void)
{
	test_delays();
	test_edges();
	test_state();
	test_random();
	return done_testing();
}
