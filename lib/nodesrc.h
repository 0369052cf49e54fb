/*
 * Where the upstream -> node map comes from besides the devices:
 * NODES_FILE, then NODES_SQL (the file wins for an upstream both map).
 * Read with the inventory, in its thread (invsrc.h).
 */
#ifndef MS_NODESRC_H
#define MS_NODESRC_H

#include "ms.h"
#include "buf.h"
#include "conf.h"
#include "err.h"
#include "nodemap.h"

/* Whether NODES_FILE or NODES_SQL is set. */
bool ms_nodesrc_any(const struct ms_conf *c);

/*
 * Read NODES_FILE and NODES_SQL into m (empty on entry); the number of
 * mappings.  A file that cannot be read or has a bad line fails the read
 * with MS_E_INVAL, a configuration error (err: "NODES_FILE: <file>:<line>:
 * <why>"); so does a SELECT of fewer than three columns.  A bad SQL row
 * adds a warning and is skipped, an upstream the file (or an earlier row)
 * maps already too.  A database that fails is its MS_E_* code (DB, CONN,
 * AUTH, ...), err "NODES_SQL: ...": m then holds the file's mappings.
 */
int ms_nodesrc_read(struct ms_nodemap *m, const struct ms_conf *c,
		    struct ms_buf *warnings, struct ms_err *err);

/* The first word of a device's description as a node name into out;
 * false when there is none that fits. */
bool ms_nodesrc_node_of(const char *descr, char *out, size_t size);

#endif
