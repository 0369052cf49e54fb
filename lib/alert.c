/* Queueing alerts: rate-limited process alerts, plant events (see
 * alert.h). */
#include "alert.h"

#include <sys/file.h>

#include "alertfmt.h"
#include "alertq.h"
#include "buf.h"
#include "cmdrun.h"
#include "file.h"
#include "num.h"
#include "mstime.h"
#include "rundir.h"

int ms_alert_conf_from(struct ms_alert_conf *ac, const struct ms_conf *c,
		       struct ms_err *err)
{
	char src[PATH_MAX + 16];
	int r;

	memset(ac, 0, sizeof(*ac));
	if ((r = ms_rundir_path(c, "alerts", ac->dir, sizeof(ac->dir),
				err)) < 0)
		return r;
	ac->interval_ms = ms_conf_int(c, MS_CONF_ALERT_INTERVAL) * 1000;
	ac->mail = *ms_conf_str(c, MS_CONF_SMTP_HOST) != '\0';
	if (strlen(ms_conf_str(c, MS_CONF_ALERT_COMMAND)) >=
	    sizeof(ac->command))
		return ms_err_set(err, MS_E_INVAL, "ALERT_COMMAND: longer than "
				  "%zu bytes", sizeof(ac->command) - 1);
	snprintf(ac->command, sizeof(ac->command), "%s",
		 ms_conf_str(c, MS_CONF_ALERT_COMMAND));
	if (*ac->command &&
	    (r = ms_cmdrun_check("ALERT_COMMAND", ac->command, err)) < 0) {
		ms_conf_source(c, MS_CONF_ALERT_COMMAND, src, sizeof(src));
		ms_err_prefix(err, "%s", src);
		return r;
	}
	ac->command_timeout_ms =
		ms_conf_int(c, MS_CONF_ALERT_COMMAND_TIMEOUT) * 1000;
	ac->enabled = ac->mail || *ac->command;
	return 0;
}

static bool kind_ok(const char *kind)
{
	size_t n = strspn(kind, "abcdefghijklmnopqrstuvwxyz0123456789_-");

	return n > 0 && n <= MS_ALERT_KIND_MAX && !kind[n];
}

/* Whether dir/sub holds a file ending in sfx (NULL: .alert or .ev). */
static bool any_in(const char *dir, const char *sub, const char *sfx)
{
	struct ms_alertq_list l = { 0 };
	char path[PATH_MAX];
	bool any;

	if (ms_alertq_path(path, sizeof(path), dir, sub, NULL) < 0 ||
	    ms_alertq_list(path, sfx, 1, &l, NULL) < 0)
		any = true;	/* let the sender look and say */
	else
		any = l.n > 0;
	ms_alertq_list_release(&l);
	return any;
}

bool ms_alert_due(const struct ms_alert_conf *ac)
{
	if (!ac->enabled)
		return false;
	if (any_in(ac->dir, "new", NULL))
		return true;
	if (ac->mail && (any_in(ac->dir, ".", ms_alertq_alert_sfx) ||
			 (any_in(ac->dir, "mail", ms_alertq_ev_sfx) &&
			  !ms_alertq_digest_waits(ac, NULL))))
		return true;
	return *ac->command && any_in(ac->dir, "cmd", NULL);
}

int ms_alert_pending(const char *dir, struct ms_err *err)
{
	static const char *const subs[] = { ".", "new", "mail", "cmd" };
	struct ms_alertq_list l;
	char path[PATH_MAX];
	size_t i;
	int r = 0, n = 0;

	for (i = 0; i < MS_ARRAY_SIZE(subs) && r == 0; i++) {
		if ((r = ms_alertq_path(path, sizeof(path), dir, subs[i],
					err)) < 0)
			break;
		r = ms_alertq_list(path, i ? NULL : ms_alertq_alert_sfx,
				   2 * MS_ALERT_BATCHES_MAX, &l, err);
		n += (int)l.n;
		ms_alertq_list_release(&l);
	}
	return r < 0 ? r : n;
}

/* "<kind>: <subject>" on one line: a newline would end the header. */
static int add_line(struct ms_buf *b, const char *key, const char *v)
{
	int r;

	if ((r = ms_buf_printf(b, "%s: ", key)) < 0)
		return r;
	for (; *v && r == 0; v++)
		r = ms_buf_addc(b, *v == '\n' || *v == '\r' ? ' ' : *v);
	return r < 0 ? r : ms_buf_addc(b, '\n');
}

/* Stage the alert and hand it to its destinations (the caller holds
 * .lock).  Once staged it is durable: a failed fan-out is redone by the
 * next flush. */
static int write_alert(const struct ms_alert_conf *ac, const char *kind,
		       const char *subject, const char *body, long long held,
		       ms_msec_t now, struct ms_err *err)
{
	char leaf[MS_ALERTQ_NAME];
	struct ms_buf b;
	int r;

	if (ms_alertq_name(leaf, kind, ms_alertq_alert_sfx) < 0)
		return ms_err_set(err, MS_E_TOOBIG, "alert '%s': name too "
				  "long", kind);
	ms_buf_init(&b, MS_ALERT_FILE_MAX);
	if ((r = add_line(&b, "kind", kind)) < 0 ||
	    (r = ms_buf_printf(&b, "queued: %lld\n", (long long)now)) < 0 ||
	    (r = add_line(&b, "subject", subject)) < 0 ||
	    (r = ms_buf_printf(&b, "\n%s", body)) < 0)
		goto fail;
	if (held > 0 && (r = ms_buf_printf(&b, "\n\n(%lld more '%s' alert%s "
					   "held back by ALERT_INTERVAL since "
					   "the last one.)\n", held, kind,
					   held == 1 ? " was" : "s were")) < 0)
		goto fail;
	if ((r = ms_alertq_stage(ac, leaf, b.p, b.len, err)) == 0)
		ms_alertq_fanout(ac, NULL);
	ms_buf_release(&b);
	return r;
fail:
	ms_buf_release(&b);
	return ms_err_set(err, r, "alert '%s': %s", kind, ms_strerror(r));
}

int ms_alert_queue(const struct ms_alert_conf *ac, const char *kind,
		   const char *subject, const char *body, struct ms_err *err)
{
	char state[PATH_MAX];
	ms_msec_t now = ms_wall_now(), last;
	long long held;
	int lock, r;

	if (!ac->enabled)
		return MS_ALERT_OFF;
	if (!kind_ok(kind))
		return ms_err_set(err, MS_E_INVAL, "bad alert kind '%s'", kind);
	if ((r = ms_dir_ensure(ac->dir, "alert queue", MS_DIR_DATA, err)) < 0)
		return r;
	if (snprintf(state, sizeof(state), "%s/.rate-%s", ac->dir, kind) >=
	    (int)sizeof(state))
		return ms_err_set(err, MS_E_TOOBIG, "path too long: '%s'",
				  ac->dir);
	/* One lock over read-decide-write, so two processes alerting at
	 * once still send one mail. */
	if ((lock = ms_alertq_lock(ac->dir, ".lock", LOCK_EX, err)) < 0)
		return lock;
	ms_alertq_rate_read(state, &last, &held);
	/* A clock that went back (last in the future) does not mute us. */
	if (last && now >= last && now - last < ac->interval_ms) {
		r = ms_alertq_rate_write(state, last, held + 1, err);
		r = r < 0 ? r : MS_ALERT_LIMITED;
		goto out;
	}
	if ((r = ms_alertq_waiting(ac, ms_alertq_alert_sfx, err)) < 0)
		goto out;
	if (r >= MS_ALERT_QUEUE_MAX) {
		r = ms_err_set(err, MS_E_FULL, "alert queue '%s' holds %d "
			       "alerts, not adding '%s'", ac->dir, r, kind);
		goto out;
	}
	if ((r = write_alert(ac, kind, subject ? subject : kind,
			     body ? body : "", held, now, err)) < 0 ||
	    (r = ms_alertq_rate_write(state, now, 0, err)) < 0)
		goto out;
	r = MS_ALERT_QUEUED;
out:
	close(lock);
	return r;
}

/* Whether the string field s of cap bytes is NUL-terminated. */
static bool terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static int check_events(const struct ms_alert_event *ev, size_t n,
			struct ms_err *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!terminated(ev[i].kind, sizeof(ev[i].kind)) ||
		    !kind_ok(ev[i].kind))
			return ms_err_set(err, MS_E_INVAL, "plant event %zu: "
					  "bad kind '%.*s'", i + 1,
					  (int)sizeof(ev[i].kind), ev[i].kind);
		if (!terminated(ev[i].device, sizeof(ev[i].device)) ||
		    !*ev[i].device ||
		    !terminated(ev[i].upstream, sizeof(ev[i].upstream)) ||
		    !terminated(ev[i].node, sizeof(ev[i].node)) ||
		    !terminated(ev[i].modulation, sizeof(ev[i].modulation)))
			return ms_err_set(err, MS_E_INVAL, "plant event %zu "
					  "('%s'): no device, or a name "
					  "without its end", i + 1,
					  ev[i].kind);
	}
	return 0;
}

/* Stage the events, MS_ALERT_BATCH_MAX a file; on failure remove what
 * this call staged, so a retry queues nothing twice. */
static int stage_events(const struct ms_alert_conf *ac,
			const struct ms_alert_event *ev, size_t n,
			struct ms_err *err)
{
	char (*leaf)[MS_ALERTQ_NAME], path[PATH_MAX];
	size_t files = (n + MS_ALERT_BATCH_MAX - 1) / MS_ALERT_BATCH_MAX;
	size_t f, i, done = 0;
	struct ms_buf b;
	int r = 0;

	if (!(leaf = calloc(files, sizeof(*leaf))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	ms_buf_init(&b, MS_ALERT_FILE_MAX);
	for (f = 0; f < files && r == 0; f++) {
		ms_buf_reset(&b);
		if ((r = ms_alertq_name(leaf[f], "plant",
					ms_alertq_ev_sfx)) < 0 ||
		    (r = ms_buf_printf(&b, "%s\n", ms_alertfmt_ev_magic)) < 0)
			break;
		for (i = f * MS_ALERT_BATCH_MAX; i < n && r == 0 &&
		     i < (f + 1) * MS_ALERT_BATCH_MAX; i++)
			r = ms_alertfmt_ev_line(&b, &ev[i]);
		if (r < 0)
			break;
		if ((r = ms_alertq_stage(ac, leaf[f], b.p, b.len, err)) < 0)
			goto undo;
		done++;
	}
	if (r < 0)
		r = ms_err_set(err, r, "plant events: %s", ms_strerror(r));
undo:
	for (f = 0; r < 0 && f < done; f++)
		if (snprintf(path, sizeof(path), "%s/new/%s", ac->dir,
			     leaf[f]) < (int)sizeof(path))
			unlink(path);
	ms_buf_release(&b);
	free(leaf);
	return r;
}

int ms_alert_events(const struct ms_alert_conf *ac,
		    const struct ms_alert_event *ev, size_t n,
		    struct ms_err *err)
{
	size_t files = (n + MS_ALERT_BATCH_MAX - 1) / MS_ALERT_BATCH_MAX;
	int lock, r;

	if (!ac->enabled)
		return MS_ALERT_OFF;
	if (n == 0)
		return MS_ALERT_QUEUED;
	if ((r = check_events(ev, n, err)) < 0)
		return r;
	if ((r = ms_dir_ensure(ac->dir, "alert queue", MS_DIR_DATA, err)) < 0)
		return r;
	if ((lock = ms_alertq_lock(ac->dir, ".lock", LOCK_EX, err)) < 0)
		return lock;
	if ((r = ms_alertq_waiting(ac, ms_alertq_ev_sfx, err)) < 0)
		goto out;
	if ((size_t)r + files > MS_ALERT_BATCHES_MAX) {
		r = ms_err_set(err, MS_E_FULL, "alert queue '%s' holds %d "
			       "files of plant events, not adding %zu events",
			       ac->dir, r, n);
		goto out;
	}
	if ((r = stage_events(ac, ev, n, err)) < 0)
		goto out;
	/* Staged is durable; a fan-out that fails here is redone by the
	 * next flush. */
	ms_alertq_fanout(ac, NULL);
	r = MS_ALERT_QUEUED;
out:
	close(lock);
	return r;
}
