/*
 * Clocks and deadlines.  Deadlines are absolute CLOCK_MONOTONIC
 * milliseconds; the wall clock is only for timestamps.
 */
#ifndef MS_MSTIME_H
#define MS_MSTIME_H

#include "ms.h"

#include <pthread.h>

/* A deadline that never comes. */
#define MS_NEVER INT64_MAX

ms_msec_t ms_mono_now(void);
ms_msec_t ms_wall_now(void);

/* now + timeout_ms (MS_NEVER for a negative timeout). */
ms_msec_t ms_deadline(ms_msec_t timeout_ms);
/* Milliseconds until deadline, 0 if past, MS_NEVER for MS_NEVER. */
ms_msec_t ms_left(ms_msec_t deadline);
/* A poll() timeout for deadline: -1 for MS_NEVER, else clamped to int. */
int ms_poll_timeout(ms_msec_t deadline);

/* The CLOCK_MONOTONIC time after_ms from now, for pthread_cond_timedwait
 * on a condition variable of ms_mono_cond_init. */
struct timespec ms_mono_timespec(ms_msec_t after_ms);
/* A condition variable whose timed waits count on CLOCK_MONOTONIC. */
void ms_mono_cond_init(pthread_cond_t *cv);

/* Broken-down local time (localtime_r); 0 or MS_E_INVAL. */
int ms_localtime(time_t t, struct tm *tm);

enum { MS_ISO_MAX = 40 };
/* "2025-03-01T06:00:12.345+01:00" in local time; returns out. */
char *ms_time_iso(ms_msec_t wall_ms, char out[MS_ISO_MAX]);

#endif
