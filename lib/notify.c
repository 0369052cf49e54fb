/*
 * systemd notification protocol (see notify.h): one datagram per message
 * to the AF_UNIX socket named by $NOTIFY_SOCKET; a name starting with '@'
 * is in the abstract namespace.
 */
#include "notify.h"

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "num.h"

enum { NOTIFY_MSG_MAX = 1024 };

bool ms_notify_enabled(void)
{
	const char *s = getenv("NOTIFY_SOCKET");

	return s && *s;
}

/* The socket address of $NOTIFY_SOCKET; its length, or 0 if unusable. */
static socklen_t notify_addr(struct sockaddr_un *sa)
{
	const char *s = getenv("NOTIFY_SOCKET");
	size_t len;

	if (!s || !*s || (*s != '/' && *s != '@'))
		return 0;
	len = strlen(s);
	if (len >= sizeof(sa->sun_path))
		return 0;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, s, len);
	if (*s == '@') {
		sa->sun_path[0] = '\0';
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				   len);
	}
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

int ms_notify(const char *msg)
{
	struct sockaddr_un sa;
	socklen_t salen;
	ssize_t n;
	int fd;

	if (!ms_notify_enabled())
		return 0;
	if (!(salen = notify_addr(&sa)))
		return MS_E_INVAL;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return MS_E_SYS;
	n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
		   (const struct sockaddr *)&sa, salen);
	close(fd);
	return n < 0 ? MS_E_SYS : 0;
}

int ms_notify_status(const char *fmt, ...)
{
	char msg[NOTIFY_MSG_MAX];
	va_list ap;
	size_t n, i;

	if (!ms_notify_enabled())
		return 0;
	n = (size_t)snprintf(msg, sizeof(msg), "STATUS=");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	/* the protocol is newline-separated assignments */
	for (i = n; msg[i]; i++)
		if (msg[i] == '\n' || msg[i] == '\r')
			msg[i] = ' ';
	return ms_notify(msg);
}

ms_msec_t ms_notify_watchdog_ms(void)
{
	const char *usec = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");
	long long v, p;

	if (!usec || ms_parse_ll(usec, 1, LLONG_MAX, &v) < 0)
		return 0;
	/* WATCHDOG_PID names who the watchdog is for; not us, no pings */
	if (pid && *pid && (ms_parse_ll(pid, 1, INT_MAX, &p) < 0 ||
			    p != (long long)getpid()))
		return 0;
	return (v + 999) / 1000;
}
