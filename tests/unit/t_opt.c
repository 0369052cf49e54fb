/* Unit tests of the option tables: getopt from them, --help from them. */
#include "opt.h"
#include "harness.h"

enum { O_ONCE = MS_OPT_OWN, O_DEVICE, O_DEPLOY, O_CRIT };

static const struct ms_opt table[] = {
	{ "once", 0, NULL, O_ONCE, 0, "one sweep" },
	{ "device", 0, "NAME", O_DEVICE, 0, "one device\nand print it" },
	{ "deploy", 0, "TARGET", O_DEPLOY, MS_OPT_OPTIONAL, "publish" },
	{ "critical", 'c', "RANGES", O_CRIT, MS_OPT_REPEAT, "thresholds" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct ms_opt empty[] = { { NULL, 0, NULL, 0, 0, NULL } };

struct want {
	int id;
	const char *arg;
};

static const struct {
	const char *title;
	const struct ms_opt *opts;
	unsigned common;
	const char *argv[6];
	struct want want[5];	/* ids in order, then 0 or an error */
	int rest;		/* optind after the options */
} cases[] = {
	{ "long options and an argument", table, 0,
	  { "x", "--once", "--device", "d1", NULL },
	  { { O_ONCE, NULL }, { O_DEVICE, "d1" }, { 0, NULL } }, 4 },
	{ "--name=value", table, 0, { "x", "--device=d2", NULL },
	  { { O_DEVICE, "d2" }, { 0, NULL } }, 2 },
	{ "an optional argument left out", table, 0,
	  { "x", "--deploy", "--once", NULL },
	  { { O_DEPLOY, NULL }, { O_ONCE, NULL }, { 0, NULL } }, 3 },
	{ "the applet's -c wins over --config's", table, 0,
	  { "x", "-c", "5", "--config", "f", NULL },
	  { { O_CRIT, "5" }, { MS_OPT_CONFIG, "f" }, { 0, NULL } }, 5 },
	{ "-c is --config where the applet has no -c", empty, 0,
	  { "x", "-c", "f", "-V", NULL },
	  { { MS_OPT_CONFIG, "f" }, { MS_OPT_VERSION, NULL }, { 0, NULL } },
	  4 },
	{ "-q and -v only when the applet takes them", empty,
	  MS_OPT_F_QUIET | MS_OPT_F_VERBOSE, { "x", "-qv", "--help", NULL },
	  { { MS_OPT_QUIET, NULL }, { MS_OPT_VERBOSE, NULL },
	    { MS_OPT_HELP, NULL }, { 0, NULL } }, 3 },
	{ "-q unknown without MS_OPT_F_QUIET", empty, 0, { "x", "-q", NULL },
	  { { MS_E_INVAL, "unexpected argument '-q'" } }, 0 },
	{ "--config unknown with MS_OPT_F_NO_CONFIG", empty,
	  MS_OPT_F_NO_CONFIG, { "x", "--config", "f", NULL },
	  { { MS_E_INVAL, "unexpected argument '--config'" } }, 0 },
	{ "an unknown long option is named", table, 0,
	  { "x", "--frob=1", NULL },
	  { { MS_E_INVAL, "unexpected argument '--frob'" } }, 0 },
	{ "a missing argument is named", table, 0, { "x", "--device", NULL },
	  { { MS_E_INVAL, "option '--device' needs an argument" } }, 0 },
	{ "a missing short argument is named", table, 0, { "x", "-c", NULL },
	  { { MS_E_INVAL, "option '-c' needs an argument" } }, 0 },
	{ "options after an operand count, operands move last", table, 0,
	  { "x", "FILE", "--once", NULL },
	  { { O_ONCE, NULL }, { 0, NULL } }, 2 },
	{ "-- ends the options", table, 0, { "x", "--", "--once", NULL },
	  { { 0, NULL } }, 2 },
};

static void run_case(size_t i)
{
	struct ms_opt_parser p;
	struct ms_err err = { 0 };
	const char *arg;
	char *argv[6] = { NULL };
	int argc = 0, id;
	size_t k;

	while (cases[i].argv[argc]) {
		argv[argc] = (char *)cases[i].argv[argc];
		argc++;
	}
	is_int(ms_opt_init(&p, cases[i].opts, cases[i].common, argc, argv,
			   &err), 0, "%s: init", cases[i].title);
	for (k = 0; k < MS_ARRAY_SIZE(cases[i].want); k++) {
		const struct want *w = &cases[i].want[k];

		id = ms_opt_next(&p, &arg, &err);
		is_int(id, w->id, "%s: option %zu is %d", cases[i].title, k,
		       w->id);
		if (id < 0) {
			is_str(err.msg, w->arg, "%s: message", cases[i].title);
			return;
		}
		if (id == 0)
			break;
		is_str(arg, w->arg, "%s: argument %zu", cases[i].title, k);
	}
	is_int(optind, cases[i].rest, "%s: operands start at %d",
	       cases[i].title, cases[i].rest);
}

static void help(void)
{
	struct ms_buf b;

	ms_buf_init(&b, 4096);
	is_int(ms_opt_help(table, 0, &b), 0, "help renders");
	is_str(b.p,
	       "  --once              one sweep\n"
	       "  --device NAME       one device\n"
	       "                      and print it\n"
	       "  --deploy [TARGET]   publish\n"
	       "  -c, --critical RANGES\n"
	       "                      thresholds\n"
	       "  --config FILE       configuration file\n"
	       "  -h, --help          this text\n"
	       "  -V, --version       the version of modscan\n",
	       "help: own options, then the common ones; -c is taken");
	ms_buf_reset(&b);
	is_int(ms_opt_synopsis(table, 0, &b), 0, "synopsis renders");
	is_str(b.p, " [--config FILE] [--once] [--device NAME] "
	       "[--deploy TARGET] [--critical RANGES]...",
	       "synopsis: --config, then each option; repeats marked");
	ms_buf_reset(&b);
	ms_opt_synopsis(empty, MS_OPT_F_NO_CONFIG, &b);
	is_str(b.p, "", "synopsis without --config");
	ms_buf_reset(&b);
	ms_opt_help(empty, MS_OPT_F_NO_CONFIG, &b);
	is_str(b.p, "  -h, --help          this text\n"
	       "  -V, --version       the version of modscan\n",
	       "help without --config");
	ms_buf_release(&b);
}

int main(void)
{
	struct ms_opt many[MS_OPT_MAX + 1];
	struct ms_opt_parser p;
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(cases); i++)
		run_case(i);
	help();
	for (i = 0; i < MS_OPT_MAX; i++)
		many[i] = table[0];
	memset(&many[MS_OPT_MAX], 0, sizeof(many[0]));
	is_int(ms_opt_init(&p, many, 0, 0, NULL, NULL), MS_E_TOOBIG,
	       "more than MS_OPT_MAX options is refused");
	return done_testing();
}
