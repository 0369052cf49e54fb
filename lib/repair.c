/*
 * The watchdog's one-shot check and repair loop (see repair.h).
 */
#include "repair.h"

#include <poll.h>

#include "backoff.h"
#include "log.h"
#include "mstime.h"
#include "sig.h"
#include "supervise.h"

static int real_restart(void *ctx, const struct ms_health_report *rep,
			pid_t *pid, ms_msec_t *took, struct ms_err *err)
{
	const struct ms_repair *r = ctx;
	int rc;

	if ((rc = ms_scanctl_stop_any(r->sc, rep, err)) < 0)
		return rc;
	ms_scanctl_clean(r->sc);
	return ms_scanctl_start(r->sc, pid, took, err);
}

static void real_recheck(void *ctx, struct ms_health_report *rep)
{
	const struct ms_repair *r = ctx;

	ms_health_check(&r->sc->src, rep);
}

/* Wait ms or until SIGTERM/SIGINT (false). */
static bool real_pause(void *ctx, ms_msec_t ms)
{
	const struct ms_repair *r = ctx;
	ms_msec_t end = ms_deadline(ms);
	struct pollfd p = { .fd = r->sfd, .events = POLLIN };

	while (ms_left(end) > 0) {
		if (poll(&p, 1, ms_poll_timeout(end)) > 0) {
			int sig = ms_sig_read(r->sfd);

			if (sig == SIGTERM || sig == SIGINT)
				return false;
		}
	}
	return true;
}

static void real_alert(void *ctx, const char *kind, const char *subject,
		       const char *body)
{
	const struct ms_repair *r = ctx;

	ms_scanctl_alert(r->ac, kind, subject, body);
}

static uint32_t real_rnd(void *ctx)
{
	(void)ctx;
	return ms_backoff_random();
}

static const struct ms_repair_ops real_ops = {
	real_restart, real_recheck, real_pause, real_alert, real_rnd
};

int ms_repair_init(struct ms_repair *r, const struct ms_conf *c,
		   const struct ms_scanctl *sc, const struct ms_alert_conf *ac,
		   int sfd, struct ms_err *err)
{
	memset(r, 0, sizeof(*r));
	r->ops = &real_ops;
	r->ctx = r;
	r->attempts = (int)ms_conf_int(c, MS_CONF_MAX_RESTART_ATTEMPTS);
	r->base_ms = ms_conf_int(c, MS_CONF_RESTART_DELAY) * 1000;
	r->max_ms = ms_conf_int(c, MS_CONF_RESTART_DELAY_MAX) * 1000;
	r->sc = sc;
	r->ac = ac;
	r->sfd = sfd;
	if (ms_conf_path(c, MS_CONF_RUN_DIR, "", r->gaveup,
			 sizeof(r->gaveup)) < 0 ||
	    strlen(r->gaveup) + 20 > sizeof(r->gaveup))
		return ms_err_set(err, MS_E_TOOBIG, "RUN_DIR: path too long");
	snprintf(r->gaveup + strlen(r->gaveup), 20, "/watchdog.gaveup");
	return 0;
}

/* Mail a recovery if the last check gave up. */
static void recovered(const struct ms_repair *r, const char *how)
{
	char subject[256];

	if (unlink(r->gaveup) < 0)
		return;
	snprintf(subject, sizeof(subject), "modscan scanner recovered: %s",
		 how);
	ms_log_notice("recovered after an earlier give-up: %s", how);
	r->ops->alert(r->ctx, "recovery", subject, subject);
}

static void give_up(const struct ms_repair *r, struct ms_repair_result *res)
{
	char subject[256], body[1024];
	int fd;

	res->outcome = MS_REPAIR_GAVE_UP;
	ms_log_error("giving up after %d restart attempts: %s", r->attempts,
		     res->why);
	fd = open(r->gaveup, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
			     O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	/* Only the first give-up of an outage is mailed. */
	close(fd);
	snprintf(subject, sizeof(subject), "modscan watchdog gave up after "
		 "%d restart attempts", r->attempts);
	snprintf(body, sizeof(body), "%s.\n\nLast error: %s\nThe watchdog "
		 "tries again at its next run.\n", subject, res->why);
	r->ops->alert(r->ctx, "gave-up", subject, body);
}

static void restarted(const struct ms_repair *r,
		      const struct ms_health_report *rep, ms_msec_t took,
		      struct ms_repair_result *res)
{
	char subject[256], body[1024];

	res->outcome = MS_REPAIR_RESTARTED;
	ms_log_notice("scanner restarted: pid %d, heartbeat after %lld ms "
		      "(attempt %d; it was %s)", (int)res->pid,
		      (long long)took, res->attempts, rep->h.reason);
	snprintf(body, sizeof(body), "The scanner was unhealthy: %s\n\n"
		 "The watchdog restarted it (attempt %d): pid %d, first "
		 "heartbeat after %lld ms.\n", rep->h.reason, res->attempts,
		 (int)res->pid, (long long)took);
	if (access(r->gaveup, F_OK) == 0) {
		recovered(r, body);
		return;
	}
	snprintf(subject, sizeof(subject), "modscan scanner restarted (pid %d)",
		 (int)res->pid);
	r->ops->alert(r->ctx, "restart", subject, body);
}

/* The unhealthy path: stop, clean, start, confirm; retry with backoff.
 * SIGTERM or SIGINT between attempts is a graceful stop, not a give-up
 * (no alert, no marker); the next run starts over. */
static void repair(const struct ms_repair *r, struct ms_health_report *rep,
		   struct ms_repair_result *res)
{
	struct ms_err err = { 0 };
	ms_msec_t took = 0, d;
	int i;

	snprintf(res->why, sizeof(res->why), "%s", rep->h.reason);
	for (i = 1; i <= r->attempts; i++) {
		res->attempts = i;
		if (i > 1) {
			d = ms_restart_delay(r->base_ms, (unsigned)i - 1,
					     MS_MAX(r->max_ms, r->base_ms),
					     r->ops->rnd(r->ctx));
			ms_log_info("attempt %d of %d in %lld ms", i,
				    r->attempts, (long long)d);
			if (!r->ops->pause(r->ctx, d)) {
				res->attempts = i - 1;
				res->outcome = MS_REPAIR_INTERRUPTED;
				ms_log_notice("interrupted after %d of %d "
					      "restart attempts; the next run "
					      "tries again", i - 1,
					      r->attempts);
				return;
			}
			r->ops->recheck(r->ctx, rep);
		}
		ms_err_clear(&err);
		if (r->ops->restart(r->ctx, rep, &res->pid, &took, &err) == 0)
			return restarted(r, rep, took, res);
		ms_log_warn("restart attempt %d of %d failed: %s", i,
			    r->attempts, err.msg);
		snprintf(res->why, sizeof(res->why), "%s", err.msg);
	}
	give_up(r, res);
}

void ms_repair_check(const struct ms_repair *r, struct ms_health_report *rep,
		     struct ms_repair_result *res)
{
	memset(res, 0, sizeof(*res));
	r->ops->recheck(r->ctx, rep);
	if (rep->h.verdict == MS_HEALTH_OK) {
		res->outcome = MS_REPAIR_HEALTHY;
		ms_log_debug("healthy: %s", rep->h.reason);
		recovered(r, rep->h.reason);
		return;
	}
	ms_log_notice("unhealthy (%s): %s", ms_health_name(rep->h.verdict),
		      rep->h.reason);
	repair(r, rep, res);
}
