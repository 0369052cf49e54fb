/* Unit tests of credentials profiles (PROFILE_<NAME>_<KEY>). */
#include "conf.h"
#include "harness.h"
#include "tfile.h"

int main(void)
{
	struct ms_conf c;
	struct ms_err err;
	char path[256];

	t_tmpdir();
	t_path(path, sizeof(path), "p.conf");
	t_write(path,
		"SSH_USER=ops\n"
		"SSH_PASSWORD=global\n"
		"PROFILE_LAB_SSH_USER=labuser\n"
		"PROFILE_LAB_SSH_PASSWORD='lab secret'\n"
		"PROFILE_OLD_SSH_LEGACY_ALGOS=yes\n"
		"PROFILE_SSH_USER=nobody\n", 0600);
	ms_conf_init(&c);
	is_int(ms_conf_load_file(&c, path, &err), 0, "profile keys load");
	is_str(ms_conf_profile_str(&c, "lab", MS_CONF_SSH_USER), "labuser",
	       "a profile's user (profile name in any case)");
	is_str(ms_conf_profile_str(&c, "LAB", MS_CONF_SSH_PASSWORD),
	       "lab secret", "a profile's password");
	is_str(ms_conf_profile_str(&c, "old", MS_CONF_SSH_USER), "ops",
	       "a profile without the key falls back to the global value");
	is_str(ms_conf_profile_str(&c, "", MS_CONF_SSH_PASSWORD), "global",
	       "no profile: the global value");
	ok(ms_conf_profile_bool(&c, "old", MS_CONF_SSH_LEGACY_ALGOS),
	   "a profile's boolean");
	ok(!ms_conf_profile_bool(&c, "lab", MS_CONF_SSH_LEGACY_ALGOS),
	   "the global boolean default");
	ok(strstr(c.warnings.p, "unknown key 'PROFILE_SSH_USER'") != NULL,
	   "a profile key without a profile name is unknown");
	ms_conf_release(&c);

	t_write(path, "PROFILE_LAB_SSH_PASSWORD=x\n", 0644);
	ms_conf_init(&c);
	is_int(ms_conf_load_file(&c, path, &err), MS_E_INVAL,
	       "a profile password in a world-readable file is refused");
	ms_conf_release(&c);

	t_write(path, "PROFILE_OLD_SSH_LEGACY_ALGOS=perhaps\n", 0600);
	ms_conf_init(&c);
	ok(ms_conf_load_file(&c, path, &err) < 0 &&
	   strstr(err.msg, ":1: SSH_LEGACY_ALGOS: 'perhaps'") != NULL,
	   "a bad profile value names file, line and key (%s)", err.msg);
	ms_conf_release(&c);
	t_rmdir();
	return done_testing();
}
