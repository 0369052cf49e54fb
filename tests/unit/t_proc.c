/*
 * Unit tests of processes: /proc identity, pidfds, spawning.  The test
 * binary doubles as the child program: with T_PROC_MODE set it reports
 * on its own fds or signal state, or waits to be killed.
 */
#include "proc.h"
#include "harness.h"
#include "tfile.h"

#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "buf.h"
#include "file.h"
#include "num.h"
#include "mstime.h"

/* --- child side --- */

static void child_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fd;

	if (!d)
		_exit(3);
	while ((e = readdir(d)))
		if (ms_parse_int(e->d_name, 0, INT_MAX, &fd) == 0 &&
		    fd != dirfd(d))
			printf("%d ", fd);
	closedir(d);
}

static void child_sig(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		_exit(3);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "SigBlk:", 7) || !strncmp(line, "SigIgn:", 7))
			fputs(line, stdout);
	fclose(f);
}

static int child_main(const char *mode)
{
	char c;

	if (!strcmp(mode, "fds"))
		child_fds();
	else if (!strcmp(mode, "sig"))
		child_sig();
	else if (!strcmp(mode, "stdio")) {
		printf("stdin:%zd ", read(0, &c, 1));
		fflush(stdout);
		fputs("on-stderr", stderr);
	} else if (!strcmp(mode, "pause")) {
		puts("ready");
		fflush(stdout);
		for (;;)
			pause();
	}
	fflush(stdout);
	return 0;
}

/* --- parent side --- */

static char self_exe[PATH_MAX];

/* Spawn argv with stdout (and stderr) into a pipe; *rfd reads it. */
static int spawn_piped(char *const *argv, bool detach, pid_t *pid, int *rfd,
		       struct ms_err *err)
{
	struct ms_spawn sp = { .argv = argv, .stdin_fd = -1, .stdout_fd = -1,
			       .stderr_fd = -1, .detach = detach };
	int p[2], r;

	if (pipe2(p, O_CLOEXEC) < 0)
		exit(99);
	sp.stdout_fd = p[1];
	r = ms_proc_spawn(&sp, pid, err);
	close(p[1]);
	*rfd = p[0];
	return r;
}

/* Everything fd yields until EOF (or the first line with first_line). */
static const char *drain(int fd, struct ms_buf *b, bool first_line)
{
	char chunk[512];
	ssize_t n;

	ms_buf_init(b, 65536);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		ms_buf_add(b, chunk, (size_t)n);
		if (first_line && memchr(b->p, '\n', b->len))
			break;
	}
	return b->p;
}

/* A symlink t_dir/name -> target, for argv[0] games. */
static char *make_link(const char *name, const char *target, char *out,
		       size_t size)
{
	t_path(out, size, name);
	if (symlink(target, out) < 0)
		exit(99);
	return out;
}

/* Seconds since boot, rounded up, from /proc/uptime. */
static uint64_t uptime_s(void)
{
	struct ms_buf b;
	long long v = 0;

	ms_buf_init(&b, 8192);
	if (ms_file_read("/proc/uptime", &b, NULL, NULL) == 0)
		ms_parse_lln(b.p, strcspn(b.p, "."), 0, LLONG_MAX, &v);
	ms_buf_release(&b);
	return (uint64_t)v + 1;
}

/* Field 22 of /proc/PID/stat, split the plain way (tests only). */
static uint64_t stat_field22(pid_t pid)
{
	char path[64];
	struct ms_buf b;
	const char *p;
	long long v = 0;
	int i;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	ms_buf_init(&b, 8192);
	if (ms_file_read(path, &b, NULL, NULL) == 0 &&
	    (p = strrchr(b.p, ')'))) {
		for (i = 3, p += 2; i < 22; i++)
			p = strchr(p, ' ') + 1;
		ms_parse_lln(p, strcspn(p, " "), 0, LLONG_MAX, &v);
	}
	ms_buf_release(&b);
	return (uint64_t)v;
}

static void test_identity(void)
{
	struct ms_err err = { 0 };
	uint64_t t1 = 0, t2 = 0;
	int status, p[2];
	char c;
	pid_t child;

	is_int(ms_proc_starttime(getpid(), &t1, &err), 0, "our starttime");
	ok(t1 > 0, "it is a positive tick count");
	is_int(t1, stat_field22(getpid()), "it is field 22 of /proc/self/stat");
	ok(t1 / (uint64_t)sysconf(_SC_CLK_TCK) <= uptime_s(),
	   "it is a time since boot, not another field (%llu ticks)",
	   (unsigned long long)t1);
	is_int(ms_proc_starttime(1, &t2, &err), 0, "pid 1 starttime");
	ok(t2 <= t1, "pid 1 started before us");

	/* a comm with spaces and parentheses must not shift the fields */
	if (pipe(p) < 0)
		exit(99);
	if ((child = fork()) == 0) {
		prctl(PR_SET_NAME, "x) 1 2 (y", 0, 0, 0);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		exit(99);
	close(p[0]);
	is_int(ms_proc_starttime(child, &t2, &err), 0,
	       "starttime of a child named 'x) 1 2 (y'");
	is_int(t2, stat_field22(child), "is parsed past the odd name");
	ok(t2 >= t1, "and the child started after us");
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	is_int(ms_proc_starttime(child, &t2, &err), MS_E_NOENT,
	       "a reaped pid has no starttime");
	is_int(ms_proc_is_applet(child, "scan") < 0, 1,
	       "is_applet of a gone pid is negative");
	is_int(ms_proc_is_applet(getpid(), "scan"), 0,
	       "the test binary is not a modscan scanner");
	is_int(ms_proc_is_applet(1, "scan"), 0, "pid 1 is not a scanner");
	is_int(ms_proc_self_exe(self_exe, sizeof(self_exe), &err), 0,
	       "self_exe");
	ok(strstr(self_exe, "t_proc") != NULL, "names this binary: %s",
	   self_exe);
	is_int(ms_proc_self_exe((char[4]){ 0 }, 4, &err), MS_E_TOOBIG,
	       "self_exe with a tiny buffer fails cleanly");
}

struct applet_case {
	const char *link;	/* name of the symlink we run through */
	const char *target;	/* NULL: this binary */
	const char *arg1;
	const char *applet;
	int want;
};

static const struct applet_case applet_cases[] = {
	{ "modscan-scan", NULL, NULL, "scan", 1 },
	{ "modscan-scan", NULL, NULL, "report", 0 },
	{ "modscan", NULL, "scan", "scan", 1 },
	{ "modscan", NULL, "report", "scan", 0 },
	{ "scan", NULL, NULL, "scan", 1 },
	{ "scan", "/bin/sleep", "30", "scan", 0 },
	{ "sleep", "/bin/sleep", "30", "scan", 0 },
};

static void test_is_applet(void)
{
	struct ms_err err = { 0 };
	char path[PATH_MAX], dir[PATH_MAX];
	struct ms_buf out;
	size_t i;
	int fd, pidfd, status;
	pid_t pid;

	for (i = 0; i < MS_ARRAY_SIZE(applet_cases); i++) {
		const struct applet_case *ac = &applet_cases[i];
		char *argv[] = { path, (char *)ac->arg1, NULL };

		snprintf(dir, sizeof(dir), "case%zu", i);
		t_path(path, sizeof(path), dir);
		mkdir(path, 0700);
		snprintf(dir, sizeof(dir), "case%zu/%s", i, ac->link);
		make_link(dir, ac->target ? ac->target : self_exe, path,
			  sizeof(path));
		if (spawn_piped(argv, false, &pid, &fd, &err) < 0) {
			ok(0, "spawn %s: %s", ac->link, err.msg);
			continue;
		}
		if (!ac->target) {
			drain(fd, &out, true);
			ms_buf_release(&out);
		}
		is_int(ms_proc_is_applet(pid, ac->applet), ac->want,
		       "is_applet(%s %s, %s)", ac->link,
		       ac->arg1 ? ac->arg1 : "", ac->applet);
		close(fd);
		pidfd = ms_pidfd_open(pid, NULL);
		ms_pidfd_signal(pidfd, SIGKILL, NULL);
		close(pidfd);
		waitpid(pid, &status, 0);
	}
}

static void test_pidfd(void)
{
	char *argv[] = { self_exe, NULL };
	struct ms_err err = { 0 };
	struct ms_buf out;
	int fd, pidfd, status = 0;
	pid_t pid;

	is_int(spawn_piped(argv, false, &pid, &fd, &err), 0,
	       "spawn a child that waits");
	is_str(drain(fd, &out, true), "ready\n", "it is ready");
	ms_buf_release(&out);
	close(fd);
	pidfd = ms_pidfd_open(pid, &err);
	ok(pidfd >= 0, "pidfd_open of the child");
	ok((fcntl(pidfd, F_GETFD) & FD_CLOEXEC) != 0, "pidfd is cloexec");
	is_int(ms_pidfd_wait(pidfd, ms_deadline(50)), 0,
	       "wait with a short deadline: still alive");
	is_int(ms_pidfd_signal(pidfd, SIGTERM, &err), 0, "send SIGTERM");
	is_int(ms_pidfd_wait(pidfd, ms_deadline(10000)), 1,
	       "wait sees it exit");
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	   WTERMSIG(status) == SIGTERM,
	   "it died of SIGTERM (default disposition in the child)");
	is_int(ms_pidfd_signal(pidfd, SIGTERM, &err), MS_E_NOENT,
	       "signalling a reaped process says it has exited");
	close(pidfd);
	is_int(ms_pidfd_open(pid, &err), MS_E_NOENT,
	       "pidfd_open of a gone pid");
}

/* A thread that lives until its pipe is closed. */
static void *reader(void *arg)
{
	char c;

	while (read(*(int *)arg, &c, 1) > 0)
		;
	return NULL;
}

/* The state letter of /proc/PID/stat, or 0. */
static char state_of(pid_t pid)
{
	char path[64];
	struct ms_buf b;
	const char *p;
	char st = 0;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	ms_buf_init(&b, 4096);
	if (ms_file_read(path, &b, NULL, NULL) >= 0 &&
	    (p = strrchr(b.p, ')')) && p[1] == ' ')
		st = p[2];
	ms_buf_release(&b);
	return st;
}

/* Poll cond(pid) for up to 30 s (a deadline, not a timing). */
static bool within(bool (*cond)(pid_t), pid_t pid)
{
	ms_msec_t end = ms_deadline(30000);

	while (!cond(pid)) {
		if (ms_left(end) == 0)
			return false;
		poll(NULL, 0, 10);
	}
	return true;
}

static bool leader_zombie(pid_t pid)
{
	return state_of(pid) == 'Z';
}

/*
 * A thread-group leader that has exited while another thread runs shows
 * as a zombie, yet the process (and the files it holds) lives on.
 */
static void test_exited(void)
{
	int fds[2], status = 0;
	pthread_t t;
	pid_t pid;

	ok(!ms_proc_exited(getpid()), "we have not exited");
	if (pipe(fds) < 0 || (pid = fork()) < 0)
		exit(99);
	if (pid == 0) {
		close(fds[1]);
		if (pthread_create(&t, NULL, reader, &fds[0]) != 0)
			_exit(98);
		syscall(SYS_exit, 0);	/* this thread only */
	}
	close(fds[0]);
	ok(within(leader_zombie, pid), "the child's first thread has exited");
	ok(!ms_proc_exited(pid), "a zombie leader with a live thread has "
	   "not exited");
	close(fds[1]);
	ok(within(ms_proc_exited, pid), "once its last thread ends it has");
	is_int(state_of(pid), 'Z', "still unreaped, a zombie");
	ok(waitpid(pid, &status, 0) == pid, "reaped");
	ok(ms_proc_exited(pid), "a reaped pid has exited");
}

static void test_spawn(void)
{
	char *argv[] = { self_exe, NULL };
	char *bad[] = { "/nonexistent/prog", NULL };
	struct ms_err err = { 0 };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_term, old_hup;
	sigset_t usr1, old_mask;
	struct ms_buf out;
	int fd, leak, status, pidfd;
	pid_t pid;

	leak = open("/dev/null", O_RDONLY);	/* no O_CLOEXEC on purpose */
	setenv("T_PROC_MODE", "fds", 1);
	is_int(spawn_piped(argv, false, &pid, &fd, &err), 0, "spawn (fds)");
	is_str(drain(fd, &out, false), "0 1 2 ", "the child has only fds 0-2");
	ms_buf_release(&out);
	close(fd);
	waitpid(pid, &status, 0);
	close(leak);

	sigaction(SIGTERM, &ign, &old_term);
	sigaction(SIGHUP, &ign, &old_hup);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old_mask);
	setenv("T_PROC_MODE", "sig", 1);
	is_int(spawn_piped(argv, false, &pid, &fd, &err), 0, "spawn (sig)");
	{
		unsigned long long blk = 1, ign_set = 1;
		const char *got = drain(fd, &out, false);

		sscanf(got, "SigBlk:\t%llx\nSigIgn:\t%llx", &blk, &ign_set);
		/* signals 32 and 33 belong to the C library, which refuses to
		 * change them: whatever the test runner left there stays */
		ok(blk == 0 && (ign_set & ~0x180000000ULL) == 0,
		   "the child has an empty mask and nothing ignored (%s)",
		   got);
	}
	ms_buf_release(&out);
	close(fd);
	waitpid(pid, &status, 0);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);

	setenv("T_PROC_MODE", "stdio", 1);
	is_int(spawn_piped(argv, false, &pid, &fd, &err), 0, "spawn (stdio)");
	is_str(drain(fd, &out, false), "stdin:0 on-stderr",
	       "stdin is /dev/null, stderr follows stdout");
	ms_buf_release(&out);
	close(fd);
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	   WEXITSTATUS(status) == 0, "the child exited 0");
	setenv("T_PROC_MODE", "pause", 1);

	is_int(spawn_piped(bad, false, &pid, &fd, &err), MS_E_SYS,
	       "spawning a missing program fails in the parent");
	ok(strstr(err.msg, "/nonexistent/prog") &&
	   strstr(err.msg, "No such file"), "with the exec error: %s",
	   err.msg);
	close(fd);
	ok(waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD,
	   "the failed child was reaped");

	is_int(spawn_piped(argv, true, &pid, &fd, &err), 0, "spawn detached");
	is_str(drain(fd, &out, true), "ready\n", "the detached child runs");
	ms_buf_release(&out);
	close(fd);
	ok(waitpid(pid, &status, WNOHANG) < 0 && errno == ECHILD,
	   "a detached child is not our child");
	ok(getsid(pid) != getsid(0), "it runs in another session");
	is_int(ms_proc_is_applet(pid, "scan"), 0, "and is not a scanner");
	pidfd = ms_pidfd_open(pid, &err);
	ok(pidfd >= 0 && ms_pidfd_signal(pidfd, SIGKILL, &err) == 0 &&
	   ms_pidfd_wait(pidfd, ms_deadline(10000)) == 1,
	   "a pidfd stops a process that is not our child");
	if (pidfd >= 0)
		close(pidfd);
}

int main(void)
{
	const char *mode = getenv("T_PROC_MODE");

	if (mode)
		return child_main(mode);
	setenv("T_PROC_MODE", "pause", 1);
	t_tmpdir();
	test_identity();
	test_is_applet();
	test_pidfd();
	test_exited();
	test_spawn();
	t_rmdir();
	return done_testing();
}
