/*
 * An index from names to positions in an array whose elements each start
 * with their NUL-terminated name (struct ms_device, and the engine's
 * device table): constant-time lookups where a scan of the array would
 * make the cost per device grow with the fleet.
 */
#ifndef MS_NAMEIDX_H
#define MS_NAMEIDX_H

#include "ms.h"

struct ms_nameidx {
	size_t *slot;		/* position + 1; 0: empty */
	size_t cap;		/* 0 or a power of two above twice n */
	size_t n;
};

void ms_nameidx_init(struct ms_nameidx *x);
void ms_nameidx_release(struct ms_nameidx *x);

/* Index element i of base (elements of stride bytes); MS_E_NOMEM.  The
 * array may move between calls: base is passed every time. */
int ms_nameidx_add(struct ms_nameidx *x, const void *base, size_t stride,
		   size_t i);

/* Index the n elements of base from scratch; MS_E_NOMEM. */
int ms_nameidx_build(struct ms_nameidx *x, const void *base, size_t stride,
		     size_t n);

/* The position of name in base, or -1. */
ssize_t ms_nameidx_find(const struct ms_nameidx *x, const void *base,
			size_t stride, const char *name);

#endif
