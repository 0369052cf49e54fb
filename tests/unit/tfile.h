/*
 * Scratch files for the unit tests: a private temporary directory, files
 * written in it with a given mode, and its removal at the end.
 */
#ifndef MS_TFILE_H
#define MS_TFILE_H

#include <ftw.h>
#include <sys/stat.h>

#include "ms.h"

static char t_dir[64];

/* A fresh directory under /tmp (aborts the test run if impossible). */
static inline const char *t_tmpdir(void)
{
	snprintf(t_dir, sizeof(t_dir), "/tmp/ms-unit.XXXXXX");
	if (!mkdtemp(t_dir)) {
		perror("mkdtemp");
		exit(99);
	}
	return t_dir;
}

/* t_dir/name into out (exits if it does not fit). */
static inline const char *t_path(char *out, size_t size, const char *name)
{
	int n = snprintf(out, size, "%s/%s", t_dir, name);

	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "path too long: %s\n", name);
		exit(99);
	}
	return out;
}

/* Write text to path with mode (chmod'ed, whatever the umask). */
static inline void t_write(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0 ||
	    chmod(path, mode) < 0) {
		perror(path);
		exit(99);
	}
}

static inline int t_rm_one(const char *p, const struct stat *st, int type,
			   struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		chmod(p, 0700);
	return remove(p);
}

static inline void t_rmdir(void)
{
	if (t_dir[0])
		nftw(t_dir, t_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
