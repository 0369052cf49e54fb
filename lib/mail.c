/* Internet message rendering: headers, MIME, encodings (see mail.h). */
#include "mail.h"

#include <ctype.h>
#include <sys/random.h>

#include <mbedtls/base64.h>

#include "mstime.h"

/* Bytes of UTF-8 per RFC 2047 word: 52 base64 characters, so a folded
 * "Subject: =?UTF-8?B?...?=" line stays under 78 columns. */
enum { WORD_BYTES = 39, QP_LINE = 76, B64_CHUNK = 57 };

static const char addr_specials[] = "()<>[]\\,;:\"@";

bool ms_mail_addr_ok(const char *addr)
{
	const char *at = addr ? strchr(addr, '@') : NULL;
	const unsigned char *p;
	size_t len;

	if (!at || at == addr || !at[1] || strchr(at + 1, '@'))
		return false;
	len = strlen(addr);
	if (len > MS_MAIL_ADDR_MAX)
		return false;
	for (p = (const unsigned char *)addr; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f)
			return false;
		if (*p != '@' && strchr(addr_specials, *p))
			return false;
	}
	return true;
}

char *ms_mail_date(ms_msec_t wall_ms, char out[MS_MAIL_DATE_MAX])
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;
	int off;

	/* Names come from tables, not strftime: %a and %b follow the locale,
	 * RFC 5322 wants English. */
	if (ms_localtime(t, &tm) < 0 || tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11) {
		snprintf(out, MS_MAIL_DATE_MAX, "Thu, 1 Jan 1970 00:00:00 +0000");
		return out;
	}
	/* Zone offsets are within a day; the clamp keeps the bound obvious. */
	off = (int)MS_MAX(MS_MIN(tm.tm_gmtoff / 60, 1439L), -1439L);
	snprintf(out, MS_MAIL_DATE_MAX, "%s, %d %s %d %02d:%02d:%02d %c%02d%02d",
		 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
	return out;
}

int ms_mail_base64(struct ms_buf *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned char line[80];
	size_t n, olen;
	int r;

	while (len) {
		n = MS_MIN(len, (size_t)B64_CHUNK);
		if (mbedtls_base64_encode(line, sizeof(line), &olen, p, n))
			return MS_E_INVAL;
		if ((r = ms_buf_add(out, line, olen)) < 0 ||
		    (r = ms_buf_adds(out, "\r\n")) < 0)
			return r;
		p += n;
		len -= n;
	}
	return 0;
}

static bool plain_header(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	/* Leave room under 998 for the field name; "=?" would be read as
	 * the start of an encoded word. */
	return p - (const unsigned char *)s < 900 && !strstr(s, "=?");
}

int ms_mail_header_text(struct ms_buf *out, const char *s)
{
	unsigned char word[80];
	size_t len = strlen(s), n, olen;
	int r;

	if (plain_header(s))
		return ms_buf_adds(out, s);
	while (len) {
		n = MS_MIN(len, (size_t)WORD_BYTES);
		/* Never split a UTF-8 sequence across words (RFC 2047 6.3). */
		while (n < len && n > 1 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		if (mbedtls_base64_encode(word, sizeof(word), &olen,
					  (const unsigned char *)s, n))
			return MS_E_INVAL;
		if ((r = ms_buf_printf(out, "=?UTF-8?B?%.*s?=%s", (int)olen,
				       (const char *)word,
				       n < len ? "\r\n " : "")) < 0)
			return r;
		s += n;
		len -= n;
	}
	return 0;
}

/* Whether s[i] is the last byte before a line end (or the end). */
static bool at_eol(const char *s, size_t len, size_t i)
{
	return i + 1 >= len || s[i + 1] == '\n' ||
	       (s[i + 1] == '\r' && i + 2 < len && s[i + 2] == '\n');
}

int ms_mail_qp(struct ms_buf *out, const char *s, size_t len)
{
	unsigned char c;
	size_t i, col = 0, w;
	char piece[4];
	int r;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (c == '\n') {
			if ((r = ms_buf_adds(out, "\r\n")) < 0)
				return r;
			col = 0;
			continue;
		}
		if ((c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && !at_eol(s, len, i))) {
			piece[0] = (char)c;
			w = 1;
		} else {
			snprintf(piece, sizeof(piece), "=%02X", c);
			w = 3;
		}
		/* A soft break "=" keeps every line at 76 columns or less. */
		if (col + w > QP_LINE - 1) {
			if ((r = ms_buf_adds(out, "=\r\n")) < 0)
				return r;
			col = 0;
		}
		if ((r = ms_buf_add(out, piece, w)) < 0)
			return r;
		col += w;
	}
	if (len && s[len - 1] != '\n')
		return ms_buf_adds(out, "\r\n");
	return 0;
}

int ms_mail_dotstuff(const char *s, size_t len, struct ms_buf *out)
{
	bool bol = true;
	size_t i;
	int r = 0;

	for (i = 0; i < len && r == 0; i++) {
		if (bol && s[i] == '.')
			r = ms_buf_addc(out, '.');
		if (r == 0 && s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			r = ms_buf_addc(out, '\r');
		if (r == 0)
			r = ms_buf_addc(out, s[i]);
		bol = s[i] == '\n';
	}
	if (r == 0 && !bol)
		r = ms_buf_adds(out, "\r\n");
	return r < 0 ? r : ms_buf_adds(out, ".\r\n");
}

static const char *guess_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".csv", "text/csv" },
		{ ".html", "text/html" },
		{ ".htm", "text/html" },
		{ ".json", "application/json" },
		{ ".txt", "text/plain" },
		{ ".log", "text/plain" },
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot && i < MS_ARRAY_SIZE(types); i++)
		if (!strcasecmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

/* ; key="value", or key*=UTF-8''%XX (RFC 2231) for names that need it. */
static int add_param(struct ms_buf *out, const char *key, const char *val)
{
	const unsigned char *p;
	int r;

	for (p = (const unsigned char *)val; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
			break;
	if (!*p && p - (const unsigned char *)val < 200)
		return ms_buf_printf(out, ";\r\n %s=\"%s\"", key, val);
	if ((r = ms_buf_printf(out, ";\r\n %s*=UTF-8''", key)) < 0)
		return r;
	for (p = (const unsigned char *)val; *p && r == 0; p++) {
		if (isalnum(*p) || strchr("-._~", *p))
			r = ms_buf_addc(out, *p);
		else
			r = ms_buf_printf(out, "%%%02X", *p);
	}
	return r;
}

static int add_attachment(struct ms_buf *out, const char *boundary,
			  const struct ms_mail_attach *a)
{
	const char *type = a->type ? a->type : guess_type(a->name);
	int r;

	if ((r = ms_buf_printf(out, "--%s\r\nContent-Type: %s", boundary,
			       type)) < 0)
		return r;
	if (!strncmp(type, "text/", 5) &&
	    (r = ms_buf_adds(out, "; charset=UTF-8")) < 0)
		return r;
	if ((r = add_param(out, "name", a->name)) < 0 ||
	    (r = ms_buf_adds(out, "\r\nContent-Disposition: attachment")) < 0 ||
	    (r = add_param(out, "filename", a->name)) < 0 ||
	    (r = ms_buf_adds(out, "\r\nContent-Transfer-Encoding: base64"
			     "\r\n\r\n")) < 0)
		return r;
	return ms_mail_base64(out, a->data, a->len);
}

static int check_mail(const struct ms_mail *m, struct ms_err *err)
{
	size_t i;

	if (!ms_mail_addr_ok(m->from))
		return ms_err_set(err, MS_E_INVAL, "bad sender address '%s'",
				  m->from ? m->from : "");
	if (m->nto == 0 || m->nto > MS_MAIL_MAX_TO)
		return ms_err_set(err, MS_E_INVAL, "%zu recipients (1 to %d)",
				  m->nto, MS_MAIL_MAX_TO);
	for (i = 0; i < m->nto; i++)
		if (!ms_mail_addr_ok(m->to[i]))
			return ms_err_set(err, MS_E_INVAL,
					  "bad recipient address '%s'",
					  m->to[i] ? m->to[i] : "");
	if (m->nattach > MS_MAIL_MAX_ATTACH)
		return ms_err_set(err, MS_E_INVAL, "%zu attachments (at most %d)",
				  m->nattach, MS_MAIL_MAX_ATTACH);
	for (i = 0; i < m->nattach; i++)
		if (!m->attach[i].name || !*m->attach[i].name ||
		    (m->attach[i].len && !m->attach[i].data))
			return ms_err_set(err, MS_E_INVAL,
					  "attachment %zu has no name or data",
					  i + 1);
	return 0;
}

static int add_headers(struct ms_buf *out, const struct ms_mail *m,
		       const char *rnd)
{
	char date[MS_MAIL_DATE_MAX];
	size_t i;
	int r;

	ms_mail_date(m->date ? m->date : ms_wall_now(), date);
	if ((r = ms_buf_printf(out, "Date: %s\r\nFrom: %s\r\nTo: ", date,
			       m->from)) < 0)
		return r;
	for (i = 0; i < m->nto; i++)
		if ((r = ms_buf_printf(out, "%s%s", i ? ",\r\n " : "",
				       m->to[i])) < 0)
			return r;
	if ((r = ms_buf_adds(out, "\r\nSubject: ")) < 0 ||
	    (r = ms_mail_header_text(out, m->subject ? m->subject : "")) < 0)
		return r;
	return ms_buf_printf(out, "\r\nMessage-ID: <%.16s.%lld@%s>\r\n"
			     "MIME-Version: 1.0\r\n"
			     "Auto-Submitted: auto-generated\r\n"
			     "X-Mailer: modscan\r\n", rnd,
			     (long long)(m->date ? m->date : ms_wall_now()),
			     strchr(m->from, '@') + 1);
}

/* 32 hex digits from the kernel's random pool (or time and pid). */
static void random_hex(char out[33])
{
	unsigned char raw[16];
	size_t i;

	if (getrandom(raw, sizeof(raw), GRND_NONBLOCK) != (ssize_t)sizeof(raw)) {
		ms_msec_t t = ms_mono_now() ^ ((ms_msec_t)getpid() << 40);

		for (i = 0; i < sizeof(raw); i++)
			raw[i] = (unsigned char)(t >> (8 * (i % 8)) ^ i);
	}
	for (i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

int ms_mail_render(const struct ms_mail *m, struct ms_buf *out,
		   struct ms_err *err)
{
	static const char text_part[] =
		"Content-Type: text/plain; charset=UTF-8\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n";
	const char *body = m->body ? m->body : "";
	char rnd[33], boundary[64];
	size_t i;
	int r;

	if ((r = check_mail(m, err)) < 0)
		return r;
	random_hex(rnd);
	/* "=_" never occurs in quoted-printable or base64 output. */
	snprintf(boundary, sizeof(boundary), "=_modscan_%s", rnd);
	if ((r = add_headers(out, m, rnd)) < 0)
		goto out;
	if (m->nattach == 0) {
		if ((r = ms_buf_adds(out, text_part)) < 0)
			goto out;
		r = ms_mail_qp(out, body, strlen(body));
		goto out;
	}
	if ((r = ms_buf_printf(out, "Content-Type: multipart/mixed;\r\n"
			       " boundary=\"%s\"\r\n\r\n"
			       "This is a MIME message.\r\n\r\n--%s\r\n%s",
			       boundary, boundary, text_part)) < 0 ||
	    (r = ms_mail_qp(out, body, strlen(body))) < 0)
		goto out;
	for (i = 0; i < m->nattach; i++)
		if ((r = add_attachment(out, boundary, &m->attach[i])) < 0)
			goto out;
	r = ms_buf_printf(out, "--%s--\r\n", boundary);
out:
	if (r < 0 && r != MS_E_INVAL)
		return ms_err_set(err, r, "cannot build the mail: %s",
				  ms_strerror(r));
	if (r < 0)
		return ms_err_set(err, r, "cannot encode the mail");
	return 0;
}
