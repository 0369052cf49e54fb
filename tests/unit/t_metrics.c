/* Unit tests of the monitoring outputs: Prometheus text (syntax, values,
 * escaping) and the Nagios line with its exit codes and thresholds. */
#include "metrics.h"
#include "harness.h"

#include <regex.h>

#include "nagios.h"

enum { NOW = 1700000000000LL };

static struct ms_health_report rep;

static void healthy(void)
{
	memset(&rep, 0, sizeof(rep));
	rep.f.have_status = true;
	rep.f.now = NOW;
	rep.f.st.pid = 42;
	snprintf(rep.f.st.applet, sizeof(rep.f.st.applet), "scan");
	rep.f.st.state = MS_STATE_IDLE;
	rep.f.st.heartbeat = NOW - 3000;
	rep.f.st.started = NOW - 60000;
	rep.f.st.devices_total = 40;
	rep.f.st.last.devices_ok = 38;
	rep.f.st.last.devices_failed = 2;
	rep.f.st.total.samples_stored = 12345;
	rep.f.st.spool_bytes = 0;
	rep.f.alive = rep.f.is_applet = 1;
	rep.h.verdict = MS_HEALTH_OK;
	rep.h.pid = 42;
	rep.h.age_ms = 3000;
	snprintf(rep.h.reason, sizeof(rep.h.reason), "pid 42 is idle");
}

/* Every line a comment or a valid sample; returns the bad line count. */
static int bad_lines(const char *text)
{
	regex_t re;
	const char *p = text, *nl;
	char line[512];
	int bad = 0;

	regcomp(&re, "^modscan_[a-z_]+(\\{[a-z]+=\"([^\"\\\\]|\\\\.)*\"\\})? "
		"-?[0-9.e+]+$", REG_EXTENDED | REG_NOSUB);
	for (; (nl = strchr(p, '\n')); p = nl + 1) {
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		if (!strncmp(line, "# HELP modscan_", 15) ||
		    !strncmp(line, "# TYPE modscan_", 15))
			continue;
		if (regexec(&re, line, 0, NULL, 0)) {
			printf("#   bad line: %s\n", line);
			bad++;
		}
	}
	regfree(&re);
	return bad + (*p != '\0');
}

static void test_prometheus(void)
{
	static struct ms_status sup;
	struct ms_buf b;

	healthy();
	ms_status_device_failed(&rep.f.st, "CCAP\"1\\x", "login\nfailed", NOW);
	memset(&sup, 0, sizeof(sup));
	sup.restarts = 3;
	sup.ndeaths = 2;
	sup.njobs = 1;
	snprintf(sup.jobs[0].name, sizeof(sup.jobs[0].name), "report");
	sup.jobs[0].last_start = NOW - 1000;
	sup.jobs[0].last_exit = 1;
	ms_buf_init(&b, MS_METRICS_MAX);
	ok(ms_metrics_render(&rep.f, &rep.h, &sup, &b, NULL) == 0, "render");
	is_int(bad_lines(b.p), 0, "every line is valid exposition text");
	ok(strstr(b.p, "\nmodscan_up 1\n"), "up 1");
	ok(strstr(b.p, "\nmodscan_health{verdict=\"ok\"} 1\n") &&
	   strstr(b.p, "\nmodscan_health{verdict=\"hung\"} 0\n"), "verdict set");
	ok(strstr(b.p, "\nmodscan_state{state=\"idle\"} 1\n"), "state");
	ok(strstr(b.p, "\nmodscan_heartbeat_age_seconds 3\n"), "heartbeat age");
	ok(strstr(b.p, "\nmodscan_samples_stored_total 12345\n"), "counter");
	ok(strstr(b.p, "# TYPE modscan_samples_stored_total counter\n"),
	   "counter type");
	ok(strstr(b.p, "modscan_last_sweep_devices{result=\"failed\"} 2\n"),
	   "failed devices");
	ok(strstr(b.p, "modscan_device_failures{device=\"CCAP\\\"1\\\\x\"} 1\n"),
	   "label value escaped");
	ok(strstr(b.p, "\nmodscan_restarts_total 3\n"), "supervisor restarts");
	ok(strstr(b.p, "modscan_job_last_exit_status{job=\"report\"} 1\n"),
	   "job exit status");

	ms_buf_reset(&b);
	memset(&rep, 0, sizeof(rep));
	rep.h.verdict = MS_HEALTH_NONE;
	ok(ms_metrics_render(&rep.f, &rep.h, NULL, &b, NULL) == 0 &&
	   strstr(b.p, "\nmodscan_up 0\n") && !strstr(b.p, "modscan_state") &&
	   bad_lines(b.p) == 0, "no status file: up 0, nothing else made up");

	ms_buf_release(&b);
	ms_buf_init(&b, 100);
	healthy();
	ok(ms_metrics_render(&rep.f, &rep.h, NULL, &b, NULL) == MS_E_TOOBIG,
	   "a bounded buffer: TOOBIG, not a crash");
	ms_buf_release(&b);
}

static void test_nagios_parse(void)
{
	struct ms_nagios_limits l;

	memset(&l, 0, sizeof(l));
	ok(ms_nagios_parse("10,20,30", &l, NULL) == 0 && l.age_s.end == 10 &&
	   l.failed.end == 20 && l.spool.end == 30, "three fields");
	ok(ms_nagios_parse(",5", &l, NULL) == 0 && l.age_s.end == 10 &&
	   l.failed.end == 5 && l.spool.end == 30,
	   "empty fields keep the value");
	ok(ms_nagios_parse("600", &l, NULL) == 0 && l.age_s.end == 600,
	   "one field");
	ok(ms_nagios_parse("1,2,3,4", &l, NULL) == MS_E_INVAL, "four fields");
	ok(ms_nagios_parse("x", &l, NULL) == MS_E_INVAL, "not a number");
	ok(ms_nagios_parse("20:10", &l, NULL) == MS_E_INVAL,
	   "start above end");
	ok(ms_nagios_parse("@10:20,~:5,1:", &l, NULL) == 0 &&
	   l.age_s.inside && l.failed.no_start && l.spool.no_end,
	   "a range in each field");
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Problems no threshold covers, said first; a dead scanner's are stale. */
static void test_nagios_problems(const struct ms_nagios_limits *w,
				 const struct ms_nagios_limits *c)
{
	struct ms_buf b;
	enum ms_nagios_code got;

	ms_buf_init(&b, 4096);
	healthy();
	rep.f.st.last.devices_failed = 0;
	rep.f.st.no_space = true;
	got = ms_nagios_render(&rep, w, c, &b);
	ok(got == MS_NAGIOS_WARNING && starts(b.p, "MODSCAN WARNING - "
	   "RUN_DIR: no space left; pid "), "nagios: %s", b.p);
	rep.f.st.last.samples_lost = 2300;
	ms_buf_reset(&b);
	got = ms_nagios_render(&rep, w, c, &b);
	ok(got == MS_NAGIOS_CRITICAL && starts(b.p, "MODSCAN CRITICAL - "
	   "RUN_DIR: no space left; 2300 samples lost in the last sweep; "
	   "pid "), "nagios: %s", b.p);
	healthy();
	rep.f.st.last.devices_failed = 0;
	rep.f.st.devices_total = 0;
	ms_buf_reset(&b);
	got = ms_nagios_render(&rep, w, c, &b);
	ok(got == MS_NAGIOS_WARNING && starts(b.p, "MODSCAN WARNING - "
	   "no valid device to scan; pid "), "nagios: %s", b.p);
	rep.h.verdict = MS_HEALTH_DEAD;
	rep.f.st.no_space = true;
	ms_buf_reset(&b);
	got = ms_nagios_render(&rep, w, c, &b);
	ok(got == MS_NAGIOS_CRITICAL && !strstr(b.p, "no space") &&
	   !strstr(b.p, "no valid device"), "nagios, dead: %s", b.p);
	ms_buf_release(&b);
}

static void test_nagios(void)
{
	static const struct {
		const char *name;
		enum ms_health_verdict v; bool have;
		int64_t age_ms; uint32_t failed; uint64_t spool;
		enum ms_nagios_code want; const char *head;
	} t[] = {
		{ "all fine", MS_HEALTH_OK, true, 3000, 0, 0,
		  MS_NAGIOS_OK, "MODSCAN OK - " },
		{ "heartbeat over warning", MS_HEALTH_OK, true, 121000, 0, 0,
		  MS_NAGIOS_WARNING, "MODSCAN WARNING - " },
		{ "heartbeat over critical", MS_HEALTH_OK, true, 301000, 0, 0,
		  MS_NAGIOS_CRITICAL, "MODSCAN CRITICAL - " },
		{ "one failed device", MS_HEALTH_OK, true, 0, 1, 0,
		  MS_NAGIOS_WARNING, "MODSCAN WARNING - " },
		{ "eleven failed devices", MS_HEALTH_OK, true, 0, 11, 0,
		  MS_NAGIOS_CRITICAL, "MODSCAN CRITICAL - " },
		{ "spool backlog", MS_HEALTH_OK, true, 0, 0, 10,
		  MS_NAGIOS_WARNING, "MODSCAN WARNING - " },
		{ "dead scanner", MS_HEALTH_DEAD, true, 0, 0, 0,
		  MS_NAGIOS_CRITICAL, "MODSCAN CRITICAL - " },
		{ "no status file", MS_HEALTH_NONE, false, 0, 0, 0,
		  MS_NAGIOS_UNKNOWN, "MODSCAN UNKNOWN - " },
	};
	struct ms_nagios_limits w, c;
	struct ms_buf b;
	size_t i;

	ms_nagios_parse("120,0,0", &w, NULL);
	ms_nagios_parse("300,10,1000", &c, NULL);
	ms_buf_init(&b, 4096);
	for (i = 0; i < MS_ARRAY_SIZE(t); i++) {
		enum ms_nagios_code got;

		healthy();
		rep.h.verdict = t[i].v;
		rep.f.have_status = t[i].have;
		rep.h.age_ms = t[i].age_ms;
		rep.f.st.last.devices_failed = t[i].failed;
		rep.f.st.spool_bytes = t[i].spool;
		ms_buf_reset(&b);
		got = ms_nagios_render(&rep, &w, &c, &b);
		if (!ok(got == t[i].want && !strncmp(b.p, t[i].head,
						     strlen(t[i].head)) &&
			b.len && b.p[b.len - 1] == '\n' &&
			!strchr(b.p, '\n')[1], "nagios: %s", t[i].name))
			printf("#   got %d: %s", got, b.p);
	}
	healthy();
	ms_buf_reset(&b);
	ms_nagios_render(&rep, &w, &c, &b);
	ok(strstr(b.p, " | heartbeat_age=3s;120;300;0 failed_devices=2;0;10;0;40 "
		  "spool_bytes=0B;0;1000;0\n"), "perfdata: %s", b.p);
	ms_buf_release(&b);
	test_nagios_problems(&w, &c);
}

int main(void)
{
	test_prometheus();
	test_nagios_parse();
	test_nagios();
	return done_testing();
}
