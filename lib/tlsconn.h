/*
 * A client connection under one deadline: TCP connect to host:port, then
 * optionally TLS (mbedTLS, TLS 1.2 or later, the certificate verified
 * against a CA file and the host name), bounded reads and writes.
 */
#ifndef MS_TLSCONN_H
#define MS_TLSCONN_H

#include "ms.h"
#include "err.h"

struct ms_tlsconn;

/*
 * Connect to host:port before deadline; with tls, handshake and verify
 * against ca (a file; NULL or "": the system store).  Errors name
 * 'host:port': MS_E_CONN, MS_E_TIMEOUT, MS_E_AUTH (certificate), MS_E_EOF
 * (the peer closed the connection), MS_E_PROTO (TLS), ...
 */
int ms_tlsconn_open(struct ms_tlsconn **out, const char *host, int port,
		    bool tls, const char *ca, ms_msec_t deadline,
		    struct ms_err *err);
void ms_tlsconn_close(struct ms_tlsconn *c);

/*
 * Start TLS on a connection opened without it (STARTTLS): handshake and
 * verify as ms_tlsconn_open does, under the same deadline.
 */
int ms_tlsconn_starttls(struct ms_tlsconn *c, const char *host,
			const char *ca, struct ms_err *err);

/* Move the deadline of every later read, write and handshake. */
void ms_tlsconn_set_deadline(struct ms_tlsconn *c, ms_msec_t deadline);
/* What the next reads and writes are for, in messages ("the reply to
 * EHLO"); the default is "the request" and "the answer".  Borrowed. */
void ms_tlsconn_set_step(struct ms_tlsconn *c, const char *step);
/* The socket, e.g. for getsockname. */
int ms_tlsconn_fd(const struct ms_tlsconn *c);

int ms_tlsconn_write(struct ms_tlsconn *c, const void *p, size_t len,
		     struct ms_err *err);
/* Up to size bytes; 0 at the end of the stream. */
ssize_t ms_tlsconn_read(struct ms_tlsconn *c, void *p, size_t size,
			struct ms_err *err);

#endif
