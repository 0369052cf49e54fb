/* Unit tests of the cached known_hosts lookups. */
#include "knownhosts.h"
#include "harness.h"
#include "tfile.h"

static const char a1[] = "[10.0.0.1]:2201 ssh-ed25519 AAAAkeyA1\n";
static const char a2[] = "[10.0.0.1]:2201 ssh-ed25519 AAAAkeyA2\n";
static const char a3[] = "[10.0.0.1]:2201 ecdsa-sha2-nistp256 AAAAkeyA3\n";
static const char b1[] = "cmts-b ssh-ed25519 AAAAkeyB1\n";

/* The key types of a name, which order the key exchange's algorithms. */
static void t_types(const char *path)
{
	struct ms_err err;
	char types[64], tiny[8];

	t_write(path, "[10.0.0.1]:2201 ssh-rsa AAAAkeyR\n"
		"cmts-b,[10.0.0.1]:2201 ecdsa-sha2-nistp256 AAAAkeyE\n"
		"cmts-c ssh-ed25519 AAAAkeyC\n", 0644);
	is_int(ms_kh_types(path, "[10.0.0.1]:2201", types, sizeof(types),
			   &err), MS_KH_OK, "a known name has its types");
	ok(!strcmp(types, "ssh-rsa,ecdsa-sha2-nistp256") ||
	   !strcmp(types, "ecdsa-sha2-nistp256,ssh-rsa"),
	   "both of its lines, one of them in a list of names (%s)", types);
	is_int(ms_kh_types(path, "cmts-c", types, sizeof(types), &err),
	       MS_KH_OK, "a name of its own line");
	is_str(types, "ssh-ed25519", "has that line's type");
	is_int(ms_kh_types(path, "[10.0.0.1]:22", types, sizeof(types),
			   &err), MS_KH_UNKNOWN, "another port is another name");
	is_str(types, "", "and has no types");
	is_int(ms_kh_types(path, "[10.0.0.1]:2201", tiny, sizeof(tiny),
			   &err), MS_E_TOOBIG, "types that do not fit are an "
	       "error, not a cut list");
	t_write(path, "|1|c2FsdA==|aGFzaA== ssh-ed25519 AAAAkeyX\n", 0644);
	is_int(ms_kh_types(path, "cmts-c", types, sizeof(types), &err),
	       MS_KH_FALLBACK, "hashed names leave the order to libssh");
}

int main(void)
{
	struct ms_err err;
	char path[256];
	FILE *f;

	t_tmpdir();
	t_path(path, sizeof(path), "known_hosts");
	is_int(ms_kh_check(path, a1, &err), MS_KH_UNKNOWN,
	       "a missing file knows nobody");
	is_int(ms_kh_learn(path, a1, &err), MS_KH_OK, "learn a key");
	is_int(ms_kh_check(path, a1, &err), MS_KH_OK, "the learnt key matches");
	is_int(ms_kh_check(path, a2, &err), MS_KH_CHANGED,
	       "another key of the same type is a change");
	is_int(ms_kh_check(path, a3, &err), MS_KH_CHANGED,
	       "a key of another type for a known name is refused too");
	is_int(ms_kh_learn(path, a2, &err), MS_KH_CHANGED,
	       "learning never overwrites a known name");
	is_int(ms_kh_check(path, b1, &err), MS_KH_UNKNOWN, "another host");
	f = fopen(path, "a");
	ok(f != NULL, "append as another process would");
	fputs("# comment\nother,cmts-b ssh-ed25519 AAAAkeyB1 a comment\n", f);
	fclose(f);
	is_int(ms_kh_check(path, b1, &err), MS_KH_OK,
	       "a line written by someone else is seen (names in a list)");
	ms_kh_reset();
	is_int(ms_kh_check(path, a1, &err), MS_KH_OK,
	       "a fresh cache reads the file back");
	t_write(path, "|1|c2FsdA==|aGFzaA== ssh-ed25519 AAAAkeyX\n", 0644);
	is_int(ms_kh_check(path, b1, &err), MS_KH_FALLBACK,
	       "hashed names send the caller to libssh's check");
	t_write(path, "[10.0.0.1]:2201 ssh-ed25519 AAAAkeyA1\n"
		"@revoked * ssh-ed25519 AAAAkeyR\n", 0644);
	is_int(ms_kh_check(path, a1, &err), MS_KH_FALLBACK,
	       "a rewritten file is re-read; markers send every name to "
	       "libssh's check");
	t_write(path, "[10.0.0.1]:2201 ssh-ed25519 AAAAkeyA1\n", 0644);
	is_int(ms_kh_check(path, a1, &err), MS_KH_OK,
	       "without markers the cache answers again");
	t_types(path);
	t_rmdir();
	return done_testing();
}
