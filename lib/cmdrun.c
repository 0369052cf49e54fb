/* Commands from configuration keys, without a shell (see cmdrun.h). */
#include "cmdrun.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "conf.h"
#include "proc.h"
#include "mstime.h"

static const char default_path[] = "/usr/local/bin:/usr/bin:/bin";

/* One character of a word, after its quoting is taken off. */
struct splitter {
	char *out, *end;
	bool in_word;
};

static int put(struct splitter *s, char c)
{
	if (s->out >= s->end)
		return MS_E_TOOBIG;
	*s->out++ = c;
	s->in_word = true;
	return 0;
}

/* Split into buf, one NUL after each word; returns the end of p read. */
static int words(struct ms_cmdrun *cr, const char *p)
{
	struct splitter s = { cr->buf, cr->buf + sizeof(cr->buf) - 1, false };
	char q = 0;
	int r = 0;

	for (cr->argc = 0; *p && r == 0; p++) {
		if (!q && (*p == ' ' || *p == '\t')) {
			if (s.in_word && (r = put(&s, '\0')) == 0)
				s.in_word = false;
			continue;
		}
		if (!s.in_word && cr->argc == MS_CMDRUN_ARGS)
			return MS_E_RANGE;
		if (!s.in_word)
			cr->argv[cr->argc++] = s.out;
		if (!q && (*p == '\'' || *p == '"')) {
			q = *p;
			s.in_word = true;
		} else if (q && *p == q) {
			q = 0;
		} else if (*p == '\\' && q != '\'' && p[1] &&
			   (!q || strchr("\"\\$`", p[1]))) {
			r = put(&s, *++p);
		} else {
			r = put(&s, *p);
		}
	}
	if (q)
		return MS_E_PARSE;
	if (r == 0 && s.in_word)
		r = put(&s, '\0');
	cr->argv[cr->argc] = NULL;
	return r;
}

/* The program of a word without '/': the first executable on PATH. */
static int lookup(struct ms_cmdrun *cr, char *spare, size_t size)
{
	const char *path = getenv("PATH"), *p, *colon;
	struct stat st;
	size_t dl;

	if (!path || !*path)
		path = default_path;
	for (p = path; *p; p = *colon ? colon + 1 : colon) {
		colon = p + strcspn(p, ":");
		dl = (size_t)(colon - p);
		if (!dl || dl + strlen(cr->argv[0]) + 2 > size)
			continue;
		snprintf(spare, size, "%.*s/%s", (int)dl, p, cr->argv[0]);
		if (stat(spare, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(spare, X_OK) == 0) {
			cr->argv[0] = spare;
			return 0;
		}
	}
	return MS_E_NOENT;
}

/* words() with its failures as one line naming key. */
static int split_words(struct ms_cmdrun *cr, const char *key,
		       const char *line, struct ms_err *err)
{
	int r;

	memset(cr, 0, sizeof(*cr));
	if ((r = words(cr, line)) == MS_E_PARSE)
		return ms_err_set(err, MS_E_INVAL, "%s: a quote is not closed",
				  key);
	if (r == MS_E_RANGE)
		return ms_err_set(err, MS_E_INVAL, "%s: more than %d words",
				  key, MS_CMDRUN_ARGS);
	if (r < 0)
		return ms_err_set(err, MS_E_INVAL, "%s: too long", key);
	if (!cr->argc)
		return ms_err_set(err, MS_E_INVAL, "%s: no program", key);
	return 0;
}

int ms_cmdrun_check(const char *key, const char *line, struct ms_err *err)
{
	struct ms_cmdrun *cr = malloc(sizeof(*cr));
	int r;

	if (!cr)
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	r = split_words(cr, key, line, err);
	free(cr);
	return r;
}

int ms_cmdrun_split(struct ms_cmdrun *cr, const char *key, const char *line,
		    struct ms_err *err)
{
	size_t used;
	int r;

	if ((r = split_words(cr, key, line, err)) < 0)
		return r;
	if (strchr(cr->argv[0], '/'))
		return 0;
	/* The rest of buf holds the path found. */
	used = (size_t)(cr->argv[cr->argc - 1] - cr->buf) +
	       strlen(cr->argv[cr->argc - 1]) + 1;
	if (lookup(cr, cr->buf + used, sizeof(cr->buf) - used) < 0)
		return ms_err_set(err, MS_E_INVAL, "%s: '%s' is not a program "
				  "on PATH", key, cr->argv[0]);
	return 0;
}

/* Whether NAME=... of the environment holds a secret of the
 * configuration. */
static bool secret_var(const char *var)
{
	size_t n = strcspn(var, "="), k;
	const struct ms_conf_info *ci;

	if (n > 8 && !strncmp(var, "PROFILE_", 8) &&
	    memmem(var, n, "PASSWORD", 8))
		return true;
	for (k = 0; k < MS_CONF__COUNT; k++) {
		ci = &ms_conf_table[k];
		if (!(ci->flags & MS_CONF_SECRET))
			continue;
		if ((strlen(ci->name) == n && !strncmp(var, ci->name, n)) ||
		    (ci->alias && strlen(ci->alias) == n &&
		     !strncmp(var, ci->alias, n)))
			return true;
	}
	return false;
}

int ms_cmdrun_env_public(struct ms_cmdrun *cr, struct ms_err *err)
{
	size_t i, n = 0;

	for (i = 0; environ[i]; i++)
		;
	if (!(cr->envp = calloc(i + 1, sizeof(*cr->envp))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	for (i = 0; environ[i]; i++)
		if (!secret_var(environ[i]))
			cr->envp[n++] = environ[i];
	return 0;
}

void ms_cmdrun_release(struct ms_cmdrun *cr)
{
	free(cr->envp);
	cr->envp = NULL;
}

/* The running child: our ends of its stdin and output, its pidfd. */
struct kid {
	pid_t pid;
	int in, out, pfd;
	size_t kept;
	bool exited;
	int status;
};

static int start(struct kid *k, const struct ms_cmdrun *cr,
		 struct ms_err *err)
{
	struct ms_spawn sp = { .argv = cr->argv, .envp = cr->envp,
			       .stderr_fd = -1,
			       .new_session = true, .die_with_parent = true };
	int sv[2], o[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return ms_err_sys(err, "cannot create a socket pair");
	if (pipe2(o, O_CLOEXEC | O_NONBLOCK) < 0) {
		close(sv[0]);
		close(sv[1]);
		return ms_err_sys(err, "cannot create a pipe");
	}
	sp.stdin_fd = sv[1];
	sp.stdout_fd = o[1];
	r = ms_proc_spawn(&sp, &k->pid, err);
	close(sv[1]);
	close(o[1]);
	k->in = sv[0];
	k->out = o[0];
	if (r == 0)
		k->pfd = ms_pidfd_open(k->pid, NULL);
	return r;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Read what the child printed; keep the head, drop the rest. */
static void drain(struct kid *k, char *out)
{
	char tmp[4096];
	ssize_t n;
	size_t take;

	while ((n = read(k->out, tmp, sizeof(tmp))) != 0) {
		if (n < 0) {
			if (errno != EINTR)
				break;
			continue;
		}
		take = MS_MIN((size_t)n, MS_CMDRUN_OUT - 1 - k->kept);
		memcpy(out + k->kept, tmp, take);
		k->kept += take;
		out[k->kept] = '\0';
	}
	if (n == 0)
		close_fd(&k->out);
}

/* Whether the child has exited (reaped into k->status). */
static bool reaped(struct kid *k)
{
	int st;
	pid_t p;

	while ((p = waitpid(k->pid, &st, WNOHANG)) < 0 && errno == EINTR)
		;
	if (p != k->pid)
		return false;
	k->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return k->exited = true;
}

/* One step: write stdin, read output, see whether it exited. */
static int step(struct kid *k, const char *in, size_t len, size_t *off,
		ms_msec_t deadline, char *out)
{
	struct pollfd p[3] = {
		{ .fd = *off < len ? k->in : -1, .events = POLLOUT },
		{ .fd = k->out, .events = POLLIN },
		{ .fd = k->pfd, .events = POLLIN },
	};
	ssize_t n;
	int t = ms_poll_timeout(deadline);

	/* Without a pidfd, look at the child every 50 ms. */
	if (k->pfd < 0 && (t < 0 || t > 50))
		t = 50;
	if (poll(p, 3, t) < 0 && errno != EINTR)
		return MS_E_SYS;
	if (p[0].revents) {
		n = send(k->in, in + *off, len - *off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0)
			*off += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			*off = len;	/* it stopped reading: its choice */
	}
	if (*off >= len)
		close_fd(&k->in);
	if (p[1].revents)
		drain(k, out);
	if (reaped(k))
		return 0;
	return ms_left(deadline) == 0 ? MS_E_TIMEOUT : 1;
}

int ms_cmdrun_feed(const struct ms_cmdrun *cr, const void *in, size_t len,
		   ms_msec_t deadline, char out[MS_CMDRUN_OUT],
		   struct ms_err *err)
{
	struct kid k = { .pid = -1, .in = -1, .out = -1, .pfd = -1 };
	size_t off = 0;
	int r;

	out[0] = '\0';
	if ((r = start(&k, cr, err)) < 0)
		goto out;
	while ((r = step(&k, in, len, &off, deadline, out)) == 1)
		;
	if (r == 0 && k.out >= 0)
		drain(&k, out);	/* what it printed just before exiting */
	if (r == MS_E_TIMEOUT)
		ms_err_set(err, r, "'%s': no end within the time allowed, "
			   "killed", cr->argv[0]);
	else if (r < 0)
		ms_err_sys(err, "'%s'", cr->argv[0]);
	else
		r = k.status;
out:
	if (k.pid > 0 && !k.exited) {
		kill(-k.pid, SIGKILL);
		while (waitpid(k.pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	close_fd(&k.in);
	close_fd(&k.out);
	close_fd(&k.pfd);
	return r;
}
