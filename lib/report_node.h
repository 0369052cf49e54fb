/*
 * Nodes in the report: the upstream -> node map of a period (rows of the
 * upstream_nodes history), the split of each channel's time below QAM64
 * and hops between the nodes it belonged to, and the ranked "nodes to
 * visit" (struct ms_report_node_sum in report.h).
 */
#ifndef MS_REPORT_NODE_H
#define MS_REPORT_NODE_H

#include "ms.h"
#include "buf.h"
#include "report.h"

/* Severity of a modulation (timeline bins, worst state): worse is higher. */
extern const uint8_t ms_report_sev[MS_MOD__COUNT];

/* --- the map --- */

struct ms_node_map;

/* An empty map; NULL when out of memory. */
struct ms_node_map *ms_node_map_new(void);
void ms_node_map_free(struct ms_node_map *m);

/*
 * One row: device's upstream belongs to node over [from, to) (to:
 * INT64_MAX while in force).  Names past the samples' bounds are
 * MS_E_TOOBIG; an empty node or to <= from is MS_E_INVAL.
 */
int ms_node_map_add(struct ms_node_map *m, const char *device,
		    const char *upstream, const char *node, int64_t from,
		    int64_t to);

/*
 * After the last add: sort the rows by device, upstream, from (strcmp
 * order, as the samples stream) and end each row where the channel's next
 * one starts, so that a time belongs to one row at most (the later row
 * wins an overlap).
 */
void ms_node_map_seal(struct ms_node_map *m);

size_t ms_node_map_count(const struct ms_node_map *m);

/* --- the aggregator's side (report.c) --- */

struct ms_node_acc;

/* Accounting over map (owned from here on, also on failure; NULL: none). */
struct ms_node_acc *ms_node_acc_new(struct ms_node_map *map);
void ms_node_acc_free(struct ms_node_acc *a);

/* Whether the map has a row for the period. */
bool ms_node_acc_mapped(const struct ms_node_acc *a);

/* A channel begins: its rows of the map. */
void ms_node_acc_chan(struct ms_node_acc *a, const char *device,
		      const char *upstream);

/* The channel's state mod held over [t0, t0 + dur). */
void ms_node_acc_hold(struct ms_node_acc *a, int64_t t0, int64_t dur,
		      uint8_t mod);

/* A hop at time t. */
void ms_node_acc_hop(struct ms_node_acc *a, int64_t t);

/*
 * The channel ends.  Its upstreams-per-node entries are kept (device and
 * upstream are offsets into the report's name arena) and its node column
 * is appended to col: the nodes it belonged to while it held a state, in
 * time order, each once, joined by ", " ("" for none).
 */
int ms_node_acc_close(struct ms_node_acc *a, uint32_t device,
		      uint32_t upstream, struct ms_buf *col);

/*
 * After the last channel: the nodes ranked by time below QAM64, then by
 * hops, then by name (nodes before the "no node" groups of a CCAP), each
 * with its upstreams in the same order.  names is the arena's base.
 */
int ms_node_acc_end(struct ms_node_acc *a, const char *names,
		    const struct ms_report_node_sum **nodes, size_t *n);

size_t ms_node_acc_memory(const struct ms_node_acc *a);

#endif
