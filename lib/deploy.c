/*
 * Report deploy (see deploy.h): one sequence of steps over two backends, a
 * local directory (dirfd-relative calls) and SFTP (deploy_sftp.c).
 */
#include "deploy.h"

#include <dirent.h>
#include <sys/stat.h>

#include "buf.h"
#include "deploy_dest.h"
#include "file.h"
#include "num.h"
#include "site.h"

enum { OLD_NAMES_MAX = 4u << 20 };

/* --- the target --- */

static int parse_authority(const char *a, size_t len,
			   struct ms_deploy_target *t, struct ms_err *err)
{
	const char *at = memchr(a, '@', len), *h, *end = a + len, *colon;
	size_t hl;
	long long port;

	if (at) {
		if (at == a || (size_t)(at - a) >= sizeof(t->user))
			return ms_err_set(err, MS_E_INVAL, "bad user");
		memcpy(t->user, a, (size_t)(at - a));
		t->user[at - a] = '\0';
		h = at + 1;
	} else {
		h = a;
	}
	if (*h == '[') {
		colon = memchr(h, ']', (size_t)(end - h));
		if (!colon)
			return ms_err_set(err, MS_E_INVAL, "unclosed '['");
		hl = (size_t)(colon - h - 1);
		h++;
		colon++;
		if (colon < end && *colon != ':')
			return ms_err_set(err, MS_E_INVAL, "junk after ']'");
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		hl = (size_t)((colon ? colon : end) - h);
	}
	if (!hl || hl >= sizeof(t->host))
		return ms_err_set(err, MS_E_INVAL, "bad host");
	memcpy(t->host, h, hl);
	t->host[hl] = '\0';
	t->port = 0;
	if (colon && colon < end) {
		if (ms_parse_lln(colon + 1, (size_t)(end - colon - 1), 1,
				 65535, &port) < 0)
			return ms_err_set(err, MS_E_INVAL, "bad port");
		t->port = (int)port;
	}
	return 0;
}

int ms_deploy_parse(const char *s, struct ms_deploy_target *t,
		    struct ms_err *err)
{
	static const char scheme[] = "sftp://";
	const char *auth, *path;
	int r;

	memset(t, 0, sizeof(*t));
	if (!s || !*s)
		return ms_err_set(err, MS_E_INVAL, "no deploy target "
				  "(DEPLOY_TARGET or --deploy TARGET)");
	if (strncmp(s, scheme, sizeof(scheme) - 1)) {
		if (strstr(s, "://"))
			return ms_err_set(err, MS_E_INVAL, "deploy target "
					  "'%s': only sftp:// is supported",
					  s);
		if (ms_strlcpy(t->path, s, sizeof(t->path)) >= sizeof(t->path))
			return ms_err_set(err, MS_E_TOOBIG, "deploy target "
					  "too long");
		return 0;
	}
	t->sftp = true;
	auth = s + sizeof(scheme) - 1;
	path = strchr(auth, '/');
	if (!path || !path[0])
		return ms_err_set(err, MS_E_INVAL, "deploy target '%s': no "
				  "path (sftp://user@host[:port]/path)", s);
	if ((r = parse_authority(auth, (size_t)(path - auth), t, err)) < 0) {
		ms_err_prefix(err, "deploy target '%s'", s);
		return r;
	}
	if (ms_strlcpy(t->path, path, sizeof(t->path)) >= sizeof(t->path))
		return ms_err_set(err, MS_E_TOOBIG, "deploy target too long");
	return 0;
}

int ms_deploy_target_conf(const struct ms_conf *c, char *out, size_t size,
			  struct ms_err *err)
{
	const char *t = ms_conf_str(c, MS_CONF_DEPLOY_TARGET);
	const char *host = ms_conf_str(c, MS_CONF_DEPLOY_HOST);
	const char *path = ms_conf_str(c, MS_CONF_DEPLOY_PATH);
	int n;

	if (*t || !ms_conf_bool(c, MS_CONF_DEPLOY_ENABLE))
		n = snprintf(out, size, "%s", t);
	else if (!*host || path[0] != '/')
		return ms_err_set(err, MS_E_INVAL, "DEPLOY_ENABLE needs "
				  "DEPLOY_HOST (WEB_SERVER) and an absolute "
				  "DEPLOY_PATH (WEB_PATH)");
	else
		n = snprintf(out, size, "sftp://%s%s", host, path);
	if (n < 0 || (size_t)n >= size)
		return ms_err_set(err, MS_E_TOOBIG, "deploy target too long");
	return 0;
}

int ms_deploy_opts_from_conf(struct ms_deploy_opts *o,
			     const struct ms_conf *c, const char *target,
			     char *kh, size_t khsize, struct ms_err *err)
{
	const char *pw = ms_conf_str(c, MS_CONF_DEPLOY_PASSWORD);
	const char *key = ms_conf_str(c, MS_CONF_DEPLOY_KEY_FILE);
	char conf_target[MS_DEPLOY_TARGET_MAX];
	int r;

	memset(o, 0, sizeof(*o));
	if (!target) {
		if ((r = ms_deploy_target_conf(c, conf_target,
					       sizeof(conf_target), err)) < 0)
			return r;
		target = conf_target;
	}
	if ((r = ms_deploy_parse(target, &o->target, err)) < 0)
		return r;
	o->keep_days = (int)ms_conf_int(c, MS_CONF_DEPLOY_KEEP_DAYS);
	o->now = time(NULL);
	o->user = ms_conf_str(c, MS_CONF_SSH_USER);
	o->password = *pw ? pw : ms_conf_str(c, MS_CONF_SSH_PASSWORD);
	o->key_file = *key ? key : ms_conf_str(c, MS_CONF_SSH_KEY_FILE);
	o->timeout_ms = ms_conf_int(c, MS_CONF_DEPLOY_TIMEOUT) * 1000;
	if (ms_ssh_policy_parse(ms_conf_str(c, MS_CONF_SSH_HOST_KEY_POLICY),
				&o->policy) < 0)
		return ms_err_set(err, MS_E_INVAL, "bad SSH_HOST_KEY_POLICY");
	if (ms_conf_path(c, MS_CONF_SSH_KNOWN_HOSTS, "known_hosts", kh,
			 khsize) < 0)
		return ms_err_set(err, MS_E_TOOBIG, "SSH_KNOWN_HOSTS: path "
				  "too long");
	o->known_hosts = kh;
	return 0;
}

/* --- the local backend --- */

static int local_put(struct ms_deploy_dest *d, const char *name,
		     const void *data, size_t len, struct ms_err *err)
{
	int fd = openat(d->dfd, name, O_WRONLY | O_CREAT | O_TRUNC |
			O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd < 0)
		return ms_err_sys(err, "cannot create '%s/%s'", d->where,
				  name);
	if (ms_file_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		ms_err_sys(err, "cannot write '%s/%s'", d->where, name);
		close(fd);
		return MS_E_SYS;
	}
	if (close(fd) < 0)
		return ms_err_sys(err, "cannot write '%s/%s'", d->where, name);
	return 0;
}

static int local_rename(struct ms_deploy_dest *d, const char *from,
			const char *to, struct ms_err *err)
{
	if (renameat(d->dfd, from, d->dfd, to) < 0)
		return ms_err_sys(err, "cannot rename '%s/%s' to '%s'",
				  d->where, from, to);
	return 0;
}

static int local_symlink(struct ms_deploy_dest *d, const char *target,
			 const char *name, struct ms_err *err)
{
	if (symlinkat(target, d->dfd, name) < 0)
		return ms_err_sys(err, "cannot link '%s/%s'", d->where, name);
	return 0;
}

static int local_unlink(struct ms_deploy_dest *d, const char *name,
			struct ms_err *err)
{
	if (unlinkat(d->dfd, name, 0) < 0 && errno != ENOENT)
		return ms_err_sys(err, "cannot remove '%s/%s'", d->where,
				  name);
	return 0;
}

static int local_list(struct ms_deploy_dest *d, ms_deploy_list_fn fn,
		      void *ctx, struct ms_err *err)
{
	struct dirent *e;
	struct stat st;
	DIR *dir;
	int fd = dup(d->dfd);

	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return ms_err_sys(err, "cannot list '%s'", d->where);
	}
	rewinddir(dir);
	while ((e = readdir(dir))) {
		if (fstatat(d->dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (fn(ctx, e->d_name, st.st_mtime, S_ISREG(st.st_mode)) < 0)
			break;
	}
	closedir(dir);
	return 0;
}

static int local_sync(struct ms_deploy_dest *d, struct ms_err *err)
{
	if (fsync(d->dfd) < 0 && errno != EINVAL)
		return ms_err_sys(err, "cannot sync '%s'", d->where);
	return 0;
}

static void local_close(struct ms_deploy_dest *d)
{
	if (d->dfd >= 0)
		close(d->dfd);
	d->dfd = -1;
}

static const struct ms_deploy_ops local_ops = {
	local_put, local_rename, local_symlink, local_unlink, local_list,
	local_sync, local_close
};

static int local_open(struct ms_deploy_dest *d, const struct ms_deploy_opts *o,
		      struct ms_err *err)
{
	d->ops = &local_ops;
	ms_strlcpy(d->where, o->target.path, sizeof(d->where));
	d->dfd = open(o->target.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->dfd < 0)
		return ms_err_sys(err, "deploy directory '%s'",
				  o->target.path);
	return 0;
}

/* --- the steps --- */

static int tmp_name(char *out, size_t size, const char *name)
{
	int n = snprintf(out, size, ".%s.tmp", name);

	return n < 0 || (size_t)n >= size ? MS_E_TOOBIG : 0;
}

/* All files under their temporary names, then all renamed. */
static int publish(struct ms_deploy_dest *d, const struct ms_deploy_file *f,
		   size_t n, struct ms_deploy_result *res, struct ms_err *err)
{
	char tmp[MS_DEPLOY_FILES_MAX][NAME_MAX + 1];
	size_t staged = 0, i;
	int r = 0;

	for (i = 0; i < n && r >= 0; i++) {
		if (strchr(f[i].name, '/') || tmp_name(tmp[i], sizeof(tmp[i]),
						       f[i].name) < 0) {
			r = ms_err_set(err, MS_E_INVAL, "bad file name '%s'",
				       f[i].name);
			break;
		}
		r = d->ops->put(d, tmp[i], f[i].data, f[i].len, err);
		staged = i + 1;
	}
	for (i = 0; i < n && r >= 0; i++) {
		if ((r = d->ops->rename(d, tmp[i], f[i].name, err)) >= 0)
			res->written++;
	}
	if (r < 0) {
		/* A failed put may have left its file: remove every one. */
		for (i = res->written; i < staged; i++)
			d->ops->unlink(d, tmp[i], NULL);
		return r;
	}
	return d->ops->sync(d, err);
}

/* latest.EXT -> name, as a link, else as a copy; both replace atomically. */
static int latest(struct ms_deploy_dest *d, const struct ms_deploy_file *f,
		  bool *links, struct ms_err *err)
{
	const char *ext = strrchr(f->name, '.');
	char link[NAME_MAX + 1], tmp[NAME_MAX + 1];
	int r;

	if (f->latest)
		snprintf(link, sizeof(link), "%s", f->latest);
	else if (ext)
		snprintf(link, sizeof(link), "latest%s", ext);
	else
		return 0;
	if (strchr(link, '/') || tmp_name(tmp, sizeof(tmp), link) < 0)
		return ms_err_set(err, MS_E_INVAL, "bad link name '%s'", link);
	d->ops->unlink(d, tmp, NULL);
	if (*links && d->ops->symlink(d, f->name, tmp, NULL) >= 0) {
		if ((r = d->ops->rename(d, tmp, link, err)) < 0)
			d->ops->unlink(d, tmp, NULL);
		return r;
	}
	*links = false;
	if ((r = d->ops->put(d, tmp, f->data, f->len, err)) < 0 ||
	    (r = d->ops->rename(d, tmp, link, err)) < 0)
		d->ops->unlink(d, tmp, NULL);
	return r;
}

struct sweep {
	const struct ms_deploy_file *f;
	size_t n;
	int64_t before;
	struct ms_buf names;	/* NUL-separated names to remove */
	struct ms_site_day *days;	/* day pages that stay (site only) */
	size_t ndays;
};

/* A day page that stays goes into the site's index. */
static void sweep_day(struct sweep *s, const char *name)
{
	if (s->days && s->ndays < MS_SITE_DAYS_MAX &&
	    ms_site_page_date(name, s->days[s->ndays].date))
		s->ndays++;
}

/* modscan's report files and the legacy tool's published JSON. */
static bool expires(const char *name)
{
	static const char web[] = "_web.json";
	size_t n = strlen(name), w = sizeof(web) - 1;

	if (!strncmp(name, MS_RENDER_PREFIX, strlen(MS_RENDER_PREFIX)))
		return true;
	return !strncmp(name, MS_LEGACY_PREFIX, strlen(MS_LEGACY_PREFIX)) &&
	       n > w && !strcmp(name + n - w, web) &&
	       strcmp(name, MS_LEGACY_LATEST);
}

static int sweep_one(void *ctx, const char *name, int64_t mtime, bool reg)
{
	struct sweep *s = ctx;
	size_t i;

	if (!reg)
		return 0;
	for (i = 0; i < s->n; i++)
		if (!strcmp(name, s->f[i].name))
			break;
	if (i < s->n || mtime >= s->before || !expires(name)) {
		sweep_day(s, name);
		return 0;
	}
	return ms_buf_add(&s->names, name, strlen(name) + 1);
}

/* index.html of the day pages that stay, replaced atomically. */
static int site_index(struct ms_deploy_dest *d, const struct ms_deploy_opts *o,
		      struct ms_site_day *days, size_t n, struct ms_err *err)
{
	static const char name[] = "index.html", tmp[] = ".index.html.tmp";
	struct ms_buf b;
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		ms_site_day_load(&days[i], o->site_dir);
	ms_buf_init(&b, MS_RENDER_MAX);
	if ((r = ms_site_index(days, n, o->site_title ? o->site_title : "",
			       o->site_footer ? o->site_footer : "", &b,
			       err)) >= 0 &&
	    ((r = d->ops->put(d, tmp, b.p, b.len, err)) < 0 ||
	     (r = d->ops->rename(d, tmp, name, err)) < 0))
		d->ops->unlink(d, tmp, NULL);
	ms_buf_release(&b);
	return r;
}

static int housekeeping(struct ms_deploy_dest *d,
			const struct ms_deploy_opts *o,
			const struct ms_deploy_file *f, size_t n,
			struct ms_deploy_result *res, struct ms_err *err)
{
	struct sweep s = { .f = f, .n = n };
	const char *p;
	int r;

	/* keep_days 0: nothing expires (ms_deploy_index) */
	s.before = o->keep_days > 0 ? (int64_t)o->now -
				      (int64_t)o->keep_days * 86400 : INT64_MIN;
	ms_buf_init(&s.names, OLD_NAMES_MAX);
	if (o->site_dir && !(s.days = calloc(MS_SITE_DAYS_MAX,
					     sizeof(*s.days)))) {
		ms_buf_release(&s.names);
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	}
	r = d->ops->list(d, sweep_one, &s, err);
	if (r >= 0 && o->site_dir)
		r = site_index(d, o, s.days, s.ndays, err);
	free(s.days);
	for (p = s.names.p; r >= 0 && p && p < s.names.p + s.names.len;
	     p += strlen(p) + 1) {
		if ((r = d->ops->unlink(d, p, err)) >= 0)
			res->removed++;
	}
	ms_buf_release(&s.names);
	return r;
}

int ms_deploy(const struct ms_deploy_opts *o,
	      const struct ms_deploy_file *files, size_t n,
	      struct ms_deploy_result *res, struct ms_err *err)
{
	struct ms_deploy_dest d = { .dfd = -1 };
	size_t i;
	int r;

	memset(res, 0, sizeof(*res));
	res->links = true;
	if (n > MS_DEPLOY_FILES_MAX)
		return ms_err_set(err, MS_E_INVAL, "too many files to deploy");
	r = o->target.sftp ? ms_deploy_sftp_open(&d, o, err)
			   : local_open(&d, o, err);
	if (r < 0)
		goto out;
	if ((r = publish(&d, files, n, res, err)) < 0)
		goto out;
	for (i = 0; i < n && r >= 0; i++)
		r = latest(&d, &files[i], &res->links, err);
	if (r >= 0)
		r = housekeeping(&d, o, files, n, res, err);
	if (r >= 0)
		r = d.ops->sync(&d, err);
out:
	if (d.ops)
		d.ops->close(&d);
	return r;
}

int ms_deploy_index(const struct ms_deploy_opts *o, struct ms_err *err)
{
	struct ms_deploy_dest d = { .dfd = -1 };
	struct ms_deploy_result res = { 0 };
	struct ms_deploy_opts io = *o;
	int r;

	io.keep_days = 0;
	if (!io.site_dir)
		return ms_err_set(err, MS_E_INVAL, "no site directory");
	r = io.target.sftp ? ms_deploy_sftp_open(&d, &io, err)
			   : local_open(&d, &io, err);
	if (r >= 0)
		r = housekeeping(&d, &io, NULL, 0, &res, err);
	if (r >= 0)
		r = d.ops->sync(&d, err);
	if (d.ops)
		d.ops->close(&d);
	return r;
}
