/*
 * Safe file handling: bounded reads, atomic replacement (temp, fsync,
 * rename, fsync of the directory) and the private runtime directory.
 */
#ifndef MS_FILE_H
#define MS_FILE_H

#include <sys/stat.h>

#include "ms.h"
#include "buf.h"
#include "err.h"

/* Read a whole file into b (appending), bounded by b->max; st may be NULL. */
int ms_file_read(const char *path, struct ms_buf *b, struct stat *st,
		 struct ms_err *err);

/*
 * Replace path with data atomically: write "<path>.tmp", fsync, rename,
 * fsync the directory.  On any failure the old file is intact and the
 * temp file removed.
 */
int ms_file_replace(const char *path, const void *data, size_t len,
		    mode_t mode, struct ms_err *err);

/* write(2) all of data, retrying on EINTR and short writes. */
int ms_file_write_all(int fd, const void *data, size_t len);

/* fsync the directory holding path. */
int ms_file_sync_dir(const char *path, struct ms_err *err);

/*
 * Make sure dir exists, is a directory (not a symlink), is owned by us and
 * has mode 0700; create it (and missing parents, 0755) if needed.
 */
int ms_dir_private(const char *dir, struct ms_err *err);

/* mkdir -p with mode for the last component. */
int ms_dir_make(const char *dir, mode_t mode, struct ms_err *err);

#endif
