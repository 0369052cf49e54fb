/*
 * SSH client on libssh's public API (see ssh.h), driven non-blocking: a
 * libssh call that would wait returns SSH_AGAIN and we poll() the session's
 * socket for what libssh needs, up to the step's absolute deadline.
 */
#include "ssh.h"

#include <ctype.h>
#include <libssh/libssh.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/file.h>
#include <sys/socket.h>

#include "file.h"
#include "knownhosts.h"
#include "mstime.h"

enum {
	LABEL_MAX = 300,	/* "[host]:port" for messages */
	KEEPIDLE_S = 15,	/* TCP keepalive: a dead device is noticed */
	KEEPINTVL_S = 5,	/* after about 30 s even when the session */
	KEEPCNT = 3,		/* is idle between deadlines */
	KBDINT_ROUNDS = 6,	/* info requests before we give up */
	WRITE_CHUNK = 32768,
	ABORT_SLICE_MS = 250,	/* how often a wait looks at abort_at */
	KEYS_MAX = 1024		/* a host key algorithm list */
};

/*
 * Old CCAPs (IOS 12/15, early CER) only speak SHA-1 key exchange, ssh-rsa
 * host keys and CBC ciphers.  libssh drops names its backend lacks.
 */
static const char legacy_kex[] =
	"curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
	"ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group18-sha512,"
	"diffie-hellman-group16-sha512,diffie-hellman-group-exchange-sha256,"
	"diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,"
	"diffie-hellman-group1-sha1";
static const char legacy_hostkeys[] =
	"ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,"
	"ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256,ssh-rsa";
static const char legacy_ciphers[] =
	"aes256-gcm@openssh.com,aes128-gcm@openssh.com,"
	"chacha20-poly1305@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr,"
	"aes256-cbc,aes192-cbc,aes128-cbc,3des-cbc";

/* libssh 0.10's own default host key algorithms (kex.c). */
static const char default_hostkeys[] =
	"ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,"
	"ecdsa-sha2-nistp256,sk-ssh-ed25519@openssh.com,"
	"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256";

struct ms_ssh {
	ssh_session ss;
	ssh_channel ch;
	const _Atomic int64_t *abort_at;	/* see ms_ssh_opts */
	char label[LABEL_MAX];
};

int ms_ssh_global_init(void)
{
	return ssh_init() == SSH_OK ? 0 : MS_E_SYS;
}

void ms_ssh_global_release(void)
{
	ssh_finalize();
}

int ms_ssh_policy_parse(const char *s, enum ms_ssh_policy *out)
{
	static const struct {
		const char *name;
		enum ms_ssh_policy p;
	} tab[] = {
		{ "strict", MS_SSH_POLICY_STRICT },
		{ "accept-new", MS_SSH_POLICY_ACCEPT_NEW },
		{ "off", MS_SSH_POLICY_OFF },
	};
	size_t i;

	for (i = 0; s && i < MS_ARRAY_SIZE(tab); i++) {
		if (!strcmp(s, tab[i].name)) {
			*out = tab[i].p;
			return 0;
		}
	}
	return MS_E_INVAL;
}

/* Wait until the socket can do what libssh waits for, or the deadline. */
static int wait_io(struct ms_ssh *s, ms_msec_t deadline, const char *step,
		   struct ms_err *err)
{
	struct pollfd p = { .fd = ssh_get_fd(s->ss), .events = POLLIN };
	int r;

	if (p.fd < 0)
		return ms_err_set(err, MS_E_CONN, "connection to '%s' lost "
				  "during %s", s->label, step);
	if (ssh_get_poll_flags(s->ss) & SSH_WRITE_PENDING)
		p.events |= POLLOUT;
	/* A peer that trickles data must not keep us past the deadline, and
	 * abort_at may move earlier while we wait. */
	for (;;) {
		ms_msec_t until = deadline;

		if (s->abort_at)
			until = MS_MIN(until, atomic_load(s->abort_at));
		if (ms_left(until) == 0)
			break;
		if (s->abort_at)
			until = MS_MIN(until, ms_deadline(ABORT_SLICE_MS));
		r = poll(&p, 1, ms_poll_timeout(until));
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return ms_err_sys(err, "poll on '%s'", s->label);
	}
	return ms_err_set(err, MS_E_TIMEOUT, "timed out during %s with '%s'",
			  step, s->label);
}

/* Turn libssh's last error into an MS_E_* code and one line. */
static int fail(struct ms_ssh *s, const char *step, struct ms_err *err)
{
	const char *m = ssh_get_error(s->ss);
	int code = MS_E_PROTO;

	if (!m || !*m)
		m = "unknown error";
	/* libssh has no error classes beyond fatal; its wording is stable
	 * within 0.10.  No common algorithm stays a protocol error even
	 * though libssh drops the socket after it. */
	if (!strstr(m, "kex error") &&
	    (strstr(m, "Socket error") || strstr(m, "DISCONNECT") ||
	     strstr(m, "disconnect") || strstr(m, "closed") ||
	     strstr(m, "Connection") || strstr(m, "resolve") ||
	     ssh_get_fd(s->ss) < 0))
		code = MS_E_CONN;
	return ms_err_set(err, code, "%s with '%s': %s", step, s->label, m);
}

/* The server's key as "SHA256:..." into out. */
static int key_fingerprint(ssh_session ss, char *out, size_t outsz)
{
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	char *fp = NULL;
	size_t hlen = 0;
	int r = MS_E_PROTO, n;

	if (ssh_get_server_publickey(ss, &key) != SSH_OK)
		goto out;
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
				   &hlen) != 0)
		goto out;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	if (!fp)
		goto out;
	n = snprintf(out, outsz, "%s", fp);
	r = (n < 0 || (size_t)n >= outsz) ? MS_E_TOOBIG : 0;
out:
	if (r < 0 && outsz)
		snprintf(out, outsz, "%s", "SHA256:?");
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	ssh_key_free(key);
	return r;
}

/*
 * Refused, with the fix for a device that really was replaced: the
 * ssh-keygen line that forgets the old key (its known_hosts name is
 * [host]:port off port 22), so that accept-new learns the new one.
 */
static int host_key_changed(struct ms_ssh *s, const struct ms_ssh_opts *o,
			    struct ms_err *err)
{
	char fp[MS_SSH_FP_MAX], name[300];

	key_fingerprint(s->ss, fp, sizeof(fp));
	if (o->port && o->port != 22)
		snprintf(name, sizeof(name), "[%s]:%d", o->host, o->port);
	else
		snprintf(name, sizeof(name), "%s", o->host);
	return ms_err_set(err, MS_E_HOSTKEY, "host key for '%s' changed (now "
			  "%s); refusing; if the device was replaced: "
			  "ssh-keygen -f '%s' -R '%s'", s->label, fp,
			  o->known_hosts, name);
}

static int host_key_unknown(struct ms_ssh *s, const struct ms_ssh_opts *o,
			    struct ms_err *err)
{
	char fp[MS_SSH_FP_MAX];

	key_fingerprint(s->ss, fp, sizeof(fp));
	return ms_err_set(err, MS_E_HOSTKEY, "host key for '%s' (%s) is not "
			  "in '%s'; refusing under the strict policy",
			  s->label, fp, o->known_hosts);
}

/* libssh's own check, for files with hashed names or markers. */
static int check_with_libssh(struct ms_ssh *s, const struct ms_ssh_opts *o,
			     const char *line, struct ms_err *err)
{
	int r;

	/* libssh may have been given /dev/null for the key exchange (see
	 * plan_hostkeys) if the file changed since */
	if (ssh_options_set(s->ss, SSH_OPTIONS_KNOWNHOSTS,
			    o->known_hosts) < 0 ||
	    ssh_options_set(s->ss, SSH_OPTIONS_GLOBAL_KNOWNHOSTS,
			    o->known_hosts) < 0)
		return fail(s, "checking the host key", err);
	switch (ssh_session_is_known_server(s->ss)) {
	case SSH_KNOWN_HOSTS_OK:
		return 0;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		return host_key_changed(s, o, err);
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		if (o->policy != MS_SSH_POLICY_ACCEPT_NEW)
			return host_key_unknown(s, o, err);
		r = ms_kh_learn(o->known_hosts, line, err);
		if (r == MS_KH_CHANGED)
			return host_key_changed(s, o, err);
		return r < 0 ? r : 0;
	case SSH_KNOWN_HOSTS_ERROR:
	default:
		return ms_err_set(err, MS_E_HOSTKEY, "cannot check the host "
				  "key of '%s' against '%s': %s", s->label,
				  o->known_hosts, ssh_get_error(s->ss));
	}
}

/*
 * The server's key against known_hosts (cached: see knownhosts.h); an
 * unknown key is learnt under accept-new, a changed one always refused.
 */
static int check_host_key(struct ms_ssh *s, const struct ms_ssh_opts *o,
			  struct ms_err *err)
{
	char *line = NULL;
	int r;

	if (o->policy == MS_SSH_POLICY_OFF)
		return 0;
	if (ssh_session_export_known_hosts_entry(s->ss, &line) != SSH_OK)
		return fail(s, "exporting the host key", err);
	ms_err_clear(err);
	switch ((r = ms_kh_check(o->known_hosts, line, err))) {
	case MS_KH_OK:
		r = 0;
		break;
	case MS_KH_CHANGED:
		r = host_key_changed(s, o, err);
		break;
	case MS_KH_UNKNOWN:
		if (o->policy != MS_SSH_POLICY_ACCEPT_NEW) {
			r = host_key_unknown(s, o, err);
			break;
		}
		r = ms_kh_learn(o->known_hosts, line, err);
		if (r == MS_KH_CHANGED)
			r = host_key_changed(s, o, err);
		else if (r > 0)
			r = 0;
		break;
	case MS_KH_FALLBACK:
		r = check_with_libssh(s, o, line, err);
		break;
	default:
		break;	/* a negative MS_E_*, err filled */
	}
	ssh_string_free_char(line);
	return r;
}

/* Whether the comma-separated list has the n bytes at tok as an item. */
static bool in_list(const char *list, const char *tok, size_t n)
{
	const char *p, *end;

	for (p = list; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ',');
		if ((size_t)(end - p) == n && !memcmp(p, tok, n))
			return true;
	}
	return false;
}

/* Whether the host key algorithm tok (n bytes) verifies a key of one of
 * the known types (an RSA key signs with rsa-sha2-* too). */
static bool known_algo(const char *types, const char *tok, size_t n)
{
	static const char rsa_sigs[] = "rsa-sha2-512,rsa-sha2-256,ssh-rsa";

	return in_list(types, tok, n) ||
	       (in_list(rsa_sigs, tok, n) && in_list(types, "ssh-rsa", 7));
}

/* wanted, with the algorithms of the known key types first (the order
 * libssh derives from known_hosts), into out. */
static int order_hostkeys(const char *wanted, const char *types, char *out,
			  size_t outsz)
{
	const char *p, *end;
	size_t len = 0;
	int pass, n;

	for (pass = 0; pass < 2; pass++) {
		for (p = wanted; *p; p = *end ? end + 1 : end) {
			end = strchrnul(p, ',');
			if (known_algo(types, p, (size_t)(end - p)) != !pass)
				continue;
			n = snprintf(out + len, outsz - len, "%s%.*s",
				     len ? "," : "", (int)(end - p), p);
			if (n < 0 || (size_t)n >= outsz - len)
				return MS_E_TOOBIG;
			len += (size_t)n;
		}
	}
	return 0;
}

/*
 * libssh reads its known_hosts files at every key exchange only to offer
 * first the host key algorithms they list for the host (a device known by
 * its RSA key must not be asked for an ed25519 one): work that grows with
 * the file.  The cache gives that order (keys, "" to keep libssh's) and
 * libssh reads /dev/null; a file only libssh understands (hashed names,
 * markers) stays its to read.
 */
static int plan_hostkeys(const struct ms_ssh_opts *o, const char *kh,
			 const char **libssh_kh, char *keys, size_t keysz,
			 struct ms_err *err)
{
	char name[LABEL_MAX], types[KEYS_MAX], *c;
	int port = o->port > 0 ? o->port : 22, r;

	*libssh_kh = "/dev/null";
	keys[0] = '\0';
	if (o->policy == MS_SSH_POLICY_OFF)
		return 0;
	/* the name libssh exports and looks up: lower case, port if not 22 */
	r = port == 22 ? snprintf(name, sizeof(name), "%s", o->host)
		       : snprintf(name, sizeof(name), "[%s]:%d", o->host, port);
	if (r < 0 || (size_t)r >= sizeof(name))
		return ms_err_set(err, MS_E_TOOBIG, "host name too long: '%s'",
				  o->host);
	for (c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	r = ms_kh_types(kh, name, types, sizeof(types), err);
	if (r == MS_KH_FALLBACK)
		*libssh_kh = kh;
	if (r != MS_KH_OK)
		return r < 0 ? r : 0;
	if (order_hostkeys(o->legacy_algos ? legacy_hostkeys : default_hostkeys,
			   types, keys, keysz) < 0)
		return ms_err_set(err, MS_E_TOOBIG, "host key algorithms of "
				  "'%s': list too long", name);
	return 0;
}

/* Options that make libssh independent of HOME, passwd and ~/.ssh. */
static int set_options(struct ms_ssh *s, const struct ms_ssh_opts *o,
		       const char *dir, const char *kh, const char *keys,
		       struct ms_err *err)
{
	ssh_session ss = s->ss;
	int port = o->port > 0 ? o->port : 22, on = 1, quiet = SSH_LOG_NOLOG;
	bool no = false;

	if (ssh_options_set(ss, SSH_OPTIONS_HOST, o->host) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_PORT, &port) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_USER, o->user) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_SSH_DIR, dir) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_KNOWNHOSTS, kh) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, kh) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_NODELAY, &on) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_LOG_VERBOSITY, &quiet) < 0)
		return ms_err_set(err, MS_E_INVAL, "ssh options for '%s': %s",
				  s->label, ssh_get_error(ss));
	if (o->legacy_algos &&
	    (ssh_options_set(ss, SSH_OPTIONS_KEY_EXCHANGE, legacy_kex) < 0 ||
	     ssh_options_set(ss, SSH_OPTIONS_HOSTKEYS, legacy_hostkeys) < 0 ||
	     ssh_options_set(ss, SSH_OPTIONS_CIPHERS_C_S, legacy_ciphers) < 0 ||
	     ssh_options_set(ss, SSH_OPTIONS_CIPHERS_S_C, legacy_ciphers) < 0))
		return ms_err_set(err, MS_E_INVAL, "legacy algorithms for "
				  "'%s': %s", s->label, ssh_get_error(ss));
	if (*keys && ssh_options_set(ss, SSH_OPTIONS_HOSTKEYS, keys) < 0)
		return ms_err_set(err, MS_E_INVAL, "host key algorithms for "
				  "'%s': %s", s->label, ssh_get_error(ss));
	ssh_set_blocking(ss, 0);
	return 0;
}

/* Keepalive so that a device that vanishes mid-session is noticed even
 * between reads; errors only cost that detection. */
static void set_keepalive(int fd)
{
	int on = 1, idle = KEEPIDLE_S, intvl = KEEPINTVL_S, cnt = KEEPCNT;

	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
			 sizeof(intvl));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

static bool tcp_connected(int fd)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);

	return fd >= 0 && getpeername(fd, (struct sockaddr *)&sa, &len) == 0;
}

/* TCP connect and key exchange, by connect_deadline. */
static int handshake(struct ms_ssh *s, ms_msec_t deadline, struct ms_err *err)
{
	bool keepalive = false, tcp_up = false;
	int rc, r, fd;

	for (;;) {
		rc = ssh_connect(s->ss);
		fd = ssh_get_fd(s->ss);
		if (!keepalive && fd >= 0) {
			set_keepalive(fd);
			keepalive = true;
		}
		if (!tcp_up)
			tcp_up = tcp_connected(fd);
		if (rc != SSH_AGAIN)
			break;
		r = wait_io(s, deadline, tcp_up ? "key exchange" : "connect",
			    err);
		if (r < 0)
			return r;
	}
	if (rc == SSH_OK)
		return 0;
	if (!tcp_up)
		return ms_err_set(err, MS_E_CONN, "cannot connect to '%s': %s",
				  s->label, ssh_get_error(s->ss));
	return fail(s, "key exchange", err);
}

static int auth_key(struct ms_ssh *s, const struct ms_ssh_opts *o,
		    struct ms_err *err)
{
	ssh_key key = NULL;
	int rc, r = 0;

	if (ssh_pki_import_privkey_file(o->key_file, NULL, NULL, NULL,
					&key) != SSH_OK)
		return ms_err_set(err, MS_E_INVAL, "cannot load the private "
				  "key '%s'", o->key_file);
	while ((rc = ssh_userauth_publickey(s->ss, NULL, key)) ==
	       SSH_AUTH_AGAIN)
		if ((r = wait_io(s, o->login_deadline,
				 "public-key authentication", err)) < 0)
			break;
	ssh_key_free(key);
	return r < 0 ? r : rc;
}

/* Answer the password to hidden prompts and the user name to echoed ones
 * ("Username:" on some CMTS); a second password prompt means rejection. */
static int auth_kbdint(struct ms_ssh *s, const struct ms_ssh_opts *o,
		       struct ms_err *err)
{
	bool sent_pw = false, pw_now;
	int rc, r, n, i, round;
	char echo;

	for (round = 0; round < KBDINT_ROUNDS; round++) {
		while ((rc = ssh_userauth_kbdint(s->ss, NULL, NULL)) ==
		       SSH_AUTH_AGAIN)
			if ((r = wait_io(s, o->login_deadline,
					 "keyboard-interactive authentication",
					 err)) < 0)
				return r;
		if (rc != SSH_AUTH_INFO)
			return rc;
		n = ssh_userauth_kbdint_getnprompts(s->ss);
		pw_now = false;
		for (i = 0; i < n; i++) {
			echo = 0;
			(void)ssh_userauth_kbdint_getprompt(s->ss, (unsigned)i,
							    &echo);
			if (!echo && sent_pw)
				return SSH_AUTH_DENIED;
			pw_now |= !echo;
			if (ssh_userauth_kbdint_setanswer(s->ss, (unsigned)i,
					echo ? o->user : o->password) < 0)
				return fail(s, "keyboard-interactive "
					    "authentication", err);
		}
		sent_pw |= pw_now;
	}
	return SSH_AUTH_DENIED;
}

static int auth_result(struct ms_ssh *s, int rc, const char *step,
		       struct ms_err *err)
{
	if (rc == SSH_AUTH_ERROR)
		return fail(s, step, err);
	return rc;
}

/* Authentication by login_deadline: "none" to learn the methods, then
 * public key, password and keyboard-interactive as offered. */
static int authenticate(struct ms_ssh *s, const struct ms_ssh_opts *o,
			struct ms_err *err)
{
	bool have_pw = o->password && *o->password;
	bool have_key = o->key_file && *o->key_file;
	int rc, r, methods;

	while ((rc = ssh_userauth_none(s->ss, NULL)) == SSH_AUTH_AGAIN)
		if ((r = wait_io(s, o->login_deadline, "authentication",
				 err)) < 0)
			return r;
	if ((rc = auth_result(s, rc, "authentication", err)) < 0 ||
	    rc == SSH_AUTH_SUCCESS)
		return rc < 0 ? rc : 0;
	methods = ssh_userauth_list(s->ss, NULL);
	if (!methods)	/* a server that lists nothing: try what we have */
		methods = SSH_AUTH_METHOD_PASSWORD |
			  SSH_AUTH_METHOD_INTERACTIVE |
			  SSH_AUTH_METHOD_PUBLICKEY;
	if (have_key && (methods & SSH_AUTH_METHOD_PUBLICKEY)) {
		rc = auth_result(s, auth_key(s, o, err), "public-key "
				 "authentication", err);
		if (rc < 0 || rc == SSH_AUTH_SUCCESS)
			return rc < 0 ? rc : 0;
	}
	if (have_pw && (methods & SSH_AUTH_METHOD_PASSWORD)) {
		while ((rc = ssh_userauth_password(s->ss, NULL, o->password))
		       == SSH_AUTH_AGAIN)
			if ((r = wait_io(s, o->login_deadline,
					 "password authentication", err)) < 0)
				return r;
		rc = auth_result(s, rc, "password authentication", err);
		if (rc < 0 || rc == SSH_AUTH_SUCCESS)
			return rc < 0 ? rc : 0;
	}
	if (have_pw && (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
		rc = auth_result(s, auth_kbdint(s, o, err),
				 "keyboard-interactive authentication", err);
		if (rc < 0 || rc == SSH_AUTH_SUCCESS)
			return rc < 0 ? rc : 0;
	}
	return ms_err_set(err, MS_E_AUTH, "authentication rejected by '%s'",
			  s->label);
}

/* A session channel with a vt100 PTY and a shell, by login_deadline. */
static int open_shell(struct ms_ssh *s, const struct ms_ssh_opts *o,
		      struct ms_err *err)
{
	int w = o->term_width > 0 ? o->term_width : MS_SSH_TERM_WIDTH;
	int h = o->term_height > 0 ? o->term_height : MS_SSH_TERM_HEIGHT;
	ms_msec_t dl = o->login_deadline;
	int rc, r = 0;

	if (!(s->ch = ssh_channel_new(s->ss)))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	while ((rc = ssh_channel_open_session(s->ch)) == SSH_AGAIN)
		if ((r = wait_io(s, dl, "opening a channel", err)) < 0)
			return r;
	if (rc != SSH_OK)
		return fail(s, "opening a channel", err);
	while ((rc = ssh_channel_request_pty_size(s->ch, "vt100", w, h)) ==
	       SSH_AGAIN)
		if ((r = wait_io(s, dl, "the pty request", err)) < 0)
			return r;
	if (rc != SSH_OK)
		return fail(s, "the pty request", err);
	while ((rc = ssh_channel_request_shell(s->ch)) == SSH_AGAIN)
		if ((r = wait_io(s, dl, "the shell request", err)) < 0)
			return r;
	if (rc != SSH_OK)
		return fail(s, "the shell request", err);
	return 0;
}

int ms_ssh_open(struct ms_ssh **out, const struct ms_ssh_opts *o,
		struct ms_err *err)
{
	static const char dev_null[] = "/dev/null";
	const char *kh = o->known_hosts && *o->known_hosts ? o->known_hosts :
			 dev_null;
	char dir[PATH_MAX], keys[KEYS_MAX];
	struct ms_ssh *s;
	const char *slash, *libssh_kh;
	int r, port = o->port > 0 ? o->port : 22;

	*out = NULL;
	if (!o->host || !*o->host || !o->user || !*o->user)
		return ms_err_set(err, MS_E_INVAL, "ssh needs a host and a "
				  "user");
	if (o->policy != MS_SSH_POLICY_OFF && kh == dev_null)
		return ms_err_set(err, MS_E_INVAL, "checking the host key of "
				  "'%s' needs a known_hosts file", o->host);
	/* libssh wants an ssh directory; the known_hosts one will do. */
	slash = strrchr(kh, '/');
	r = slash ? snprintf(dir, sizeof(dir), "%.*s", (int)(slash - kh), kh)
		  : snprintf(dir, sizeof(dir), ".");
	if (r < 0 || (size_t)r >= sizeof(dir))
		return ms_err_set(err, MS_E_TOOBIG, "path too long: '%s'", kh);
	if (!dir[0])
		dir[0] = '/', dir[1] = '\0';
	if (!(s = calloc(1, sizeof(*s))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	s->abort_at = o->abort_at;
	snprintf(s->label, sizeof(s->label), strchr(o->host, ':') ?
		 "[%s]:%d" : "%s:%d", o->host, port);
	if (!(s->ss = ssh_new())) {
		r = ms_err_set(err, MS_E_NOMEM, "out of memory");
		goto fail;
	}
	if ((r = plan_hostkeys(o, kh, &libssh_kh, keys, sizeof(keys),
			       err)) < 0 ||
	    (r = set_options(s, o, dir, libssh_kh, keys, err)) < 0 ||
	    (r = handshake(s, o->connect_deadline, err)) < 0 ||
	    (r = check_host_key(s, o, err)) < 0 ||
	    (r = authenticate(s, o, err)) < 0 ||
	    (!o->no_shell && (r = open_shell(s, o, err)) < 0))
		goto fail;
	*out = s;
	return 0;
fail:
	ms_ssh_close(s);
	return r;
}

void *ms_ssh_session(struct ms_ssh *s)
{
	return s->ss;
}

ssize_t ms_ssh_read(struct ms_ssh *s, char *buf, size_t n,
		    ms_msec_t deadline, struct ms_err *err)
{
	uint32_t want = (uint32_t)MS_MIN(n, (size_t)INT32_MAX);
	int r, is_stderr, eofs;

	if (!n)
		return ms_err_set(err, MS_E_INVAL, "read of 0 bytes");
	for (;;) {
		/* libssh may hold whole packets already read from the socket:
		 * drain its buffers before sleeping in poll(). */
		eofs = 0;
		for (is_stderr = 0; is_stderr < 2; is_stderr++) {
			r = ssh_channel_read_nonblocking(s->ch, buf, want,
							 is_stderr);
			if (r > 0)
				return r;
			if (r == SSH_EOF)
				eofs++;
			else if (r == SSH_ERROR)
				return fail(s, "reading", err);
		}
		if (eofs == 2 || ssh_channel_is_closed(s->ch))
			return ms_err_set(err, MS_E_EOF, "'%s' closed the "
					  "session", s->label);
		if ((r = wait_io(s, deadline, "reading", err)) < 0)
			return r;
	}
}

/* Push what libssh still holds for the socket.  ssh_get_poll_flags()
 * may still ask for POLLOUT after the buffer emptied, so ask libssh. */
static int flush_out(struct ms_ssh *s, ms_msec_t deadline, struct ms_err *err)
{
	int rc, r;

	while ((rc = ssh_blocking_flush(s->ss, 0)) == SSH_AGAIN)
		if ((r = wait_io(s, deadline, "writing", err)) < 0)
			return r;
	return rc == SSH_OK ? 0 : fail(s, "writing", err);
}

int ms_ssh_write(struct ms_ssh *s, const char *data, size_t len,
		 ms_msec_t deadline, struct ms_err *err)
{
	size_t off = 0;
	int r;

	while (off < len) {
		if (ssh_channel_is_closed(s->ch) || ssh_channel_is_eof(s->ch))
			return ms_err_set(err, MS_E_EOF, "'%s' closed the "
					  "session", s->label);
		r = ssh_channel_write(s->ch, data + off,
				      (uint32_t)MS_MIN(len - off,
						       (size_t)WRITE_CHUNK));
		if (r == SSH_ERROR)
			return fail(s, "writing", err);
		off += (size_t)r;
		/* Out of window: wait for the peer's window adjust. */
		if (off < len && (r = wait_io(s, deadline, "writing", err)) < 0)
			return r;
	}
	return flush_out(s, deadline, err);
}

void ms_ssh_close(struct ms_ssh *s)
{
	if (!s)
		return;
	/* Non-blocking session: close and disconnect only queue packets and
	 * try one write each, so nothing here waits for the peer. */
	if (s->ch) {
		if (ssh_channel_is_open(s->ch))
			ssh_channel_close(s->ch);
		ssh_channel_free(s->ch);
	}
	if (s->ss) {
		ssh_disconnect(s->ss);
		ssh_free(s->ss);
	}
	free(s);
}
