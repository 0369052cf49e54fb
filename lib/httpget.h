/*
 * A small HTTP/1.0 GET client for DEVICES_URL: http:// or https:// (TLS
 * verified, see tlsconn.h), optional Basic auth, one deadline for the
 * whole request and a size cap on the answer; no redirects.
 */
#ifndef MS_HTTPGET_H
#define MS_HTTPGET_H

#include "ms.h"
#include "buf.h"
#include "err.h"

struct ms_httpget_opts {
	const char *url;
	const char *auth;		/* "user:password" or "": none */
	const char *ca;			/* CA file, "": the system's */
	ms_msec_t timeout_ms;
};

/*
 * GET url; the body into body (its maximum is the cap: MS_E_TOOBIG past
 * it).  A status of 400 or more is MS_E_REMOTE ("HTTP 401
 * Unauthorized"), any other but 2xx MS_E_PROTO.  MS_E_INVAL for a URL
 * that is not http(s)://HOST[:PORT][/PATH].
 */
int ms_httpget(const struct ms_httpget_opts *o, struct ms_buf *body,
	       struct ms_err *err);

/* The parts of url.  0 or MS_E_INVAL. */
struct ms_url {
	bool tls;
	char host[256];
	int port;
	char path[2048];
};
int ms_url_parse(const char *url, struct ms_url *u, struct ms_err *err);

#endif
