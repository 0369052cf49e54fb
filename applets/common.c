/* Start-up steps that every applet shares (see applets.h). */
#include "applets.h"

#include "buf.h"
#include "err.h"
#include "version.h"

const char *ms_applet_name = "modscan";

static char first_error[1024];

void ms_applet_error(const char *fmt, ...)
{
	char line[1024], *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One line: a value or server text may hold a newline. */
	for (p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (!first_error[0])
		snprintf(first_error, sizeof(first_error), "%s", line);
	fprintf(stderr, "modscan %s: %s\n", ms_applet_name, line);
}

const char *ms_applet_first_error(void)
{
	return first_error;
}

unsigned ms_applet_warnings;

int ms_applet_usage_error(void)
{
	fprintf(stderr, "Try 'modscan %s --help'.\n", ms_applet_name);
	return MS_EXIT_USAGE;
}

int ms_applet_no_args(int argc, char **argv)
{
	if (optind >= argc)
		return 0;
	ms_applet_error("unexpected argument '%s'", argv[optind]);
	return ms_applet_usage_error();
}

int ms_applet_help(const struct ms_run *r)
{
	const struct ms_applet *a = r->applet;
	struct ms_buf b;
	int rc = MS_EXIT_OK;

	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	if (ms_buf_adds(&b, a->synopsis) < 0 ||
	    ms_opt_help(a->opts, a->common, &b) < 0 ||
	    (a->epilogue && (ms_buf_adds(&b, "\n") < 0 ||
			     ms_buf_adds(&b, a->epilogue) < 0))) {
		ms_applet_error("out of memory");
		rc = MS_EXIT_FAIL;
	} else {
		fputs(b.p, stdout);
	}
	ms_buf_release(&b);
	return rc;
}

/* --version of an applet: the first line of 'modscan --version'. */
static int version(void)
{
	struct ms_buf b;

	ms_buf_init(&b, 4096);
	if (ms_version_render(&b) < 0) {
		ms_applet_error("out of memory");
		ms_buf_release(&b);
		return MS_EXIT_FAIL;
	}
	printf("%.*s\n", (int)strcspn(b.p, "\n"), b.p);
	ms_buf_release(&b);
	return MS_EXIT_OK;
}

static int common_opt(struct ms_run *r, int id, const char *arg)
{
	switch (id) {
	case MS_OPT_CONFIG: r->config = arg; break;
	case MS_OPT_QUIET: r->quiet = true; break;
	case MS_OPT_VERBOSE: r->verbose = true; break;
	case MS_OPT_HELP: return ms_applet_help(r) ? MS_EXIT_FAIL : -1;
	case MS_OPT_VERSION: return version() ? MS_EXIT_FAIL : -1;
	default: return 1;
	}
	return 0;
}

int ms_applet_getopt(struct ms_run *r, const struct ms_opt *opts, int argc,
		     char **argv,
		     int (*fn)(struct ms_run *r, int id, const char *arg))
{
	struct ms_opt_parser p;
	struct ms_err err = { 0 };
	const char *arg;
	int id, rc;

	if (ms_opt_init(&p, opts ? opts : r->applet->opts, r->applet->common,
			argc, argv, &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	while ((id = ms_opt_next(&p, &arg, &err)) > 0) {
		if (id < MS_OPT_OWN && (rc = common_opt(r, id, arg)) != 1) {
			if (rc)
				return rc;
			continue;
		}
		if (!fn || (rc = fn(r, id, arg)) != 0)
			return fn ? rc : MS_EXIT_USAGE;
	}
	if (id < 0) {
		ms_applet_error("%s", err.msg);
		return ms_applet_usage_error();
	}
	return 0;
}

int ms_applet_parse(struct ms_run *r, int argc, char **argv)
{
	const struct ms_applet *a = r->applet;
	int rc = ms_applet_getopt(r, NULL, argc, argv, a->opt);

	if (rc)
		return rc;
	return a->check ? a->check(r, argc, argv) : ms_applet_no_args(argc,
								      argv);
}
