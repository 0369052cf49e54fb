/*
 * The watchdog applet: a one-shot check for cron (restart a dead or hung
 * scanner, alert by mail), --status/--start/--stop/--restart, and
 * --daemon, a foreground supervisor with scheduled jobs (lib/superd).
 */
#include "applets.h"

#include <getopt.h>
#include <poll.h>
#include <sys/random.h>

#include "alert.h"
#include "err.h"
#include "file.h"
#include "health.h"
#include "log.h"
#include "scanctl.h"
#include "sig.h"
#include "smtp.h"
#include "superd.h"
#include "supervise.h"
#include "time.h"

const char ms_watchdog_usage[] =
	"usage: modscan watchdog [--config FILE] [--status | --start | --stop |\n"
	"                        --restart | --daemon [--serve ADDR:PORT]]\n"
	"\n"
	"Without an option: one check, for cron.  A scanner is healthy when\n"
	"the pid in its status file is alive, holds the pid-file lock, is a\n"
	"modscan scan process with the recorded start time, and its heartbeat\n"
	"is younger than MAX_HEARTBEAT_AGE.  Otherwise it is stopped (SIGTERM,\n"
	"STOP_TIMEOUT, SIGKILL; never a process that is not the scanner),\n"
	"stale files are removed and a detached scanner is started and\n"
	"confirmed by a fresh heartbeat, up to MAX_RESTART_ATTEMPTS times.\n"
	"Restarts, giving up and recovery are mailed (SMTP_*, MAIL_TO).\n"
	"\n"
	"  --status           say whether the scanner is healthy\n"
	"  --start            start the scanner unless it runs\n"
	"  --stop             stop the scanner\n"
	"  --restart          stop it, then start it\n"
	"  --daemon           supervise the scanner as a child in the\n"
	"                     foreground, restart it with backoff, run the\n"
	"                     REPORT_AT and MAINTAIN_AT jobs; status in\n"
	"                     WATCHDOG_STATUS_FILE\n"
	"  --serve ADDR:PORT  with --daemon: GET /health and /metrics (SERVE)\n"
	"  --config FILE      configuration file (passed on to the scanner)\n"
	"Exit 0 on success, 1 on failure (e.g. the watchdog gave up), 2 on a\n"
	"usage or config error.\n";

enum mode { M_CHECK, M_STATUS, M_START, M_STOP, M_RESTART, M_DAEMON, M_FLUSH };

struct opts {
	enum mode mode;
	const char *config, *serve;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "status", no_argument, NULL, M_STATUS },
		{ "start", no_argument, NULL, M_START },
		{ "stop", no_argument, NULL, M_STOP },
		{ "restart", no_argument, NULL, M_RESTART },
		{ "daemon", no_argument, NULL, M_DAEMON },
		{ "flush-alerts", no_argument, NULL, M_FLUSH },
		{ "serve", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, modes = 0;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'C') {
			o->config = optarg;
		} else if (ch == 's') {
			o->serve = optarg;
		} else if (ch > M_CHECK && ch <= M_FLUSH) {
			o->mode = (enum mode)ch;
			modes++;
		} else {
			return ms_applet_usage_error();
		}
	}
	if (optind < argc) {
		ms_applet_error("unexpected argument '%s'", argv[optind]);
		return ms_applet_usage_error();
	}
	if (modes > 1) {
		ms_applet_error("--status, --start, --stop, --restart and "
				"--daemon exclude each other");
		return ms_applet_usage_error();
	}
	if (o->serve && o->mode != M_DAEMON) {
		ms_applet_error("--serve goes with --daemon (or use "
				"'modscan status --serve')");
		return ms_applet_usage_error();
	}
	return 0;
}

/* What one-shot runs share. */
struct ctx {
	struct ms_conf c;
	struct ms_scanctl sc;
	struct ms_alert_conf ac;
	char gaveup[PATH_MAX];		/* marker: the last check gave up */
	int sfd;			/* signalfd */
};

static uint32_t rnd32(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint32_t)getpid() ^ (uint32_t)ms_mono_now();
	return v;
}

/* Wait ms or until SIGTERM/SIGINT (false). */
static bool pause_for(const struct ctx *x, ms_msec_t ms)
{
	ms_msec_t end = ms_deadline(ms);
	struct pollfd p = { .fd = x->sfd, .events = POLLIN };

	while (ms_left(end) > 0) {
		if (poll(&p, 1, ms_poll_timeout(end)) > 0) {
			int sig = ms_sig_read(x->sfd);

			if (sig == SIGTERM || sig == SIGINT)
				return false;
		}
	}
	return true;
}

static void alert(struct ctx *x, const char *kind, const char *subject,
		  const char *body)
{
	ms_scanctl_alert(&x->ac, kind, subject, body);
}

/* Mail a recovery if the last check gave up. */
static void recovered(struct ctx *x, const char *how)
{
	char subject[256];

	if (unlink(x->gaveup) < 0)
		return;
	snprintf(subject, sizeof(subject), "modscan scanner recovered: %s",
		 how);
	ms_log_notice("recovered after an earlier give-up: %s", how);
	alert(x, "recovery", subject, subject);
}

static int stop_and_start(struct ctx *x, const struct ms_health_report *rep,
			  pid_t *pid, ms_msec_t *took, struct ms_err *err)
{
	int r;

	if ((r = ms_scanctl_stop_any(&x->sc, rep, err)) < 0)
		return r;
	ms_scanctl_clean(&x->sc);
	return ms_scanctl_start(&x->sc, pid, took, err);
}

static int give_up(struct ctx *x, const char *why, int attempts)
{
	char subject[256], body[1024];
	int fd;

	ms_log_error("giving up after %d restart attempts: %s", attempts, why);
	fd = open(x->gaveup, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
			     O_NOFOLLOW, 0600);
	if (fd >= 0) {
		/* Only the first give-up of an outage is mailed. */
		close(fd);
		snprintf(subject, sizeof(subject), "modscan watchdog gave up "
			 "after %d restart attempts", attempts);
		snprintf(body, sizeof(body), "%s.\n\nLast error: %s\n"
			 "The watchdog tries again at its next run.\n",
			 subject, why);
		alert(x, "gave-up", subject, body);
	}
	printf("gave up after %d restart attempts: %s\n", attempts, why);
	return MS_EXIT_FAIL;
}

/* SIGTERM or SIGINT between attempts: a graceful stop, not a give-up (no
 * alert, no marker); the next run starts over. */
static int interrupted(int done, int attempts)
{
	ms_log_notice("interrupted after %d of %d restart attempts; the next "
		      "run tries again", done, attempts);
	printf("interrupted after %d of %d restart attempts\n", done,
	       attempts);
	return MS_EXIT_OK;
}

/* The unhealthy path: stop, clean, start, confirm; retry with backoff. */
static int repair(struct ctx *x, struct ms_health_report *rep)
{
	int attempts = (int)ms_conf_int(&x->c, MS_CONF_MAX_RESTART_ATTEMPTS);
	ms_msec_t base = ms_conf_int(&x->c, MS_CONF_RESTART_DELAY) * 1000;
	ms_msec_t max = ms_conf_int(&x->c, MS_CONF_RESTART_DELAY_MAX) * 1000;
	char subject[256], body[1024], why[MS_ERR_MSG_MAX] = "";
	struct ms_err err = { 0 };
	ms_msec_t took = 0, d;
	pid_t pid = 0;
	int i;

	snprintf(why, sizeof(why), "%s", rep->h.reason);
	for (i = 1; i <= attempts; i++) {
		if (i > 1) {
			d = ms_restart_delay(base, (unsigned)i - 1,
					     MS_MAX(max, base), rnd32());
			ms_log_info("attempt %d of %d in %lld ms", i, attempts,
				    (long long)d);
			if (!pause_for(x, d))
				return interrupted(i - 1, attempts);
			ms_health_check(&x->sc.src, rep);
		}
		ms_err_clear(&err);
		if (stop_and_start(x, rep, &pid, &took, &err) == 0)
			break;
		ms_log_warn("restart attempt %d of %d failed: %s", i, attempts,
			    err.msg);
		snprintf(why, sizeof(why), "%s", err.msg);
	}
	if (i > attempts)
		return give_up(x, why, attempts);
	ms_log_notice("scanner restarted: pid %d, heartbeat after %lld ms "
		      "(attempt %d; it was %s)", (int)pid, (long long)took, i,
		      rep->h.reason);
	printf("scanner restarted: pid %d\n", (int)pid);
	snprintf(body, sizeof(body), "The scanner was unhealthy: %s\n\n"
		 "The watchdog restarted it (attempt %d): pid %d, first "
		 "heartbeat after %lld ms.\n", rep->h.reason, i, (int)pid,
		 (long long)took);
	if (access(x->gaveup, F_OK) == 0) {
		recovered(x, body);
	} else {
		snprintf(subject, sizeof(subject), "modscan scanner restarted "
			 "(pid %d)", (int)pid);
		alert(x, "restart", subject, body);
	}
	return MS_EXIT_OK;
}

static int check(struct ctx *x, struct ms_health_report *rep)
{
	ms_health_check(&x->sc.src, rep);
	if (rep->h.verdict == MS_HEALTH_OK) {
		ms_log_debug("healthy: %s", rep->h.reason);
		recovered(x, rep->h.reason);
		return MS_EXIT_OK;
	}
	ms_log_notice("unhealthy (%s): %s", ms_health_name(rep->h.verdict),
		      rep->h.reason);
	return repair(x, rep);
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

/* --flush-alerts: send the queue by a deadline of its own, then exit. */
static int flush(struct ctx *x)
{
	ms_msec_t budget = ms_conf_int(&x->c, MS_CONF_SMTP_TIMEOUT) * 2000;
	struct ms_smtp_conf sc;
	struct ms_err err = { 0 };
	int r;

	if ((r = ms_smtp_conf_from(&sc, &x->c, &err)) >= 0)
		r = ms_alert_flush(&sc, x->ac.dir, ms_deadline(budget), &err);
	ms_smtp_conf_release(&sc);
	if (r < 0 && r != MS_E_BUSY) {
		ms_log_warn("alerts not sent, kept for the next try: %s",
			    err.msg);
		return MS_EXIT_FAIL;
	}
	if (r > 0)
		ms_log_info("%d alert mail%s sent", r, r == 1 ? "" : "s");
	return MS_EXIT_OK;
}

static int setup(struct ctx *x, const struct opts *o)
{
	struct ms_err err = { 0 };
	int rc;

	x->sfd = -1;
	if ((rc = ms_applet_conf(&x->c, o->config)) != 0)
		return rc;
	/* First: a RUN_DIR made here for the alert queue must be 0700 too. */
	if (ms_dir_private(ms_conf_str(&x->c, MS_CONF_RUN_DIR), &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	if (ms_log_open_conf("watchdog", &x->c, &err) < 0 ||
	    ms_scanctl_init(&x->sc, &x->c, o->config, &err) < 0 ||
	    ms_alert_conf_from(&x->ac, &x->c, &err) < 0 ||
	    ms_conf_path(&x->c, MS_CONF_RUN_DIR, "", x->gaveup,
			 sizeof(x->gaveup)) < 0 ||
	    strlen(x->gaveup) + 20 > sizeof(x->gaveup)) {
		ms_applet_error("%s", err.msg[0] ? err.msg : "path too long");
		return MS_EXIT_USAGE;
	}
	snprintf(x->gaveup + strlen(x->gaveup), 20, "/watchdog.gaveup");
	if ((x->sfd = ms_sig_open(0, &err)) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	return 0;
}

int ms_watchdog_main(int argc, char **argv)
{
	struct ms_health_report *rep = NULL;
	struct opts o = { 0 };
	struct ctx x = { 0 };
	int rc;

	if ((rc = parse_opts(argc, argv, &o)) != 0)
		return rc;
	if ((rc = setup(&x, &o)) != 0)
		goto out;
	if (o.mode == M_DAEMON) {
		rc = ms_superd_run(&x.c, &x.sc, &x.ac, x.sfd,
				   o.serve ? o.serve
					   : ms_conf_str(&x.c, MS_CONF_SERVE));
		goto out;
	}
	if (o.mode == M_FLUSH) {
		rc = flush(&x);
		goto out;
	}
	if (!(rep = malloc(sizeof(*rep)))) {
		ms_applet_error("out of memory");
		rc = MS_EXIT_FAIL;
		goto out;
	}
	ms_health_check(&x.sc.src, rep);
	switch (o.mode) {
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
	ms_log_close();
	ms_conf_release(&x.c);
	return rc;
}
