/*
 * Signals: block the handled ones before threads start and read them from
 * a signalfd in the main poll() loop.  SIGPIPE is ignored.
 */
#ifndef MS_SIG_H
#define MS_SIG_H

#include <signal.h>

#include "ms.h"
#include "err.h"

/*
 * Block SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1 (plus extra, may be 0),
 * ignore SIGPIPE, and return a non-blocking close-on-exec signalfd.
 */
int ms_sig_open(int extra, struct ms_err *err);
/* Next pending signal from fd, 0 if none. */
int ms_sig_read(int fd);
/* In a forked child before exec: default dispositions, empty mask. */
void ms_sig_reset_child(void);

#endif
