/* Unit tests of the heartbeat status file. */
#include "status.h"
#include "harness.h"
#include "tfile.h"

#include <sys/resource.h>

#include "buf.h"
#include "file.h"
#include "mstime.h"

static void fill_sweep(struct ms_sweep_stats *s, int64_t base)
{
	s->started = base + 1;
	s->finished = base + 2;
	s->devices_ok = (uint32_t)base + 3;
	s->devices_partial = (uint32_t)base + 4;
	s->devices_failed = (uint32_t)base + 5;
	s->channels = (uint64_t)base + 6;
	s->samples_stored = (uint64_t)base + 7;
	s->samples_spooled = (uint64_t)base + 8;
	s->unknown_codes = (uint64_t)base + 9;
	s->duration_ms = base + 10;
}

/* Every field set to a distinct value. */
static void fill(struct ms_status *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	st->pid = 4242;
	snprintf(st->applet, sizeof(st->applet), "watchdog");
	st->state = MS_STATE_SCANNING;
	snprintf(st->message, sizeof(st->message),
		 "sweep 7: \"quoted\" \\ tab\t nl\n ütf-8");
	st->heartbeat = 1740805212345;
	st->started = 1740800000001;
	st->proc_starttime = 123456789;
	st->last_sweep_ok = 1740805000002;
	st->devices_total = 1234;
	st->sweeps = 77;
	st->spool_bytes = ((uint64_t)1 << 52) + 3;
	fill_sweep(&st->last, 100);
	fill_sweep(&st->total, 1000000);
	st->nfailures = 3;
	for (i = 0; i < st->nfailures; i++) {
		snprintf(st->failures[i].device, MS_DEVICE_MAX, "CCAP0%02zu", i);
		snprintf(st->failures[i].reason, MS_STATUS_REASON_MAX,
			 "login failed: reason %zu", i);
		st->failures[i].time = 1740805000000 + (int64_t)i;
		st->failures[i].consecutive = (uint32_t)i + 1;
	}
	st->restarts = 5;
	st->ndeaths = 2;
	st->deaths[0] = (struct ms_status_death){ 1740805100000, -1, 9 };
	st->deaths[1] = (struct ms_status_death){ 1740805000000, 3, 0 };
	st->njobs = 2;
	snprintf(st->jobs[0].name, sizeof(st->jobs[0].name), "report");
	st->jobs[0].last_start = 1740805200000;
	st->jobs[0].last_duration_ms = 4567;
	st->jobs[0].last_exit = 0;
	st->jobs[0].running = true;
	snprintf(st->jobs[1].name, sizeof(st->jobs[1].name), "maintain");
	st->jobs[1].last_exit = 137;
}

static void test_round_trip(void)
{
	static struct ms_status a, b;
	struct ms_err err = { 0 };
	struct ms_buf j1, j2;
	enum ms_state s;
	int i;

	fill(&a);
	ms_buf_init(&j1, MS_STATUS_MAX);
	ms_buf_init(&j2, MS_STATUS_MAX);
	is_int(ms_status_render(&a, &j1, &err), 0, "render");
	is_int(ms_status_parse(j1.p, j1.len, &b, &err), 0, "parse: %s",
	       err.msg);
	ok(!memcmp(&a, &b, sizeof(a)), "every field survives render/parse");
	is_int(b.pid, 4242, "pid");
	is_str(b.message, a.message, "message with quotes and control chars");
	is_int(b.spool_bytes, a.spool_bytes, "a 2^52 counter is exact");
	is_int(b.total.samples_spooled, 1000008, "nested sweep totals");
	is_str(b.failures[2].reason, "login failed: reason 2", "failures");
	is_int(b.deaths[0].signal, 9, "deaths");
	ok(b.jobs[0].running && !b.jobs[1].running, "job running flags");
	is_int(ms_status_render(&b, &j2, &err), 0, "render again");
	is_str(j2.p, j1.p, "render(parse(render(x))) == render(x)");
	ok(strstr(j1.p, "\"state\":\t\"scanning\"") != NULL,
	   "the state is rendered by name");
	for (i = 0; i < MS_STATE__COUNT; i++)
		ok(ms_state_parse(ms_state_name(i), &s) == 0 && (int)s == i,
		   "state %s round-trips", ms_state_name(i));
	is_int(ms_state_parse("sleeping", &s), MS_E_INVAL,
	       "an unknown state name is refused");
	ms_buf_release(&j1);
	ms_buf_release(&j2);
	ms_buf_init(&j1, 64);
	is_int(ms_status_render(&a, &j1, &err), MS_E_TOOBIG,
	       "rendering is bounded by the buffer's maximum");
	ms_buf_release(&j1);
}

struct bad_case {
	const char *json;
	const char *why;
};

static const struct bad_case bad_cases[] = {
	{ "", "empty" },
	{ "{\"pid\": 1, ", "truncated" },
	{ "[1, 2]", "not an object" },
	{ "{\"state\": \"sleeping\"}", "unknown state" },
	{ "{\"state\": \"idle\", \"pid\": \"12\"}", "pid as a string" },
	{ "{\"state\": \"idle\", \"pid\": -5}", "negative pid" },
	{ "{\"state\": \"idle\", \"pid\": 1.5}", "fractional pid" },
	{ "{\"state\": \"idle\", \"sweeps\": 1e300}", "huge counter" },
	{ "{\"state\": \"idle\", \"message\": 7}", "message as a number" },
	{ "{\"state\": \"idle\", \"last_sweep\": 3}", "sweep not an object" },
};

static void test_parse_errors(void)
{
	static struct ms_status st;
	struct ms_err err = { 0 };
	const char *ok_json = "{\"state\": \"idle\", \"pid\": 9, "
			      "\"future_member\": {\"x\": [1]}, "
			      "\"failures\": \"not an array\"}";
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(bad_cases); i++) {
		err.msg[0] = '\0';
		ok(ms_status_parse(bad_cases[i].json,
				   strlen(bad_cases[i].json), &st, &err) ==
		   MS_E_PARSE && !strncmp(err.msg, "status", 6),
		   "refused: %s (%s)", bad_cases[i].why, err.msg);
	}
	is_int(ms_status_parse(ok_json, strlen(ok_json), &st, &err), 0,
	       "unknown members are ignored");
	ok(st.pid == 9 && st.state == MS_STATE_IDLE && st.nfailures == 0,
	   "known members read around them");
	is_int(ms_status_parse(ok_json, MS_STATUS_MAX + 1, &st, &err),
	       MS_E_TOOBIG, "input over MS_STATUS_MAX is refused");
}

static void test_files(void)
{
	static struct ms_status a, b;
	struct ms_err err = { 0 };
	char path[160], tmp[170];
	struct ms_buf before, after;
	struct rlimit old, tiny;
	struct sigaction ign = { .sa_handler = SIG_IGN }, prev;
	int64_t now = ms_wall_now();
	int r;

	t_path(path, sizeof(path), "status.json");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fill(&a);
	is_int(ms_status_write(&a, path, &err), 0, "write the status file");
	ok(a.heartbeat >= now, "write sets the heartbeat to now");
	is_int(ms_status_read(path, &b, &err), 0, "read it back");
	ok(!memcmp(&a, &b, sizeof(a)), "the file holds every field");

	/* disk full: the write fails, the old file stays whole */
	ms_buf_init(&before, MS_STATUS_MAX);
	ms_buf_init(&after, MS_STATUS_MAX);
	ms_file_read(path, &before, NULL, NULL);
	getrlimit(RLIMIT_FSIZE, &old);
	tiny = old;
	tiny.rlim_cur = 100;
	sigaction(SIGXFSZ, &ign, &prev);
	setrlimit(RLIMIT_FSIZE, &tiny);
	a.state = MS_STATE_ERROR;
	r = ms_status_write(&a, path, &err);
	/* restore before reporting: the TAP output is a file too */
	setrlimit(RLIMIT_FSIZE, &old);
	sigaction(SIGXFSZ, &prev, NULL);
	is_int(r, MS_E_SYS, "a write over the file size limit fails");
	ok(strstr(err.msg, "File too large") != NULL, "and says why: %s",
	   err.msg);
	ms_file_read(path, &after, NULL, NULL);
	is_str(after.p, before.p, "the old status file is intact");
	ok(access(tmp, F_OK) < 0, "no temp file is left behind");
	ms_buf_release(&before);
	ms_buf_release(&after);

	is_int(ms_status_write(&a, "/nonexistent-dir/status.json", &err),
	       MS_E_SYS, "a path in a missing directory fails");
	is_int(ms_status_read("/nonexistent-dir/status.json", &b, &err),
	       MS_E_SYS, "reading a missing file fails");
	t_write(path, "{\"state\": 1}", 0644);
	is_int(ms_status_read(path, &b, &err), MS_E_PARSE,
	       "a broken file is a parse error");
	ok(strstr(err.msg, path) != NULL, "naming the file: %s", err.msg);
}

static void test_init_and_failures(void)
{
	static struct ms_status st;
	int i;
	char name[16];

	ms_status_init(&st, "scan");
	is_int(st.pid, getpid(), "init: our pid");
	is_str(st.applet, "scan", "init: applet");
	is_int(st.state, MS_STATE_STARTING, "init: starting");
	ok(st.started > 0 && st.proc_starttime > 0,
	   "init: start time and /proc starttime");

	ms_status_device_failed(&st, "CCAP001", "timeout", 10);
	ms_status_device_failed(&st, "CCAP002", "auth", 11);
	ms_status_device_failed(&st, "CCAP001", "refused", 12);
	is_int(st.nfailures, 2, "one entry per failing device");
	is_int(st.failures[0].consecutive, 2, "consecutive failures count");
	is_str(st.failures[0].reason, "refused", "the latest reason is kept");
	ms_status_device_ok(&st, "CCAP001");
	is_int(st.nfailures, 1, "a device that recovered is dropped");
	is_str(st.failures[0].device, "CCAP002", "the others stay");
	ms_status_device_failed(&st, "CCAP002", NULL, 0);
	is_int(st.nfailures, 0, "reason NULL clears the device");
	for (i = 0; i < MS_STATUS_FAILURES_MAX + 5; i++) {
		snprintf(name, sizeof(name), "D%d", i);
		ms_status_device_failed(&st, name, "x", 100 + i);
	}
	is_int(st.nfailures, MS_STATUS_FAILURES_MAX,
	       "the failure list is bounded");
	ok(st.failures[0].time == 100 + MS_STATUS_FAILURES_MAX + 4 ||
	   st.failures[0].time > 104, "the oldest entries made room");
}

int main(void)
{
	t_tmpdir();
	test_round_trip();
	test_parse_errors();
	test_files();
	test_init_and_failures();
	t_rmdir();
	return done_testing();
}
