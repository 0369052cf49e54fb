/*
 * Single-instance lock (see lock.h).  The flock, not the pid written into
 * the file, is the truth: the pid is only there to name the holder.
 */
#include "lock.h"

#include <sys/file.h>
#include <sys/stat.h>

#include "file.h"
#include "num.h"

enum { LOCK_RETRIES = 5, PID_TEXT_MAX = 32 };

/* The pid written in the file behind fd, 0 if there is none yet. */
static pid_t read_pid(int fd)
{
	char text[PID_TEXT_MAX];
	long long v;
	ssize_t n;

	n = pread(fd, text, sizeof(text) - 1, 0);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	text[strcspn(text, "\n")] = '\0';
	if (ms_parse_ll(text, 1, INT_MAX, &v) < 0)
		return 0;
	return (pid_t)v;
}

/* Whether fd is still the file at path (a releasing holder unlinks it). */
static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && lstat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int busy(int fd, const char *path, struct ms_err *err)
{
	pid_t pid = read_pid(fd);

	if (pid)
		return ms_err_set(err, MS_E_BUSY, "'%s' is held by pid %ld",
				  path, (long)pid);
	return ms_err_set(err, MS_E_BUSY, "'%s' is held by another process",
			  path);
}

/* Open and flock path; retried when the file was replaced meanwhile. */
static int lock_file(const char *path, struct ms_err *err)
{
	int fd, i;

	for (i = 0; i < LOCK_RETRIES; i++) {
		fd = ms_file_open(path, O_RDWR | O_CREAT, 0644, err);
		if (fd < 0)
			return fd;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int r = errno == EWOULDBLOCK ? busy(fd, path, err) :
				ms_err_sys(err, "cannot lock '%s'", path);

			close(fd);
			return r;
		}
		if (same_file(fd, path))
			return fd;
		close(fd);
	}
	return ms_err_set(err, MS_E_BUSY, "'%s' keeps being replaced", path);
}

int ms_lock_acquire(struct ms_lock *l, const char *path, struct ms_err *err)
{
	char text[PID_TEXT_MAX];
	int fd, n;

	l->fd = -1;
	if (snprintf(l->path, sizeof(l->path), "%s", path) >=
	    (int)sizeof(l->path))
		return ms_err_set(err, MS_E_TOOBIG, "path too long: '%s'",
				  path);
	if ((fd = lock_file(path, err)) < 0)
		return fd;
	n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)n, 0) != n) {
		int r = ms_err_sys(err, "cannot write pid to '%s'", path);

		close(fd);
		return r;
	}
	l->fd = fd;
	return 0;
}

void ms_lock_release(struct ms_lock *l)
{
	if (l->fd < 0)
		return;
	/* Unlink while still holding it: a waiter then sees a moved file. */
	if (same_file(l->fd, l->path))
		unlink(l->path);
	close(l->fd);
	l->fd = -1;
}

int ms_lock_holder(const char *path, pid_t *pid, struct ms_err *err)
{
	int fd, r;

	*pid = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return ms_err_sys(err, "cannot open lock file '%s'", path);
	/* A shared probe: if it is granted nobody holds the lock; drop it. */
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		flock(fd, LOCK_UN);
		r = 0;
	} else if (errno == EWOULDBLOCK) {
		*pid = read_pid(fd);
		r = 1;
	} else {
		r = ms_err_sys(err, "cannot probe lock '%s'", path);
	}
	close(fd);
	return r;
}
