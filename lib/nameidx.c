/* Name index (see nameidx.h): open addressing, linear probing on FNV-1a. */
#include "nameidx.h"

#include "schedule.h"

enum { NAMEIDX_MIN = 64 };

static const char *name_at(const void *base, size_t stride, size_t i)
{
	return (const char *)base + i * stride;
}

void ms_nameidx_init(struct ms_nameidx *x)
{
	memset(x, 0, sizeof(*x));
}

void ms_nameidx_release(struct ms_nameidx *x)
{
	free(x->slot);
	ms_nameidx_init(x);
}

static void put(size_t *slot, size_t cap, const char *name, size_t i)
{
	size_t h = (size_t)ms_hash(name) & (cap - 1);

	while (slot[h])
		h = (h + 1) & (cap - 1);
	slot[h] = i + 1;
}

static int grow(struct ms_nameidx *x, const void *base, size_t stride)
{
	size_t cap = x->cap ? x->cap * 2 : NAMEIDX_MIN, *slot, h;

	if (!(slot = calloc(cap, sizeof(*slot))))
		return MS_E_NOMEM;
	for (h = 0; h < x->cap; h++)
		if (x->slot[h])
			put(slot, cap, name_at(base, stride, x->slot[h] - 1),
			    x->slot[h] - 1);
	free(x->slot);
	x->slot = slot;
	x->cap = cap;
	return 0;
}

int ms_nameidx_add(struct ms_nameidx *x, const void *base, size_t stride,
		   size_t i)
{
	int r;

	if ((x->n + 1) * 2 > x->cap && (r = grow(x, base, stride)) < 0)
		return r;
	put(x->slot, x->cap, name_at(base, stride, i), i);
	x->n++;
	return 0;
}

int ms_nameidx_build(struct ms_nameidx *x, const void *base, size_t stride,
		     size_t n)
{
	size_t i;
	int r;

	ms_nameidx_release(x);
	for (i = 0; i < n; i++)
		if ((r = ms_nameidx_add(x, base, stride, i)) < 0)
			return r;
	return 0;
}

ssize_t ms_nameidx_find(const struct ms_nameidx *x, const void *base,
			size_t stride, const char *name)
{
	size_t h;

	if (!x->cap)
		return -1;
	for (h = (size_t)ms_hash(name) & (x->cap - 1); x->slot[h];
	     h = (h + 1) & (x->cap - 1))
		if (!strcmp(name_at(base, stride, x->slot[h] - 1), name))
			return (ssize_t)(x->slot[h] - 1);
	return -1;
}
