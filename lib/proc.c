/*
 * Processes (see proc.h): /proc identity, pidfds, and spawning.  The
 * child side of ms_proc_spawn runs between fork and exec of a possibly
 * threaded parent, so it only makes async-signal-safe calls.
 */
#include "proc.h"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "buf.h"
#include "file.h"
#include "num.h"
#include "sig.h"
#include "mstime.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

enum { PROC_FILE_MAX = 64 * 1024, STAT_STARTTIME_FIELD = 22 };

/* Read /proc/PID/leaf; MS_E_NOENT when the process is gone. */
static int read_proc(pid_t pid, const char *leaf, struct ms_buf *b,
		     struct ms_err *err)
{
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, leaf);
	r = ms_file_read(path, b, NULL, err);
	if (r < 0 && (errno == ENOENT || errno == ESRCH))
		return ms_err_set(err, MS_E_NOENT, "no process %ld",
				  (long)pid);
	return r;
}

int ms_proc_starttime(pid_t pid, uint64_t *ticks, struct ms_err *err)
{
	struct ms_buf b;
	const char *p, *end;
	long long v;
	int field, r;

	ms_buf_init(&b, PROC_FILE_MAX);
	if ((r = read_proc(pid, "stat", &b, err)) < 0)
		goto out;
	/* comm (field 2) may hold spaces and parentheses: skip to its end */
	r = ms_err_set(err, MS_E_PARSE, "cannot parse /proc/%ld/stat",
		       (long)pid);
	if (!(p = strrchr(b.p, ')')))
		goto out;
	/* p is past field 2; skip fields 3 .. 21 */
	for (field = 2, p++; field < STAT_STARTTIME_FIELD - 1 && *p; field++) {
		p += strspn(p, " ");
		p += strcspn(p, " ");
	}
	field++;
	p += strspn(p, " ");
	end = p + strcspn(p, " \n");
	if (field != STAT_STARTTIME_FIELD ||
	    ms_parse_lln(p, (size_t)(end - p), 0, LLONG_MAX, &v) < 0)
		goto out;
	*ticks = (uint64_t)v;
	r = 0;
	if (err)
		ms_err_clear(err);
out:
	ms_buf_release(&b);
	return r;
}

bool ms_proc_exited(pid_t pid)
{
	struct ms_buf b;
	const char *p;
	bool gone = true;
	long long n;
	int r;

	ms_buf_init(&b, PROC_FILE_MAX);
	if ((r = read_proc(pid, "stat", &b, NULL)) < 0) {
		gone = r == MS_E_NOENT;
		goto out;
	}
	/* the state follows the last ')' (the command name may hold any) */
	p = strrchr(b.p, ')');
	gone = p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
	ms_buf_reset(&b);
	if (!gone || read_proc(pid, "status", &b, NULL) < 0 ||
	    !(p = strstr(b.p, "\nThreads:")))
		goto out;
	p += strlen("\nThreads:");
	p += strspn(p, " \t");
	gone = ms_parse_lln(p, strcspn(p, "\n"), 0, LLONG_MAX, &n) < 0 ||
	       n <= 1;
out:
	ms_buf_release(&b);
	return gone;
}

/* Whether /proc/PID/exe is the same file as our own binary. */
static bool same_exe(pid_t pid)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%ld/exe", (long)pid);
	return stat(path, &a) == 0 && stat("/proc/self/exe", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int ms_proc_is_applet(pid_t pid, const char *applet)
{
	static const char prefix[] = "modscan-";
	const char *arg0, *base, *arg1;
	struct ms_buf b;
	int r;

	ms_buf_init(&b, PROC_FILE_MAX);
	if ((r = read_proc(pid, "cmdline", &b, NULL)) < 0)
		goto out;
	r = 0;
	if (!b.len)
		goto out;	/* a zombie or a kernel thread */
	arg0 = b.p;
	arg1 = strlen(arg0) + 1 < b.len ? arg0 + strlen(arg0) + 1 : "";
	base = strrchr(arg0, '/');
	base = base ? base + 1 : arg0;
	if (!strcmp(base, "modscan"))
		r = !strcmp(arg1, applet);
	else if (!strncmp(base, prefix, sizeof(prefix) - 1))
		r = !strcmp(base + sizeof(prefix) - 1, applet);
	else if (!strcmp(base, applet))
		r = same_exe(pid);	/* a bare "scan" link: prove it is us */
out:
	ms_buf_release(&b);
	return r;
}

int ms_proc_nodump(struct ms_err *err)
{
	static const struct rlimit none = { 0, 0 };
	const char *v = getenv("MODSCAN_COREDUMP");

	if (v && !strcmp(v, "1"))
		return 0;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ms_err_sys(err, "cannot make the process non-dumpable");
	if (setrlimit(RLIMIT_CORE, &none) < 0)
		return ms_err_sys(err, "cannot set the core size limit to 0");
	return 0;
}

int ms_pidfd_open(pid_t pid, struct ms_err *err)
{
	long fd = syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0 && errno == ESRCH)
		return ms_err_set(err, MS_E_NOENT, "no process %ld",
				  (long)pid);
	if (fd < 0)
		return ms_err_sys(err, "pidfd_open %ld", (long)pid);
	return (int)fd;
}

int ms_pidfd_signal(int pidfd, int sig, struct ms_err *err)
{
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
		if (errno == ESRCH)
			return ms_err_set(err, MS_E_NOENT,
					  "the process has exited");
		return ms_err_sys(err, "cannot send signal %d", sig);
	}
	return 0;
}

int ms_pidfd_wait(int pidfd, ms_msec_t deadline)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	int n;

	for (;;) {
		n = poll(&pfd, 1, ms_poll_timeout(deadline));
		if (n > 0)
			return 1;
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			return 0;
		if (ms_left(deadline) == 0)
			return 0;
	}
}

int ms_proc_self_exe(char *out, size_t size, struct ms_err *err)
{
	ssize_t n = readlink("/proc/self/exe", out, size);

	if (n < 0)
		return ms_err_sys(err, "cannot read /proc/self/exe");
	if ((size_t)n >= size)
		return ms_err_set(err, MS_E_TOOBIG,
				  "path of our binary too long");
	out[n] = '\0';
	return 0;
}

/* --- spawning --- */

/* What the child side reports through the status pipe. */
struct report {
	int kind;		/* REPORT_PID or REPORT_ERRNO */
	int value;
};
enum { REPORT_PID = 1, REPORT_ERRNO = 2 };

static void report(int fd, int kind, int value)
{
	struct report rep = { kind, value };

	/* One small write to a pipe is atomic; nothing to do if it fails. */
	if (write(fd, &rep, sizeof(rep)) < 0)
		return;
}

/* Close fds low..high (inclusive). */
static void close_fds(int low, int high)
{
	int fd, max;

	if (low > high)
		return;
	if (syscall(SYS_close_range, low, high, 0) == 0)
		return;
	max = (int)MS_MIN((long)high, sysconf(_SC_OPEN_MAX));
	for (fd = low; fd <= max; fd++)
		close(fd);
}

/*
 * In the child: move fds in[0..2] onto 0..2 (through copies above 2, so
 * that a source that is itself 0..2 survives), close everything else but
 * the close-on-exec status pipe, reset signals and exec.  Returns only on
 * failure, with errno set and *pfd the pipe to report it on.
 */
static void child_exec(const struct ms_spawn *sp, const int in[3], int *pfd)
{
	int tmp[3], i;

	if ((i = fcntl(*pfd, F_DUPFD_CLOEXEC, 3)) < 0)
		return;
	*pfd = i;
	for (i = 0; i < 3; i++)
		if ((tmp[i] = fcntl(in[i], F_DUPFD_CLOEXEC, 3)) < 0)
			return;
	for (i = 0; i < 3; i++)
		if (dup2(tmp[i], i) < 0)
			return;
	close_fds(3, *pfd - 1);
	close_fds(*pfd + 1, INT_MAX);
	ms_sig_reset_child();
	if (sp->new_session && !sp->detach && setsid() < 0)
		return;
	if (sp->die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return;
	if (sp->envp)
		execve(sp->argv[0], sp->argv, sp->envp);
	else
		execv(sp->argv[0], sp->argv);
}

/* The child of fork: for detach, fork once more and leave. */
static void child_main(const struct ms_spawn *sp, const int in[3], int pfd)
{
	pid_t pid;

	if (sp->detach) {
		/* a new session without a terminal, then not its leader */
		setsid();
		if ((pid = fork()) < 0) {
			report(pfd, REPORT_ERRNO, errno);
			_exit(127);
		}
		if (pid > 0)
			_exit(0);
		report(pfd, REPORT_PID, (int)getpid());
	}
	child_exec(sp, in, &pfd);
	report(pfd, REPORT_ERRNO, errno);
	_exit(127);
}

/* Open /dev/null for the std fds that the caller left at -1. */
static int std_fds(const struct ms_spawn *sp, int in[3], int *devnull,
		   struct ms_err *err)
{
	*devnull = -1;
	if (sp->stdin_fd < 0 || sp->stdout_fd < 0) {
		*devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (*devnull < 0)
			return ms_err_sys(err, "cannot open /dev/null");
	}
	in[0] = sp->stdin_fd >= 0 ? sp->stdin_fd : *devnull;
	in[1] = sp->stdout_fd >= 0 ? sp->stdout_fd : *devnull;
	in[2] = sp->stderr_fd >= 0 ? sp->stderr_fd : in[1];
	return 0;
}

/* Read the child's reports until every write end is closed (exec). */
static int collect(int rfd, pid_t *pid, int *child_errno)
{
	struct report rep;
	ssize_t n;

	*child_errno = 0;
	for (;;) {
		n = read(rfd, &rep, sizeof(rep));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (n != sizeof(rep))
			return MS_E_PROTO;
		if (rep.kind == REPORT_PID)
			*pid = (pid_t)rep.value;
		else
			*child_errno = rep.value;
	}
	return 0;
}

int ms_proc_spawn(const struct ms_spawn *sp, pid_t *pid, struct ms_err *err)
{
	int in[3], devnull, p[2], child_errno = 0, r, status;
	pid_t child, got = 0;

	if ((r = std_fds(sp, in, &devnull, err)) < 0)
		return r;
	if (pipe2(p, O_CLOEXEC) < 0) {
		r = ms_err_sys(err, "cannot create a pipe");
		goto out;
	}
	if ((child = fork()) < 0) {
		r = ms_err_sys(err, "cannot fork");
		close(p[0]);
		close(p[1]);
		goto out;
	}
	if (child == 0) {
		close(p[0]);
		child_main(sp, in, p[1]);
	}
	close(p[1]);
	got = child;
	r = collect(p[0], &got, &child_errno);
	close(p[0]);
	if (sp->detach || child_errno) {
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (r < 0 || child_errno) {
		errno = child_errno ? child_errno : EPROTO;
		r = ms_err_sys(err, "cannot run '%s'", sp->argv[0]);
		goto out;
	}
	*pid = got;
	r = 0;
out:
	if (devnull >= 0)
		close(devnull);
	return r;
}
