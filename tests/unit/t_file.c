/* Unit tests of safe files: atomic replace, bounded read, private dirs. */
#include "file.h"
#include "harness.h"
#include "tfile.h"

#include <sys/stat.h>

static void test_replace_and_read(void)
{
	struct ms_err err = { 0 };
	char path[160], tmp[170], big[10000];
	struct ms_buf b;
	struct stat st;

	t_path(path, sizeof(path), "data.txt");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	is_int(ms_file_replace(path, "first\n", 6, 0600, &err), 0,
	       "replace creates a file");
	is_int(ms_file_replace(path, "second\n", 7, 0640, &err), 0,
	       "replace overwrites it");
	ms_buf_init(&b, 4096 * 2);
	is_int(ms_file_read(path, &b, &st, &err), 0, "read it back");
	is_str(b.p, "second\n", "the new contents");
	is_int(st.st_mode & 0777, 0640, "the requested mode, not the umask's");
	ok(access(tmp, F_OK) < 0, "no temp file remains");
	is_int(ms_file_read(path, &b, NULL, &err), 0, "a read appends");
	is_str(b.p, "second\nsecond\n", "appended contents");
	ms_buf_release(&b);

	memset(big, 'a', sizeof(big));
	is_int(ms_file_replace(path, big, sizeof(big), 0644, &err), 0,
	       "write a 10000-byte file");
	ms_buf_init(&b, 5000);
	is_int(ms_file_read(path, &b, NULL, &err), MS_E_TOOBIG,
	       "a read past the buffer's bound fails");
	ok(strstr(err.msg, path) != NULL, "naming the file: %s", err.msg);
	ms_buf_release(&b);

	ms_buf_init(&b, 4096 * 2);
	is_int(ms_file_read(t_dir, &b, NULL, &err), MS_E_SYS,
	       "reading a directory fails");
	is_int(ms_file_read("/nonexistent-dir/x", &b, NULL, &err), MS_E_SYS,
	       "reading a missing file fails");
	ok(strstr(err.msg, "No such file") != NULL, "with the reason");
	ms_buf_release(&b);

	is_int(ms_file_replace("/nonexistent-dir/x", "x", 1, 0644, &err),
	       MS_E_SYS, "replace in a missing directory fails");
	t_write(tmp, "", 0644);
	unlink(tmp);
	if (symlink(path, tmp) < 0)
		exit(99);
	is_int(ms_file_replace(path, "x", 1, 0644, &err), MS_E_SYS,
	       "a symlink planted as the temp file is not followed");
	unlink(tmp);
}

static void test_private_dir(void)
{
	struct ms_err err = { 0 };
	char dir[160], nested[200], link[160], foreign[160], file[160];
	struct stat st;

	t_path(dir, sizeof(dir), "run");
	is_int(ms_dir_private(dir, &err), 0, "create a private directory");
	ok(stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	   (st.st_mode & 0777) == 0700, "it is a 0700 directory");
	is_int(st.st_uid, geteuid(), "owned by us");
	chmod(dir, 0755);
	is_int(ms_dir_private(dir, &err), 0, "an existing 0755 dir is fixed");
	ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700,
	   "it is back to 0700");

	snprintf(nested, sizeof(nested), "%s/a/b/c", dir);
	is_int(ms_dir_private(nested, &err), 0, "missing parents are made");
	ok(stat(nested, &st) == 0 && (st.st_mode & 0777) == 0700,
	   "the leaf is 0700");

	t_path(link, sizeof(link), "run-link");
	if (symlink(dir, link) < 0)
		exit(99);
	is_int(ms_dir_private(link, &err), MS_E_INVAL,
	       "a symlink to a directory is refused");
	ok(strstr(err.msg, "not a directory") != NULL, "saying so: %s",
	   err.msg);

	t_path(file, sizeof(file), "plain");
	t_write(file, "", 0600);
	ok(ms_dir_private(file, &err) < 0, "a plain file is refused");

	t_path(foreign, sizeof(foreign), "foreign");
	mkdir(foreign, 0700);
	if (geteuid() == 0 && chown(foreign, 65534, 65534) == 0) {
		is_int(ms_dir_private(foreign, &err), MS_E_INVAL,
		       "a directory owned by someone else is refused");
		ok(strstr(err.msg, "owned by uid 65534") != NULL,
		   "naming the owner: %s", err.msg);
	} else {
		ok(1, "# skip chown needs root");
		ok(1, "# skip chown needs root");
	}
}

int main(void)
{
	t_tmpdir();
	test_replace_and_read();
	test_private_dir();
	t_rmdir();
	return done_testing();
}
