/* Unit tests for alert.c: queue files, the rate limit across calls and
 * processes, and the flush against a minimal SMTP server in a thread. */
#include "alert.h"

#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "file.h"
#include "mstime.h"
#include "harness.h"

static char root[64] = "/tmp/t_alert.XXXXXX";
static char qdir[128];

/* A just-enough SMTP server: one client at a time, no TLS. */
struct fake {
	int lfd, port;
	bool fail_data;
	int n;
	char subjects[16][128];
};

static void fake_session(struct fake *f, FILE *io)
{
	char line[1024];
	bool data = false;

	fputs("220 fake ESMTP\r\n", io);
	while (fflush(io) == 0 && fgets(line, sizeof(line), io)) {
		if (data) {
			if (!strncmp(line, "Subject: ", 9) && f->n < 16)
				snprintf(f->subjects[f->n], 128, "%.*s",
					 (int)strcspn(line + 9, "\r"), line + 9);
			if (strcmp(line, ".\r\n"))
				continue;
			data = false;
			fputs(f->fail_data ? "451 try later\r\n" :
			      "250 queued\r\n", io);
			f->n += !f->fail_data;
		} else if (!strncmp(line, "EHLO", 4)) {
			fputs("250-fake\r\n250 8BITMIME\r\n", io);
		} else if (!strncmp(line, "DATA", 4)) {
			fputs("354 go on\r\n", io);
			data = true;
		} else if (!strncmp(line, "QUIT", 4)) {
			fputs("221 bye\r\n", io);
			break;
		} else {
			fputs("250 ok\r\n", io);
		}
	}
}

static void *fake_run(void *arg)
{
	struct fake *f = arg;
	FILE *io;
	int fd;

	while ((fd = accept(f->lfd, NULL, NULL)) >= 0) {
		if (!(io = fdopen(fd, "r+"))) {
			close(fd);
			continue;
		}
		fake_session(f, io);
		fclose(io);
	}
	return NULL;
}

static int fake_start(struct fake *f, pthread_t *th)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);

	memset(f, 0, sizeof(*f));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(f->lfd, 8) < 0 ||
	    getsockname(f->lfd, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	f->port = ntohs(sa.sin_port);
	return pthread_create(th, NULL, fake_run, f) ? -1 : 0;
}

static void fake_stop(struct fake *f, pthread_t th)
{
	shutdown(f->lfd, SHUT_RDWR);
	pthread_join(th, NULL);
	close(f->lfd);
}

/* Files in dir whose name ends with sfx. */
static int count(const char *dir, const char *sfx)
{
	struct dirent *de;
	size_t n, k = strlen(sfx);
	int c = 0;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		n = strlen(de->d_name);
		c += de->d_name[0] != '.' && n > k &&
		     !strcmp(de->d_name + n - k, sfx);
	}
	if (d)
		closedir(d);
	return c;
}

/* The content of the only (or first, by name) queued alert of kind. */
static bool alert_has(const char *kind, const char *text)
{
	char path[PATH_MAX], best[256] = "";
	struct dirent *de;
	struct ms_buf b;
	bool found;
	DIR *d = opendir(qdir);

	while (d && (de = readdir(d)))
		if (strstr(de->d_name, kind) && strstr(de->d_name, ".alert") &&
		    (!*best || strcmp(de->d_name, best) > 0))
			snprintf(best, sizeof(best), "%s", de->d_name);
	if (d)
		closedir(d);
	snprintf(path, sizeof(path), "%s/%s", qdir, best);
	ms_buf_init(&b, 1 << 20);
	found = ms_file_read(path, &b, NULL, NULL) == 0 && strstr(b.p, text);
	ms_buf_release(&b);
	return found;
}

static void age_state(const char *kind, long long held)
{
	char path[PATH_MAX], line[64];
	int n;

	snprintf(path, sizeof(path), "%s/.rate-%s", qdir, kind);
	n = snprintf(line, sizeof(line), "%lld %lld\n",
		     (long long)(ms_wall_now() - 3601 * 1000), held);
	ms_file_replace(path, line, (size_t)n, 0600, NULL);
}

static void test_conf(void)
{
	struct ms_alert_conf ac;
	struct ms_conf c;

	ms_conf_init(&c);
	ms_conf_set(&c, MS_CONF_RUN_DIR, "/var/lib/x", NULL);
	is_int(ms_alert_conf_from(&ac, &c, NULL), 0, "alert conf");
	is_str(ac.dir, "/var/lib/x/alerts", "queue below RUN_DIR");
	is_int(ac.interval_ms, 3600 * 1000, "ALERT_INTERVAL default 1 h");
	is_int(ac.enabled, false, "no SMTP_HOST: disabled");
	ms_conf_set(&c, MS_CONF_SMTP_HOST, "mail.example.net", NULL);
	ms_alert_conf_from(&ac, &c, NULL);
	is_int(ac.enabled, true, "SMTP_HOST set: enabled");
	ms_conf_release(&c);
}

static void test_queue(struct ms_alert_conf *ac)
{
	struct ms_err err = { 0 };
	struct stat st;
	pid_t pid;
	int status;

	ac->enabled = ac->mail = false;
	is_int(ms_alert_queue(ac, "restart", "s", "b", &err), MS_ALERT_OFF,
	       "disabled: nothing queued");
	ok(stat(qdir, &st) < 0, "disabled: no queue directory made");
	ac->enabled = ac->mail = true;
	is_int(ms_alert_queue(ac, "restart", "scanner restarted", "pid 42\n",
			      &err), MS_ALERT_QUEUED, "first restart queued");
	ok(stat(qdir, &st) == 0 && (st.st_mode & 0777) == 0700,
	   "queue directory is 0700");
	is_int(count(qdir, ".alert"), 1, "one alert file");
	is_int(count(qdir, ".tmp"), 0, "no temp file left (atomic write)");
	ok(alert_has("restart", "subject: scanner restarted\n"),
	   "the file holds the subject");
	is_int(ms_alert_queue(ac, "restart", "again", "b", &err),
	       MS_ALERT_LIMITED, "second restart within the interval: held");
	is_int(ms_alert_queue(ac, "giveup", "gave up", "b", &err),
	       MS_ALERT_QUEUED, "another kind is not limited");
	pid = fork();
	if (pid == 0)
		_exit(ms_alert_queue(ac, "restart", "child", "b", NULL));
	waitpid(pid, &status, 0);
	is_int(WIFEXITED(status) ? WEXITSTATUS(status) : -1, MS_ALERT_LIMITED,
	       "another process respects the limit");
	is_int(ms_alert_pending(qdir, &err), 2, "two alerts pending");
	age_state("restart", 2);
	is_int(ms_alert_queue(ac, "restart", "third", "body\n", &err),
	       MS_ALERT_QUEUED, "after the interval it goes out again");
	ok(alert_has("restart", "(2 more 'restart' alerts were held back"),
	   "and says how many were held back");
	is_int(ms_alert_queue(ac, "Bad Kind", "s", "b", &err), MS_E_INVAL,
	       "a bad kind is refused");
	ac->interval_ms = 0;
	is_int(ms_alert_queue(ac, "recovery", "a", "b", &err), MS_ALERT_QUEUED,
	       "interval 0: first");
	is_int(ms_alert_queue(ac, "recovery", "b", "b", &err), MS_ALERT_QUEUED,
	       "interval 0: no limit");
	is_int(ms_alert_pending(qdir, &err), 5, "five alerts pending");
}

static void test_flush(struct ms_alert_conf *ac)
{
	struct ms_smtp_conf sc = {
		.host = "127.0.0.1", .tls = MS_SMTP_TLS_NONE,
		.timeout_ms = 5000, .from = "m@example.net",
		.to = { "ops@example.net" }, .nto = 1,
	};
	struct ms_err err = { 0 };
	char bad[PATH_MAX];
	struct fake f;
	pthread_t th;
	int fd, lock;

	if (fake_start(&f, &th) < 0) {
		ok(0, "fake SMTP server started");
		return;
	}
	sc.port = f.port;
	f.fail_data = true;
	ok(ms_alert_flush(&sc, qdir, ms_deadline(5000), &err) < 0 &&
	   strstr(err.msg, "451 try later"), "refused message: flush fails");
	is_int(ms_alert_pending(qdir, NULL), 5, "and keeps every alert");
	is_int(ms_alert_flush(&sc, qdir, ms_mono_now() - 1, &err),
	       MS_E_TIMEOUT, "a past deadline sends nothing");
	snprintf(bad, sizeof(bad), "%s/.flush", qdir);
	lock = open(bad, O_RDWR | O_CLOEXEC);
	flock(lock, LOCK_EX);
	is_int(ms_alert_flush(&sc, qdir, ms_deadline(5000), &err), MS_E_BUSY,
	       "a second flush at once is refused");
	close(lock);
	snprintf(bad, sizeof(bad), "%s/0000000000000-1-0-junk.alert", qdir);
	fd = open(bad, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	close(fd);
	f.fail_data = false;
	is_int(ms_alert_flush(&sc, qdir, ms_deadline(5000), &err), 5,
	       "flush sends the five alerts");
	is_int(ms_alert_pending(qdir, NULL), 0, "and removes them");
	is_int(count(qdir, ".bad"), 1, "the damaged file is set aside");
	is_str(f.subjects[0], "scanner restarted", "oldest first");
	is_str(f.subjects[4], "b", "newest last");
	fake_stop(&f, th);
	ac->interval_ms = 0;
	ms_alert_queue(ac, "restart", "s", "b", NULL);
	is_int(ms_alert_flush(&sc, qdir, ms_deadline(5000), &err), MS_E_CONN,
	       "server gone: connection refused");
	is_int(ms_alert_pending(qdir, NULL), 1, "and the alert stays queued");
}

/* The whole content of the only file in dir (empty when not one file). */
static void only_file(const char *dir, struct ms_buf *b)
{
	char path[PATH_MAX + 512], name[256] = "";
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && ++n == 1)
			snprintf(name, sizeof(name), "%s", de->d_name);
	if (d)
		closedir(d);
	ms_buf_reset(b);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n == 1)
		ms_file_read(path, b, NULL, NULL);
}

static void test_events(void)
{
	static const char want[] =
		"modscan-events 1\n"
		"E\tupstream_below_qam64\tCCAP004\t5/3/1\tFN-0412\tQPSK\t"
		"1764609600\t1764610800\t20\n"
		"E\tdevice_failing\tCCAP?1\t\t\t\t-1\t0\t3\n";
	struct ms_alert_conf ac = { .interval_ms = 0, .enabled = true };
	struct ms_alert_event ev[2] = {
		{ MS_EV_UPSTREAM_BELOW, "CCAP004", "5/3/1", "FN-0412", "QPSK",
		  1764609600, 1764610800, 20 },
		{ MS_EV_DEVICE_FAILING, "CCAP\t1", "", "", "", -1, 0, 3 },
	};
	char dir[256], sub[512], stage[512];
	struct ms_err err = { 0 };
	struct ms_alert_event big;
	struct stat a, c;
	struct ms_buf b;
	int fd;

	ms_buf_init(&b, 1 << 20);
	snprintf(dir, sizeof(dir), "%s/ev", root);
	snprintf(ac.dir, sizeof(ac.dir), "%s", dir);
	ac.enabled = false;
	is_int(ms_alert_events(&ac, ev, 2, &err), MS_ALERT_OFF,
	       "events: no mail, no command: nothing queued");
	ac.enabled = ac.mail = true;
	ev[0].kind[0] = 'X';
	is_int(ms_alert_events(&ac, ev, 2, &err), MS_E_INVAL,
	       "events: a bad kind is refused");
	ok(strstr(err.msg, "plant event 1: bad kind") != NULL,
	   "events: the message names the event");
	ev[0].kind[0] = 'u';
	big = ev[0];
	memset(big.device, 'x', sizeof(big.device));
	is_int(ms_alert_events(&ac, &big, 1, &err), MS_E_INVAL,
	       "events: a device name without its end is refused");
	is_int(ms_alert_pending(dir, NULL), 0, "events: nothing queued");
	is_int(ms_alert_events(&ac, ev, 0, &err), MS_ALERT_QUEUED,
	       "events: none is fine");
	is_int(ms_alert_events(&ac, ev, 2, &err), MS_ALERT_QUEUED,
	       "events: mail only: queued");
	snprintf(sub, sizeof(sub), "%s/mail", dir);
	only_file(sub, &b);
	is_str(b.p ? b.p : "", want, "events: one file, the lines as written");
	snprintf(sub, sizeof(sub), "%s/cmd", dir);
	is_int(count(sub, ".ev"), 0, "events: no command: none for it");
	snprintf(stage, sizeof(stage), "%s/new", dir);
	is_int(count(stage, ".ev") + count(stage, ".tmp"), 0,
	       "events: nothing left staged");
	snprintf(ac.command, sizeof(ac.command), "/bin/true");
	is_int(ms_alert_events(&ac, ev, 1, &err), MS_ALERT_QUEUED,
	       "events: mail and command: queued");
	is_int(count(sub, ".ev"), 1, "events: one file for the command");
	snprintf(sub, sizeof(sub), "%s/mail", dir);
	is_int(count(sub, ".ev"), 2, "events: and a second for the mail");
	ok(stat(sub, &a) == 0 && (a.st_mode & 0777) == 0700,
	   "events: their directory is 0700");
	is_int(ms_alert_pending(dir, NULL), 3, "events: three deliveries wait");
	/* A crash between staging and fan-out: the next fan-out does it. */
	snprintf(stage, sizeof(stage), "%s/new/0000000000001-1-0-plant.ev",
		 dir);
	fd = open(stage, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ok(fd >= 0 && write(fd, want, sizeof(want) - 1) ==
	   (ssize_t)sizeof(want) - 1, "events: a staged file left over");
	close(fd);
	ac.mail = false;
	is_int(ms_alert_events(&ac, ev, 1, &err), MS_ALERT_QUEUED,
	       "events: command only: queued");
	snprintf(sub, sizeof(sub), "%s/cmd/0000000000001-1-0-plant.ev", dir);
	ok(stat(sub, &c) == 0 && c.st_nlink == 1, "events: the left-over "
	   "staged file reached the command (and left the stage)");
	is_int(count(dir, ".alert"), 0, "events: no process alert made");
	ms_buf_release(&b);
}

static void test_events_full(void)
{
	struct ms_alert_conf ac = { .enabled = true, .mail = true };
	struct ms_alert_event *ev;
	struct ms_err err = { 0 };
	char sub[PATH_MAX + 16], path[PATH_MAX + 64];
	size_t i, n = MS_ALERT_BATCH_MAX + 1;

	snprintf(ac.dir, sizeof(ac.dir), "%s/full", root);
	if (!(ev = calloc(n, sizeof(*ev))))
		return;
	for (i = 0; i < n; i++) {
		snprintf(ev[i].kind, sizeof(ev[i].kind), MS_EV_DEVICE_FAILING);
		snprintf(ev[i].device, sizeof(ev[i].device), "D%zu", i);
	}
	is_int(ms_alert_events(&ac, ev, n, &err), MS_ALERT_QUEUED,
	       "events: one more than a file holds");
	snprintf(sub, sizeof(sub), "%s/mail", ac.dir);
	is_int(count(sub, ".ev"), 2, "events: are two files");
	/* Files made by hand up to one below the bound: fsync-free. */
	for (i = 3; i < MS_ALERT_BATCHES_MAX; i++) {
		snprintf(path, sizeof(path), "%s/0000000000000-1-%zu-x.ev",
			 sub, i);
		close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	}
	is_int(ms_alert_events(&ac, ev, 1, &err), MS_ALERT_QUEUED,
	       "events: queued up to the bound");
	is_int(ms_alert_events(&ac, ev, 1, &err), MS_E_FULL,
	       "events: past the bound: MS_E_FULL");
	ok(strstr(err.msg, "not adding 1 events") != NULL,
	   "events: and says what it refused");
	free(ev);
}

static void rm_tree(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) < 0)
			rm_tree(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int main(void)
{
	struct ms_alert_conf ac = { .interval_ms = 3600 * 1000 };

	if (!mkdtemp(root))
		return 1;
	snprintf(qdir, sizeof(qdir), "%s/alerts", root);
	snprintf(ac.dir, sizeof(ac.dir), "%s", qdir);
	test_conf();
	test_queue(&ac);
	test_flush(&ac);
	test_events();
	test_events_full();
	rm_tree(root);
	return done_testing();
}
