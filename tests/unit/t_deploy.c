/*
 * Unit tests of the report deploy (targets, the local backend: staging,
 * latest links, housekeeping, refusals) and of the report mail text.
 */
#include "deploy.h"
#include "site.h"
#include "harness.h"
#include "report_mail.h"
#include "tfile.h"

#include <dirent.h>
#include <sys/stat.h>

static const struct {
	const char *in;
	int rc;
	bool sftp;
	const char *user, *host;
	int port;
	const char *path;
} targets[] = {
	{ "www", 0, false, "", "", 0, "www" },
	{ "/var/www/reports", 0, false, "", "", 0, "/var/www/reports" },
	{ "sftp://web@host.example/srv/www", 0, true, "web", "host.example",
	  0, "/srv/www" },
	{ "sftp://host:2222/x", 0, true, "", "host", 2222, "/x" },
	{ "sftp://u@[::1]:22/x/y", 0, true, "u", "::1", 22, "/x/y" },
	{ "sftp://u@[::1]/x", 0, true, "u", "::1", 0, "/x" },
	{ "", MS_E_INVAL, false, "", "", 0, "" },
	{ "sftp://host", MS_E_INVAL, false, "", "", 0, "" },
	{ "sftp://@host/x", MS_E_INVAL, false, "", "", 0, "" },
	{ "sftp://u@/x", MS_E_INVAL, false, "", "", 0, "" },
	{ "sftp://u@h:0/x", MS_E_INVAL, false, "", "", 0, "" },
	{ "sftp://u@h:/x", MS_E_INVAL, false, "", "", 0, "" },
	{ "sftp://u@h:65536/x", MS_E_INVAL, false, "", "", 0, "" },
	{ "sftp://u@h:22a/x", MS_E_INVAL, false, "", "", 0, "" },
	{ "sftp://u@[::1/x", MS_E_INVAL, false, "", "", 0, "" },
	{ "sftp://u@[::1]x/y", MS_E_INVAL, false, "", "", 0, "" },
	{ "scp://h/x", MS_E_INVAL, false, "", "", 0, "" },
};

static void test_parse(void)
{
	struct ms_deploy_target t;
	struct ms_err err = { 0 };
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(targets); i++) {
		const char *in = targets[i].in;

		is_int(ms_deploy_parse(in, &t, &err), targets[i].rc,
		       "parse '%s'", in);
		if (targets[i].rc < 0) {
			ok(err.msg[0] != '\0', "'%s': a message (%s)", in,
			   err.msg);
			continue;
		}
		ok(t.sftp == targets[i].sftp &&
		   !strcmp(t.user, targets[i].user) &&
		   !strcmp(t.host, targets[i].host) &&
		   t.port == targets[i].port &&
		   !strcmp(t.path, targets[i].path),
		   "'%s': sftp %d user '%s' host '%s' port %d path '%s'", in,
		   t.sftp, t.user, t.host, t.port, t.path);
	}
}

static int count_tmp(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	while (d && (e = readdir(d)))
		n += strstr(e->d_name, ".tmp") != NULL;
	if (d)
		closedir(d);
	return n;
}

static void old_file(const char *dir, const char *name, int days)
{
	struct timespec ts[2];
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	t_write(p, "old\n", 0644);
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - (time_t)days * 86400 - 60;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	utimensat(AT_FDCWD, p, ts, 0);
}

static void test_local(void)
{
	static const struct ms_deploy_file f[] = {
		{ "modscan-report-2025-03-12.csv", "a;b\n", 4, NULL },
		{ "modscan-report-2025-03-12.html", "<html>", 6, NULL },
	};
	struct ms_deploy_opts o = { 0 };
	struct ms_deploy_result res;
	struct ms_err err = { 0 };
	char site[256], p[PATH_MAX], l[64];
	ssize_t n;

	t_path(site, sizeof(site), "site");
	mkdir(site, 0755);
	old_file(site, "modscan-report-2025-01-01.csv", 31);
	old_file(site, "modscan-report-2025-02-01.csv", 29);
	old_file(site, "index.html", 400);
	is_int(ms_deploy_parse(site, &o.target, &err), 0, "local target");
	o.keep_days = 30;
	o.now = time(NULL);
	is_int(ms_deploy(&o, f, 2, &res, &err), 0, "deploy: %s", err.msg);
	is_int(res.written, 2, "two files written");
	is_int(res.removed, 1, "the 31-day-old report removed");
	ok(res.links, "latest.* are links");
	snprintf(p, sizeof(p), "%s/latest.html", site);
	n = readlink(p, l, sizeof(l) - 1);
	l[n > 0 ? n : 0] = '\0';
	is_str(l, "modscan-report-2025-03-12.html", "latest.html target");
	snprintf(p, sizeof(p), "%s/modscan-report-2025-02-01.csv", site);
	ok(access(p, F_OK) == 0, "the 29-day-old report stays");
	snprintf(p, sizeof(p), "%s/index.html", site);
	ok(access(p, F_OK) == 0, "other files stay whatever their age");
	is_int(count_tmp(site), 0, "no temporary file left");
	is_int(ms_deploy(&o, f, 2, &res, &err), 0, "a second run replaces");

	t_path(p, sizeof(p), "missing");
	is_int(ms_deploy_parse(p, &o.target, &err), 0, "missing target");
	is_int(ms_deploy(&o, f, 2, &res, &err), MS_E_SYS,
	       "a missing directory fails");
	ok(strstr(err.msg, "No such file") != NULL, "named: %s", err.msg);
}

/* The legacy web JSON: its own latest link, its own housekeeping. */
static void test_legacy(void)
{
	static const struct ms_deploy_file f[] = {
		{ "modulation_report_2025-03-12_web.json", "{}", 2,
		  MS_LEGACY_LATEST },
	};
	struct ms_deploy_opts o = { 0 };
	struct ms_deploy_result res;
	struct ms_err err = { 0 };
	char site[256], p[PATH_MAX], l[64];
	ssize_t n;

	t_path(site, sizeof(site), "legacy");
	mkdir(site, 0755);
	old_file(site, "modulation_report_2025-01-01_web.json", 31);
	old_file(site, "modulation_report_2025-01-02_web.json", 29);
	old_file(site, "modulation_report_2025-01-01.csv", 31);
	old_file(site, "modulation_report_2025-01-01_web.json.bak", 31);
	ms_deploy_parse(site, &o.target, &err);
	o.keep_days = 30;
	o.now = time(NULL);
	is_int(ms_deploy(&o, f, 1, &res, &err), 0, "legacy deploy: %s",
	       err.msg);
	snprintf(p, sizeof(p), "%s/modulation_report_latest_web.json", site);
	n = readlink(p, l, sizeof(l) - 1);
	l[n > 0 ? n : 0] = '\0';
	is_str(l, "modulation_report_2025-03-12_web.json",
	       "modulation_report_latest_web.json links the new day");
	snprintf(p, sizeof(p), "%s/latest.json", site);
	ok(access(p, F_OK) < 0, "no latest.json for the legacy file");
	is_int(res.removed, 1, "one old legacy web JSON removed");
	snprintf(p, sizeof(p), "%s/modulation_report_2025-01-01_web.json",
		 site);
	ok(access(p, F_OK) < 0, "the 31-day-old web JSON is gone");
	snprintf(p, sizeof(p), "%s/modulation_report_2025-01-02_web.json",
		 site);
	ok(access(p, F_OK) == 0, "the 29-day-old web JSON stays");
	snprintf(p, sizeof(p), "%s/modulation_report_2025-01-01.csv", site);
	ok(access(p, F_OK) == 0, "other legacy names stay");
}

static void test_site_names(void)
{
	char d[MS_SITE_DATE_LEN + 1];

	ok(ms_site_page_date("modscan-report-2025-03-12.html", d) &&
	   !strcmp(d, "2025-03-12"), "a day page names its day");
	ok(!ms_site_page_date("modscan-report-2025-03-12.csv", d),
	   "a CSV is no page");
	ok(!ms_site_page_date("modscan-report-2025-03-11_2025-03-12.html", d),
	   "a range is no day page");
	ok(!ms_site_page_date("modscan-report-2025-3-12x.html", d),
	   "a bad date is no day page");
	ok(!ms_site_page_date("modscan-report-x.html", d),
	   "a short name is no day page");
}

/* The index: newest first, totals or a dash, the title as text. */
static void test_site_index(void)
{
	struct ms_site_day d[3] = {
		{ "2025-03-10", true, 4, 1, 7, 1.25, "FN<1>", 0.75 },
		{ "2025-03-12", false, 0, 0, 0, 0, "", 0 },
		{ "2025-03-11", true, 2, 2, 9, 0.5, "", 0 },
	};
	struct ms_buf b;
	const char *a, *c, *e;

	ms_buf_init(&b, 1 << 20);
	is_int(ms_site_index(d, 3, "A <b>", "call & ask", &b, NULL), 0,
	       "the index renders");
	ms_buf_addc(&b, '\0');
	a = strstr(b.p, ">2025-03-12</a>");
	c = strstr(b.p, ">2025-03-11</a>");
	e = strstr(b.p, ">2025-03-10</a>");
	ok(a && c && e && a < c && c < e, "newest first");
	ok(strstr(b.p, "<h1>A &lt;b&gt;</h1>") != NULL, "the title is text");
	ok(strstr(b.p, ">call &amp; ask</footer>") != NULL, "the footer too");
	ok(strstr(b.p, "2025-03-12</a></td><td class=\"n\" colspan=\"5\">"
		  "\u2013</td>") != NULL, "a day without totals shows a dash");
	ok(strstr(b.p, "2025-03-10</a></td><td class=\"n\">4</td><td "
		  "class=\"n\">7</td><td class=\"n\">1</td><td class=\"n\">"
		  "1.2</td><td>FN&lt;1&gt; (0.8 h)</td></tr>") != NULL,
	   "upstreams, hops, hopping, hours, the first node to visit");
	ok(strstr(b.p, "<td class=\"n\">0.5</td><td>\u2013</td></tr>") != NULL,
	   "a day without a node to visit shows a dash");
	ok(strstr(b.p, "id=\"days\">[\"2025-03-12\",\"2025-03-11\","
		  "\"2025-03-10\"]") != NULL, "the days for the navigation");
	ms_buf_release(&b);
}

/* The day of t_report's fixture: one hopping and one clean upstream. */
static struct ms_report *small_report(bool empty)
{
	struct ms_report_opts ro = { .label = "2025-03-12" };
	struct ms_report *rep = ms_report_begin(1000, 100000, &ro);
	struct ms_err err = { 0 };

	if (!empty) {
		ms_report_row(rep, "CCAP001", "US 1", 1000, 4, MS_MOD_QAM64,
			      &err);
		ms_report_row(rep, "CCAP001", "US 1", 1300, 2, MS_MOD_QAM16,
			      &err);
		ms_report_row(rep, "CCAP001", "US 1", 1600, 1, MS_MOD_QPSK,
			      &err);
		ms_report_row(rep, "CCAP002", "US 9", 1000, 4, MS_MOD_QAM64,
			      &err);
	}
	ms_report_end(rep, &err);
	return rep;
}

static void test_mail_text(void)
{
	struct ms_report *rep = small_report(false);
	struct ms_buf b;
	char subject[160];

	ms_buf_init(&b, 1 << 16);
	is_int(ms_report_mail_body(rep, &b), 0, "body");
	ok(strstr(b.p, "\nCCAPs: 2  upstreams: 2  samples: 4\n") != NULL,
	   "totals line");
	ok(strstr(b.p, "\nHops: 2 on 1 upstreams; 1 upstreams spent time "
		  "below QAM64\n") != NULL, "hops line");
	ok(strstr(b.p, "Modulation: QAM64 50.0 %, QAM16 25.0 %, QPSK 25.0 %"
		  "\n") != NULL, "modulation mix");
	ok(strstr(b.p, "\nTop hoppers:\n  CCAP001              US 1      "
		  "                    2 hops  %QAM64 33.33\n") != NULL,
	   "top hopper");
	ok(strstr(b.p, "CCAP002") == NULL, "a clean upstream is no hopper");
	ms_report_mail_subject(rep, subject, sizeof(subject));
	is_str(subject, "modscan report 2025-03-12: 2 hops on 1 upstreams",
	       "subject");
	ms_report_free(rep);

	rep = small_report(true);
	ms_buf_reset(&b);
	is_int(ms_report_mail_body(rep, &b), 0, "body without data");
	ok(strstr(b.p, "No samples were recorded") != NULL, "says so");
	ms_report_mail_subject(rep, subject, sizeof(subject));
	is_str(subject, "modscan report 2025-03-12: no data", "subject");
	ms_report_free(rep);
	ms_buf_release(&b);
}

int main(void)
{
	t_tmpdir();
	test_parse();
	test_local();
	test_legacy();
	test_site_names();
	test_site_index();
	test_mail_text();
	t_rmdir();
	return done_testing();
}
