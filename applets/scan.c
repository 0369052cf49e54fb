/*
 * The scan applet.  Implemented so far: `--parse FAMILY`, which runs one
 * family's channel-listing parser over a saved device output, for
 * operators debugging a device and for the fixture tests.  The options
 * live in struct scan_opts so the collector's options join them there.
 */
#include "applets.h"

#include <getopt.h>

#include "buf.h"
#include "drv.h"
#include "err.h"
#include "file.h"
#include "modmap.h"
#include "parse.h"

enum { INPUT_MAX = 64 << 20 };	/* one saved device output */

const char ms_scan_usage[] =
	"usage: modscan scan --parse FAMILY [--interface IF] [-c FILE] "
	"[FILE|-]\n"
	"\n"
	"Parse a saved device output (FILE, or standard input) with the\n"
	"channel-listing parser of FAMILY (e6000, casa, cbr8) and print one\n"
	"line per channel: UPSTREAM<TAB>CODE<TAB>MODULATION.\n"
	"\n"
	"  --parse FAMILY    the parser to run\n"
	"  --interface IF    casa: the text is `show spectrum hop-history\n"
	"                    upstream IF`; cbr8: the text is the controller\n"
	"                    output of MAC domain IF (Cable1/0/1), other\n"
	"                    domains' blocks are ignored\n"
	"  -c, --config FILE configuration (for MODULATION_MAP)\n"
	"  -h, --help        this text\n"
	"\n"
	"cbr8 without --interface: a `show cable modem summary` output prints\n"
	"its MAC domains, one per line (Cable1/0/1); any other text is read\n"
	"as controller output of any domain.\n"
	"\n"
	"Exit 0 for a listing (even with no channel; warnings on stderr),\n"
	"1 for an error reply or text that is not a listing, 2 for usage\n"
	"errors.  The collector itself is not built yet.\n";

struct scan_opts {
	const char *parse;	/* family for --parse, or NULL */
	const char *iface;	/* --interface */
	const char *config;	/* -c */
	const char *input;	/* FILE, "-" or NULL for stdin */
};

/* Options into o: 0 to go on, -1 after --help, else a usage error's status. */
static int scan_getopt(int argc, char **argv, struct scan_opts *o)
{
	static const struct option longopts[] = {
		{ "parse", required_argument, NULL, 'P' },
		{ "interface", required_argument, NULL, 'I' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'P': o->parse = optarg; break;
		case 'I': o->iface = optarg; break;
		case 'c': o->config = optarg; break;
		case 'h': ms_applet_help(ms_scan_usage); return -1;
		default: return ms_applet_usage_error();
		}
	}
	if (optind < argc)
		o->input = argv[optind++];
	if (optind < argc) {
		ms_applet_error("unexpected argument '%s'", argv[optind]);
		return ms_applet_usage_error();
	}
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
static int load_map(const char *config, struct ms_modmap *map)
{
	struct ms_conf c;
	struct ms_err err = { 0 };
	int r;

	if ((r = ms_applet_conf(&c, config)) != 0)
		return r;
	ms_modmap_init(map);
	r = ms_modmap_parse(map, ms_conf_str(&c, MS_CONF_MODULATION_MAP),
			    &err);
	ms_conf_release(&c);
	if (r < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	return 0;
}

/* cbr8 summary: the MAC domains; -1 when the text is not a summary. */
static int print_domains(const struct ms_buf *text)
{
	struct ms_namelist *dom = malloc(sizeof(*dom));
	size_t i;
	int r = -1;

	if (!dom) {
		ms_applet_error("out of memory");
		return MS_EXIT_FAIL;
	}
	ms_namelist_init(dom);
	ms_parse_cbr8_summary(text->p, text->len, dom, NULL);
	if (dom->listing) {
		for (i = 0; i < dom->n; i++)
			printf("Cable%s\n", dom->v[i]);
		r = MS_EXIT_OK;
	}
	free(dom);
	return r;
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

static int parse_main(const struct scan_opts *o)
{
	struct ms_err err = { 0 };
	struct ms_modmap map;
	struct ms_buf in, text;
	struct ms_chanlist l;
	int fam, r;

	if ((fam = ms_drv_family(o->parse)) < 0) {
		ms_applet_error("unknown family '%s' (e6000, casa, cbr8)",
				o->parse);
		return MS_EXIT_USAGE;
	}
	if (o->iface && fam == MS_FAM_e6000) {
		ms_applet_error("--interface: e6000 lists all upstreams at once");
		return MS_EXIT_USAGE;
	}
	if ((r = load_map(o->config, &map)) != 0)
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
	if (fam == MS_FAM_cbr8 && !o->iface && (r = print_domains(&text)) >= 0)
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

int ms_scan_main(int argc, char **argv)
{
	struct scan_opts o;
	int r;

	if ((r = scan_getopt(argc, argv, &o)) != 0)
		return r < 0 ? MS_EXIT_OK : r;
	if (!o.parse) {
		ms_applet_error("the collector is not built yet");
		return MS_EXIT_FAIL;
	}
	return parse_main(&o);
}
