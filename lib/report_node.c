/*
 * Nodes in the report (see report_node.h): the map of a period, each
 * channel's time and hops split at the map's row boundaries, and the
 * ranked nodes to visit.
 */
#include "report_node.h"

enum {
	MAP_NAMES_MAX = 64u << 20,
	NO_NODE = UINT32_MAX	/* entry.node of an upstream without one */
};

const uint8_t ms_report_sev[MS_MOD__COUNT] = {
	[MS_MOD_QAM64] = 1, [MS_MOD_UNKNOWN] = 2,
	[MS_MOD_QAM16] = 3, [MS_MOD_QPSK] = 4,
};
static const uint8_t mod_of_sev[5] = {
	MS_MOD_UNKNOWN, MS_MOD_QAM64, MS_MOD_UNKNOWN, MS_MOD_QAM16,
	MS_MOD_QPSK
};

/* One row of the map; names are offsets into the map's arena. */
struct span {
	uint32_t device, upstream, node;
	int64_t from, to;
};

struct ms_node_map {
	struct ms_buf names;
	struct span *v;
	size_t n, cap;
};

/* What the streaming channel did on one of its rows, or on none. */
struct share {
	uint64_t secs, below;
	uint32_t hops;
	uint8_t sev;		/* worst ms_report_sev held; 0: none */
};

/* One upstream on one node (NO_NODE: none), for the ranking. */
struct entry {
	uint32_t node;			/* map arena offset */
	uint32_t device, upstream;	/* report arena offsets */
	uint32_t below, hops;
	uint8_t sev;
};

struct ms_node_acc {
	struct ms_node_map *map;
	const struct span *sp;		/* the channel's rows */
	size_t nsp;
	struct share *sh;		/* nsp + 1: the last is "no node" */
	size_t cap_sh;
	struct entry *e;
	size_t n_e, cap_e;
	struct ms_report_node_up *ups;
	struct ms_report_node_sum *sums;
	size_t n_sums;
};

struct ms_node_map *ms_node_map_new(void)
{
	struct ms_node_map *m = calloc(1, sizeof(*m));

	if (m)
		ms_buf_init(&m->names, MAP_NAMES_MAX);
	return m;
}

void ms_node_map_free(struct ms_node_map *m)
{
	if (!m)
		return;
	ms_buf_release(&m->names);
	free(m->v);
	free(m);
}

static int intern(struct ms_buf *b, const char *s, uint32_t *off)
{
	size_t at = b->len;
	int r;

	if ((r = ms_buf_add(b, s, strlen(s) + 1)) < 0)
		return r;
	*off = (uint32_t)at;
	return 0;
}

int ms_node_map_add(struct ms_node_map *m, const char *device,
		    const char *upstream, const char *node, int64_t from,
		    int64_t to)
{
	struct span *s;
	int r;

	if (strlen(device) >= MS_DEVICE_MAX ||
	    strlen(upstream) >= MS_UPSTREAM_MAX ||
	    strlen(node) >= MS_NODE_MAX)
		return MS_E_TOOBIG;
	if (!*node || to <= from)
		return MS_E_INVAL;
	if ((r = ms_grow((void **)&m->v, &m->cap, m->n, sizeof(*m->v),
			 256)) < 0)
		return r;
	s = &m->v[m->n];
	s->from = from;
	s->to = to;
	if ((r = intern(&m->names, device, &s->device)) < 0 ||
	    (r = intern(&m->names, upstream, &s->upstream)) < 0 ||
	    (r = intern(&m->names, node, &s->node)) < 0)
		return r;
	m->n++;
	return 0;
}

static const char *mname(const struct ms_node_map *m, uint32_t off)
{
	return m->names.p + off;
}

/* Order of channels: device, then upstream. */
static int chan_cmp(const struct ms_node_map *m, const struct span *a,
		    const char *device, const char *upstream)
{
	int c = strcmp(mname(m, a->device), device);

	return c ? c : strcmp(mname(m, a->upstream), upstream);
}

static int span_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct ms_node_map *m = ctx;
	const struct span *a = pa, *b = pb;
	int c = chan_cmp(m, a, mname(m, b->device), mname(m, b->upstream));

	if (c)
		return c;
	return a->from < b->from ? -1 : a->from > b->from;
}

void ms_node_map_seal(struct ms_node_map *m)
{
	size_t i;

	if (m->n > 1)
		qsort_r(m->v, m->n, sizeof(*m->v), span_cmp, m);
	for (i = 0; i + 1 < m->n; i++) {
		struct span *a = &m->v[i], *b = &m->v[i + 1];

		if (a->to > b->from && !chan_cmp(m, a, mname(m, b->device),
						 mname(m, b->upstream)))
			a->to = b->from;	/* may leave it empty */
	}
}

size_t ms_node_map_count(const struct ms_node_map *m)
{
	return m->n;
}

struct ms_node_acc *ms_node_acc_new(struct ms_node_map *map)
{
	struct ms_node_acc *a = calloc(1, sizeof(*a));

	if (a)
		a->map = map ? map : ms_node_map_new();
	if (!a || !a->map ||
	    ms_grow((void **)&a->sh, &a->cap_sh, 0, sizeof(*a->sh), 4) < 0) {
		if (!a)
			ms_node_map_free(map);
		ms_node_acc_free(a);
		return NULL;
	}
	memset(a->sh, 0, sizeof(*a->sh));
	return a;
}

void ms_node_acc_free(struct ms_node_acc *a)
{
	if (!a)
		return;
	ms_node_map_free(a->map);
	free(a->sh);
	free(a->e);
	free(a->ups);
	free(a->sums);
	free(a);
}

bool ms_node_acc_mapped(const struct ms_node_acc *a)
{
	return a->map->n > 0;
}

void ms_node_acc_chan(struct ms_node_acc *a, const char *device,
		      const char *upstream)
{
	const struct ms_node_map *m = a->map;
	size_t lo = 0, hi = m->n, n;

	a->sp = NULL;
	a->nsp = 0;
	memset(a->sh, 0, sizeof(*a->sh));
	if (!m->n)
		return;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (chan_cmp(m, &m->v[mid], device, upstream) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (n = 0; lo + n < m->n &&
		    !chan_cmp(m, &m->v[lo + n], device, upstream); n++)
		;
	/* The shares of a channel with more rows than seen so far: the
	 * rows beyond the room go to "no node" rather than fail. */
	while (n >= a->cap_sh) {
		if (ms_grow((void **)&a->sh, &a->cap_sh, n, sizeof(*a->sh),
			    4) < 0) {
			n = a->cap_sh - 1;
			break;
		}
	}
	a->sp = m->v + lo;
	a->nsp = n;
	memset(a->sh, 0, (n + 1) * sizeof(*a->sh));
}

static void share_add(struct share *s, int64_t d, uint8_t mod)
{
	s->secs += (uint64_t)d;
	if (mod == MS_MOD_QAM16 || mod == MS_MOD_QPSK)
		s->below += (uint64_t)d;
	if (s->sev < ms_report_sev[mod])
		s->sev = ms_report_sev[mod];
}

void ms_node_acc_hold(struct ms_node_acc *a, int64_t t0, int64_t dur,
		      uint8_t mod)
{
	int64_t t1 = t0 + dur, lo, hi, rest = dur;
	size_t i;

	if (dur <= 0 || !a->map->n)
		return;
	for (i = 0; i < a->nsp; i++) {
		lo = MS_MAX(t0, a->sp[i].from);
		hi = MS_MIN(t1, a->sp[i].to);
		if (hi > lo) {
			share_add(&a->sh[i], hi - lo, mod);
			rest -= hi - lo;
		}
	}
	if (rest > 0)
		share_add(&a->sh[a->nsp], rest, mod);
}

void ms_node_acc_hop(struct ms_node_acc *a, int64_t t)
{
	size_t i;

	for (i = 0; i < a->nsp; i++) {
		if (a->sp[i].from <= t && t < a->sp[i].to)
			break;
	}
	a->sh[i].hops++;
}

/* Append the node of row i to the column unless an earlier row had it. */
static int column_add(const struct ms_node_acc *a, size_t i,
		      struct ms_buf *col, bool *first)
{
	const char *node = mname(a->map, a->sp[i].node);
	size_t j;

	for (j = 0; j < i; j++) {
		if (a->sh[j].secs && !strcmp(mname(a->map, a->sp[j].node),
					     node))
			return 0;
	}
	if (!*first && ms_buf_adds(col, ", ") < 0)
		return MS_E_NOMEM;
	*first = false;
	return ms_buf_adds(col, node);
}

int ms_node_acc_close(struct ms_node_acc *a, uint32_t device,
		      uint32_t upstream, struct ms_buf *col)
{
	bool first = true;
	size_t i;
	int r;

	if (!a->map->n)
		return 0;
	for (i = 0; i <= a->nsp; i++) {
		const struct share *s = &a->sh[i];

		if (i < a->nsp && s->secs &&
		    (r = column_add(a, i, col, &first)) < 0)
			return r;
		if (!s->below && !s->hops)
			continue;
		if ((r = ms_grow((void **)&a->e, &a->cap_e, a->n_e,
				 sizeof(*a->e), 256)) < 0)
			return r;
		a->e[a->n_e++] = (struct entry){
			i < a->nsp ? a->sp[i].node : NO_NODE, device, upstream,
			(uint32_t)MS_MIN(s->below, UINT32_MAX), s->hops,
			s->sev };
	}
	return 0;
}

struct names {
	const struct ms_node_map *map;
	const char *rep;	/* the report's arena */
};

/* The node's name, or for an upstream without one its device's. */
static const char *group_name(const struct names *nm, const struct entry *e)
{
	return e->node == NO_NODE ? nm->rep + e->device
				  : mname(nm->map, e->node);
}

/* Nodes before the "no node" groups; then by name. */
static int group_cmp(const struct names *nm, const struct entry *a,
		     const struct entry *b)
{
	if ((a->node == NO_NODE) != (b->node == NO_NODE))
		return a->node == NO_NODE ? 1 : -1;
	return strcmp(group_name(nm, a), group_name(nm, b));
}

/* By group, then worst first: below QAM64, hops, device, upstream. */
static int entry_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct names *nm = ctx;
	const struct entry *a = pa, *b = pb;
	int c;

	if ((c = group_cmp(nm, a, b)))
		return c;
	if (a->below != b->below)
		return a->below > b->below ? -1 : 1;
	if (a->hops != b->hops)
		return a->hops > b->hops ? -1 : 1;
	if ((c = strcmp(nm->rep + a->device, nm->rep + b->device)))
		return c;
	return strcmp(nm->rep + a->upstream, nm->rep + b->upstream);
}

/* The ranking: below QAM64, then hops, then nodes before "no node". */
static int sum_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct ms_report_node_sum *a = pa, *b = pb;

	(void)ctx;
	if (a->below_secs != b->below_secs)
		return a->below_secs > b->below_secs ? -1 : 1;
	if (a->hops != b->hops)
		return a->hops > b->hops ? -1 : 1;
	if (!a->node != !b->node)
		return a->node ? -1 : 1;
	return strcmp(a->node ? a->node : a->device,
		      b->node ? b->node : b->device);
}

int ms_node_acc_end(struct ms_node_acc *a, const char *names,
		    const struct ms_report_node_sum **nodes, size_t *n)
{
	struct names nm = { a->map, names };
	struct ms_report_node_sum *s = NULL;
	size_t i;

	*nodes = NULL;
	*n = 0;
	if (!a->n_e)
		return 0;
	qsort_r(a->e, a->n_e, sizeof(*a->e), entry_cmp, &nm);
	if (!(a->ups = calloc(a->n_e, sizeof(*a->ups))) ||
	    !(a->sums = calloc(a->n_e, sizeof(*a->sums))))
		return MS_E_NOMEM;
	for (i = 0; i < a->n_e; i++) {
		const struct entry *e = &a->e[i];

		if (!i || group_cmp(&nm, e, e - 1)) {
			s = &a->sums[a->n_sums++];
			s->node = e->node == NO_NODE ? NULL
						     : mname(a->map, e->node);
			s->device = e->node == NO_NODE ? names + e->device
						       : NULL;
			s->ups = &a->ups[i];
		}
		a->ups[i] = (struct ms_report_node_up){
			names + e->device, names + e->upstream, e->below,
			e->hops, (enum ms_mod)mod_of_sev[e->sev] };
		s->below_secs += e->below;
		s->hops += e->hops;
		s->n_ups++;
	}
	if (a->n_sums > 1)
		qsort_r(a->sums, a->n_sums, sizeof(*a->sums), sum_cmp, NULL);
	*nodes = a->sums;
	*n = a->n_sums;
	return 0;
}

size_t ms_node_acc_memory(const struct ms_node_acc *a)
{
	return sizeof(*a) + sizeof(*a->map) + a->map->names.cap +
	       a->map->cap * sizeof(*a->map->v) +
	       a->cap_sh * sizeof(*a->sh) + a->cap_e * sizeof(*a->e) +
	       a->n_e * (sizeof(*a->ups) + sizeof(*a->sums));
}
