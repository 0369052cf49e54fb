/* SMTP client with deadline-bounded I/O over tlsconn (see smtp.h). */
#include "smtp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <sys/socket.h>

#include <mbedtls/base64.h>

#include "buf.h"
#include "mstime.h"
#include "tlsconn.h"

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
	struct ms_tlsconn *conn;	/* NULL until connected */
	const char *step;		/* what we wait for, for messages */
	char peer[MS_SMTP_HOST_MAX + 8];	/* host:port */
	bool has_starttls, auth_plain, auth_login;
	int code;			/* of the last reply */
	char reply[REPLY_MAX];		/* its last line */
	char in[IN_MAX];
	size_t inlen;
	struct ms_err *err;
};

/* ---- I/O through tlsconn, every wait bounded by the deadline ---- */

/* A failed read, write or handshake (r < 0; 0: the peer closed) as the
 * one error line: what we waited for and for how long. */
static int io_fail(struct sess *s, int r)
{
	if (r == MS_E_TIMEOUT)
		return ms_err_set(s->err, MS_E_TIMEOUT,
				  "'%s': timed out after %lld s waiting for %s",
				  s->peer, (long long)(s->sc->timeout_ms / 1000),
				  s->step);
	if (r == 0)
		return ms_err_set(s->err, MS_E_EOF,
				  "'%s' closed the connection during %s",
				  s->peer, s->step);
	return r;	/* tlsconn said it, naming s->step */
}

static int io_write(struct sess *s, const char *p, size_t len)
{
	int r;

	ms_tlsconn_set_step(s->conn, s->step);
	if ((r = ms_tlsconn_write(s->conn, p, len, s->err)) < 0)
		return io_fail(s, r);
	return 0;
}

static int io_read(struct sess *s)
{
	ssize_t n;

	ms_tlsconn_set_step(s->conn, s->step);
	n = ms_tlsconn_read(s->conn, s->in + s->inlen,
			    sizeof(s->in) - s->inlen, s->err);
	if (n <= 0)
		return io_fail(s, (int)n);
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

static int connect_server(struct sess *s)
{
	int r;

	/* getaddrinfo cannot take a deadline; the resolver's own timeouts
	 * (resolv.conf) bound it. */
	s->step = "the connection";
	if ((r = ms_tlsconn_open(&s->conn, s->sc->host, s->sc->port, false,
				 NULL, s->deadline, s->err)) < 0)
		return io_fail(s, r);
	return 0;
}

static int tls_start(struct sess *s)
{
	int r;

	s->step = "the TLS handshake";
	ms_tlsconn_set_step(s->conn, s->step);
	if ((r = ms_tlsconn_starttls(s->conn, s->sc->host, s->sc->ca,
				     s->err)) < 0)
		return io_fail(s, r);
	return 0;
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
	if (getsockname(ms_tlsconn_fd(s->conn), (struct sockaddr *)&ss,
			&len) < 0)
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
	s->err = err;
	s->step = "the connection";
	snprintf(s->peer, sizeof(s->peer), strchr(sc->host, ':') ? "[%s]:%d"
		 : "%s:%d", sc->host, sc->port);
}

static void sess_close(struct sess *s)
{
	ms_tlsconn_close(s->conn);
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
	ms_tlsconn_set_deadline(s.conn, s.deadline);
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
