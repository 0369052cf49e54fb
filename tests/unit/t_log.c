/* Unit tests of the log: line format, levels, escaping, bounds, rotation. */
#include "log.h"
#include "harness.h"
#include "tfile.h"

#include <pthread.h>
#include <regex.h>
#include <sys/wait.h>

#include "buf.h"
#include "file.h"

static char log_path[128];

/* The whole of path ("" if absent); caller releases b. */
static const char *slurp(const char *path, struct ms_buf *b)
{
	ms_buf_init(b, 1 << 24);
	if (ms_file_read(path, b, NULL, NULL) < 0)
		ms_buf_reset(b);
	return b->p;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static bool matches(const char *s, const char *re)
{
	regex_t rx;
	bool m;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE))
		return false;
	m = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return m;
}

static void test_format(void)
{
	char re[256];
	struct ms_err err = { 0 };
	struct ms_buf b;

	is_int(ms_log_open("scan", log_path, MS_LOG_INFO, 0, 0, &err), 0,
	       "open a log file");
	ok(ms_log_fd() > 2, "ms_log_fd is the file");
	ms_log_warn("CCAP012: login failed: %s", "auth rejected");
	snprintf(re, sizeof(re), "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
		 "[0-9]{2}:[0-9]{2}\\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} "
		 "scan\\[%ld\\] warn CCAP012: login failed: auth rejected\n$",
		 (long)getpid());
	ok(matches(slurp(log_path, &b), re), "line format: %s", b.p);
	ms_buf_release(&b);
	ms_log_close();
	is_int(ms_log_fd(), 2, "after close, lines go to stderr");
	is_int(ms_log_open("x", "/nonexistent-dir/log", MS_LOG_INFO, 0, 0,
			   &err), MS_E_SYS, "an unwritable log path fails");
	ok(strstr(err.msg, "/nonexistent-dir/log") != NULL,
	   "the error names the file");
}

/* stderr is the journal when JOURNAL_STREAM names it: <N> prefixes. */
static void test_journal(void)
{
	char path[160], js[64], want[128];
	struct ms_err err = { 0 };
	struct stat st;
	struct ms_buf b;
	int fd, saved = dup(STDERR_FILENO);

	t_path(path, sizeof(path), "journal.txt");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || saved < 0 || fstat(fd, &st) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0) {
		ok(0, "redirect stderr");
		return;
	}
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", js, 1);
	ms_log_open("scan", "", MS_LOG_DEBUG, 0, 0, &err);
	ms_log_error("e");
	ms_log_warn("w");
	ms_log_debug("d");
	setenv("JOURNAL_STREAM", "1:1", 1);
	ms_log_open("scan", "", MS_LOG_DEBUG, 0, 0, &err);
	ms_log_notice("n");
	unsetenv("JOURNAL_STREAM");
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	ms_log_close();
	slurp(path, &b);
	snprintf(want, sizeof(want), "<3>scan[%ld] error e\n<4>scan[%ld] warn "
		 "w\n<7>scan[%ld] debug d\n", (long)getpid(), (long)getpid(),
		 (long)getpid());
	ok(!strncmp(b.p, want, strlen(want)),
	   "journal stream: <N> priority, no time stamp: %s", b.p);
	ok(matches(b.p + strlen(want), "^[0-9]{4}-.* scan\\[[0-9]+\\] notice "
		   "n\n$"), "another stream: the plain format");
	ms_buf_release(&b);
}

static void test_levels(void)
{
	static const char *const names[] = {
		"error", "warn", "notice", "info", "debug"
	};
	struct ms_buf b;
	size_t i;

	unlink(log_path);
	ms_log_open("lv", log_path, MS_LOG_NOTICE, 0, 0, NULL);
	ok(ms_log_enabled(MS_LOG_NOTICE), "notice enabled at notice");
	ok(!ms_log_enabled(MS_LOG_INFO), "info disabled at notice");
	for (i = 0; i < MS_ARRAY_SIZE(names); i++)
		ms_log((enum ms_log_level)i, "level %s", names[i]);
	slurp(log_path, &b);
	is_int(count_lines(b.p), 3, "error, warn, notice written; info, "
	       "debug not");
	ok(strstr(b.p, "] notice level notice\n") &&
	   strstr(b.p, "] error level error\n") &&
	   !strstr(b.p, "level info"), "level names in the lines");
	ms_buf_release(&b);
	ms_log_set_level(MS_LOG_DEBUG);
	ms_log_debug("now debug");
	ok(strstr(slurp(log_path, &b), "] debug now debug\n") != NULL,
	   "set_level debug lets debug through");
	ms_buf_release(&b);
	ms_log_close();
}

static void test_escaping(void)
{
	char big[10000];
	struct ms_buf b;
	const char *line;

	unlink(log_path);
	ms_log_open("esc", log_path, MS_LOG_DEBUG, 0, 0, NULL);
	ms_log_info("a\nfake 2025-01-01T00:00:00.000+00:00 scan[1] error x"
		    "\rb\x01\x1b[31m\x7f\tc\\d");
	line = strstr(slurp(log_path, &b), "] info ");
	is_str(line, "] info a\\nfake 2025-01-01T00:00:00.000+00:00 scan[1] "
	       "error x\\rb\\x01\\x1b[31m\\x7f\tc\\d\n",
	       "control characters are escaped, tab kept");
	is_int(count_lines(b.p), 1, "a newline in a message cannot split "
	       "the line");
	ms_buf_release(&b);

	unlink(log_path);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ms_log_info("%s", big);
	slurp(log_path, &b);
	is_int(b.len, 4096, "a long line is cut at 4 KiB");
	ok(b.len > 4 && !memcmp(b.p + b.len - 4, "...\n", 4),
	   "a cut line ends in '...'");
	ms_buf_release(&b);

	unlink(log_path);
	memset(big, '\n', 3000);
	big[3000] = '\0';
	ms_log_info("%s", big);
	slurp(log_path, &b);
	ok(b.len <= 4096 && count_lines(b.p) == 1,
	   "escaping expansion is bounded too (%zu bytes)", b.len);
	ms_buf_release(&b);
	ms_log_close();
}

static void test_rotation(void)
{
	char p1[160], p2[160], p3[160];
	struct stat st;
	struct ms_buf b;
	int i;

	unlink(log_path);
	snprintf(p1, sizeof(p1), "%s.1", log_path);
	snprintf(p2, sizeof(p2), "%s.2", log_path);
	snprintf(p3, sizeof(p3), "%s.3", log_path);
	ms_log_open("rot", log_path, MS_LOG_INFO, 1000, 2, NULL);
	for (i = 0; i < 100; i++)
		ms_log_info("line %03d %s", i, "padding padding padding");
	ok(stat(log_path, &st) == 0 && st.st_size <= 1000,
	   "the current file stays within LOG_MAX (%lld)",
	   (long long)st.st_size);
	ok(stat(p1, &st) == 0 && st.st_size <= 1000, "path.1 exists, bounded");
	ok(stat(p2, &st) == 0 && st.st_size <= 1000, "path.2 exists, bounded");
	ok(stat(p3, &st) < 0, "no path.3 with keep 2");
	ok(strstr(slurp(log_path, &b), "line 099 ") != NULL,
	   "the newest line is in the current file");
	ms_buf_release(&b);
	ok(strstr(slurp(p2, &b), "line 0") && !strstr(b.p, "line 099"),
	   "older lines were shifted to path.2");
	ms_buf_release(&b);

	/* another process rotated: we follow the path, not the old inode */
	rename(log_path, p1);
	ms_log_info("after foreign rotation");
	ok(strstr(slurp(log_path, &b), "after foreign rotation") != NULL,
	   "a rotation by another process is noticed and the file reopened");
	ms_buf_release(&b);
	ms_log_close();

	unlink(log_path);
	ms_log_open("rot0", log_path, MS_LOG_INFO, 500, 0, NULL);
	for (i = 0; i < 50; i++)
		ms_log_info("keep zero %03d", i);
	ok(stat(log_path, &st) == 0 && st.st_size <= 500 &&
	   stat(p1, &st) == 0, "keep 0 starts the file afresh within its bound");
	ms_log_close();
}

/* Every line of path and its rotated files that matches re; *total all. */
static size_t count_matching(const char *path, unsigned keep, const char *re,
			     size_t *total)
{
	char name[200], line[256];
	const char *p, *nl;
	struct ms_buf b;
	size_t good = 0;
	unsigned k;

	*total = 0;
	for (k = 0; k <= keep; k++) {
		if (k)
			snprintf(name, sizeof(name), "%s.%u", path, k);
		else
			snprintf(name, sizeof(name), "%s", path);
		slurp(name, &b);
		for (p = b.p; (nl = strchr(p, '\n')); p = nl + 1) {
			(*total)++;
			snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
			good += matches(line, re);
		}
		ms_buf_release(&b);
	}
	return good;
}

static void *thread_writer(void *arg)
{
	int i, id = (int)(intptr_t)arg;

	for (i = 0; i < 250; i++)
		ms_log_info("thread %d line %03d end", id, i);
	return NULL;
}

/* Several threads logging through rotations: no line lost or torn. */
static void test_threads(void)
{
	char path[160];
	pthread_t th[4];
	size_t total, good;
	int k;

	t_path(path, sizeof(path), "th.log");
	ms_log_open("th", path, MS_LOG_INFO, 3000, 100, NULL);
	for (k = 0; k < 4; k++)
		pthread_create(&th[k], NULL, thread_writer, (void *)(intptr_t)k);
	for (k = 0; k < 4; k++)
		pthread_join(th[k], NULL);
	ms_log_close();
	good = count_matching(path, 100, "^[^ ]+ th\\[[0-9]+\\] info thread "
			      "[0-3] line [0-9]{3} end$", &total);
	is_int(total, 1000, "every line of four threads is kept");
	is_int(good, 1000, "no thread's line is torn");
}

/* Several processes rotating one file: no line lost or torn. */
static void test_multiprocess(void)
{
	char path[160], re[160];
	size_t total, good;
	int i, k, status, ok_children = 0;
	pid_t kids[3];

	t_path(path, sizeof(path), "mp.log");
	for (k = 0; k < 3; k++) {
		if ((kids[k] = fork()) == 0) {
			ms_log_open("mp", path, MS_LOG_INFO, 4000, 200, NULL);
			for (i = 0; i < 300; i++)
				ms_log_info("child %d line %03d end", k, i);
			ms_log_close();
			_exit(0);
		}
	}
	for (k = 0; k < 3; k++)
		if (waitpid(kids[k], &status, 0) == kids[k] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok_children++;
	is_int(ok_children, 3, "three writer processes finished");
	snprintf(re, sizeof(re), "^[^ ]+ mp\\[[0-9]+\\] info child [0-2] "
		 "line [0-9]{3} end$");
	good = count_matching(path, 200, re, &total);
	is_int(total, 900, "every line of three rotating writers is kept");
	is_int(good, 900, "no line is torn or interleaved");
}

int main(void)
{
	t_tmpdir();
	t_path(log_path, sizeof(log_path), "test.log");
	test_format();
	test_journal();
	test_levels();
	test_escaping();
	test_rotation();
	test_threads();
	test_multiprocess();
	t_rmdir();
	return done_testing();
}
