/* Unit tests of the bounded buffer. */
#include "buf.h"
#include "harness.h"

int main(void)
{
	struct ms_buf b;
	char *s;
	size_t len;

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
