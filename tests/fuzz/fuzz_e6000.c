/* libFuzzer target: E6000 listing parser on cleaned arbitrary bytes. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz f;

	fuzz_begin(&f, data, size);
	ms_parse_e6000(f.text.p, f.text.len, &f.map, &f.l, NULL);
	ms_parse_e6000((const char *)data, size, &f.map, &f.l, NULL);
	fuzz_end(&f);
	return 0;
}
