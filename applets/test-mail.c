/*
 * modscan --test-mail: send one mail now through the configured server
 * (SMTP_*, MAIL_*), so that an operator sees whether alerts and reports
 * can reach anyone.
 */
#include "applets.h"

#include "buf.h"
#include "err.h"
#include "file.h"
#include "smtp.h"

enum { O_SUBJECT = MS_OPT_OWN, O_BODY, O_ATTACH };

static const struct ms_opt opts[] = {
	{ "subject", 0, "TEXT", O_SUBJECT, 0,
	  "the subject (default: modscan test mail)" },
	{ "body", 0, "FILE", O_BODY, 0, "the body from FILE" },
	{ "attach", 0, "FILE", O_ATTACH, MS_OPT_REPEAT,
	  "attach FILE (repeat for more)" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

struct test_mail_opts {
	const char *subject, *body;
	const char *files[MS_MAIL_MAX_ATTACH];
	int nfiles;
};

static int send_test(const struct ms_conf *c, const struct test_mail_opts *o)
{
	struct ms_buf data[MS_MAIL_MAX_ATTACH], body_file;
	struct ms_smtp_conf sc;
	struct ms_err err = { 0 };
	struct ms_mail m;
	char host[256] = "?", body[512];
	const char *base;
	int i, r, n = 0;

	if ((r = ms_smtp_conf_from(&sc, c, &err)) < 0) {
		ms_applet_error("%s", err.msg);
		ms_smtp_conf_release(&sc);
		return MS_EXIT_USAGE;
	}
	ms_smtp_mail_init(&m, &sc);
	gethostname(host, sizeof(host) - 1);
	snprintf(body, sizeof(body), "This is a test mail from modscan on "
		 "%s, sent with 'modscan --test-mail'.\nIf you can read it, "
		 "alerts and reports can reach you.\n", host);
	m.subject = o->subject ? o->subject : "modscan test mail";
	m.body = body;
	for (i = 0; i < MS_MAIL_MAX_ATTACH; i++)
		ms_buf_init(&data[i], MS_MAIL_MAX / 2);
	ms_buf_init(&body_file, MS_MAIL_MAX / 2);
	r = o->body ? ms_file_read(o->body, &body_file, NULL, &err) : 0;
	if (o->body)
		m.body = body_file.p;
	for (; n < o->nfiles && r == 0; n++) {
		if ((r = ms_file_read(o->files[n], &data[n], NULL, &err)) < 0)
			break;
		base = strrchr(o->files[n], '/');
		m.attach[n].name = base ? base + 1 : o->files[n];
		m.attach[n].data = data[n].p;
		m.attach[n].len = data[n].len;
	}
	m.nattach = (size_t)n;
	if (r == 0)
		r = ms_smtp_send(&sc, &m, &err);
	if (r < 0)
		ms_applet_error("%s", err.msg);
	else
		printf("mail sent to %d recipient%s\n", r, r == 1 ? "" : "s");
	for (i = 0; i < MS_MAIL_MAX_ATTACH; i++)
		ms_buf_release(&data[i]);
	ms_buf_release(&body_file);
	ms_smtp_conf_release(&sc);
	return r < 0 ? MS_EXIT_FAIL : MS_EXIT_OK;
}

static int opt(struct ms_run *r, int id, const char *arg)
{
	struct test_mail_opts *o = r->opts;

	if (id == O_SUBJECT) {
		o->subject = arg;
	} else if (id == O_BODY) {
		o->body = arg;
	} else if (o->nfiles < MS_MAIL_MAX_ATTACH) {
		o->files[o->nfiles++] = arg;
	} else {
		ms_applet_error("at most %d --attach", MS_MAIL_MAX_ATTACH);
		return MS_EXIT_USAGE;
	}
	return 0;
}

static int run(struct ms_run *r)
{
	return send_test(&r->conf, r->opts);
}

const struct ms_applet ms_test_mail_applet = {
	.synopsis =
	"usage: modscan --test-mail [--config FILE] [--subject TEXT] "
	"[--body FILE]\n"
	"                           [--attach FILE]...\n"
	"\n"
	"Send one mail now through the configured server (SMTP_*, MAIL_*)\n"
	"to MAIL_TO, so that you see whether alerts and reports reach you.\n"
	"\n",
	.epilogue = "Exit 0 when the server took the mail, 1 when it did "
		    "not, 2 for a bad\ncommand line or mail setting.\n",
	.opts = opts,
	.opts_size = sizeof(struct test_mail_opts),
	.opt = opt,
	.run = run,
};
