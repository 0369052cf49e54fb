/*
 * Single-instance lock: an exclusive flock on a pid file opened with
 * O_CLOEXEC|O_NOFOLLOW.  The kernel drops the lock when the holder dies,
 * so a stale file of a dead process is simply taken over.
 */
#ifndef MS_LOCK_H
#define MS_LOCK_H

#include "ms.h"
#include "err.h"

struct ms_lock {
	int fd;			/* -1 when not held */
	char path[PATH_MAX];
};

/*
 * Take the lock and write our pid into the file.  MS_E_BUSY when a live
 * process holds it; the message names its pid.
 */
int ms_lock_acquire(struct ms_lock *l, const char *path, struct ms_err *err);
/* Remove the file and drop the lock (no-op when not held). */
void ms_lock_release(struct ms_lock *l);

/*
 * Who holds the lock at path: 1 and *pid when held, 0 when free or
 * absent, negative on error.  Never takes the lock itself for longer than
 * the probe.
 */
int ms_lock_holder(const char *path, pid_t *pid, struct ms_err *err);

#endif
