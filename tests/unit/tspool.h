/*
 * Spooling samples in the unit tests the way the store does: encode the
 * batch (ms_spool_encode_samples), then append it as one record.
 */
#ifndef MS_TSPOOL_H
#define MS_TSPOOL_H

#include "spool.h"

static inline int t_spool_samples(struct ms_spool *sp,
				  const struct ms_sample *v, size_t n,
				  struct ms_err *err)
{
	struct ms_buf b;
	int r;

	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	if ((r = ms_spool_encode_samples(v, n, &b)) < 0)
		r = ms_err_set(err, r, "encoding %zu samples", n);
	else
		r = ms_spool_append(sp, MS_SPOOL_SAMPLES, (uint32_t)n, b.p,
				    b.len, err);
	ms_buf_release(&b);
	return r;
}

#endif
