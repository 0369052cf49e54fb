/*
 * The report applet: picks the period, streams its samples from MariaDB
 * through the aggregator (lib/report_db), renders the chosen outputs once,
 * then writes them, mails them and deploys them (lib/deploy) as the
 * options and the configuration say.
 */
#include "applets.h"

#include <poll.h>

#include "db.h"
#include "deploy.h"
#include "err.h"
#include "file.h"
#include "lock.h"
#include "render.h"
#include "report.h"
#include "report_db.h"
#include "report_family.h"
#include "report_mail.h"
#include "smtp.h"
#include "ssh.h"
#include "mstime.h"

enum {
	O_DATE = MS_OPT_OWN, O_TODAY, O_FROM, O_TO, O_REFRESH, O_DIR,
	O_CSV_ONLY, O_JSON_ONLY, O_HTML_ONLY, O_WEB_ONLY, O_STDOUT,
	O_CSV_FORMAT, O_LEGACY_HOPS, O_LEGACY, O_MAIL, O_MAIL_HTML, O_NO_MAIL,
	O_DEPLOY, O_NO_DEPLOY, O_DEBUG
};

static const struct ms_opt opts[] = {
	{ "date", 0, "D", O_DATE, 0, "the local day D (YYYY-MM-DD)" },
	{ "today", 0, NULL, O_TODAY, 0, "today so far" },
	{ "from", 0, "D", O_FROM, 0, "with --to D: the days D to D, both "
	  "included" },
	{ "to", 0, "D", O_TO, 0, "the last day of --from" },
	{ "refresh", 0, NULL, O_REFRESH, 0,
	  "today so far, published without mail; skipped\n"
	  "while another report run is busy (REPORT_REFRESH)" },
	{ "dir", 0, "DIR", O_DIR, 0, "write into DIR instead of REPORT_DIR" },
	{ "csv-only", 0, NULL, O_CSV_ONLY, 0, "write only the CSV" },
	{ "json-only", 0, NULL, O_JSON_ONLY, 0,
	  "write only the JSON (a configured mail goes out\n"
	  "only with the CSV)" },
	{ "html-only", 0, NULL, O_HTML_ONLY, 0, "write only the HTML page" },
	{ "web-only", 0, NULL, O_WEB_ONLY, 0,
	  "legacy: only modulation_report_D{_web,}.json" },
	{ "stdout", 0, NULL, O_STDOUT, 0, "the CSV on standard output; no "
	  "files, no\ndelivery unless forced" },
	{ "csv-format", 0, "F", O_CSV_FORMAT, 0,
	  "legacy (;-separated) or rfc4180 (comma CSV)" },
	{ "legacy-hops", 0, NULL, O_LEGACY_HOPS, 0,
	  "count the first sample of a channel as a hop, as\n"
	  "the legacy tool did" },
	{ "legacy", 0, NULL, O_LEGACY, 0,
	  "also the legacy tool's files: modulation_report_D.csv\n"
	  "and modulation_report_D_web.json, its mail and its\n"
	  "published JSON (REPORT_LEGACY)" },
	{ "mail", 0, NULL, O_MAIL, 0,
	  "mail a summary with the CSV attached (SMTP_*, MAIL_*)" },
	{ "mail-html", 0, NULL, O_MAIL_HTML, 0, "attach the HTML page as well" },
	{ "no-mail", 0, NULL, O_NO_MAIL, 0,
	  "do not mail, whatever REPORT_MAIL says" },
	{ "deploy", 0, "TARGET", O_DEPLOY, MS_OPT_OPTIONAL,
	  "publish to a directory or sftp://user@host[:port]/path\n"
	  "(an absolute path on the server; default\n"
	  "DEPLOY_TARGET), with latest.*, index.html and\n"
	  "removal of reports older than DEPLOY_KEEP_DAYS; a\n"
	  "local directory follows the rules of REPORT_DIR" },
	{ "no-deploy", 0, NULL, O_NO_DEPLOY, 0,
	  "do not publish, whatever DEPLOY_TARGET says" },
	{ "debug", 0, NULL, O_DEBUG, 0,
	  "legacy: the SMTP conversation on stderr, no AUTH" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

struct args {
	const char *date, *from, *to, *dir, *csv_format, *deploy_to;
	bool today, refresh, to_stdout, legacy_hops, legacy, web_only;
	bool mail, mail_html, no_mail, deploy, no_deploy, debug;
	unsigned only;		/* MS_RENDER_* or 0: all */
	struct ms_report_period p;
};

/*
 * The files of one run, each rendered at most once: modscan's three, then
 * the legacy CSV and web JSON.
 */
enum { F_CSV, F_JSON, F_HTML, F_LCSV, F_LWEB, F_COUNT };

static const unsigned kinds[] = { MS_RENDER_CSV, MS_RENDER_JSON,
				  MS_RENDER_HTML };

struct out {
	struct ms_buf b[F_COUNT];
	char name[F_COUNT][NAME_MAX + 1];
	char copy[NAME_MAX + 1];	/* --web-only: the legacy .json */
	unsigned have;			/* 1 << F_* */
	size_t legacy_rows;
};

/* What this run delivers, decided before any work. */
struct plan {
	unsigned what;		/* modscan's files written (MS_RENDER_*) */
	bool legacy, mail, deploy;
	char dir[PATH_MAX];	/* "": standard output */
	const char *dir_label;	/* "REPORT_DIR" or "--dir", for messages */
	const char *run_dir;	/* RUN_DIR when dir is its reports/, else "" */
	char target[MS_DEPLOY_TARGET_MAX];
};

static int opt(struct ms_run *r, int c, const char *arg)
{
	struct args *a = r->opts;

	switch (c) {
	case O_DATE: a->date = arg; break;
	case O_TODAY: a->today = true; break;
	case O_FROM: a->from = arg; break;
	case O_TO: a->to = arg; break;
	case O_REFRESH: a->refresh = true; break;
	case O_DIR: a->dir = arg; break;
	case O_CSV_ONLY: a->only = MS_RENDER_CSV; break;
	case O_JSON_ONLY: a->only = MS_RENDER_JSON; break;
	case O_HTML_ONLY: a->only = MS_RENDER_HTML; break;
	case O_WEB_ONLY: a->web_only = true; break;
	case O_STDOUT: a->to_stdout = true; break;
	case O_CSV_FORMAT: a->csv_format = arg; break;
	case O_LEGACY_HOPS: a->legacy_hops = true; break;
	case O_LEGACY: a->legacy = true; break;
	case O_MAIL: a->mail = true; break;
	case O_MAIL_HTML: a->mail = a->mail_html = true; break;
	case O_NO_MAIL: a->no_mail = true; break;
	case O_NO_DEPLOY: a->no_deploy = true; break;
	case O_DEBUG: a->debug = true; break;
	default: a->deploy = true; a->deploy_to = arg; break;
	}
	return 0;
}

static int deploy_target(struct ms_run *r, int c, const char *arg)
{
	struct args *a = r->opts;
	int rc = opt(r, c, arg), y, m, d;

	/* "--deploy TARGET": a following word that is neither an option
	 * nor the DATE argument. */
	if (!rc && c == O_DEPLOY && !arg && optind < r->argc &&
	    r->argv[optind][0] != '-' &&
	    ms_report_parse_date(r->argv[optind], &y, &m, &d, NULL) < 0)
		a->deploy_to = r->argv[optind++];
	return rc;
}

static int period(const struct args *a, struct ms_report_period *p);

/* Combinations that contradict each other. */
static int check_args(const struct args *a)
{
	const char *bad = NULL;

	if ((a->date != NULL) + a->today + a->refresh + (a->from || a->to) > 1)
		bad = "give one of DATE, --date, --today, --refresh, "
		      "--from/--to";
	else if (!a->from != !a->to)
		bad = "--from and --to go together";
	else if ((a->mail && a->no_mail) || (a->deploy && a->no_deploy))
		bad = "--mail/--deploy contradict --no-mail/--no-deploy";
	else if (a->web_only && (a->only || a->to_stdout))
		bad = "--web-only goes with no other output option";
	if (bad) {
		ms_applet_error("%s", bad);
		return MS_EXIT_USAGE;
	}
	if (a->csv_format && strcmp(a->csv_format, "legacy") &&
	    strcmp(a->csv_format, "rfc4180")) {
		ms_applet_error("--csv-format: '%s' is not legacy or rfc4180",
				a->csv_format);
		return MS_EXIT_USAGE;
	}
	return 0;
}

static int check(struct ms_run *r, int argc, char **argv)
{
	struct args *a = r->opts;
	int rc;

	if (optind < argc && !a->date)
		a->date = argv[optind++];
	if ((rc = ms_applet_no_args(argc, argv)) || (rc = check_args(a)))
		return rc;
	return period(a, &a->p);
}

static int period(const struct args *a, struct ms_report_period *p)
{
	struct ms_err err = { 0 };
	time_t now = time(NULL);
	int r;

	if (a->date)
		r = ms_report_date(a->date, now, p, &err);
	else if (a->from)
		r = ms_report_range(a->from, a->to, now, p, &err);
	else
		r = ms_report_day_ago(now, a->today || a->refresh ? 0 : 1, p,
				      &err);
	if (r < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	return 0;
}

/* Stream the period from the database into a new aggregator. */
static int build(const struct ms_conf *c, const struct args *a,
		 const struct ms_report_period *p, struct ms_report **out)
{
	struct ms_report_opts ro = { 0 };
	struct ms_report_family fam;
	struct ms_err err = { 0 };
	struct ms_db_opts dbo;
	struct ms_db *db = NULL;
	int64_t n = 0;
	int r;

	/* A file the configuration names is missing, bad rules: config. */
	r = ms_report_family_init(&fam, ms_conf_str(c, MS_CONF_DEVICES_FILE),
				  ms_conf_str(c, MS_CONF_HOSTNAME_RULES), &err);
	if (r < 0)
		goto out;
	ro.legacy_hops = a->legacy_hops;
	ro.top_n = (unsigned)ms_conf_int(c, MS_CONF_REPORT_TOP_N);
	ro.max_gap = ms_conf_int(c, MS_CONF_REPORT_MAX_GAP);
	ro.label = p->label;
	ro.title = ms_conf_str(c, MS_CONF_REPORT_TITLE);
	ro.footer = ms_conf_str(c, MS_CONF_REPORT_FOOTER);
	ro.family = ms_report_family_of;
	ro.family_ctx = &fam;
	if (!(*out = ms_report_begin(p->start, p->end, &ro))) {
		r = ms_err_set(&err, MS_E_NOMEM, "out of memory");
		goto out;
	}
	ms_db_opts_from_conf(&dbo, c);
	if ((r = ms_db_connect(&db, &dbo, &err)) < 0)
		goto out;
	if ((n = ms_report_db_load(db, *out, p->start, p->end, &err)) < 0 ||
	    ms_report_end(*out, &err) < 0)
		r = MS_E_DB;
out:
	ms_db_close(db);
	ms_report_family_release(&fam);
	if (r < 0) {
		ms_applet_error("%s", err.msg);
		return r == MS_E_NOENT || r == MS_E_INVAL ? MS_EXIT_USAGE
							  : MS_EXIT_FAIL;
	}
	if (!n)
		ms_applet_error("no samples for %s: the report says so",
				p->label);
	return 0;
}

/* What this run writes, mails and publishes, from options and config. */
static int make_plan(const struct ms_conf *c, const struct args *a,
		     struct plan *pl)
{
	struct ms_err err = { 0 };

	memset(pl, 0, sizeof(*pl));
	pl->what = a->web_only ? 0 : a->only ? a->only : MS_RENDER_ALL;
	pl->legacy = a->legacy || a->web_only ||
		     ms_conf_bool(c, MS_CONF_REPORT_LEGACY);
	if (ms_deploy_target_conf(c, pl->target, sizeof(pl->target),
				  &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	if (a->deploy_to)
		ms_strlcpy(pl->target, a->deploy_to, sizeof(pl->target));
	/* A configured mail carries the CSV: runs without it send none. */
	pl->mail = a->mail || (ms_conf_bool(c, MS_CONF_REPORT_MAIL) &&
			       !a->no_mail && !a->to_stdout && !a->refresh &&
			       (pl->what & MS_RENDER_CSV));
	pl->deploy = a->deploy || (*pl->target && !a->no_deploy &&
				   !a->to_stdout);
	if (a->to_stdout)
		return 0;
	pl->dir_label = a->dir ? "--dir" : "REPORT_DIR";
	pl->run_dir = a->dir || *ms_conf_str(c, MS_CONF_REPORT_DIR) ? "" :
		      ms_conf_str(c, MS_CONF_RUN_DIR);
	if (a->dir)
		ms_strlcpy(pl->dir, a->dir, sizeof(pl->dir));
	else if (ms_conf_path(c, MS_CONF_REPORT_DIR, "reports", pl->dir,
			      sizeof(pl->dir)) < 0) {
		ms_applet_error("REPORT_DIR: path too long");
		return MS_EXIT_USAGE;
	}
	return 0;
}

/*
 * The directory the files go to (REPORT_DIR, default RUN_DIR/reports, or
 * --dir): published, so anyone may read it, but only its owner (us or
 * root) may write it.  With make, a missing one is created 0750.
 */
static int out_dir(const struct plan *pl, bool make)
{
	struct ms_err err = { 0 };
	int r = ms_dir_check(pl->dir, pl->dir_label, MS_DIR_PUBLISH, &err);

	/* the default's parent is RUN_DIR, made private as such */
	if (r == MS_E_NOENT && make && *pl->run_dir &&
	    (r = ms_dir_ensure(pl->run_dir, "RUN_DIR", MS_DIR_RUN, &err)) == 0)
		r = MS_E_NOENT;
	if (r == MS_E_NOENT && make &&
	    (r = ms_dir_make(pl->dir, 0750, &err)) == 0)
		r = ms_dir_check(pl->dir, pl->dir_label, MS_DIR_PUBLISH, &err);
	if (r == 0 || (!make && r == MS_E_NOENT))
		return 0;
	ms_applet_error("%s", err.msg);
	return r == MS_E_INVAL ? MS_EXIT_USAGE : MS_EXIT_FAIL;
}

static int render_one(const struct ms_report *rep, size_t f,
		      enum ms_csv_format fmt, struct out *o)
{
	const char *label = ms_report_info(rep)->label;
	struct ms_err err = { 0 };
	int r;

	if (f < F_LCSV)
		r = ms_render_name(o->name[f], sizeof(o->name[f]), label,
				   kinds[f]);
	else
		r = ms_render_legacy_name(o->name[f], sizeof(o->name[f]),
					  label, f == F_LCSV ? MS_LEGACY_CSV
							     : MS_LEGACY_WEB_JSON);
	if (r < 0)
		r = ms_err_set(&err, r, "report name for '%s' too long", label);
	else if (f < F_LCSV)
		r = ms_render_one(rep, kinds[f], fmt, &o->b[f], &err);
	else if (f == F_LCSV)
		r = ms_render_legacy_csv(rep, &o->b[f], &err);
	else
		r = ms_render_legacy_json(rep, 0, &o->b[f], &err);
	if (r < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	o->have |= 1u << f;
	return 0;
}

/* Render what the plan writes, mails and publishes, each file once. */
static int render(const struct ms_report *rep, const struct args *a,
		  const struct plan *pl, enum ms_csv_format fmt,
		  struct out *o)
{
	struct ms_report_line *rows = NULL;
	unsigned need = pl->what, f;
	bool mine_mailed = pl->mail && !pl->legacy;
	int st = 0;

	for (f = 0; f < F_COUNT; f++)
		ms_buf_init(&o->b[f], MS_RENDER_MAX);
	need |= (a->to_stdout || mine_mailed ? MS_RENDER_CSV : 0) |
		(mine_mailed && a->mail_html ? MS_RENDER_HTML : 0);
	for (f = 0; f < F_LCSV && !st; f++)
		if (need & kinds[f])
			st = render_one(rep, f, fmt, o);
	if (st || !pl->legacy)
		return st;
	if (ms_render_legacy_rows(rep, &rows, &o->legacy_rows) < 0) {
		ms_applet_error("out of memory");
		return MS_EXIT_FAIL;
	}
	free(rows);
	/* The legacy tool wrote nothing for a day without rows. */
	if (!o->legacy_rows)
		return 0;
	if ((pl->what & MS_RENDER_CSV) || pl->mail)
		st = render_one(rep, F_LCSV, fmt, o);
	if (!st && ((pl->what & MS_RENDER_JSON) || a->web_only))
		st = render_one(rep, F_LWEB, fmt, o);
	if (!st && a->web_only &&
	    ms_render_legacy_name(o->copy, sizeof(o->copy),
				  ms_report_info(rep)->label,
				  MS_LEGACY_JSON) < 0) {
		ms_applet_error("report name too long");
		st = MS_EXIT_FAIL;
	}
	return st;
}

static int write_one(const char *dir, const char *name,
		     const struct ms_buf *b)
{
	struct ms_err err = { 0 };
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		ms_applet_error("report path in '%s' too long", dir);
		return MS_EXIT_FAIL;
	}
	if (ms_file_replace(path, b->p ? b->p : "", b->len, 0644, &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	printf("%s\n", path);
	return 0;
}

/* The plan's files into its directory (made 0750), each atomically. */
static int write_files(const struct out *o, const struct plan *pl)
{
	unsigned f;
	int st = 0;

	/* the directory was made and checked with the lock (take_lock) */
	for (f = 0; f < F_COUNT && !st; f++) {
		if ((f < F_LCSV && !(pl->what & kinds[f])) ||
		    !(o->have & (1u << f)))
			continue;
		st = write_one(pl->dir, o->name[f], &o->b[f]);
	}
	if (!st && *o->copy)
		st = write_one(pl->dir, o->copy, &o->b[F_LWEB]);
	if (fflush(stdout))
		st = MS_EXIT_FAIL;
	return st;
}

static void smtp_trace(void *ctx, char dir, const char *line)
{
	(void)ctx;
	fprintf(stderr, "modscan report: smtp %s %s\n",
		dir == 'C' ? ">" : "<", line);
}

static void attach(struct ms_mail_attach *att, const struct out *o, size_t f)
{
	att->name = o->name[f];
	att->type = NULL;
	att->data = o->b[f].p ? o->b[f].p : "";
	att->len = o->b[f].len;
}

static int mail(const struct ms_conf *c, const struct args *a,
		const struct plan *pl, const struct ms_report *rep,
		const struct out *o)
{
	struct ms_mail_attach att[2];
	struct ms_smtp_conf sc;
	struct ms_err err = { 0 };
	size_t n = 0;
	int r;

	if (pl->legacy && !o->legacy_rows) {
		printf("no legacy mail: no data for %s\n",
		       ms_report_info(rep)->label);
		return 0;
	}
	if ((r = ms_smtp_conf_from(&sc, c, &err)) >= 0) {
		if (a->debug)
			sc.trace = smtp_trace;
		if (pl->legacy) {
			attach(&att[0], o, F_LCSV);
			r = ms_report_mail_legacy_send(
				ms_report_info(rep)->label, &sc, att, &err);
		} else {
			attach(&att[n++], o, F_CSV);
			if (a->mail_html)
				attach(&att[n++], o, F_HTML);
			r = ms_report_mail_send(rep, &sc, att, n, &err);
		}
	}
	ms_smtp_conf_release(&sc);
	if (r < 0) {
		ms_applet_error("mail not sent: %s", err.msg);
		return MS_EXIT_FAIL;
	}
	printf("mailed to %d recipient%s\n", r, r == 1 ? "" : "s");
	return 0;
}

/* The site's index: totals from our files, REPORT_TITLE, REPORT_FOOTER. */
static void site_names(const struct ms_conf *c, const struct plan *pl,
		       struct ms_deploy_opts *d)
{
	const char *title = ms_conf_str(c, MS_CONF_REPORT_TITLE);

	d->site_dir = *pl->dir ? pl->dir : NULL;
	d->site_title = *title ? title : "Upstream modulation reports";
	d->site_footer = ms_conf_str(c, MS_CONF_REPORT_FOOTER);
}

/* REPORT_DIR is a browsable site as well: its own index.html. */
static int local_index(const struct ms_conf *c, const struct plan *pl)
{
	struct ms_deploy_opts o;
	struct ms_err err = { 0 };

	memset(&o, 0, sizeof(o));
	site_names(c, pl, &o);
	if (ms_deploy_parse(pl->dir, &o.target, &err) < 0 ||
	    ms_deploy_index(&o, &err) < 0) {
		ms_applet_error("index of '%s': %s", pl->dir, err.msg);
		return MS_EXIT_FAIL;
	}
	return 0;
}

/* The deploy options from the configuration; MS_EXIT_USAGE if bad. */
static int deploy_opts(const struct ms_conf *c, const struct plan *pl,
		       struct ms_deploy_opts *d, char *kh, size_t khsize)
{
	struct ms_err err = { 0 };

	if (ms_deploy_opts_from_conf(d, c, pl->target, kh, khsize,
				     &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	site_names(c, pl, d);
	/* a local target is published like REPORT_DIR; a missing one is
	 * reported by the deploy itself */
	if (!d->target.sftp && ms_dir_check(d->target.path, "deploy target",
					    MS_DIR_PUBLISH, &err) ==
				       MS_E_INVAL) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	return 0;
}

static int deploy(const struct ms_deploy_opts *d, const struct out *o,
		  const struct plan *pl)
{
	struct ms_deploy_file f[MS_DEPLOY_FILES_MAX];
	struct ms_deploy_result res;
	struct ms_err err = { 0 };
	size_t n = 0, i;

	memset(f, 0, sizeof(f));
	for (i = 0; i < F_COUNT; i++) {
		if (!(o->have & (1u << i)) || i == F_LCSV ||
		    (i < F_LCSV && !(pl->what & kinds[i])))
			continue;
		f[n].name = o->name[i];
		f[n].data = o->b[i].p ? o->b[i].p : "";
		f[n].len = o->b[i].len;
		f[n++].latest = i == F_LWEB ? MS_LEGACY_LATEST : NULL;
	}
	if (ms_deploy(d, f, n, &res, &err) < 0) {
		ms_applet_error("deploy to '%s' failed: %s", pl->target,
				err.msg);
		return MS_EXIT_FAIL;
	}
	printf("deployed %u file%s to %s (latest.* %s; %u old report%s "
	       "removed)\n", res.written, res.written == 1 ? "" : "s",
	       pl->target, res.links ? "linked" : "copied", res.removed,
	       res.removed == 1 ? "" : "s");
	return 0;
}

/* Whether the mail settings are usable, before any work is done. */
static int mail_check(const struct ms_conf *c, const struct args *a)
{
	struct ms_smtp_conf sc;
	struct ms_err err = { 0 };
	int r = ms_smtp_conf_from(&sc, c, &err);

	ms_smtp_conf_release(&sc);
	if (r < 0) {
		ms_applet_error("%s: %s", a->mail ? "--mail" : "REPORT_MAIL",
				err.msg);
		return MS_EXIT_USAGE;
	}
	return 0;
}

static int stdout_csv(const struct out *o)
{
	if (fwrite(o->b[F_CSV].p ? o->b[F_CSV].p : "", 1, o->b[F_CSV].len,
		   stdout) != o->b[F_CSV].len || fflush(stdout)) {
		ms_applet_error("cannot write to standard output");
		return MS_EXIT_FAIL;
	}
	return 0;
}

enum { LOCK_WAIT_MS = 600000, LOCK_POLL_MS = 250, SKIPPED = -1 };

/*
 * One report run at a time per report directory: a refresh that finds
 * another run busy skips its turn; any other run waits for it (at most
 * LOCK_WAIT_MS), so the daily run never overlaps a refresh.
 */
static int take_lock(const struct plan *pl, bool refresh, struct ms_lock *l)
{
	ms_msec_t until = ms_deadline(LOCK_WAIT_MS);
	struct ms_err err = { 0 };
	char path[PATH_MAX];
	int r;

	if ((r = out_dir(pl, true)))
		return r;
	if (snprintf(path, sizeof(path), "%s/.modscan-report.lock",
		     pl->dir) >= (int)sizeof(path)) {
		ms_applet_error("report path in '%s' too long", pl->dir);
		return MS_EXIT_FAIL;
	}
	while ((r = ms_lock_acquire(l, path, &err)) == MS_E_BUSY) {
		if (refresh) {
			printf("refresh skipped: another report run is busy "
			       "(%s)\n", err.msg);
			return SKIPPED;
		}
		if (ms_mono_now() >= until)
			break;
		poll(NULL, 0, LOCK_POLL_MS);
	}
	if (r < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	return 0;
}

/* Render, write, then the index, mail and deploy: a failed one does not
 * stop the others, and all decide the status. */
static int produce(const struct ms_conf *c, const struct args *a,
		   const struct plan *pl, const struct ms_report *rep,
		   const struct ms_deploy_opts *dopt)
{
	const char *fmt_name = a->csv_format ? a->csv_format :
			       ms_conf_str(c, MS_CONF_REPORT_CSV_FORMAT);
	enum ms_csv_format fmt = strcmp(fmt_name, "rfc4180") ? MS_CSV_LEGACY
							     : MS_CSV_RFC4180;
	struct out o;
	int st, r;
	size_t i;

	memset(&o, 0, sizeof(o));
	if ((st = render(rep, a, pl, fmt, &o)))
		goto out;
	if ((st = a->to_stdout ? stdout_csv(&o) : write_files(&o, pl)))
		goto out;
	/* Each of these fails alone: the others still run. */
	if ((pl->what & MS_RENDER_HTML) && !a->to_stdout)
		st = local_index(c, pl);
	if (pl->mail && (r = mail(c, a, pl, rep, &o)))
		st = r;
	if (pl->deploy && (r = deploy(dopt, &o, pl)))
		st = r;
out:
	for (i = 0; i < F_COUNT; i++)
		ms_buf_release(&o.b[i]);
	return st;
}

static int run(const struct ms_conf *c, const struct args *a,
	       const struct ms_report_period *p)
{
	struct ms_deploy_opts dopt;
	struct ms_report *rep = NULL;
	struct ms_lock lock = { .fd = -1 };
	char kh[PATH_MAX];
	struct plan pl;
	int st;

	/* every refusal before the database is asked anything */
	if ((st = make_plan(c, a, &pl)) ||
	    (pl.mail && (st = mail_check(c, a))) ||
	    (pl.deploy && (st = deploy_opts(c, &pl, &dopt, kh, sizeof(kh)))) ||
	    (*pl.dir && (st = out_dir(&pl, false))))
		return st;
	/* nothing is made before the configuration proved good */
	if ((st = build(c, a, p, &rep)) ||
	    (*pl.dir && (st = take_lock(&pl, a->refresh, &lock))))
		goto out;
	st = produce(c, a, &pl, rep, &dopt);
out:
	ms_report_free(rep);
	ms_lock_release(&lock);
	return st == SKIPPED ? MS_EXIT_OK : st;
}

static int run_report(struct ms_run *r)
{
	const struct args *a = r->opts;

	return run(&r->conf, a, &a->p);
}

const struct ms_applet ms_report_applet = {
	.synopsis =
	"usage: modscan report [DATE | --date YYYY-MM-DD | --today |\n"
	"                       --from YYYY-MM-DD --to YYYY-MM-DD] [options]\n"
	"\n"
	"The modulation-hop report of one local day (default yesterday): per\n"
	"CCAP and upstream the hops, the share of samples at QAM64, QAM16 and\n"
	"QPSK and the sample count, as CSV, JSON and one HTML page written to\n"
	"REPORT_DIR (default RUN_DIR/reports) as\n"
	"modscan-report-LABEL.{csv,json,html}.  It mails when REPORT_MAIL=yes\n"
	"and publishes when DEPLOY_TARGET is set; with REPORT_LEGACY=yes it also\n"
	"writes, mails and publishes the legacy tool's files.  REPORT_DIR (or\n"
	"--dir) is made 0750 when missing; an existing one must belong to us\n"
	"or root and not be writable by group or others (else exit 2).\n"
	"\n"
	"Options:\n",
	.epilogue =
	"Exit: 0 ok (also for a day without data), 1 database, mail or deploy\n"
	"failure (files already written stay; the other delivery still runs),\n"
	"2 usage, bad date or config.\n",
	.opts = opts,
	.opts_size = sizeof(struct args),
	.opt = deploy_target,
	.check = check,
	.run = run_report,
};
