/*
 * Unit tests for the delivery side of alerts (alertsend.c, alertcmd.c)
 * through ALERT_COMMAND, and a tool for the integration tests
 * (t3600-t3640), which drive the mail side against a real SMTP server:
 *   t_alertsend --config FILE --queue      events from stdin, one a line:
 *                                          KIND DEVICE UPSTREAM NODE MOD
 *                                          SINCE AT VALUE ("-" for "")
 *   t_alertsend --config FILE --many N     N upstream_below_qam64 events
 *   t_alertsend --config FILE --process KIND SUBJECT
 * The queue is then delivered by the real binary (watchdog
 * --flush-alerts, scan --once).
 */
#include "alert.h"

#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>

#include "alertq.h"
#include "file.h"
#include "mstime.h"
#include "harness.h"

static char root[64] = "/tmp/t_alertsend.XXXXXX";

static const struct ms_alert_event sample[] = {
	{ MS_EV_UPSTREAM_BELOW, "CCAP004", "5/3/1", "FN-0412", "QPSK",
	  1764609600, 1764610800, 20 },
	{ MS_EV_DEVICE_RECOVERED, "CCAP010", "", "", "", 1764609600,
	  1764612000, 3 },
};

static int files_in(const char *dir)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void test_command(void)
{
	struct ms_alert_conf ac = { .enabled = true,
				    .command_timeout_ms = 30000 };
	struct ms_alert_result res;
	char out[128], cmdq[PATH_MAX + 8];
	struct ms_buf b;

	ms_buf_init(&b, 1 << 20);
	snprintf(ac.dir, sizeof(ac.dir), "%s/alerts", root);
	snprintf(out, sizeof(out), "%s/out", root);
	snprintf(cmdq, sizeof(cmdq), "%s/cmd", ac.dir);
	snprintf(ac.command, sizeof(ac.command), "/bin/sh -c 'cat >>%s; "
		 "exit 1'", out);
	ok(!ms_alert_due(&ac), "nothing queued: nothing due");
	is_int(ms_alert_events(&ac, sample, 2, NULL), MS_ALERT_QUEUED,
	       "command only: events queued");
	is_int(ms_alert_queue(&ac, "restart", "scanner restarted", "pid 1\n",
			      NULL), MS_ALERT_QUEUED, "and a process alert");
	ok(ms_alert_due(&ac), "queued for the command: due");
	ok(ms_alert_deliver(&ac, NULL, ms_deadline(30000), &res) < 0 &&
	   res.command_r == MS_E_PROTO &&
	   !strcmp(res.command_err.msg, "ALERT_COMMAND: exit status 1"),
	   "exit 1: a failure, named");
	is_int(files_in(cmdq), 2, "exit 1: both files kept");
	ok(ms_file_read(out, &b, NULL, NULL) == 0 &&
	   !strncmp(b.p, "{\"kind\":\"upstream_below_qam64\",", 31) &&
	   strstr(b.p, "}\n{\"kind\":\"device_recovered\",") &&
	   strstr(b.p, "}\n{\"kind\":\"restart\",") &&
	   b.p[b.len - 1] == '\n', "three JSON lines, oldest first");
	snprintf(ac.command, sizeof(ac.command), "/bin/sh -c 'cat >%s'", out);
	is_int(ms_alert_deliver(&ac, NULL, ms_deadline(30000), &res), 0,
	       "exit 0: delivered");
	ok(res.command_runs == 1 && res.command_lines == 3 && !res.mails &&
	   !res.digests, "one run took three lines, no mail");
	is_int(files_in(cmdq), 0, "the queue is empty");
	ok(!ms_alert_due(&ac), "delivered: nothing due");
	is_int(ms_alert_deliver(&ac, NULL, ms_deadline(30000), &res), 0,
	       "nothing queued: fine");
	is_int(res.command_runs, 0, "and the command is not run");
	ms_buf_reset(&b);
	ok(ms_file_read(out, &b, NULL, NULL) == 0 &&
	   strstr(b.p, "\"subject\":\"scanner restarted\",\"text\":\"pid 1\\n"),
	   "the process alert's line has its subject and text");
	ms_buf_release(&b);
}

/* Plant events for the mail are due when the digest is. */
static void test_due(void)
{
	struct ms_alert_conf ac = { .enabled = true, .mail = true,
				    .interval_ms = 3600 * 1000 };
	char state[PATH_MAX + 16], line[64];
	int n;

	snprintf(ac.dir, sizeof(ac.dir), "%s/due", root);
	ms_alert_events(&ac, sample, 1, NULL);
	ok(ms_alert_due(&ac), "events, no digest yet: due");
	snprintf(state, sizeof(state), "%s/.rate-digest", ac.dir);
	n = snprintf(line, sizeof(line), "%lld 0\n", (long long)ms_wall_now());
	ms_file_replace(state, line, (size_t)n, 0600, NULL);
	ok(!ms_alert_due(&ac), "a digest went out just now: not due");
	ac.interval_ms = 0;
	ok(ms_alert_due(&ac), "ALERT_INTERVAL 0: due");
}

/* A file whose fan-out is under way is left for the next delivery. */
static void test_drop_staged(void)
{
	struct ms_alertq_list l;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/q", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/q/new", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/q/new/2-1-0-plant.ev", root);
	close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	l.n = 3;
	l.name = calloc(3, MS_ALERTQ_NAME);
	snprintf(l.name[0], MS_ALERTQ_NAME, "1-1-0-plant.ev");
	snprintf(l.name[1], MS_ALERTQ_NAME, "2-1-0-plant.ev");
	snprintf(l.name[2], MS_ALERTQ_NAME, "3-1-0-x.alert");
	snprintf(path, sizeof(path), "%s/q", root);
	ms_alertq_drop_staged(path, &l);
	ok(l.n == 2 && !strcmp(l.name[0], "1-1-0-plant.ev") &&
	   !strcmp(l.name[1], "3-1-0-x.alert"), "a name still staged is "
	   "dropped from the list");
	ms_alertq_list_release(&l);
}

/* "-" is an empty field. */
static void field(char *out, size_t size, const char *v)
{
	snprintf(out, size, "%s", strcmp(v, "-") ? v : "");
}

static int read_events(struct ms_alert_event **ev, size_t *n)
{
	char k[64], d[128], u[64], no[128], m[32], line[1024];
	long long s, a, v;

	*n = 0;
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "%63s %127s %63s %127s %31s %lld %lld %lld",
			   k, d, u, no, m, &s, &a, &v) != 8)
			return -1;
		if (!(*ev = realloc(*ev, (*n + 1) * sizeof(**ev))))
			return -1;
		memset(&(*ev)[*n], 0, sizeof(**ev));
		field((*ev)[*n].kind, sizeof((*ev)[*n].kind), k);
		field((*ev)[*n].device, sizeof((*ev)[*n].device), d);
		field((*ev)[*n].upstream, sizeof((*ev)[*n].upstream), u);
		field((*ev)[*n].node, sizeof((*ev)[*n].node), no);
		field((*ev)[*n].modulation, sizeof((*ev)[*n].modulation), m);
		(*ev)[*n].since = s;
		(*ev)[*n].at = a;
		(*ev)[(*n)++].value = v;
	}
	return 0;
}

static int many(struct ms_alert_event **ev, size_t n)
{
	size_t i;

	if (!(*ev = calloc(n ? n : 1, sizeof(**ev))))
		return -1;
	for (i = 0; i < n; i++) {
		(*ev)[i] = sample[0];
		snprintf((*ev)[i].device, sizeof((*ev)[i].device), "D%04zu",
			 i);
	}
	return 0;
}

static int tool(int argc, char **argv)
{
	struct ms_alert_event *ev = NULL;
	struct ms_alert_conf ac;
	struct ms_err err = { 0 };
	struct ms_conf c;
	size_t n = 0;
	int r;

	ms_conf_init(&c);
	if (argc < 4 || strcmp(argv[1], "--config") ||
	    ms_conf_load(&c, argv[2], &err) < 0 ||
	    ms_alert_conf_from(&ac, &c, &err) < 0) {
		fprintf(stderr, "t_alertsend: %s\n", *err.msg ? err.msg :
			"usage: --config FILE --queue|--many N|--process K S");
		return 2;
	}
	if (!strcmp(argv[3], "--process") && argc == 6)
		r = ms_alert_queue(&ac, argv[4], argv[5], "from t_alertsend\n",
				   &err);
	else if (!strcmp(argv[3], "--many") && argc == 5 &&
		 many(&ev, n = strtoul(argv[4], NULL, 10)) == 0)
		r = ms_alert_events(&ac, ev, n, &err);
	else if (!strcmp(argv[3], "--queue") && read_events(&ev, &n) == 0)
		r = ms_alert_events(&ac, ev, n, &err);
	else
		r = ms_err_set(&err, MS_E_INVAL, "bad arguments or input");
	free(ev);
	ms_conf_release(&c);
	if (r < 0)
		fprintf(stderr, "t_alertsend: %s\n", err.msg);
	else
		printf("%s %zu\n", r == MS_ALERT_OFF ? "off" : "queued", n);
	return r < 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return tool(argc, argv);
	if (!mkdtemp(root))
		return 1;
	test_command();
	test_due();
	test_drop_staged();
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return done_testing();
}
