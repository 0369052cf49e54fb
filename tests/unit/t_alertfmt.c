/* Unit tests for alertfmt.c: queued event lines, the digest text and the
 * JSON lines of ALERT_COMMAND, against bytes written by hand. */
#include "alertfmt.h"

#include "harness.h"

static const struct ms_alert_event sample[] = {
	{ MS_EV_UPSTREAM_BELOW, "CCAP004", "5/3/1", "FN-0412", "QPSK",
	  1764609600, 1764610800, 20 },
	{ MS_EV_DEVICE_FAILING, "CCAP010", "", "", "", 1764609600,
	  1764612000, 3 },
	{ MS_EV_UPSTREAM_BELOW, "CCAP002", "1/0/0", "", "QAM16",
	  1764610800, 1764612000, 20 },
	{ MS_EV_UPSTREAM_RECOVERED, "CCAP004", "5/3/1", "FN-0412", "QAM64",
	  1764609600, 1764613800, 70 },
};

static int parse(const char *s, struct ms_alert_event *ev)
{
	return ms_alertfmt_ev_parse(s, strlen(s), ev);
}

static void test_lines(void)
{
	struct ms_alert_event ev, odd = sample[0];
	struct ms_buf b;

	ms_buf_init(&b, 4096);
	is_int(ms_alertfmt_ev_line(&b, &sample[1]), 0, "line written");
	is_str(b.p, "E\tdevice_failing\tCCAP010\t\t\t\t1764609600\t"
	       "1764612000\t3\n", "line bytes");
	is_int(ms_alertfmt_ev_parse(b.p, b.len - 1, &ev), 0, "line parsed");
	ok(!memcmp(&ev, &sample[1], sizeof(ev)), "round trip");
	snprintf(odd.node, sizeof(odd.node), "FN\t1\n");
	ms_buf_reset(&b);
	ms_alertfmt_ev_line(&b, &odd);
	ok(ms_alertfmt_ev_parse(b.p, b.len - 1, &ev) == 0 &&
	   !strcmp(ev.node, "FN?1?"), "tab and newline in a name become ?");
	is_int(parse("E\tk\td\tu\tn\tm\t1\t2\t3", &ev), 0,
	       "nine fields: an event");
	is_int(parse("E\tk\td\tu\tn\tm\t1\t2", &ev), MS_E_PARSE,
	       "a field missing");
	is_int(parse("E\tk\td\tu\tn\tm\t1\t2\t3\t4", &ev), MS_E_PARSE,
	       "a field too many");
	is_int(parse("E\tk\td\tu\tn\tm\t1\t2\t3\t", &ev), MS_E_PARSE,
	       "a tab at the end");
	is_int(parse("E\tk\t\tu\tn\tm\t1\t2\t3", &ev), MS_E_PARSE,
	       "no device");
	is_int(parse("E\tk\td\tu\tn\tm\t1x\t2\t3", &ev), MS_E_PARSE,
	       "a number that is not one");
	ok(ms_alertfmt_is_recovery(MS_EV_DEVICE_UNDEGRADED) &&
	   ms_alertfmt_is_recovery(MS_EV_DEVICE_RECOVERED) &&
	   !ms_alertfmt_is_recovery(MS_EV_DEVICE_DEGRADED),
	   "recoveries are told from raises");
	ms_buf_release(&b);
}

static void test_json(void)
{
	struct ms_buf b;

	ms_buf_init(&b, 4096);
	ms_alertfmt_json(&b, &sample[0]);
	is_str(b.p, "{\"kind\":\"upstream_below_qam64\",\"device\":\"CCAP004\","
	       "\"upstream\":\"5/3/1\",\"node\":\"FN-0412\",\"modulation\":"
	       "\"QPSK\",\"since\":1764609600,\"since_iso\":"
	       "\"2025-12-01T17:20:00Z\",\"at\":1764610800,\"at_iso\":"
	       "\"2025-12-01T17:40:00Z\",\"value\":20}\n", "event JSON line");
	ms_buf_reset(&b);
	ms_alertfmt_json_process(&b, "restart", 1764610800,
				 "scanner \"restarted\"",
				 "pid 42\n\tcaf\xc3\xa9 \xff\\\x01");
	is_str(b.p, "{\"kind\":\"restart\",\"device\":\"\",\"upstream\":\"\","
	       "\"node\":\"\",\"modulation\":\"\",\"since\":1764610800,"
	       "\"since_iso\":\"2025-12-01T17:40:00Z\",\"at\":1764610800,"
	       "\"at_iso\":\"2025-12-01T17:40:00Z\",\"value\":0,\"subject\":"
	       "\"scanner \\\"restarted\\\"\",\"text\":\"pid 42\\n\\tcaf\xc3\xa9 "
	       "\\ufffd\\\\\\u0001\"}\n", "process JSON line, escaped");
	ms_buf_release(&b);
}

static void test_digest(void)
{
	static const char want[] =
		"3 plant alerts, 1 recovery, from 2025-12-01 17:40 +0000 to "
		"2025-12-01 18:30 +0000.\n"
		"\n"
		"Raised (3):\n"
		"- CCAP002 1/0/0 QAM16: below QAM64 since 2025-12-01 17:40 "
		"+0000 (20 min below QAM64)\n"
		"- CCAP004 5/3/1 [node FN-0412] QPSK: below QAM64 since "
		"2025-12-01 17:20 +0000 (20 min below QAM64)\n"
		"- CCAP010: failing since 2025-12-01 17:20 +0000 (3 failed "
		"sweeps in a row)\n"
		"\n"
		"Recovered (1):\n"
		"- CCAP004 5/3/1 [node FN-0412] QAM64: back at QAM64 at "
		"2025-12-01 18:30 +0000, since 2025-12-01 17:20 +0000 (70 min "
		"below QAM64)\n";
	struct ms_alertfmt_digest d;
	struct ms_buf s, b;
	size_t i;

	ms_buf_init(&s, 256);
	ms_buf_init(&b, 1 << 20);
	is_int(ms_alertfmt_digest_init(&d), 0, "digest init");
	for (i = 0; i < MS_ARRAY_SIZE(sample); i++)
		ms_alertfmt_digest_add(&d, &sample[i]);
	ms_alertfmt_digest_subject(&d, &s);
	is_str(s.p, "modscan: 3 plant alerts, 1 recovery", "digest subject");
	ms_alertfmt_digest_body(&d, &b);
	is_str(b.p, want, "digest body: raises, then recoveries, sorted");
	ms_alertfmt_digest_release(&d);
	ms_buf_release(&s);
	ms_buf_release(&b);
}

/* Lines of s that start with "- ". */
static int listed(const char *s)
{
	int n = s[0] == '-';

	while ((s = strstr(s, "\n- ")) && ++s)
		n++;
	return n;
}

static void test_digest_cap(void)
{
	struct ms_alertfmt_digest d;
	struct ms_alert_event ev = sample[1];
	struct ms_buf s, b;
	size_t i;

	ms_buf_init(&s, 256);
	ms_buf_init(&b, 1 << 20);
	ms_alertfmt_digest_init(&d);
	for (i = 0; i < 501; i++) {
		snprintf(ev.device, sizeof(ev.device), "D%03zu", i);
		ms_alertfmt_digest_add(&d, &ev);
	}
	ms_alertfmt_digest_subject(&d, &s);
	is_str(s.p, "modscan: 501 plant alerts", "501: the subject counts all");
	ms_alertfmt_digest_body(&d, &b);
	is_int(listed(b.p), 500, "501: 500 listed");
	ok(strstr(b.p, "\nRaised (501):\n- D000: ") &&
	   strstr(b.p, "\n- D499: ") && !strstr(b.p, "D500"),
	   "501: the first 500 queued");
	ok(b.len > 12 && !strcmp(b.p + b.len - 12, "\nand 1 more\n"),
	   "501: then 'and 1 more'");
	ms_alertfmt_digest_release(&d);
	ms_buf_reset(&s);
	ms_buf_reset(&b);
	ms_alertfmt_digest_init(&d);
	for (i = 0; i < 502; i++) {
		ev = sample[i < 499 ? 0 : 3];
		snprintf(ev.device, sizeof(ev.device), "D%03zu", i);
		ms_alertfmt_digest_add(&d, &ev);
	}
	ms_alertfmt_digest_subject(&d, &s);
	is_str(s.p, "modscan: 499 plant alerts, 3 recoveries",
	       "499 + 3: the subject");
	ms_alertfmt_digest_body(&d, &b);
	is_int(listed(b.p), 500, "499 + 3: 500 listed");
	ok(strstr(b.p, "\nRecovered (3):\n- D499 5/3/1 ") &&
	   !strstr(b.p, "D500") && strstr(b.p, "\nand 2 more\n"),
	   "499 + 3: every raise, one recovery, 'and 2 more'");
	ms_alertfmt_digest_release(&d);
	ms_buf_release(&s);
	ms_buf_release(&b);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	test_lines();
	test_json();
	test_digest();
	test_digest_cap();
	return done_testing();
}
