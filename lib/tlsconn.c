/* Deadline-bounded TCP and TLS client connections (see tlsconn.h). */
#include "tlsconn.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "smtp.h"
#include "mstime.h"

struct ms_tlsconn {
	int fd;
	bool tls, timed_out;
	int io_errno;
	ms_msec_t deadline;
	const char *step;		/* for messages, or NULL */
	char peer[300];
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config cfg;
	mbedtls_ssl_context ssl;
	mbedtls_x509_crt ca;
};

static int wait_fd(struct ms_tlsconn *c, short events)
{
	struct pollfd p = { .fd = c->fd, .events = events };
	int n;

	while ((n = poll(&p, 1, ms_poll_timeout(c->deadline))) < 0)
		if (errno != EINTR) {
			c->io_errno = errno;
			return MS_E_SYS;
		}
	c->timed_out = n == 0;
	return n ? 0 : MS_E_TIMEOUT;
}

/* Raw I/O for mbedTLS and for plain connections: one call, waiting for
 * readiness under the deadline. */
static int raw_io(void *ctx, unsigned char *buf, size_t len, bool out)
{
	struct ms_tlsconn *c = ctx;
	ssize_t n;

	for (;;) {
		n = out ? send(c->fd, buf, len, MSG_NOSIGNAL)
			: recv(c->fd, buf, len, 0);
		if (n >= 0)
			return (int)MS_MIN(n, INT_MAX);
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			c->io_errno = errno;
			return out ? MBEDTLS_ERR_NET_SEND_FAILED
				   : MBEDTLS_ERR_NET_RECV_FAILED;
		}
		if (wait_fd(c, out ? POLLOUT : POLLIN) < 0)
			return c->timed_out ? MBEDTLS_ERR_SSL_TIMEOUT
					    : MBEDTLS_ERR_NET_RECV_FAILED;
	}
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	return raw_io(ctx, (unsigned char *)buf, MS_MIN(len, INT_MAX), true);
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	return raw_io(ctx, buf, MS_MIN(len, INT_MAX), false);
}

static int fail(struct ms_tlsconn *c, int ret, const char *step,
		struct ms_err *err)
{
	char msg[200];

	if (c->timed_out)
		return ms_err_set(err, MS_E_TIMEOUT, "'%s': timed out during "
				  "%s", c->peer, step);
	if (ret == 0 || ret == MBEDTLS_ERR_SSL_CONN_EOF ||
	    ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
		return ms_err_set(err, MS_E_EOF, "'%s' closed the connection "
				  "during %s", c->peer, step);
	if (c->io_errno)
		return ms_err_set(err, MS_E_CONN, "'%s': %s during %s",
				  c->peer, strerror(c->io_errno), step);
	mbedtls_strerror(ret, msg, sizeof(msg));
	return ms_err_set(err, MS_E_PROTO, "'%s': TLS error during %s: %s",
			  c->peer, step, msg);
}

static int connect_addr(struct ms_tlsconn *c, const struct addrinfo *ai)
{
	socklen_t len = sizeof(int);
	int soerr = 0;

	c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		       SOCK_CLOEXEC, ai->ai_protocol);
	if (c->fd < 0)
		return errno;
	if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno == EINPROGRESS && wait_fd(c, POLLOUT) == 0 &&
	    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 &&
	    soerr == 0)
		return 0;
	soerr = c->timed_out ? ETIMEDOUT : soerr ? soerr : errno;
	close(c->fd);
	c->fd = -1;
	return soerr;
}

static int tcp_connect(struct ms_tlsconn *c, const char *host, int port,
		       struct ms_err *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char ps[16];
	int r, e = ECONNREFUSED;

	snprintf(ps, sizeof(ps), "%d", port);
	if ((r = getaddrinfo(host, ps, &hints, &res)) != 0)
		return ms_err_set(err, MS_E_CONN, "cannot resolve '%s': %s",
				  host, gai_strerror(r));
	for (ai = res; ai && !c->timed_out; ai = ai->ai_next)
		if ((e = connect_addr(c, ai)) == 0)
			break;
	freeaddrinfo(res);
	if (c->fd >= 0)
		return 0;
	if (c->timed_out)
		return fail(c, 0, "the connection", err);
	return ms_err_set(err, MS_E_CONN, "cannot connect to '%s': %s",
			  c->peer, strerror(e));
}

static int tls_setup(struct ms_tlsconn *c, const char *host, const char *ca,
		     struct ms_err *err)
{
	static const char pers[] = "modscan tlsconn";
	char msg[200];
	int r;

	if (!ca || !*ca)
		ca = ms_smtp_system_ca;
	if (mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy,
				  (const unsigned char *)pers, sizeof(pers)))
		return ms_err_set(err, MS_E_SYS, "cannot seed the TLS random "
				  "generator");
	r = mbedtls_x509_crt_parse_file(&c->ca, ca);
	if (r < 0 || c->ca.version == 0) {
		mbedtls_strerror(r, msg, sizeof(msg));
		return ms_err_set(err, MS_E_INVAL, "cannot load CA file '%s': "
				  "%s", ca, r < 0 ? msg : "no certificate");
	}
	if (mbedtls_ssl_config_defaults(&c->cfg, MBEDTLS_SSL_IS_CLIENT,
					MBEDTLS_SSL_TRANSPORT_STREAM,
					MBEDTLS_SSL_PRESET_DEFAULT))
		return ms_err_set(err, MS_E_NOMEM, "cannot set up TLS");
	mbedtls_ssl_conf_authmode(&c->cfg, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&c->cfg, &c->ca, NULL);
	mbedtls_ssl_conf_rng(&c->cfg, mbedtls_ctr_drbg_random, &c->drbg);
	mbedtls_ssl_conf_min_version(&c->cfg, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	if (mbedtls_ssl_setup(&c->ssl, &c->cfg) ||
	    mbedtls_ssl_set_hostname(&c->ssl, host))
		return ms_err_set(err, MS_E_NOMEM, "cannot set up TLS");
	mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
	return 0;
}

static int handshake(struct ms_tlsconn *c, struct ms_err *err)
{
	char why[400];
	uint32_t flags;
	int r;

	while ((r = mbedtls_ssl_handshake(&c->ssl)) ==
	       MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE)
		;
	if (r == 0) {
		c->tls = true;
		return 0;
	}
	flags = mbedtls_ssl_get_verify_result(&c->ssl);
	if (r == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && flags) {
		r = mbedtls_x509_crt_verify_info(why, sizeof(why), "", flags);
		while (r > 0 && why[r - 1] == '\n')
			why[--r] = '\0';
		for (r = 0; why[r]; r++)
			if (why[r] == '\n')
				why[r] = ';';
		return ms_err_set(err, MS_E_AUTH, "'%s': certificate "
				  "verification failed: %s", c->peer, why);
	}
	return fail(c, r, "the TLS handshake", err);
}

int ms_tlsconn_open(struct ms_tlsconn **out, const char *host, int port,
		    bool tls, const char *ca, ms_msec_t deadline,
		    struct ms_err *err)
{
	struct ms_tlsconn *c;
	int r;

	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	c->fd = -1;
	c->deadline = deadline;
	snprintf(c->peer, sizeof(c->peer), strchr(host, ':') ? "[%s]:%d"
		 : "%s:%d", host, port);
	mbedtls_entropy_init(&c->entropy);
	mbedtls_ctr_drbg_init(&c->drbg);
	mbedtls_ssl_config_init(&c->cfg);
	mbedtls_ssl_init(&c->ssl);
	mbedtls_x509_crt_init(&c->ca);
	if ((r = tcp_connect(c, host, port, err)) < 0 ||
	    (tls && (r = ms_tlsconn_starttls(c, host, ca, err)) < 0)) {
		ms_tlsconn_close(c);
		return r;
	}
	*out = c;
	return 0;
}

int ms_tlsconn_starttls(struct ms_tlsconn *c, const char *host,
			const char *ca, struct ms_err *err)
{
	int r;

	if ((r = tls_setup(c, host, ca, err)) < 0)
		return r;
	return handshake(c, err);
}

void ms_tlsconn_set_deadline(struct ms_tlsconn *c, ms_msec_t deadline)
{
	c->deadline = deadline;
}

void ms_tlsconn_set_step(struct ms_tlsconn *c, const char *step)
{
	c->step = step;
}

int ms_tlsconn_fd(const struct ms_tlsconn *c)
{
	return c->fd;
}

void ms_tlsconn_close(struct ms_tlsconn *c)
{
	if (!c)
		return;
	if (c->tls)
		mbedtls_ssl_close_notify(&c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	mbedtls_ssl_free(&c->ssl);
	mbedtls_ssl_config_free(&c->cfg);
	mbedtls_x509_crt_free(&c->ca);
	mbedtls_ctr_drbg_free(&c->drbg);
	mbedtls_entropy_free(&c->entropy);
	free(c);
}

int ms_tlsconn_write(struct ms_tlsconn *c, const void *p, size_t len,
		     struct ms_err *err)
{
	const unsigned char *b = p;
	int n;

	while (len) {
		n = c->tls ? mbedtls_ssl_write(&c->ssl, b, len)
			   : bio_send(c, b, len);
		if (n == MBEDTLS_ERR_SSL_WANT_READ ||
		    n == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (n <= 0)
			return fail(c, n, c->step ? c->step : "the request",
				    err);
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t ms_tlsconn_read(struct ms_tlsconn *c, void *p, size_t size,
			struct ms_err *err)
{
	int n;

	do {
		n = c->tls ? mbedtls_ssl_read(&c->ssl, p, size)
			   : bio_recv(c, p, size);
	} while (n == MBEDTLS_ERR_SSL_WANT_READ ||
		 n == MBEDTLS_ERR_SSL_WANT_WRITE);
	if (n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ||
	    n == MBEDTLS_ERR_SSL_CONN_EOF || n == 0)
		return 0;
	if (n < 0)
		return fail(c, n, c->step ? c->step : "the answer", err);
	return n;
}
