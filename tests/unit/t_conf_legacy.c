/*
 * Unit tests of the old tool's .env: keys without a use named together,
 * REPORTING_* as the inventory database, Fernet-encrypted secrets.  The
 * token was made with Debian's python3-cryptography (Fernet, key bytes
 * 0..31): Fernet(key).encrypt(b"secret").
 */
#include "conf.h"
#include "harness.h"
#include "tfile.h"

static const char key[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
static const char other_key[] =
	"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
static const char token[] =
	"gAAAAABlU_EAZGVmZ2hpamtsbW5vcHFycwE17jRL1f5aRq79M6QWnawnWgwpzsS3"
	"GNHz0V2-tCXvLPza4hwJ_eq3ajVkMXxuaw==";

static char path[256];

static int load(struct ms_conf *c, const char *text, struct ms_err *err)
{
	ms_conf_init(c);
	t_write(path, text, 0600);
	return ms_conf_load(c, path, err);
}

int main(void)
{
	struct ms_conf c;
	struct ms_err err = { 0 };
	char text[1024], want[512];

	t_tmpdir();
	t_path(path, sizeof(path), ".env");
	snprintf(text, sizeof(text),
		 "ACCESS_HOST=db1\nACCESS_POOL_SIZE=5\nFERNET_KEY=%s\n"
		 "ACCESS_PASSWORD=%s\nENABLE_REPORT_CACHE=true\n"
		 "REPORTING_HOST=inv\nREPORTING_DATABASE=acc\n"
		 "REPORTING_USER=ro\nREPORTING_PASSWORD=plain\n"
		 "CLEANUP_SCHEDULE_HOUR=2\n", key, token);
	is_int(load(&c, text, &err), 0, "an old .env loads");
	is_str(ms_conf_str(&c, MS_CONF_DB_PASSWORD), "secret",
	       "a Fernet token is decrypted with FERNET_KEY");
	is_str(ms_conf_str(&c, MS_CONF_DB_HOST), "db1", "ACCESS_HOST mapped");
	is_str(ms_conf_str(&c, MS_CONF_DEVICES_DB_HOST), "inv",
	       "REPORTING_HOST is the inventory database");
	is_str(ms_conf_str(&c, MS_CONF_DEVICES_DB_NAME), "acc",
	       "REPORTING_DATABASE mapped");
	is_str(ms_conf_str(&c, MS_CONF_DEVICES_DB_PASSWORD), "plain",
	       "a value without the token prefix is plain text");
	snprintf(want, sizeof(want), "%s: keys of the old tool that modscan "
		 "does not use, ignored: ACCESS_POOL_SIZE, "
		 "ENABLE_REPORT_CACHE, CLEANUP_SCHEDULE_HOUR\n", path);
	is_str(c.warnings.p, want, "keys without a use: one line, together");
	ms_conf_release(&c);

	snprintf(text, sizeof(text), "FERNET_KEY=%s\nACCESS_PASSWORD=%s\n",
		 other_key, token);
	is_int(load(&c, text, &err), MS_E_AUTH,
	       "a token that does not verify is an error");
	snprintf(want, sizeof(want), "%s: DB_PASSWORD (ACCESS_PASSWORD): "
		 "the Fernet token does not verify with FERNET_KEY", path);
	is_str(err.msg, want, "the error names the file and the key");
	ok(!ms_conf_str(&c, MS_CONF_DB_PASSWORD)[0] ||
	   strcmp(ms_conf_str(&c, MS_CONF_DB_PASSWORD), "secret"),
	   "no plaintext from a wrong key");
	ms_conf_release(&c);

	snprintf(text, sizeof(text), "SMTP_PASSWORD=%s\n", token);
	is_int(load(&c, text, &err), MS_E_INVAL,
	       "a token without FERNET_KEY is an error");
	ok(strstr(err.msg, "SMTP_PASSWORD: a Fernet token") &&
	   strstr(err.msg, "FERNET_KEY is not set"),
	   "the error names the key and FERNET_KEY: %s", err.msg);
	ms_conf_release(&c);

	snprintf(text, sizeof(text), "PROFILE_LAB_SSH_PASSWORD=%s\n"
		 "FERNET_KEY=%s\n", token, key);
	is_int(load(&c, text, &err), 0, "a profile secret may be a token");
	is_str(ms_conf_profile_str(&c, "lab", MS_CONF_SSH_PASSWORD), "secret",
	       "and is decrypted too");
	ms_conf_release(&c);
	/* without --config: ./.env, where the old tool kept it */
	if (access("/etc/modscan/modscan.conf", F_OK) < 0) {
		unsetenv("MODSCAN_CONFIG");
		t_write(path, "ACCESS_HOST=from-dot-env\n", 0600);
		ok(chdir(t_dir) == 0, "into the directory of .env");
		ms_conf_init(&c);
		is_int(ms_conf_load(&c, NULL, &err), 0, "./.env is read");
		is_str(ms_conf_str(&c, MS_CONF_DB_HOST), "from-dot-env",
		       "its values are used");
		ms_conf_release(&c);
	}
	t_rmdir();
	return done_testing();
}
