/*
 * Option tables to getopt_long's arrays and to --help text (see opt.h).
 */
#include "opt.h"

const struct ms_opt ms_opt_common[] = {
	{ "config", 'c', "FILE", MS_OPT_CONFIG, 0, "configuration file" },
	{ "quiet", 'q', NULL, MS_OPT_QUIET, 0, "print less" },
	{ "verbose", 'v', NULL, MS_OPT_VERBOSE, 0, "print more" },
	{ "help", 'h', NULL, MS_OPT_HELP, 0, "this text" },
	{ "version", 'V', NULL, MS_OPT_VERSION, 0,
	  "the version of modscan" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

enum { HELP_COL = 22 };

static bool common_taken(const struct ms_opt *o, unsigned common)
{
	if (o->id == MS_OPT_CONFIG)
		return !(common & MS_OPT_F_NO_CONFIG);
	if (o->id == MS_OPT_QUIET)
		return common & MS_OPT_F_QUIET;
	if (o->id == MS_OPT_VERBOSE)
		return common & MS_OPT_F_VERBOSE;
	return true;
}

static const struct ms_opt *find_id(const struct ms_opt *opts, int id)
{
	for (; opts->name; opts++)
		if (opts->id == id)
			return opts;
	return NULL;
}

static bool short_used(const struct ms_opt *opts, int ch)
{
	for (; opts->name; opts++)
		if (opts->shortopt == ch)
			return true;
	return false;
}

/* The options in effect, applet's first: each callback gets one. */
static int each(const struct ms_opt *opts, unsigned common,
		int (*fn)(const struct ms_opt *o, bool own, void *ctx),
		void *ctx)
{
	const struct ms_opt *o;
	int r;

	for (o = opts; o->name; o++)
		if ((r = fn(o, true, ctx)) < 0)
			return r;
	for (o = ms_opt_common; o->name; o++) {
		if (!common_taken(o, common) || find_id(opts, o->id))
			continue;
		if ((r = fn(o, false, ctx)) < 0)
			return r;
	}
	return 0;
}

struct init_ctx {
	struct ms_opt_parser *p;
	const struct ms_opt *opts;
	size_t n, ns;
};

static int add_one(const struct ms_opt *o, bool own, void *ctx)
{
	struct init_ctx *x = ctx;
	struct option *lo = &x->p->lo[x->n];

	if (x->n >= MS_OPT_MAX)
		return MS_E_TOOBIG;
	lo->name = o->name;
	lo->has_arg = !o->arg ? no_argument : (o->flags & MS_OPT_OPTIONAL) ?
		      optional_argument : required_argument;
	lo->flag = NULL;
	lo->val = o->id;
	x->n++;
	if (!o->shortopt || (!own && short_used(x->opts, o->shortopt)))
		return 0;
	x->p->so[x->ns++] = (char)o->shortopt;
	x->p->short_id[o->shortopt & 127] = o->id;
	if (o->arg)
		x->p->so[x->ns++] = ':';
	if (o->arg && (o->flags & MS_OPT_OPTIONAL))
		x->p->so[x->ns++] = ':';
	return 0;
}

int ms_opt_init(struct ms_opt_parser *p, const struct ms_opt *opts,
		unsigned common, int argc, char **argv, struct ms_err *err)
{
	struct init_ctx x = { p, opts, 0, 1 };

	memset(p, 0, sizeof(*p));
	p->so[0] = ':';		/* a missing argument is ':', not '?' */
	if (each(opts, common, add_one, &x) < 0)
		return ms_err_set(err, MS_E_TOOBIG, "more than %d options",
				  MS_OPT_MAX);
	p->argc = argc;
	p->argv = argv;
	optind = 1;
	opterr = 0;
	return 0;
}

/* "--name" as given, or "-x" for a short option. */
static void offender(const struct ms_opt_parser *p, char *out, size_t size)
{
	const char *a = optind > 0 && optind <= p->argc ? p->argv[optind - 1]
							: "";

	if (!strncmp(a, "--", 2))
		snprintf(out, size, "%.*s", (int)strcspn(a, "="), a);
	else
		snprintf(out, size, "-%c", optopt);
}

int ms_opt_next(struct ms_opt_parser *p, const char **arg,
		struct ms_err *err)
{
	char bad[64];
	int ch;

	*arg = NULL;
	ch = getopt_long(p->argc, p->argv, p->so, p->lo, NULL);
	if (ch == -1)
		return 0;
	if (ch == '?' || ch == ':') {
		offender(p, bad, sizeof(bad));
		return ms_err_set(err, MS_E_INVAL, ch == ':' ? "option '%s' "
				  "needs an argument" : "unexpected argument "
				  "'%s'", bad);
	}
	*arg = optarg;
	if (ch > 0 && ch < 128 && p->short_id[ch])
		return p->short_id[ch];
	return ch;
}

/* "  -c, --config FILE" padded to HELP_COL, then the help lines. */
struct help_ctx {
	const struct ms_opt *opts;
	struct ms_buf *out;
};

static int help_one(const struct ms_opt *o, bool own, void *ctx)
{
	const struct help_ctx *x = ctx;
	struct ms_buf *out = x->out;
	const char *h = o->help, *nl;
	size_t start = out->len, w;
	int r;

	if (o->shortopt && (own || !short_used(x->opts, o->shortopt)))
		r = ms_buf_printf(out, "  -%c, --%s", o->shortopt, o->name);
	else
		r = ms_buf_printf(out, "  --%s", o->name);
	if (r >= 0 && o->arg)
		r = ms_buf_printf(out, (o->flags & MS_OPT_OPTIONAL) ? " [%s]"
				  : " %s", o->arg);
	if (r < 0)
		return r;
	w = out->len - start;
	for (; r >= 0 && h; h = nl ? nl + 1 : NULL) {
		nl = strchr(h, '\n');
		if (w >= HELP_COL - 1) {
			r = ms_buf_adds(out, "\n");
			w = 0;
		}
		if (r >= 0)
			r = ms_buf_printf(out, "%*s%.*s\n",
					  (int)(HELP_COL - w), "",
					  nl ? (int)(nl - h) : (int)strlen(h),
					  h);
		w = 0;
	}
	return r < 0 ? r : 0;
}

int ms_opt_help(const struct ms_opt *opts, unsigned common,
		struct ms_buf *out)
{
	struct help_ctx x = { opts, out };

	return each(opts, common, help_one, &x);
}

int ms_opt_synopsis(const struct ms_opt *opts, unsigned common,
		    struct ms_buf *out)
{
	const struct ms_opt *o;
	int r = common & MS_OPT_F_NO_CONFIG ? 0
					    : ms_buf_adds(out, " [--config FILE]");

	for (o = opts; r >= 0 && o->name; o++) {
		r = ms_buf_printf(out, " [--%s", o->name);
		if (r >= 0 && o->arg)
			r = ms_buf_printf(out, " %s", o->arg);
		if (r >= 0)
			r = ms_buf_adds(out, (o->flags & MS_OPT_REPEAT) ?
					"]..." : "]");
	}
	return r < 0 ? r : 0;
}
