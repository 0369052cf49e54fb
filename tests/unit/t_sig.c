/* Unit tests of signal handling through a signalfd. */
#include "sig.h"
#include "harness.h"

#include <sys/wait.h>

static void test_signalfd(void)
{
	struct ms_err err = { 0 };
	struct sigaction sa;
	sigset_t mask;
	int fd;

	fd = ms_sig_open(SIGUSR2, &err);
	ok(fd >= 0, "ms_sig_open gives a signalfd");
	ok((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "it is close-on-exec");
	ok((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, "it is non-blocking");
	is_int(ms_sig_read(fd), 0, "nothing pending: 0");
	sigprocmask(SIG_SETMASK, NULL, &mask);
	ok(sigismember(&mask, SIGTERM) && sigismember(&mask, SIGINT) &&
	   sigismember(&mask, SIGHUP) && sigismember(&mask, SIGCHLD) &&
	   sigismember(&mask, SIGUSR1) && sigismember(&mask, SIGUSR2),
	   "the handled signals and the extra one are blocked");
	sigaction(SIGPIPE, NULL, &sa);
	ok(sa.sa_handler == SIG_IGN, "SIGPIPE is ignored");
	raise(SIGHUP);
	is_int(ms_sig_read(fd), SIGHUP, "a raised SIGHUP is read");
	raise(SIGUSR2);
	is_int(ms_sig_read(fd), SIGUSR2, "the extra signal is read");
	raise(SIGTERM);
	raise(SIGINT);
	ok(ms_sig_read(fd) > 0 && ms_sig_read(fd) > 0 && ms_sig_read(fd) == 0,
	   "two pending signals read one at a time");
	close(fd);
}

static void test_reset_child(void)
{
	int status = 0;
	pid_t pid;

	/* parent state from ms_sig_open: SIGTERM blocked, SIGPIPE ignored */
	if ((pid = fork()) == 0) {
		ms_sig_reset_child();
		raise(SIGPIPE);
		_exit(0);
	}
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	   WTERMSIG(status) == SIGPIPE,
	   "after reset a child dies of SIGPIPE (default disposition)");
	if ((pid = fork()) == 0) {
		ms_sig_reset_child();
		raise(SIGTERM);
		_exit(0);
	}
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	   WTERMSIG(status) == SIGTERM,
	   "after reset SIGTERM is no longer blocked");
}

int main(void)
{
	test_signalfd();
	test_reset_child();
	return done_testing();
}
