/*
 * modscan --install [--force] DIR: a link DIR/modscan-<applet> to the
 * running binary for every applet of applets.def, so that each can be
 * called by its own name.
 */
#include "applets.h"

#include <sys/stat.h>

enum { O_FORCE = MS_OPT_OWN };

static const struct ms_opt opts[] = {
	{ "force", 0, NULL, O_FORCE, 0,
	  "replace a file of a link's name that is not\n"
	  "our link" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static const struct {
	const char *name;
	unsigned setup;
} rows[] = {
#define APPLET(n, s, l, d) { #n, s },
#include "applets.def"
#undef APPLET
};

struct install_opts {
	bool force;
	const char *dir;
};

/* Point dir/modscan-name at target unless something else is there (or
 * force). */
static int link_one(const char *dir, const char *name, const char *target,
		    bool force)
{
	char path[PATH_MAX], tmp[PATH_MAX], cur[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/%s%s", dir, MS_LINK_PREFIX,
		     name) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		ms_applet_error("'%s': path too long", dir);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		n = S_ISLNK(st.st_mode) ? readlink(path, cur, sizeof(cur) - 1)
					: -1;
		if (n >= 0) {
			cur[n] = '\0';
			if (!strcmp(cur, target))
				return 0;
		}
		if (!force) {
			ms_applet_error("'%s' exists and is not our link (use "
					"--force)", path);
			return -1;
		}
	}
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, path) < 0) {
		ms_applet_error("cannot create '%s': %s", path,
				strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int opt(struct ms_run *r, int id, const char *arg)
{
	struct install_opts *o = r->opts;

	(void)id;
	(void)arg;
	o->force = true;
	return 0;
}

static int check(struct ms_run *r, int argc, char **argv)
{
	struct install_opts *o = r->opts;

	if (optind < argc)
		o->dir = argv[optind++];
	if (!o->dir) {
		ms_applet_error("no directory given");
		return ms_applet_usage_error();
	}
	return ms_applet_no_args(argc, argv);
}

static int run(struct ms_run *r)
{
	const struct install_opts *o = r->opts;
	char self[PATH_MAX];
	int rc = MS_EXIT_OK;
	size_t i;

	if (!realpath("/proc/self/exe", self)) {
		ms_applet_error("cannot find our own binary: %s",
				strerror(errno));
		return MS_EXIT_FAIL;
	}
	for (i = 0; i < MS_ARRAY_SIZE(rows); i++)
		if (!(rows[i].setup & MS_RUN_OPTION) &&
		    link_one(o->dir, rows[i].name, self, o->force) < 0)
			rc = MS_EXIT_FAIL;
	return rc;
}

const struct ms_applet ms_install_applet = {
	.synopsis =
	"usage: modscan --install [--force] DIR\n"
	"\n"
	"Make DIR/modscan-APPLET a link to this binary for every applet, so\n"
	"that each can be called by its own name.  Running it again changes\n"
	"nothing.\n"
	"\n",
	.epilogue = "Exit 0 when every link is in place, 1 when one is not, "
		    "2 for a bad\ncommand line.\n",
	.operands = "DIR",
	.opts = opts,
	.common = MS_OPT_F_NO_CONFIG,
	.opts_size = sizeof(struct install_opts),
	.opt = opt,
	.check = check,
	.run = run,
};
