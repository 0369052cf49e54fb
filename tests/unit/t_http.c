/* Unit tests of the /health server: addresses, answers, bounds, a slow
 * client that must not block others, and the connection deadline. */
#include "http.h"
#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "mstime.h"

/* Fewer slots than the server's, below the listen backlog, so that the
 * clients of one test can all connect before the server runs. */
enum { SLOTS = 16 };

static int calls;

static void handler(void *ctx, const char *path, struct ms_http_reply *rep)
{
	(void)ctx;
	calls++;
	if (!strcmp(path, "/health")) {
		rep->code = 200;
		rep->type = "application/json";
		ms_buf_adds(&rep->body, "{\"healthy\":true}\n");
	} else {
		rep->code = 404;
	}
}

static void test_addr(void)
{
	static const struct { const char *s; int r; const char *host; int port; } t[] = {
		{ "127.0.0.1:9100", 0, "127.0.0.1", 9100 },
		{ ":9100", 0, MS_HTTP_ANY, 9100 },
		{ "9100", 0, "127.0.0.1", 9100 },
		{ "localhost:80", 0, "127.0.0.1", 80 },
		{ "[::1]:8080", 0, "::1", 8080 },
		{ "0.0.0.0:1", 0, "0.0.0.0", 1 },
		{ "127.0.0.1:65536", MS_E_INVAL, "", 0 },
		{ "127.0.0.1:", MS_E_INVAL, "", 0 },
		{ "[::1:80", MS_E_INVAL, "", 0 },
		{ "x:y", MS_E_INVAL, "", 0 },
	};
	char host[64];
	size_t i;
	int port;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++) {
		int r = ms_http_parse_addr(t[i].s, host, sizeof(host), &port,
					   NULL);

		ok(r == t[i].r && (r < 0 || (!strcmp(host, t[i].host) &&
					     port == t[i].port)),
		   "address '%s'", t[i].s);
	}
}

static int client(const struct ms_http *h)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	const char *colon = strrchr(h->addr, ':');
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_port = htons((uint16_t)strtol(colon + 1, NULL, 10));
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Serve for ms, then read what the client got (until EOF or nothing). */
static void exchange(struct ms_http *h, int fd, ms_msec_t ms, char *out,
		     size_t size)
{
	size_t n = 0;
	ssize_t r;

	ms_http_run(h, -1, ms_deadline(ms), NULL);
	while (n + 1 < size &&
	       (r = recv(fd, out + n, size - 1 - n, MSG_DONTWAIT)) > 0)
		n += (size_t)r;
	out[n] = '\0';
}

static void request(struct ms_http *h, const char *req, char *out,
		    size_t size)
{
	int fd = client(h);

	send(fd, req, strlen(req), MSG_NOSIGNAL);
	exchange(h, fd, 100, out, size);
	close(fd);
}

/*
 * More clients than slots, each with its whole request sent before the
 * server looks: all are answered (the extra ones wait in the backlog),
 * none is evicted to make room for another.
 */
static void test_complete_first(struct ms_http *h)
{
	enum { N = SLOTS + 40 };
	static const char req[] = "GET /health HTTP/1.1\r\n\r\n";
	static int fds[N];
	char out[256];
	size_t i, answered = 0;
	ms_msec_t end = ms_deadline(20000);

	for (i = 0; i < N; i++)
		if ((fds[i] = client(h)) >= 0)
			send(fds[i], req, sizeof(req) - 1, MSG_NOSIGNAL);
	calls = 0;
	while (calls < N && ms_left(end) > 0)
		ms_http_run(h, -1, ms_deadline(50), NULL);
	for (i = 0; i < N; i++) {
		ssize_t r = fds[i] < 0 ? -1 : recv(fds[i], out, sizeof(out) - 1,
						   MSG_DONTWAIT);

		if (r > 12 && !strncmp(out, "HTTP/1.1 200", 12))
			answered++;
		if (fds[i] >= 0)
			close(fds[i]);
	}
	ok(answered == N, "%d complete requests, %d slots: %zu answered",
	   (int)N, (int)SLOTS, answered);
}

static void test_serve(void)
{
	struct ms_http h;
	char out[8192], big[MS_HTTP_REQ_MAX + 100];
	int slow, fd;

	ok(ms_http_open(&h, "127.0.0.1:0", handler, NULL, NULL) == 0,
	   "listen on a kernel-chosen port");
	ok(strncmp(h.addr, "127.0.0.1:", 10) == 0 && strcmp(h.addr, "127.0.0.1:0"),
	   "the bound address is known: %s", h.addr);
	h.timeout_ms = 300;
	h.slots = SLOTS;

	request(&h, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", out, sizeof(out));
	ok(!strncmp(out, "HTTP/1.1 200 OK\r\n", 17), "GET /health: 200");
	ok(strstr(out, "Content-Type: application/json\r\n") &&
	   strstr(out, "Content-Length: 17\r\n") &&
	   strstr(out, "\r\n\r\n{\"healthy\":true}\n"), "with the body");

	request(&h, "GET /health?x=1 HTTP/1.0\r\n\r\n", out, sizeof(out));
	ok(!strncmp(out, "HTTP/1.1 200", 12), "a query string is ignored");
	request(&h, "GET /nope HTTP/1.1\r\n\r\n", out, sizeof(out));
	ok(!strncmp(out, "HTTP/1.1 404 Not Found", 22), "other paths: 404");
	request(&h, "POST /health HTTP/1.1\r\n\r\n", out, sizeof(out));
	ok(!strncmp(out, "HTTP/1.1 405", 12), "POST: 405");
	request(&h, "HEAD /health HTTP/1.1\r\n\r\n", out, sizeof(out));
	ok(!strncmp(out, "HTTP/1.1 200", 12) && !strstr(out, "healthy"),
	   "HEAD: headers only");
	request(&h, "garbage\r\n\r\n", out, sizeof(out));
	ok(!strncmp(out, "HTTP/1.1 400", 12), "garbage: 400");

	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	big[sizeof(big) - 1] = '\0';
	calls = 0;
	request(&h, big, out, sizeof(out));
	ok(!strncmp(out, "HTTP/1.1 431", 12) && calls == 0,
	   "a request past %d bytes: 431, handler not called",
	   MS_HTTP_REQ_MAX);

	/* A client that sends half a request and stalls blocks nobody. */
	slow = client(&h);
	send(slow, "GET /hea", 8, MSG_NOSIGNAL);
	request(&h, "GET /health HTTP/1.1\r\n\r\n", out, sizeof(out));
	ok(!strncmp(out, "HTTP/1.1 200", 12),
	   "a stalled client does not block another");
	exchange(&h, slow, 400, out, sizeof(out));
	ok(recv(slow, out, 1, MSG_DONTWAIT) == 0,
	   "the stalled client is closed at its deadline");
	close(slow);

	/* More clients than slots: the extra ones are dropped, the server
	 * carries on. */
	{
		int fds[SLOTS + 3];
		size_t i;

		for (i = 0; i < MS_ARRAY_SIZE(fds); i++)
			fds[i] = client(&h);
		ms_http_run(&h, -1, ms_deadline(50), NULL);
		for (i = 0; i < MS_ARRAY_SIZE(fds); i++)
			close(fds[i]);
		ms_http_run(&h, -1, ms_deadline(350), NULL);
	}
	request(&h, "GET /health HTTP/1.1\r\n\r\n", out, sizeof(out));
	ok(!strncmp(out, "HTTP/1.1 200", 12), "still serving after a flood");

	/* Every slot held by an idle client: a new request is still served
	 * (the longest-idle client makes room), not dropped. */
	{
		int fds[SLOTS];
		size_t i;

		for (i = 0; i < MS_ARRAY_SIZE(fds); i++)
			fds[i] = client(&h);
		ms_http_run(&h, -1, ms_deadline(MS_HTTP_IDLE_MS + 50), NULL);
		request(&h, "GET /health HTTP/1.1\r\n\r\n", out,
			sizeof(out));
		ok(!strncmp(out, "HTTP/1.1 200", 12),
		   "idle clients in every slot do not lock out a request");
		for (i = 0; i < MS_ARRAY_SIZE(fds); i++)
			close(fds[i]);
		ms_http_run(&h, -1, ms_deadline(350), NULL);
	}

	test_complete_first(&h);
	fd = client(&h);
	ms_http_close(&h);
	ok(h.fd == -1, "closed");
	if (fd >= 0)
		close(fd);
	ok(ms_http_open(&h, "127.0.0.1:99999", handler, NULL, NULL) ==
	   MS_E_INVAL, "a bad port is refused");
}

int main(void)
{
	test_addr();
	test_serve();
	return done_testing();
}
