/*
 * Internet messages: RFC 5322 headers (Date with a numeric zone,
 * Message-ID, RFC 2047 subjects), a quoted-printable UTF-8 text body and
 * base64 MIME attachments.  The output is 7-bit CRLF text with every line
 * under 998 bytes, so any SMTP server relays it unchanged.
 */
#ifndef MS_MAIL_H
#define MS_MAIL_H

#include "ms.h"
#include "buf.h"
#include "err.h"

enum {
	MS_MAIL_MAX_TO = 32,		/* recipients of one mail */
	MS_MAIL_MAX_ATTACH = 8,		/* attachments of one mail */
	MS_MAIL_ADDR_MAX = 254,		/* RFC 5321 path limit */
	MS_MAIL_MAX = 32 << 20,		/* a rendered message, bytes */
	MS_MAIL_DATE_MAX = 40
};

/* One attachment; all pointers borrowed. */
struct ms_mail_attach {
	const char *name;	/* file name shown to the reader */
	const char *type;	/* MIME type; NULL: guessed from name */
	const void *data;
	size_t len;
};

/* A message to render; all pointers borrowed. */
struct ms_mail {
	const char *from;			/* bare address a@b */
	const char *to[MS_MAIL_MAX_TO];		/* bare addresses */
	size_t nto;
	const char *subject;			/* UTF-8 */
	const char *body;			/* UTF-8 text, \n or \r\n */
	struct ms_mail_attach attach[MS_MAIL_MAX_ATTACH];
	size_t nattach;
	ms_msec_t date;		/* wall-clock ms for Date:; 0: now */
};

/*
 * Whether addr is a plain ASCII address we can put in MAIL FROM, RCPT TO
 * and headers: local@domain, no spaces, brackets, quotes or controls.
 */
bool ms_mail_addr_ok(const char *addr);

/* "Mon, 23 Nov 2026 13:34:51 +0100" in local time; returns out. */
char *ms_mail_date(ms_msec_t wall_ms, char out[MS_MAIL_DATE_MAX]);

/* Append s as an RFC 2047 header value, folded: plain when it is short
 * printable ASCII, else UTF-8 B encoded-words split on whole characters. */
int ms_mail_header_text(struct ms_buf *out, const char *s);

/* Append data base64-encoded in CRLF lines of 76 characters. */
int ms_mail_base64(struct ms_buf *out, const void *data, size_t len);

/* Append text quoted-printable (RFC 2045), CRLF line ends. */
int ms_mail_qp(struct ms_buf *out, const char *s, size_t len);

/* Append the whole message (headers and body, CRLF) to out. */
int ms_mail_render(const struct ms_mail *m, struct ms_buf *out,
		   struct ms_err *err);

/*
 * Append a rendered message as SMTP DATA content: a '.' doubled at the
 * start of each line, a final CRLF ensured, then ".\r\n".
 */
int ms_mail_dotstuff(const char *s, size_t len, struct ms_buf *out);

#endif
