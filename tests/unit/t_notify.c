/* Unit tests of the systemd notification protocol on real AF_UNIX sockets. */
#include "notify.h"
#include "harness.h"
#include "tfile.h"

#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

/* A datagram socket bound to name ('@' for abstract); returns the fd. */
static int listen_on(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				      len + (name[0] == '@' ? 0 : 1));
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, salen) < 0) {
		perror("bind");
		exit(99);
	}
	return fd;
}

/* The next datagram on fd within a second, "" if none. */
static const char *receive(int fd, char *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n = 0;

	if (poll(&pfd, 1, 1000) == 1)
		n = recv(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void test_socket(const char *name, const char *what)
{
	char buf[2048];
	int fd = listen_on(name);

	setenv("NOTIFY_SOCKET", name, 1);
	ok(ms_notify_enabled(), "%s: enabled when NOTIFY_SOCKET is set", what);
	is_int(ms_notify("READY=1"), 0, "%s: send READY=1", what);
	is_str(receive(fd, buf, sizeof(buf)), "READY=1",
	       "%s: the socket receives READY=1", what);
	is_int(ms_notify_status("scanning %d devices\nX=1", 12), 0,
	       "%s: send STATUS", what);
	is_str(receive(fd, buf, sizeof(buf)), "STATUS=scanning 12 devices X=1",
	       "%s: STATUS arrives on one line", what);
	close(fd);
}

static void test_watchdog(void)
{
	char pid[32];

	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	is_int(ms_notify_watchdog_ms(), 0, "no WATCHDOG_USEC: no pings");
	setenv("WATCHDOG_USEC", "30000000", 1);
	is_int(ms_notify_watchdog_ms(), 30000, "WATCHDOG_USEC in ms");
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	is_int(ms_notify_watchdog_ms(), 30000, "WATCHDOG_PID is us");
	snprintf(pid, sizeof(pid), "%ld", (long)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	is_int(ms_notify_watchdog_ms(), 0, "WATCHDOG_PID of another process");
	setenv("WATCHDOG_PID", "abc", 1);
	is_int(ms_notify_watchdog_ms(), 0, "a garbled WATCHDOG_PID");
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "1500", 1);
	is_int(ms_notify_watchdog_ms(), 2, "sub-millisecond rounds up");
	setenv("WATCHDOG_USEC", "-5", 1);
	is_int(ms_notify_watchdog_ms(), 0, "a negative value is ignored");
	unsetenv("WATCHDOG_USEC");
}

int main(void)
{
	char path[128], abstract[64];

	t_tmpdir();
	unsetenv("NOTIFY_SOCKET");
	ok(!ms_notify_enabled(), "disabled without NOTIFY_SOCKET");
	is_int(ms_notify("READY=1"), 0, "disabled: a no-op success");
	test_socket(t_path(path, sizeof(path), "notify.sock"), "path");
	snprintf(abstract, sizeof(abstract), "@modscan-test-%ld",
		 (long)getpid());
	test_socket(abstract, "abstract");
	setenv("NOTIFY_SOCKET", "relative.sock", 1);
	is_int(ms_notify("READY=1"), MS_E_INVAL, "a relative name is refused");
	t_path(path, sizeof(path), "nobody-listens");
	setenv("NOTIFY_SOCKET", path, 1);
	is_int(ms_notify("READY=1"), MS_E_SYS, "no listener: an error");
	unsetenv("NOTIFY_SOCKET");
	test_watchdog();
	t_rmdir();
	return done_testing();
}
