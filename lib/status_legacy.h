/*
 * The old tool's status file (LEGACY_STATUS_FILE), written beside the
 * heartbeat so that its watchdog, still in cron, sees a healthy scanner:
 * {"timestamp", "status", "message", "last_successful_scan",
 * "last_heartbeat", "pid", "uptime_seconds", "uptime_human",
 * "lock_file", "is_healthy", "statistics"}.
 */
#ifndef MS_STATUS_LEGACY_H
#define MS_STATUS_LEGACY_H

#include "ms.h"
#include "buf.h"
#include "err.h"
#include "status.h"

/* The JSON of st as the old scanner wrote it at wall time now. */
int ms_status_legacy_render(const struct ms_status *st, const char *lock_file,
			    int64_t now, struct ms_buf *out,
			    struct ms_err *err);

/* Render it and replace path atomically (0644). */
int ms_status_legacy_write(const struct ms_status *st, const char *lock_file,
			   const char *path, struct ms_err *err);

#endif
