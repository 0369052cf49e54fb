/*
 * The alert queue on disk, shared by the queueing and the sending side.
 * In the 0700 alert directory:
 *   new/NAME      staged: written atomically, then hard-linked into each
 *                 destination and removed (redone after a crash);
 *   NAME.alert    a process alert waiting for its own mail;
 *   mail/NAME.ev  plant events waiting for the digest;
 *   cmd/NAME      process alerts and plant events waiting for
 *                 ALERT_COMMAND;
 *   .lock         held over staging; .flush held by the one sender.
 * NAME starts with the wall-clock ms of queueing, so names sort oldest
 * first.
 */
#ifndef MS_ALERTQ_H
#define MS_ALERTQ_H

#include "ms.h"
#include "alert.h"
#include "buf.h"

enum {
	MS_ALERTQ_NAME = 128	/* a queued file's name; ours are < 80 */
};

extern const char ms_alertq_alert_sfx[];	/* ".alert" */
extern const char ms_alertq_ev_sfx[];		/* ".ev" */

/* Sorted file names of one queue directory. */
struct ms_alertq_list {
	char (*name)[MS_ALERTQ_NAME];
	size_t n;
};

/*
 * The files of dir ending in sfx (NULL: .alert or .ev), oldest first, at
 * most max.  A missing dir is an empty list.  Release the list in every
 * case.
 */
int ms_alertq_list(const char *dir, const char *sfx, size_t max,
		   struct ms_alertq_list *l, struct ms_err *err);
void ms_alertq_list_release(struct ms_alertq_list *l);

/*
 * Drop from l the names still staged in qdir/new: their fan-out is under
 * way (or was cut short by a crash and is redone first), and a copy
 * delivered now could be linked again afterwards.
 */
void ms_alertq_drop_staged(const char *qdir, struct ms_alertq_list *l);

/* "dir/leaf" into out, MS_E_TOOBIG if it does not fit. */
int ms_alertq_path(char *out, size_t size, const char *dir,
		   const char *leaf, struct ms_err *err);

/* flock dir/leaf with op; returns the descriptor (close it to unlock),
 * MS_E_BUSY when LOCK_NB finds it held. */
int ms_alertq_lock(const char *dir, const char *leaf, int op,
		   struct ms_err *err);

/* A name for a new file: "<wall ms>-<pid>-<seq>-<kind><sfx>". */
int ms_alertq_name(char out[MS_ALERTQ_NAME], const char *kind,
		   const char *sfx);

/* Write new/leaf atomically (0600), creating the directories. */
int ms_alertq_stage(const struct ms_alert_conf *ac, const char *leaf,
		    const void *data, size_t len, struct ms_err *err);

/*
 * Link every staged file into each destination ac configures (mail when
 * ac->mail, the command when *ac->command), fsync those directories,
 * then remove it from new/.  With no destination the files stay staged.
 * The caller holds .lock.
 */
int ms_alertq_fanout(const struct ms_alert_conf *ac, struct ms_err *err);

/* Files of sfx waiting in each destination of ac: the larger count. */
int ms_alertq_waiting(const struct ms_alert_conf *ac, const char *sfx,
		      struct ms_err *err);

/* Remove temp files a crashed writer left in dir over an hour ago. */
void ms_alertq_sweep_tmp(const char *dir);

/*
 * Remove the files named, after a delivery, so that a crash halfway never
 * delivers them again: their names go to dir/.sent first (atomically),
 * then the files, then .sent.  ms_alertq_finish finishes what a crash
 * interrupted.
 */
int ms_alertq_remove(const char *dir, const struct ms_alertq_list *l,
		     size_t n, struct ms_err *err);
int ms_alertq_finish(const char *dir, struct ms_err *err);

/* Rename path to path.bad: a file that is not ours leaves every queue. */
void ms_alertq_set_aside(const char *path);

/*
 * Read a queued file of plant events into b (bounded by b->max), *pos at
 * its first event line; MS_E_PARSE when it is not one.
 */
int ms_alertq_load_events(const char *path, struct ms_buf *b, size_t *pos,
			  struct ms_err *err);
/* The next event of b from *pos, false at the end; a line that does not
 * parse is skipped. */
bool ms_alertq_next_event(const struct ms_buf *b, size_t *pos,
			  struct ms_alert_event *ev);

/* The digest's rate-limiter state, in the alert directory. */
extern const char ms_alertq_digest_state[];

/* Whether the next digest must wait for ALERT_INTERVAL; *due (may be
 * NULL) is when it may go, wall ms. */
bool ms_alertq_digest_waits(const struct ms_alert_conf *ac, int64_t *due);

/* A queued process alert, parsed in place (pointers into the text). */
struct ms_alertq_alert {
	const char *kind, *subject, *body;
	ms_msec_t queued;	/* wall ms */
};

/* Parse the text of a queued process alert (NUL-terminated, changed in
 * place): 0, or MS_E_PARSE. */
int ms_alertq_parse_alert(char *text, struct ms_alertq_alert *a);

/*
 * Rate-limiter state in path: "<last wall ms> <held back>\n".  A missing
 * or damaged file reads as 0 0: nothing sent lately.
 */
void ms_alertq_rate_read(const char *path, ms_msec_t *last, long long *held);
int ms_alertq_rate_write(const char *path, ms_msec_t last, long long held,
			 struct ms_err *err);

#endif
