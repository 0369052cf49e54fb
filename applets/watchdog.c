/*
 * The watchdog applet: a one-shot check for cron (restart a dead or hung
 * scanner, alert by mail), --status/--start/--stop/--restart, and
 * --daemon, a foreground supervisor with scheduled jobs (lib/superd).
 */
#include "applets.h"

#include "alert.h"
#include "err.h"
#include "health.h"
#include "log.h"
#include "mstime.h"
#include "repair.h"
#include "scanctl.h"
#include "sig.h"
#include "smtp.h"
#include "superd.h"

enum mode { M_CHECK, M_STATUS, M_START, M_STOP, M_RESTART, M_DAEMON, M_FLUSH };

enum { O_MODE = MS_OPT_OWN, O_SERVE = O_MODE + M_FLUSH + 1 };

static const struct ms_opt opts[] = {
	{ "check", 0, NULL, O_MODE + M_CHECK, 0,
	  "the one-shot check (the default; the old tool's\n"
	  "spelling)" },
	{ "status", 0, NULL, O_MODE + M_STATUS, 0,
	  "say whether the scanner is healthy" },
	{ "start", 0, NULL, O_MODE + M_START, 0,
	  "start the scanner unless it runs" },
	{ "stop", 0, NULL, O_MODE + M_STOP, 0, "stop the scanner" },
	{ "restart", 0, NULL, O_MODE + M_RESTART, 0,
	  "stop it, then start it" },
	{ "daemon", 0, NULL, O_MODE + M_DAEMON, 0,
	  "supervise the scanner as a child in the\n"
	  "foreground, restart it with backoff, run the\n"
	  "REPORT_AT, MAINTAIN_AT and REPORT_REFRESH jobs;\n"
	  "status in WATCHDOG_STATUS_FILE" },
	{ "serve", 0, "ADDR:PORT", O_SERVE, 0,
	  "with --daemon: GET /health and /metrics (SERVE)" },
	{ "flush-alerts", 0, NULL, O_MODE + M_FLUSH, 0,
	  "send the queued alert mails now, then exit\n"
	  "(the one-shot check runs this detached)" },
	{ "config", 'c', "FILE", MS_OPT_CONFIG, 0,
	  "configuration file (passed on to the scanner)" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

struct opts {
	enum mode mode;
	const char *serve;
	int modes;
};

static int opt(struct ms_run *r, int id, const char *arg)
{
	struct opts *o = r->opts;

	if (id == O_SERVE) {
		o->serve = arg;
	} else {
		o->mode = (enum mode)(id - O_MODE);
		o->modes++;
	}
	return 0;
}

/* Only --daemon holds the supervisor's lock. */
static int check_args(struct ms_run *r, int argc, char **argv)
{
	const struct opts *o = r->opts;
	int rc;

	if ((rc = ms_applet_no_args(argc, argv)))
		return rc;
	if (o->modes > 1) {
		ms_applet_error("--check, --status, --start, --stop, "
				"--restart, --daemon and --flush-alerts "
				"exclude each other");
		return ms_applet_usage_error();
	}
	if (o->serve && o->mode != M_DAEMON) {
		ms_applet_error("--serve goes with --daemon (or use "
				"'modscan status --serve')");
		return ms_applet_usage_error();
	}
	if (o->mode != M_DAEMON)
		r->need &= ~(unsigned)MS_RUN_LOCK;
	return 0;
}

/* What one-shot runs share. */
struct ctx {
	const struct ms_conf *c;
	struct ms_scanctl sc;
	struct ms_alert_conf ac;
	struct ms_repair rp;		/* the one-shot check */
	int sfd;			/* signalfd */
};

/* The one-shot check, for cron: lib/repair decides, we say what. */
static int check(struct ctx *x, struct ms_health_report *rep)
{
	struct ms_repair_result res;

	ms_repair_check(&x->rp, rep, &res);
	switch (res.outcome) {
	case MS_REPAIR_RESTARTED:
		printf("scanner restarted: pid %d\n", (int)res.pid);
		break;
	case MS_REPAIR_GAVE_UP:
		printf("gave up after %d restart attempts: %s\n", res.attempts,
		       res.why);
		return MS_EXIT_FAIL;
	case MS_REPAIR_INTERRUPTED:
		printf("interrupted after %d of %d restart attempts\n",
		       res.attempts, x->rp.attempts);
		break;
	default:
		break;
	}
	return MS_EXIT_OK;
}

static int do_status(const struct ms_health_report *rep)
{
	if (rep->h.verdict == MS_HEALTH_OK) {
		printf("healthy: %s\n", rep->h.reason);
		return MS_EXIT_OK;
	}
	printf("not healthy (%s): %s\n", ms_health_name(rep->h.verdict),
	       rep->h.reason);
	return MS_EXIT_FAIL;
}

static int do_start(struct ctx *x, const struct ms_health_report *rep,
		    bool stop_first)
{
	struct ms_err err = { 0 };
	ms_msec_t took;
	pid_t pid;

	if (stop_first && ms_scanctl_stop_any(&x->sc, rep, &err) < 0)
		goto fail;
	if (!stop_first && rep->f.lock_held == 1) {
		printf("already running: pid %d (%s)\n", (int)rep->f.lock_pid,
		       rep->h.reason);
		return rep->h.verdict == MS_HEALTH_OK ? MS_EXIT_OK
						      : MS_EXIT_FAIL;
	}
	ms_scanctl_clean(&x->sc);
	if (ms_scanctl_start(&x->sc, &pid, &took, &err) < 0)
		goto fail;
	ms_log_notice("scanner started: pid %d, heartbeat after %lld ms",
		      (int)pid, (long long)took);
	printf("started: pid %d, heartbeat after %lld ms\n", (int)pid,
	       (long long)took);
	return MS_EXIT_OK;
fail:
	ms_log_error("%s", err.msg);
	printf("failed: %s\n", err.msg);
	return MS_EXIT_FAIL;
}

static int do_stop(struct ctx *x, const struct ms_health_report *rep)
{
	struct ms_err err = { 0 };
	int r = ms_scanctl_stop_any(&x->sc, rep, &err);

	if (r < 0) {
		ms_log_error("cannot stop the scanner: %s", err.msg);
		printf("failed: %s\n", err.msg);
		return MS_EXIT_FAIL;
	}
	ms_scanctl_clean(&x->sc);
	if (r == 0) {
		printf("not running: %s\n", rep->h.reason);
		return MS_EXIT_OK;
	}
	ms_log_notice("scanner pid %d stopped on request",
		      (int)rep->f.lock_pid);
	printf("stopped: pid %d\n", (int)rep->f.lock_pid);
	return MS_EXIT_OK;
}

/* --flush-alerts: deliver the queue by a deadline of its own, then exit. */
static int flush(struct ctx *x)
{
	struct ms_scanctl_delivery d;
	int r;

	ms_scanctl_delivery_init(&d, x->c);
	r = ms_scanctl_deliver(&d);
	if (d.ac.mail && !d.mail)
		r = MS_E_INVAL;	/* logged: the mail cannot go out */
	ms_scanctl_delivery_release(&d);
	return r < 0 && r != MS_E_BUSY ? MS_EXIT_FAIL : MS_EXIT_OK;
}

/* What main.c did not set up (applets.def): scanner control, alerts. */
static int setup(struct ctx *x, const struct ms_run *r)
{
	struct ms_err err = { 0 };

	x->sfd = -1;
	x->c = &r->conf;
	if (ms_scanctl_init(&x->sc, x->c, r->config, &err) < 0 ||
	    ms_alert_conf_from(&x->ac, x->c, &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	if ((x->sfd = ms_sig_open(0, &err)) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	if (ms_repair_init(&x->rp, x->c, &x->sc, &x->ac, x->sfd, &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	return 0;
}

static int run(struct ms_run *r)
{
	const struct opts *o = r->opts;
	struct ms_health_report *rep = NULL;
	struct ctx x = { 0 };
	int rc;

	if ((rc = setup(&x, r)) != 0)
		goto out;
	if (o->mode == M_DAEMON) {
		rc = ms_superd_run(x.c, &x.sc, &x.ac, x.sfd,
				   o->serve ? o->serve
					    : ms_conf_str(x.c, MS_CONF_SERVE));
		goto out;
	}
	if (o->mode == M_FLUSH) {
		rc = flush(&x);
		goto out;
	}
	if (!(rep = malloc(sizeof(*rep)))) {
		ms_applet_error("out of memory");
		rc = MS_EXIT_FAIL;
		goto out;
	}
	ms_health_check(&x.sc.src, rep);
	switch (o->mode) {
	case M_STATUS: rc = do_status(rep); break;
	case M_START: rc = do_start(&x, rep, false); break;
	case M_STOP: rc = do_stop(&x, rep); break;
	case M_RESTART: rc = do_start(&x, rep, true); break;
	default: rc = check(&x, rep); break;
	}
	ms_scanctl_flush(&x.sc, &x.ac);
out:
	free(rep);
	if (x.sfd >= 0)
		close(x.sfd);
	return rc;
}

const struct ms_applet ms_watchdog_applet = {
	.synopsis =
	"usage: modscan watchdog [--config FILE] [--status | --start | --stop |\n"
	"                        --restart | --daemon [--serve ADDR:PORT] |\n"
	"                        --flush-alerts]\n"
	"\n"
	"Without an option: one check, for cron.  A scanner is healthy when\n"
	"the pid in its status file is alive, holds the pid-file lock, is a\n"
	"modscan scan process with the recorded start time, and its heartbeat\n"
	"is younger than MAX_HEARTBEAT_AGE.  Otherwise it is stopped (SIGTERM,\n"
	"STOP_TIMEOUT, SIGKILL; never a process that is not the scanner),\n"
	"stale files are removed and a detached scanner is started and\n"
	"confirmed by a fresh heartbeat, up to MAX_RESTART_ATTEMPTS times.\n"
	"Restarts, giving up and recovery are alerts: mailed (SMTP_*, MAIL_TO)\n"
	"and given to ALERT_COMMAND.  --flush-alerts delivers the alert queue\n"
	"(process alerts, the digest of plant alerts) and exits.\n"
	"\n",
	.epilogue = "Legacy spellings (the old watchdog script):\n"
		    "  watchdog --check      = watchdog (the one-shot check)\n"
		    "\n"
		    "Exit 0 on success, 1 on failure (e.g. the watchdog gave "
		    "up), 2 on a\nusage or config error.\n",
	.opts = opts,
	.opts_size = sizeof(struct opts),
	.opt = opt,
	.check = check_args,
	.run = run,
};
