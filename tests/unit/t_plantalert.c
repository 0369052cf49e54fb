/* Unit tests of the plant alerts: hand-computed sequences of scans through
 * the plant state and the evaluation (thresholds, flapping, recoveries,
 * devices and upstreams that leave, a restart in the middle) and the state
 * file. */
#include "plantalert.h"
#include "harness.h"
#include "plantshow.h"
#include "tfile.h"

enum { T0 = 1700000000 };

struct run {
	struct ms_plant plant;
	struct ms_plantalert pa;
	struct ms_plantalert_conf c;
	char got[4096];
};

static void start(struct run *r, int64_t below, int64_t degraded,
		  int64_t fails)
{
	ms_plant_init(&r->plant, 1200);
	ms_plantalert_init(&r->pa);
	r->c.below_min = below;
	r->c.degraded = degraded;
	r->c.fails = fails;
}

static void stop(struct run *r)
{
	ms_plant_release(&r->plant);
	ms_plantalert_release(&r->pa);
}

static const char *dash(const char *s)
{
	return *s ? s : "-";
}

/* The events of out, one line each, times relative to T0. */
static void show(struct run *r, const struct ms_plantalert_out *out)
{
	size_t i, n = 0;

	r->got[0] = '\0';
	for (i = 0; i < out->n && n < sizeof(r->got); i++) {
		const struct ms_alert_event *e = &out->v[i];

		n += (size_t)snprintf(r->got + n, sizeof(r->got) - n,
				      "%s %s %s %s %s %lld %lld %lld\n",
				      e->kind, e->device, dash(e->upstream),
				      dash(e->node), dash(e->modulation),
				      (long long)(e->since - T0),
				      (long long)(e->at - T0),
				      (long long)e->value);
	}
}

/*
 * Scan device dev at T0 + t (samples at that time, the scan ends 5 s
 * later) with ups "NAME=MOD NAME=MOD ..." (MOD: QPSK, QAM16, QAM64,
 * UNKNOWN), or a failed scan when ups is NULL; the events in r->got.
 */
static int scan(struct run *r, const char *dev, int64_t t, const char *ups)
{
	struct ms_sample s[16];
	struct ms_plantalert_out out = { 0 };
	char buf[256], *tok, *save = NULL, *eq;
	enum ms_mod m;
	size_t n = 0;
	ssize_t i;
	int rc;

	snprintf(buf, sizeof(buf), "%s", ups ? ups : "");
	for (tok = strtok_r(buf, " ", &save); tok && n < 16;
	     tok = strtok_r(NULL, " ", &save)) {
		eq = strchr(tok, '=');
		*eq = '\0';
		memset(&s[n], 0, sizeof(s[n]));
		snprintf(s[n].device, sizeof(s[n].device), "%s", dev);
		snprintf(s[n].upstream, sizeof(s[n].upstream), "%s", tok);
		ms_mod_parse(eq + 1, &m);
		s[n].mod = (uint8_t)m;
		s[n].time = T0 + t;
		n++;
	}
	ms_plant_scan(&r->plant, dev, s, n, ups != NULL, (T0 + t + 5) * 1000);
	i = ms_nameidx_find(&r->plant.idx, r->plant.devs,
			    sizeof(*r->plant.devs), dev);
	rc = ms_plantalert_scan(&r->pa, &r->c, &r->plant.devs[i], &out);
	show(r, &out);
	ms_plantalert_out_release(&out);
	return rc;
}

/* PLANT_ALERT_BELOW_QAM64_MIN=10: raised once 10 minutes are reached. */
static void below_threshold(void)
{
	struct run r;

	start(&r, 10, -1, -1);
	ok(scan(&r, "C1", 0, "1/0=QPSK 1/1=QAM64") == 0, "first scan");
	is_str(r.got, "", "QPSK at first sight: not yet 10 minutes");
	scan(&r, "C1", 300, "1/0=QAM16 1/1=QAM64");
	is_str(r.got, "", "5 minutes below");
	scan(&r, "C1", 600, "1/0=QPSK 1/1=QAM64");
	is_str(r.got, "upstream_below_qam64 C1 1/0 - QPSK 0 605 10\n",
	       "10 minutes below: one alert, since the first sample");
	scan(&r, "C1", 900, "1/0=QPSK 1/1=QAM64");
	is_str(r.got, "", "still below: nothing more");
	scan(&r, "C1", 1200, "1/0=QAM64 1/1=QAM64");
	is_str(r.got, "upstream_recovered C1 1/0 - QAM64 0 1205 15\n",
	       "back at QAM64: one recovery, 15 minutes below");
	scan(&r, "C1", 1500, "1/0=QAM64 1/1=QAM64");
	is_str(r.got, "", "recovered: nothing more");
	scan(&r, "C1", 1800, "1/0=QPSK 1/1=QAM64");
	scan(&r, "C1", 2100, "1/0=QAM64 1/1=QAM64");
	is_str(r.got, "", "5 minutes below and back: no alert at all");
	stop(&r);
}

/* PLANT_ALERT_BELOW_QAM64_MIN=0: each episode one alert, one recovery. */
static void flapping(void)
{
	struct run r;

	start(&r, 0, -1, -1);
	scan(&r, "C1", 0, "a=QAM16");
	is_str(r.got, "upstream_below_qam64 C1 a - QAM16 0 5 0\n",
	       "0: at first sight");
	scan(&r, "C1", 60, "a=QAM64");
	is_str(r.got, "upstream_recovered C1 a - QAM64 0 65 0\n", "back");
	scan(&r, "C1", 120, "a=QPSK");
	is_str(r.got, "upstream_below_qam64 C1 a - QPSK 120 125 0\n",
	       "down again: a new alert with its own since");
	scan(&r, "C1", 180, "a=UNKNOWN");
	is_str(r.got, "", "an unknown code changes nothing");
	scan(&r, "C1", 240, "a=QAM16");
	is_str(r.got, "", "below again while open: nothing");
	scan(&r, "C1", 300, NULL);
	is_str(r.got, "", "a failed scan leaves the upstreams alone");
	scan(&r, "C1", 360, "a=QAM64");
	is_str(r.got, "upstream_recovered C1 a - QAM64 120 365 2\n",
	       "recovery after 2 minutes below (120..240)");
	stop(&r);
}

/* PLANT_ALERT_DEGRADED_UPSTREAMS=2 on one CCAP. */
static void degraded(void)
{
	struct run r;

	start(&r, -1, 2, -1);
	scan(&r, "C2", 0, "a=QPSK b=QAM64 c=QAM64");
	is_str(r.got, "", "one below");
	scan(&r, "C1", 0, "a=QPSK b=QPSK");
	is_str(r.got, "device_degraded C1 - - - 5 5 2\n",
	       "another CCAP counts on its own");
	scan(&r, "C2", 60, "a=QPSK b=QAM16 c=QAM64");
	is_str(r.got, "device_degraded C2 - - - 65 65 2\n", "two below");
	scan(&r, "C2", 120, "a=QPSK b=QAM16 c=QPSK");
	is_str(r.got, "", "three below: still the one alert");
	scan(&r, "C2", 180, "a=QPSK b=QAM64 c=QAM64");
	is_str(r.got, "device_degraded_recovered C2 - - - 65 185 1\n",
	       "one below: recovered");
	stop(&r);
}

/* PLANT_ALERT_DEVICE_FAILS=3. */
static void failing(void)
{
	struct run r;

	start(&r, -1, -1, 3);
	scan(&r, "C1", 0, NULL);
	scan(&r, "C1", 600, "a=QAM64");
	scan(&r, "C1", 1200, NULL);
	scan(&r, "C1", 1800, NULL);
	is_str(r.got, "", "two failures in a row (a success between)");
	scan(&r, "C1", 2400, NULL);
	is_str(r.got, "device_failing C1 - - - 1205 2405 3\n",
	       "the third in a row: since the first of them");
	scan(&r, "C1", 3000, NULL);
	is_str(r.got, "", "the fourth: nothing more");
	scan(&r, "C1", 3600, "a=QAM64");
	is_str(r.got, "device_recovered C1 - - - 1205 3605 4\n",
	       "a good scan: recovered after 4 failures");
	scan(&r, "C1", 4200, NULL);
	is_str(r.got, "", "counting starts again");
	stop(&r);
}

/* Upstreams and devices that leave close what they had open. */
static void leaving(void)
{
	struct ms_plantalert_out out = { 0 };
	struct run r;

	start(&r, 0, 1, 1);
	scan(&r, "C1", 0, "a=QPSK b=QAM64");
	scan(&r, "C1", 60, "b=QAM64");
	is_str(r.got, "upstream_recovered C1 a - - 0 65 0\n"
	       "device_degraded_recovered C1 - - - 5 65 0\n",
	       "an upstream a good scan no longer lists closes, no modulation");
	scan(&r, "C1", 120, "b=QPSK");
	scan(&r, "C1", 180, NULL);
	is_str(r.got, "device_failing C1 - - - 185 185 1\n", "failing");
	ok(ms_plantalert_forget(&r.pa, "C1", T0 + 200, &out) == 0, "forget");
	show(&r, &out);
	is_str(r.got, "upstream_recovered C1 b - - 120 200 0\n"
	       "device_degraded_recovered C1 - - - 125 200 0\n"
	       "device_recovered C1 - - - 185 200 1\n",
	       "a device leaving the inventory closes all it had open");
	is_int((int)r.pa.ndevs, 0, "and is gone");
	ms_plantalert_out_release(&out);
	ok(ms_plantalert_forget(&r.pa, "C9", T0, &out) == 0 && out.n == 0,
	   "an unknown device: nothing");
	stop(&r);
}

/* A setting turned off (a reload) closes its open alerts. */
static void turned_off(void)
{
	struct run r;

	start(&r, 0, -1, -1);
	scan(&r, "C1", 0, "a=QPSK");
	r.c.below_min = -1;
	scan(&r, "C1", 60, "a=QPSK");
	is_str(r.got, "upstream_recovered C1 a - QPSK 0 65 1\n",
	       "below QAM64 off: the open alert closes");
	r.c.below_min = 0;
	scan(&r, "C1", 120, "a=QPSK");
	is_str(r.got, "upstream_below_qam64 C1 a - QPSK 0 125 2\n",
	       "on again: raised again");
	stop(&r);
}

/* Kill after the raise: the new scanner starts with an empty plant and
 * the state file; it raises nothing again and still recovers. */
static void restart(void)
{
	struct ms_err err = { 0 };
	char path[PATH_MAX];
	struct run r, r2;

	snprintf(path, sizeof(path), "%s/plant-alerts.state", t_tmpdir());
	start(&r, 5, 2, 2);
	scan(&r, "C1", 0, "a=QPSK b=QAM16 c=QAM64");
	scan(&r, "C1", 300, "a=QPSK b=QAM16 c=QAM64");
	is_str(r.got, "upstream_below_qam64 C1 a - QPSK 0 305 5\n"
	       "upstream_below_qam64 C1 b - QAM16 0 305 5\n", "raised");
	scan(&r, "C2", 300, NULL);
	scan(&r, "C2", 900, NULL);
	is_str(r.got, "device_failing C2 - - - 305 905 2\n", "failing");
	ok(ms_plantalert_write(&r.pa, path, &err) == 0, "written: %s",
	   err.msg);
	stop(&r);

	start(&r2, 5, 2, 2);
	ok(ms_plantalert_read(&r2.pa, path, &err) == 0, "read: %s", err.msg);
	scan(&r2, "C1", 600, "a=QPSK b=QPSK c=QAM64");
	is_str(r2.got, "", "after the restart: nothing raised again");
	scan(&r2, "C2", 1500, NULL);
	is_str(r2.got, "", "failing: not raised again");
	scan(&r2, "C2", 2100, "x=QAM64");
	is_str(r2.got, "device_recovered C2 - - - 305 2105 3\n",
	       "failing recovers, counting across the restart");
	scan(&r2, "C1", 900, "a=QAM64 b=QAM64 c=QAM64");
	is_str(r2.got, "upstream_recovered C1 a - QAM64 0 905 10\n"
	       "upstream_recovered C1 b - QAM64 0 905 10\n"
	       "device_degraded_recovered C1 - - - 5 905 0\n",
	       "the recoveries come, since from before the restart");
	stop(&r2);
}

static void state_file(void)
{
	struct ms_plantalert_out out = { 0 };
	struct ms_buf a;
	struct ms_err err;
	struct run r;
	struct ms_plantalert q;

	start(&r, 0, 3, 1);
	scan(&r, "C1", 0, "5/3/1=QPSK tab\there=QAM16 x=QAM64");
	scan(&r, "C2", 0, NULL);
	scan(&r, "C3", 0, "y=QAM64");
	snprintf(r.pa.devs[0].ups[0].node, MS_NODE_MAX, "FN-0412");
	ms_buf_init(&a, MS_BUF_UNBOUNDED);
	ok(ms_plantalert_render(&r.pa, &a) == 0, "rendered");
	is_str(a.p, "modscan-plant-alerts 1\n"
	       "D\tC1\t0\t0\t0\t0\t0\t0\n"
	       "U\t5/3/1\tFN-0412\t1\t1700000000\t1700000000\t1\n"
	       "U\ttab?here\t\t2\t1700000000\t1700000000\t1\n"
	       "D\tC2\t1\t1700000005\t1\t0\t0\t0\n",
	       "the state file: only what is below, open or failing");
	ms_plantalert_init(&q);
	ok(ms_plantalert_parse(&q, a.p, a.len, &err) == 0, "parsed back");
	ok(ms_plantalert_open(&q, &out) == 0, "open alerts");
	show(&r, &out);
	is_str(r.got, "upstream_below_qam64 C1 5/3/1 FN-0412 QPSK 0 0 0\n"
	       "upstream_below_qam64 C1 tab?here - QAM16 0 0 0\n"
	       "device_failing C2 - - - 5 5 1\n", "listed");
	ms_plantalert_out_release(&out);
	ms_plantalert_release(&q);
	ms_buf_release(&a);
	stop(&r);
}

static void bad_files(void)
{
	static const char *const bad[] = {
		"", "modscan-plant 1\n",
		"modscan-plant-alerts 1\nU\tx\t\t1\t0\t0\t0\n",
		"modscan-plant-alerts 1\nD\tC\t0\t0\t2\t0\t0\t0\n",
		"modscan-plant-alerts 1\nD\tC\t0\t0\t0\t0\t0\t0",
		"modscan-plant-alerts 1\nD\tC\t0\t0\t0\t0\t0\n",
		"modscan-plant-alerts 1\nD\tC\t0\t0\t0\t0\t0\t0\n"
		"U\tx\t\t4\t0\t0\t0\n",
		"modscan-plant-alerts 1\nD\tC\t0\t0\t0\t0\t0\t0\n"
		"U\tx\t\t1\t-1\t0\t0\n",
		"modscan-plant-alerts 1\nD\tC\t0\t0\t0\t0\t0\t0\n"
		"U\tx\t\t1\t0\t0\t2\n",
	};
	struct ms_plantalert pa;
	struct ms_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ms_plantalert_init(&pa);
		ok(ms_plantalert_parse(&pa, bad[i], strlen(bad[i]), &err) < 0,
		   "bad file %zu refused: %s", i, err.msg);
		ms_plantalert_release(&pa);
	}
}

/* The text and JSON of status: by hand, in UTC. */
static void shown(void)
{
	struct ms_alert_event e = { .since = T0, .at = T0 + 600, .value = 10 };
	struct ms_plantalert_out out = { &e, 1, 1 };
	struct ms_err err;
	struct ms_buf b;

	setenv("TZ", "UTC", 1);
	tzset();
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	snprintf(e.kind, sizeof(e.kind), MS_EV_UPSTREAM_BELOW);
	snprintf(e.device, sizeof(e.device), "CCAP004");
	snprintf(e.upstream, sizeof(e.upstream), "5/3/1");
	snprintf(e.node, sizeof(e.node), "FN-0412");
	snprintf(e.modulation, sizeof(e.modulation), "QPSK");
	ms_plantshow_line(&e, &b);
	is_str(b.p, "upstream_below_qam64 CCAP004 5/3/1 node FN-0412 QPSK "
	       "since 2023-11-14T22:13:20.000+00:00, 10 min below QAM64",
	       "an upstream event");
	b.len = 0;
	memset(e.upstream, 0, sizeof(e.upstream));
	memset(e.node, 0, sizeof(e.node));
	memset(e.modulation, 0, sizeof(e.modulation));
	snprintf(e.kind, sizeof(e.kind), MS_EV_DEVICE_FAILING);
	e.value = 3;
	ms_plantshow_line(&e, &b);
	is_str(b.p, "device_failing CCAP004 since "
	       "2023-11-14T22:13:20.000+00:00, 3 failed scans in a row",
	       "a device event");
	b.len = 0;
	ms_buf_adds(&b, "{\"verdict\":\"ok\"}\n");
	ok(ms_plantshow_json(&b, &out, &err) == 0, "JSON added");
	is_str(b.p, "{\"verdict\":\"ok\",\"plant_alerts\":[{\"kind\":"
	       "\"device_failing\",\"device\":\"CCAP004\",\"upstream\":\"\","
	       "\"node\":\"\",\"modulation\":\"\",\"since\":1700000000,"
	       "\"since_iso\":\"2023-11-14T22:13:20.000+00:00\","
	       "\"value\":3}]}\n",
	       "the JSON array");
	b.len = 0;
	ms_buf_adds(&b, "not json");
	ok(ms_plantshow_json(&b, &out, &err) < 0, "not an object: an error");
	ms_buf_release(&b);
}

int main(void)
{
	below_threshold();
	flapping();
	degraded();
	failing();
	leaving();
	turned_off();
	restart();
	state_file();
	bad_files();
	shown();
	t_rmdir();
	return done_testing();
}
