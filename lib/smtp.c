/* SMTP client with deadline-bounded I/O over mbedTLS (see smtp.h). */
#include "smtp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <mbedtls/base64.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "buf.h"
#include "mstime.h"

const char ms_smtp_system_ca[] = "/etc/ssl/certs/ca-certificates.crt";

enum {
	IN_MAX = 4096,		/* one reply line, RFC 5321 allows 512 */
	REPLY_LINES_MAX = 100,	/* lines of one multi-line reply */
	REPLY_MAX = 512,	/* reply text kept for messages */
	QUIT_WAIT_MS = 2000	/* for the reply to QUIT */
};

struct sess {
	const struct ms_smtp_conf *sc;
	ms_msec_t deadline;
	int fd;
	bool tls_on, timed_out;
	int io_errno;
	const char *step;		/* what we wait for, for messages */
	char peer[MS_SMTP_HOST_MAX + 8];	/* host:port */
	bool has_starttls, auth_plain, auth_login;
	int code;			/* of the last reply */
	char reply[REPLY_MAX];		/* its last line */
	char in[IN_MAX];
	size_t inlen;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config cfg;
	mbedtls_ssl_context ssl;
	mbedtls_x509_crt ca;
	struct ms_err *err;
};

/* ---- raw socket I/O, every wait bounded by the deadline ---- */

static int wait_fd(struct sess *s, short events)
{
	struct pollfd p = { .fd = s->fd, .events = events };
	int n;

	for (;;) {
		n = poll(&p, 1, ms_poll_timeout(s->deadline));
		if (n > 0)
			return 0;
		if (n == 0) {
			s->timed_out = true;
			return MS_E_TIMEOUT;
		}
		if (errno != EINTR) {
			s->io_errno = errno;
			return MS_E_SYS;
		}
	}
}

/* mbedTLS bio callbacks; also used directly before TLS starts. */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct sess *s = ctx;
	ssize_t n;

	for (;;) {
		n = send(s->fd, buf, MS_MIN(len, (size_t)INT_MAX), MSG_NOSIGNAL);
		if (n >= 0)
			return (int)n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			s->io_errno = errno;
			return MBEDTLS_ERR_NET_SEND_FAILED;
		}
		if (wait_fd(s, POLLOUT) < 0)
			return s->timed_out ? MBEDTLS_ERR_SSL_TIMEOUT
					    : MBEDTLS_ERR_NET_SEND_FAILED;
	}
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct sess *s = ctx;
	ssize_t n;

	for (;;) {
		n = recv(s->fd, buf, MS_MIN(len, (size_t)INT_MAX), 0);
		if (n >= 0)
			return (int)n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			s->io_errno = errno;
			return MBEDTLS_ERR_NET_RECV_FAILED;
		}
		if (wait_fd(s, POLLIN) < 0)
			return s->timed_out ? MBEDTLS_ERR_SSL_TIMEOUT
					    : MBEDTLS_ERR_NET_RECV_FAILED;
	}
}

/* Turn a failed read, write or handshake into one error line. */
static int io_fail(struct sess *s, int ret)
{
	char msg[200];

	if (s->timed_out)
		return ms_err_set(s->err, MS_E_TIMEOUT,
				  "'%s': timed out after %lld s waiting for %s",
				  s->peer, (long long)(s->sc->timeout_ms / 1000),
				  s->step);
	if (ret == 0 || ret == MBEDTLS_ERR_SSL_CONN_EOF ||
	    ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
		return ms_err_set(s->err, MS_E_EOF,
				  "'%s' closed the connection during %s",
				  s->peer, s->step);
	if (s->io_errno)
		return ms_err_set(s->err, MS_E_CONN, "'%s': %s during %s",
				  s->peer, strerror(s->io_errno), s->step);
	mbedtls_strerror(ret, msg, sizeof(msg));
	return ms_err_set(s->err, MS_E_PROTO, "'%s': TLS error during %s: %s",
			  s->peer, s->step, msg);
}

static int io_write(struct sess *s, const char *p, size_t len)
{
	int n;

	while (len) {
		if (s->tls_on)
			n = mbedtls_ssl_write(&s->ssl, (const unsigned char *)p,
					      len);
		else
			n = bio_send(s, (const unsigned char *)p, len);
		if (n == MBEDTLS_ERR_SSL_WANT_READ ||
		    n == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (n <= 0)
			return io_fail(s, n);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int io_read(struct sess *s)
{
	unsigned char *p = (unsigned char *)s->in + s->inlen;
	size_t room = sizeof(s->in) - s->inlen;
	int n;

	do {
		if (s->tls_on)
			n = mbedtls_ssl_read(&s->ssl, p, room);
		else
			n = bio_recv(s, p, room);
	} while (n == MBEDTLS_ERR_SSL_WANT_READ ||
		 n == MBEDTLS_ERR_SSL_WANT_WRITE);
	if (n <= 0)
		return io_fail(s, n);
	s->inlen += (size_t)n;
	return 0;
}

/* ---- replies ---- */

/* One line of the conversation to the caller's trace; no AUTH line. */
static void trace(struct sess *s, char dir, const char *line)
{
	if (!s->sc->trace)
		return;
	if (dir == 'C' && !strncasecmp(line, "AUTH", 4))
		line = "(AUTH data not shown)";
	s->sc->trace(s->sc->trace_ctx, dir, line);
}

static int read_line(struct sess *s, char *line, size_t cap)
{
	size_t n, used;
	char *nl;
	int r;

	while (!(nl = memchr(s->in, '\n', s->inlen))) {
		if (s->inlen == sizeof(s->in))
			return ms_err_set(s->err, MS_E_PROTO,
					  "'%s': reply line too long during %s",
					  s->peer, s->step);
		if ((r = io_read(s)) < 0)
			return r;
	}
	used = (size_t)(nl - s->in) + 1;
	n = used - 1;
	if (n && s->in[n - 1] == '\r')
		n--;
	snprintf(line, cap, "%.*s", (int)MS_MIN(n, cap - 1), s->in);
	memmove(s->in, s->in + used, s->inlen - used);
	s->inlen -= used;
	return 0;
}

/* Note what an EHLO reply line offers ("STARTTLS", "AUTH PLAIN LOGIN"). */
static void capability(struct sess *s, const char *text)
{
	char words[REPLY_MAX], *w, *save = NULL;

	if (!strcasecmp(text, "STARTTLS")) {
		s->has_starttls = true;
		return;
	}
	/* "AUTH=" is the pre-standard form some servers still send. */
	if (strncasecmp(text, "AUTH", 4) || (text[4] != ' ' && text[4] != '='))
		return;
	snprintf(words, sizeof(words), "%s", text + 5);
	for (w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (!strcasecmp(w, "PLAIN"))
			s->auth_plain = true;
		else if (!strcasecmp(w, "LOGIN"))
			s->auth_login = true;
	}
}

/* Read one (multi-line) reply into s->code and s->reply. */
static int read_reply(struct sess *s, bool ehlo)
{
	char line[REPLY_MAX];
	int i, r, code;

	for (i = 0; i < REPLY_LINES_MAX; i++) {
		if ((r = read_line(s, line, sizeof(line))) < 0)
			return r;
		trace(s, 'S', line);
		if (strlen(line) < 3 || line[0] < '2' || line[0] > '5' ||
		    !isdigit((unsigned char)line[1]) ||
		    !isdigit((unsigned char)line[2]) ||
		    (line[3] && line[3] != ' ' && line[3] != '-'))
			return ms_err_set(s->err, MS_E_PROTO,
					  "'%s': not an SMTP reply during %s: "
					  "'%.80s'", s->peer, s->step, line);
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		       (line[2] - '0');
		if (i > 0 && code != s->code)
			return ms_err_set(s->err, MS_E_PROTO,
					  "'%s': mixed reply codes during %s",
					  s->peer, s->step);
		s->code = code;
		snprintf(s->reply, sizeof(s->reply), "%s", line);
		if (ehlo && i > 0 && line[3])
			capability(s, line + 4);
		if (line[3] != '-')
			return 0;
	}
	return ms_err_set(s->err, MS_E_PROTO, "'%s': endless reply during %s",
			  s->peer, s->step);
}

/* Wait for a reply of class want (2 or 3) to what step names. */
static int expect(struct sess *s, int want, int code_on_refusal)
{
	int r;

	if ((r = read_reply(s, !strcmp(s->step, "the reply to EHLO"))) < 0)
		return r;
	if (s->code / 100 == want)
		return 0;
	return ms_err_set(s->err, code_on_refusal, "'%s' refused %s: %s",
			  s->peer, s->step + sizeof("the reply to ") - 1,
			  s->reply);
}

/* Send one command line (CRLF added) and expect a reply class.  step is
 * "the reply to X", so that messages read "refused X". */
static int cmd(struct sess *s, const char *step, int want, const char *line)
{
	int r;

	s->step = step;
	trace(s, 'C', line);
	if ((r = io_write(s, line, strlen(line))) < 0 ||
	    (r = io_write(s, "\r\n", 2)) < 0)
		return r;
	return expect(s, want, MS_E_REMOTE);
}

/* ---- connection and TLS ---- */

static int connect_addr(struct sess *s, const struct addrinfo *ai)
{
	socklen_t len = sizeof(int);
	int soerr = 0;

	s->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		       SOCK_CLOEXEC, ai->ai_protocol);
	if (s->fd < 0)
		return -errno;
	if (connect(s->fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno == EINPROGRESS && wait_fd(s, POLLOUT) == 0 &&
	    getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 &&
	    soerr == 0)
		return 0;
	soerr = s->timed_out ? ETIMEDOUT : soerr ? soerr : errno;
	close(s->fd);
	s->fd = -1;
	return -soerr;
}

static int connect_server(struct sess *s)
{
	/* No AI_ADDRCONFIG: it hides 127.0.0.1 on a host whose only IPv4
	 * address is the loopback. */
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	char port[16];
	int r, e = ECONNREFUSED;

	snprintf(port, sizeof(port), "%d", s->sc->port);
	s->step = "the connection";
	/* getaddrinfo cannot take a deadline; the resolver's own timeouts
	 * (resolv.conf) bound it. */
	if ((r = getaddrinfo(s->sc->host, port, &hints, &res)) != 0)
		return ms_err_set(s->err, MS_E_CONN, "cannot resolve '%s': %s",
				  s->sc->host, gai_strerror(r));
	for (ai = res; ai && !s->timed_out; ai = ai->ai_next)
		if ((e = -connect_addr(s, ai)) == 0)
			break;
	freeaddrinfo(res);
	if (s->fd >= 0)
		return 0;
	if (s->timed_out)
		return io_fail(s, 0);
	return ms_err_set(s->err, MS_E_CONN, "cannot connect to '%s': %s",
			  s->peer, strerror(e));
}

/* "cert not trusted; expired" from mbedTLS's multi-line verify report. */
static void verify_text(uint32_t flags, char *out, size_t size)
{
	char *p;
	int n;

	n = mbedtls_x509_crt_verify_info(out, size, "", flags);
	if (n <= 0) {
		snprintf(out, size, "flags 0x%x", (unsigned)flags);
		return;
	}
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	for (p = out; (p = strchr(p, '\n')); )
		*p = ';';
}

static int tls_setup(struct sess *s)
{
	static const char pers[] = "modscan smtp";
	const char *ca = *s->sc->ca ? s->sc->ca : ms_smtp_system_ca;
	char msg[200];
	int r;

	if (mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->entropy,
				  (const unsigned char *)pers, sizeof(pers)))
		return ms_err_set(s->err, MS_E_SYS, "cannot seed the TLS "
				  "random generator");
	r = mbedtls_x509_crt_parse_file(&s->ca, ca);
	/* A bundle may hold certificates mbedTLS cannot read (r > 0); that
	 * is fine as long as some were loaded. */
	if (r < 0 || s->ca.version == 0) {
		mbedtls_strerror(r, msg, sizeof(msg));
		return ms_err_set(s->err, MS_E_INVAL, "cannot load CA file "
				  "'%s': %s", ca, r < 0 ? msg : "no certificate");
	}
	if (mbedtls_ssl_config_defaults(&s->cfg, MBEDTLS_SSL_IS_CLIENT,
					MBEDTLS_SSL_TRANSPORT_STREAM,
					MBEDTLS_SSL_PRESET_DEFAULT))
		return ms_err_set(s->err, MS_E_NOMEM, "cannot set up TLS");
	mbedtls_ssl_conf_authmode(&s->cfg, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&s->cfg, &s->ca, NULL);
	mbedtls_ssl_conf_rng(&s->cfg, mbedtls_ctr_drbg_random, &s->drbg);
	mbedtls_ssl_conf_min_version(&s->cfg, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	if (mbedtls_ssl_setup(&s->ssl, &s->cfg) ||
	    mbedtls_ssl_set_hostname(&s->ssl, s->sc->host))
		return ms_err_set(s->err, MS_E_NOMEM, "cannot set up TLS");
	mbedtls_ssl_set_bio(&s->ssl, s, bio_send, bio_recv, NULL);
	return 0;
}

static int tls_start(struct sess *s)
{
	char why[400];
	uint32_t flags;
	int r;

	if ((r = tls_setup(s)) < 0)
		return r;
	s->step = "the TLS handshake";
	do {
		r = mbedtls_ssl_handshake(&s->ssl);
	} while (r == MBEDTLS_ERR_SSL_WANT_READ ||
		 r == MBEDTLS_ERR_SSL_WANT_WRITE);
	if (r == 0) {
		s->tls_on = true;
		return 0;
	}
	flags = mbedtls_ssl_get_verify_result(&s->ssl);
	if (r == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && flags) {
		verify_text(flags, why, sizeof(why));
		return ms_err_set(s->err, MS_E_AUTH, "'%s': certificate "
				  "verification failed: %s", s->peer, why);
	}
	return io_fail(s, r);
}

/* ---- the dialogue ---- */

/* Our name for EHLO: the host name when fully qualified, else the address
 * literal of our end of the connection (RFC 5321 4.1.4). */
static void ehlo_name(struct sess *s, char *out, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[256], addr[INET6_ADDRSTRLEN];
	size_t i;

	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		for (i = 0; host[i]; i++)
			if (!isalnum((unsigned char)host[i]) &&
			    host[i] != '-' && host[i] != '.')
				break;
		if (!host[i] && strchr(host, '.') && host[0] != '.') {
			snprintf(out, size, "%s", host);
			return;
		}
	}
	snprintf(out, size, "[127.0.0.1]");
	if (getsockname(s->fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET &&
	    inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr,
		      sizeof(addr)))
		snprintf(out, size, "[%s]", addr);
	else if (ss.ss_family == AF_INET6 &&
		 inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
			   addr, sizeof(addr)))
		snprintf(out, size, "[IPv6:%s]", addr);
}

static int ehlo(struct sess *s)
{
	char name[300], line[320];

	ehlo_name(s, name, sizeof(name));
	snprintf(line, sizeof(line), "EHLO %s", name);
	s->has_starttls = s->auth_plain = s->auth_login = false;
	return cmd(s, "the reply to EHLO", 2, line);
}

/* Send a line holding a secret, then wipe it. */
static int cmd_secret(struct sess *s, const char *step, int want, char *line)
{
	int r;

	s->step = step;
	trace(s, 'C', "(AUTH data not shown)");
	r = io_write(s, line, strlen(line));
	explicit_bzero(line, strlen(line));
	if (r < 0 || (r = io_write(s, "\r\n", 2)) < 0)
		return r;
	return expect(s, want, MS_E_AUTH);
}

static int b64_line(char *out, size_t size, const char *prefix,
		    const void *data, size_t len)
{
	size_t n = strlen(prefix), olen;

	if (n >= size)
		return MS_E_TOOBIG;
	memcpy(out, prefix, n);
	if (mbedtls_base64_encode((unsigned char *)out + n, size - n, &olen,
				  data, len))
		return MS_E_TOOBIG;
	return 0;
}

static int auth(struct sess *s)
{
	const struct ms_smtp_conf *sc = s->sc;
	size_t ul = strlen(sc->user), pl = strlen(sc->password);
	char raw[2 * MS_SMTP_SECRET_MAX + 2], line[4 * MS_SMTP_SECRET_MAX];
	int r;

	if (s->auth_plain) {
		/* authzid NUL authcid NUL password (RFC 4616) */
		raw[0] = '\0';
		memcpy(raw + 1, sc->user, ul + 1);
		memcpy(raw + 2 + ul, sc->password, pl);
		r = b64_line(line, sizeof(line), "AUTH PLAIN ", raw,
			     ul + pl + 2);
		explicit_bzero(raw, sizeof(raw));
		if (r == 0)
			r = cmd_secret(s, "the reply to AUTH PLAIN", 2, line);
	} else if (s->auth_login) {
		s->step = "the reply to AUTH LOGIN";
		if ((r = cmd(s, s->step, 3, "AUTH LOGIN")) < 0 ||
		    (r = b64_line(line, sizeof(line), "", sc->user, ul)) < 0 ||
		    (r = cmd_secret(s, "the reply to AUTH LOGIN user", 3,
				    line)) < 0 ||
		    (r = b64_line(line, sizeof(line), "", sc->password,
				  pl)) < 0)
			goto out;
		r = cmd_secret(s, "the reply to AUTH LOGIN password", 2, line);
	} else {
		r = ms_err_set(s->err, MS_E_AUTH, "'%s' offers neither AUTH "
			       "PLAIN nor AUTH LOGIN", s->peer);
	}
out:
	explicit_bzero(line, sizeof(line));
	if (r < 0 && s->err && s->err->code == MS_E_AUTH)
		ms_err_prefix(s->err, "as user '%s'", sc->user);
	return r;
}

/* Greeting, EHLO, STARTTLS and AUTH: ready for MAIL FROM. */
static int open_session(struct sess *s)
{
	int r;

	if ((r = connect_server(s)) < 0)
		return r;
	if (s->sc->tls == MS_SMTP_TLS_TLS && (r = tls_start(s)) < 0)
		return r;
	s->step = "the reply to the greeting";
	if ((r = expect(s, 2, MS_E_REMOTE)) < 0 || (r = ehlo(s)) < 0)
		return r;
	if (s->sc->tls == MS_SMTP_TLS_STARTTLS) {
		/* Never fall back to clear text: that is what an attacker
		 * stripping STARTTLS would want. */
		if (!s->has_starttls)
			return ms_err_set(s->err, MS_E_PROTO, "'%s' does not "
					  "offer STARTTLS (SMTP_TLS=none "
					  "sends in clear text)", s->peer);
		if ((r = cmd(s, "the reply to STARTTLS", 2, "STARTTLS")) < 0)
			return r;
		/* Anything already buffered was sent before TLS and could be
		 * injected (CVE-2011-0411 class). */
		if (s->inlen)
			return ms_err_set(s->err, MS_E_PROTO, "'%s' sent data "
					  "before the TLS handshake", s->peer);
		if ((r = tls_start(s)) < 0 || (r = ehlo(s)) < 0)
			return r;
	}
	if (*s->sc->user)
		return auth(s);
	return 0;
}

static int envelope(struct sess *s, const struct ms_mail *m)
{
	char line[MS_MAIL_ADDR_MAX + 32];
	size_t i;
	int r;

	snprintf(line, sizeof(line), "MAIL FROM:<%s>", m->from);
	if ((r = cmd(s, "the reply to MAIL FROM", 2, line)) < 0)
		return r;
	for (i = 0; i < m->nto; i++) {
		snprintf(line, sizeof(line), "RCPT TO:<%s>", m->to[i]);
		if ((r = cmd(s, "the reply to RCPT TO", 2, line)) < 0) {
			ms_err_prefix(s->err, "recipient '%s'", m->to[i]);
			return r;
		}
	}
	return 0;
}

static void sess_init(struct sess *s, const struct ms_smtp_conf *sc,
		      ms_msec_t deadline, struct ms_err *err)
{
	memset(s, 0, sizeof(*s));
	s->sc = sc;
	s->deadline = deadline;
	s->fd = -1;
	s->err = err;
	s->step = "the connection";
	snprintf(s->peer, sizeof(s->peer), "%s:%d", sc->host, sc->port);
	mbedtls_entropy_init(&s->entropy);
	mbedtls_ctr_drbg_init(&s->drbg);
	mbedtls_ssl_config_init(&s->cfg);
	mbedtls_ssl_init(&s->ssl);
	mbedtls_x509_crt_init(&s->ca);
}

static void sess_close(struct sess *s)
{
	if (s->tls_on)
		mbedtls_ssl_close_notify(&s->ssl);
	mbedtls_ssl_free(&s->ssl);
	mbedtls_ssl_config_free(&s->cfg);
	mbedtls_x509_crt_free(&s->ca);
	mbedtls_ctr_drbg_free(&s->drbg);
	mbedtls_entropy_free(&s->entropy);
	if (s->fd >= 0)
		close(s->fd);
	explicit_bzero(s->in, sizeof(s->in));
}

int ms_smtp_send_until(const struct ms_smtp_conf *sc, const struct ms_mail *m,
		       ms_msec_t deadline, struct ms_err *err)
{
	struct ms_buf msg, data;
	struct sess s;
	int r;

	ms_buf_init(&msg, MS_MAIL_MAX);
	ms_buf_init(&data, MS_MAIL_MAX + MS_MAIL_MAX / 8);
	sess_init(&s, sc, deadline, err);
	if ((r = ms_mail_render(m, &msg, err)) < 0)
		goto out;
	if ((r = ms_mail_dotstuff(msg.p, msg.len, &data)) < 0) {
		r = ms_err_set(err, r, "cannot build the mail: %s",
			       ms_strerror(r));
		goto out;
	}
	if ((r = open_session(&s)) < 0 || (r = envelope(&s, m)) < 0 ||
	    (r = cmd(&s, "the reply to DATA", 3, "DATA")) < 0)
		goto out;
	s.step = "the reply to the message";
	if (sc->trace) {
		char t[64];

		snprintf(t, sizeof(t), "(the message, %zu bytes)", data.len);
		trace(&s, 'C', t);
	}
	if ((r = io_write(&s, data.p, data.len)) < 0 ||
	    (r = expect(&s, 2, MS_E_REMOTE)) < 0)
		goto out;
	r = (int)m->nto;
	/* The mail is accepted; a lost QUIT reply changes nothing, so it
	 * gets a short wait, not the rest of the budget. */
	s.deadline = MS_MIN(s.deadline, ms_deadline(QUIT_WAIT_MS));
	if (cmd(&s, "the reply to QUIT", 2, "QUIT") < 0)
		ms_err_clear(err);
out:
	sess_close(&s);
	ms_buf_release(&msg);
	ms_buf_release(&data);
	return r;
}

int ms_smtp_probe(const struct ms_smtp_conf *sc, struct ms_err *err)
{
	struct sess s;
	int r;

	sess_init(&s, sc, ms_deadline(sc->timeout_ms), err);
	if ((r = open_session(&s)) == 0 &&
	    (r = cmd(&s, "the reply to QUIT", 2, "QUIT")) > 0)
		r = 0;
	sess_close(&s);
	return r < 0 ? r : 0;
}

int ms_smtp_send(const struct ms_smtp_conf *sc, const struct ms_mail *m,
		 struct ms_err *err)
{
	return ms_smtp_send_until(sc, m, ms_deadline(sc->timeout_ms), err);
}

/* ---- configuration ---- */

static int copy_key(char *out, size_t size, const struct ms_conf *c,
		    enum ms_conf_key k, struct ms_err *err)
{
	const char *v = ms_conf_str(c, k);

	if (strlen(v) >= size)
		return ms_err_set(err, MS_E_INVAL, "%s: value longer than %zu "
				  "bytes", ms_conf_table[k].name, size - 1);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

/* MAIL_TO: "a@b, c@d" into sc->to. */
static int split_to(struct ms_smtp_conf *sc, const char *v, struct ms_err *err)
{
	const char *p = v, *end;
	size_t n;

	for (sc->nto = 0; *p; p = *end ? end + 1 : end) {
		p += strspn(p, " \t");
		end = p + strcspn(p, ",");
		n = (size_t)(end - p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (!n)
			continue;
		if (sc->nto == MS_MAIL_MAX_TO)
			return ms_err_set(err, MS_E_INVAL, "MAIL_TO: more than "
					  "%d recipients", MS_MAIL_MAX_TO);
		if (n > MS_MAIL_ADDR_MAX)
			n = MS_MAIL_ADDR_MAX + 1;	/* fails the check */
		snprintf(sc->to[sc->nto], sizeof(sc->to[0]), "%.*s", (int)n, p);
		if (n > MS_MAIL_ADDR_MAX || !ms_mail_addr_ok(sc->to[sc->nto]))
			return ms_err_set(err, MS_E_INVAL, "MAIL_TO: '%.*s' is "
					  "not a mail address", (int)MS_MIN(n, 80),
					  p);
		sc->nto++;
	}
	if (!sc->nto)
		return ms_err_set(err, MS_E_INVAL, "MAIL_TO is empty: no "
				  "recipient for the mail");
	return 0;
}

int ms_smtp_conf_from(struct ms_smtp_conf *sc, const struct ms_conf *c,
		      struct ms_err *err)
{
	int r;

	memset(sc, 0, sizeof(*sc));
	if (!*ms_conf_str(c, MS_CONF_SMTP_HOST))
		return ms_err_set(err, MS_E_NOENT, "no mail server configured "
				  "(SMTP_HOST is empty)");
	if ((r = copy_key(sc->host, sizeof(sc->host), c, MS_CONF_SMTP_HOST,
			  err)) < 0 ||
	    (r = copy_key(sc->ca, sizeof(sc->ca), c, MS_CONF_SMTP_CA, err)) < 0 ||
	    (r = copy_key(sc->user, sizeof(sc->user), c, MS_CONF_SMTP_USER,
			  err)) < 0 ||
	    (r = copy_key(sc->password, sizeof(sc->password), c,
			  MS_CONF_SMTP_PASSWORD, err)) < 0 ||
	    (r = copy_key(sc->from, sizeof(sc->from), c, MS_CONF_MAIL_FROM,
			  err)) < 0)
		return r;
	sc->port = (int)ms_conf_int(c, MS_CONF_SMTP_PORT);
	sc->tls = (enum ms_smtp_tls)ms_conf_int(c, MS_CONF_SMTP_TLS);
	sc->timeout_ms = ms_conf_int(c, MS_CONF_SMTP_TIMEOUT) * 1000;
	if (!*sc->from)
		return ms_err_set(err, MS_E_INVAL, "MAIL_FROM is empty: no "
				  "sender for the mail");
	if (!ms_mail_addr_ok(sc->from))
		return ms_err_set(err, MS_E_INVAL, "MAIL_FROM: '%s' is not a "
				  "mail address", sc->from);
	if (*sc->password && !*sc->user)
		return ms_err_set(err, MS_E_INVAL, "SMTP_PASSWORD is set but "
				  "SMTP_USER is empty");
	return split_to(sc, ms_conf_str(c, MS_CONF_MAIL_TO), err);
}

void ms_smtp_conf_release(struct ms_smtp_conf *sc)
{
	explicit_bzero(sc->password, sizeof(sc->password));
	explicit_bzero(sc->user, sizeof(sc->user));
}

void ms_smtp_mail_init(struct ms_mail *m, const struct ms_smtp_conf *sc)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->from = sc->from;
	for (i = 0; i < sc->nto; i++)
		m->to[i] = sc->to[i];
	m->nto = sc->nto;
}
