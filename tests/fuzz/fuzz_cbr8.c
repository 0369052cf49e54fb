/* libFuzzer target: cBR-8 summary (discovery, descriptions) and controller
 * parsers. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ms_namelist names;
	struct ms_descrlist descr;
	struct fuzz f;
	size_t i;

	fuzz_begin(&f, data, size);
	ms_namelist_init(&names);
	ms_descrlist_init(&descr);
	ms_parse_cbr8_summary(f.text.p, f.text.len, &names, &descr, NULL);
	ms_parse_cbr8_summary((const char *)data, size, &names, &descr, NULL);
	/* descriptions: bounded, terminated, printable, one per interface */
	assert(descr.n <= MS_DESCR_LIST_MAX);
	for (i = 0; i < descr.n; i++) {
		const struct ms_descr *d = &descr.v[i];
		size_t k;

		assert(strlen(d->iface) > 0 && strlen(d->text) > 0);
		for (k = 0; d->text[k]; k++)
			assert((unsigned char)d->text[k] >= ' ');
		assert(ms_descrlist_of(&descr, d->iface) == d->text);
	}
	ms_descrlist_release(&descr);
	ms_parse_cbr8(f.text.p, f.text.len, &f.map, &f.l, NULL);
	ms_parse_cbr8_domain((const char *)data, size, "1/0/1", &f.map, &f.l,
			     NULL);
	fuzz_end(&f);
	return 0;
}
