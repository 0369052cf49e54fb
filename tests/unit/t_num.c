/* Unit tests of the checked number parsers. */
#include "num.h"
#include "harness.h"

static const struct {
	const char *in;
	long long min, max;
	int ret;
	long long val;
} cases[] = {
	{ "0", 0, 10, 0, 0 },
	{ "10", 0, 10, 0, 10 },
	{ "-5", -10, 10, 0, -5 },
	{ "+7", 0, 10, 0, 7 },
	{ "11", 0, 10, MS_E_RANGE, 0 },
	{ "10x", 0, 10, MS_E_INVAL, 0 },
	{ "", 0, 10, MS_E_INVAL, 0 },
	{ "-", 0, 10, MS_E_INVAL, 0 },
	{ " 1", 0, 10, MS_E_INVAL, 0 },
	{ "1 ", 0, 10, MS_E_INVAL, 0 },
	{ "9223372036854775807", 0, LLONG_MAX, 0, LLONG_MAX },
	{ "9223372036854775808", 0, LLONG_MAX, MS_E_RANGE, 0 },
	{ "-9223372036854775808", LLONG_MIN, 0, 0, LLONG_MIN },
	{ "99999999999999999999x", 0, 10, MS_E_INVAL, 0 },
};

int main(void)
{
	long long v;
	double d;
	bool b;
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(cases); i++) {
		v = 0;
		is_int(ms_parse_ll(cases[i].in, cases[i].min, cases[i].max, &v),
		       cases[i].ret, "parse '%s' returns %d", cases[i].in,
		       cases[i].ret);
		if (cases[i].ret == 0)
			is_int(v, cases[i].val, "parse '%s' value",
			       cases[i].in);
	}
	is_int(ms_parse_lln("123abc", 3, 0, 1000, &v), 0,
	       "a length-bounded parse stops at len");
	is_int(v, 123, "length-bounded value");
	is_int(ms_parse_double("0.25", 0, 1, &d), 0, "double 0.25");
	ok(d == 0.25, "double value");
	is_int(ms_parse_double("1e3", 0, 1e9, &d), MS_E_INVAL,
	       "exponents are not accepted");
	is_int(ms_parse_double(".", 0, 1, &d), MS_E_INVAL, "a lone dot");
	is_int(ms_parse_bool("Yes", &b), 0, "bool Yes");
	ok(b, "Yes is true");
	is_int(ms_parse_bool("off", &b), 0, "bool off");
	ok(!b, "off is false");
	is_int(ms_parse_bool("maybe", &b), MS_E_INVAL, "bool maybe");
	return done_testing();
}
