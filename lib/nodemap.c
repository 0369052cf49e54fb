/*
 * The upstream -> node map (see nodemap.h): an array of mappings, an open
 * addressing hash on (device, upstream) over it, and the strings in chunks
 * that never move, so a mapping's pointers stay valid as the map grows.
 */
#include "nodemap.h"

#include "buf.h"
#include "file.h"
#include "parse.h"
#include "schedule.h"

enum {
	NODEMAP_SLOTS_MIN = 64,
	NODEMAP_CHUNK = 64 * 1024,
	NODEMAP_FILE_MAX = 64 << 20,
	NODEMAP_FIELDS = 3
};

struct nodemap_chunk {
	struct nodemap_chunk *next;
	size_t used, size;
	char data[];
};

static const char *const src_names[MS_NODE_SRC__COUNT] = {
	[MS_NODE_SRC_FILE] = "file",
	[MS_NODE_SRC_SQL] = "sql",
	[MS_NODE_SRC_DEVICE] = "device",
};

void ms_nodemap_init(struct ms_nodemap *m)
{
	memset(m, 0, sizeof(*m));
}

void ms_nodemap_release(struct ms_nodemap *m)
{
	struct nodemap_chunk *c, *next;

	for (c = m->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(m->v);
	free(m->slot);
	ms_nodemap_init(m);
}

const char *ms_node_src_name(int source)
{
	if (source < 0 || source >= MS_NODE_SRC__COUNT)
		return "?";
	return src_names[source];
}

/*
 * The table takes the low bits, and each low bit of FNV-1a depends only
 * on the low bits of the characters; names differ in a digit or two
 * (CCAP00012 1/0/0/3).  A 64-bit finaliser (splitmix64's) spreads every
 * bit of both hashes over the low ones.
 */
static size_t pair_hash(const char *device, const char *upstream)
{
	uint64_t h = ms_hash(upstream) * 0x9e3779b97f4a7c15ULL;

	h ^= ms_hash(device);
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return (size_t)(h ^ (h >> 31));
}

static ssize_t find_pos(const struct ms_nodemap *m, const char *device,
			const char *upstream, size_t *free_slot)
{
	size_t h, mask = m->nslot - 1;
	const struct ms_node *n;

	for (h = pair_hash(device, upstream) & mask; m->slot[h];
	     h = (h + 1) & mask) {
		n = &m->v[m->slot[h] - 1];
		if (!strcmp(n->upstream, upstream) &&
		    !strcmp(n->device, device))
			return (ssize_t)(m->slot[h] - 1);
	}
	if (free_slot)
		*free_slot = h;
	return -1;
}

const struct ms_node *ms_nodemap_find(const struct ms_nodemap *m,
				      const char *device,
				      const char *upstream)
{
	ssize_t i;

	if (!m->nslot)
		return NULL;
	i = find_pos(m, device, upstream, NULL);
	return i < 0 ? NULL : &m->v[i];
}

static int grow_slots(struct ms_nodemap *m)
{
	size_t nslot = m->nslot ? m->nslot * 2 : NODEMAP_SLOTS_MIN, *slot;
	size_t i, h;

	if (!(slot = calloc(nslot, sizeof(*slot))))
		return MS_E_NOMEM;
	for (i = 0; i < m->n; i++) {
		h = pair_hash(m->v[i].device, m->v[i].upstream) & (nslot - 1);
		while (slot[h])
			h = (h + 1) & (nslot - 1);
		slot[h] = i + 1;
	}
	free(m->slot);
	m->slot = slot;
	m->nslot = nslot;
	return 0;
}

/* A copy of s in m's chunks, or NULL. */
static const char *keep(struct ms_nodemap *m, const char *s)
{
	size_t len = strlen(s) + 1, size;
	struct nodemap_chunk *c = m->chunks;
	char *p;

	if (!c || c->size - c->used < len) {
		size = MS_MAX(len, (size_t)NODEMAP_CHUNK);
		if (!(c = malloc(sizeof(*c) + size)))
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = m->chunks;
		m->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	c->used += len;
	return p;
}

/* Copy n's strings into out; the device of the last mapping is shared. */
static int keep_node(struct ms_nodemap *m, const struct ms_node *n,
		     struct ms_node *out)
{
	const struct ms_node *last = m->n ? &m->v[m->n - 1] : NULL;

	out->source = n->source;
	if (last && !strcmp(last->device, n->device))
		out->device = last->device;
	else if (!(out->device = keep(m, n->device)))
		return MS_E_NOMEM;
	if (!(out->upstream = keep(m, n->upstream)) ||
	    !(out->node = keep(m, n->node)))
		return MS_E_NOMEM;
	if (!n->descr || !n->descr[0])
		out->descr = "";
	else if (!(out->descr = keep(m, n->descr)))
		return MS_E_NOMEM;
	return 0;
}

/* UTF-8 (the table's character set) without control characters, nor
 * blanks unless blanks; 1 to max - 1 bytes (0 too with blanks). */
static bool is_text(const char *s, size_t max, bool blanks)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f ||
		    (!blanks && s[i] == ' '))
			return false;
	return (i > 0 || blanks) && i < max && ms_utf8_valid(s, i);
}

int ms_node_check(const struct ms_node *n, struct ms_err *err)
{
	if (!n->device || !is_text(n->device, MS_DEVICE_MAX, false))
		return ms_err_set(err, MS_E_INVAL, "bad device name");
	if (!n->upstream || !is_text(n->upstream, MS_UPSTREAM_MAX, false))
		return ms_err_set(err, MS_E_INVAL, "bad upstream name");
	if (!n->node || !is_text(n->node, MS_NODE_MAX, false))
		return ms_err_set(err, MS_E_INVAL, "bad node name");
	if (n->descr && !is_text(n->descr, MS_NODE_DESCR_MAX, true))
		return ms_err_set(err, MS_E_INVAL, "bad description");
	if (n->source >= MS_NODE_SRC__COUNT)
		return ms_err_set(err, MS_E_INVAL, "bad source");
	return 0;
}

bool ms_node_same(const struct ms_node *a, const struct ms_node *b)
{
	const char *da = a->descr ? a->descr : "";
	const char *db = b->descr ? b->descr : "";

	return a->source == b->source && !strcmp(a->node, b->node) &&
	       !strcmp(da, db);
}

/* Add n (checked) at a free slot, or replace position i when i >= 0. */
static int store(struct ms_nodemap *m, const struct ms_node *n, ssize_t i,
		 struct ms_err *err)
{
	struct ms_node copy;
	size_t h;

	if (i < 0 && m->n >= MS_NODEMAP_MAX)
		return ms_err_set(err, MS_E_TOOBIG, "more than %d mappings",
				  MS_NODEMAP_MAX);
	if (keep_node(m, n, &copy) < 0)
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	if (i >= 0) {
		m->v[i] = copy;
		return 1;
	}
	if (ms_grow((void **)&m->v, &m->cap, m->n, sizeof(*m->v), 64) < 0)
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	if ((m->n + 1) * 2 > m->nslot && grow_slots(m) < 0)
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	find_pos(m, n->device, n->upstream, &h);
	m->v[m->n] = copy;
	m->slot[h] = ++m->n;
	return 1;
}

int ms_nodemap_add(struct ms_nodemap *m, const struct ms_node *n,
		   struct ms_err *err)
{
	int r;

	if ((r = ms_node_check(n, err)) < 0)
		return r;
	if (ms_nodemap_find(m, n->device, n->upstream))
		return 0;
	return store(m, n, -1, err);
}

int ms_nodemap_put(struct ms_nodemap *m, const struct ms_node *n,
		   struct ms_err *err)
{
	ssize_t i = -1;
	int r;

	if ((r = ms_node_check(n, err)) < 0)
		return r;
	if (m->nslot && (i = find_pos(m, n->device, n->upstream, NULL)) >= 0
	    && ms_node_same(&m->v[i], n))
		return 0;
	return store(m, n, i, err);
}

/* The slot that holds position i. */
static size_t slot_of(const struct ms_nodemap *m, size_t i)
{
	size_t h, mask = m->nslot - 1;

	for (h = pair_hash(m->v[i].device, m->v[i].upstream) & mask;
	     m->slot[h] != i + 1; h = (h + 1) & mask)
		;
	return h;
}

/* Empty slot h, moving back the entries of its probe run (linear
 * probing has no tombstones). */
static void unslot(struct ms_nodemap *m, size_t h)
{
	size_t mask = m->nslot - 1, j = h, home;

	m->slot[h] = 0;
	for (j = (j + 1) & mask; m->slot[j]; j = (j + 1) & mask) {
		const struct ms_node *n = &m->v[m->slot[j] - 1];

		home = pair_hash(n->device, n->upstream) & mask;
		/* j stays unless h lies cyclically in [home, j) */
		if (((j - home) & mask) >= ((j - h) & mask)) {
			m->slot[h] = m->slot[j];
			m->slot[j] = 0;
			h = j;
		}
	}
}

int ms_nodemap_drop(struct ms_nodemap *m, const char *device,
		    const char *upstream)
{
	ssize_t i;
	size_t last;

	if (!m->nslot || (i = find_pos(m, device, upstream, NULL)) < 0)
		return 0;
	unslot(m, slot_of(m, (size_t)i));
	last = m->n - 1;
	if ((size_t)i != last) {
		m->slot[slot_of(m, last)] = (size_t)i + 1;
		m->v[i] = m->v[last];
	}
	m->n--;
	return 1;
}

int ms_nodemap_merge(struct ms_nodemap *dst, const struct ms_nodemap *src,
		     struct ms_err *err)
{
	size_t i;
	int r, added = 0;

	for (i = 0; i < src->n; i++) {
		if ((r = ms_nodemap_add(dst, &src->v[i], err)) < 0)
			return r;
		added += r;
	}
	dst->partial |= src->partial;
	return added;
}

/* Copy field f into out (size bytes); false when it does not fit. */
static bool field_copy(const struct ms_field *f, char *out, size_t size)
{
	if (f->n >= size)
		return false;
	memcpy(out, f->p, f->n);
	out[f->n] = '\0';
	return true;
}

/* The description: line[from..len) without its surrounding blanks. */
static bool descr_copy(const char *line, size_t len, size_t from, char *out,
		       size_t size)
{
	while (from < len && (line[from] == ' ' || line[from] == '\t'))
		from++;
	while (len > from && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len - from >= size)
		return false;
	memcpy(out, line + from, len - from);
	out[len - from] = '\0';
	return true;
}

struct node_line {
	char device[MS_DEVICE_MAX];
	char upstream[MS_UPSTREAM_MAX];
	char node[MS_NODE_MAX];
	char descr[MS_NODE_DESCR_MAX];
};

/* One line's mapping into *n (strings in l); NULL or why it is bad. */
static const char *parse_line(const char *line, size_t len,
			      struct node_line *l, struct ms_node *n)
{
	struct ms_field f[NODEMAP_FIELDS];
	size_t nf = ms_parse_fields(line, len, f, NODEMAP_FIELDS);

	if (nf < NODEMAP_FIELDS)
		return "expected CCAP UPSTREAM NODE [DESCRIPTION]";
	if (!field_copy(&f[0], l->device, sizeof(l->device)))
		return "device name too long";
	if (!field_copy(&f[1], l->upstream, sizeof(l->upstream)))
		return "upstream name too long";
	if (!field_copy(&f[2], l->node, sizeof(l->node)))
		return "node name too long";
	if (!descr_copy(line, len, (size_t)(f[2].p + f[2].n - line),
			l->descr, sizeof(l->descr)))
		return "description too long";
	n->device = l->device;
	n->upstream = l->upstream;
	n->node = l->node;
	n->descr = l->descr;
	n->source = MS_NODE_SRC_FILE;
	return NULL;
}

static bool is_blank_or_comment(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i == len || line[i] == '#';
}

int ms_nodemap_parse(struct ms_nodemap *m, const char *name, const char *s,
		     size_t len, struct ms_err *err)
{
	struct node_line l;
	struct ms_node n;
	struct ms_err e;
	const char *line, *why;
	size_t pos = 0, nlen;
	unsigned lineno = 0;
	int r, added = 0;

	while (ms_parse_line(s, len, &pos, &line, &nlen)) {
		lineno++;
		if (nlen && line[nlen - 1] == '\r')
			nlen--;
		if (is_blank_or_comment(line, nlen))
			continue;
		if ((why = parse_line(line, nlen, &l, &n)))
			return ms_err_set(err, MS_E_PARSE, "%s:%u: %s", name,
					  lineno, why);
		if ((r = ms_nodemap_add(m, &n, &e)) < 0)
			return ms_err_set(err, r == MS_E_NOMEM ? r :
					  MS_E_PARSE, "%s:%u: %s", name,
					  lineno, e.msg);
		if (!r)
			return ms_err_set(err, MS_E_PARSE,
					  "%s:%u: '%s %s' is mapped twice",
					  name, lineno, n.device, n.upstream);
		added++;
	}
	return added;
}

int ms_nodemap_load(struct ms_nodemap *m, const char *path,
		    struct ms_err *err)
{
	struct ms_buf text;
	int r;

	ms_buf_init(&text, NODEMAP_FILE_MAX);
	if ((r = ms_file_read(path, &text, NULL, err)) >= 0)
		r = ms_nodemap_parse(m, path, text.p, text.len, err);
	ms_buf_release(&text);
	return r;
}
