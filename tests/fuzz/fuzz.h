/*
 * What the parser fuzz targets share: the input cleaned by ms_cli_clean
 * (as the drivers see it), a legacy map and a channel list, checked for
 * the invariants the store relies on after each run.
 */
#ifndef MS_FUZZ_H
#define MS_FUZZ_H

#include "cli.h"
#include "modmap.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz {
	struct ms_buf text;
	struct ms_cli_result res;
	struct ms_modmap map;
	struct ms_chanlist l;
};

static inline void fuzz_begin(struct fuzz *f, const uint8_t *data,
			      size_t size)
{
	ms_buf_init(&f->text, 1 << 24);
	ms_modmap_init(&f->map);
	ms_chanlist_init(&f->l);
	ms_cli_clean((const char *)data, size, &f->text, &f->res);
	assert(f->text.len <= size);
	assert(!f->res.failed || f->text.len == 0);
}

static inline void fuzz_end(struct fuzz *f)
{
	size_t i;

	for (i = 0; i < f->l.n; i++) {
		size_t n = strlen(f->l.v[i].upstream);

		assert(n > 0 && n < MS_UPSTREAM_MAX);
		assert(ms_chanlist_find(&f->l, f->l.v[i].upstream, n) ==
		       (long)i);
		assert(f->l.v[i].mod < MS_MOD__COUNT);
	}
	ms_chanlist_release(&f->l);
	ms_buf_release(&f->text);
}

#endif
