/*
 * modscan: one binary, several applets (BusyBox style).  Dispatch on the
 * name we were called by (modscan-scan, scan) or on the first argument.
 */
#include "applets.h"

#include "buf.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "nagios.h"
#include "rundir.h"
#include "ssh.h"
#include "version.h"

struct row {
	const char *id;			/* "check_config" */
	unsigned setup;			/* MS_RUN_* */
	int lock;			/* enum ms_conf_key or MS_NO_LOCK */
	const char *desc;
	const struct ms_applet *a;
};

static const struct row rows[] = {
#define APPLET(n, s, l, d) { #n, s, l, d, &ms_##n##_applet },
#include "applets.def"
#undef APPLET
};

static const char prefix[] = MS_LINK_PREFIX;

/* "check_config" as users spell it: "check-config". */
static void row_name(const struct row *w, char *out, size_t size)
{
	char *p;

	snprintf(out, size, "%s", w->id);
	for (p = out; *p; p++)
		if (*p == '_')
			*p = '-';
}

/* The row called name: an applet, or with "--" a top-level option. */
static const struct row *find_row(const char *name)
{
	bool option = !strncmp(name, "--", 2);
	char n[64];
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(rows); i++) {
		if (!(rows[i].setup & MS_RUN_OPTION) != !option)
			continue;
		row_name(&rows[i], n, sizeof(n));
		if (!strcmp(n, option ? name + 2 : name))
			return &rows[i];
	}
	return NULL;
}

/* "       modscan --NAME [--a X] [--b Y]", wrapped before 80 columns. */
static void synopsis(FILE *f, const char *name, const char *opts)
{
	int col = fprintf(f, "       modscan --%s", name), indent = col;
	const char *p = opts, *e;

	while (*p) {
		e = strstr(p + 1, " [");
		e = e ? e : p + strlen(p);
		if (col + (e - p) > 78)
			col = fprintf(f, "\n%*s", indent, "") - 1;
		col += fprintf(f, "%.*s", (int)(e - p), p);
		p = e;
	}
	fputc('\n', f);
}

static void usage(FILE *f)
{
	struct ms_buf b;
	char n[64];
	size_t i;

	fputs("usage: modscan APPLET [ARGS]   (or call a link named "
	      "modscan-APPLET)\n", f);
	ms_buf_init(&b, 4096);
	for (i = 0; i < MS_ARRAY_SIZE(rows); i++) {
		if (!(rows[i].setup & MS_RUN_OPTION))
			continue;
		row_name(&rows[i], n, sizeof(n));
		ms_buf_reset(&b);
		if (ms_opt_synopsis(rows[i].a->opts, rows[i].a->common,
				    &b) == 0 &&
		    (!rows[i].a->operands ||
		     ms_buf_printf(&b, " %s", rows[i].a->operands) >= 0))
			synopsis(f, n, b.p);
	}
	ms_buf_release(&b);
	fputs("       modscan --help | --version\n\nApplets:\n", f);
	for (i = 0; i < MS_ARRAY_SIZE(rows); i++)
		if (!(rows[i].setup & MS_RUN_OPTION))
			fprintf(f, "  %-10s %s\n", rows[i].id, rows[i].desc);
	fputs("\nOptions:\n", f);
	for (i = 0; i < MS_ARRAY_SIZE(rows); i++) {
		if (!(rows[i].setup & MS_RUN_OPTION))
			continue;
		row_name(&rows[i], n, sizeof(n));
		fprintf(f, "  --%-14s %s\n", n, rows[i].desc);
	}
	fputs("\nLegacy spellings (the old tool's command lines, still "
	      "accepted):\n"
	      "  modscan watchdog --check     the one-shot check, as without "
	      "an option\n"
	      "  modscan maintain             maintain --status\n"
	      "  modscan maintain --analyse   maintain --analyze\n"
	      "  modscan maintain --dry-run   maintain --full --dry-run\n"
	      "  modscan maintain --force     accepted: no maintenance hour "
	      "to override\n"
	      "  modscan maintain --table T   any action on table T only\n"
	      "  modscan report D             report --date D\n"
	      "  modscan report --web-only    only the legacy web JSON\n"
	      "  modscan report --debug       the SMTP conversation on "
	      "stderr\n"
	      "  modscan APPLET --config .env the old .env (README: moving "
	      "over)\n", f);
	fputs("\n'modscan APPLET --help' describes one applet, "
	      "'modscan --OPTION --help' one option.\n", f);
}

/*
 * ms_conf_init + ms_conf_load(path), printing warnings (counted in
 * ms_applet_warnings) and every bad value.  Returns 0, or MS_EXIT_USAGE
 * after printing why.
 */
static int load_conf(struct ms_conf *c, const char *path)
{
	struct ms_err err = { 0 };
	const char *p, *nl;
	int r;

	ms_conf_init(c);
	r = ms_conf_load(c, path, &err);
	for (p = c->warnings.p; (nl = strchr(p, '\n')); p = nl + 1) {
		fprintf(stderr, "modscan %s: warning: %.*s\n", ms_applet_name,
			(int)(nl - p), p);
		ms_applet_warnings++;
	}
	ms_buf_reset(&c->warnings);
	if (r < 0) {
		/* every bad value, one line each; else the one error */
		for (p = c->errors.p; (nl = strchr(p, '\n')); p = nl + 1)
			ms_applet_error("%.*s", (int)(nl - p), p);
		if (!c->errors.len)
			ms_applet_error("%s", err.msg);
		ms_conf_release(c);
		return MS_EXIT_USAGE;
	}
	return 0;
}

/* The lock file of r: its key, else RUN_DIR/<name>.pid. */
static int take_lock(struct ms_run *r, struct ms_err *err)
{
	char path[PATH_MAX], def[64];

	snprintf(def, sizeof(def), "%s.pid", r->name);
	if (ms_conf_path(&r->conf, (enum ms_conf_key)r->lock_key, def, path,
			 sizeof(path)) < 0)
		return ms_err_set(err, MS_E_TOOBIG, "RUN_DIR: path too long");
	return ms_lock_acquire(&r->lock, path, err);
}

/* One step failed: say so (in the log too, when there is one). */
static int failed(const struct ms_run *r, const char *msg, int status)
{
	if ((r->done & MS_RUN_LOG) && ms_log_fd() != 2)
		ms_log_error("%s", msg);
	ms_applet_error("%s", msg);
	return status;
}

/* The steps of r->need, in the order of the MS_RUN_* bits. */
static int setup(struct ms_run *r)
{
	struct ms_err err = { 0 };
	int rc;

	if ((r->need & MS_RUN_CONF) && (rc = load_conf(&r->conf, r->config)))
		return rc;
	r->done |= r->need & MS_RUN_CONF;
	/* before the log, the lock or anything else writes into it */
	if (((r->need & MS_RUN_DIR_READER) &&
	     ms_rundir_check_read(&r->conf, &err) < 0) ||
	    ((r->need & (MS_RUN_DIR | MS_RUN_LOCK | MS_RUN_DIR_READ)) &&
	     ms_rundir_check(&r->conf, r->need & (MS_RUN_DIR | MS_RUN_LOCK),
			     &err) < 0))
		return failed(r, err.msg, err.code == MS_E_INVAL ?
			      MS_EXIT_USAGE : MS_EXIT_FAIL);
	if ((r->need & MS_RUN_LOG) &&
	    ms_log_open_conf(r->name, &r->conf, &err) < 0)
		return failed(r, err.msg, MS_EXIT_USAGE);
	r->done |= r->need & MS_RUN_LOG;
	if ((r->need & MS_RUN_SSH) && ms_ssh_global_init() < 0)
		return failed(r, "cannot initialise the SSH library",
			      MS_EXIT_FAIL);
	r->done |= r->need & MS_RUN_SSH;
	if ((r->need & MS_RUN_DB) && ms_db_global_init() < 0)
		return failed(r, "cannot initialise the database library",
			      MS_EXIT_FAIL);
	r->done |= r->need & MS_RUN_DB;
	if ((r->need & MS_RUN_LOCK) && take_lock(r, &err) < 0)
		return failed(r, err.msg, err.code == MS_E_INVAL ?
			      MS_EXIT_USAGE : MS_EXIT_FAIL);
	r->done |= r->need & MS_RUN_LOCK;
	return 0;
}

static void teardown(struct ms_run *r)
{
	if (r->done & MS_RUN_LOCK)
		ms_lock_release(&r->lock);
	if (r->done & MS_RUN_DB)
		ms_db_global_end();
	if (r->done & MS_RUN_SSH)
		ms_ssh_global_release();
	if (r->done & MS_RUN_LOG)
		ms_log_close();
	if (r->done & MS_RUN_CONF)
		ms_conf_release(&r->conf);
	r->done = 0;
}

/* Under status --nagios every exit is one plugin line on stdout. */
static int nagios_unknown(struct ms_run *r, int rc)
{
	const char *why = ms_applet_first_error();

	if (!r->nagios || r->said || rc < 0)
		return rc;
	printf("MODSCAN UNKNOWN - %s\n", *why ? why : "no verdict");
	return MS_NAGIOS_UNKNOWN;
}

static int run_row(const struct row *w, int argc, char **argv)
{
	struct ms_run r;
	char name[64];
	int rc;

	memset(&r, 0, sizeof(r));
	memcpy(name, "--", 2);
	row_name(w, name + 2, sizeof(name) - 2);
	ms_applet_name = r.name = w->setup & MS_RUN_OPTION ? name : name + 2;
	r.applet = w->a;
	r.need = w->setup;
	r.lock_key = w->lock;
	r.lock.fd = -1;
	r.argc = argc;
	r.argv = argv;
	if (w->a->opts_size && !(r.opts = calloc(1, w->a->opts_size))) {
		ms_applet_error("out of memory");
		return MS_EXIT_FAIL;
	}
	rc = w->a->parse ? w->a->parse(&r, argc, argv)
			 : ms_applet_parse(&r, argc, argv);
	if (rc == 0 && (rc = setup(&r)) == 0)
		rc = w->a->run(&r);
	teardown(&r);
	rc = nagios_unknown(&r, rc);
	free(r.opts);
	return rc < 0 ? MS_EXIT_OK : rc;
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
	const struct row *w;
	const char *base;

	base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	if (!strncmp(base, prefix, sizeof(prefix) - 1))
		base += sizeof(prefix) - 1;
	if (strncmp(base, "--", 2) && (w = find_row(base)))
		return run_row(w, argc, argv);
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
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return version();
	if ((w = find_row(argv[1])))
		return run_row(w, argc - 1, argv + 1);
	if (argv[1][0] == '-') {
		fprintf(stderr, "modscan: unknown option '%s' (see 'modscan "
			"--help')\n", argv[1]);
		return MS_EXIT_USAGE;
	}
	fprintf(stderr, "modscan: unknown applet '%s'\n", argv[1]);
	return MS_EXIT_UNKNOWN_APPLET;
}
