/*
 * The cost floor of a sweep, for tests/bench/sweep: the least an SSH
 * client must do per device (connect, key exchange, password, pty, shell,
 * prompt, one command, close), on the same static libraries as modscan,
 * with a pool of threads.  No parsing, no storage, no host key check.
 *
 *   floor INVENTORY USER PASSWORD DEVICES THREADS
 *
 * INVENTORY has ccapsim's 'NAME HOST PORT FAMILY' lines; the first DEVICES
 * of them are swept.  Prints one line: devices, ok, failed, seconds.
 */
#include <libssh/libssh.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { NAME_MAX_LEN = 128, READ_MAX = 65536, TIMEOUT_S = 60 };

struct dev {
	char host[NAME_MAX_LEN];
	int port;
};

static struct dev *devs;
static size_t ndev, next_dev, nok, nfailed;
static const char *user, *password;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER; /* guards the above */

/* Read until the output ends in a prompt ('#' or '>', then spaces). */
static int read_prompt(ssh_channel ch)
{
	char buf[4096];
	size_t total = 0;
	int n;

	for (;;) {
		n = ssh_channel_read_timeout(ch, buf, sizeof(buf), 0,
					     TIMEOUT_S * 1000);
		if (n <= 0)
			return -1;
		total += (size_t)n;
		while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\r' ||
				 buf[n - 1] == '\n'))
			n--;
		if (n > 0 && (buf[n - 1] == '#' || buf[n - 1] == '>'))
			return 0;
		if (total > READ_MAX)
			return -1;
	}
}

static int sweep_one(const struct dev *d)
{
	static const char cmd[] = "show version\n";
	ssh_session ss = ssh_new();
	ssh_channel ch = NULL;
	long timeout = TIMEOUT_S;
	int on = 1, r = -1;

	if (!ss)
		return -1;
	if (ssh_options_set(ss, SSH_OPTIONS_HOST, d->host) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_PORT, &d->port) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_USER, user) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_SSH_DIR, "/nonexistent") < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_NODELAY, &on) < 0 ||
	    ssh_options_set(ss, SSH_OPTIONS_TIMEOUT, &timeout) < 0)
		goto out;
	if (ssh_connect(ss) != SSH_OK ||
	    ssh_userauth_password(ss, NULL, password) != SSH_AUTH_SUCCESS)
		goto out;
	if (!(ch = ssh_channel_new(ss)) ||
	    ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_pty_size(ch, "vt100", 200, 24) != SSH_OK ||
	    ssh_channel_request_shell(ch) != SSH_OK || read_prompt(ch) < 0)
		goto out;
	if (ssh_channel_write(ch, cmd, sizeof(cmd) - 1) !=
	    (int)(sizeof(cmd) - 1) || read_prompt(ch) < 0)
		goto out;
	r = 0;
out:
	if (ch) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	ssh_disconnect(ss);
	ssh_free(ss);
	return r;
}

static void *worker(void *arg)
{
	size_t i;
	int r;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		i = next_dev++;
		pthread_mutex_unlock(&mu);
		if (i >= ndev)
			return NULL;
		r = sweep_one(&devs[i]);
		pthread_mutex_lock(&mu);
		if (r == 0)
			nok++;
		else
			nfailed++;
		pthread_mutex_unlock(&mu);
	}
}

static int load(const char *path, size_t max)
{
	char line[512], name[NAME_MAX_LEN], fam[NAME_MAX_LEN];
	FILE *f = fopen(path, "r");

	if (!f || !(devs = calloc(max ? max : 1, sizeof(*devs))))
		return -1;
	while (ndev < max && fgets(line, sizeof(line), f)) {
		struct dev *d = &devs[ndev];

		if (line[0] != '#' &&
		    sscanf(line, "%127s %127s %d %127s", name, d->host,
			   &d->port, fam) == 4)
			ndev++;
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	pthread_t *th;
	pthread_attr_t attr;
	size_t i, nth;

	if (argc != 6) {
		fprintf(stderr, "usage: floor INVENTORY USER PASSWORD DEVICES "
			"THREADS\n");
		return 2;
	}
	user = argv[2];
	password = argv[3];
	nth = strtoul(argv[5], NULL, 10);
	if (load(argv[1], strtoul(argv[4], NULL, 10)) < 0 || !nth ||
	    !(th = calloc(nth, sizeof(*th)))) {
		fprintf(stderr, "floor: cannot read '%s'\n", argv[1]);
		return 1;
	}
	ssh_init();
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 512 * 1024);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nth; i++)
		if (pthread_create(&th[i], &attr, worker, NULL)) {
			fprintf(stderr, "floor: cannot start thread %zu\n", i);
			return 1;
		}
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("floor devices=%zu ok=%zu failed=%zu seconds=%.3f\n", ndev,
	       nok, nfailed, (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	ssh_finalize();
	return nfailed ? 1 : 0;
}
