/*
 * systemd readiness and watchdog protocol: datagrams to $NOTIFY_SOCKET
 * (no libsystemd).  Everything is a no-op when the variable is unset.
 */
#ifndef MS_NOTIFY_H
#define MS_NOTIFY_H

#include "ms.h"

bool ms_notify_enabled(void);
/* Send "READY=1", "STATUS=...", "WATCHDOG=1", "STOPPING=1". */
int ms_notify(const char *msg);
int ms_notify_status(const char *fmt, ...) MS_PRINTF(1, 2);
/* WATCHDOG_USEC for this pid as milliseconds, 0 if none. */
ms_msec_t ms_notify_watchdog_ms(void);

#endif
