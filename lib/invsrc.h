/*
 * Where the device list comes from: the devices file (DEVICES_FILE or
 * --devices), a SELECT (DEVICES_SQL), a URL (DEVICES_URL) and a program
 * (DEVICES_COMMAND), merged in that order (a name seen twice keeps its
 * first line); then DEVICES_NAME_UPPER and DEVICES_NAME_FILTER.
 */
#ifndef MS_INVSRC_H
#define MS_INVSRC_H

#include "ms.h"
#include "buf.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "inventory.h"
#include "nodemap.h"
#include "status.h"

/*
 * Run sql, each row to row(ctx, ...) (db.h), where DEVICES_SQL (and
 * NODES_SQL) run: on DEVICES_DB_* when DEVICES_DB_HOST is set, else the
 * modscan database; DEVICES_TIMEOUT bounds the read.
 */
int ms_invsrc_select(const struct ms_conf *c, const char *sql,
		     ms_db_row_fn row, void *ctx, struct ms_err *err);

/* Whether any source is configured (devices_path overrides the file). */
bool ms_invsrc_any(const struct ms_conf *c, const char *devices_path);

/*
 * Read every configured source into inv (empty on entry).  Bad lines add
 * warnings and are skipped.  A source that cannot be read, or a SQL, URL
 * or command source that names no device, fails the whole read: the
 * caller keeps its last good list.  Config errors (a bad regex, a bad
 * URL) are MS_E_INVAL; the others say which source failed.
 */
int ms_invsrc_read(struct ms_inventory *inv, const struct ms_conf *c,
		   const char *devices_path, struct ms_buf *warnings,
		   struct ms_err *err);

/*
 * ms_invsrc_read in a thread: start it (c and devices_path must stay
 * valid until finish), wait for ms_invjob_fd to be readable, then finish.
 * The thread reads the node map too (nodesrc.h) and, when nodes are in
 * use, writes its changes to the history (nodehist.h) with what snap
 * (taken over) says the devices described; NULL snap: no history.
 */
struct ms_invjob;
struct ms_nodesnap;
int ms_invjob_start(struct ms_invjob **out, const struct ms_conf *c,
		    const char *devices_path, struct ms_nodesnap *snap,
		    struct ms_err *err);
int ms_invjob_fd(const struct ms_invjob *j);
/* Whether it is done by deadline (the stop grace); past it a program it
 * runs is killed and it gets one more second.  A job never done is left
 * to end with the process. */
bool ms_invjob_wait(const struct ms_invjob *j, ms_msec_t deadline);
/*
 * Wait for the read (if it still runs), hand its warnings over and free
 * the job.  When it worked, *inv becomes the new list, st says when, and
 * the result is 1.  When it failed and keep is true, *inv (the last good
 * list) stays, a warning says so, st->inventory_error says why, and the
 * result is 0; without keep the failure is returned, in err.  *nodes
 * likewise becomes the node map read, or stays with a warning; without
 * keep a configuration error of the map is returned (MS_E_INVAL: a bad
 * NODES_FILE line, a file that cannot be read), while a database that
 * fails leaves the file's mappings and a warning.
 */
int ms_invjob_finish(struct ms_invjob *j, struct ms_inventory *inv,
		     struct ms_nodemap *nodes, bool keep,
		     struct ms_status *st, struct ms_buf *warnings,
		     struct ms_err *err);

/*
 * DEVICES_COMMAND: run cmd through /bin/sh -c, its output into out (at
 * most out's maximum, else MS_E_TOOBIG), within timeout_ms (else
 * MS_E_TIMEOUT, the program group killed); its standard error, line by
 * line, into warnings.  A non-zero exit is an error.
 */
int ms_invsrc_command(const char *cmd, ms_msec_t timeout_ms,
		      struct ms_buf *out, struct ms_buf *warnings,
		      struct ms_err *err);
/* Kill the program group of a ms_invsrc_command running now, if any. */
void ms_invsrc_command_kill(void);

/*
 * DEVICES_URL's answer (HTTP body) into devices-file text: JSON (a list
 * of objects, or one under "data"; a "status" other than 200 is an
 * error) mapped through fields ("name=HostName,host=Address,..."), or,
 * if it does not start like JSON, the text itself.  Objects without a
 * name, or with a blank in a value, add a warning and are skipped.
 */
int ms_invsrc_from_json(const char *body, size_t len, const char *fields,
			struct ms_buf *out, struct ms_buf *warnings,
			struct ms_err *err);

#endif
