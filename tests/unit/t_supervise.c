/* Unit tests of the supervision policy: backoff, burst, cool-down, death
 * tally, daily job slots (with DST days) and misfire/coalesce decisions. */
#include "supervise.h"
#include "harness.h"

#include "mstime.h"

static void test_delay(void)
{
	static const struct {
		ms_msec_t base; unsigned n; ms_msec_t max; uint32_t rnd;
		ms_msec_t want;
	} t[] = {
		{ 1000, 1, 60000, 20, 1000 },	/* rnd%41 == 20: no jitter */
		{ 1000, 2, 60000, 20, 2000 },
		{ 1000, 3, 60000, 20, 4000 },
		{ 1000, 10, 60000, 20, 60000 },	/* capped */
		{ 1000, 1, 60000, 0, 800 },	/* -20% */
		{ 1000, 1, 60000, 40, 1200 },	/* +20% */
		{ 1000, 7, 60000, 40, 60000 },	/* jitter never past the cap */
		{ 0, 5, 60000, 40, 0 },
		{ 30000, 200, 600000, 20, 600000 }, /* no overflow */
	};
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++)
		is_int(ms_restart_delay(t[i].base, t[i].n, t[i].max, t[i].rnd),
		       t[i].want, "delay base %lld attempt %u rnd %u",
		       (long long)t[i].base, t[i].n, t[i].rnd);
}

/* Any jitter: each attempt waits longer than the one before, until the cap. */
static void test_delay_grows(void)
{
	uint32_t r;
	unsigned n;
	int bad = 0;

	for (r = 0; r < 41; r++)
		for (n = 1; n < 6; n++)
			if (ms_restart_delay(1000, n + 1, 1 << 30, r) <=
			    ms_restart_delay(1000, n, 1 << 30, 40 - r))
				bad++;
	is_int(bad, 0, "delays grow whatever the jitter");
}

static void test_burst(void)
{
	struct ms_restart b;
	struct ms_restart_plan p;
	ms_msec_t now = 1000000;
	int i;

	/* base 1 s, cap 8 s, healthy after 60 s, 3 starts per 100 s,
	 * cool-down 600 s */
	ms_restart_init(&b, 1000, 8000, 60000, 3, 100000, 600000);
	ms_restart_started(&b, now);
	ms_restart_exited(&b, now, now + 10, 20, &p);
	ok(!p.cooldown && p.delay_ms == 1000 && p.attempt == 1,
	   "first crash: 1 s");
	now += 1010;
	ms_restart_started(&b, now);
	ms_restart_exited(&b, now, now + 10, 20, &p);
	ok(!p.cooldown && p.delay_ms == 2000 && p.attempt == 2,
	   "second crash: 2 s");
	now += 2010;
	ms_restart_started(&b, now);
	ms_restart_exited(&b, now, now + 10, 20, &p);
	ok(p.cooldown && p.delay_ms == 600000, "third start in 100 s: cool-down");
	now += 600010;
	ms_restart_started(&b, now);
	ms_restart_exited(&b, now, now + 10, 20, &p);
	ok(!p.cooldown && p.delay_ms == 1000,
	   "after the cool-down a fresh burst starts at the base delay");

	/* A healthy run resets the delay. */
	ms_restart_init(&b, 1000, 8000, 60000, 100, 100000, 600000);
	for (i = 0; i < 4; i++) {
		ms_restart_started(&b, now);
		ms_restart_exited(&b, now, now + 10, 20, &p);
		now += p.delay_ms + 10;
	}
	is_int(p.delay_ms, 8000, "four quick crashes: capped at 8 s");
	ms_restart_started(&b, now);
	ms_restart_exited(&b, now, now + 60000, 20, &p);
	is_int(p.delay_ms, 1000, "a run of HEALTHY_RUN resets to the base");
	is_int(p.attempt, 1, "and the attempt count");

	/* Starts outside the window do not count towards the burst. */
	ms_restart_init(&b, 1000, 8000, 60000, 2, 5000, 600000);
	ms_restart_started(&b, now);
	ms_restart_exited(&b, now, now + 10, 20, &p);
	now += 6000;
	ms_restart_started(&b, now);
	ms_restart_exited(&b, now, now + 10, 20, &p);
	ok(!p.cooldown, "two starts 6 s apart with a 5 s window: no cool-down");
}

static void test_deaths(void)
{
	static struct ms_status st;
	char what[80];
	int i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < 25; i++)
		ms_death_record(&st, 1000 + i, i % 2 ? 9 : (i << 8));
	is_int(st.ndeaths, MS_STATUS_DEATHS_MAX, "the tally keeps the last 20");
	is_int(st.deaths[0].time, 1024, "newest first");
	is_int(st.deaths[0].exit_status, 24, "exit status kept");
	is_int(st.deaths[1].signal, 9, "signal kept");
	is_int(st.deaths[1].exit_status, -1, "a signal has no exit status");
	is_int(st.deaths[19].time, 1005, "the oldest kept is the 6th");
	ms_death_describe(-1, 9, what, sizeof(what));
	is_str(what, "signal 9 (Killed)", "describe a signal");
	ms_death_describe(3, 0, what, sizeof(what));
	is_str(what, "exit 3", "describe an exit");
}

static void test_parse_at(void)
{
	static const struct { const char *s; int r, h, m; } t[] = {
		{ "06:00", 0, 6, 0 }, { "23:59", 0, 23, 59 },
		{ "00:00", 0, 0, 0 }, { "", 0, -1, -1 },
		{ "24:00", MS_E_INVAL, -1, -1 }, { "6:00", MS_E_INVAL, -1, -1 },
		{ "06:60", MS_E_INVAL, -1, -1 }, { "06:00x", MS_E_INVAL, -1, -1 },
		{ "ab:cd", MS_E_INVAL, -1, -1 },
	};
	struct ms_err err = { 0 };
	size_t i;
	int h, m;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++) {
		int r = ms_job_parse_at(t[i].s, &h, &m, &err);

		ok(r == t[i].r && h == t[i].h && m == t[i].m,
		   "parse '%s'", t[i].s);
	}
	ok(strstr(err.msg, "is not a time of day"), "error says why");
}

/* Wall ms of a local time (TZ is set). */
static int64_t local(int y, int mo, int d, int h, int mi, int isdst)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_isdst = isdst };

	return (int64_t)mktime(&tm) * 1000;
}

static void test_slots(void)
{
	int64_t now, s;

	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	now = local(2025, 6, 10, 12, 0, -1);
	is_int(ms_job_prev_slot(6, 0, now), local(2025, 6, 10, 6, 0, -1),
	       "prev slot: today 06:00");
	is_int(ms_job_next_slot(6, 0, now), local(2025, 6, 11, 6, 0, -1),
	       "next slot: tomorrow 06:00");
	is_int(ms_job_prev_slot(13, 0, now), local(2025, 6, 9, 13, 0, -1),
	       "prev slot of a later time: yesterday");
	is_int(ms_job_next_slot(12, 0, now), local(2025, 6, 11, 12, 0, -1),
	       "a slot at now exactly is the previous one");
	/* Spring forward, 2025-03-30 02:00 -> 03:00: 02:30 does not exist. */
	now = local(2025, 3, 30, 12, 0, -1);
	s = ms_job_prev_slot(2, 30, now);
	is_int(s, local(2025, 3, 30, 3, 30, 1),
	       "spring gap: 02:30 runs once, at 03:30 summer time");
	is_int(ms_job_next_slot(6, 0, local(2025, 3, 29, 12, 0, -1)) -
	       ms_job_prev_slot(6, 0, local(2025, 3, 29, 12, 0, -1)),
	       23 * 3600 * 1000, "the spring day is 23 h long between slots");
	/* Fall back, 2025-10-26 03:00 -> 02:00: 02:30 happens twice. */
	now = local(2025, 10, 26, 2, 45, 0);	/* the second 02:45 (CET) */
	s = ms_job_prev_slot(2, 30, now);
	ok(s <= now && now - s < 2 * 3600 * 1000,
	   "autumn: one 02:30 slot before the second 02:45");
	is_int(ms_job_next_slot(2, 30, now), local(2025, 10, 27, 2, 30, -1),
	       "and the next is tomorrow, not the repeated hour");
	is_int(ms_job_next_slot(6, 0, local(2025, 10, 25, 12, 0, -1)) -
	       ms_job_prev_slot(6, 0, local(2025, 10, 25, 12, 0, -1)),
	       25 * 3600 * 1000, "the autumn day is 25 h long between slots");
}

static void test_decide(void)
{
	struct ms_job j = { .name = "report", .hour = 6, .min = 0,
			    .grace_ms = 3600 * 1000 };
	int64_t when, slot = local(2025, 6, 10, 6, 0, -1);
	int64_t h = 3600 * 1000;

	is_int(ms_job_decide(&j, slot - 1000, &when), MS_JOB_WAIT,
	       "never run, yesterday's slot is long past: not owed, wait");
	is_int(ms_job_decide(&j, slot - 1000, &when), MS_JOB_WAIT,
	       "and again: wait");
	j.last_start = slot - 48 * h;
	j.skipped_slot = 0;
	is_int(ms_job_decide(&j, slot - 1000, &when), MS_JOB_SKIP,
	       "ran before, yesterday's slot is long past: skip");
	is_int(ms_job_decide(&j, slot - 1000, &when), MS_JOB_WAIT,
	       "the skipped slot is reported once");
	j.last_start = 0;
	is_int(when, slot, "next slot is 06:00");
	is_int(ms_job_decide(&j, slot, &when), MS_JOB_RUN, "due at 06:00");
	j.last_start = slot;
	j.running = true;
	is_int(ms_job_decide(&j, slot + 1000, &when), MS_JOB_WAIT,
	       "ran for this slot: wait");
	/* Down from the day before 05:00 until 06:30 three days later. */
	j.running = false;
	j.last_start = slot - 25 * h;
	is_int(ms_job_decide(&j, slot + 2 * 24 * h + h / 2, &when), MS_JOB_RUN,
	       "missed slots within the grace: one catch-up run");
	j.last_start = slot + 2 * 24 * h + h / 2;
	is_int(ms_job_decide(&j, slot + 2 * 24 * h + h, &when), MS_JOB_WAIT,
	       "coalesced: no second catch-up");
	j.last_start = slot - 25 * h;
	is_int(ms_job_decide(&j, slot + 2 * h, &when), MS_JOB_SKIP,
	       "missed by more than the grace: skip");
	/* Still running when the next slot comes: never two at once. */
	j.last_start = slot - 24 * h + 1;
	j.skipped_slot = 0;
	j.running = true;
	is_int(ms_job_decide(&j, slot + 10, &when), MS_JOB_BUSY,
	       "the previous run still going: busy, not a second run");
	j.running = false;
	is_int(ms_job_decide(&j, slot + h / 2, &when), MS_JOB_RUN,
	       "once it ended, the slot runs within the grace");
	j.hour = -1;
	is_int(ms_job_decide(&j, slot, &when), MS_JOB_WAIT,
	       "unscheduled: wait");
}

/* REPORT_REFRESH=15: a slot every 15 minutes, never two runs at once. */
static void test_every(void)
{
	int64_t m15 = 15 * 60 * 1000, t0 = 1749535200000LL;	/* :00 UTC */
	struct ms_job j = { .name = "refresh", .hour = 0, .every_ms = m15,
			    .grace_ms = m15 };
	int64_t when;

	is_int(ms_job_decide(&j, t0 + 1000, &when), MS_JOB_RUN,
	       "every 15 min: the current slot runs");
	is_int(when, t0 + m15, "the next slot is 15 minutes on");
	j.last_start = t0 + 1000;
	j.running = true;
	is_int(ms_job_decide(&j, t0 + 2000, &when), MS_JOB_WAIT,
	       "ran for this slot: wait");
	is_int(ms_job_decide(&j, t0 + m15 + 5, &when), MS_JOB_BUSY,
	       "still running at the next slot: busy, no overlap");
	j.running = false;
	is_int(ms_job_decide(&j, t0 + 3 * m15 + 5, &when), MS_JOB_RUN,
	       "missed slots coalesce into one run");
}

int main(void)
{
	test_delay();
	test_delay_grows();
	test_burst();
	test_deaths();
	test_parse_at();
	test_slots();
	test_decide();
	test_every();
	return done_testing();
}
