/* Unit tests of the single-instance lock. */
#include "lock.h"
#include "harness.h"
#include "tfile.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include "buf.h"
#include "file.h"

static char lock_path[128];

static void test_acquire(void)
{
	struct ms_lock a, b;
	struct ms_err err = { 0 };
	struct ms_buf text;
	char want[256], pid[32];
	struct stat st;
	pid_t holder;

	is_int(ms_lock_holder(lock_path, &holder, &err), 0,
	       "no file: the lock is free");
	is_int(ms_lock_acquire(&a, lock_path, &err), 0, "first acquire");
	ok(a.fd > 2, "the lock holds a descriptor");
	ok((fcntl(a.fd, F_GETFD) & FD_CLOEXEC) != 0,
	   "the lock descriptor is close-on-exec");
	ms_buf_init(&text, 8192);
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	ok(ms_file_read(lock_path, &text, &st, NULL) == 0 &&
	   !strcmp(text.p, pid), "our pid is in the file: %s", text.p);
	ms_buf_release(&text);

	snprintf(want, sizeof(want), "'%s' is held by pid %ld", lock_path,
		 (long)getpid());
	is_int(ms_lock_acquire(&b, lock_path, &err), MS_E_BUSY,
	       "a second acquire is busy");
	is_str(err.msg, want, "the message names the holder's pid");
	is_int(b.fd, -1, "a failed acquire holds nothing");
	is_int(ms_lock_holder(lock_path, &holder, &err), 1,
	       "the probe sees the lock held");
	is_int(holder, getpid(), "the probe reports the holder's pid");
	is_int(ms_lock_acquire(&b, lock_path, &err), MS_E_BUSY,
	       "the probe did not disturb the holder");

	ms_lock_release(&a);
	is_int(a.fd, -1, "release drops the descriptor");
	ok(access(lock_path, F_OK) < 0, "release removes the file");
	is_int(ms_lock_acquire(&b, lock_path, &err), 0,
	       "released: another holder takes it");
	ms_lock_release(&a);
	ok(a.fd == -1 && access(lock_path, F_OK) == 0,
	   "a second release is a no-op: the new holder's file stays");
	is_int(ms_lock_holder(lock_path, &holder, &err), 1,
	       "a second release is a no-op: the new holder's lock holds");
	ms_lock_release(&b);
	is_int(ms_lock_holder(lock_path, &holder, &err), 0,
	       "released: the probe sees it free");
}

static void test_stale(void)
{
	struct ms_lock l;
	struct ms_err err = { 0 };
	int status, p[2];
	char c;
	pid_t child, holder;

	/* a child takes the lock and dies without releasing it */
	if (pipe(p) < 0)
		exit(99);
	if ((child = fork()) == 0) {
		struct ms_lock cl;

		close(p[0]);
		if (ms_lock_acquire(&cl, lock_path, NULL) < 0)
			_exit(1);
		if (write(p[1], "L", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ok(read(p[0], &c, 1) == 1, "a child took the lock");
	close(p[0]);
	is_int(ms_lock_holder(lock_path, &holder, &err), 1,
	       "the child holds it");
	is_int(holder, child, "the probe names the child");
	is_int(ms_lock_acquire(&l, lock_path, &err), MS_E_BUSY,
	       "a live child's lock is busy");
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	ok(access(lock_path, F_OK) == 0, "the dead child left its file");
	is_int(ms_lock_holder(lock_path, &holder, &err), 0,
	       "a stale file of a dead pid reads as free");
	is_int(ms_lock_acquire(&l, lock_path, &err), 0,
	       "a stale file of a dead pid is taken over");
	is_int(ms_lock_holder(lock_path, &holder, &err), 1,
	       "now we hold it");
	is_int(holder, getpid(), "with our pid written over the old one");
	ms_lock_release(&l);
}

static void test_refusals(void)
{
	struct ms_lock l;
	struct ms_err err = { 0 };
	char target[160], link[160];
	pid_t holder;

	t_path(target, sizeof(target), "target");
	t_path(link, sizeof(link), "link.pid");
	t_write(target, "", 0600);
	if (symlink(target, link) < 0)
		exit(99);
	is_int(ms_lock_acquire(&l, link, &err), MS_E_INVAL,
	       "a symlink as lock file is refused (O_NOFOLLOW)");
	ok(strstr(err.msg, "is a symbolic link") != NULL, "saying so: %s",
	   err.msg);
	is_int(ms_lock_holder(link, &holder, &err), MS_E_SYS,
	       "the probe refuses a symlink too");
	is_int(ms_lock_acquire(&l, "/nonexistent-dir/x.pid", &err), MS_E_SYS,
	       "a missing directory is an error");
	ok(strstr(err.msg, "/nonexistent-dir/x.pid") != NULL,
	   "the error names the file");
}

int main(void)
{
	t_tmpdir();
	t_path(lock_path, sizeof(lock_path), "scan.pid");
	test_acquire();
	test_stale();
	test_refusals();
	t_rmdir();
	return done_testing();
}
