/* Safe file handling (see file.h). */
#include "file.h"

#include <grp.h>
#include <libgen.h>
#include <pwd.h>

int ms_file_read(const char *path, struct ms_buf *b, struct stat *st,
		 struct ms_err *err)
{
	struct stat sb;
	int fd, r = 0;
	ssize_t n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return ms_err_sys(err, "cannot open '%s'", path);
	if (fstat(fd, &sb) < 0) {
		r = ms_err_sys(err, "cannot stat '%s'", path);
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		errno = EISDIR;
		r = ms_err_sys(err, "cannot read '%s'", path);
		goto out;
	}
	for (;;) {
		size_t room = b->max - b->len;
		char probe;

		if (room == 0) {
			/* full: one more byte means the file is too big */
			if (read(fd, &probe, 1) == 0)
				break;
			r = ms_err_set(err, MS_E_TOOBIG,
				       "'%s' is larger than %zu bytes", path,
				       b->max);
			goto out;
		}
		if ((r = ms_buf_reserve(b, MS_MIN((size_t)4096, room))) < 0) {
			r = ms_err_set(err, r, "cannot read '%s': %s", path,
				       ms_strerror(r));
			goto out;
		}
		n = read(fd, b->p + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = ms_err_sys(err, "cannot read '%s'", path);
			goto out;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->p[b->len] = '\0';
	}
	if (st)
		*st = sb;
	r = 0;
out:
	close(fd);
	return r;
}

int ms_file_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return MS_E_SYS;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ms_file_sync_dir(const char *path, struct ms_err *err)
{
	char copy[PATH_MAX];
	int fd, r = 0;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return ms_err_set(err, MS_E_TOOBIG, "path too long: '%s'",
				  path);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ms_err_sys(err, "cannot open directory of '%s'", path);
	if (fsync(fd) < 0 && errno != EINVAL)
		r = ms_err_sys(err, "cannot sync directory of '%s'", path);
	close(fd);
	return r;
}

/* A link at path: refuse it with one line, never follow it. */
static int refuse_link(const char *path, struct ms_err *err)
{
	return ms_err_set(err, MS_E_INVAL, "'%s' is a symbolic link: remove "
			  "it, modscan does not follow links there", path);
}

static bool is_link(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

int ms_file_no_link(const char *path, struct ms_err *err)
{
	return is_link(path) ? refuse_link(path, err) : 0;
}

int ms_file_open(const char *path, int flags, mode_t mode,
		 struct ms_err *err)
{
	int fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW, mode);

	if (fd >= 0)
		return fd;
	/* O_NOFOLLOW fails with ELOOP, O_EXCL with EEXIST on a link */
	if ((errno == ELOOP || errno == EEXIST) && is_link(path))
		return refuse_link(path, err);
	return ms_err_sys(err, "cannot %s '%s'",
			  flags & O_EXCL ? "create" : "open", path);
}

/* "<path>.tmp", exclusively; a stale one of ours (a crash) goes first. */
static int open_tmp(const char *tmp, mode_t mode, struct ms_err *err)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL;
	struct stat st;
	int fd;

	if ((fd = ms_file_open(tmp, flags, mode, err)) >= 0 ||
	    fd != MS_E_SYS || errno != EEXIST)
		return fd;
	if (lstat(tmp, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid())
		return ms_err_set(err, MS_E_INVAL, "'%s' is in the way and "
				  "not ours: remove it", tmp);
	if (unlink(tmp) < 0)
		return ms_err_sys(err, "cannot remove the stale '%s'", tmp);
	return ms_file_open(tmp, flags, mode, err);
}

int ms_file_replace(const char *path, const void *data, size_t len,
		    mode_t mode, struct ms_err *err)
{
	char tmp[PATH_MAX];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return ms_err_set(err, MS_E_TOOBIG, "path too long: '%s'",
				  path);
	if ((r = ms_file_no_link(path, err)) < 0)
		return r;
	if ((fd = open_tmp(tmp, mode, err)) < 0)
		return fd;
	if (ms_file_write_all(fd, data, len) < 0) {
		r = ms_err_sys(err, "cannot write '%s'", tmp);
		goto fail;
	}
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0) {
		r = ms_err_sys(err, "cannot sync '%s'", tmp);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = ms_err_sys(err, "cannot write '%s'", tmp);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		r = ms_err_sys(err, "cannot rename '%s' to '%s'", tmp, path);
		goto fail;
	}
	return ms_file_sync_dir(path, err);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}

int ms_dir_make(const char *dir, mode_t mode, struct ms_err *err)
{
	char path[PATH_MAX];
	size_t i, len;

	len = (size_t)snprintf(path, sizeof(path), "%s", dir);
	if (len >= sizeof(path))
		return ms_err_set(err, MS_E_TOOBIG, "path too long: '%s'",
				  dir);
	for (i = 1; i < len; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return ms_err_sys(err, "cannot create '%s'", path);
		path[i] = '/';
	}
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return ms_err_sys(err, "cannot create '%s'", path);
	return 0;
}

/*
 * Directories whose mode or contents belong to the whole system: refused
 * by name for every role, whatever their mode, because one typo there
 * (RUN_DIR=/var/lib) must not turn the host's directory into modscan's.
 */
static const char *const system_dirs[] = {
	"/", "/bin", "/boot", "/dev", "/dev/shm", "/etc", "/home", "/lib",
	"/lib64", "/media", "/mnt", "/opt", "/proc", "/root", "/run",
	"/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib",
	"/usr/local", "/usr/sbin", "/usr/share", "/var", "/var/cache",
	"/var/lib", "/var/log", "/var/run", "/var/spool", "/var/tmp",
};

/* How to fix a directory that cannot be made safe in place, per role. */
static const char *const own_dir_fix[] = {
	[MS_DIR_RUN] = "give modscan a directory of its own, e.g. "
		       "/var/lib/modscan",
	[MS_DIR_DATA] = "give modscan a directory of its own (mode 0700)",
	[MS_DIR_PUBLISH] = "use a directory that only its owner can write",
	[MS_DIR_RUN_READ] = "give modscan a directory of its own, e.g. "
			    "/var/lib/modscan",
};

/* path without repeated slashes, "." components and a trailing slash */
static void tidy(const char *path, char *out, size_t size)
{
	size_t n = 0;
	const char *p = path;

	while (*p && n + 1 < size) {
		if (p[0] == '/' && (p[1] == '/' || (p[1] == '.' &&
			(p[2] == '/' || !p[2])))) {
			p += p[1] == '/' ? 1 : 2;
			continue;
		}
		out[n++] = *p++;
	}
	while (n > 1 && out[n - 1] == '/')
		n--;
	out[n] = '\0';
}

/*
 * MS_E_INVAL when dir names a system directory, by its text or (for "..",
 * links in parents, a relative path) by where it resolves to.
 */
static int refuse_system(const char *dir, const char *label,
			 enum ms_dir_role role, struct ms_err *err)
{
	char t[PATH_MAX], real[PATH_MAX];
	const char *s;
	size_t i;

	tidy(dir, t, sizeof(t));
	if (!realpath(dir, real))
		real[0] = '\0';
	for (i = 0; i < MS_ARRAY_SIZE(system_dirs); i++) {
		s = system_dirs[i];
		if (!strcmp(t, s))
			return ms_err_set(err, MS_E_INVAL, "%s '%s' is a "
					  "system directory: %s", label, dir,
					  own_dir_fix[role]);
		if (!strcmp(real, s))
			return ms_err_set(err, MS_E_INVAL, "%s '%s' is the "
					  "system directory '%s': %s", label,
					  dir, s, own_dir_fix[role]);
	}
	return 0;
}

/*
 * An ancestor that others may write, without the sticky bit that /tmp
 * has, lets them rename dir away and put their own in its place.
 */
static int refuse_open_parent(const char *dir, const char *label,
			      enum ms_dir_role role, struct ms_err *err)
{
	char real[PATH_MAX], *slash;
	struct stat st;

	if (!realpath(dir, real))
		return 0;
	while ((slash = strrchr(real, '/')) && slash[1]) {
		slash[slash == real] = '\0';
		if (stat(real, &st) == 0 && (st.st_mode & S_IWOTH) &&
		    !(st.st_mode & S_ISVTX))
			return ms_err_set(err, MS_E_INVAL, "%s '%s' is inside "
					  "'%s', which anyone can write (mode "
					  "%04o): %s", label, dir, real,
					  (unsigned)st.st_mode & 07777,
					  own_dir_fix[role]);
	}
	return 0;
}

/* "uid 1001 ('name')", or with kind 'g' "gid 1001 ('name')", for messages */
static const char *who(char kind, unsigned id, char *out, size_t size)
{
	struct passwd pw, *pr = NULL;
	struct group gr, *gres = NULL;
	const char *name = NULL;
	char buf[4096];

	if (kind == 'u' && getpwuid_r(id, &pw, buf, sizeof(buf), &pr) == 0 &&
	    pr)
		name = pr->pw_name;
	if (kind == 'g' && getgrgid_r(id, &gr, buf, sizeof(buf), &gres) == 0 &&
	    gres)
		name = gres->gr_name;
	if (name)
		snprintf(out, size, "%cid %u ('%s')", kind, id, name);
	else
		snprintf(out, size, "%cid %u", kind, id);
	return out;
}

static int bad_owner(const char *dir, const char *label,
		     enum ms_dir_role role, uid_t uid, struct ms_err *err)
{
	char owner[128], me[128];

	who('u', uid, owner, sizeof(owner));
	who('u', geteuid(), me, sizeof(me));
	return ms_err_set(err, MS_E_INVAL, "%s '%s' belongs to %s, not to "
			  "%s%s that runs modscan: chown it, or %s", label,
			  dir, owner, role == MS_DIR_PUBLISH ? "root or " : "",
			  me, own_dir_fix[role]);
}

/* We are in group gid: our effective gid or a supplementary one. */
static bool in_group(gid_t gid)
{
	int n = getgroups(0, NULL), i;
	bool in = gid == getegid();
	gid_t *list;

	if (in || n <= 0 || !(list = calloc((size_t)n, sizeof(*list))))
		return in;
	n = getgroups(n, list);
	for (i = 0; i < n && !in; i++)
		in = list[i] == gid;
	free(list);
	return in;
}

/* MS_DIR_RUN_READ: another user's directory that its group lets us read */
static bool group_reads(const struct stat *st)
{
	return (st->st_mode & (S_IRGRP | S_IXGRP)) == (S_IRGRP | S_IXGRP) &&
	       in_group(st->st_gid);
}

static int bad_reader(const char *dir, const char *label,
		      const struct stat *st, struct ms_err *err)
{
	char owner[128], me[128], grp[160];

	who('u', st->st_uid, owner, sizeof(owner));
	who('u', geteuid(), me, sizeof(me));
	who('g', st->st_gid, grp, sizeof(grp));
	return ms_err_set(err, MS_E_INVAL, "%s '%s' belongs to %s, and %s "
			  "that reads it cannot through its group %s (mode "
			  "%04o): make it 0750 with a group this user is in, "
			  "or run as its owner", label, dir, owner, me, grp,
			  (unsigned)st->st_mode & 07777);
}

/* The rules on what lstat found; see file.h. */
static int judge(const char *dir, const char *label, enum ms_dir_role role,
		 const struct stat *st, struct ms_err *err)
{
	unsigned mode = (unsigned)st->st_mode & 07777;
	mode_t closed = role == MS_DIR_DATA ? 077
			: role == MS_DIR_PUBLISH ? 0 : 007;

	if (S_ISLNK(st->st_mode))
		return ms_err_set(err, MS_E_INVAL, "%s '%s' is a symbolic "
				  "link: name the directory itself, modscan "
				  "does not follow links there", label, dir);
	if (!S_ISDIR(st->st_mode))
		return ms_err_set(err, MS_E_INVAL, "%s '%s' is not a "
				  "directory: %s", label, dir,
				  own_dir_fix[role]);
	if (st->st_mode & (S_ISVTX | S_IWOTH))
		return ms_err_set(err, MS_E_INVAL, "%s '%s' is shared (mode "
				  "%04o): %s", label, dir, mode,
				  own_dir_fix[role]);
	if (st->st_mode & S_IWGRP)
		return ms_err_set(err, MS_E_INVAL, "%s '%s' is writable by "
				  "its group (mode %04o): chmod g-w it, or %s",
				  label, dir, mode, own_dir_fix[role]);
	if (refuse_system(dir, label, role, err) < 0 ||
	    refuse_open_parent(dir, label, role, err) < 0)
		return MS_E_INVAL;
	if (role == MS_DIR_RUN_READ && st->st_uid != geteuid() &&
	    !group_reads(st))
		return bad_reader(dir, label, st, err);
	if (st->st_uid != geteuid() && role != MS_DIR_RUN_READ &&
	    (role != MS_DIR_PUBLISH || st->st_uid != 0))
		return bad_owner(dir, label, role, st->st_uid, err);
	if (st->st_mode & closed)
		return ms_err_set(err, MS_E_INVAL, "%s '%s' is open to %s "
				  "(mode %04o): chmod %s it", label, dir,
				  role == MS_DIR_DATA ? "its group or others"
						      : "others",
				  mode, role == MS_DIR_DATA ? "0700" : "o-rwx");
	return 0;
}

int ms_file_dir_check(const char *path, const char *label,
		      struct ms_err *err)
{
	char copy[PATH_MAX];
	const char *dir;
	struct stat st;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return ms_err_set(err, MS_E_TOOBIG, "%s: path too long", label);
	dir = dirname(copy);
	/* links in the way to the directory are fine: the file's is not */
	if (stat(dir, &st) < 0 || !(st.st_mode & (S_ISVTX | S_IWOTH)))
		return 0;
	return ms_err_set(err, MS_E_INVAL, "%s '%s' is in a shared directory "
			  "(mode %04o): put it in a directory of its own, "
			  "e.g. under RUN_DIR", label, path,
			  (unsigned)st.st_mode & 07777);
}

int ms_dir_check(const char *dir, const char *label, enum ms_dir_role role,
		 struct ms_err *err)
{
	struct stat st;

	if (!*dir)
		return ms_err_set(err, MS_E_INVAL, "%s is empty: %s", label,
				  own_dir_fix[role]);
	if (lstat(dir, &st) == 0)
		return judge(dir, label, role, &st, err);
	if (errno != ENOENT)
		return ms_err_sys(err, "%s: cannot stat '%s'", label, dir);
	if (refuse_system(dir, label, role, err) < 0)
		return MS_E_INVAL;
	return ms_err_set(err, MS_E_NOENT, "%s '%s' does not exist", label,
			  dir);
}

int ms_dir_ensure(const char *dir, const char *label, enum ms_dir_role role,
		  struct ms_err *err)
{
	int r = ms_dir_check(dir, label, role, err);

	if (r != MS_E_NOENT)
		return r;
	/* mkdir never touches an existing directory: check what is there */
	r = ms_dir_make(dir, role == MS_DIR_PUBLISH ? 0755 : 0700, err);
	if (r < 0) {
		ms_err_prefix(err, "%s", label);
		return r;
	}
	return ms_dir_check(dir, label, role, err);
}
