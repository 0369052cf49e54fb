/* Unit tests of the plant state: counting hops and time below QAM64,
 * dropping vanished upstreams, the state file and its metrics. */
#include "plant.h"
#include "harness.h"
#include "tfile.h"

#include "metrics.h"

static struct ms_sample smp(const char *up, enum ms_mod m, int64_t t)
{
	struct ms_sample s;

	memset(&s, 0, sizeof(s));
	snprintf(s.device, sizeof(s.device), "CCAP1");
	snprintf(s.upstream, sizeof(s.upstream), "%s", up);
	s.mod = (uint8_t)m;
	s.time = t;
	return s;
}

static const struct ms_plant_up *find_up(const struct ms_plant *p,
					 const char *dev, const char *up)
{
	size_t i, k;

	for (i = 0; i < p->ndevs; i++)
		for (k = 0; strcmp(p->devs[i].name, dev) == 0 &&
			    k < p->devs[i].nups; k++)
			if (!strcmp(p->devs[i].ups[k].name, up))
				return &p->devs[i].ups[k];
	return NULL;
}

/*
 * 1/0: QAM64 at 0, QPSK at 60, QAM16 at 120, QAM64 at 2120: hops 3,
 * below 60 (QPSK 60..120) + 1200 (QAM16 120..2120 capped at max_gap).
 * 1/1: QAM64 throughout, in the first three scans only.
 */
static void counting(void)
{
	struct ms_plant p;
	struct ms_sample s[2];
	const struct ms_plant_up *u;

	ms_plant_init(&p, 1200);
	s[0] = smp("1/0", MS_MOD_QAM64, 0);
	s[1] = smp("1/1", MS_MOD_QAM64, 0);
	ok(ms_plant_scan(&p, "CCAP1", s, 2, true, 1000) == 0, "first scan");
	s[0] = smp("1/0", MS_MOD_QPSK, 60);
	s[1] = smp("1/1", MS_MOD_QAM64, 60);
	ms_plant_scan(&p, "CCAP1", s, 2, true, 61000);
	s[1] = smp("1/0", MS_MOD_QAM16, 120);
	s[0] = smp("1/1", MS_MOD_QAM64, 120);
	ms_plant_scan(&p, "CCAP1", s, 2, true, 121000);
	ms_plant_scan(&p, "CCAP2", NULL, 0, false, 122000);
	s[0] = smp("1/0", MS_MOD_QAM64, 2120);
	ms_plant_scan(&p, "CCAP1", s, 1, true, 2121000);
	ok((u = find_up(&p, "CCAP1", "1/0")) != NULL, "1/0 kept");
	is_int((int)u->hops, 3, "hops of 1/0");
	is_int((int)u->below_secs, 1260, "seconds below QAM64 of 1/0");
	is_int(u->mod, MS_MOD_QAM64, "modulation of 1/0");
	ok(!find_up(&p, "CCAP1", "1/1"), "1/1 gone from a good scan");
	is_int((int)p.ndevs, 2, "two devices");
	ok(!p.devs[1].ok && p.devs[1].last_scan == 122000, "CCAP2 failed");
	/* a failed scan keeps what the device last showed */
	ms_plant_scan(&p, "CCAP1", NULL, 0, false, 2200000);
	ok(find_up(&p, "CCAP1", "1/0") && !p.devs[0].ok,
	   "a failed scan keeps the upstreams");
	ms_plant_forget(&p, "CCAP1");
	ok(p.ndevs == 1 && !strcmp(p.devs[0].name, "CCAP2") &&
	   !find_up(&p, "CCAP1", "1/0"), "forgotten device");
	ms_plant_release(&p);
}

static void file_round_trip(void)
{
	struct ms_plant p, q;
	struct ms_sample s[2];
	struct ms_err err = { 0 };
	struct ms_buf a, b;
	char path[PATH_MAX];

	ms_plant_init(&p, 1200);
	s[0] = smp("5/3/1", MS_MOD_QAM16, 100);
	s[1] = smp("tab\there", MS_MOD_QPSK, 100);
	ms_plant_scan(&p, "CCAP \"x\"", s, 2, true, 101000);
	s[0] = smp("5/3/1", MS_MOD_QAM64, 400);
	s[1] = smp("tab\there", MS_MOD_UNKNOWN, 400);
	ms_plant_scan(&p, "CCAP \"x\"", s, 2, true, 401000);
	snprintf(p.devs[0].ups[0].node, MS_NODE_MAX, "FN-0412");
	snprintf(path, sizeof(path), "%s/plant.state", t_tmpdir());
	ok(ms_plant_write(&p, path, &err) == 0, "written: %s", err.msg);
	ms_plant_init(&q, 0);
	ok(ms_plant_read(&q, path, &err) == 0, "read back: %s", err.msg);
	ms_buf_init(&a, MS_BUF_UNBOUNDED);
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	ms_plant_render(&p, &a);
	ms_plant_render(&q, &b);
	is_str(b.p, "modscan-plant 1\n"
	       "D\tCCAP \"x\"\t1\t401000\n"
	       "U\t5/3/1\tFN-0412\t3\t1\t300\n"
	       "U\ttab?here\t\t0\t1\t300\n", "the state file");
	ms_buf_release(&b);
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	ok(ms_metrics_plant(&q, &b, &err) == 0, "metrics");
	ok(strstr(b.p, "modscan_upstream_modulation{device=\"CCAP \\\"x\\\"\","
		  "upstream=\"5/3/1\",node=\"FN-0412\"} 6\n") != NULL,
	   "modulation, escaped");
	ok(strstr(b.p, "modscan_upstream_below_qam64_seconds_total{device="
		  "\"CCAP \\\"x\\\"\",upstream=\"tab?here\",node=\"\"} 300\n")
	   != NULL, "below QAM64");
	ok(strstr(b.p, "modscan_device_last_scan_timestamp_seconds{device="
		  "\"CCAP \\\"x\\\"\"} 401\n") != NULL, "last scan");
	ms_buf_release(&a);
	ms_buf_release(&b);
	ms_plant_release(&p);
	ms_plant_release(&q);
}

static void bad_files(void)
{
	static const char *const bad[] = {
		"", "modscan-plant 2\n", "modscan-plant 1\nU\tx\t\t1\t0\t0\n",
		"modscan-plant 1\nD\tC\t2\t0\n", "modscan-plant 1\nD\tC\t1\t0",
		"modscan-plant 1\nD\tC\t1\t0\nU\tx\t\t4\t0\t0\n",
		"modscan-plant 1\nD\tC\t1\t0\nU\tx\t\t1\t-1\t0\n",
		"modscan-plant 1\nD\tC\t1\t0\nU\tx\t\t1\t0\n",
	};
	struct ms_err err;
	struct ms_plant p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ms_plant_init(&p, 0);
		ok(ms_plant_parse(&p, bad[i], strlen(bad[i]), &err) < 0,
		   "bad file %zu refused", i);
		ms_plant_release(&p);
	}
}

static void paths(void)
{
	char out[64];

	ms_plant_path("/run/modscan/status.json", out, sizeof(out));
	is_str(out, "/run/modscan/plant.state", "next to the status file");
	ms_plant_path("status.json", out, sizeof(out));
	is_str(out, "./plant.state", "a bare name");
	ok(ms_plant_path("/a/very/long/directory/name/status.json", out, 16)
	   == MS_E_TOOBIG, "too long");
	is_int(ms_plant_bits(MS_MOD_QPSK), 2, "QPSK");
	is_int(ms_plant_bits(MS_MOD_QAM16), 4, "QAM16");
	is_int(ms_plant_bits(MS_MOD_QAM64), 6, "QAM64");
	is_int(ms_plant_bits(MS_MOD_UNKNOWN), 0, "unknown");
}

int main(void)
{
	counting();
	file_round_trip();
	bad_files();
	paths();
	t_rmdir();
	return done_testing();
}
