/*
 * SMTP client on mbedTLS: plain, STARTTLS or implicit TLS with the server
 * certificate and host name verified, optional AUTH PLAIN/LOGIN, and one
 * deadline over every connect, read and write, so that a server that stops
 * answering costs at most SMTP_TIMEOUT.
 */
#ifndef MS_SMTP_H
#define MS_SMTP_H

#include "ms.h"
#include "conf.h"
#include "err.h"
#include "mail.h"

enum ms_smtp_tls { MS_SMTP_TLS_NONE, MS_SMTP_TLS_STARTTLS, MS_SMTP_TLS_TLS };

enum { MS_SMTP_HOST_MAX = 256, MS_SMTP_SECRET_MAX = 512 };

/* Where and how to deliver, from the SMTP_* and MAIL_* keys. */
struct ms_smtp_conf {
	char host[MS_SMTP_HOST_MAX];
	int port;
	enum ms_smtp_tls tls;
	char ca[PATH_MAX];		/* "": the system store */
	char user[MS_SMTP_SECRET_MAX];	/* "": no AUTH */
	char password[MS_SMTP_SECRET_MAX];	/* wiped by _release */
	ms_msec_t timeout_ms;		/* whole delivery */
	char from[MS_MAIL_ADDR_MAX + 1];
	char to[MS_MAIL_MAX_TO][MS_MAIL_ADDR_MAX + 1];
	size_t nto;
	/*
	 * NULL, or called with each line of the conversation: dir 'C' for
	 * what is sent, 'S' for the server's replies.  Lines that carry AUTH
	 * secrets are replaced by "(AUTH data not shown)", the message by its
	 * size.  Set it after ms_smtp_conf_from.
	 */
	void (*trace)(void *ctx, char dir, const char *line);
	void *trace_ctx;
};

/* The CA bundle used when SMTP_CA is empty. */
extern const char ms_smtp_system_ca[];

/*
 * Fill sc from c.  MS_E_NOENT ("no mail server configured") when SMTP_HOST
 * is empty; MS_E_INVAL for a missing or malformed MAIL_FROM or MAIL_TO, or
 * AUTH configured on a connection whose TLS cannot be had.  Call
 * ms_smtp_conf_release afterwards in every case.
 */
int ms_smtp_conf_from(struct ms_smtp_conf *sc, const struct ms_conf *c,
		      struct ms_err *err);
/* Wipe the secrets. */
void ms_smtp_conf_release(struct ms_smtp_conf *sc);

/* Copy the sender and the recipients of sc into m (borrowed pointers). */
void ms_smtp_mail_init(struct ms_mail *m, const struct ms_smtp_conf *sc);

/*
 * Deliver m through sc's server before deadline (CLOCK_MONOTONIC ms).
 * Returns the number of recipients, all accepted; any refusal (a recipient,
 * the certificate, AUTH, the message) fails the whole delivery with the
 * server's reply in err.  MS_E_TIMEOUT when the deadline passes.
 */
int ms_smtp_send_until(const struct ms_smtp_conf *sc, const struct ms_mail *m,
		       ms_msec_t deadline, struct ms_err *err);
/* Greeting, EHLO, STARTTLS and AUTH, then QUIT: no mail.  0 or an error. */
int ms_smtp_probe(const struct ms_smtp_conf *sc, struct ms_err *err);
/* The same with the deadline SMTP_TIMEOUT from now. */
int ms_smtp_send(const struct ms_smtp_conf *sc, const struct ms_mail *m,
		 struct ms_err *err);

#endif
