/*
 * Per-device schedule.  Each device owns a fixed slot inside the scan
 * interval, from a stable hash of its name: load is spread flat over the
 * interval and a device's slot does not move when the scanner restarts.
 */
#ifndef MS_SCHEDULE_H
#define MS_SCHEDULE_H

#include "ms.h"

/* 64-bit FNV-1a of a string. */
uint64_t ms_hash(const char *s);

/* Offset of name's slot inside an interval, in [0, interval_ms). */
int64_t ms_sched_offset(const char *name, int64_t interval_ms);

/* The first slot of name strictly after wall time after_ms. */
int64_t ms_sched_next(const char *name, int64_t after_ms, int64_t interval_ms);

#endif
