/* Unit tests of the configuration: file syntax, aliases, precedence, errors. */
#include "conf.h"
#include "harness.h"
#include "tfile.h"

static char conf_path[128];

/* Load text (written with mode) into a fresh c; returns the result. */
static int load_text(struct ms_conf *c, const char *text, mode_t mode,
		     struct ms_err *err)
{
	ms_conf_init(c);
	t_write(conf_path, text, mode);
	return ms_conf_load_file(c, conf_path, err);
}

/* The same with an owner: the file is written, then chowned. */
static int load_owned(struct ms_conf *c, const char *text, mode_t mode,
		      uid_t uid, gid_t gid, struct ms_err *err)
{
	ms_conf_init(c);
	t_write(conf_path, text, mode);
	if (chown(conf_path, uid, gid) < 0)
		return MS_E_SYS;
	return ms_conf_load_file(c, conf_path, err);
}

static void test_defaults(void)
{
	struct ms_conf c;
	char path[256];

	ms_conf_init(&c);
	is_str(ms_conf_str(&c, MS_CONF_DB_HOST), "127.0.0.1",
	       "default DB_HOST");
	is_int(ms_conf_int(&c, MS_CONF_DB_PORT), 3306, "default DB_PORT");
	is_int(ms_conf_int(&c, MS_CONF_LOG_LEVEL), 3,
	       "default LOG_LEVEL is info (index 3)");
	ok(!ms_conf_bool(&c, MS_CONF_SSH_LEGACY_ALGOS),
	   "default SSH_LEGACY_ALGOS is no");
	ok(!ms_conf_isset(&c, MS_CONF_DB_HOST), "a default is not 'set'");
	is_int(ms_conf_path(&c, MS_CONF_STATUS_FILE, "status.json", path,
			    sizeof(path)), 0, "conf_path fits");
	is_str(path, "/var/lib/modscan/status.json",
	       "empty STATUS_FILE defaults below RUN_DIR");
	is_int(ms_conf_path(&c, MS_CONF_STATUS_FILE, "status.json", path, 8),
	       MS_E_TOOBIG, "conf_path reports a too small buffer");
	ms_conf_release(&c);
}

struct value_case {
	const char *line;
	enum ms_conf_key key;
	const char *want;
};

static const struct value_case value_cases[] = {
	{ "DB_HOST=db1.example", MS_CONF_DB_HOST, "db1.example" },
	{ "DB_NAME=\"a # b\"", MS_CONF_DB_NAME, "a # b" },
	{ "DB_USER='x'", MS_CONF_DB_USER, "x" },
	{ "MAIL_TO=\"a\\\"b\\\\c\\nd\\te\"", MS_CONF_MAIL_TO,
	  "a\"b\\c\nd\te" },
	{ "MAIL_FROM='lit\\n #x'", MS_CONF_MAIL_FROM, "lit\\n #x" },
	{ "DEVICES_FILE=/etc/dev.txt   # trailing comment",
	  MS_CONF_DEVICES_FILE, "/etc/dev.txt" },
	{ "REPORT_DIR=a#b", MS_CONF_REPORT_DIR, "a#b" },
	{ "export SSH_USER=scanner", MS_CONF_SSH_USER, "scanner" },
	{ "   DB_SOCKET =  /run/my.sock  ", MS_CONF_DB_SOCKET,
	  "/run/my.sock" },
	{ "SMTP_HOST=mail\r", MS_CONF_SMTP_HOST, "mail" },
	{ "DB_OPTION_GROUP=\"quoted\"  # comment", MS_CONF_DB_OPTION_GROUP,
	  "quoted" },
	{ "SSH_KEY_FILE=", MS_CONF_SSH_KEY_FILE, "" },
	{ "ACCESS_HOST=legacy-db", MS_CONF_DB_HOST, "legacy-db" },
	{ "ACCESS_DATABASE=olddb", MS_CONF_DB_NAME, "olddb" },
	{ "ACCESS_USER=olduser", MS_CONF_DB_USER, "olduser" },
	{ "DATA_RETENTION_DAYS=14", MS_CONF_RETENTION_DAYS, "14" },
	{ "FROM_EMAIL=noc@example.net", MS_CONF_MAIL_FROM,
	  "noc@example.net" },
	{ "TO_EMAILS=a@x,b@y", MS_CONF_MAIL_TO, "a@x,b@y" },
	{ "DEBUG_CCAP0=yes", MS_CONF_DEBUG_E6000, "yes" },
	{ "DEBUG_CCAP1=true", MS_CONF_DEBUG_CASA, "true" },
	{ "DEBUG_CCAP2=1", MS_CONF_DEBUG_CBR8, "1" },
};

static void test_values(void)
{
	struct ms_err err = { 0 };
	struct ms_conf c;
	char text[256];
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(value_cases); i++) {
		const struct value_case *vc = &value_cases[i];

		snprintf(text, sizeof(text), "# a comment\n\n%s\n", vc->line);
		is_int(load_text(&c, text, 0600, &err), 0, "loads: %s",
		       vc->line);
		is_str(ms_conf_str(&c, vc->key), vc->want, "value of: %s",
		       vc->line);
		is_int(c.src[vc->key], MS_CONF_SRC_FILE,
		       "source is the file: %s", vc->line);
		ms_conf_release(&c);
	}
}

static void test_typed(void)
{
	struct ms_err err = { 0 };
	struct ms_conf c;

	is_int(load_text(&c, "DB_PORT=3307\nSMTP_TLS=TLS\n"
			 "SSH_LEGACY_ALGOS=on\nDEBUG_CCAP0=yes\n"
			 "DATA_RETENTION_DAYS=30\n", 0644, &err), 0,
	       "typed values load");
	is_int(ms_conf_int(&c, MS_CONF_DB_PORT), 3307, "integer value");
	is_int(ms_conf_int(&c, MS_CONF_SMTP_TLS), 2,
	       "enum value, any case, is its index");
	ok(ms_conf_bool(&c, MS_CONF_SSH_LEGACY_ALGOS), "bool on");
	ok(ms_conf_bool(&c, MS_CONF_DEBUG_E6000), "legacy DEBUG_CCAP0 bool");
	is_int(ms_conf_int(&c, MS_CONF_RETENTION_DAYS), 30,
	       "legacy DATA_RETENTION_DAYS number");
	ok(ms_conf_isset(&c, MS_CONF_DB_PORT), "a file value is 'set'");
	is_str(c.path, conf_path, "the loaded path is kept");
	ms_conf_release(&c);
}

/* An INT key with an empty default is optional: unset and empty are -1. */
static void test_optional_int(void)
{
	struct ms_err err = { 0 };
	struct ms_conf c;

	is_int(load_text(&c, "PLANT_ALERT_BELOW_QAM64_MIN=0\n"
			 "PLANT_ALERT_DEGRADED_UPSTREAMS=\n", 0644, &err), 0,
	       "optional integers load");
	is_int(ms_conf_int(&c, MS_CONF_PLANT_ALERT_BELOW_QAM64_MIN), 0,
	       "0 is a value");
	is_int(ms_conf_int(&c, MS_CONF_PLANT_ALERT_DEGRADED_UPSTREAMS), -1,
	       "empty is unset");
	is_int(ms_conf_int(&c, MS_CONF_PLANT_ALERT_DEVICE_FAILS), -1,
	       "the default is unset");
	is_int(ms_conf_set(&c, MS_CONF_PLANT_ALERT_DEVICE_FAILS, "0", &err),
	       MS_E_RANGE, "below its minimum");
	is_int(ms_conf_set(&c, MS_CONF_DB_PORT, "", &err), MS_E_INVAL,
	       "empty is no number for a key with a default");
	ms_conf_release(&c);
}

static void test_precedence(void)
{
	struct ms_err err = { 0 };
	struct ms_conf c;

	setenv("DB_HOST", "env-host", 1);
	setenv("ACCESS_USER", "env-alias-user", 1);
	setenv("DB_NAME", "canonical", 1);
	setenv("ACCESS_DATABASE", "alias", 1);
	is_int(load_text(&c, "DB_HOST=file-host\nDB_USER=file-user\n"
			 "DB_PORT=3310\n", 0600, &err), 0, "file loads");
	is_int(ms_conf_load_env(&c, &err), 0, "environment loads");
	is_str(ms_conf_str(&c, MS_CONF_DB_HOST), "env-host",
	       "the environment overrides the file");
	is_int(c.src[MS_CONF_DB_HOST], MS_CONF_SRC_ENV, "source is env");
	is_str(ms_conf_str(&c, MS_CONF_DB_USER), "env-alias-user",
	       "a legacy name in the environment overrides the file");
	is_str(ms_conf_str(&c, MS_CONF_DB_NAME), "canonical",
	       "the canonical name wins over its alias in the environment");
	is_int(ms_conf_int(&c, MS_CONF_DB_PORT), 3310,
	       "keys not in the environment keep the file value");
	is_int(ms_conf_set(&c, MS_CONF_DB_HOST, "cli-host", &err), 0,
	       "conf_set accepts a value");
	is_str(ms_conf_str(&c, MS_CONF_DB_HOST), "cli-host",
	       "conf_set (command line) overrides the environment");
	is_int(c.src[MS_CONF_DB_HOST], MS_CONF_SRC_CLI, "source is cli");
	is_int(ms_conf_set(&c, MS_CONF_DB_PORT, "0", &err), MS_E_RANGE,
	       "conf_set validates");
	is_str(err.msg, "command line: DB_PORT: '0' is out of range "
	       "(1..65535)", "conf_set error message");
	ms_conf_release(&c);

	setenv("SCAN_INTERVAL", "abc", 1);
	ms_conf_init(&c);
	is_int(ms_conf_load_env(&c, &err), MS_E_INVAL,
	       "a bad environment value is an error");
	is_str(err.msg, "environment: SCAN_INTERVAL: 'abc' is not a number",
	       "the environment error names the key");
	ms_conf_release(&c);
	unsetenv("SCAN_INTERVAL");
	unsetenv("DB_HOST");
	unsetenv("ACCESS_USER");
	unsetenv("DB_NAME");
	unsetenv("ACCESS_DATABASE");
}

struct error_case {
	const char *text;
	int code;
	const char *msg;	/* after "<path>:" */
};

static const struct error_case error_cases[] = {
	{ "# 1\n# 2\n# 3\n# 4\n# 5\n# 6\n# 7\n# 8\n# 9\n# 10\n# 11\n"
	  "SCAN_INTERVAL=10x\n", MS_E_INVAL,
	  "12: SCAN_INTERVAL: '10x' is not a number" },
	{ "SCAN_INTERVAL=5\n", MS_E_RANGE,
	  "1: SCAN_INTERVAL: '5' is out of range (10..86400)" },
	{ "\nDB_PORT=99999999999999999999999\n", MS_E_RANGE,
	  "2: DB_PORT: '99999999999999999999999' is out of range (1..65535)" },
	{ "LOG_LEVEL=loud\n", MS_E_INVAL,
	  "1: LOG_LEVEL: 'loud' is not one of error|warn|notice|info|debug" },
	{ "SSH_LEGACY_ALGOS=maybe\n", MS_E_INVAL,
	  "1: SSH_LEGACY_ALGOS: 'maybe' is not yes or no" },
	{ "DB_HOST=\"abc\n", MS_E_PARSE, "1: DB_HOST: unterminated quote" },
	{ "DB_HOST='abc\n", MS_E_PARSE, "1: DB_HOST: unterminated quote" },
	{ "DB_HOST=\"abc\" def\n", MS_E_PARSE,
	  "1: DB_HOST: text after the closing quote" },
	/* A secret's bad quoting: its buffer is wiped, so it must be a
	 * string even when unquoting fails half-way. */
	{ "DB_PASSWORD=\"s3cret\n", MS_E_PARSE,
	  "1: DB_PASSWORD: unterminated quote" },
	{ "DB_PASSWORD='s3cret' x\n", MS_E_PARSE,
	  "1: DB_PASSWORD: text after the closing quote" },
	{ "# ok\njust some words\n", MS_E_PARSE, "2: expected KEY=VALUE" },
	{ "=value\n", MS_E_PARSE, "1: expected KEY=VALUE" },
	{ "DB_HOST\n", MS_E_PARSE, "1: expected KEY=VALUE" },
	{ "1KEY=x\n", MS_E_PARSE, "1: expected KEY=VALUE" },
};

static void test_errors(void)
{
	struct ms_err err = { 0 };
	struct ms_conf c;
	char want[512];
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(error_cases); i++) {
		const struct error_case *ec = &error_cases[i];

		snprintf(want, sizeof(want), "%s:%s", conf_path, ec->msg);
		is_int(load_text(&c, ec->text, 0600, &err), ec->code,
		       "error code: %s", ec->msg);
		is_str(err.msg, want, "message names file:line: %s", ec->msg);
		ms_conf_release(&c);
	}
}

static void test_unknown_and_secrets(void)
{
	struct ms_err err = { 0 };
	struct ms_conf c;
	char want[512];

	snprintf(want, sizeof(want),
		 "%s:2: unknown key 'NO_SUCH_KEY', ignored\n", conf_path);
	is_int(load_text(&c, "DB_HOST=h\nNO_SUCH_KEY=1\nDB_PORT=1\n", 0600,
			 &err), 0, "an unknown key is not an error");
	is_str(c.warnings.p, want, "the warning names file:line and key");
	is_int(ms_conf_int(&c, MS_CONF_DB_PORT), 1,
	       "lines after an unknown key are read");
	ms_conf_release(&c);

	snprintf(want, sizeof(want), "'%s' holds a password but is readable "
		 "by group or others: 'chmod 600 %s' fixes it", conf_path,
		 conf_path);
	is_int(load_text(&c, "DB_PASSWORD=s3cret\n", 0644, &err), MS_E_INVAL,
	       "a secret in a 0644 file is refused");
	is_str(err.msg, want, "the refusal says why and what to do");
	ms_conf_release(&c);
	ms_conf_release(&c);
	is_int(load_text(&c, "DB_PASSWORD=s3cret\nSSH_PASSWORD='p w'\n",
			 0600, &err), 0, "the same secrets in 0600 load");
	is_str(ms_conf_str(&c, MS_CONF_SSH_PASSWORD), "p w",
	       "secret value read");
	ms_conf_release(&c);
	is_int(load_text(&c, "DB_HOST=h\n", 0644, &err), 0,
	       "a non-secret 0644 file is accepted");
	ms_conf_release(&c);
	is_int(load_text(&c, "DB_PASSWORD=\n", 0644, &err), 0,
	       "an empty secret in a 0644 file is accepted");
	ms_conf_release(&c);
}

/*
 * 0640 root:<service group> is the packaged config's mode: accepted only
 * with owner root, our group and nothing for others.  54321 is a uid and
 * gid with no passwd or group entry (so not the group "modscan").
 */
static void test_service_group(void)
{
	const char *text = "ACCESS_PASSWORD=s3cret\n";
	struct ms_err err = { 0 };
	struct ms_conf c;

	if (geteuid() != 0)
		return;		/* chown needs root; the suite runs as root */
	is_int(load_owned(&c, text, 0640, 0, getegid(), &err), 0,
	       "0640 root:our group with a secret loads");
	ms_conf_release(&c);
	is_int(load_owned(&c, text, 0640, 0, 54321, &err), MS_E_INVAL,
	       "0640 root:another group is refused");
	ms_conf_release(&c);
	is_int(load_owned(&c, text, 0644, 0, getegid(), &err), MS_E_INVAL,
	       "0644 root:our group (others read) is refused");
	ms_conf_release(&c);
	is_int(load_owned(&c, text, 0640, 54321, getegid(), &err),
	       MS_E_INVAL, "0640 owned by another user is refused");
	ms_conf_release(&c);
}

static void test_load_order(void)
{
	struct ms_err err = { 0 };
	struct ms_conf c;
	char missing[160];

	t_path(missing, sizeof(missing), "absent.conf");
	ms_conf_init(&c);
	is_int(ms_conf_load(&c, missing, &err), MS_E_SYS,
	       "a missing --config file is an error");
	ok(strstr(err.msg, missing) && strstr(err.msg, "No such file"),
	   "the error names the missing file: %s", err.msg);
	ms_conf_release(&c);

	t_write(conf_path, "DB_NAME=fromenvpath\n", 0600);
	setenv("MODSCAN_CONFIG", conf_path, 1);
	ms_conf_init(&c);
	is_int(ms_conf_load(&c, NULL, &err), 0, "$MODSCAN_CONFIG is read");
	is_str(ms_conf_str(&c, MS_CONF_DB_NAME), "fromenvpath",
	       "value from the $MODSCAN_CONFIG file");
	ms_conf_release(&c);
	unsetenv("MODSCAN_CONFIG");
}

/*
 * The doc column is read for the manual: every row says something (a
 * sentence, not a word) on one line, and the family rows name their
 * family and keep their legacy names.
 */
static void test_docs(void)
{
	size_t i, bad = 0;

	for (i = 0; i < MS_CONF__COUNT; i++) {
		const char *d = ms_conf_table[i].doc;

		if (!d || strlen(d) < 12 || !strchr(d, ' ') || strchr(d, '\n')) {
			printf("# %s: doc '%s'\n", ms_conf_table[i].name,
			       d ? d : "(null)");
			bad++;
		}
	}
	is_int(bad, 0, "every key has a doc string");
	is_str(ms_conf_table[MS_CONF_DEBUG_CBR8].doc,
	       "log the whole conversation with cBR-8 devices at debug level",
	       "DEBUG_CBR8 comes from its drv.def row");
	is_str(ms_conf_table[MS_CONF_DEBUG_CASA].alias, "DEBUG_CCAP1",
	       "and keeps its legacy name");
}

int main(void)
{
	t_tmpdir();
	test_docs();
	t_path(conf_path, sizeof(conf_path), "modscan.conf");
	test_defaults();
	test_values();
	test_typed();
	test_optional_int();
	test_precedence();
	test_errors();
	test_unknown_and_secrets();
	test_service_group();
	test_load_order();
	t_rmdir();
	return done_testing();
}
