/* The DEVICES_URL client (see httpget.h). */
#include "httpget.h"

#include <ctype.h>

#include <mbedtls/base64.h>

#include "num.h"
#include "mstime.h"
#include "tlsconn.h"

enum { HEAD_MAX = 16384, AUTH_MAX = 1024 };

int ms_url_parse(const char *url, struct ms_url *u, struct ms_err *err)
{
	const char *p, *h, *he, *slash;
	long long port;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (!strncasecmp(url, "https://", 8)) {
		u->tls = true;
		p = url + 8;
	} else if (!strncasecmp(url, "http://", 7)) {
		p = url + 7;
	} else {
		goto bad;
	}
	u->port = u->tls ? 443 : 80;
	slash = p + strcspn(p, "/?");
	h = p;
	if (*p == '[') {
		h = p + 1;
		if (!(he = memchr(h, ']', (size_t)(slash - h))))
			goto bad;
		p = he + 1;
	} else {
		he = p + strcspn(p, ":/?");
		if (he > slash)
			he = slash;
		p = he;
	}
	n = (size_t)(he - h);
	if (!n || n >= sizeof(u->host) || memchr(h, '@', n))
		goto bad;
	memcpy(u->host, h, n);
	if (*p == ':') {
		if (ms_parse_lln(p + 1, (size_t)(slash - p - 1), 1, 65535,
				 &port) < 0)
			goto bad;
		u->port = (int)port;
	} else if (p != slash) {
		goto bad;
	}
	if (snprintf(u->path, sizeof(u->path), "%s%s", *slash == '/' ? ""
		     : "/", slash) >= (int)sizeof(u->path) ||
	    strpbrk(u->path, " \t\r\n"))
		goto bad;
	return 0;
bad:
	return ms_err_set(err, MS_E_INVAL, "DEVICES_URL: '%s' is not "
			  "http(s)://HOST[:PORT][/PATH]", url);
}

/* The request, with its Authorization line: a secret buffer. */
static int request(const struct ms_url *u, const char *auth,
		   struct ms_buf *rq, struct ms_err *err)
{
	unsigned char b64[AUTH_MAX * 2];
	size_t olen = 0;
	int r;

	r = ms_buf_printf(rq, "GET %s HTTP/1.0\r\nHost: %s%s%s", u->path,
			  strchr(u->host, ':') ? "[" : "", u->host,
			  strchr(u->host, ':') ? "]" : "");
	if (r >= 0 && u->port != (u->tls ? 443 : 80))
		r = ms_buf_printf(rq, ":%d", u->port);
	if (r >= 0)
		r = ms_buf_adds(rq, "\r\nUser-Agent: modscan\r\nAccept: "
				"application/json, text/plain\r\n");
	if (r >= 0 && *auth) {
		if (strlen(auth) > AUTH_MAX || mbedtls_base64_encode(
			    b64, sizeof(b64), &olen,
			    (const unsigned char *)auth, strlen(auth)))
			return ms_err_set(err, MS_E_INVAL, "DEVICES_URL_AUTH "
					  "is too long");
		r = ms_buf_printf(rq, "Authorization: Basic %.*s\r\n",
				  (int)olen, b64);
		explicit_bzero(b64, sizeof(b64));
	}
	if (r >= 0)
		r = ms_buf_adds(rq, "\r\n");
	return r < 0 ? ms_err_set(err, r, "DEVICES_URL: request too long")
		     : 0;
}

/* Status line and headers of ans[0..hlen); the status code. */
static int status_of(const char *ans, size_t hlen, char *reason,
		     size_t rsize)
{
	long long code;
	const char *eol = memchr(ans, '\n', hlen);
	size_t n;

	if (!eol || hlen < 12 || strncmp(ans, "HTTP/1.", 7) ||
	    ms_parse_lln(ans + 9, 3, 100, 599, &code) < 0)
		return -1;
	n = (size_t)(eol - ans);
	if (n && ans[n - 1] == '\r')
		n--;
	snprintf(reason, rsize, "%.*s", (int)(n > 13 ? MS_MIN(n - 13, 80) : 0),
		 ans + 13);
	return (int)code;
}

/* Read everything until the end of the stream into ans. */
static int read_all(struct ms_tlsconn *c, struct ms_buf *ans,
		    struct ms_err *err)
{
	char tmp[16384];
	ssize_t n;

	while ((n = ms_tlsconn_read(c, tmp, sizeof(tmp), err)) > 0)
		if (ms_buf_add(ans, tmp, (size_t)n) < 0)
			return ms_err_set(err, MS_E_TOOBIG, "the answer is "
					  "larger than %zu KiB",
					  (ans->max - HEAD_MAX) / 1024);
	return n < 0 ? (int)n : 0;
}

static int answer(const struct ms_buf *ans, struct ms_buf *body,
		  struct ms_err *err)
{
	const char *sep = memmem(ans->p, ans->len, "\r\n\r\n", 4);
	size_t skip = 4;
	char reason[96];
	int code;

	if (!sep) {
		sep = memmem(ans->p, ans->len, "\n\n", 2);
		skip = 2;
	}
	code = sep ? status_of(ans->p, (size_t)(sep - ans->p), reason,
			       sizeof(reason)) : -1;
	if (code < 0)
		return ms_err_set(err, MS_E_PROTO, "not an HTTP answer");
	if (code >= 400)
		return ms_err_set(err, MS_E_REMOTE, "HTTP %d %s", code,
				  reason);
	if (code < 200 || code > 299)
		return ms_err_set(err, MS_E_PROTO, "HTTP %d %s (redirects "
				  "are not followed)", code, reason);
	sep += skip;
	if (ms_buf_add(body, sep, ans->len - (size_t)(sep - ans->p)) < 0)
		return ms_err_set(err, MS_E_TOOBIG, "the answer is larger "
				  "than %zu KiB", body->max / 1024);
	return 0;
}

int ms_httpget(const struct ms_httpget_opts *o, struct ms_buf *body,
	       struct ms_err *err)
{
	ms_msec_t deadline = ms_deadline(o->timeout_ms);
	struct ms_tlsconn *c = NULL;
	struct ms_buf rq, ans;
	struct ms_url u;
	int r;

	ms_buf_init(&rq, 8192);
	ms_buf_init(&ans, body->max + HEAD_MAX);
	/* all of it now: a realloc would leave copies of the secret */
	if ((r = ms_buf_reserve(&rq, 8192)) < 0) {
		r = ms_err_set(err, r, "out of memory");
		goto out;
	}
	if ((r = ms_url_parse(o->url, &u, err)) < 0 ||
	    (r = request(&u, o->auth, &rq, err)) < 0 ||
	    (r = ms_tlsconn_open(&c, u.host, u.port, u.tls, o->ca, deadline,
				 err)) < 0 ||
	    (r = ms_tlsconn_write(c, rq.p, rq.len, err)) < 0 ||
	    (r = read_all(c, &ans, err)) < 0)
		goto out;
	r = answer(&ans, body, err);
out:
	if (rq.p)
		explicit_bzero(rq.p, rq.len);
	ms_buf_release(&rq);
	ms_buf_release(&ans);
	ms_tlsconn_close(c);
	return r;
}
