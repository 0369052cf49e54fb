/* Unit tests of the health verdict (a table of facts) and of the probe and
 * identity check against real processes. */
#include "health.h"
#include "harness.h"
#include "tfile.h"

#include <poll.h>
#include <sys/wait.h>

#include "lock.h"
#include "proc.h"
#include "mstime.h"

enum { NOW = 1700000000000LL, AGE = 300000 };

static void test_judge(void)
{
	static const struct {
		const char *name;
		bool have; int alive, is_applet; uint64_t st_t, t;
		int lock; pid_t lock_pid; int64_t hb; enum ms_state state;
		enum ms_health_verdict want; const char *reason;
	} t[] = {
		{ "no status file", false, 0, 0, 0, 0, 0, 0, 0, 0,
		  MS_HEALTH_NONE, "no status file (gone)" },
		{ "no status, lock held", false, 0, 0, 0, 0, 1, 77, 0, 0,
		  MS_HEALTH_NONE, "but pid 77 holds the lock" },
		{ "healthy", true, 1, 1, 5, 5, 1, 42, NOW - 3000,
		  MS_STATE_IDLE, MS_HEALTH_OK, "pid 42 is idle, heartbeat 3 s ago" },
		{ "healthy, no start time recorded", true, 1, 1, 0, 5, 1, 42,
		  NOW, MS_STATE_SCANNING, MS_HEALTH_OK, "scanning" },
		{ "hung", true, 1, 1, 5, 5, 1, 42, NOW - AGE - 1000,
		  MS_STATE_SCANNING, MS_HEALTH_HUNG, "heartbeat is 301 s old" },
		{ "at the limit is still ok", true, 1, 1, 5, 5, 1, 42, NOW - AGE,
		  MS_STATE_IDLE, MS_HEALTH_OK, "heartbeat 300 s ago" },
		{ "dead", true, 0, 0, 5, 0, 0, 0, NOW - 5000, MS_STATE_IDLE,
		  MS_HEALTH_DEAD, "pid 42 is gone (last state idle" },
		{ "stopped cleanly", true, 0, 0, 5, 0, 0, 0, NOW - 5000,
		  MS_STATE_STOPPED, MS_HEALTH_STOPPED, "exited cleanly" },
		{ "recycled pid: another program", true, 1, 0, 5, 9, 0, 0, NOW,
		  MS_STATE_IDLE, MS_HEALTH_STALE, "another program" },
		{ "recycled pid: a later scanner", true, 1, 1, 5, 9, 1, 42, NOW,
		  MS_STATE_IDLE, MS_HEALTH_STALE, "start time differs" },
		{ "someone else holds the lock", true, 1, 1, 5, 5, 1, 43, NOW,
		  MS_STATE_IDLE, MS_HEALTH_STALE, "pid 43 holds the lock" },
	};
	static struct ms_health_facts f;
	struct ms_health h;
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++) {
		memset(&f, 0, sizeof(f));
		f.have_status = t[i].have;
		snprintf(f.status_error, sizeof(f.status_error), "gone");
		f.st.pid = 42;
		f.st.proc_starttime = t[i].st_t;
		f.st.heartbeat = t[i].hb;
		f.st.state = t[i].state;
		f.alive = t[i].alive;
		f.is_applet = t[i].is_applet;
		f.starttime = t[i].t;
		f.lock_held = t[i].lock;
		f.lock_pid = t[i].lock_pid;
		f.now = NOW;
		ms_health_judge(&f, AGE, &h);
		if (!ok(h.verdict == t[i].want && strstr(h.reason, t[i].reason),
			"%s: %s", t[i].name, ms_health_name(t[i].want)))
			printf("#   got %s: %s\n", ms_health_name(h.verdict),
			       h.reason);
	}
	is_str(ms_health_name(MS_HEALTH__COUNT), "?", "name out of range");
}

static pid_t spawn(char *const *argv)
{
	struct ms_spawn sp = { .argv = argv, .stdin_fd = -1, .stdout_fd = -1,
			       .stderr_fd = -1 };
	pid_t pid = 0;

	if (ms_proc_spawn(&sp, &pid, NULL) < 0)
		return -1;
	return pid;
}

static void reap(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static void test_probe(void)
{
	char *sleep_av[] = { "/bin/sleep", "30", NULL };
	char spath[PATH_MAX], lpath[PATH_MAX], script[PATH_MAX];
	static struct ms_health_facts f;
	static struct ms_status st;
	struct ms_health h;
	struct ms_err err = { 0 };
	pid_t stranger, fake;
	int fd;

	t_tmpdir();
	t_path(spath, sizeof(spath), "status.json");
	t_path(lpath, sizeof(lpath), "scan.pid");
	t_path(script, sizeof(script), "scan");

	ms_health_probe(spath, lpath, "scan", &f);
	ms_health_judge(&f, AGE, &h);
	ok(h.verdict == MS_HEALTH_NONE && strstr(h.reason, "status.json"),
	   "probe: no files: none, naming the file");

	/* A status file naming a live process that is not a scanner. */
	stranger = spawn(sleep_av);
	ms_status_init(&st, "scan");
	st.pid = stranger;
	/* The scanner that wrote it started before the stranger: this test's
	 * own start time may fall in the stranger's clock tick. */
	if (ms_proc_starttime(stranger, &st.proc_starttime, NULL) < 0 ||
	    st.proc_starttime < 2)
		st.proc_starttime = 2;
	st.proc_starttime--;
	ok(ms_status_write(&st, spath, NULL) == 0, "write a status file");
	ms_health_probe(spath, lpath, "scan", &f);
	ms_health_judge(&f, AGE, &h);
	ok(f.alive && !f.is_applet && h.verdict == MS_HEALTH_STALE,
	   "probe: a live sleep is stale, not the scanner");
	fd = ms_health_pidfd(stranger, "scan", 0, &err);
	ok(fd == MS_E_NOENT && strstr(err.msg, "is not the scan process"),
	   "no pidfd for a stranger: it cannot be signalled");
	ok(kill(stranger, 0) == 0, "the stranger is untouched");
	reap(stranger);
	ms_health_probe(spath, lpath, "scan", &f);
	ms_health_judge(&f, AGE, &h);
	is_int(h.verdict, MS_HEALTH_DEAD, "probe: after it died: dead");

	/* A process whose cmdline is "modscan scan" (sh runs ./scan). */
	t_write(script, "sleep 30\nexit 0\n", 0644);
	if (chdir(t_dir) < 0)
		return;
	/* argv[0] "modscan" while executing /bin/sh */
	if ((fake = fork()) == 0) {
		execl("/bin/sh", "modscan", "scan", (char *)NULL);
		_exit(127);
	}
	{
		ms_msec_t end = ms_deadline(3000);

		while (ms_proc_is_applet(fake, "scan") != 1 && ms_left(end))
			poll(NULL, 0, 10);
	}
	st.pid = fake;
	ms_proc_starttime(fake, &st.proc_starttime, NULL);
	st.heartbeat = ms_wall_now();
	ms_status_write(&st, spath, NULL);
	ms_health_probe(spath, lpath, "scan", &f);
	ms_health_judge(&f, AGE, &h);
	ok(f.is_applet && h.verdict == MS_HEALTH_OK,
	   "probe: 'modscan scan' with the recorded start time: ok (%s)",
	   h.reason);
	fd = ms_health_pidfd(fake, "scan", st.proc_starttime, &err);
	ok(fd >= 0, "pidfd for the scanner");
	if (fd >= 0)
		close(fd);
	fd = ms_health_pidfd(fake, "scan", st.proc_starttime + 1, &err);
	ok(fd == MS_E_NOENT, "a different start time: no pidfd");
	reap(fake);
	t_rmdir();
}

int main(void)
{
	test_judge();
	test_probe();
	return done_testing();
}
