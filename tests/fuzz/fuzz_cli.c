/*
 * libFuzzer target: ms_cli_clean, and the streaming detector fed the same
 * bytes in chunks whose sizes come from the input (trickled output).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_cli c;
	struct fuzz f;
	size_t i = 0, n;

	fuzz_begin(&f, data, size);
	ms_cli_init(&c);
	while (i < size) {
		n = (size_t)(data[i] % 17) + 1;
		n = MS_MIN(n, size - i);
		if (ms_cli_feed(&c, (const char *)data + i, n) ==
		    MS_CLI_LEARNED)
			ms_cli_begin(&c);
		assert(strlen(ms_cli_host(&c)) < MS_CLI_HOST_MAX);
		i += n;
	}
	fuzz_end(&f);
	return 0;
}
