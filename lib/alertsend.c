/*
 * Sending the alert queue (see alert.h): process alert mails, the digest
 * of plant events, ALERT_COMMAND.
 */
#include "alert.h"

#include <sys/file.h>

#include "alertcmd.h"
#include "alertfmt.h"
#include "alertq.h"
#include "buf.h"
#include "file.h"
#include "num.h"
#include "mstime.h"

enum {
	READ_MAX = MS_ALERT_FILE_MAX + 8192,	/* ms_file_read's steps */
	BODY_MAX = 4 << 20			/* a digest's text */
};

/* Send one queued file; a damaged one is set aside as *.bad. */
static int send_one(const struct ms_smtp_conf *sc, const char *path,
		    ms_msec_t deadline, struct ms_err *err)
{
	struct ms_alertq_alert pa;
	struct ms_mail m;
	struct ms_buf b;
	int r;

	ms_buf_init(&b, MS_ALERT_FILE_MAX);
	if ((r = ms_file_read(path, &b, NULL, err)) < 0)
		goto out;
	ms_smtp_mail_init(&m, sc);
	if (ms_alertq_parse_alert(b.p, &pa) < 0) {
		r = ms_err_set(err, MS_E_PARSE, "'%s' is not a queued alert, "
			       "set aside as .bad", path);
		ms_alertq_set_aside(path);
		goto out;
	}
	m.subject = pa.subject;
	m.date = pa.queued;
	m.body = pa.body;
	deadline = MS_MIN(deadline, ms_deadline(sc->timeout_ms));
	if ((r = ms_smtp_send_until(sc, &m, deadline, err)) < 0)
		goto out;
	/* Accepted: now, and only now, the file may go. */
	if (unlink(path) < 0)
		r = ms_err_sys(err, "cannot remove sent alert '%s'", path);
out:
	ms_buf_release(&b);
	return r;
}

/* Each process alert mail, oldest first (see ms_alert_flush). */
static int send_mails(const struct ms_smtp_conf *sc, const char *dir,
		      ms_msec_t deadline, struct ms_err *err)
{
	struct ms_alertq_list l = { 0 };
	char path[PATH_MAX];
	size_t i;
	int r, sent = 0;

	if ((r = ms_alertq_list(dir, ms_alertq_alert_sfx,
				2 * MS_ALERT_QUEUE_MAX, &l, err)) < 0)
		goto out;
	ms_alertq_drop_staged(dir, &l);
	for (i = 0; i < l.n; i++) {
		if (ms_left(deadline) == 0) {
			r = ms_err_set(err, MS_E_TIMEOUT, "deadline reached "
				       "with %zu alert%s unsent", l.n - i,
				       l.n - i == 1 ? "" : "s");
			goto out;
		}
		if ((r = ms_alertq_path(path, sizeof(path), dir, l.name[i],
					err)) < 0)
			goto out;
		if ((r = send_one(sc, path, deadline, err)) < 0 &&
		    r != MS_E_PARSE)
			goto out;
		sent += r > 0;
	}
	r = 0;
	if (sent)
		ms_file_sync_dir(path, NULL);
out:
	ms_alertq_list_release(&l);
	return r < 0 ? r : sent;
}

int ms_alert_flush(const struct ms_smtp_conf *sc, const char *dir,
		   ms_msec_t deadline, struct ms_err *err)
{
	int lock, r;

	if ((r = ms_dir_ensure(dir, "alert queue", MS_DIR_DATA, err)) < 0)
		return r;
	/* Two flushes at once would mail the same alert twice. */
	if ((lock = ms_alertq_lock(dir, ".flush", LOCK_EX | LOCK_NB, err)) < 0)
		return lock;
	ms_alertq_sweep_tmp(dir);
	r = send_mails(sc, dir, deadline, err);
	close(lock);
	return r;
}

/* ---- plant events ---- */

/* Add the events of every listed file to d; a file that is not ours is
 * set aside and its name blanked out of l. */
static int collect_digest(const char *dir, struct ms_alertq_list *l,
			  struct ms_alertfmt_digest *d, struct ms_err *err)
{
	struct ms_alert_event ev;
	char path[PATH_MAX];
	struct ms_buf b;
	size_t i, pos;
	int r = 0;

	ms_buf_init(&b, READ_MAX);
	for (i = 0; i < l->n && r == 0; i++) {
		if ((r = ms_alertq_path(path, sizeof(path), dir, l->name[i],
					err)) < 0)
			break;
		r = ms_alertq_load_events(path, &b, &pos, err);
		if (r == MS_E_PARSE) {
			ms_alertq_set_aside(path);
			l->name[i][0] = '\0';
			r = 0;
			continue;
		}
		while (r == 0 && ms_alertq_next_event(&b, &pos, &ev))
			ms_alertfmt_digest_add(d, &ev);
	}
	ms_buf_release(&b);
	return r;
}

static int mail_digest(const struct ms_smtp_conf *sc,
		       const struct ms_alertfmt_digest *d, ms_msec_t deadline,
		       struct ms_err *err)
{
	struct ms_buf subject, body;
	struct ms_mail m;
	int r;

	ms_buf_init(&subject, 256);
	ms_buf_init(&body, BODY_MAX);
	if ((r = ms_alertfmt_digest_subject(d, &subject)) < 0 ||
	    (r = ms_alertfmt_digest_body(d, &body)) < 0) {
		r = ms_err_set(err, r, "plant alert digest: %s",
			       ms_strerror(r));
		goto out;
	}
	ms_smtp_mail_init(&m, sc);
	m.subject = subject.p;
	m.body = body.p;
	r = ms_smtp_send_until(sc, &m, MS_MIN(deadline,
					      ms_deadline(sc->timeout_ms)),
			       err);
out:
	ms_buf_release(&subject);
	ms_buf_release(&body);
	return r;
}

/* All plant events waiting for the mail, in one digest when it is due. */
static int send_digest(const struct ms_alert_conf *ac,
		       const struct ms_smtp_conf *sc, ms_msec_t deadline,
		       struct ms_alert_result *res)
{
	struct ms_alertq_list l = { 0 };
	struct ms_alertfmt_digest d;
	char dir[PATH_MAX], state[PATH_MAX];
	struct ms_err *err = &res->mail_err;
	int r;

	if ((r = ms_alertq_path(dir, sizeof(dir), ac->dir, "mail", err)) < 0 ||
	    (r = ms_alertq_path(state, sizeof(state), ac->dir,
				ms_alertq_digest_state, err)) < 0 ||
	    (r = ms_alertq_finish(dir, err)) < 0)
		return r;
	if ((r = ms_alertfmt_digest_init(&d)) < 0)
		return ms_err_set(err, r, "out of memory");
	if ((r = ms_alertq_list(dir, ms_alertq_ev_sfx, MS_ALERT_BATCHES_MAX,
				&l, err)) < 0)
		goto out;
	ms_alertq_drop_staged(ac->dir, &l);
	if (!l.n)
		goto out;
	if (ms_alertq_digest_waits(ac, &res->digest_due))
		goto out;
	res->digest_due = 0;
	if ((r = collect_digest(dir, &l, &d, err)) < 0 ||
	    (d.total_raised + d.total_recovered &&
	     (r = mail_digest(sc, &d, deadline, err)) < 0))
		goto out;
	if (d.total_raised + d.total_recovered) {
		res->digests = 1;
		res->digest_events = d.total_raised + d.total_recovered;
		ms_alertq_rate_write(state, ms_wall_now(), 0, NULL);
	}
	r = ms_alertq_remove(dir, &l, l.n, err);
out:
	ms_alertq_list_release(&l);
	ms_alertfmt_digest_release(&d);
	return r < 0 ? r : 0;
}

/* Hand what a crash left staged to its destinations; sweep temp files. */
static void recover(const struct ms_alert_conf *ac)
{
	char stage[PATH_MAX];
	int lock;

	if ((lock = ms_alertq_lock(ac->dir, ".lock", LOCK_EX, NULL)) >= 0) {
		ms_alertq_fanout(ac, NULL);
		close(lock);
	}
	ms_alertq_sweep_tmp(ac->dir);
	if (ms_alertq_path(stage, sizeof(stage), ac->dir, "new", NULL) == 0)
		ms_alertq_sweep_tmp(stage);
}

int ms_alert_deliver(const struct ms_alert_conf *ac,
		     const struct ms_smtp_conf *sc, ms_msec_t deadline,
		     struct ms_alert_result *res)
{
	int lock, r;

	memset(res, 0, sizeof(*res));
	if ((r = ms_dir_ensure(ac->dir, "alert queue", MS_DIR_DATA,
			       &res->mail_err)) < 0)
		return res->mail_r = r;
	/* Two senders at once would deliver the same alert twice. */
	if ((lock = ms_alertq_lock(ac->dir, ".flush", LOCK_EX | LOCK_NB,
				   &res->mail_err)) < 0)
		return res->mail_r = lock;
	recover(ac);
	if (sc && ac->mail) {
		r = send_mails(sc, ac->dir, deadline, &res->mail_err);
		res->mails = MS_MAX(r, 0);
		if (r >= 0)
			r = send_digest(ac, sc, deadline, res);
		res->mail_r = MS_MIN(r, 0);
	}
	if (*ac->command)
		ms_alertcmd_deliver(ac, deadline, res);
	close(lock);
	return res->mail_r ? res->mail_r : res->command_r;
}
