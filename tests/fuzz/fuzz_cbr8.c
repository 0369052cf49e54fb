/* libFuzzer target: cBR-8 summary (discovery) and controller parsers. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ms_namelist names;
	struct fuzz f;

	fuzz_begin(&f, data, size);
	ms_namelist_init(&names);
	ms_parse_cbr8_summary(f.text.p, f.text.len, &names, NULL);
	ms_parse_cbr8_summary((const char *)data, size, &names, NULL);
	ms_parse_cbr8(f.text.p, f.text.len, &f.map, &f.l, NULL);
	ms_parse_cbr8_domain((const char *)data, size, "1/0/1", &f.map, &f.l,
			     NULL);
	fuzz_end(&f);
	return 0;
}
