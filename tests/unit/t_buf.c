/* Unit tests of the bounded buffer and the UTF-8 check. */
#include "buf.h"
#include "harness.h"

/* Cases from RFC 3629 and Markus Kuhn's UTF-8 decoder stress test. */
static void test_utf8(void)
{
	static const struct { const char *s; bool valid; } t[] = {
		{ "", true },
		{ "plain ASCII", true },
		{ "caf\xc3\xa9", true },			/* U+00E9 */
		{ "\xe2\x82\xac", true },			/* U+20AC */
		{ "\xef\xbf\xbd", true },			/* U+FFFD */
		{ "\xf0\x9f\x93\xa1", true },		/* U+1F4E1 */
		{ "\xf4\x8f\xbf\xbf", true },		/* U+10FFFF */
		{ "caf\xe9", false },			/* Latin-1 */
		{ "\x80", false },			/* lone continuation */
		{ "\xc0\xaf", false },			/* overlong '/' */
		{ "\xc1\xbf", false },			/* overlong */
		{ "\xe0\x80\xaf", false },		/* overlong, 3 bytes */
		{ "\xf0\x80\x80\xaf", false },		/* overlong, 4 bytes */
		{ "\xed\xa0\x80", false },		/* surrogate U+D800 */
		{ "\xf4\x90\x80\x80", false },		/* U+110000 */
		{ "\xf8\x88\x80\x80\x80", false },	/* 5 bytes */
		{ "\xe2\x82", false },			/* cut short */
		{ "\xe2\x28\xa1", false },		/* bad 2nd byte */
		{ "\xe2\x82\x28", false },		/* bad 3rd byte */
	};
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++)
		ok(ms_utf8_valid(t[i].s, strlen(t[i].s)) == t[i].valid,
		   "utf8 case %zu is %s", i, t[i].valid ? "valid" : "invalid");
}

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
	test_utf8();
	return done_testing();
}
