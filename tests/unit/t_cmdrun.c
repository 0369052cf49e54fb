/* Unit tests for cmdrun.c: word splitting without a shell, stdin fed to
 * a real program, exit statuses, and the process group killed at the
 * deadline. */
#include "cmdrun.h"

#include <sys/stat.h>

#include "file.h"
#include "proc.h"
#include "mstime.h"
#include "harness.h"

static char root[64] = "/tmp/t_cmdrun.XXXXXX";

static void test_split(void)
{
	struct ms_cmdrun cr;
	struct ms_err err = { 0 };

	is_int(ms_cmdrun_split(&cr, "K", "/bin/echo a  'b c' \"d \\\"e\\\" $f\" "
			       "g\\ h i'j'k", &err), 0, "split");
	is_int(cr.argc, 6, "six words");
	is_str(cr.argv[0], "/bin/echo", "word 1");
	is_str(cr.argv[1], "a", "word 2");
	is_str(cr.argv[2], "b c", "single quotes keep blanks");
	is_str(cr.argv[3], "d \"e\" $f", "double quotes: \\\" kept, $ as is");
	is_str(cr.argv[4], "g h", "backslash keeps a blank");
	is_str(cr.argv[5], "ijk", "quotes inside a word");
	ok(cr.argv[6] == NULL, "argv ends with NULL");
	is_int(ms_cmdrun_split(&cr, "K", "sh -c 'exit 3'", &err), 0,
	       "a program without '/'");
	ok(cr.argv[0][0] == '/' && strstr(cr.argv[0], "/sh"),
	   "is found on PATH");
	is_int(ms_cmdrun_split(&cr, "K", "/bin/echo 'open", &err), MS_E_INVAL,
	       "an open quote is refused");
	is_str(err.msg, "K: a quote is not closed", "and says so");
	is_int(ms_cmdrun_split(&cr, "K", "  ", &err), MS_E_INVAL,
	       "blanks only: no program");
	is_int(ms_cmdrun_split(&cr, "K", "no-such-program-here x", &err),
	       MS_E_INVAL, "a program not on PATH is refused");
	is_str(err.msg, "K: 'no-such-program-here' is not a program on PATH",
	       "and named");
	is_int(ms_cmdrun_check("K", "no-such-program-here 'x y'", &err), 0,
	       "check: words, no PATH");
	is_int(ms_cmdrun_check("K", "a \"b", &err), MS_E_INVAL,
	       "check: an open quote");
	is_int(ms_cmdrun_split(&cr, "K", "/bin/echo '' x", &err), 0,
	       "an empty quoted word");
	ok(cr.argc == 3 && !strcmp(cr.argv[1], ""), "is a word");
}

static void test_feed(void)
{
	static const char in[] = "line 1\nline 2\n";
	char cmd[512], path[256], out[MS_CMDRUN_OUT];
	struct ms_cmdrun cr;
	struct ms_err err = { 0 };
	struct ms_buf b;
	ms_msec_t t0;
	long long pid;
	int fd;

	ms_buf_init(&b, 1 << 20);
	snprintf(path, sizeof(path), "%s/in", root);
	snprintf(cmd, sizeof(cmd), "/bin/sh -c 'cat >%s; echo done; exit 0'",
		 path);
	ms_cmdrun_split(&cr, "K", cmd, &err);
	is_int(ms_cmdrun_feed(&cr, in, sizeof(in) - 1, ms_deadline(30000), out,
			      &err), 0, "exit 0");
	ok(ms_file_read(path, &b, NULL, NULL) == 0 && !strcmp(b.p, in),
	   "the program read stdin whole");
	is_str(out, "done\n", "its output is kept");
	ms_cmdrun_split(&cr, "K", "/bin/sh -c 'read x; echo \"bad $x\" >&2; "
			"exit 7'", &err);
	is_int(ms_cmdrun_feed(&cr, in, sizeof(in) - 1, ms_deadline(30000), out,
			      &err), 7, "exit status 7");
	is_str(out, "bad line 1\n", "standard error is kept too");
	ms_cmdrun_split(&cr, "K", "/bin/sh -c 'kill -TERM $$'", &err);
	is_int(ms_cmdrun_feed(&cr, "", 0, ms_deadline(30000), out, &err),
	       128 + SIGTERM, "a signal is 128 + its number");
	/* A program that reads nothing while a lot waits for it. */
	ms_buf_reset(&b);
	while (b.len < 512 * 1024)
		ms_buf_adds(&b, in);
	ms_cmdrun_split(&cr, "K", "/bin/true", &err);
	is_int(ms_cmdrun_feed(&cr, b.p, b.len, ms_deadline(30000), out, &err),
	       0, "a program that reads nothing: its exit status");
	snprintf(path, sizeof(path), "%s/pid", root);
	snprintf(cmd, sizeof(cmd), "/bin/sh -c 'sleep 300 & echo $! >%s; "
		 "wait'", path);
	ms_cmdrun_split(&cr, "K", cmd, &err);
	t0 = ms_mono_now();
	is_int(ms_cmdrun_feed(&cr, "", 0, ms_deadline(1000), out, &err),
	       MS_E_TIMEOUT, "over its deadline: MS_E_TIMEOUT");
	/* 1 s deadline, bounded at 30x for a loaded machine */
	ok(ms_mono_now() - t0 < 30000, "given up near the deadline");
	ms_buf_reset(&b);
	ok(ms_file_read(path, &b, NULL, NULL) == 0 &&
	   sscanf(b.p, "%lld", &pid) == 1 && pid > 0,
	   "the background child wrote its pid");
	fd = ms_pidfd_open((pid_t)pid, NULL);
	ok(fd < 0 || ms_pidfd_wait(fd, ms_deadline(10000)) == 1,
	   "the whole process group was killed");
	if (fd >= 0)
		close(fd);
	ms_cmdrun_split(&cr, "K", "/nonexistent/prog", &err);
	ok(ms_cmdrun_feed(&cr, "", 0, ms_deadline(30000), out, &err) != 0,
	   "a program that does not exist fails");
	ms_buf_release(&b);
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(root))
		return 1;
	test_split();
	test_feed();
	snprintf(cmd, sizeof(cmd), "%s/in", root);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/pid", root);
	unlink(cmd);
	rmdir(root);
	return done_testing();
}
