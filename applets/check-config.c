/*
 * modscan --check-config: the effective configuration, one KEY=value a
 * line as the config file would spell it, secrets masked.
 */
#include "applets.h"

#include "alert.h"
#include "lease.h"
#include "nodemap.h"
#include "probe.h"

enum { O_STRICT = MS_OPT_OWN, O_CONNECT, O_DEVICE };

static const struct ms_opt opts[] = {
	{ "strict", 0, NULL, O_STRICT, 0,
	  "exit 1 when the configuration had warnings\n"
	  "(an unknown key)" },
	{ "connect", 0, NULL, O_CONNECT, 0,
	  "instead: try the database, one device over\n"
	  "SSH, the mail server and the deploy target;\n"
	  "one line each, exit 1 if any failed" },
	{ "device", 0, "NAME", O_DEVICE, 0,
	  "with --connect: this device (default: the\n"
	  "first of DEVICES_FILE)" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

struct check_opts {
	bool strict, connect;
	const char *device;
};

static int opt(struct ms_run *r, int id, const char *arg)
{
	struct check_opts *o = r->opts;

	if (id == O_STRICT)
		o->strict = true;
	else if (id == O_CONNECT)
		o->connect = true;
	else
		o->device = arg;
	return 0;
}

static int check(struct ms_run *r, int argc, char **argv)
{
	struct check_opts *o = r->opts;
	int rc;

	if ((rc = ms_applet_no_args(argc, argv)))
		return rc;
	if (o->device && !o->connect) {
		ms_applet_error("--device goes with --connect");
		return ms_applet_usage_error();
	}
	if (o->connect)
		r->need |= MS_RUN_SSH | MS_RUN_DB;
	return 0;
}

/* --connect: each service once, one line each. */
static int connect_all(struct ms_run *r, const struct check_opts *o)
{
	struct ms_probe p;
	int failed = 0, i;

	for (i = 0; i < 4; i++) {
		if (i == 0)
			ms_probe_db(&r->conf, &p);
		else if (i == 1)
			ms_probe_ssh(&r->conf, o->device, &p);
		else if (i == 2)
			ms_probe_smtp(&r->conf, &p);
		else
			ms_probe_deploy(&r->conf, &p);
		printf("%s%s%s: %s: %s\n", p.what, *p.target ? " " : "",
		       p.target, p.result == MS_PROBE_OK ? "ok" :
		       p.result == MS_PROBE_SKIPPED ? "skipped" : "FAILED",
		       p.detail);
		failed += p.result == MS_PROBE_FAILED;
	}
	fflush(stdout);
	if (failed)
		ms_applet_error("%d of 4 failed", failed);
	return failed ? MS_EXIT_FAIL : MS_EXIT_OK;
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

/* NODES_FILE parses: its count of mappings (0 when unset), or -1 when
 * it does not (said). */
static long check_nodes(const struct ms_conf *c)
{
	const char *path = ms_conf_str(c, MS_CONF_NODES_FILE);
	struct ms_nodemap m;
	struct ms_err err;
	int n;

	if (!*path)
		return 0;
	ms_nodemap_init(&m);
	if ((n = ms_nodemap_load(&m, path, &err)) < 0)
		ms_applet_error("NODES_FILE: %s", err.msg);
	ms_nodemap_release(&m);
	return n < 0 ? -1 : n;
}

/* INSTANCE_NAME and INSTANCE_GROUPS as scan takes them; false (said)
 * when scan would refuse them. */
static bool check_instance(const struct ms_conf *c)
{
	struct ms_lease_self self;
	struct ms_err err;

	if (ms_lease_self_check(&self, c, &err) == 0)
		return true;
	ms_applet_error("%s", err.msg);
	return false;
}

static int run(struct ms_run *r)
{
	const struct check_opts *o = r->opts;
	char src[PATH_MAX + 16];
	struct ms_alert_conf ac;
	struct ms_err err = { 0 };
	long nodes;
	size_t k;

	if (o->connect)
		return connect_all(r, o);
	/* ALERT_COMMAND must split into words (no shell does it). */
	if (ms_alert_conf_from(&ac, &r->conf, &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	if ((nodes = check_nodes(&r->conf)) < 0)
		return MS_EXIT_USAGE;
	/* what scan refuses at start: INSTANCE_NAME, INSTANCE_GROUPS */
	if (!check_instance(&r->conf))
		return MS_EXIT_USAGE;
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
	/* a comment: the output stays a configuration file */
	if (*ms_conf_str(&r->conf, MS_CONF_NODES_FILE))
		printf("# NODES_FILE maps %ld upstreams\n", nodes);
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
	"       modscan --check-config [--config FILE] --connect "
	"[--device NAME]\n"
	"\n"
	"Load the configuration (file, then MODSCAN_* and legacy environment\n"
	"variables) and print every key's effective value; with -v each\n"
	"line names where the value comes from (FILE:LINE, environment,\n"
	"default).  Every bad value is one error naming the file, line and\n"
	"key, exit 2; an unknown key is a warning naming the nearest key.\n"
	"NODES_FILE is read too: a bad line is an error naming the file and\n"
	"line, exit 2; else a last comment line says how many upstreams it\n"
	"maps.  INSTANCE_NAME and INSTANCE_GROUPS are checked as scan does.\n"
	"\n",
	.opts = opts,
	.common = MS_OPT_F_VERBOSE,
	.opts_size = sizeof(struct check_opts),
	.opt = opt,
	.check = check,
	.run = run,
};
