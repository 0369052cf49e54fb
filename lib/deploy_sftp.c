/*
 * The SFTP deploy backend: lib/ssh logs in (host key checked against
 * known_hosts under SSH_HOST_KEY_POLICY, as for the CCAPs), then libssh's
 * SFTP client, blocking with the session timeout, does the file work.
 */
#include "deploy_dest.h"

#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <sys/stat.h>

#include "buf.h"
#include "mstime.h"

enum { CHUNK = 16384 };

static const char *fx_text(int code)
{
	switch (code) {
	case SSH_FX_NO_SUCH_FILE: return "no such file or directory";
	case SSH_FX_PERMISSION_DENIED: return "permission denied";
	case SSH_FX_FAILURE: return "failure";
	case SSH_FX_BAD_MESSAGE: return "bad message";
	case SSH_FX_NO_CONNECTION: return "no connection";
	case SSH_FX_CONNECTION_LOST: return "connection lost";
	case SSH_FX_OP_UNSUPPORTED: return "operation not supported";
	case SSH_FX_FILE_ALREADY_EXISTS: return "file already exists";
	case SSH_FX_WRITE_PROTECT: return "write protected";
	case SSH_FX_NO_MEDIA: return "no media";
	default: return NULL;
	}
}

static int sftp_fail(struct ms_deploy_dest *d, struct ms_err *err,
		     const char *what, const char *name)
{
	int code = sftp_get_error(d->sftp);
	const char *t = fx_text(code);

	if (!t)
		t = ssh_get_error(ms_ssh_session(d->ssh));
	return ms_err_set(err, MS_E_REMOTE, "sftp: cannot %s '%s/%s' on %s: "
			  "%s", what, d->dir, name, d->where, t);
}

static int path_of(struct ms_deploy_dest *d, const char *name, char *out,
		   size_t size, struct ms_err *err)
{
	int n = snprintf(out, size, "%s/%s", d->dir, name);

	if (n < 0 || (size_t)n >= size)
		return ms_err_set(err, MS_E_TOOBIG, "sftp: path too long");
	return 0;
}

static int s_put(struct ms_deploy_dest *d, const char *name, const void *data,
		 size_t len, struct ms_err *err)
{
	char path[PATH_MAX];
	const char *p = data;
	sftp_file f;
	size_t off = 0;
	ssize_t w;
	int r = 0;

	if ((r = path_of(d, name, path, sizeof(path), err)) < 0)
		return r;
	f = sftp_open(d->sftp, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!f)
		return sftp_fail(d, err, "create", name);
	while (off < len) {
		w = sftp_write(f, p + off, MS_MIN(len - off, (size_t)CHUNK));
		if (w <= 0) {
			r = sftp_fail(d, err, "write", name);
			break;
		}
		off += (size_t)w;
	}
	/* Durable before the rename makes it visible, where the server can. */
	if (r == 0 && sftp_extension_supported(d->sftp, "fsync@openssh.com",
					       "1") && sftp_fsync(f) < 0)
		r = sftp_fail(d, err, "sync", name);
	if (sftp_close(f) < 0 && r == 0)
		r = sftp_fail(d, err, "write", name);
	return r;
}

static int s_unlink(struct ms_deploy_dest *d, const char *name,
		    struct ms_err *err)
{
	char path[PATH_MAX];
	int r;

	if ((r = path_of(d, name, path, sizeof(path), err)) < 0)
		return r;
	if (sftp_unlink(d->sftp, path) < 0 &&
	    sftp_get_error(d->sftp) != SSH_FX_NO_SUCH_FILE)
		return sftp_fail(d, err, "remove", name);
	return 0;
}

static int s_rename(struct ms_deploy_dest *d, const char *from,
		    const char *to, struct ms_err *err)
{
	char a[PATH_MAX], b[PATH_MAX];
	sftp_attributes st;
	bool dir;
	int r;

	if ((r = path_of(d, from, a, sizeof(a), err)) < 0 ||
	    (r = path_of(d, to, b, sizeof(b), err)) < 0)
		return r;
	if (sftp_rename(d->sftp, a, b) == 0)
		return 0;
	/*
	 * SFTP version 3 (OpenSSH) renames with link(): it will not replace
	 * an existing file.  Then the old file (never a directory) goes
	 * first; the new name is missing only between these two requests.
	 */
	if (!(st = sftp_lstat(d->sftp, b)))
		return sftp_fail(d, err, "rename", from);
	dir = st->type == SSH_FILEXFER_TYPE_DIRECTORY;
	sftp_attributes_free(st);
	if (dir)
		return ms_err_set(err, MS_E_INVAL, "sftp: '%s' on %s is a "
				  "directory", b, d->where);
	if ((r = s_unlink(d, to, err)) < 0)
		return r;
	if (sftp_rename(d->sftp, a, b) < 0)
		return sftp_fail(d, err, "rename", from);
	return 0;
}

static int s_symlink(struct ms_deploy_dest *d, const char *target,
		     const char *name, struct ms_err *err)
{
	char path[PATH_MAX];
	int r;

	if ((r = path_of(d, name, path, sizeof(path), err)) < 0)
		return r;
	if (sftp_symlink(d->sftp, target, path) < 0)
		return sftp_fail(d, err, "link", name);
	return 0;
}

static int s_list(struct ms_deploy_dest *d, ms_deploy_list_fn fn, void *ctx,
		  struct ms_err *err)
{
	sftp_attributes a;
	sftp_dir dir = sftp_opendir(d->sftp, d->dir);
	int stop = 0;

	if (!dir)
		return sftp_fail(d, err, "list", ".");
	while (!stop && (a = sftp_readdir(d->sftp, dir))) {
		if (a->name)
			stop = fn(ctx, a->name, (int64_t)a->mtime,
				  a->type == SSH_FILEXFER_TYPE_REGULAR) < 0;
		sftp_attributes_free(a);
	}
	if (!stop && !sftp_dir_eof(dir)) {
		sftp_closedir(dir);
		return sftp_fail(d, err, "list", ".");
	}
	sftp_closedir(dir);
	return 0;
}

static int s_sync(struct ms_deploy_dest *d, struct ms_err *err)
{
	(void)d;
	(void)err;
	return 0;
}

static void s_close(struct ms_deploy_dest *d)
{
	if (d->sftp)
		sftp_free(d->sftp);
	d->sftp = NULL;
	ms_ssh_close(d->ssh);
	d->ssh = NULL;
}

static const struct ms_deploy_ops sftp_ops = {
	s_put, s_rename, s_symlink, s_unlink, s_list, s_sync, s_close
};

int ms_deploy_sftp_open(struct ms_deploy_dest *d,
			const struct ms_deploy_opts *o, struct ms_err *err)
{
	const struct ms_deploy_target *t = &o->target;
	struct ms_ssh_opts so;
	ms_msec_t now = ms_mono_now();
	sftp_attributes a;
	long secs = (long)MS_MAX(o->timeout_ms / 1000, 1);
	ssh_session ss;
	int r;

	d->ops = &sftp_ops;
	ms_strlcpy(d->dir, t->path, sizeof(d->dir));
	memset(&so, 0, sizeof(so));
	so.host = t->host;
	so.port = t->port;
	so.user = t->user[0] ? t->user : o->user;
	so.password = o->password;
	so.key_file = o->key_file && *o->key_file ? o->key_file : NULL;
	so.known_hosts = o->known_hosts;
	so.policy = o->policy;
	so.connect_deadline = now + o->timeout_ms;
	so.login_deadline = now + 2 * o->timeout_ms;
	so.no_shell = true;
	snprintf(d->where, sizeof(d->where), strchr(t->host, ':') ?
		 "[%s]:%d" : "%s:%d", t->host, t->port ? t->port : 22);
	if (!so.user || !*so.user)
		return ms_err_set(err, MS_E_INVAL, "sftp: no user for %s "
				  "(sftp://user@host/path or SSH_USER)",
				  d->where);
	if ((r = ms_ssh_open(&d->ssh, &so, err)) < 0) {
		ms_err_prefix(err, "sftp");
		return r;
	}
	ss = ms_ssh_session(d->ssh);
	/* One request at a time from here: blocking, each under the timeout. */
	ssh_options_set(ss, SSH_OPTIONS_TIMEOUT, &secs);
	ssh_set_blocking(ss, 1);
	if (!(d->sftp = sftp_new(ss)) || sftp_init(d->sftp) < 0)
		return ms_err_set(err, MS_E_PROTO, "sftp: cannot start the "
				  "SFTP subsystem on %s: %s", d->where,
				  ssh_get_error(ss));
	if (!(a = sftp_stat(d->sftp, d->dir)))
		return sftp_fail(d, err, "use", ".");
	r = a->type == SSH_FILEXFER_TYPE_DIRECTORY ? 0 :
		ms_err_set(err, MS_E_INVAL, "sftp: '%s' on %s is not a "
			   "directory", d->dir, d->where);
	sftp_attributes_free(a);
	return r;
}
