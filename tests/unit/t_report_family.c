/*
 * Unit tests of the report's family resolution: the devices file's family
 * first, then HOSTNAME_RULES on the name, else the default rules; "other"
 * when nothing says; bad rules and a missing devices file refused.
 */
#include "report_family.h"
#include "harness.h"
#include "tfile.h"

static const char devices[] =
	"# name host port family\n"
	"lab-7 10.0.0.7 22 e6000\n"
	"cmts-east1 10.0.0.8 22 casa\n"
	"cmts-west 10.0.0.9\n"
	"CCAP104 10.0.0.10 22 -\n"
	"odd 10.0.0.11 22 nosuch\n";

static const struct {
	const char *rules, *device, *want;
} cases[] = {
	/* the devices file names it, whatever the rules say */
	{ "EAST#=cbr8,WEST=casa", "cmts-east1", "casa" },
	{ "EAST#=cbr8,WEST=casa", "lab-7", "e6000" },
	/* listed without a family, or not listed: the rules */
	{ "EAST#=cbr8,WEST=casa", "cmts-west", "casa" },
	{ "EAST#=cbr8,WEST=casa", "cmts-east2", "cbr8" },
	/* set rules replace the defaults: CCAP104 matches none */
	{ "EAST#=cbr8,WEST=casa", "CCAP104", "other" },
	/* the default rules of drv.def */
	{ "", "CCAP104", "casa" },
	{ NULL, "ccap215.example.net", "cbr8" },
	{ NULL, "cmts-west", "other" },
	/* a family no driver knows: the scanner skips it; other */
	{ NULL, "odd", "other" },
};

int main(void)
{
	struct ms_report_family f;
	struct ms_err err = { 0 };
	char path[PATH_MAX];
	size_t i;

	t_tmpdir();
	t_write(t_path(path, sizeof(path), "devices.txt"), devices, 0644);
	for (i = 0; i < MS_ARRAY_SIZE(cases); i++) {
		is_int(ms_report_family_init(&f, path, cases[i].rules, &err), 0,
		       "init with rules '%s'",
		       cases[i].rules ? cases[i].rules : "(default)");
		is_str(ms_report_family_of(cases[i].device, &f), cases[i].want,
		       "%s is %s", cases[i].device, cases[i].want);
		ms_report_family_release(&f);
	}
	is_str(ms_report_family_of("CCAP003", NULL), "e6000",
	       "no context: the default rules");
	is_int(ms_report_family_init(&f, NULL, NULL, &err), 0,
	       "no devices file");
	is_str(ms_report_family_of("lab-7", &f), "other",
	       "without the devices file lab-7 is other");
	ms_report_family_release(&f);
	is_int(ms_report_family_init(&f, NULL, "EAST", &err), MS_E_INVAL,
	       "bad rules are refused");
	is_str(err.msg, "HOSTNAME_RULES: 'EAST': expected PATTERN=FAMILY",
	       "and named");
	ms_report_family_release(&f);
	is_int(ms_report_family_init(&f, t_path(path, sizeof(path), "nosuch"),
				     NULL, &err), MS_E_NOENT,
	       "a missing devices file: MS_E_NOENT");
	ok(!strncmp(err.msg, "DEVICES_FILE: cannot open", 25),
	   "and named: %s", err.msg);
	ms_report_family_release(&f);
	t_rmdir();
	return done_testing();
}
