/*
 * The SSH client against a real OpenSSH sshd on 127.0.0.1, started by
 * tests/integration/t2050-ssh-client.sh which sets MS_TEST_SSH_*.  Without
 * MS_TEST_SSH_PORT every case is skipped.  MS_TEST_SSH_PHASE=changed runs
 * the cases for a server whose host key was replaced.
 */
#include "ssh.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "mstime.h"

enum { READ_MAX = 4096, LEARNERS = 4 };

struct env {
	const char *dir, *user, *password, *key, *rsa_pub;
	int port, kbd_port, hole_port, legacy_port;
};

static struct env E;

static int env_port(const char *name)
{
	const char *v = getenv(name);
	int p = 0;

	for (; v && *v >= '0' && *v <= '9'; v++)
		p = p * 10 + (*v - '0');
	return p;
}

static void path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", E.dir, name);
}

/* Options for the password server with host keys unchecked. */
static struct ms_ssh_opts opts(int port)
{
	struct ms_ssh_opts o = {
		.host = "127.0.0.1", .port = port, .user = E.user,
		.password = E.password, .policy = MS_SSH_POLICY_OFF,
		.connect_deadline = ms_deadline(30000),
		.login_deadline = ms_deadline(60000),
	};
	return o;
}

/* Read until want appears, EOF, error or the deadline; appends to out. */
static int read_until(struct ms_ssh *s, char *out, size_t cap,
		      const char *want, ms_msec_t dl, struct ms_err *err)
{
	size_t len = strlen(out);
	ssize_t n;

	while (!want || !strstr(out, want)) {
		if (len + 1 >= cap)
			len = 0;	/* keep the tail only */
		n = ms_ssh_read(s, out + len, cap - len - 1, dl, err);
		if (n < 0)
			return (int)n;
		len += (size_t)n;
		out[len] = '\0';
	}
	return 0;
}

static void t_password_shell(void)
{
	struct ms_ssh_opts o = opts(E.port);
	struct ms_ssh *s = NULL;
	struct ms_err err = { 0 };
	char out[READ_MAX] = "";
	ms_msec_t t0;
	int r;

	r = ms_ssh_open(&s, &o, &err);
	is_int(r, 0, "password login opens a shell (%s)", err.msg);
	if (r < 0)
		return;
	/* The quotes keep the typed echo from matching the output. */
	r = ms_ssh_write(s, "echo hel''lo\n", 13, ms_deadline(30000), &err);
	is_int(r, 0, "a command is written");
	r = read_until(s, out, sizeof(out), "hello\r", ms_deadline(30000), &err);
	is_int(r, 0, "'echo hello' comes back through the shell (%s)", err.msg);
	if (r < 0)
		printf("# output: '%s'\n", out);
	out[0] = '\0';
	(void)read_until(s, out, sizeof(out), "$ ", ms_deadline(2000), &err);
	t0 = ms_mono_now();
	out[0] = '\0';
	r = read_until(s, out, sizeof(out), NULL, t0 + 300, &err);
	is_int(r, MS_E_TIMEOUT, "a quiet shell: read returns MS_E_TIMEOUT");
	ok(ms_mono_now() - t0 >= 300 && ms_mono_now() - t0 < 1300,
	   "read timed out at its deadline (%lld ms for 300)",
	   (long long)(ms_mono_now() - t0));
	r = ms_ssh_write(s, "exit\n", 5, ms_deadline(30000), &err);
	is_int(r, 0, "exit is written");
	r = read_until(s, out, sizeof(out), NULL, ms_deadline(30000), &err);
	is_int(r, MS_E_EOF, "after exit, read reports MS_E_EOF (%s)", err.msg);
	ms_ssh_close(s);
}

static void expect_open_fails(struct ms_ssh_opts *o, int code,
			      const char *msg, const char *title)
{
	struct ms_ssh *s = NULL;
	struct ms_err err = { 0 };
	int r;

	r = ms_ssh_open(&s, o, &err);
	is_int(r, code, "%s", title);
	ok(!s, "%s: no session is returned", title);
	ok(strstr(err.msg, msg) != NULL, "%s: message says '%s' (%s)",
	   title, msg, err.msg);
	ok(!strstr(err.msg, E.password), "%s: password not in the message",
	   title);
	ms_ssh_close(s);
}

static void expect_open_ok(struct ms_ssh_opts *o, const char *title)
{
	struct ms_ssh *s = NULL;
	struct ms_err err = { 0 };
	int r;

	r = ms_ssh_open(&s, o, &err);
	is_int(r, 0, "%s (%s)", title, err.msg);
	ms_ssh_close(s);
}

static void t_auth(void)
{
	struct ms_ssh_opts o = opts(E.port);
	char key[PATH_MAX];

	o.password = "wrong-password";
	expect_open_fails(&o, MS_E_AUTH, "authentication rejected",
			  "a wrong password is MS_E_AUTH");
	o = opts(E.kbd_port);
	expect_open_ok(&o, "a keyboard-interactive-only server lets us in");
	o.password = "wrong-password";
	expect_open_fails(&o, MS_E_AUTH, "authentication rejected",
			  "keyboard-interactive with a wrong password fails");
	o = opts(E.port);
	o.password = NULL;
	o.key_file = E.key;
	expect_open_ok(&o, "public-key authentication with key_file");
	path_in(key, sizeof(key), "no-such-key");
	o.key_file = key;
	expect_open_fails(&o, MS_E_INVAL, "cannot load the private key",
			  "a missing key file is named");
}

static void t_host_keys(void)
{
	struct ms_ssh_opts o = opts(E.port);
	char kh[PATH_MAX], text[READ_MAX], want[64];
	FILE *f;
	size_t n;

	path_in(kh, sizeof(kh), "kh-strict");
	fclose(fopen(kh, "w"));
	o.known_hosts = kh;
	o.policy = MS_SSH_POLICY_STRICT;
	expect_open_fails(&o, MS_E_HOSTKEY, "refusing under the strict policy",
			  "strict refuses a key missing from known_hosts");
	path_in(kh, sizeof(kh), "kh-learnt");
	o.known_hosts = kh;
	o.policy = MS_SSH_POLICY_ACCEPT_NEW;
	expect_open_ok(&o, "accept-new learns an unknown key");
	f = fopen(kh, "r");
	n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	text[n] = '\0';
	if (f)
		fclose(f);
	snprintf(want, sizeof(want), "[127.0.0.1]:%d ", E.port);
	ok(strstr(text, want) == text && strchr(text, '\n') ==
	   text + n - 1, "known_hosts holds one line for '%s'", want);
	o.policy = MS_SSH_POLICY_STRICT;
	expect_open_ok(&o, "a second connect matches the learnt key");
}

/*
 * The server has an ed25519 and an RSA host key, and known_hosts lists
 * only the RSA one: the key exchange must ask for RSA first (as libssh
 * does from its own reading of known_hosts), else the ed25519 key would
 * be refused as a changed one.
 */
static void t_host_key_order(void)
{
	struct ms_ssh_opts o = opts(E.port);
	char kh[PATH_MAX], pub[READ_MAX];
	FILE *in = fopen(E.rsa_pub, "r"), *out;
	size_t n = in ? fread(pub, 1, sizeof(pub) - 1, in) : 0;

	if (in)
		fclose(in);
	pub[n] = '\0';
	ok(!strncmp(pub, "ssh-rsa ", 8), "the server's RSA key is at hand");
	path_in(kh, sizeof(kh), "kh-rsa-only");
	if ((out = fopen(kh, "w"))) {
		fprintf(out, "[127.0.0.1]:%d %s", E.port, pub);
		fclose(out);
	}
	o.known_hosts = kh;
	o.policy = MS_SSH_POLICY_STRICT;
	expect_open_ok(&o, "a host known by its RSA key matches under strict");
}

static void *learner(void *arg)
{
	struct ms_ssh_opts *o = arg;
	struct ms_ssh *s = NULL;
	intptr_t r = ms_ssh_open(&s, o, NULL);

	ms_ssh_close(s);
	return (void *)r;
}

static void t_learn_concurrently(void)
{
	struct ms_ssh_opts o[LEARNERS];
	pthread_t th[LEARNERS];
	char kh[PATH_MAX], text[READ_MAX];
	void *res;
	int i, fails = 0, lines = 0;
	FILE *f;
	size_t n;

	path_in(kh, sizeof(kh), "kh-race");
	for (i = 0; i < LEARNERS; i++) {
		o[i] = opts(E.port);
		o[i].known_hosts = kh;
		o[i].policy = MS_SSH_POLICY_ACCEPT_NEW;
		pthread_create(&th[i], NULL, learner, &o[i]);
	}
	for (i = 0; i < LEARNERS; i++) {
		pthread_join(th[i], &res);
		fails += res != NULL;
	}
	is_int(fails, 0, "%d workers learning one host at once all log in",
	       LEARNERS);
	f = fopen(kh, "r");
	n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	text[n] = '\0';
	if (f)
		fclose(f);
	for (i = 0; text[i]; i++)
		lines += text[i] == '\n';
	is_int(lines, 1, "known_hosts got the key once, whole");
}

/*
 * A port that refuses for sure: a socket bound to it but not listening
 * answers a SYN with a reset, and nobody else can take the port while we
 * hold it (a port merely found free may be taken by a parallel test).
 */
static int refusing_socket(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/*
 * Deadlines are proven with generous bounds (4x the configured one), as
 * STYLE.md allows; how fast a refusal normally is belongs to no test.
 */
static void t_connect_failures(void)
{
	struct ms_ssh_opts o;
	ms_msec_t t0;
	int fd, port = 0;

	fd = refusing_socket(&port);
	ok(fd >= 0, "a bound socket that does not listen");
	o = opts(port);
	o.connect_deadline = ms_deadline(60000);
	expect_open_fails(&o, MS_E_CONN, "cannot connect to '127.0.0.1:",
			  "a refused port is MS_E_CONN, not a wait for the "
			  "deadline");
	if (fd >= 0)
		close(fd);
	o = opts(E.hole_port);
	o.connect_deadline = ms_deadline(700);
	t0 = ms_mono_now();
	expect_open_fails(&o, MS_E_TIMEOUT, "during key exchange",
			  "a silent listener times out in key exchange");
	ok(ms_mono_now() - t0 >= 700 && ms_mono_now() - t0 < 4 * 700,
	   "at the connect deadline, within 4x of it (%lld ms for 700)",
	   (long long)(ms_mono_now() - t0));
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* n sessions opened and closed in a row; prints wall and client CPU per
 * session.  Returns how many gave want. */
static int time_opens(const char *what, int n, int want, const char *kh,
		      enum ms_ssh_policy policy, const char *key)
{
	ms_msec_t t0 = ms_mono_now();
	double c0 = cpu_ms();
	struct ms_ssh_opts o;
	struct ms_ssh *s;
	int i, hits = 0;

	for (i = 0; i < n; i++) {
		o = opts(E.port);
		o.known_hosts = kh;
		o.policy = policy;
		if (key) {
			o.key_file = key;
			o.password = NULL;
		}
		s = NULL;
		hits += ms_ssh_open(&s, &o, NULL) == want;
		ms_ssh_close(s);
	}
	printf("# %-34s %6.1f ms wall, %5.2f ms client CPU per session\n",
	       what, (double)(ms_mono_now() - t0) / n, (cpu_ms() - c0) / n);
	return hits;
}

static void t_legacy(void)
{
	struct ms_ssh_opts o = opts(E.legacy_port);
	char kh[PATH_MAX];

	expect_open_fails(&o, MS_E_PROTO, "kex",
			  "modern defaults refuse a SHA-1/ssh-rsa/CBC server");
	path_in(kh, sizeof(kh), "kh-legacy");
	o.legacy_algos = true;
	o.known_hosts = kh;
	o.policy = MS_SSH_POLICY_ACCEPT_NEW;
	expect_open_ok(&o, "legacy_algos logs into it and learns its key");
	o.policy = MS_SSH_POLICY_STRICT;
	expect_open_ok(&o, "its ssh-rsa key then matches under strict");
}

static void t_dns(void)
{
	struct ms_ssh_opts o = opts(22);

	o.host = "nosuch.invalid";
	expect_open_fails(&o, MS_E_CONN, "'nosuch.invalid:22'",
			  "an unresolvable name is MS_E_CONN naming the host");
}

/* What a session costs, for the record (not asserted): key exchange alone
 * (a strict refusal right after it), then whole logins with a shell. */
static void t_cost(void)
{
	char empty[PATH_MAX];
	int rounds = 20;

	path_in(empty, sizeof(empty), "kh-empty");
	fclose(fopen(empty, "w"));
	is_int(time_opens("connect+kex (refused host key):", rounds,
			  MS_E_HOSTKEY, empty, MS_SSH_POLICY_STRICT, NULL) +
	       time_opens("connect+kex+password+pty+shell:", rounds, 0,
			  NULL, MS_SSH_POLICY_OFF, NULL) +
	       time_opens("connect+kex+publickey+pty+shell:", rounds, 0,
			  NULL, MS_SSH_POLICY_OFF, E.key),
	       3 * rounds, "%d sessions of each kind in a row", rounds);
}

static void t_changed_key(void)
{
	struct ms_ssh_opts o = opts(E.port);
	char kh[PATH_MAX], want[96];

	path_in(kh, sizeof(kh), "kh-learnt");
	o.known_hosts = kh;
	o.policy = MS_SSH_POLICY_ACCEPT_NEW;
	snprintf(want, sizeof(want), "host key for '127.0.0.1:%d' changed "
		 "(now SHA256:", E.port);
	expect_open_fails(&o, MS_E_HOSTKEY, want,
			  "a changed host key is refused under accept-new");
	o.policy = MS_SSH_POLICY_STRICT;
	expect_open_fails(&o, MS_E_HOSTKEY, "); refusing",
			  "a changed host key is refused under strict");
	o.policy = MS_SSH_POLICY_OFF;
	expect_open_ok(&o, "policy off skips the check");
}

static void t_policy_parse(void)
{
	enum ms_ssh_policy p = MS_SSH_POLICY_OFF;

	is_int(ms_ssh_policy_parse("strict", &p), 0, "'strict' parses");
	is_int(p, MS_SSH_POLICY_STRICT, "to MS_SSH_POLICY_STRICT");
	is_int(ms_ssh_policy_parse("accept-new", &p), 0, "'accept-new' too");
	is_int(ms_ssh_policy_parse("yes", &p), MS_E_INVAL, "'yes' is refused");
}

static const struct {
	const char *name;
	void (*fn)(void);
	int cases;		/* reported when skipped */
	bool changed;		/* runs in the changed-key phase */
} cases[] = {
	{ "password login and shell", t_password_shell, 7, false },
	{ "authentication methods and failures", t_auth, 14, false },
	{ "host-key policies", t_host_keys, 7, false },
	{ "host key algorithm order", t_host_key_order, 2, false },
	{ "concurrent accept-new", t_learn_concurrently, 2, false },
	{ "refused and silent ports", t_connect_failures, 10, false },
	{ "legacy algorithms", t_legacy, 6, false },
	{ "unresolvable host", t_dns, 4, false },
	{ "login cost", t_cost, 1, false },
	{ "changed host key", t_changed_key, 9, true },
};

int main(void)
{
	bool changed = getenv("MS_TEST_SSH_PHASE") &&
		       !strcmp(getenv("MS_TEST_SSH_PHASE"), "changed");
	size_t i;
	int k;

	t_policy_parse();
	E.port = env_port("MS_TEST_SSH_PORT");
	E.kbd_port = env_port("MS_TEST_SSH_KBD_PORT");
	E.hole_port = env_port("MS_TEST_SSH_HOLE_PORT");
	E.legacy_port = env_port("MS_TEST_SSH_LEGACY_PORT");
	E.dir = getenv("MS_TEST_SSH_DIR");
	E.user = getenv("MS_TEST_SSH_USER");
	E.password = getenv("MS_TEST_SSH_PASSWORD");
	E.key = getenv("MS_TEST_SSH_KEY");
	E.rsa_pub = getenv("MS_TEST_SSH_RSA_PUB");
	if (!E.port || !E.dir || !E.user || !E.password || !E.key ||
	    !E.rsa_pub) {
		for (i = 0; i < MS_ARRAY_SIZE(cases); i++)
			for (k = 0; k < cases[i].cases; k++)
				printf("ok %d # skip %s: MS_TEST_SSH_PORT is "
				       "unset (t2050-ssh-client.sh sets it)\n",
				       ++t_run, cases[i].name);
		return done_testing();
	}
	if (ms_ssh_global_init() < 0)
		return 1;
	for (i = 0; i < MS_ARRAY_SIZE(cases); i++)
		if (cases[i].changed == changed)
			cases[i].fn();
	ms_ssh_global_release();
	return done_testing();
}
