/*
 * The upstream -> node map: which fiber node each (device, upstream)
 * feeds, from NODES_FILE, NODES_SQL or the device's own interface
 * descriptions.  Lookups are constant time (a hash on the pair): the
 * scanner asks once per upstream of every scan.
 */
#ifndef MS_NODEMAP_H
#define MS_NODEMAP_H

#include "ms.h"
#include "err.h"
#include "sample.h"

enum {
	/* description, with its NUL (MS_NODE_MAX: sample.h) */
	MS_NODE_DESCR_MAX = 256,
	/* mappings in one map: 100,000 devices of 20 upstreams */
	MS_NODEMAP_MAX = 2000000
};

/* Where a mapping came from; the values of upstream_nodes.source. */
enum ms_node_src {
	MS_NODE_SRC_FILE = 0,
	MS_NODE_SRC_SQL = 1,
	MS_NODE_SRC_DEVICE = 2,
	MS_NODE_SRC__COUNT
};

/*
 * One mapping.  In a map the strings belong to the map and stay where they
 * are until it is released.  device, upstream and node are 1 to
 * MS_*_MAX - 1 bytes of UTF-8 without blanks or control characters;
 * descr ("" for none) is UTF-8 without control characters.
 */
struct ms_node {
	const char *device;
	const char *upstream;
	const char *node;
	const char *descr;
	uint8_t source;		/* enum ms_node_src */
};

struct nodemap_chunk;

struct ms_nodemap {
	struct ms_node *v;	/* in the order added */
	size_t n, cap;
	size_t *slot;		/* position + 1; 0: empty */
	size_t nslot;		/* 0 or a power of two above twice n */
	struct nodemap_chunk *chunks;	/* the strings */
	bool partial;		/* a source failed: not the whole map, so
				 * not one to write to the history */
};

void ms_nodemap_init(struct ms_nodemap *m);
void ms_nodemap_release(struct ms_nodemap *m);

/* The mapping of (device, upstream), or NULL when m maps it to nothing. */
const struct ms_node *ms_nodemap_find(const struct ms_nodemap *m,
				      const char *device,
				      const char *upstream);

/*
 * Add a copy of n unless m maps its upstream already: 1 added, 0 present
 * (m unchanged), MS_E_INVAL for a field that breaks the rules above (err
 * says which), MS_E_TOOBIG past MS_NODEMAP_MAX mappings, MS_E_NOMEM.
 */
int ms_nodemap_add(struct ms_nodemap *m, const struct ms_node *n,
		   struct ms_err *err);

/*
 * Add n, or replace the mapping of its upstream: 1 added or changed, 0
 * when the same mapping was there; errors as ms_nodemap_add.  A replaced
 * mapping's strings stay allocated until m is released, so keep this to
 * mappings that seldom change (device descriptions).
 */
int ms_nodemap_put(struct ms_nodemap *m, const struct ms_node *n,
		   struct ms_err *err);

/*
 * Forget the mapping of (device, upstream): 1 when there was one, else 0.
 * The last mapping moves into its place (positions change).
 */
int ms_nodemap_drop(struct ms_nodemap *m, const char *device,
		    const char *upstream);

/* Add every mapping of src whose upstream dst does not map: the count.
 * dst is partial when either is. */
int ms_nodemap_merge(struct ms_nodemap *dst, const struct ms_nodemap *src,
		     struct ms_err *err);

/* a and b give the same node, description and source. */
bool ms_node_same(const struct ms_node *a, const struct ms_node *b);

/* "file", "sql", "device"; "?" for a bad value. */
const char *ms_node_src_name(int source);

/* MS_E_INVAL unless n follows the rules above; err names the field. */
int ms_node_check(const struct ms_node *n, struct ms_err *err);

/*
 * A NODES_FILE's text: lines `CCAP UPSTREAM NODE [DESCRIPTION...]`
 * (fields separated by blanks; the description is the rest of the line,
 * its surrounding blanks dropped), blank lines, and lines whose first
 * non-blank character is `#`.  Mappings are added as source `file`.
 * Returns the number of mappings added; on the first bad line, or an
 * upstream mapped twice, MS_E_PARSE with err `<name>:<line>: <why>` (m
 * then holds the lines before it).
 */
int ms_nodemap_parse(struct ms_nodemap *m, const char *name, const char *s,
		     size_t len, struct ms_err *err);

/* ms_nodemap_parse on the file at path (at most 64 MiB). */
int ms_nodemap_load(struct ms_nodemap *m, const char *path,
		    struct ms_err *err);

#endif
