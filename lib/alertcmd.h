/*
 * ALERT_COMMAND delivery: everything queued for the command, process
 * alerts and plant events, as JSON lines on the standard input of one run.
 */
#ifndef MS_ALERTCMD_H
#define MS_ALERTCMD_H

#include "ms.h"
#include "alert.h"

/*
 * Run ac->command once over the files waiting in its queue, oldest first
 * (at most 32 MiB of lines; the rest waits for the next run), by
 * min(deadline, ALERT_COMMAND_TIMEOUT from now).  Exit 0 removes them;
 * anything else keeps them.  Fills res's command fields; returns 0 or
 * res->command_r.
 */
int ms_alertcmd_deliver(const struct ms_alert_conf *ac, ms_msec_t deadline,
			struct ms_alert_result *res);

#endif
