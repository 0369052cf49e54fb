/*
 * Safe file handling: bounded reads, opens that never follow a link,
 * atomic replacement (temp, fsync, rename, fsync of the directory) and the
 * rules that directories modscan writes into must meet.
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
 * Replace path with data atomically: write "<path>.tmp" (created with
 * O_EXCL; a stale one of ours is removed first), fsync, rename, fsync the
 * directory.  On any failure the old file is intact and the temp file
 * removed.  A symbolic link at path or at the temp file's path is refused
 * (MS_E_INVAL), never followed or replaced.
 */
int ms_file_replace(const char *path, const void *data, size_t len,
		    mode_t mode, struct ms_err *err);

/* write(2) all of data, retrying on EINTR and short writes. */
int ms_file_write_all(int fd, const void *data, size_t len);

/* fsync the directory holding path. */
int ms_file_sync_dir(const char *path, struct ms_err *err);

/*
 * open(2) with O_CLOEXEC and O_NOFOLLOW added.  A symbolic link at path
 * (the last component) is refused with MS_E_INVAL and one line that says
 * so; other failures are MS_E_SYS.  Returns the descriptor.
 */
int ms_file_open(const char *path, int flags, mode_t mode,
		 struct ms_err *err);

/*
 * 0 when path is missing or not a symbolic link; a link there is refused
 * (MS_E_INVAL, one line), for a file modscan will create or replace.
 */
int ms_file_no_link(const char *path, struct ms_err *err);

/*
 * What a directory holds decides what makes it unsafe (the rules of
 * OpenSSH's StrictModes).  For every role: not `/` or a top-level system
 * directory (/tmp, /var, /var/lib, /run, /etc, /usr, /home, ...), not a
 * symbolic link, a directory, no sticky bit, not writable by group or
 * others, not inside a directory that others may write without the
 * sticky bit (they could swap it).  Then:
 *   MS_DIR_RUN      RUN_DIR: owned by the user running modscan, no access
 *                   for others (0700, or 0750 for a group that reads it);
 *   MS_DIR_DATA     spool, alert queue, raw output: owned by that user,
 *                   no access for group or others (0700);
 *   MS_DIR_PUBLISH  REPORT_DIR, status --textfile: owned by that user or
 *                   root; anyone may read it;
 *   MS_DIR_RUN_READ RUN_DIR as a reader sees it (status run by a
 *                   monitoring user): as MS_DIR_RUN, or owned by another
 *                   user when its group may read and search it (g+rx,
 *                   0750) and the reader is in that group.  Only for
 *                   reading: whoever writes RUN_DIR checks MS_DIR_RUN.
 */
enum ms_dir_role {
	MS_DIR_RUN,
	MS_DIR_DATA,
	MS_DIR_PUBLISH,
	MS_DIR_RUN_READ
};

/*
 * Check an existing directory for its role, never changing it.  label
 * names it in messages ("RUN_DIR").  0 when safe; MS_E_NOENT when it does
 * not exist (and is not a system directory by name); MS_E_INVAL with one
 * line naming the path, the problem and the fix when it is unsafe.
 */
int ms_dir_check(const char *dir, const char *label, enum ms_dir_role role,
		 struct ms_err *err);

/*
 * ms_dir_check, creating dir when it is missing: 0700 (0755 for
 * MS_DIR_PUBLISH), missing parents 0755.  An existing directory is never
 * chmod'ed or chown'ed: an unsafe one is refused (MS_E_INVAL).
 */
int ms_dir_ensure(const char *dir, const char *label, enum ms_dir_role role,
		  struct ms_err *err);

/*
 * The directory holding a file set by its own key (STATUS_FILE=...,
 * label): refused (MS_E_INVAL) when it is shared, i.e. has the sticky bit
 * or is writable by others, where anyone could plant or hold the file
 * first.  0 when it is not, or does not exist (the write fails later).
 */
int ms_file_dir_check(const char *path, const char *label,
		      struct ms_err *err);

/* mkdir -p with mode for the last component (existing ones are kept). */
int ms_dir_make(const char *dir, mode_t mode, struct ms_err *err);

#endif
