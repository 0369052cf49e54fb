/*
 * The watchdog's one-shot check and repair policy (lib/repair) driven
 * through its action table: which attempts, which waits, which mails,
 * the give-up marker.  Expected values are worked by hand from the
 * configuration (RESTART_DELAY 1 s doubling, capped; jitter 0 with
 * rnd 20, see ms_restart_delay).
 */
#include "repair.h"

#include <sys/stat.h>

#include "harness.h"

struct fake {
	bool healthy;			/* what a recheck finds */
	int fail_first;		/* restarts failing before one works */
	int restarts;
	ms_msec_t pauses[8];
	int npauses;
	int stop_at_pause;		/* 1-based pause interrupted */
	char kinds[8][16], subjects[8][128];
	int nalerts;
};

static int f_restart(void *ctx, const struct ms_health_report *rep,
		     pid_t *pid, ms_msec_t *took, struct ms_err *err)
{
	struct fake *f = ctx;

	(void)rep;
	if (++f->restarts <= f->fail_first)
		return ms_err_set(err, MS_E_TIMEOUT, "attempt %d failed",
				  f->restarts);
	*pid = 4242;
	*took = 1500;
	return 0;
}

static void f_recheck(void *ctx, struct ms_health_report *rep)
{
	struct fake *f = ctx;

	memset(rep, 0, sizeof(*rep));
	rep->h.verdict = f->healthy ? MS_HEALTH_OK : MS_HEALTH_DEAD;
	snprintf(rep->h.reason, sizeof(rep->h.reason), "%s",
		 f->healthy ? "pid 1 is fine" : "pid 1 is gone");
}

static bool f_pause(void *ctx, ms_msec_t ms)
{
	struct fake *f = ctx;

	f->pauses[f->npauses++] = ms;
	return f->npauses != f->stop_at_pause;
}

static void f_alert(void *ctx, const char *kind, const char *subject,
		    const char *body)
{
	struct fake *f = ctx;

	(void)body;
	snprintf(f->kinds[f->nalerts], sizeof(f->kinds[0]), "%s", kind);
	snprintf(f->subjects[f->nalerts], sizeof(f->subjects[0]), "%s",
		 subject);
	f->nalerts++;
}

static uint32_t f_rnd(void *ctx)
{
	(void)ctx;
	return 20;	/* 80 + 20 % 41 = 100 %: no jitter */
}

static const struct ms_repair_ops fake_ops = {
	f_restart, f_recheck, f_pause, f_alert, f_rnd
};

static struct ms_repair rp;
static struct ms_health_report rep;

static void run(struct fake *f, struct ms_repair_result *res)
{
	rp.ctx = f;
	ms_repair_check(&rp, &rep, res);
}

static bool marker(void)
{
	struct stat st;

	return stat(rp.gaveup, &st) == 0;
}

int main(void)
{
	char dir[] = "/tmp/t_repair.XXXXXX", want[PATH_MAX];
	struct ms_repair_result res;
	struct ms_err err = { 0 };
	struct ms_conf c;
	struct fake f;

	if (!mkdtemp(dir))
		return 2;
	ms_conf_init(&c);
	ms_conf_set(&c, MS_CONF_RUN_DIR, dir, NULL);
	ms_conf_set(&c, MS_CONF_MAX_RESTART_ATTEMPTS, "3", NULL);
	ms_conf_set(&c, MS_CONF_RESTART_DELAY, "1", NULL);
	ms_conf_set(&c, MS_CONF_RESTART_DELAY_MAX, "4", NULL);
	is_int(ms_repair_init(&rp, &c, NULL, NULL, -1, &err), 0, "init");
	snprintf(want, sizeof(want), "%s/watchdog.gaveup", dir);
	is_str(rp.gaveup, want, "the marker lives in RUN_DIR");
	ok(rp.attempts == 3 && rp.base_ms == 1000 && rp.max_ms == 4000,
	   "the policy comes from the configuration");
	rp.ops = &fake_ops;

	memset(&f, 0, sizeof(f));
	f.healthy = true;
	run(&f, &res);
	ok(res.outcome == MS_REPAIR_HEALTHY && !f.restarts && !f.nalerts,
	   "healthy: nothing done, nothing mailed");

	memset(&f, 0, sizeof(f));
	f.fail_first = 2;
	run(&f, &res);
	is_int(res.outcome, MS_REPAIR_RESTARTED, "two failures, then up");
	ok(res.attempts == 3 && res.pid == 4242, "on the third attempt");
	ok(f.npauses == 2 && f.pauses[0] == 1000 && f.pauses[1] == 2000,
	   "waits 1 s, then 2 s");
	ok(f.nalerts == 1 && !strcmp(f.kinds[0], "restart") &&
	   !strcmp(f.subjects[0], "modscan scanner restarted (pid 4242)"),
	   "one restart mail");
	ok(!marker(), "no give-up marker");

	memset(&f, 0, sizeof(f));
	f.fail_first = 99;
	rp.attempts = 4;
	rp.max_ms = 2500;
	run(&f, &res);
	is_int(res.outcome, MS_REPAIR_GAVE_UP, "every attempt fails: give up");
	ok(f.npauses == 3 && f.pauses[0] == 1000 && f.pauses[1] == 2000 &&
	   f.pauses[2] == 2500, "waits 1 s, 2 s, then the 2.5 s cap");
	is_str(res.why, "attempt 4 failed", "the last error is the reason");
	ok(f.nalerts == 1 && !strcmp(f.kinds[0], "gave-up") &&
	   !strcmp(f.subjects[0], "modscan watchdog gave up after 4 restart "
		   "attempts"), "one give-up mail");
	ok(marker(), "the marker is made");

	memset(&f, 0, sizeof(f));
	f.fail_first = 99;
	run(&f, &res);
	ok(res.outcome == MS_REPAIR_GAVE_UP && f.nalerts == 0,
	   "giving up again in the same outage mails nothing");

	memset(&f, 0, sizeof(f));
	run(&f, &res);
	ok(res.outcome == MS_REPAIR_RESTARTED && res.attempts == 1 &&
	   f.npauses == 0, "up at the first attempt, no wait");
	ok(f.nalerts == 1 && !strcmp(f.kinds[0], "recovery") &&
	   !strncmp(f.subjects[0], "modscan scanner recovered: The scanner "
		    "was unhealthy: pid 1 is gone", 60),
	   "after a give-up the restart is mailed as a recovery");
	ok(!marker(), "and the marker is gone");

	memset(&f, 0, sizeof(f));
	f.fail_first = 99;
	rp.attempts = 1;
	run(&f, &res);
	ok(res.outcome == MS_REPAIR_GAVE_UP && f.npauses == 0 && marker(),
	   "one attempt allowed: give up without waiting");
	memset(&f, 0, sizeof(f));
	f.healthy = true;
	run(&f, &res);
	ok(res.outcome == MS_REPAIR_HEALTHY && f.nalerts == 1 &&
	   !strcmp(f.subjects[0], "modscan scanner recovered: pid 1 is fine")
	   && !marker(), "healthy after a give-up: a recovery mail");

	memset(&f, 0, sizeof(f));
	f.fail_first = 99;
	f.stop_at_pause = 2;
	rp.attempts = 5;
	run(&f, &res);
	is_int(res.outcome, MS_REPAIR_INTERRUPTED, "a stop while waiting");
	ok(res.attempts == 2 && f.restarts == 2, "after two attempts");
	ok(f.nalerts == 0 && !marker(), "no mail, no marker");

	rmdir(dir);
	ms_conf_release(&c);
	return done_testing();
}
