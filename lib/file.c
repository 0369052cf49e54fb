/* Safe file handling (see file.h). */
#include "file.h"

#include <libgen.h>

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

int ms_file_replace(const char *path, const void *data, size_t len,
		    mode_t mode, struct ms_err *err)
{
	char tmp[PATH_MAX];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return ms_err_set(err, MS_E_TOOBIG, "path too long: '%s'",
				  path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  mode);
	if (fd < 0)
		return ms_err_sys(err, "cannot create '%s'", tmp);
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

int ms_dir_private(const char *dir, struct ms_err *err)
{
	struct stat st;
	int r;

	if ((r = ms_dir_make(dir, 0700, err)) < 0)
		return r;
	if (lstat(dir, &st) < 0)
		return ms_err_sys(err, "cannot stat '%s'", dir);
	if (!S_ISDIR(st.st_mode))
		return ms_err_set(err, MS_E_INVAL, "'%s' is not a directory",
				  dir);
	if (st.st_uid != geteuid())
		return ms_err_set(err, MS_E_INVAL,
				  "'%s' is owned by uid %u, not by us (%u)",
				  dir, (unsigned)st.st_uid,
				  (unsigned)geteuid());
	if ((st.st_mode & 077) && chmod(dir, 0700) < 0)
		return ms_err_sys(err, "cannot chmod 0700 '%s'", dir);
	return 0;
}
