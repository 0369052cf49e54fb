/*
 * Unit tests of safe files: atomic replace, bounded read, opens that never
 * follow a link, and one test per rule a directory must meet (file.h).
 */
#include "file.h"
#include "harness.h"
#include "rundir.h"
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
	is_int(ms_file_replace(path, "x", 1, 0644, &err), MS_E_INVAL,
	       "a symlink planted as the temp file is not followed");
	unlink(tmp);
	t_write(tmp, "half a file from a crash", 0600);
	is_int(ms_file_replace(path, "y", 1, 0644, &err), 0,
	       "a stale temp file of ours is replaced");
	ok(access(tmp, F_OK) < 0, "and gone afterwards");
}

/* mode bits of path (lstat), or -1 */
static int mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) < 0 ? -1 : (int)(st.st_mode & 07777);
}

/* a fresh directory t_dir/name with exactly mode */
static const char *t_mkdir(char *out, size_t size, const char *name,
			   mode_t mode)
{
	t_path(out, size, name);
	if (mkdir(out, 0700) < 0 || chmod(out, mode) < 0) {
		perror(out);
		exit(99);
	}
	return out;
}

static void test_links(void)
{
	struct ms_err err = { 0 };
	char target[160], link[160], dlink[160], real[160];
	int fd;

	t_path(target, sizeof(target), "victim");
	t_write(target, "keep\n", 0644);
	t_path(link, sizeof(link), "status.json");
	if (symlink(target, link) < 0)
		exit(99);
	is_int(ms_file_open(link, O_WRONLY | O_CREAT, 0600, &err), MS_E_INVAL,
	       "open: a symlink at the path is refused");
	ok(strstr(err.msg, "is a symbolic link") && strstr(err.msg, link),
	   "naming the path and the problem: %s", err.msg);
	is_int(ms_file_open(link, O_WRONLY | O_CREAT | O_EXCL, 0600, &err),
	       MS_E_INVAL, "open O_EXCL: a symlink is refused, not EEXIST");
	is_int(ms_file_replace(link, "new\n", 4, 0644, &err), MS_E_INVAL,
	       "replace: a symlink at the final path is refused");
	ok(mode_of(link) >= 0 && access(target, F_OK) == 0,
	   "the link and its target are left alone");
	fd = open(target, O_RDONLY);
	ok(fd >= 0 && read(fd, real, 5) == 5 && !memcmp(real, "keep\n", 5),
	   "the target still holds what it held");
	if (fd >= 0)
		close(fd);
	unlink(link);

	t_mkdir(real, sizeof(real), "realdir", 0700);
	t_path(dlink, sizeof(dlink), "dirlink");
	if (symlink(real, dlink) < 0)
		exit(99);
	is_int(ms_dir_check(dlink, "RUN_DIR", MS_DIR_RUN, &err), MS_E_INVAL,
	       "a directory given as a symlink is refused");
	is_int(ms_dir_ensure(dlink, "REPORT_DIR", MS_DIR_PUBLISH, &err),
	       MS_E_INVAL, "for every role, ensure included");
	ok(strstr(err.msg, "REPORT_DIR '") && strstr(err.msg, "symbolic link"),
	   "labelled: %s", err.msg);
}

static void test_create(void)
{
	struct ms_err err = { 0 };
	char dir[160], nested[200], pub[160], parent[200];
	mode_t old = umask(022);

	t_path(dir, sizeof(dir), "new-run");
	is_int(ms_dir_check(dir, "RUN_DIR", MS_DIR_RUN, &err), MS_E_NOENT,
	       "check: a missing directory is MS_E_NOENT");
	is_int(mode_of(dir), -1, "and check creates nothing");
	is_int(ms_dir_ensure(dir, "RUN_DIR", MS_DIR_RUN, &err), 0,
	       "ensure creates a missing private directory");
	is_int(mode_of(dir), 0700, "mode 0700");
	snprintf(nested, sizeof(nested), "%s/a/b/spool", dir);
	is_int(ms_dir_ensure(nested, "SPOOL_DIR", MS_DIR_DATA, &err), 0,
	       "missing parents are made");
	snprintf(parent, sizeof(parent), "%s/a/b", dir);
	is_int(mode_of(parent), 0755, "parents 0755");
	is_int(mode_of(nested), 0700, "the leaf 0700");
	t_path(pub, sizeof(pub), "reports");
	is_int(ms_dir_ensure(pub, "REPORT_DIR", MS_DIR_PUBLISH, &err), 0,
	       "a missing published directory is made");
	is_int(mode_of(pub), 0755, "mode 0755");
	is_int(ms_dir_ensure(dir, "RUN_DIR", MS_DIR_RUN, &err), 0,
	       "ensure on a safe existing directory is fine");
	is_int(ms_dir_check("", "RUN_DIR", MS_DIR_RUN, &err), MS_E_INVAL,
	       "an empty path is refused");
	umask(old);
}

/* One row a mode: the verdict per role and what the message says. */
static void test_modes(void)
{
	static const struct {
		mode_t mode;
		int run, data, publish;	/* 0 or MS_E_INVAL */
		const char *says;
	} rows[] = {
		{ 0700, 0, 0, 0, NULL },
		{ 0750, 0, MS_E_INVAL, 0, "open to its group or others "
					     "(mode 0750): chmod 0700" },
		{ 0710, 0, MS_E_INVAL, 0, "(mode 0710)" },
		{ 0755, MS_E_INVAL, MS_E_INVAL, 0, "open to others (mode "
						     "0755): chmod o-rwx" },
		{ 0701, MS_E_INVAL, MS_E_INVAL, 0, "(mode 0701)" },
		{ 01777, MS_E_INVAL, MS_E_INVAL, MS_E_INVAL,
		  "is shared (mode 1777): give modscan a directory of its "
		  "own, e.g. /var/lib/modscan" },
		{ 01700, MS_E_INVAL, MS_E_INVAL, MS_E_INVAL, "shared (mode "
								"1700)" },
		{ 0777, MS_E_INVAL, MS_E_INVAL, MS_E_INVAL, "shared (mode "
							      "0777)" },
		{ 0702, MS_E_INVAL, MS_E_INVAL, MS_E_INVAL, "shared (mode "
							      "0702)" },
		{ 0770, MS_E_INVAL, MS_E_INVAL, MS_E_INVAL,
		  "writable by its group (mode 0770): chmod g-w it" },
		{ 02770, MS_E_INVAL, MS_E_INVAL, MS_E_INVAL, "(mode 2770)" },
	};
	struct ms_err err = { 0 };
	char dir[160], name[32];
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(rows); i++) {
		snprintf(name, sizeof(name), "mode-%04o",
			 (unsigned)rows[i].mode);
		t_mkdir(dir, sizeof(dir), name, rows[i].mode);
		is_int(ms_dir_ensure(dir, "RUN_DIR", MS_DIR_RUN, &err),
		       rows[i].run, "RUN_DIR %04o", (unsigned)rows[i].mode);
		if (rows[i].says && rows[i].run)
			ok(strstr(err.msg, rows[i].says) &&
			   strstr(err.msg, dir), "says '%s': %s",
			   rows[i].says, err.msg);
		is_int(ms_dir_ensure(dir, "SPOOL_DIR", MS_DIR_DATA, &err),
		       rows[i].data, "SPOOL_DIR %04o", (unsigned)rows[i].mode);
		is_int(ms_dir_ensure(dir, "REPORT_DIR", MS_DIR_PUBLISH, &err),
		       rows[i].publish, "REPORT_DIR %04o",
		       (unsigned)rows[i].mode);
		is_int(mode_of(dir), rows[i].mode, "mode %04o left as it was",
		       (unsigned)rows[i].mode);
	}
}

/* A parent others may write without the sticky bit: they could swap us. */
static void test_parents(void)
{
	struct ms_err err = { 0 };
	char top[160], dir[200];

	t_mkdir(top, sizeof(top), "open-parent", 0777);
	snprintf(dir, sizeof(dir), "%s/run", top);
	if (mkdir(dir, 0700) < 0)
		exit(99);
	is_int(ms_dir_check(dir, "RUN_DIR", MS_DIR_RUN, &err), MS_E_INVAL,
	       "a directory inside a 0777 one is refused");
	ok(strstr(err.msg, "is inside '") && strstr(err.msg, "open-parent', "
	   "which anyone can write (mode 0777)"), "naming it: %s", err.msg);
	chmod(top, 01777);
	is_int(ms_dir_check(dir, "RUN_DIR", MS_DIR_RUN, &err), 0,
	       "inside a sticky one, as under /tmp, it is fine");
	is_int(mode_of(top), 01777, "the parent keeps its mode");
}

static void test_owner(void)
{
	struct ms_err err = { 0 };
	char dir[160], file[160];

	t_path(file, sizeof(file), "plain");
	t_write(file, "", 0600);
	is_int(ms_dir_ensure(file, "RUN_DIR", MS_DIR_RUN, &err), MS_E_INVAL,
	       "a plain file is refused");
	ok(strstr(err.msg, "is not a directory") != NULL, "saying so: %s",
	   err.msg);

	t_mkdir(dir, sizeof(dir), "foreign", 0700);
	if (geteuid() != 0 || chown(dir, 65534, 65534) < 0) {
		ok(1, "# skip chown needs root");
		ok(1, "# skip chown needs root");
		ok(1, "# skip chown needs root");
		ok(1, "# skip chown needs root");
		return;
	}
	is_int(ms_dir_ensure(dir, "RUN_DIR", MS_DIR_RUN, &err), MS_E_INVAL,
	       "a private directory of another user is refused");
	ok(strstr(err.msg, "belongs to uid 65534") &&
	   strstr(err.msg, "not to uid 0") && strstr(err.msg, "chown it"),
	   "naming both users and the fix: %s", err.msg);
	is_int(ms_dir_ensure(dir, "REPORT_DIR", MS_DIR_PUBLISH, &err),
	       MS_E_INVAL, "a published one too (only us or root)");
	is_int(mode_of(dir), 0700, "left as it was");
}

/*
 * ms_dir_check(dir, MS_DIR_RUN_READ) after chown and chmod: 0, or
 * MS_E_INVAL with says in the message.
 */
static void reader_case(const char *dir, gid_t gid, mode_t mode,
			const char *says, const char *what)
{
	struct ms_err err = { 0 };

	if (chown(dir, 65534, gid) < 0 || chmod(dir, mode) < 0)
		exit(99);
	is_int(ms_dir_check(dir, "RUN_DIR", MS_DIR_RUN_READ, &err),
	       says ? MS_E_INVAL : 0, "%s", what);
	if (says)
		ok(strstr(err.msg, says) != NULL, "saying so: %s", err.msg);
}

/* MS_DIR_RUN_READ: another user's RUN_DIR that our group may read. */
static void test_reader(void)
{
	struct ms_err err = { 0 };
	struct ms_conf c;
	char dir[160], spool[200];
	gid_t us = getegid();

	t_mkdir(dir, sizeof(dir), "readable", 0750);
	if (geteuid() != 0 || us == 65534) {
		for (int i = 0; i < 16; i++)
			ok(1, "# skip chown needs root");
		return;
	}
	reader_case(dir, us, 0750, NULL, "0750, its group ours: readable");
	is_int(ms_dir_check(dir, "RUN_DIR", MS_DIR_RUN, &err), MS_E_INVAL,
	       "the same directory is still refused to a writer");
	reader_case(dir, us, 0700, "belongs to uid 65534",
		    "0700: the group cannot read it");
	reader_case(dir, us, 0710, "cannot through its group gid",
		    "0710: the group may search, not list");
	reader_case(dir, us, 0770, "writable by its group",
		    "0770: group-writable");
	reader_case(dir, us, 0755, "open to others", "0755: open to others");
	reader_case(dir, 65534, 0750, "make it 0750 with a group this user is in",
		    "0750 of a group we are not in");

	/* its data directories are its own; ours are checked as ever */
	snprintf(spool, sizeof(spool), "%s/spool", dir);
	if (mkdir(spool, 0700) < 0 || chown(spool, 65534, 65534) < 0 ||
	    chown(dir, 65534, us) < 0 || chmod(dir, 0750) < 0)
		exit(99);
	ms_conf_init(&c);
	if (ms_conf_set(&c, MS_CONF_RUN_DIR, dir, &err) < 0)
		exit(99);
	is_int(ms_rundir_check_read(&c, &err), 0,
	       "status reads another user's RUN_DIR with its 0700 spool");
	is_int(ms_rundir_check(&c, false, &err), MS_E_INVAL,
	       "an applet that writes there refuses it");
	if (chown(dir, 0, us) < 0 || chmod(spool, 01777) < 0)
		exit(99);
	is_int(ms_rundir_check_read(&c, &err), MS_E_INVAL,
	       "in our own RUN_DIR an unsafe spool is still refused");
	ms_conf_release(&c);
	is_int(mode_of(dir), 0750, "RUN_DIR keeps its mode");
}

static void test_system_dirs(void)
{
	static const char *const names[] = {
		"/", "/tmp", "/tmp/", "//tmp", "/var/lib", "/var//lib/.",
		"/var/lib/../lib", "/run", "/etc", "/usr", "/home", "/var",
	};
	struct ms_err err = { 0 };
	size_t i;
	int m;

	for (i = 0; i < MS_ARRAY_SIZE(names); i++) {
		m = mode_of(names[i]);
		is_int(ms_dir_ensure(names[i], "RUN_DIR", MS_DIR_RUN, &err),
		       MS_E_INVAL, "RUN_DIR '%s' is refused", names[i]);
		is_int(ms_dir_ensure(names[i], "REPORT_DIR", MS_DIR_PUBLISH,
				     &err), MS_E_INVAL,
		       "REPORT_DIR '%s' is refused", names[i]);
		is_int(mode_of(names[i]), m, "'%s' keeps its mode", names[i]);
	}
	is_int(ms_dir_check("/var/lib", "RUN_DIR", MS_DIR_RUN, &err),
	       MS_E_INVAL, "by name even with a safe-looking mode");
	is_str(err.msg, "RUN_DIR '/var/lib' is a system directory: give "
	       "modscan a directory of its own, e.g. /var/lib/modscan",
	       "naming the path, the problem and the fix");
	is_int(ms_dir_check("/var/lib/../lib", "REPORT_DIR", MS_DIR_PUBLISH,
			    &err), MS_E_INVAL, "by where a path resolves to");
	is_str(err.msg, "REPORT_DIR '/var/lib/../lib' is the system directory "
	       "'/var/lib': use a directory that only its owner can write",
	       "naming both");
	is_int(ms_dir_check("/var/lib/modscan-unit-test-missing", "RUN_DIR",
			    MS_DIR_RUN, &err), MS_E_NOENT,
	       "a directory below one is fine");
}

/* A file set by its own key must not sit in a shared directory. */
static void test_file_keys(struct ms_conf *c)
{
	struct ms_err err = { 0 };
	char shared[160], mine[160], path[200];

	t_mkdir(shared, sizeof(shared), "shared-files", 01777);
	t_mkdir(mine, sizeof(mine), "my-files", 0755);
	snprintf(path, sizeof(path), "%s/status.json", shared);
	if (ms_conf_set(c, MS_CONF_STATUS_FILE, path, &err) < 0)
		exit(99);
	is_int(ms_rundir_check(c, false, &err), MS_E_INVAL,
	       "STATUS_FILE in a 1777 directory is refused");
	ok(strstr(err.msg, "STATUS_FILE '") && strstr(err.msg, path) &&
	   strstr(err.msg, "shared directory (mode 1777)"), "saying so: %s",
	   err.msg);
	chmod(shared, 0757);
	is_int(ms_file_dir_check(path, "LOG_FILE", &err), MS_E_INVAL,
	       "so is one writable by others without the sticky bit");
	is_int(mode_of(shared), 0757, "left as it was");
	snprintf(path, sizeof(path), "%s/scan.pid", mine);
	is_int(ms_file_dir_check(path, "PID_FILE", &err), 0,
	       "a 0755 directory of ours is fine for a file");
	is_int(ms_file_dir_check("/nonexistent-dir/x.log", "LOG_FILE", &err),
	       0, "a missing directory is left to the write");
	if (ms_conf_set(c, MS_CONF_STATUS_FILE, "", &err) < 0)
		exit(99);
}

static void test_rundir(void)
{
	struct ms_err err = { 0 };
	struct ms_conf c;
	char run[160], spool[200], alerts[200], link[200];

	t_path(run, sizeof(run), "rundir");
	snprintf(alerts, sizeof(alerts), "%s/alerts", run);
	ms_conf_init(&c);
	if (ms_conf_set(&c, MS_CONF_RUN_DIR, run, &err) < 0)
		exit(99);
	is_int(ms_rundir_check(&c, false, &err), 0,
	       "a missing RUN_DIR is fine when nothing is created");
	is_int(mode_of(run), -1, "and nothing is created");
	is_int(ms_rundir_check(&c, true, &err), 0, "with create it is made");
	is_int(mode_of(run), 0700, "0700");
	chmod(run, 0750);
	is_int(ms_rundir_check(&c, false, &err), 0,
	       "a 0750 RUN_DIR (tmpfiles, a reading group) is accepted");
	snprintf(link, sizeof(link), "%s/status.json", run);
	if (symlink("/etc/passwd", link) < 0)
		exit(99);
	is_int(ms_rundir_check(&c, false, &err), MS_E_INVAL,
	       "a link planted at RUN_DIR/status.json is refused");
	ok(strstr(err.msg, link) && strstr(err.msg, "symbolic link"),
	   "naming it: %s", err.msg);
	unlink(link);
	snprintf(link, sizeof(link), "%s/known_hosts", run);
	if (symlink("/etc/ssh/ssh_known_hosts", link) < 0)
		exit(99);
	is_int(ms_rundir_check(&c, false, &err), 0,
	       "known_hosts may be read through a link");
	unlink(link);
	if (mkdir(alerts, 0700) < 0 || chmod(alerts, 01777) < 0)
		exit(99);
	is_int(ms_rundir_check(&c, false, &err), MS_E_INVAL,
	       "an unsafe alert queue in it is refused");
	ok(strstr(err.msg, "alert queue") != NULL, "naming it: %s", err.msg);
	rmdir(alerts);
	t_mkdir(spool, sizeof(spool), "spool-elsewhere", 0755);
	if (ms_conf_set(&c, MS_CONF_SPOOL_DIR, spool, &err) < 0)
		exit(99);
	is_int(ms_rundir_check(&c, true, &err), MS_E_INVAL,
	       "an unsafe SPOOL_DIR is refused");
	ok(strstr(err.msg, "SPOOL_DIR '") != NULL, "naming it: %s", err.msg);
	is_int(mode_of(spool), 0755, "and left as it was");
	if (ms_conf_set(&c, MS_CONF_SPOOL_DIR, "", &err) < 0)
		exit(99);
	test_file_keys(&c);
	ms_conf_release(&c);
}

int main(void)
{
	t_tmpdir();
	test_replace_and_read();
	test_links();
	test_create();
	test_modes();
	test_parents();
	test_owner();
	test_reader();
	test_system_dirs();
	test_rundir();
	t_rmdir();
	return done_testing();
}
