/* Queued, rate-limited alert mails (see alert.h). */
#include "alert.h"

#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "buf.h"
#include "file.h"
#include "num.h"
#include "mstime.h"
#include "rundir.h"

static const char suffix[] = ".alert";

enum {
	NAME_W = 128,			/* our file names are under 80 */
	LIST_MAX = MS_ALERT_QUEUE_MAX + 64,
	TMP_STALE_MS = 3600 * 1000	/* a crashed writer's temp file */
};

int ms_alert_conf_from(struct ms_alert_conf *ac, const struct ms_conf *c,
		       struct ms_err *err)
{
	int r;

	memset(ac, 0, sizeof(*ac));
	if ((r = ms_rundir_path(c, "alerts", ac->dir, sizeof(ac->dir),
				err)) < 0)
		return r;
	ac->interval_ms = ms_conf_int(c, MS_CONF_ALERT_INTERVAL) * 1000;
	ac->enabled = *ms_conf_str(c, MS_CONF_SMTP_HOST) != '\0';
	return 0;
}

static bool kind_ok(const char *kind)
{
	size_t n = strspn(kind, "abcdefghijklmnopqrstuvwxyz0123456789_-");

	return n > 0 && n <= MS_ALERT_KIND_MAX && !kind[n];
}

/* flock dir/leaf; the descriptor is the lock (closed to release). */
static int lock_dir(const char *dir, const char *leaf, int op,
		    struct ms_err *err)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, leaf) >=
	    (int)sizeof(path))
		return ms_err_set(err, MS_E_TOOBIG, "path too long: '%s'", dir);
	if ((fd = ms_file_open(path, O_RDWR | O_CREAT, 0600, err)) < 0)
		return fd;
	while (flock(fd, op) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK) {
			close(fd);
			return ms_err_set(err, MS_E_BUSY, "'%s' is locked by "
					  "another process", path);
		}
		ms_err_sys(err, "cannot lock '%s'", path);
		close(fd);
		return MS_E_SYS;
	}
	return fd;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The queued file names of dir, sorted (oldest first); *names is heap. */
static int list_queue(const char *dir, char (**names)[NAME_W], size_t *n,
		      struct ms_err *err)
{
	struct dirent *de;
	size_t len;
	DIR *d;

	*n = 0;
	if (!(*names = calloc(LIST_MAX, NAME_W)))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	if (!(d = opendir(dir))) {
		if (errno == ENOENT)
			return 0;
		return ms_err_sys(err, "cannot open '%s'", dir);
	}
	while ((de = readdir(d)) && *n < LIST_MAX) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len >= NAME_W ||
		    len <= sizeof(suffix) - 1 ||
		    strcmp(de->d_name + len - (sizeof(suffix) - 1), suffix))
			continue;
		memcpy((*names)[(*n)++], de->d_name, len + 1);
	}
	closedir(d);
	qsort(*names, *n, NAME_W, name_cmp);
	return 0;
}

int ms_alert_pending(const char *dir, struct ms_err *err)
{
	char (*names)[NAME_W];
	size_t n;
	int r;

	r = list_queue(dir, &names, &n, err);
	free(names);
	return r < 0 ? r : (int)n;
}

/* Rate-limiter state of kind: "<last queued wall ms> <held back>\n".  A
 * missing or damaged file means no alert was sent lately. */
static void state_read(const char *path, ms_msec_t *last, long long *held)
{
	long long t = 0, h = 0;
	struct ms_buf b;
	char *sp;

	/* ms_file_read reads in 4 KiB steps: the bound must allow one. */
	ms_buf_init(&b, 8192);
	if (ms_file_read(path, &b, NULL, NULL) == 0 &&
	    (sp = strchr(b.p, ' '))) {
		if (ms_parse_lln(b.p, (size_t)(sp - b.p), 0, LLONG_MAX, &t) < 0)
			t = 0;
		if (ms_parse_lln(sp + 1, strcspn(sp + 1, "\n"), 0, LLONG_MAX,
				 &h) < 0)
			h = 0;
	}
	ms_buf_release(&b);
	*last = t;
	*held = h;
}

static int state_write(const char *path, ms_msec_t last, long long held,
		       struct ms_err *err)
{
	char line[64];
	int n;

	n = snprintf(line, sizeof(line), "%lld %lld\n", (long long)last, held);
	return ms_file_replace(path, line, (size_t)n, 0600, err);
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

static int write_alert(const struct ms_alert_conf *ac, const char *kind,
		       const char *subject, const char *body, long long held,
		       ms_msec_t now, struct ms_err *err)
{
	static unsigned seq;
	char path[PATH_MAX];
	struct ms_buf b;
	int r, n;

	n = snprintf(path, sizeof(path), "%s/%013lld-%d-%u-%s%s", ac->dir,
		     (long long)now, (int)getpid(),
		     __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED), kind,
		     suffix);
	if (n < 0 || (size_t)n >= sizeof(path))
		return ms_err_set(err, MS_E_TOOBIG, "path too long: '%s'",
				  ac->dir);
	ms_buf_init(&b, MS_ALERT_FILE_MAX);
	if ((r = add_line(&b, "kind", kind)) < 0 ||
	    (r = ms_buf_printf(&b, "queued: %lld\n", (long long)now)) < 0 ||
	    (r = add_line(&b, "subject", subject)) < 0 ||
	    (r = ms_buf_printf(&b, "\n%s", body)) < 0)
		goto out;
	if (held > 0 && (r = ms_buf_printf(&b, "\n\n(%lld more '%s' alert%s "
					   "held back by ALERT_INTERVAL since "
					   "the last one.)\n", held, kind,
					   held == 1 ? " was" : "s were")) < 0)
		goto out;
	r = ms_file_replace(path, b.p, b.len, 0600, err);
	ms_buf_release(&b);
	return r;
out:
	ms_buf_release(&b);
	return ms_err_set(err, r, "alert '%s': %s", kind, ms_strerror(r));
	return r;
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
	if ((lock = lock_dir(ac->dir, ".lock", LOCK_EX, err)) < 0)
		return lock;
	state_read(state, &last, &held);
	/* A clock that went back (last in the future) does not mute us. */
	if (last && now >= last && now - last < ac->interval_ms) {
		r = state_write(state, last, held + 1, err);
		r = r < 0 ? r : MS_ALERT_LIMITED;
		goto out;
	}
	if ((r = ms_alert_pending(ac->dir, err)) < 0)
		goto out;
	if (r >= MS_ALERT_QUEUE_MAX) {
		r = ms_err_set(err, MS_E_FULL, "alert queue '%s' holds %d "
			       "mails, not adding '%s'", ac->dir, r, kind);
		goto out;
	}
	if ((r = write_alert(ac, kind, subject ? subject : kind,
			     body ? body : "", held, now, err)) < 0 ||
	    (r = state_write(state, now, 0, err)) < 0)
		goto out;
	r = MS_ALERT_QUEUED;
out:
	close(lock);
	return r;
}

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

/* Remove temp files a crashed writer left behind. */
static void sweep_tmp(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	size_t len;
	DIR *d;

	if (!(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 4, ".tmp") ||
		    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path))
			continue;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (ms_msec_t)st.st_mtime * 1000 + TMP_STALE_MS < ms_wall_now())
			unlink(path);
	}
	closedir(d);
}

int ms_alert_flush(const struct ms_smtp_conf *sc, const char *dir,
		   ms_msec_t deadline, struct ms_err *err)
{
	char (*names)[NAME_W] = NULL, path[PATH_MAX];
	size_t i, n = 0;
	int lock, r, sent = 0;

	if ((r = ms_dir_ensure(dir, "alert queue", MS_DIR_DATA, err)) < 0)
		return r;
	/* Two flushes at once would mail the same alert twice. */
	if ((lock = lock_dir(dir, ".flush", LOCK_EX | LOCK_NB, err)) < 0)
		return lock;
	sweep_tmp(dir);
	if ((r = list_queue(dir, &names, &n, err)) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (ms_left(deadline) == 0) {
			r = ms_err_set(err, MS_E_TIMEOUT, "deadline reached "
				       "with %zu alert%s unsent", n - i,
				       n - i == 1 ? "" : "s");
			goto out;
		}
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    (int)sizeof(path)) {
			r = ms_err_set(err, MS_E_TOOBIG, "path too long: '%s'",
				       dir);
			goto out;
		}
		if ((r = send_one(sc, path, deadline, err)) < 0 &&
		    r != MS_E_PARSE)
			goto out;
		sent += r > 0;
	}
	r = 0;
	if (sent)
		ms_file_sync_dir(path, NULL);
out:
	free(names);
	close(lock);
	return r < 0 ? r : sent;
}
