/*
 * DEVICES_COMMAND (see invsrc.h): a program run under a time and an
 * output cap, its standard error kept for the log.
 */
#include "invsrc.h"

#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <sys/wait.h>

#include "proc.h"
#include "mstime.h"

enum { STDERR_MAX = 8192 };

/* The program running now, for ms_invsrc_command_kill: the scanner reads
 * its sources one refresh at a time, so there is at most one. */
static _Atomic pid_t running;

struct child {
	pid_t pid;
	int out, errfd;
	struct ms_buf errtext;
};

/* One read from fd into b; 0 at EOF (fd closed), 1 more, <0 error. */
static int drain(int *fd, struct ms_buf *b, bool capped)
{
	char tmp[8192];
	ssize_t n = read(*fd, tmp, sizeof(tmp));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : MS_E_SYS;
	if (n == 0) {
		close(*fd);
		*fd = -1;
		return 0;
	}
	/* stderr: keep its head, drain the rest */
	if (capped && b->len + (size_t)n > b->max)
		n = (ssize_t)(b->max - b->len);
	return ms_buf_add(b, tmp, (size_t)n) < 0 ? MS_E_TOOBIG : 1;
}

static int start(struct child *k, const char *cmd, struct ms_err *err)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	struct ms_spawn sp = { .argv = argv, .stdin_fd = -1,
			       .new_session = true, .die_with_parent = true };
	int o[2], e[2], r;

	if (pipe2(o, O_CLOEXEC) < 0)
		return ms_err_sys(err, "DEVICES_COMMAND: cannot create a pipe");
	if (pipe2(e, O_CLOEXEC) < 0) {
		close(o[0]);
		close(o[1]);
		return ms_err_sys(err, "DEVICES_COMMAND: cannot create a pipe");
	}
	sp.stdout_fd = o[1];
	sp.stderr_fd = e[1];
	r = ms_proc_spawn(&sp, &k->pid, err);
	close(o[1]);
	close(e[1]);
	k->out = o[0];
	k->errfd = e[0];
	if (r < 0)
		ms_err_prefix(err, "DEVICES_COMMAND");
	return r;
}

/* Read both pipes until EOF on both, the cap or the deadline. */
static int collect(struct child *k, ms_msec_t deadline, struct ms_buf *out)
{
	struct pollfd p[2];
	int n, r;

	while (k->out >= 0 || k->errfd >= 0) {
		p[0] = (struct pollfd){ .fd = k->out, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = k->errfd, .events = POLLIN };
		n = poll(p, 2, ms_poll_timeout(deadline));
		if (n == 0)
			return MS_E_TIMEOUT;
		if (n < 0 && errno != EINTR)
			return MS_E_SYS;
		if (n < 0)
			continue;
		if (p[0].revents && (r = drain(&k->out, out, false)) < 0)
			return r;
		if (p[1].revents &&
		    (r = drain(&k->errfd, &k->errtext, true)) < 0)
			return r;
	}
	return 0;
}

/* The exit status once it has exited by the deadline; <0 if not. */
static int reap(pid_t pid, ms_msec_t deadline)
{
	int pfd = ms_pidfd_open(pid, NULL), st, done = 1;

	if (pfd >= 0) {
		done = ms_pidfd_wait(pfd, deadline);
		close(pfd);
	}
	if (!done)
		return MS_E_TIMEOUT;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return MS_E_SYS;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void stderr_lines(const struct ms_buf *b, struct ms_buf *warnings)
{
	const char *p = b->p, *end = b->p + b->len, *nl;

	for (; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		if (nl > p)
			ms_buf_printf(warnings, "DEVICES_COMMAND: %.*s\n",
				      (int)MS_MIN(nl - p, 500), p);
	}
}

int ms_invsrc_command(const char *cmd, ms_msec_t timeout_ms,
		      struct ms_buf *out, struct ms_buf *warnings,
		      struct ms_err *err)
{
	ms_msec_t deadline = ms_deadline(timeout_ms);
	struct child k = { .pid = -1, .out = -1, .errfd = -1 };
	int r, st = 0;

	ms_buf_init(&k.errtext, STDERR_MAX);
	if ((r = start(&k, cmd, err)) < 0)
		goto out;
	atomic_store(&running, k.pid);
	r = collect(&k, deadline, out);
	if (r == 0 && (st = reap(k.pid, deadline)) >= 0)
		k.pid = -1;
	else if (r == 0)
		r = st;
	if (r == MS_E_TIMEOUT)
		ms_err_set(err, r, "DEVICES_COMMAND: no end within %lld s, "
			   "killed", (long long)timeout_ms / 1000);
	else if (r == MS_E_TOOBIG)
		ms_err_set(err, r, "DEVICES_COMMAND: more than %zu KiB of "
			   "output", out->max / 1024);
	else if (r < 0)
		ms_err_sys(err, "DEVICES_COMMAND");
	else if (st)
		r = ms_err_set(err, MS_E_PROTO, "DEVICES_COMMAND: exit "
			       "status %d", st);
out:
	atomic_store(&running, 0);
	if (k.pid > 0) {
		kill(-k.pid, SIGKILL);
		reap(k.pid, MS_NEVER);
	}
	if (k.out >= 0)
		close(k.out);
	if (k.errfd >= 0)
		close(k.errfd);
	stderr_lines(&k.errtext, warnings);
	ms_buf_release(&k.errtext);
	return r;
}

void ms_invsrc_command_kill(void)
{
	pid_t pid = atomic_load(&running);

	if (pid > 0)
		kill(-pid, SIGKILL);
}
