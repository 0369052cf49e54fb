/*
 * Unit tests of the Nagios plugin ranges (the plugin guidelines'
 * examples, worked by hand) and of their perfdata spelling.
 */
#include "nagios.h"
#include "harness.h"

static const struct {
	const char *range;
	long long v;
	bool alert;
} alerts[] = {
	/* "10": outside 0..10 */
	{ "10", -1, true }, { "10", 0, false }, { "10", 10, false },
	{ "10", 11, true },
	/* "10:": below 10 */
	{ "10:", 9, true }, { "10:", 10, false }, { "10:", 1000000, false },
	/* "~:10": above 10 */
	{ "~:10", -1000000, false }, { "~:10", 10, false },
	{ "~:10", 11, true },
	/* "10:20": outside 10..20 */
	{ "10:20", 9, true }, { "10:20", 10, false }, { "10:20", 20, false },
	{ "10:20", 21, true },
	/* "@10:20": inside 10..20 */
	{ "@10:20", 9, false }, { "@10:20", 10, true }, { "@10:20", 20, true },
	{ "@10:20", 21, false },
	/* "0": anything above zero (NAGIOS_WARNING's failed devices) */
	{ "0", 0, false }, { "0", 1, true },
	{ "-5:-1", -3, false }, { "-5:-1", 0, true },
};

static const char *const bad[] = {
	"", "@", "x", "10x", ":", "~", "~10", "20:10", "@20:10", "1:2:3",
	"10 ", " 10", "~:x", "@@10",
};

static const struct {
	const char *in, *out;
} spelled[] = {
	{ "10", "10" }, { "10:", "10:" }, { "~:10", "~:10" },
	{ "10:20", "10:20" }, { "@10:20", "@10:20" }, { "0:10", "10" },
	{ "~:", "~:" }, { "@5", "@5" },
};

int main(void)
{
	struct ms_nagios_range r;
	struct ms_err err = { 0 };
	char out[48];
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(alerts); i++) {
		if (!ok(ms_nagios_range_parse(alerts[i].range,
					      strlen(alerts[i].range), &r,
					      NULL) == 0,
			"'%s' parses", alerts[i].range))
			continue;
		is_int(ms_nagios_range_alert(&r, alerts[i].v), alerts[i].alert,
		       "'%s' with %lld: %s", alerts[i].range, alerts[i].v,
		       alerts[i].alert ? "alert" : "no alert");
	}
	for (i = 0; i < MS_ARRAY_SIZE(bad); i++)
		is_int(ms_nagios_range_parse(bad[i], strlen(bad[i]), &r, &err),
		       MS_E_INVAL, "'%s' is refused", bad[i]);
	is_str(err.msg, "'@@10' is not a Nagios range", "the message names it");
	for (i = 0; i < MS_ARRAY_SIZE(spelled); i++) {
		ms_nagios_range_parse(spelled[i].in, strlen(spelled[i].in), &r,
				      NULL);
		ms_nagios_range_format(&r, out, sizeof(out));
		is_str(out, spelled[i].out, "'%s' is spelled as it should be",
		       spelled[i].in);
	}
	is_int(ms_nagios_range_parse("10:20", 2, &r, NULL), 0,
	       "only len bytes are read");
	is_int(r.end, 10, "... so '10:20' with len 2 is '10'");
	return done_testing();
}
