/*
 * The report applet: picks the period, streams its samples from MariaDB
 * through the aggregator (lib/report_db), renders the chosen outputs once,
 * then writes them, mails them and deploys them (lib/deploy).
 */
#include "applets.h"

#include "db.h"
#include "deploy.h"
#include "err.h"
#include "file.h"
#include "render.h"
#include "report.h"
#include "report_db.h"
#include "report_mail.h"
#include "smtp.h"
#include "ssh.h"
#include "mstime.h"

enum {
	O_DATE = MS_OPT_OWN, O_TODAY, O_FROM, O_TO, O_DIR, O_CSV_ONLY,
	O_JSON_ONLY, O_HTML_ONLY, O_STDOUT, O_CSV_FORMAT, O_LEGACY_HOPS,
	O_MAIL, O_MAIL_HTML, O_DEPLOY
};

static const struct ms_opt opts[] = {
	{ "date", 0, "D", O_DATE, 0, "the local day D (YYYY-MM-DD)" },
	{ "today", 0, NULL, O_TODAY, 0, "today so far" },
	{ "from", 0, "D", O_FROM, 0, "with --to D: the days D to D, both "
	  "included" },
	{ "to", 0, "D", O_TO, 0, "the last day of --from" },
	{ "dir", 0, "DIR", O_DIR, 0, "write into DIR instead of REPORT_DIR" },
	{ "csv-only", 0, NULL, O_CSV_ONLY, 0, "write only the CSV" },
	{ "json-only", 0, NULL, O_JSON_ONLY, 0, "write only the JSON" },
	{ "html-only", 0, NULL, O_HTML_ONLY, 0, "write only the HTML page" },
	{ "web-only", 0, NULL, O_HTML_ONLY, 0, "the same as --html-only" },
	{ "stdout", 0, NULL, O_STDOUT, 0, "the CSV on standard output; no "
	  "files" },
	{ "csv-format", 0, "F", O_CSV_FORMAT, 0,
	  "legacy (;-separated) or rfc4180 (comma CSV)" },
	{ "legacy-hops", 0, NULL, O_LEGACY_HOPS, 0,
	  "count the first sample of a channel as a hop, as\n"
	  "the legacy tool did" },
	{ "mail", 0, NULL, O_MAIL, 0,
	  "mail a summary with the CSV attached (SMTP_*, MAIL_*)" },
	{ "mail-html", 0, NULL, O_MAIL_HTML, 0, "attach the HTML page as well" },
	{ "deploy", 0, "TARGET", O_DEPLOY, MS_OPT_OPTIONAL,
	  "publish to a directory or sftp://user@host[:port]/path\n"
	  "(an absolute path on the server; default\n"
	  "DEPLOY_TARGET), with latest.* and\n"
	  "removal of reports older than DEPLOY_KEEP_DAYS" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

struct args {
	const char *date, *from, *to, *dir, *csv_format, *deploy_to;
	bool today, to_stdout, legacy_hops, mail, mail_html, deploy;
	unsigned only;		/* MS_RENDER_* or 0: all */
	struct ms_report_period p;
};

/* The three outputs, each rendered at most once. */
static const unsigned kinds[] = { MS_RENDER_CSV, MS_RENDER_JSON,
				  MS_RENDER_HTML };

struct out {
	struct ms_buf b[3];
	char name[3][NAME_MAX + 1];
	unsigned have;
};

static int opt(struct ms_run *r, int c, const char *arg)
{
	struct args *a = r->opts;

	switch (c) {
	case O_DATE: a->date = arg; break;
	case O_TODAY: a->today = true; break;
	case O_FROM: a->from = arg; break;
	case O_TO: a->to = arg; break;
	case O_DIR: a->dir = arg; break;
	case O_CSV_ONLY: a->only = MS_RENDER_CSV; break;
	case O_JSON_ONLY: a->only = MS_RENDER_JSON; break;
	case O_HTML_ONLY: a->only = MS_RENDER_HTML; break;
	case O_STDOUT: a->to_stdout = true; break;
	case O_CSV_FORMAT: a->csv_format = arg; break;
	case O_LEGACY_HOPS: a->legacy_hops = true; break;
	case O_MAIL: a->mail = true; break;
	case O_MAIL_HTML: a->mail = a->mail_html = true; break;
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

static int check(struct ms_run *r, int argc, char **argv)
{
	struct args *a = r->opts;
	int rc;

	if (optind < argc && !a->date)
		a->date = argv[optind++];
	if ((rc = ms_applet_no_args(argc, argv)))
		return rc;
	if ((a->date != NULL) + a->today + (a->from || a->to) > 1) {
		ms_applet_error("give one of DATE, --date, --today, --from/--to");
		return MS_EXIT_USAGE;
	}
	if (!a->from != !a->to) {
		ms_applet_error("--from and --to go together");
		return MS_EXIT_USAGE;
	}
	if (a->csv_format && strcmp(a->csv_format, "legacy") &&
	    strcmp(a->csv_format, "rfc4180")) {
		ms_applet_error("--csv-format: '%s' is not legacy or rfc4180",
				a->csv_format);
		return MS_EXIT_USAGE;
	}
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
		r = ms_report_day_ago(now, a->today ? 0 : 1, p, &err);
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
	struct ms_err err = { 0 };
	struct ms_db_opts dbo;
	struct ms_db *db = NULL;
	int64_t n = 0;
	int r;

	ro.legacy_hops = a->legacy_hops;
	ro.top_n = (unsigned)ms_conf_int(c, MS_CONF_REPORT_TOP_N);
	ro.max_gap = ms_conf_int(c, MS_CONF_REPORT_MAX_GAP);
	ro.label = p->label;
	if (!(*out = ms_report_begin(p->start, p->end, &ro))) {
		ms_applet_error("out of memory");
		return MS_EXIT_FAIL;
	}
	ms_db_opts_from_conf(&dbo, c);
	if ((r = ms_db_connect(&db, &dbo, &err)) < 0 ||
	    (n = ms_report_db_load(db, *out, p->start, p->end, &err)) < 0 ||
	    ms_report_end(*out, &err) < 0) {
		ms_applet_error("%s", err.msg);
		ms_db_close(db);
		/* A file the configuration names is missing: config error. */
		return r == MS_E_NOENT ? MS_EXIT_USAGE : MS_EXIT_FAIL;
	}
	ms_db_close(db);
	if (!n)
		ms_applet_error("no samples for %s: the report says so",
				p->label);
	return 0;
}

static int render(const struct ms_report *rep, unsigned what,
		  enum ms_csv_format fmt, struct out *o)
{
	const char *label = ms_report_info(rep)->label;
	struct ms_err err = { 0 };
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(kinds); i++) {
		ms_buf_init(&o->b[i], MS_RENDER_MAX);
		snprintf(o->name[i], sizeof(o->name[i]), "modscan-report-%s.%s",
			 label, ms_render_ext(kinds[i]));
		if (!(what & kinds[i]))
			continue;
		if (ms_render_one(rep, kinds[i], fmt, &o->b[i], &err) < 0) {
			ms_applet_error("%s", err.msg);
			return MS_EXIT_FAIL;
		}
		o->have |= kinds[i];
	}
	return 0;
}

static int write_files(const struct out *o, unsigned what, const char *dir)
{
	struct ms_err err = { 0 };
	char path[PATH_MAX];
	size_t i;

	if (ms_dir_make(dir, 0755, &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	for (i = 0; i < MS_ARRAY_SIZE(kinds); i++) {
		if (!(what & kinds[i]))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, o->name[i]) >=
		    (int)sizeof(path)) {
			ms_applet_error("report path in '%s' too long", dir);
			return MS_EXIT_FAIL;
		}
		if (ms_file_replace(path, o->b[i].p, o->b[i].len, 0644,
				    &err) < 0) {
			ms_applet_error("%s", err.msg);
			return MS_EXIT_FAIL;
		}
		printf("%s\n", path);
	}
	return fflush(stdout) ? MS_EXIT_FAIL : 0;
}

static int mail(const struct ms_conf *c, const struct ms_report *rep,
		const struct out *o, bool html)
{
	struct ms_mail_attach att[2];
	struct ms_smtp_conf sc;
	struct ms_err err = { 0 };
	size_t n = 0, i;
	int r;

	for (i = 0; i < MS_ARRAY_SIZE(kinds); i++) {
		if (kinds[i] == MS_RENDER_JSON ||
		    (kinds[i] == MS_RENDER_HTML && !html))
			continue;
		att[n].name = o->name[i];
		att[n].type = NULL;
		att[n].data = o->b[i].p ? o->b[i].p : "";
		att[n++].len = o->b[i].len;
	}
	r = ms_smtp_conf_from(&sc, c, &err);
	if (r >= 0)
		r = ms_report_mail_send(rep, &sc, att, n, &err);
	ms_smtp_conf_release(&sc);
	if (r < 0) {
		ms_applet_error("mail not sent: %s", err.msg);
		return MS_EXIT_FAIL;
	}
	printf("mailed to %d recipient%s\n", r, r == 1 ? "" : "s");
	return 0;
}

/* The deploy options from the configuration; MS_EXIT_USAGE if bad. */
static int deploy_opts(const struct ms_conf *c, const struct args *a,
		       struct ms_deploy_opts *d, char *kh, size_t khsize)
{
	struct ms_err err = { 0 };

	if (ms_deploy_opts_from_conf(d, c, a->deploy_to, kh, khsize,
				     &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	return 0;
}

static int deploy(const struct ms_deploy_opts *d, const struct out *o,
		  unsigned what, const char *target)
{
	struct ms_deploy_file f[MS_DEPLOY_FILES_MAX];
	struct ms_deploy_result res;
	struct ms_err err = { 0 };
	size_t n = 0, i;

	for (i = 0; i < MS_ARRAY_SIZE(kinds); i++) {
		if (!(what & kinds[i]))
			continue;
		f[n].name = o->name[i];
		f[n].data = o->b[i].p ? o->b[i].p : "";
		f[n++].len = o->b[i].len;
	}
	if (ms_deploy(d, f, n, &res, &err) < 0) {
		ms_applet_error("deploy to '%s' failed: %s", target, err.msg);
		return MS_EXIT_FAIL;
	}
	printf("deployed %u file%s to %s (latest.* %s; %u old report%s "
	       "removed)\n", res.written, res.written == 1 ? "" : "s", target,
	       res.links ? "linked" : "copied", res.removed,
	       res.removed == 1 ? "" : "s");
	return 0;
}

/* Whether the mail settings are usable, before any work is done. */
static int mail_check(const struct ms_conf *c)
{
	struct ms_smtp_conf sc;
	struct ms_err err = { 0 };
	int r = ms_smtp_conf_from(&sc, c, &err);

	ms_smtp_conf_release(&sc);
	if (r < 0) {
		ms_applet_error("--mail: %s", err.msg);
		return MS_EXIT_USAGE;
	}
	return 0;
}

static int run(const struct ms_conf *c, const struct args *a,
	       const struct ms_report_period *p)
{
	const char *fmt_name = a->csv_format ? a->csv_format :
			       ms_conf_str(c, MS_CONF_REPORT_CSV_FORMAT);
	enum ms_csv_format fmt = strcmp(fmt_name, "rfc4180") ? MS_CSV_LEGACY
							     : MS_CSV_RFC4180;
	unsigned what = a->only ? a->only : MS_RENDER_ALL, need;
	struct ms_deploy_opts dopt;
	struct ms_report *rep = NULL;
	char kh[PATH_MAX];
	struct out o = { 0 };
	int st, r = 0;
	size_t i;

	if ((a->mail && (r = mail_check(c))) ||
	    (a->deploy && (r = deploy_opts(c, a, &dopt, kh, sizeof(kh)))))
		return r;
	need = (a->to_stdout ? MS_RENDER_CSV : what) | (a->deploy ? what : 0) |
	       (a->mail ? MS_RENDER_CSV : 0) | (a->mail_html ? MS_RENDER_HTML
							       : 0);
	if ((st = build(c, a, p, &rep)) || (st = render(rep, need, fmt, &o)))
		goto out;
	if (a->to_stdout) {
		if (fwrite(o.b[0].p ? o.b[0].p : "", 1, o.b[0].len, stdout) !=
		    o.b[0].len || fflush(stdout)) {
			ms_applet_error("cannot write to standard output");
			st = MS_EXIT_FAIL;
			goto out;
		}
	} else if ((st = write_files(&o, what, a->dir ? a->dir :
				     ms_conf_str(c, MS_CONF_REPORT_DIR)))) {
		goto out;
	}
	/* A failed mail does not stop the deploy; both decide the status. */
	if (a->mail)
		st = mail(c, rep, &o, a->mail_html);
	if (a->deploy && (r = deploy(&dopt, &o, what, a->deploy_to ?
				     a->deploy_to : ms_conf_str(c,
						MS_CONF_DEPLOY_TARGET))))
		st = r;
out:
	for (i = 0; i < MS_ARRAY_SIZE(kinds); i++)
		ms_buf_release(&o.b[i]);
	ms_report_free(rep);
	return st;
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
	"REPORT_DIR as modscan-report-LABEL.{csv,json,html}.\n"
	"\n"
	"Options:\n",
	.epilogue =
	"Exit: 0 ok (also for a day without data), 1 database, mail or deploy\n"
	"failure (files already written stay), 2 usage, bad date or config.\n",
	.opts = opts,
	.opts_size = sizeof(struct args),
	.opt = deploy_target,
	.check = check,
	.run = run_report,
};
