/*
 * The SSH client one scanner worker uses for one device: TCP connect, key
 * exchange, host-key check against an OpenSSH known_hosts file, login, and
 * one interactive shell on a PTY.  Every step is non-blocking under an
 * absolute CLOCK_MONOTONIC deadline.  One struct ms_ssh per thread.
 */
#ifndef MS_SSH_H
#define MS_SSH_H

#include "ms.h"
#include "err.h"

/* What to do with a host key not yet in known_hosts (SSH_HOST_KEY_POLICY).
 * A changed key is refused under every policy but MS_SSH_POLICY_OFF. */
enum ms_ssh_policy {
	MS_SSH_POLICY_STRICT,		/* refuse unknown keys */
	MS_SSH_POLICY_ACCEPT_NEW,	/* append unknown keys, then trust */
	MS_SSH_POLICY_OFF		/* no check at all */
};

enum {
	MS_SSH_TERM_WIDTH = 80,
	MS_SSH_TERM_HEIGHT = 24,
	MS_SSH_FP_MAX = 128		/* "SHA256:" + base64 + NUL, roomy */
};

struct ms_ssh_opts {
	const char *host;		/* name or address */
	int port;			/* 0: 22 */
	const char *user;
	const char *password;		/* secret: never logged nor kept */
	const char *key_file;		/* private key; NULL or "": none */
	const char *known_hosts;	/* OpenSSH format; may be NULL if off */
	enum ms_ssh_policy policy;
	bool legacy_algos;		/* add group14-sha1, group1-sha1,
					 * ssh-rsa and CBC ciphers */
	ms_msec_t connect_deadline;	/* TCP connect + key exchange */
	ms_msec_t login_deadline;	/* authentication + shell */
	/* NULL, or a monotonic time read at every wait (at least every
	 * 250 ms) that cuts all waits of the session short: the scanner
	 * stopping moves it after the deadlines above were computed. */
	const _Atomic int64_t *abort_at;
	int term_width, term_height;	/* 0: 80x24 */
	bool no_shell;			/* stop after login (SFTP, exec) */
};

struct ms_ssh;

/* Call once before threads start (ssh_init).  0 or MS_E_SYS. */
int ms_ssh_global_init(void);
/* Counterpart at exit, after every session is closed (ssh_finalize). */
void ms_ssh_global_release(void);

/* "strict", "accept-new", "off" -> *out; 0 or MS_E_INVAL. */
int ms_ssh_policy_parse(const char *s, enum ms_ssh_policy *out);

/*
 * Connect, check the host key, log in and start a vt100 shell.  On success
 * *out owns the session (free with ms_ssh_close).  Errors: MS_E_CONN
 * (refused, reset, unknown host), MS_E_TIMEOUT (naming the step),
 * MS_E_HOSTKEY (unknown under strict, changed), MS_E_AUTH, MS_E_PROTO
 * (no common algorithm, broken peer), MS_E_INVAL, MS_E_NOMEM, MS_E_SYS.
 */
int ms_ssh_open(struct ms_ssh **out, const struct ms_ssh_opts *o,
		struct ms_err *err);

/* The libssh session (ssh_session) of s, for a subsystem such as SFTP. */
void *ms_ssh_session(struct ms_ssh *s);

/* Up to n bytes of shell output (stdout and stderr of the PTY).  Returns
 * the count (>0), MS_E_TIMEOUT at the deadline, MS_E_EOF when the device
 * closed the channel, MS_E_CONN or MS_E_PROTO when the session broke. */
ssize_t ms_ssh_read(struct ms_ssh *s, char *buf, size_t n,
		    ms_msec_t deadline, struct ms_err *err);

/* All len bytes to the shell by the deadline: 0, MS_E_TIMEOUT, MS_E_EOF,
 * MS_E_CONN or MS_E_PROTO. */
int ms_ssh_write(struct ms_ssh *s, const char *data, size_t len,
		 ms_msec_t deadline, struct ms_err *err);

/* Close the channel, disconnect and free, without waiting for the peer.
 * Takes NULL. */
void ms_ssh_close(struct ms_ssh *s);

#endif
