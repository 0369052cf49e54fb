/* Unit tests for mail.c: dates, addresses, RFC 2047, base64, QP,
 * dot-stuffing and whole-message rendering. */
#include "mail.h"

#include <mbedtls/base64.h>

#include "harness.h"

static char *render_str(const struct ms_mail *m, int *r)
{
	struct ms_buf b;
	struct ms_err err = { 0 };

	ms_buf_init(&b, MS_MAIL_MAX);
	*r = ms_mail_render(m, &b, &err);
	return ms_buf_detach(&b, NULL);
}

static void test_date(void)
{
	static const struct {
		const char *tz;
		ms_msec_t t;
		const char *want;
	} cases[] = {
		{ "UTC0", 0, "Thu, 1 Jan 1970 00:00:00 +0000" },
		{ "UTC0", 1700000000123, "Tue, 14 Nov 2023 22:13:20 +0000" },
		{ "CET-1", 1700000000000, "Tue, 14 Nov 2023 23:13:20 +0100" },
		{ "EST5", 1700000000000, "Tue, 14 Nov 2023 17:13:20 -0500" },
		{ "IST-5:30", 1700000000000, "Wed, 15 Nov 2023 03:43:20 +0530" },
		{ "UTC0", 951782400000, "Tue, 29 Feb 2000 00:00:00 +0000" },
	};
	char out[MS_MAIL_DATE_MAX];
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(cases); i++) {
		setenv("TZ", cases[i].tz, 1);
		tzset();
		is_str(ms_mail_date(cases[i].t, out), cases[i].want,
		       "date %lld in %s", (long long)cases[i].t, cases[i].tz);
	}
	setenv("TZ", "UTC0", 1);
	tzset();
}

static void test_addr(void)
{
	static const struct {
		const char *a;
		bool ok;
	} cases[] = {
		{ "ops@example.net", true },
		{ "a.b+tag@sub.example.org", true },
		{ "noat.example.net", false },
		{ "@example.net", false },
		{ "ops@", false },
		{ "a@b@c", false },
		{ "a b@c", false },
		{ "a@b>\r\nRCPT TO:<x@y", false },
		{ "<a@b>", false },
		{ "caf\xc3\xa9@example.net", false },
		{ "", false },
	};
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(cases); i++)
		is_int(ms_mail_addr_ok(cases[i].a), cases[i].ok,
		       "address case %zu", i);
	is_int(ms_mail_addr_ok(NULL), false, "address NULL");
}

/* Each encoded word decodes alone to whole UTF-8 characters. */
static bool words_ok(const char *s, const char *want)
{
	unsigned char dec[128];
	char all[1024] = "";
	const char *p = s, *end;
	size_t n, olen, len = 0;

	while ((p = strstr(p, "=?UTF-8?B?"))) {
		p += 10;
		if (!(end = strstr(p, "?=")) || end - p + 12 > 75)
			return false;
		n = (size_t)(end - p);
		if (mbedtls_base64_decode(dec, sizeof(dec), &olen,
					  (const unsigned char *)p, n) ||
		    (olen && (dec[0] & 0xc0) == 0x80) || len + olen >= sizeof(all))
			return false;
		memcpy(all + len, dec, olen);
		len += olen;
		all[len] = '\0';
		p = end + 2;
	}
	return !strcmp(all, want);
}

static void test_header_text(void)
{
	static const char *long_utf8 =
		"Storing: één upstream op CCAP-Zuid wisselt van QAM64 naar "
		"QPSK — ‘modulatie’ — ëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëë";
	struct ms_buf b;

	ms_buf_init(&b, 4096);
	ms_mail_header_text(&b, "modscan: scanner restarted");
	is_str(b.p, "modscan: scanner restarted", "ASCII subject stays plain");
	ms_buf_reset(&b);
	ms_mail_header_text(&b, "\xc3\xa9");
	is_str(b.p, "=?UTF-8?B?w6k=?=", "one e-acute as one encoded word");
	ms_buf_reset(&b);
	ms_mail_header_text(&b, long_utf8);
	ok(strstr(b.p, "?=\r\n =?UTF-8?B?") != NULL,
	   "long subject folds between encoded words");
	ok(words_ok(b.p, long_utf8),
	   "every word <= 75 chars and never splits a character");
	ms_buf_reset(&b);
	ms_mail_header_text(&b, "x\r\nBcc: victim@example.net");
	ok(!strstr(b.p, "\r\nBcc") && !strchr(b.p, '\n'),
	   "CR LF in a subject cannot inject a header");
	ms_buf_reset(&b);
	ms_mail_header_text(&b, "=?UTF-8?B?w6k=?=");
	ok(strncmp(b.p, "=?UTF-8?B?w6k=?=", 16) != 0,
	   "an encoded-word look-alike is encoded, not passed through");
	ms_buf_release(&b);
}

static void test_base64(void)
{
	unsigned char data[100];
	struct ms_buf b;
	size_t i;

	ms_buf_init(&b, 4096);
	ms_mail_base64(&b, "", 0);
	is_str(b.p, "", "base64 of nothing");
	ms_mail_base64(&b, "foo", 3);
	is_str(b.p, "Zm9v\r\n", "base64 of foo");
	ms_buf_reset(&b);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	ms_mail_base64(&b, data, sizeof(data));
	is_int(strcspn(b.p, "\r"), 76, "first base64 line is 76 wide");
	is_int(strlen(b.p), 76 + 2 + 60 + 2, "100 bytes: 76 + 60 chars");
	ms_buf_release(&b);
}

static void test_qp(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a=b", "a=3Db\r\n" },
		{ "trailing \nx", "trailing=20\r\nx\r\n" },
		{ "tab\t\r\n", "tab=09\r\n" },
		{ "caf\xc3\xa9", "caf=C3=A9\r\n" },
		{ ".\n..", ".\r\n..\r\n" },
		{ "", "" },
	};
	char longline[200];
	struct ms_buf b;
	const char *p;
	size_t i, max = 0, n;

	ms_buf_init(&b, 4096);
	for (i = 0; i < MS_ARRAY_SIZE(cases); i++) {
		ms_buf_reset(&b);
		ms_mail_qp(&b, cases[i].in, strlen(cases[i].in));
		is_str(b.p, cases[i].want, "qp case %zu", i);
	}
	memset(longline, 'x', sizeof(longline));
	ms_buf_reset(&b);
	ms_mail_qp(&b, longline, sizeof(longline));
	for (p = b.p; *p; p += n + 2) {
		n = strcspn(p, "\r");
		max = MS_MAX(max, n);
	}
	is_int(max, 76, "a 200-byte line is soft-broken at 76 columns");
	ms_buf_release(&b);
}

static void test_dotstuff(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ ".\r\n..a\r\nb.c\r\n", "..\r\n...a\r\nb.c\r\n.\r\n" },
		{ "no newline", "no newline\r\n.\r\n" },
		{ "a\n.b", "a\r\n..b\r\n.\r\n" },
		{ "", ".\r\n" },
	};
	struct ms_buf b;
	size_t i;

	ms_buf_init(&b, 4096);
	for (i = 0; i < MS_ARRAY_SIZE(cases); i++) {
		ms_buf_reset(&b);
		ms_mail_dotstuff(cases[i].in, strlen(cases[i].in), &b);
		is_str(b.p, cases[i].want, "dot-stuffing case %zu", i);
	}
	ms_buf_release(&b);
}

/* Every line ends in CRLF, no bare CR or LF, and is under 998 bytes. */
static bool lines_ok(const char *s)
{
	const char *nl;

	for (; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl || nl == s || nl[-1] != '\r' || nl - s - 1 >= 998 ||
		    memchr(s, '\r', (size_t)(nl - s - 1)))
			return false;
	}
	return true;
}

static void test_render(void)
{
	struct ms_mail m = {
		.from = "modscan@example.net",
		.to = { "ops@example.net", "noc@example.org" },
		.nto = 2,
		.subject = "daily report",
		.body = "3 hops today.\n.\n",
		.date = 1700000000000,
	};
	char *s;
	int r;

	s = render_str(&m, &r);
	is_int(r, 0, "render a text mail");
	ok(strstr(s, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n") != NULL,
	   "Date header");
	ok(strstr(s, "\r\nTo: ops@example.net,\r\n noc@example.org\r\n"),
	   "To lists both, folded");
	ok(strstr(s, "\r\nMessage-ID: <") && strstr(s, "@example.net>\r\n"),
	   "Message-ID in the sender's domain");
	ok(strstr(s, "\r\nMIME-Version: 1.0\r\n") != NULL, "MIME-Version");
	ok(strstr(s, "quoted-printable\r\n\r\n3 hops today.\r\n.\r\n"),
	   "QP body after the blank line");
	ok(lines_ok(s), "text mail: CRLF lines under 998 bytes");
	free(s);

	m.attach[0] = (struct ms_mail_attach){ "2023-11-14.csv", NULL,
		"a;b\n1;2\n", 8 };
	m.attach[1] = (struct ms_mail_attach){ "caf\xc3\xa9 \"x\".html", NULL,
		"<p>hi</p>", 9 };
	m.nattach = 2;
	s = render_str(&m, &r);
	is_int(r, 0, "render a mail with attachments");
	ok(strstr(s, "Content-Type: multipart/mixed;\r\n boundary=\"=_modscan_"),
	   "multipart/mixed with a boundary");
	ok(strstr(s, "Content-Type: text/csv; charset=UTF-8;\r\n"
		  " name=\"2023-11-14.csv\"\r\nContent-Disposition: attachment;"
		  "\r\n filename=\"2023-11-14.csv\"\r\n"), "CSV part headers");
	ok(strstr(s, " filename*=UTF-8''caf%C3%A9%20%22x%22.html\r\n"),
	   "an odd file name is RFC 2231 encoded");
	ok(strstr(s, "\r\n\r\nYTtiCjE7Mgo=\r\n"), "CSV content in base64");
	ok(lines_ok(s), "multipart mail: CRLF lines under 998 bytes");
	free(s);

	m.from = "not an address";
	free(render_str(&m, &r));
	is_int(r, MS_E_INVAL, "a bad sender is refused");
	m.from = "modscan@example.net";
	m.nto = 0;
	free(render_str(&m, &r));
	is_int(r, MS_E_INVAL, "no recipient is refused");
}

int main(void)
{
	setenv("TZ", "UTC0", 1);
	tzset();
	test_date();
	test_addr();
	test_header_text();
	test_base64();
	test_qp();
	test_dotstuff();
	test_render();
	return done_testing();
}
