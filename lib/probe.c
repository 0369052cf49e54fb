/* Trying the configured services once (see probe.h). */
#include "probe.h"

#include <sys/stat.h>

#include "db.h"
#include "deploy.h"
#include "device.h"
#include "inventory.h"
#include "modmap.h"
#include "mstime.h"
#include "schema.h"
#include "smtp.h"
#include "ssh.h"

static void failed(struct ms_probe *p, const struct ms_err *err)
{
	p->result = MS_PROBE_FAILED;
	snprintf(p->detail, sizeof(p->detail), "%s", err->msg);
}

void ms_probe_db(const struct ms_conf *c, struct ms_probe *p)
{
	struct ms_err err = { 0 };
	struct ms_db_opts o;
	struct ms_db *db = NULL;
	int version = 0;

	memset(p, 0, sizeof(*p));
	p->what = "database";
	ms_db_opts_from_conf(&o, c);
	if (o.socket && *o.socket)
		snprintf(p->target, sizeof(p->target), "%s", o.socket);
	else
		snprintf(p->target, sizeof(p->target), "%s:%u",
			 o.host ? o.host : "", o.port ? o.port : 3306);
	if (ms_db_connect(&db, &o, &err) < 0 ||
	    ms_schema_version(db, &version, &err) < 0) {
		failed(p, &err);
	} else {
		snprintf(p->detail, sizeof(p->detail), "logged in, schema "
			 "version %d%s", version, version ? "" :
			 " (run maintain --init)");
	}
	ms_db_close(db);
}

static const struct ms_device *pick(const struct ms_inventory *inv,
				    const char *name)
{
	size_t i;

	for (i = 0; i < inv->n; i++)
		if (!name || !strcmp(inv->v[i].name, name))
			return &inv->v[i];
	return NULL;
}

static void scan_one(const struct ms_conf *c, const struct ms_device *d,
		     struct ms_probe *p, struct ms_err *err)
{
	struct ms_scan_settings s = { .conf = c };
	struct ms_devresult res;
	struct ms_modmap map;
	char kh[PATH_MAX];

	snprintf(p->target, sizeof(p->target), "%s %s:%d", d->name, d->host,
		 d->port ? d->port : 22);
	ms_modmap_init(&map);
	if (ms_modmap_parse(&map, ms_conf_str(c, MS_CONF_MODULATION_MAP),
			    err) < 0 ||
	    ms_conf_path(c, MS_CONF_SSH_KNOWN_HOSTS, "known_hosts", kh,
			 sizeof(kh)) < 0) {
		failed(p, err);
		return;
	}
	s.modmap = &map;
	s.known_hosts = kh;
	s.connect_ms = ms_conf_int(c, MS_CONF_CONNECT_TIMEOUT) * 1000;
	s.login_ms = ms_conf_int(c, MS_CONF_LOGIN_TIMEOUT) * 1000;
	s.command_ms = ms_conf_int(c, MS_CONF_COMMAND_TIMEOUT) * 1000;
	s.device_ms = ms_conf_int(c, MS_CONF_DEVICE_TIMEOUT) * 1000;
	ms_device_scan(d, &s, &res);
	if (res.outcome == MS_SCAN_OK) {
		snprintf(p->detail, sizeof(p->detail), "logged in, family %s, "
			 "%zu channels", res.family, res.n);
	} else {
		p->result = MS_PROBE_FAILED;
		snprintf(p->detail, sizeof(p->detail), "%s: %s",
			 ms_outcome_name(res.outcome), res.reason);
	}
	ms_devresult_release(&res);
}

void ms_probe_ssh(const struct ms_conf *c, const char *device,
		  struct ms_probe *p)
{
	const char *path = ms_conf_str(c, MS_CONF_DEVICES_FILE);
	struct ms_err err = { 0 };
	struct ms_inventory inv;
	const struct ms_device *d;
	struct ms_buf warn;

	memset(p, 0, sizeof(*p));
	p->what = "ssh";
	snprintf(p->target, sizeof(p->target), "%s", device ? device : "");
	if (!*path) {
		p->result = device ? MS_PROBE_FAILED : MS_PROBE_SKIPPED;
		snprintf(p->detail, sizeof(p->detail), "DEVICES_FILE is empty");
		return;
	}
	ms_inventory_init(&inv);
	ms_buf_init(&warn, 64 * 1024);
	if (ms_inventory_load(&inv, path, &warn, &err) < 0) {
		failed(p, &err);
	} else if (!(d = pick(&inv, device))) {
		p->result = MS_PROBE_FAILED;
		snprintf(p->detail, sizeof(p->detail), device ? "no device "
			 "'%s' in '%s'" : "no device in '%s'%s",
			 device ? device : path, device ? path : "");
	} else {
		scan_one(c, d, p, &err);
	}
	ms_buf_release(&warn);
	ms_inventory_release(&inv);
}

void ms_probe_smtp(const struct ms_conf *c, struct ms_probe *p)
{
	struct ms_err err = { 0 };
	struct ms_smtp_conf sc;

	memset(p, 0, sizeof(*p));
	p->what = "smtp";
	if (!*ms_conf_str(c, MS_CONF_SMTP_HOST)) {
		p->result = MS_PROBE_SKIPPED;
		snprintf(p->detail, sizeof(p->detail), "SMTP_HOST is empty");
		return;
	}
	snprintf(p->target, sizeof(p->target), "%s:%lld",
		 ms_conf_str(c, MS_CONF_SMTP_HOST),
		 ms_conf_int(c, MS_CONF_SMTP_PORT));
	if (ms_smtp_conf_from(&sc, c, &err) < 0 ||
	    ms_smtp_probe(&sc, &err) < 0)
		failed(p, &err);
	else
		snprintf(p->detail, sizeof(p->detail), "the server accepts "
			 "us%s", *ms_conf_str(c, MS_CONF_SMTP_USER) ?
			 " (AUTH)" : "");
	ms_smtp_conf_release(&sc);
}

static void sftp_login(const struct ms_deploy_opts *o, struct ms_probe *p)
{
	struct ms_ssh_opts so = { 0 };
	struct ms_err err = { 0 };
	struct ms_ssh *s = NULL;

	so.host = o->target.host;
	so.port = o->target.port;
	so.user = *o->target.user ? o->target.user : o->user;
	so.password = o->password;
	so.key_file = o->key_file;
	so.known_hosts = o->known_hosts;
	so.policy = o->policy;
	so.connect_deadline = ms_deadline(o->timeout_ms);
	so.login_deadline = ms_deadline(2 * o->timeout_ms);
	so.no_shell = true;
	if (ms_ssh_open(&s, &so, &err) < 0)
		failed(p, &err);
	else
		snprintf(p->detail, sizeof(p->detail), "SSH login as '%s'",
			 so.user ? so.user : "");
	ms_ssh_close(s);
}

void ms_probe_deploy(const struct ms_conf *c, struct ms_probe *p)
{
	const char *t = ms_conf_str(c, MS_CONF_DEPLOY_TARGET);
	struct ms_err err = { 0 };
	struct ms_deploy_opts o;
	struct stat st;
	char kh[PATH_MAX];

	memset(p, 0, sizeof(*p));
	p->what = "deploy";
	snprintf(p->target, sizeof(p->target), "%s", t);
	if (!*t) {
		p->result = MS_PROBE_SKIPPED;
		snprintf(p->detail, sizeof(p->detail),
			 "DEPLOY_TARGET is empty");
		return;
	}
	if (ms_deploy_opts_from_conf(&o, c, NULL, kh, sizeof(kh), &err) < 0) {
		failed(p, &err);
	} else if (o.target.sftp) {
		sftp_login(&o, p);
	} else if (stat(o.target.path, &st) < 0 || !S_ISDIR(st.st_mode) ||
		   access(o.target.path, W_OK | X_OK) < 0) {
		ms_err_sys(&err, "'%s' is not a directory we can write",
			   o.target.path);
		failed(p, &err);
	} else {
		snprintf(p->detail, sizeof(p->detail), "a writable directory");
	}
}
