/*
 * modscan --check-config: the effective configuration, one KEY=value a
 * line as the config file would spell it, secrets masked.
 */
#include "applets.h"

static const struct ms_opt opts[] = {
	{ NULL, 0, NULL, 0, 0, NULL }
};

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
	size_t k;

	for (k = 0; k < MS_CONF__COUNT; k++) {
		const char *v = ms_conf_str(&r->conf, (enum ms_conf_key)k);

		printf("%s=", ms_conf_table[k].name);
		if ((ms_conf_table[k].flags & MS_CONF_SECRET) && *v)
			fputs("********", stdout);
		else
			print_value(v);
		putchar('\n');
	}
	return MS_EXIT_OK;
}

const struct ms_applet ms_check_config_applet = {
	.synopsis =
	"usage: modscan --check-config [--config FILE]\n"
	"\n"
	"Load the configuration (file, then MODSCAN_* and legacy environment\n"
	"variables) and print every key's effective value; a bad value is\n"
	"one error naming the file, line and key, exit 2.\n"
	"\n",
	.opts = opts,
	.run = run,
};
