/*
 * Signals (see sig.h): the handled ones are blocked and read from a
 * signalfd, so no handler ever runs in the middle of library code.
 */
#include "sig.h"

#include <sys/signalfd.h>

static const int handled[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1 };

int ms_sig_open(int extra, struct ms_err *err)
{
	struct sigaction sa;
	sigset_t set;
	size_t i;
	int fd, r;

	sigemptyset(&set);
	for (i = 0; i < MS_ARRAY_SIZE(handled); i++)
		sigaddset(&set, handled[i]);
	if (extra > 0)
		sigaddset(&set, extra);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		return ms_err_sys(err, "cannot ignore SIGPIPE");
	if ((r = pthread_sigmask(SIG_BLOCK, &set, NULL)) != 0) {
		errno = r;
		return ms_err_sys(err, "cannot block signals");
	}
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return ms_err_sys(err, "cannot create a signalfd");
	return fd;
}

int ms_sig_read(int fd)
{
	struct signalfd_siginfo si;
	ssize_t n;

	do
		n = read(fd, &si, sizeof(si));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

void ms_sig_reset_child(void)
{
	struct sigaction sa;
	sigset_t none;
	int s;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	/* Ignored dispositions survive exec; handlers do not, but be plain. */
	for (s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
