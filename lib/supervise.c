/*
 * Supervision policy: restart delays, burst limit and cool-down, death
 * tally, daily job slots.  Pure functions of the times they are given.
 */
#include "supervise.h"

#include <sys/wait.h>

#include "backoff.h"
#include "mstime.h"

ms_msec_t ms_restart_delay(ms_msec_t base, unsigned n, ms_msec_t max,
			   uint32_t rnd)
{
	struct ms_backoff_policy p = ms_backoff_restart(base, max);

	return ms_backoff_delay(&p, n, rnd);
}

void ms_restart_init(struct ms_restart *b, ms_msec_t base_ms,
		     ms_msec_t max_ms, ms_msec_t healthy_ms, unsigned burst,
		     ms_msec_t window_ms, ms_msec_t cooldown_ms)
{
	memset(b, 0, sizeof(*b));
	b->base_ms = base_ms;
	b->max_ms = max_ms < base_ms ? base_ms : max_ms;
	b->healthy_ms = healthy_ms;
	b->burst = burst < 1 ? 1 : MS_MIN(burst, MS_RESTART_BURST_MAX);
	b->window_ms = window_ms;
	b->cooldown_ms = cooldown_ms;
}

void ms_restart_started(struct ms_restart *b, ms_msec_t now)
{
	if (b->nstarts == MS_RESTART_BURST_MAX) {
		memmove(b->starts, b->starts + 1,
			(b->nstarts - 1) * sizeof(b->starts[0]));
		b->nstarts--;
	}
	b->starts[b->nstarts++] = now;
}

/* Starts within the window that ends at now. */
static unsigned recent_starts(const struct ms_restart *b, ms_msec_t now)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < b->nstarts; i++)
		if (now - b->starts[i] < b->window_ms)
			n++;
	return n;
}

void ms_restart_exited(struct ms_restart *b, ms_msec_t started, ms_msec_t now,
		       uint32_t rnd, struct ms_restart_plan *plan)
{
	if (now - started >= b->healthy_ms)
		b->failures = 0;
	b->failures++;
	plan->attempt = b->failures;
	plan->cooldown = false;
	if (recent_starts(b, now) >= b->burst) {
		/* Spent: pause, then begin a fresh burst with a short delay. */
		plan->cooldown = true;
		plan->delay_ms = b->cooldown_ms;
		b->nstarts = 0;
		b->failures = 0;
		return;
	}
	plan->delay_ms = ms_restart_delay(b->base_ms, b->failures, b->max_ms,
					  rnd);
}

void ms_death_record(struct ms_status *st, int64_t wall_ms, int wstatus)
{
	struct ms_status_death d = { .time = wall_ms };
	size_t n = MS_MIN(st->ndeaths, (size_t)MS_STATUS_DEATHS_MAX - 1);

	if (WIFSIGNALED(wstatus)) {
		d.exit_status = -1;
		d.signal = WTERMSIG(wstatus);
	} else {
		d.exit_status = WEXITSTATUS(wstatus);
	}
	memmove(st->deaths + 1, st->deaths, n * sizeof(st->deaths[0]));
	st->deaths[0] = d;
	st->ndeaths = n + 1;
}

void ms_death_describe(int exit_status, int sig, char *out, size_t size)
{
	if (sig)
		snprintf(out, size, "signal %d (%s)", sig, strsignal(sig));
	else
		snprintf(out, size, "exit %d", exit_status);
}

int ms_job_parse_at(const char *s, int *hour, int *min, struct ms_err *err)
{
	*hour = *min = -1;
	if (!s || !*s)
		return 0;
	if (strlen(s) != 5 || s[2] != ':' ||
	    !strchr("012", s[0]) || s[1] < '0' || s[1] > '9' ||
	    s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		goto bad;
	*hour = (s[0] - '0') * 10 + (s[1] - '0');
	*min = (s[3] - '0') * 10 + (s[4] - '0');
	if (*hour > 23)
		goto bad;
	return 0;
bad:
	*hour = *min = -1;
	return ms_err_set(err, MS_E_INVAL, "'%s' is not a time of day (HH:MM)",
			  s);
}

/* The slot hour:min on the local day of t shifted by days. */
static int64_t slot_of_day(int hour, int min, int64_t t, int days)
{
	struct tm tm;

	if (ms_localtime((time_t)(t / 1000), &tm) < 0)
		return 0;
	tm.tm_mday += days;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;	/* let mktime pick the offset of that moment */
	return (int64_t)mktime(&tm) * 1000;
}

int64_t ms_job_prev_slot(int hour, int min, int64_t now)
{
	int64_t s = slot_of_day(hour, min, now, 0);

	return s <= now ? s : slot_of_day(hour, min, now, -1);
}

int64_t ms_job_next_slot(int hour, int min, int64_t now)
{
	int64_t s = slot_of_day(hour, min, now, 0);

	return s > now ? s : slot_of_day(hour, min, now, 1);
}

enum ms_job_decision ms_job_decide(struct ms_job *j, int64_t now,
				   int64_t *when)
{
	int64_t prev;

	*when = 0;
	if (j->every_ms > 0) {
		prev = now - now % j->every_ms;
		*when = prev + j->every_ms;
	} else if (j->hour < 0) {
		return MS_JOB_WAIT;
	} else {
		*when = ms_job_next_slot(j->hour, j->min, now);
		prev = ms_job_prev_slot(j->hour, j->min, now);
	}
	if (j->last_start >= prev || j->skipped_slot == prev)
		return MS_JOB_WAIT;
	if (now - prev > j->grace_ms) {
		j->skipped_slot = prev;
		/* Never run: a slot before our time was not ours to run. */
		return j->last_start ? MS_JOB_SKIP : MS_JOB_WAIT;
	}
	if (j->running)
		return MS_JOB_BUSY;
	return MS_JOB_RUN;
}
