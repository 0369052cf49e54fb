/* Start-up steps that every applet shares (see applets.h). */
#include "applets.h"

#include "err.h"
#include "rundir.h"

const char *ms_applet_name = "modscan";

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
	fprintf(stderr, "modscan %s: %s\n", ms_applet_name, line);
}

int ms_applet_conf(struct ms_conf *c, const char *path)
{
	struct ms_err err = { 0 };
	const char *p, *nl;
	int r;

	ms_conf_init(c);
	r = ms_conf_load(c, path, &err);
	for (p = c->warnings.p; (nl = strchr(p, '\n')); p = nl + 1)
		fprintf(stderr, "modscan %s: warning: %.*s\n", ms_applet_name,
			(int)(nl - p), p);
	ms_buf_reset(&c->warnings);
	if (r < 0) {
		ms_applet_error("%s", err.msg);
		ms_conf_release(c);
		return MS_EXIT_USAGE;
	}
	return 0;
}

int ms_applet_rundir(const struct ms_conf *c, bool create)
{
	struct ms_err err = { 0 };

	if (ms_rundir_check(c, create, &err) == 0)
		return 0;
	ms_applet_error("%s", err.msg);
	return err.code == MS_E_INVAL ? MS_EXIT_USAGE : MS_EXIT_FAIL;
}

int ms_applet_usage_error(void)
{
	fprintf(stderr, "Try 'modscan %s --help'.\n", ms_applet_name);
	return MS_EXIT_USAGE;
}

int ms_applet_help(const char *usage)
{
	fputs(usage, stdout);
	return MS_EXIT_OK;
}
