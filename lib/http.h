/*
 * A tiny HTTP/1.x server for /health and /metrics: GET only, one request
 * per connection, driven by the caller's poll() loop.  Each connection has
 * a deadline and a bounded request, so a slow or malformed client costs
 * one slot for a few seconds and nothing else.  With every slot taken,
 * waiting clients stay in the kernel's backlog; only a client idle past
 * MS_HTTP_IDLE_MS is evicted for them, never one with a complete request.
 */
#ifndef MS_HTTP_H
#define MS_HTTP_H

#include <poll.h>

#include "ms.h"
#include "buf.h"
#include "err.h"

enum {
	MS_HTTP_CONN_MAX = 256,		/* connections served at once */
	MS_HTTP_BACKLOG = 128,		/* listen(2) backlog */
	MS_HTTP_REQ_MAX = 4096,		/* request line and headers */
	MS_HTTP_TIMEOUT_MS = 5000,	/* a whole connection */
	MS_HTTP_IDLE_MS = 200,		/* evictable once this old, unfinished */
	MS_HTTP_PAUSE_MS = 100,		/* accepting after EMFILE */
	MS_HTTP_POLLFDS = MS_HTTP_CONN_MAX + 1
};

struct ms_http_reply {
	int code;			/* 200, 404, 503 ... */
	const char *type;		/* Content-Type */
	struct ms_buf body;
};

/* Fill rep for a GET of path (the query string is cut off). */
typedef void (*ms_http_handler)(void *ctx, const char *path,
				struct ms_http_reply *rep);

struct ms_http_conn {
	int fd;				/* -1: free slot */
	ms_msec_t deadline;		/* monotonic */
	ms_msec_t born;			/* accepted at, monotonic */
	struct ms_buf in, out;
	bool writing;
};

struct ms_http {
	int fd;				/* listening socket, -1 closed */
	char addr[80];			/* "127.0.0.1:9100" as bound */
	struct ms_http_conn conn[MS_HTTP_CONN_MAX];
	size_t slots;			/* in use, MS_HTTP_CONN_MAX (tests: less) */
	ms_msec_t timeout_ms;		/* per connection, MS_HTTP_TIMEOUT_MS */
	ms_msec_t pause;		/* no accept before (out of fds) */
	ms_http_handler handler;
	void *ctx;
};

/* The host of ":PORT": every interface, IPv6 and IPv4. */
#define MS_HTTP_ANY "*"

/*
 * Parse "ADDR:PORT", "[V6]:PORT", ":PORT" (every interface: host
 * MS_HTTP_ANY) or "PORT" (127.0.0.1); "localhost" is 127.0.0.1;
 * addresses are numeric.
 */
int ms_http_parse_addr(const char *s, char *host, size_t hsize, int *port,
		       struct ms_err *err);

/* Listen on addr (port 0: the kernel picks; h->addr says which). */
int ms_http_open(struct ms_http *h, const char *addr, ms_http_handler fn,
		 void *ctx, struct ms_err *err);
void ms_http_close(struct ms_http *h);

/* The pollfds to wait on (at most MS_HTTP_POLLFDS); returns how many. */
size_t ms_http_pollfds(const struct ms_http *h, struct pollfd *pfd);
/* The earliest connection deadline, MS_NEVER if none. */
ms_msec_t ms_http_deadline(const struct ms_http *h);
/*
 * After poll(): accept, read, answer, write and expire.  pfd and n are
 * what ms_http_pollfds gave, with revents filled in.
 */
void ms_http_process(struct ms_http *h, const struct pollfd *pfd, size_t n);

/*
 * Serve until extra_fd (e.g. a signalfd; -1 none) is readable, 1, or the
 * deadline passes, 0.
 */
int ms_http_run(struct ms_http *h, int extra_fd, ms_msec_t deadline,
		struct ms_err *err);

#endif
