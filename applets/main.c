/*
 * modscan: one binary, several applets (BusyBox style).  Dispatch on the
 * name we were called by (modscan-scan, scan) or on the first argument.
 */
#include "applets.h"

#include <sys/stat.h>

#include "buf.h"
#include "err.h"
#include "version.h"

struct applet {
	const char *name;
	const char *desc;
	const char *usage;
	int (*main)(int argc, char **argv);
};

static const struct applet applets[] = {
#define APPLET(n, d) { #n, d, ms_##n##_usage, ms_##n##_main },
#include "applets.def"
#undef APPLET
};

static const char prefix[] = "modscan-";

static const struct applet *find_applet(const char *name)
{
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(applets); i++)
		if (!strcmp(applets[i].name, name))
			return &applets[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: modscan APPLET [ARGS]   (or call a link named "
	      "modscan-APPLET)\n"
	      "       modscan --install [--force] DIR\n"
	      "       modscan --check-config [--config FILE]\n"
	      "       modscan --help | --version\n\n"
	      "Applets:\n", f);
	for (i = 0; i < MS_ARRAY_SIZE(applets); i++)
		fprintf(f, "  %-10s %s\n", applets[i].name, applets[i].desc);
	fputs("\n'modscan APPLET --help' describes one applet.\n", f);
}

static int run_applet(const struct applet *a, int argc, char **argv)
{
	ms_applet_name = a->name;
	if (argc > 1 && (!strcmp(argv[1], "--help") ||
			 !strcmp(argv[1], "-h")))
		return ms_applet_help(a->usage);
	return a->main(argc, argv);
}

/* Point dir/name at target unless something else is there (or force). */
static int install_link(const char *dir, const char *name, const char *target,
			bool force)
{
	char path[PATH_MAX], tmp[PATH_MAX], cur[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/%s%s", dir, prefix, name) >=
	    (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "modscan: --install: path too long\n");
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
			fprintf(stderr, "modscan: --install: '%s' exists and "
				"is not our link (use --force)\n", path);
			return -1;
		}
	}
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, path) < 0) {
		fprintf(stderr, "modscan: --install: cannot create '%s': %s\n",
			path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int install(int argc, char **argv)
{
	char self[PATH_MAX];
	const char *dir = NULL;
	bool force = false;
	int i, r = 0;
	size_t k;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = true;
		else if (!dir && argv[i][0] != '-')
			dir = argv[i];
		else {
			fprintf(stderr, "modscan: --install: unexpected "
				"argument '%s'\n", argv[i]);
			return MS_EXIT_USAGE;
		}
	}
	if (!dir) {
		fprintf(stderr, "modscan: --install needs a directory\n");
		return MS_EXIT_USAGE;
	}
	if (!realpath("/proc/self/exe", self)) {
		fprintf(stderr, "modscan: --install: cannot find our own "
			"binary: %s\n", strerror(errno));
		return MS_EXIT_FAIL;
	}
	for (k = 0; k < MS_ARRAY_SIZE(applets); k++)
		if (install_link(dir, applets[k].name, self, force) < 0)
			r = MS_EXIT_FAIL;
	return r;
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

/* --check-config [--config FILE]: the effective configuration. */
static int check_config(int argc, char **argv)
{
	const char *path = NULL;
	struct ms_conf c;
	size_t k;
	int i, r;

	ms_applet_name = "check-config";
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
		else {
			ms_applet_error("unexpected argument '%s'", argv[i]);
			return MS_EXIT_USAGE;
		}
	}
	if ((r = ms_applet_conf(&c, path)) != 0)
		return r;
	for (k = 0; k < MS_CONF__COUNT; k++) {
		const char *v = ms_conf_str(&c, (enum ms_conf_key)k);

		printf("%s=", ms_conf_table[k].name);
		if ((ms_conf_table[k].flags & MS_CONF_SECRET) && *v)
			fputs("********", stdout);
		else
			print_value(v);
		putchar('\n');
	}
	ms_conf_release(&c);
	return MS_EXIT_OK;
}

static int version(void)
{
	struct ms_buf b;

	ms_buf_init(&b, 4096);
	if (ms_version_render(&b) < 0) {
		fprintf(stderr, "modscan: out of memory\n");
		return MS_EXIT_FAIL;
	}
	fputs(b.p, stdout);
	ms_buf_release(&b);
	return MS_EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct applet *a;
	const char *base;

	base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	if (!strncmp(base, prefix, sizeof(prefix) - 1))
		base += sizeof(prefix) - 1;
	if ((a = find_applet(base)))
		return run_applet(a, argc, argv);
	if (strcmp(base, "modscan")) {
		fprintf(stderr, "modscan: unknown applet '%s'\n", base);
		return MS_EXIT_UNKNOWN_APPLET;
	}
	if (argc < 2) {
		usage(stderr);
		return MS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return MS_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return version();
	if (!strcmp(argv[1], "--install"))
		return install(argc, argv);
	if (!strcmp(argv[1], "--check-config"))
		return check_config(argc, argv);
	if (argv[1][0] == '-') {
		fprintf(stderr, "modscan: unknown option '%s' (see 'modscan "
			"--help')\n", argv[1]);
		return MS_EXIT_USAGE;
	}
	if ((a = find_applet(argv[1])))
		return run_applet(a, argc - 1, argv + 1);
	fprintf(stderr, "modscan: unknown applet '%s'\n", argv[1]);
	return MS_EXIT_UNKNOWN_APPLET;
}
