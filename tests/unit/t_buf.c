/* Unit tests of the bounded buffer. */
#include "buf.h"
#include "harness.h"

static void grow(void)
{
	int *v = NULL;
	size_t cap = 0, n;

	for (n = 0; n < 40; n++) {
		if (ms_grow((void **)&v, &cap, n, sizeof(*v), 4) < 0)
			break;
		v[n] = (int)n;
	}
	is_int((int)n, 40, "40 elements placed");
	is_int((int)cap, 64, "capacity 4 doubled to 64");
	is_int(v[39] + v[3], 42, "the elements kept");
	is_int(ms_grow((void **)&v, &cap, 63, sizeof(*v), 4), 0,
	       "no growth below the capacity");
	is_int((int)cap, 64, "capacity unchanged");
	is_int(ms_grow((void **)&v, &cap, 64, SIZE_MAX / 64, 4), MS_E_NOMEM,
	       "an overflowing size fails");
	is_int((int)cap, 64, "and leaves the capacity");
	free(v);
}

int main(void)
{
	struct ms_buf b;
	char *s;
	size_t len;

	grow();
	ms_buf_init(&b, 10);
	is_str(b.p, "", "a new buffer reads as the empty string");
	is_int(ms_buf_adds(&b, "hello"), 0, "append within the bound");
	is_int(ms_buf_printf(&b, "%d", 1234), 0, "printf within the bound");
	is_str(b.p, "hello1234", "contents after append and printf");
	is_int(ms_buf_adds(&b, "xy"), MS_E_TOOBIG,
	       "growing past the maximum fails with MS_E_TOOBIG");
	is_str(b.p, "hello1234", "a failed append leaves the contents alone");
	is_int(ms_buf_addc(&b, '!'), 0, "exactly the maximum fits");
	ms_buf_consume(&b, 5);
	is_str(b.p, "1234!", "consume drops the head");
	ms_buf_truncate(&b, 2);
	is_str(b.p, "12", "truncate shortens");
	s = ms_buf_detach(&b, &len);
	is_str(s, "12", "detach hands over the string");
	is_int(len, 2, "detach reports the length");
	is_str(b.p, "", "the buffer is empty after detach");
	free(s);
	s = ms_buf_detach(&b, NULL);
	is_str(s, "", "detach of an empty buffer gives a heap \"\"");
	free(s);
	ms_buf_release(&b);
	return done_testing();
}
