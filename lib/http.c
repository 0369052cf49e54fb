/*
 * The /health and /metrics server: non-blocking sockets in the caller's
 * poll loop, one request per connection, bounded and under a deadline.
 */
#include "http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "num.h"
#include "mstime.h"

int ms_http_parse_addr(const char *s, char *host, size_t hsize, int *port,
		       struct ms_err *err)
{
	const char *colon, *h = "127.0.0.1", *p = s;
	size_t hlen = strlen(h);
	int v;

	if (*s == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			goto bad;
		h = s + 1;
		hlen = (size_t)(colon - h);
		p = colon + 2;
	} else if ((colon = strrchr(s, ':'))) {
		/* ":PORT" is every interface, as other exporters take it */
		h = colon > s ? s : MS_HTTP_ANY;
		hlen = colon > s ? (size_t)(colon - s) : strlen(MS_HTTP_ANY);
		p = colon + 1;
	}
	if (hlen == 9 && !strncmp(h, "localhost", 9)) {
		h = "127.0.0.1";
		hlen = 9;
	}
	if (hlen == 0 || hlen >= hsize ||
	    ms_parse_int(p, 0, 65535, &v) < 0)
		goto bad;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = v;
	return 0;
bad:
	return ms_err_set(err, MS_E_INVAL, "'%s' is not ADDR:PORT", s);
}

static int bind_listen(const char *host, int port, struct ms_err *err)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, one = 1, zero = 0;

	if (!strcmp(host, MS_HTTP_ANY)) {
		/* IPv6 and IPv4 on one socket; IPv4 alone without IPv6 */
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, 0);
		if (fd >= 0) {
			close(fd);
			a6->sin6_family = AF_INET6;
			a6->sin6_addr = in6addr_any;
			a6->sin6_port = htons((uint16_t)port);
			len = sizeof(*a6);
		} else {
			a4->sin_family = AF_INET;
			a4->sin_addr.s_addr = htonl(INADDR_ANY);
			a4->sin_port = htons((uint16_t)port);
			len = sizeof(*a4);
		}
	} else if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		len = sizeof(*a4);
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		len = sizeof(*a6);
	} else {
		return ms_err_set(err, MS_E_INVAL,
				  "'%s' is not a numeric address", host);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return ms_err_sys(err, "cannot create a socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6 && !strcmp(host, MS_HTTP_ANY))
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    listen(fd, MS_HTTP_BACKLOG) < 0) {
		ms_err_sys(err, "cannot listen on '%s' port %d", host, port);
		close(fd);
		return MS_E_SYS;
	}
	return fd;
}

static void bound_name(struct ms_http *h)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char ip[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (getsockname(h->fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
		port = ntohs(a->sin_port);
		snprintf(h->addr, sizeof(h->addr), "%s:%d", ip, port);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
		port = ntohs(a->sin6_port);
		snprintf(h->addr, sizeof(h->addr), "[%s]:%d", ip, port);
	}
}

int ms_http_open(struct ms_http *h, const char *addr, ms_http_handler fn,
		 void *ctx, struct ms_err *err)
{
	char host[64];
	int port, r;
	size_t i;

	memset(h, 0, sizeof(*h));
	h->fd = -1;
	for (i = 0; i < MS_HTTP_CONN_MAX; i++)
		h->conn[i].fd = -1;
	h->slots = MS_HTTP_CONN_MAX;
	h->timeout_ms = MS_HTTP_TIMEOUT_MS;
	h->handler = fn;
	h->ctx = ctx;
	if ((r = ms_http_parse_addr(addr, host, sizeof(host), &port, err)) < 0)
		return r;
	if ((r = bind_listen(host, port, err)) < 0)
		return r;
	h->fd = r;
	bound_name(h);
	return 0;
}

static void conn_close(struct ms_http_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	ms_buf_release(&c->in);
	ms_buf_release(&c->out);
	c->writing = false;
}

void ms_http_close(struct ms_http *h)
{
	size_t i;

	for (i = 0; i < MS_HTTP_CONN_MAX; i++)
		conn_close(&h->conn[i]);
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

enum { NONE = MS_HTTP_CONN_MAX };

/* A free slot's index, or NONE. */
static size_t free_slot(const struct ms_http *h)
{
	size_t i;

	for (i = 0; i < h->slots && h->conn[i].fd >= 0; i++)
		;
	return i < h->slots ? i : NONE;
}

/* The reading connection accepted first, or NONE. */
static size_t oldest_reader(const struct ms_http *h)
{
	size_t i, o = NONE;

	for (i = 0; i < h->slots; i++)
		if (h->conn[i].fd >= 0 && !h->conn[i].writing &&
		    (o == NONE ||
		     h->conn[i].born < h->conn[o].born))
			o = i;
	return o;
}

/*
 * When the listening socket is worth waiting on: a slot is free, or one
 * can be made by evicting a client idle since MS_HTTP_IDLE_MS.  Until
 * then, new clients wait in the backlog.
 */
static ms_msec_t accept_at(const struct ms_http *h)
{
	size_t o;

	if (free_slot(h) < NONE)
		return h->pause;
	if ((o = oldest_reader(h)) == NONE)
		return MS_NEVER;
	return MS_MAX(h->pause, h->conn[o].born + MS_HTTP_IDLE_MS);
}

size_t ms_http_pollfds(const struct ms_http *h, struct pollfd *pfd)
{
	size_t i, n = 0;

	if (h->fd < 0)
		return 0;
	if (accept_at(h) <= ms_mono_now())
		pfd[n++] = (struct pollfd){ .fd = h->fd, .events = POLLIN };
	for (i = 0; i < h->slots; i++) {
		const struct ms_http_conn *c = &h->conn[i];

		if (c->fd >= 0)
			pfd[n++] = (struct pollfd){
				.fd = c->fd,
				.events = c->writing ? POLLOUT : POLLIN
			};
	}
	return n;
}

ms_msec_t ms_http_deadline(const struct ms_http *h)
{
	ms_msec_t d = MS_NEVER, a;
	size_t i;

	for (i = 0; i < h->slots; i++)
		if (h->conn[i].fd >= 0 && h->conn[i].deadline < d)
			d = h->conn[i].deadline;
	if (h->fd >= 0 && (a = accept_at(h)) > ms_mono_now())
		d = MS_MIN(d, a);
	return d;
}

static const char *reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

/* The response of a finished request in c->in, into c->out. */
static void respond(struct ms_http *h, struct ms_http_conn *c)
{
	struct ms_http_reply rep = { 404, "text/plain; charset=utf-8", { 0 } };
	char *line = c->in.p, *sp1, *sp2, *q;
	bool head = false;

	ms_buf_init(&rep.body, MS_BUF_UNBOUNDED);
	sp1 = strchr(line, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7)) {
		rep.code = 400;
	} else if (strncmp(line, "GET ", 4) &&
		   !(head = !strncmp(line, "HEAD ", 5))) {
		rep.code = 405;
	} else {
		*sp2 = '\0';
		if ((q = strchr(sp1 + 1, '?')))
			*q = '\0';
		h->handler(h->ctx, sp1 + 1, &rep);
	}
	if (rep.code != 200 && rep.code != 503 && !rep.body.len)
		ms_buf_printf(&rep.body, "%d %s\n", rep.code, reason(rep.code));
	ms_buf_init(&c->out, MS_BUF_UNBOUNDED);
	ms_buf_printf(&c->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
		      "Content-Length: %zu\r\nCache-Control: no-store\r\n"
		      "Connection: close\r\n\r\n", rep.code, reason(rep.code),
		      rep.type, rep.body.len);
	if (!head)
		ms_buf_add(&c->out, rep.body.p, rep.body.len);
	ms_buf_release(&rep.body);
	c->writing = true;
}

static void conn_read(struct ms_http *h, struct ms_http_conn *c)
{
	char tmp[1024];
	ssize_t n = read(c->fd, tmp, sizeof(tmp));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	if (ms_buf_add(&c->in, tmp, (size_t)n) < 0) {
		/* Too big: answer 431 from what we have, then close. */
		ms_buf_reset(&c->in);
		ms_buf_adds(&c->in, "TOOBIG");
		ms_buf_init(&c->out, MS_BUF_UNBOUNDED);
		ms_buf_printf(&c->out, "HTTP/1.1 431 %s\r\nContent-Length: 0"
			      "\r\nConnection: close\r\n\r\n", reason(431));
		c->writing = true;
		return;
	}
	if (strstr(c->in.p, "\r\n\r\n") || strstr(c->in.p, "\n\n"))
		respond(h, c);
}

static void conn_write(struct ms_http_conn *c)
{
	ssize_t n = send(c->fd, c->out.p, c->out.len, MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	ms_buf_consume(&c->out, (size_t)n);
	if (!c->out.len) {
		shutdown(c->fd, SHUT_WR);
		conn_close(c);
	}
}

/*
 * A slot for one more client: a free one, else the oldest reader's once
 * it has been idle MS_HTTP_IDLE_MS.  Its pending bytes are read first, so
 * a complete request is answered rather than evicted.  NONE:
 * none now, the client waits in the backlog.
 */
static size_t make_room(struct ms_http *h, ms_msec_t now)
{
	size_t i;

	while ((i = free_slot(h)) == NONE) {
		i = oldest_reader(h);
		if (i == NONE ||
		    h->conn[i].born + MS_HTTP_IDLE_MS > now)
			return NONE;
		conn_read(h, &h->conn[i]);
		if (h->conn[i].fd >= 0 && !h->conn[i].writing)
			conn_close(&h->conn[i]);
	}
	return i;
}

static void accept_all(struct ms_http *h, ms_msec_t now)
{
	struct ms_http_conn *c;
	size_t i;
	int fd;

	while (h->pause <= now &&
	       (i = make_room(h, now)) < NONE) {
		fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 && (errno == EMFILE || errno == ENFILE ||
			       errno == ENOBUFS || errno == ENOMEM))
			h->pause = now + MS_HTTP_PAUSE_MS;
		if (fd < 0 && (errno == ECONNABORTED || errno == EINTR))
			continue;
		if (fd < 0)
			return;
		c = &h->conn[i];
		c->fd = fd;
		c->born = now;
		c->deadline = now + h->timeout_ms;
		ms_buf_init(&c->in, MS_HTTP_REQ_MAX);
		c->writing = false;
		/* The request is usually there already. */
		conn_read(h, c);
	}
}

static struct ms_http_conn *find(struct ms_http *h, int fd)
{
	size_t i;

	for (i = 0; i < h->slots; i++)
		if (h->conn[i].fd == fd)
			return &h->conn[i];
	return NULL;
}

void ms_http_process(struct ms_http *h, const struct pollfd *pfd, size_t n)
{
	struct ms_http_conn *c;
	ms_msec_t now = ms_mono_now();
	bool listen_ready = false;
	size_t i;

	/* Clients first: answered ones free their slots for the backlog. */
	for (i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		if (pfd[i].fd == h->fd) {
			listen_ready = true;
			continue;
		}
		if (!(c = find(h, pfd[i].fd)))
			continue;
		if (c->writing)
			conn_write(c);
		else
			conn_read(h, c);
	}
	for (i = 0; i < h->slots; i++)
		if (h->conn[i].fd >= 0 && h->conn[i].deadline <= now)
			conn_close(&h->conn[i]);
	if (listen_ready)
		accept_all(h, now);
}

int ms_http_run(struct ms_http *h, int extra_fd, ms_msec_t deadline,
		struct ms_err *err)
{
	struct pollfd pfd[MS_HTTP_POLLFDS + 1];
	size_t n;
	int r;

	for (;;) {
		ms_msec_t d = MS_MIN(deadline, ms_http_deadline(h));

		n = ms_http_pollfds(h, pfd);
		pfd[n] = (struct pollfd){ .fd = extra_fd, .events = POLLIN };
		r = poll(pfd, n + 1, ms_poll_timeout(d));
		if (r < 0 && errno != EINTR)
			return ms_err_sys(err, "poll");
		if (r > 0 && pfd[n].revents)
			return 1;
		if (r > 0)
			ms_http_process(h, pfd, n);
		else
			ms_http_process(h, pfd, 0);
		if (ms_left(deadline) == 0)
			return 0;
	}
}
