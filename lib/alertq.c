/* The alert queue directory: listing, staging, fan-out (see alertq.h). */
#include "alertq.h"

#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "alertfmt.h"
#include "buf.h"
#include "file.h"
#include "num.h"
#include "mstime.h"

const char ms_alertq_alert_sfx[] = ".alert";
const char ms_alertq_ev_sfx[] = ".ev";
const char ms_alertq_digest_state[] = ".rate-digest";

static const char stage_dir[] = "new", mail_dir[] = "mail",
		  cmd_dir[] = "cmd", sent_file[] = ".sent";

enum {
	TMP_STALE_MS = 3600 * 1000,	/* a crashed writer's temp file */
	SENT_MAX = MS_ALERT_BATCHES_MAX * MS_ALERTQ_NAME + 4096
};

static bool ends_with(const char *s, size_t len, const char *sfx)
{
	size_t k = strlen(sfx);

	return len > k && !strcmp(s + len - k, sfx);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int ms_alertq_list(const char *dir, const char *sfx, size_t max,
		   struct ms_alertq_list *l, struct ms_err *err)
{
	struct dirent *de;
	size_t len;
	DIR *d;

	l->n = 0;
	if (!(l->name = calloc(max ? max : 1, MS_ALERTQ_NAME)))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	if (!(d = opendir(dir))) {
		if (errno == ENOENT)
			return 0;
		return ms_err_sys(err, "cannot open '%s'", dir);
	}
	while ((de = readdir(d)) && l->n < max) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len >= MS_ALERTQ_NAME)
			continue;
		if (sfx ? !ends_with(de->d_name, len, sfx)
			: !ends_with(de->d_name, len, ms_alertq_alert_sfx) &&
			  !ends_with(de->d_name, len, ms_alertq_ev_sfx))
			continue;
		memcpy(l->name[l->n++], de->d_name, len + 1);
	}
	closedir(d);
	qsort(l->name, l->n, MS_ALERTQ_NAME, name_cmp);
	return 0;
}

void ms_alertq_list_release(struct ms_alertq_list *l)
{
	free(l->name);
	l->name = NULL;
	l->n = 0;
}

void ms_alertq_drop_staged(const char *qdir, struct ms_alertq_list *l)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i, n = 0;

	for (i = 0; i < l->n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s/%s", qdir, stage_dir,
			     l->name[i]) < (int)sizeof(path) &&
		    lstat(path, &st) == 0)
			continue;
		if (n != i)
			memcpy(l->name[n], l->name[i], MS_ALERTQ_NAME);
		n++;
	}
	l->n = n;
}

int ms_alertq_path(char *out, size_t size, const char *dir,
		   const char *leaf, struct ms_err *err)
{
	int n = snprintf(out, size, "%s/%s", dir, leaf);

	if (n < 0 || (size_t)n >= size)
		return ms_err_set(err, MS_E_TOOBIG, "path too long: '%s'", dir);
	return 0;
}

int ms_alertq_lock(const char *dir, const char *leaf, int op,
		   struct ms_err *err)
{
	char path[PATH_MAX];
	int fd, r;

	if ((r = ms_alertq_path(path, sizeof(path), dir, leaf, err)) < 0)
		return r;
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

int ms_alertq_name(char out[MS_ALERTQ_NAME], const char *kind,
		   const char *sfx)
{
	static unsigned seq;
	int n;

	n = snprintf(out, MS_ALERTQ_NAME, "%013lld-%d-%u-%s%s",
		     (long long)ms_wall_now(), (int)getpid(),
		     __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED), kind, sfx);
	return n < 0 || n >= MS_ALERTQ_NAME ? MS_E_TOOBIG : 0;
}

/* dir/sub, created 0700 when missing, refused when unsafe. */
static int subdir(char *out, size_t size, const char *dir, const char *sub,
		  struct ms_err *err)
{
	int r;

	if ((r = ms_alertq_path(out, size, dir, sub, err)) < 0)
		return r;
	return ms_dir_ensure(out, "alert queue", MS_DIR_DATA, err);
}

int ms_alertq_stage(const struct ms_alert_conf *ac, const char *leaf,
		    const void *data, size_t len, struct ms_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int r;

	if ((r = subdir(dir, sizeof(dir), ac->dir, stage_dir, err)) < 0 ||
	    (r = ms_alertq_path(path, sizeof(path), dir, leaf, err)) < 0)
		return r;
	return ms_file_replace(path, data, len, 0600, err);
}

/* Hard-link src as dir/leaf (already there is fine), fsync dir. */
static int link_into(const char *src, const char *dir, const char *leaf,
		     struct ms_err *err)
{
	char dst[PATH_MAX];
	int r;

	if ((r = ms_alertq_path(dst, sizeof(dst), dir, leaf, err)) < 0)
		return r;
	if (link(src, dst) < 0 && errno != EEXIST)
		return ms_err_sys(err, "cannot queue '%s' into '%s'", leaf,
				  dir);
	return ms_file_sync_dir(dst, err);
}

/* The destinations of one staged file: up to two directories. */
static int targets(const struct ms_alert_conf *ac, const char *leaf,
		   char dirs[2][PATH_MAX], struct ms_err *err)
{
	bool ev = ends_with(leaf, strlen(leaf), ms_alertq_ev_sfx);
	int n = 0, r;

	if (ac->mail && ev) {
		if ((r = subdir(dirs[n++], PATH_MAX, ac->dir, mail_dir,
				err)) < 0)
			return r;
	} else if (ac->mail) {
		snprintf(dirs[n++], PATH_MAX, "%s", ac->dir);
	}
	if (*ac->command &&
	    (r = subdir(dirs[n++], PATH_MAX, ac->dir, cmd_dir, err)) < 0)
		return r;
	return n;
}

static int fanout_one(const struct ms_alert_conf *ac, const char *stage,
		      const char *leaf, struct ms_err *err)
{
	char src[PATH_MAX], dirs[2][PATH_MAX];
	int i, n, r;

	if ((r = ms_alertq_path(src, sizeof(src), stage, leaf, err)) < 0 ||
	    (n = targets(ac, leaf, dirs, err)) <= 0)
		return r < 0 ? r : n;
	for (i = 0; i < n; i++)
		if ((r = link_into(src, dirs[i], leaf, err)) < 0)
			return r;
	/* Only once every destination holds it; durable before anyone can
	 * deliver and remove a copy, so it never comes back. */
	if (unlink(src) < 0 && errno != ENOENT)
		return ms_err_sys(err, "cannot remove '%s'", src);
	return ms_file_sync_dir(src, err);
}

int ms_alertq_fanout(const struct ms_alert_conf *ac, struct ms_err *err)
{
	struct ms_alertq_list l;
	char stage[PATH_MAX];
	size_t i;
	int r;

	if ((r = ms_alertq_path(stage, sizeof(stage), ac->dir, stage_dir,
				err)) < 0)
		return r;
	if ((r = ms_alertq_list(stage, NULL, 2 * MS_ALERT_BATCHES_MAX, &l,
				err)) < 0)
		goto out;
	for (i = 0; i < l.n && r == 0; i++)
		r = fanout_one(ac, stage, l.name[i], err);
out:
	ms_alertq_list_release(&l);
	return r;
}

static int count_in(const char *dir, const char *sfx, struct ms_err *err)
{
	struct ms_alertq_list l;
	int r;

	r = ms_alertq_list(dir, sfx, 2 * MS_ALERT_BATCHES_MAX, &l, err);
	if (r == 0)
		r = (int)l.n;
	ms_alertq_list_release(&l);
	return r;
}

int ms_alertq_waiting(const struct ms_alert_conf *ac, const char *sfx,
		      struct ms_err *err)
{
	bool ev = !strcmp(sfx, ms_alertq_ev_sfx);
	char path[PATH_MAX];
	int r, most = 0;

	if (ac->mail) {
		if ((r = ev ? ms_alertq_path(path, sizeof(path), ac->dir,
					     mail_dir, err) :
			      ms_alertq_path(path, sizeof(path), ac->dir, ".",
					     err)) < 0 ||
		    (r = count_in(path, sfx, err)) < 0)
			return r;
		most = r;
	}
	if (*ac->command) {
		if ((r = ms_alertq_path(path, sizeof(path), ac->dir, cmd_dir,
					err)) < 0 ||
		    (r = count_in(path, sfx, err)) < 0)
			return r;
		most = MS_MAX(most, r);
	}
	return most;
}

void ms_alertq_sweep_tmp(const char *dir)
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
		if (!ends_with(de->d_name, len, ".tmp") ||
		    ms_alertq_path(path, sizeof(path), dir, de->d_name,
				   NULL) < 0)
			continue;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (ms_msec_t)st.st_mtime * 1000 + TMP_STALE_MS <
		    ms_wall_now())
			unlink(path);
	}
	closedir(d);
}

/* Unlink each name listed in text (one a line) from dir. */
static void unlink_names(const char *dir, const char *text, size_t len)
{
	char path[PATH_MAX], leaf[MS_ALERTQ_NAME];
	const char *p = text, *end = text + len, *nl;

	for (; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		if (nl == p || nl - p >= MS_ALERTQ_NAME ||
		    memchr(p, '/', (size_t)(nl - p)))
			continue;
		memcpy(leaf, p, (size_t)(nl - p));
		leaf[nl - p] = '\0';
		if (ms_alertq_path(path, sizeof(path), dir, leaf, NULL) == 0)
			unlink(path);
	}
}

int ms_alertq_finish(const char *dir, struct ms_err *err)
{
	char path[PATH_MAX];
	struct ms_buf b;
	struct stat st;
	int r;

	if ((r = ms_alertq_path(path, sizeof(path), dir, sent_file, err)) < 0)
		return r;
	if (lstat(path, &st) < 0 && errno == ENOENT)
		return 0;
	ms_buf_init(&b, SENT_MAX);
	if ((r = ms_file_read(path, &b, NULL, err)) < 0)
		goto out;
	unlink_names(dir, b.p, b.len);
	if ((r = ms_file_sync_dir(path, err)) < 0)
		goto out;
	if (unlink(path) < 0)
		r = ms_err_sys(err, "cannot remove '%s'", path);
	else
		r = ms_file_sync_dir(path, err);
out:
	ms_buf_release(&b);
	return r;
}

int ms_alertq_remove(const char *dir, const struct ms_alertq_list *l,
		     size_t n, struct ms_err *err)
{
	char path[PATH_MAX];
	struct ms_buf b;
	size_t i;
	int r = 0;

	if ((r = ms_alertq_path(path, sizeof(path), dir, sent_file, err)) < 0)
		return r;
	ms_buf_init(&b, SENT_MAX);
	for (i = 0; i < n && r == 0; i++)
		r = ms_buf_printf(&b, "%s\n", l->name[i]);
	if (r < 0) {
		r = ms_err_set(err, r, "'%s': %s", path, ms_strerror(r));
	} else if ((r = ms_file_replace(path, b.p, b.len, 0600, err)) == 0) {
		r = ms_alertq_finish(dir, err);
	} else {
		/* No room for the record (a full disk): remove them all the
		 * same, unlink needs none; only a crash now resends. */
		unlink_names(dir, b.p, b.len);
		r = ms_file_sync_dir(path, err);
	}
	ms_buf_release(&b);
	return r;
}

void ms_alertq_rate_read(const char *path, ms_msec_t *last, long long *held)
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

int ms_alertq_rate_write(const char *path, ms_msec_t last, long long held,
			 struct ms_err *err)
{
	char line[64];
	int n;

	n = snprintf(line, sizeof(line), "%lld %lld\n", (long long)last, held);
	return ms_file_replace(path, line, (size_t)n, 0600, err);
}

void ms_alertq_set_aside(const char *path)
{
	char bad[PATH_MAX];

	if (snprintf(bad, sizeof(bad), "%s.bad", path) < (int)sizeof(bad))
		rename(path, bad);
}

int ms_alertq_load_events(const char *path, struct ms_buf *b, size_t *pos,
			  struct ms_err *err)
{
	size_t k = strlen(ms_alertfmt_ev_magic);
	int r;

	ms_buf_reset(b);
	if ((r = ms_file_read(path, b, NULL, err)) < 0)
		return r;
	if (b->len <= k || memcmp(b->p, ms_alertfmt_ev_magic, k) ||
	    b->p[k] != '\n')
		return ms_err_set(err, MS_E_PARSE, "'%s' is not a queue of "
				  "plant events, set aside as .bad", path);
	*pos = k + 1;
	return 0;
}

bool ms_alertq_next_event(const struct ms_buf *b, size_t *pos,
			  struct ms_alert_event *ev)
{
	const char *p, *nl;

	while (*pos < b->len) {
		p = b->p + *pos;
		if (!(nl = memchr(p, '\n', b->len - *pos)))
			nl = b->p + b->len;
		*pos = (size_t)(nl - b->p) + 1;
		if (ms_alertfmt_ev_parse(p, (size_t)(nl - p), ev) == 0)
			return true;
	}
	return false;
}

int ms_alertq_parse_alert(char *text, struct ms_alertq_alert *a)
{
	char *line = text, *nl;
	long long t = -1;

	memset(a, 0, sizeof(*a));
	while ((nl = strchr(line, '\n')) && nl != line) {
		*nl = '\0';
		if (!strncmp(line, "subject: ", 9))
			a->subject = line + 9;
		else if (!strncmp(line, "kind: ", 6))
			a->kind = line + 6;
		else if (!strncmp(line, "queued: ", 8) &&
			 ms_parse_ll(line + 8, 0, LLONG_MAX, &t) < 0)
			return MS_E_PARSE;
		line = nl + 1;
	}
	if (!nl || !a->subject || !a->kind || t < 0)
		return MS_E_PARSE;
	a->queued = t;
	a->body = nl + 1;
	return 0;
}

bool ms_alertq_digest_waits(const struct ms_alert_conf *ac, int64_t *due)
{
	ms_msec_t now = ms_wall_now(), last;
	char state[PATH_MAX];
	long long held;

	if (ms_alertq_path(state, sizeof(state), ac->dir,
			   ms_alertq_digest_state, NULL) < 0)
		return false;
	ms_alertq_rate_read(state, &last, &held);
	if (due)
		*due = last + ac->interval_ms;
	return last && now >= last && now - last < ac->interval_ms;
}
