/*
 * Processes: identity through /proc (so a recycled pid is never taken for
 * ours), signals through pidfds, and spawning children with clean signal
 * state.
 */
#ifndef MS_PROC_H
#define MS_PROC_H

#include "ms.h"
#include "err.h"

/* Field 22 of /proc/PID/stat (start time in clock ticks since boot). */
int ms_proc_starttime(pid_t pid, uint64_t *ticks, struct ms_err *err);

/*
 * Whether pid has exited: it is not in /proc, or it is a zombie whose
 * threads have all exited.  After SIGKILL the thread-group leader turns
 * zombie while the other threads still exit, and until the last of them
 * has, the files they share (a lock among them) stay open: such a
 * process has not exited yet.
 */
bool ms_proc_exited(pid_t pid);

/*
 * 1 if pid runs a modscan binary as applet (argv[0] basename modscan with
 * argv[1] APPLET, or modscan-APPLET, or a bare APPLET link to our own
 * binary), 0 if not, negative if it is gone.
 */
int ms_proc_is_applet(pid_t pid, const char *applet);

/* pidfd_open(2) and pidfd_send_signal(2), through syscall(2). */
int ms_pidfd_open(pid_t pid, struct ms_err *err);
int ms_pidfd_signal(int pidfd, int sig, struct ms_err *err);
/* Wait until the process behind pidfd has exited or the deadline passed:
 * 1 exited, 0 still alive at the deadline. */
int ms_pidfd_wait(int pidfd, ms_msec_t deadline);

/*
 * Keep the secrets this process is about to load out of core dumps: not
 * dumpable (PR_SET_DUMPABLE 0, which also bars other users' ptrace) and
 * RLIMIT_CORE 0, soft and hard.  MODSCAN_COREDUMP=1 in the environment
 * skips both, for debugging a crash.
 */
int ms_proc_nodump(struct ms_err *err);

/* The absolute path of the running binary (/proc/self/exe). */
int ms_proc_self_exe(char *out, size_t size, struct ms_err *err);

struct ms_spawn {
	char *const *argv;		/* argv[0] is the program path */
	char *const *envp;		/* NULL: our environment */
	int stdin_fd;			/* -1: /dev/null */
	int stdout_fd;			/* -1: /dev/null */
	int stderr_fd;			/* -1: same as stdout */
	bool new_session;		/* setsid() in the child */
	bool detach;			/* double fork: not our child */
	bool die_with_parent;		/* SIGKILL when the thread that
					 * started it ends (the process too) */
};

/*
 * Start a child with default signal dispositions, an empty signal mask
 * and only fds 0-2 open.  *pid gets the child (or, detached, the
 * grandchild).
 */
int ms_proc_spawn(const struct ms_spawn *sp, pid_t *pid, struct ms_err *err);

#endif
