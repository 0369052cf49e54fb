/* Sending the alert queue: process alert mails (see alert.h). */
#include "alert.h"

#include <sys/file.h>

#include "alertq.h"
#include "buf.h"
#include "file.h"
#include "num.h"
#include "mstime.h"

/* Split a queued file into its subject, queue time and body (in place). */
static int parse_alert(char *text, const char **subject, ms_msec_t *queued,
		       const char **body)
{
	char *line = text, *nl;
	long long t = -1;

	*subject = NULL;
	while ((nl = strchr(line, '\n')) && nl != line) {
		*nl = '\0';
		if (!strncmp(line, "subject: ", 9))
			*subject = line + 9;
		else if (!strncmp(line, "queued: ", 8) &&
			 ms_parse_ll(line + 8, 0, LLONG_MAX, &t) < 0)
			return MS_E_PARSE;
		line = nl + 1;
	}
	if (!nl || !*subject || t < 0)
		return MS_E_PARSE;
	*queued = t;
	*body = nl + 1;
	return 0;
}

/* Send one queued file; a damaged one is set aside as *.bad. */
static int send_one(const struct ms_smtp_conf *sc, const char *path,
		    ms_msec_t deadline, struct ms_err *err)
{
	char bad[PATH_MAX];
	struct ms_mail m;
	struct ms_buf b;
	int r;

	ms_buf_init(&b, MS_ALERT_FILE_MAX);
	if ((r = ms_file_read(path, &b, NULL, err)) < 0)
		goto out;
	ms_smtp_mail_init(&m, sc);
	if (parse_alert(b.p, &m.subject, &m.date, &m.body) < 0) {
		r = ms_err_set(err, MS_E_PARSE, "'%s' is not a queued alert, "
			       "set aside as .bad", path);
		if (snprintf(bad, sizeof(bad), "%s.bad", path) <
		    (int)sizeof(bad))
			rename(path, bad);
		goto out;
	}
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

int ms_alert_flush(const struct ms_smtp_conf *sc, const char *dir,
		   ms_msec_t deadline, struct ms_err *err)
{
	struct ms_alertq_list l = { 0 };
	char path[PATH_MAX];
	size_t i, n = 0;
	int lock, r, sent = 0;

	if ((r = ms_dir_ensure(dir, "alert queue", MS_DIR_DATA, err)) < 0)
		return r;
	/* Two flushes at once would mail the same alert twice. */
	if ((lock = ms_alertq_lock(dir, ".flush", LOCK_EX | LOCK_NB, err)) < 0)
		return lock;
	ms_alertq_sweep_tmp(dir);
	if ((r = ms_alertq_list(dir, ms_alertq_alert_sfx,
				2 * MS_ALERT_QUEUE_MAX, &l, err)) < 0)
		goto out;
	n = l.n;
	for (i = 0; i < n; i++) {
		if (ms_left(deadline) == 0) {
			r = ms_err_set(err, MS_E_TIMEOUT, "deadline reached "
				       "with %zu alert%s unsent", n - i,
				       n - i == 1 ? "" : "s");
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
	close(lock);
	return r < 0 ? r : sent;
}
