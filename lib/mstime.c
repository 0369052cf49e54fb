/* Clocks, deadlines and timestamps (see time.h). */
#include "mstime.h"

static ms_msec_t clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (ms_msec_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

ms_msec_t ms_mono_now(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

ms_msec_t ms_wall_now(void)
{
	return clock_ms(CLOCK_REALTIME);
}

ms_msec_t ms_deadline(ms_msec_t timeout_ms)
{
	if (timeout_ms < 0)
		return MS_NEVER;
	return ms_mono_now() + timeout_ms;
}

ms_msec_t ms_left(ms_msec_t deadline)
{
	ms_msec_t now;

	if (deadline == MS_NEVER)
		return MS_NEVER;
	now = ms_mono_now();
	return deadline > now ? deadline - now : 0;
}

int ms_poll_timeout(ms_msec_t deadline)
{
	ms_msec_t left = ms_left(deadline);

	if (left == MS_NEVER)
		return -1;
	return left > INT_MAX ? INT_MAX : (int)left;
}

struct timespec ms_mono_timespec(ms_msec_t after_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(after_ms / 1000);
	ts.tv_nsec += (long)(after_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

void ms_mono_cond_init(pthread_cond_t *cv)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
}

int ms_localtime(time_t t, struct tm *tm)
{
	return localtime_r(&t, tm) ? 0 : MS_E_INVAL;
}

char *ms_time_iso(ms_msec_t wall_ms, char out[MS_ISO_MAX])
{
	time_t t = (time_t)(wall_ms / 1000);
	long off, ms = (long)(wall_ms % 1000);
	struct tm tm;
	size_t n;

	if (ms < 0) {
		ms += 1000;
		t--;
	}
	if (ms_localtime(t, &tm) < 0) {
		snprintf(out, MS_ISO_MAX, "%lld", (long long)wall_ms);
		return out;
	}
	n = strftime(out, MS_ISO_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(out + n, MS_ISO_MAX - n, ".%03ld%c%02ld:%02ld", ms,
		 off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	return out;
}
