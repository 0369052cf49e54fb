/* libFuzzer target: Casa history, per-upstream history and summary. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ms_namelist names;
	struct fuzz f;

	fuzz_begin(&f, data, size);
	ms_parse_casa(f.text.p, f.text.len, &f.map, &f.l, NULL);
	ms_parse_casa((const char *)data, size, &f.map, &f.l, NULL);
	ms_parse_casa_upstream(f.text.p, f.text.len, "2/3.1/0", &f.map, &f.l,
			       NULL);
	ms_namelist_init(&names);
	ms_parse_casa_summary(f.text.p, f.text.len, &names, NULL);
	fuzz_end(&f);
	return 0;
}
