/*
 * The scan applet: the collector (continuous, --once or --device NAME),
 * and `--parse FAMILY`, which runs one family's channel-listing parser
 * over a saved device output, for operators debugging a device and for
 * the fixture tests.
 */
#include "applets.h"

#include "alert.h"
#include "buf.h"
#include "drv.h"
#include "engine.h"
#include "err.h"
#include "file.h"
#include "log.h"
#include "modmap.h"
#include "parse.h"
#include "scanctl.h"

enum { INPUT_MAX = 64 << 20 };	/* one saved device output */

enum { O_PARSE = MS_OPT_OWN, O_IFACE, O_DEVICES, O_DEVICE, O_ONCE };

static const struct ms_opt opts[] = {
	{ "devices", 0, "FILE", O_DEVICES, 0,
	  "devices file, overrides DEVICES_FILE" },
	{ "once", 0, NULL, O_ONCE, 0,
	  "one sweep of every device, then exit: 0 when\n"
	  "all succeeded, 1 when any failed" },
	{ "device", 0, "NAME", O_DEVICE, 0,
	  "scan that one device now and print its\n"
	  "channels (UPSTREAM<TAB>CODE<TAB>MODULATION)" },
	{ "verbose", 'v', NULL, MS_OPT_VERBOSE, 0,
	  "with --device: show the whole conversation" },
	{ "quiet", 'q', NULL, MS_OPT_QUIET, 0,
	  "no progress line on a terminal" },
	{ "parse", 0, "FAMILY", O_PARSE, 0,
	  "parse a saved device output (FILE, or standard\n"
	  "input) with FAMILY's parser and print its\n"
	  "channels" },
	{ "interface", 0, "IF", O_IFACE, 0,
	  "the saved output is of interface IF (below)" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

struct scan_opts {
	const char *parse;	/* family for --parse, or NULL */
	const char *iface;	/* --interface */
	const char *input;	/* FILE, "-" or NULL for stdin */
	const char *devices;	/* --devices */
	const char *device;	/* --device */
	bool once;
};

static int opt(struct ms_run *r, int id, const char *arg)
{
	struct scan_opts *o = r->opts;

	switch (id) {
	case O_PARSE: o->parse = arg; break;
	case O_IFACE: o->iface = arg; break;
	case O_DEVICES: o->devices = arg; break;
	case O_DEVICE: o->device = arg; break;
	default: o->once = true; break;
	}
	return 0;
}

/*
 * Options into r->opts; --parse needs only the configuration, --device not
 * the scanner's lock.
 */
static int check(struct ms_run *r, int argc, char **argv)
{
	struct scan_opts *o = r->opts;
	int rc;

	if (optind < argc && o->parse)
		o->input = argv[optind++];
	if ((rc = ms_applet_no_args(argc, argv)))
		return rc;
	if (o->parse) {
		r->need = MS_RUN_CONF;
		return 0;
	}
	if (o->iface || o->input) {
		ms_applet_error("--interface and FILE go with --parse");
		return ms_applet_usage_error();
	}
	if (r->verbose && !o->device) {
		ms_applet_error("-v goes with --device NAME");
		return ms_applet_usage_error();
	}
	/* --device looks at one device beside a running scanner */
	if (o->device)
		r->need &= ~(unsigned)MS_RUN_LOCK;
	return 0;
}

/* The whole input into b; an exit status on failure. */
static int read_input(const char *path, struct ms_buf *b)
{
	struct ms_err err = { 0 };
	char chunk[65536];
	ssize_t n;

	if (path && strcmp(path, "-")) {
		if (ms_file_read(path, b, NULL, &err) < 0) {
			ms_applet_error("%s", err.msg);
			return MS_EXIT_FAIL;
		}
		return 0;
	}
	while ((n = read(0, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ms_applet_error("cannot read standard input: %s",
					strerror(errno));
			return MS_EXIT_FAIL;
		}
		if (ms_buf_add(b, chunk, (size_t)n) < 0) {
			ms_applet_error("standard input is over %d MiB",
					INPUT_MAX >> 20);
			return MS_EXIT_FAIL;
		}
	}
	return 0;
}

/* The modulation map: legacy, with MODULATION_MAP from the config. */
static int load_map(const struct ms_conf *c, struct ms_modmap *map)
{
	struct ms_err err = { 0 };
	int r;

	ms_modmap_init(map);
	r = ms_modmap_parse(map, ms_conf_str(c, MS_CONF_MODULATION_MAP), &err);
	if (r < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	return 0;
}

/*
 * A listing of the device's interfaces (a cBR-8 summary): their names on
 * stdout and an exit status; -1 when the text is no such listing.
 */
static int print_interfaces(int fam, const struct ms_buf *text)
{
	const struct ms_drv_ops *ops = ms_drv_families[fam].ops;
	struct ms_err err = { 0 };
	struct ms_buf names;
	int r;

	if (!ops->interfaces)
		return -1;
	ms_buf_init(&names, INPUT_MAX);
	if ((r = ops->interfaces(text->p, text->len, &names, &err)) < 0)
		ms_applet_error("%s", err.msg);
	else if (r > 0 && names.len)
		fwrite(names.p, 1, names.len, stdout);
	ms_buf_release(&names);
	return r < 0 ? MS_EXIT_FAIL : r > 0 ? MS_EXIT_OK : -1;
}

/* Records on stdout, warnings on stderr. */
static void report(const struct ms_chanlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		printf("%s\t%d\t%s\n", l->v[i].upstream, (int)l->v[i].code,
		       ms_mod_name((enum ms_mod)l->v[i].mod));
	if (l->partial)
		ms_applet_error("warning: %s", l->reason);
	if (l->bad_rows)
		ms_applet_error("warning: %zu data rows did not parse",
				l->bad_rows);
	if (l->dups)
		ms_applet_error("warning: %zu duplicate upstreams, first kept",
				l->dups);
	if (l->unknown)
		ms_applet_error("warning: %zu channels on unmapped profile "
				"codes", l->unknown);
}

static int parse_main(const struct ms_conf *c, const struct scan_opts *o)
{
	struct ms_err err = { 0 };
	struct ms_modmap map;
	struct ms_buf in, text;
	struct ms_chanlist l;
	int fam, r;

	if ((fam = ms_drv_family(o->parse)) < 0) {
		ms_applet_error("unknown family '%s' (%s)", o->parse,
				ms_drv_names());
		return MS_EXIT_USAGE;
	}
	if (o->iface && !ms_drv_families[fam].ops->iface) {
		ms_applet_error("--interface: %s lists all upstreams at once",
				o->parse);
		return MS_EXIT_USAGE;
	}
	if ((r = load_map(c, &map)) != 0)
		return r;
	ms_buf_init(&in, INPUT_MAX);
	ms_buf_init(&text, INPUT_MAX);
	ms_chanlist_init(&l);
	if ((r = read_input(o->input, &in)) != 0)
		goto out;
	r = MS_EXIT_FAIL;
	if (ms_parse_clean(in.p, in.len, &text, &l, &err) < 0) {
		ms_applet_error("%s", err.msg);
		goto out;
	}
	if (l.failed) {
		ms_applet_error("error reply: %s", l.reason);
		goto out;
	}
	if (!o->iface && (r = print_interfaces(fam, &text)) >= 0)
		goto out;
	r = MS_EXIT_FAIL;
	if (ms_drv_parse(fam, o->iface, text.p, text.len, &map, &l, &err) < 0)
		ms_applet_error("%s", err.msg);
	else if (!l.listing)
		ms_applet_error("not a %s channel listing%s%s", o->parse,
				l.partial ? ": " : "",
				l.partial ? l.reason : "");
	else
		r = MS_EXIT_OK;
	if (r == MS_EXIT_OK)
		report(&l);
out:
	ms_chanlist_release(&l);
	ms_buf_release(&in);
	ms_buf_release(&text);
	return r;
}

/* The collector: the engine, set up by main.c (applets.def). */
static int collect_main(struct ms_run *run, const struct scan_opts *o)
{
	struct ms_scanctl_delivery *d = NULL;
	struct ms_engine_opts eo;
	struct ms_alert_conf ac;
	struct ms_err err = { 0 };
	int r;

	/* A bad ALERT_COMMAND is a config error: nothing starts. */
	if (ms_alert_conf_from(&ac, &run->conf, &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	/* --once: what the sweep queued goes out before we exit; the
	 * engine takes the configuration, so the settings are read now. */
	if (o->once && !o->device && (d = malloc(sizeof(*d))))
		ms_scanctl_delivery_init(d, &run->conf);
	memset(&eo, 0, sizeof(eo));
	eo.config_path = run->config;
	eo.devices_path = o->devices;
	eo.only_device = o->device;
	eo.once = o->once || o->device;
	eo.progress = eo.once && !o->device && !run->quiet && isatty(2);
	eo.trace = o->device && run->verbose ? stderr : NULL;
	eo.found = o->device ? stdout : NULL;
	r = ms_engine_run(&run->conf, &eo, &err);
	if (d && r >= 0)
		ms_scanctl_deliver(d);
	if (d)
		ms_scanctl_delivery_release(d);
	free(d);
	if (r < 0) {
		/* one line on stderr; the log file, if any, gets it too */
		if (ms_log_fd() != 2)
			ms_log_error("%s", err.msg);
		ms_applet_error("%s", err.msg);
		r = r == MS_E_INVAL ? MS_EXIT_USAGE : MS_EXIT_FAIL;
	}
	return r;
}

static int run(struct ms_run *r)
{
	const struct scan_opts *o = r->opts;

	return o->parse ? parse_main(&r->conf, o) : collect_main(r, o);
}

const struct ms_applet ms_scan_applet = {
	.synopsis =
	"usage: modscan scan [-c FILE] [--devices FILE] [--once] [--quiet]\n"
	"       modscan scan [-c FILE] [--devices FILE] --device NAME [-v]\n"
	"       modscan scan --parse FAMILY [--interface IF] [-c FILE] "
	"[FILE|-]\n"
	"\n"
	"Collect the upstream modulation of every device in the inventory\n"
	"(DEVICES_FILE, DEVICES_SQL, DEVICES_URL, DEVICES_COMMAND): each\n"
	"device every SCAN_INTERVAL seconds, in its own slot of the interval,\n"
	"SCAN_CONCURRENCY at once.  Runs until SIGTERM or SIGINT; SIGHUP\n"
	"reloads the configuration and the inventory, which is also read\n"
	"again every INVENTORY_REFRESH seconds (a failing source keeps the\n"
	"last good list).  The upstream to node map (NODES_FILE, NODES_SQL,\n"
	"cBR-8 descriptions) is read with it; its changes go to the table\n"
	"upstream_nodes.  --once delivers the alert queue (mail,\n"
	"ALERT_COMMAND) before it exits.\n"
	"\n",
	.epilogue =
	"Families (FAMILY, the devices file, HOSTNAME_RULES), with the name\n"
	"rule used when HOSTNAME_RULES is empty, and how --parse reads them:\n"
#define DRV(name, KEY, label, legacy, paging, rule, markers, help) \
	"  " #name ": " label ", name rule " rule "\n    " help "\n"
#include "drv.def"
#undef DRV
	"\n"
	"--parse exits 0 for a listing (even with no channel; warnings on\n"
	"stderr), 1 for an error reply or text that is not a listing, 2 for\n"
	"usage errors.\n"
	"\n"
	"Exit status of the collector: 0 (also after SIGTERM), 1 when a device\n"
	"failed (--once, --device) or the scanner cannot run (lock held),\n"
	"2 for a bad command line or configuration.\n",
	.opts = opts,
	.common = MS_OPT_F_QUIET | MS_OPT_F_VERBOSE,
	.opts_size = sizeof(struct scan_opts),
	.opt = opt,
	.check = check,
	.run = run,
};
