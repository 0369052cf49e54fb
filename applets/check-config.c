/*
 * modscan --check-config: the effective configuration, one KEY=value a
 * line as the config file would spell it, secrets masked.
 */
#include "applets.h"

enum { O_STRICT = MS_OPT_OWN };

static const struct ms_opt opts[] = {
	{ "strict", 0, NULL, O_STRICT, 0,
	  "exit 1 when the configuration had warnings\n"
	  "(an unknown key)" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

struct check_opts {
	bool strict;
};

static int opt(struct ms_run *r, int id, const char *arg)
{
	struct check_opts *o = r->opts;

	(void)id;
	(void)arg;
	o->strict = true;
	return 0;
}

/* One value as the config file would spell it (quoted when needed). */
static void print_value(const char *v)
{
	const char *p;

	if (!strpbrk(v, " \t#\"'\\\n\r")) {
		fputs(v, stdout);
		return;
	}
	putchar('"');
	for (p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else
			putchar(*p);
	}
	putchar('"');
}

static int run(struct ms_run *r)
{
	const struct check_opts *o = r->opts;
	char src[PATH_MAX + 16];
	size_t k;

	for (k = 0; k < MS_CONF__COUNT; k++) {
		const char *v = ms_conf_str(&r->conf, (enum ms_conf_key)k);

		printf("%s=", ms_conf_table[k].name);
		if ((ms_conf_table[k].flags & MS_CONF_SECRET) && *v)
			fputs("********", stdout);
		else
			print_value(v);
		if (r->verbose) {
			ms_conf_source(&r->conf, (enum ms_conf_key)k, src,
				       sizeof(src));
			printf("\t# %s", src);
		}
		putchar('\n');
	}
	if (o->strict && ms_applet_warnings) {
		ms_applet_error("%u warning%s with --strict", ms_applet_warnings,
				ms_applet_warnings == 1 ? "" : "s");
		return MS_EXIT_FAIL;
	}
	return MS_EXIT_OK;
}

const struct ms_applet ms_check_config_applet = {
	.synopsis =
	"usage: modscan --check-config [--config FILE] [-v] [--strict]\n"
	"\n"
	"Load the configuration (file, then MODSCAN_* and legacy environment\n"
	"variables) and print every key's effective value; with -v each\n"
	"line names where the value comes from (FILE:LINE, environment,\n"
	"default).  Every bad value is one error naming the file, line and\n"
	"key, exit 2; an unknown key is a warning naming the nearest key.\n"
	"\n",
	.opts = opts,
	.common = MS_OPT_F_VERBOSE,
	.opts_size = sizeof(struct check_opts),
	.opt = opt,
	.run = run,
};
