/*
 * The runtime directories a configuration names: RUN_DIR, SPOOL_DIR and
 * the alert queue and raw output under RUN_DIR, held to the rules of
 * file.h before an applet starts anything or writes into them.
 */
#ifndef MS_RUNDIR_H
#define MS_RUNDIR_H

#include "ms.h"
#include "conf.h"
#include "err.h"

/*
 * Check RUN_DIR and, when they exist, SPOOL_DIR, RUN_DIR/alerts and
 * RUN_DIR/raw; with create, a missing RUN_DIR is made (0700), else it is
 * fine (nothing to read yet).  Then the files modscan writes by key
 * (STATUS_FILE, PID_FILE, WATCHDOG_*_FILE, SSH_KNOWN_HOSTS, LOG_FILE, in
 * RUN_DIR when empty) must not be symbolic links, and those set outside
 * RUN_DIR not be in a shared directory (ms_file_dir_check).  Never
 * changes an existing directory.  MS_E_INVAL with one line (path, problem, fix)
 * for an unsafe one.
 */
int ms_rundir_check(const struct ms_conf *c, bool create,
		    struct ms_err *err);

/*
 * ms_rundir_check(c, false) for an applet that only reads RUN_DIR
 * (status): RUN_DIR may also be another user's that lets this one read
 * it through its group (MS_DIR_RUN_READ), and then that user's data
 * directories are left to it.  Files are read with O_NOFOLLOW as ever.
 */
int ms_rundir_check_read(const struct ms_conf *c, struct ms_err *err);

/* RUN_DIR/leaf into out: MS_E_TOOBIG (err filled) if it does not fit. */
int ms_rundir_path(const struct ms_conf *c, const char *leaf, char *out,
		   size_t size, struct ms_err *err);

#endif
