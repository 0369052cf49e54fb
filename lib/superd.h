/*
 * watchdog --daemon: the scanner as a child, restarted with capped
 * exponential backoff and a burst limit with cool-down, hang detection by
 * heartbeat age, daily jobs (report, maintain) as children, its own status
 * file (WATCHDOG_STATUS_FILE, applet "watchdog": state, restarts, death
 * tally, jobs) and optionally /health and /metrics over HTTP.
 */
#ifndef MS_SUPERD_H
#define MS_SUPERD_H

#include "ms.h"
#include "alert.h"
#include "conf.h"
#include "scanctl.h"

/*
 * Run until SIGTERM or SIGINT arrives on sfd (a signalfd from
 * ms_sig_open); then stop the children and return 0.  serve is an
 * ADDR:PORT or empty.  The caller holds the supervisor's lock
 * (WATCHDOG_PID_FILE).  Returns 1 on a runtime failure, 2 on a bad
 * REPORT_AT, MAINTAIN_AT or address.
 */
int ms_superd_run(const struct ms_conf *c, const struct ms_scanctl *sc,
		  const struct ms_alert_conf *ac, int sfd, const char *serve);

#endif
