/* The fleet: one listening socket per device, non-blocking libssh
 * sessions (each on its own ssh_event, driven from one epoll set), the
 * libssh callbacks, connection bookkeeping and the event loop. */
#include "server.h"

static volatile sig_atomic_t stop_flag, hup_flag;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hup_flag = 1;
	else
		stop_flag = 1;
}

/* --- libssh callbacks --- */

static int auth_ok(struct conn *c, const char *user, const char *pw)
{
	const struct cs_opts *o = c->sim->o;

	if (has(c, CS_F_AUTH)) {
		if (!c->auth_logged++) {
			c->sim->faults++;
			truth_fail(c, "FAILED", "auth");
		}
		return 0;
	}
	return user && pw && strcmp(user, o->user) == 0 &&
	       strcmp(pw, o->password) == 0;
}

static int cb_auth_password(ssh_session s, const char *user, const char *pw,
			    void *ud)
{
	(void)s;
	return auth_ok(ud, user, pw) ? SSH_AUTH_SUCCESS : SSH_AUTH_DENIED;
}

/* keyboard-interactive with one "Password:" prompt, as many CMTS offer */
static int cb_message(ssh_session s, ssh_message m, void *ud)
{
	static const char *prompts[1] = { "Password: " };
	char echo_flags[1] = { 0 };
	struct conn *c = ud;

	if (ssh_message_type(m) != SSH_REQUEST_AUTH ||
	    ssh_message_subtype(m) != SSH_AUTH_METHOD_INTERACTIVE)
		return 1;
	if (!ssh_message_auth_kbdint_is_response(m)) {
		/* the response does not repeat the user name */
		snprintf(c->kbd_user, sizeof(c->kbd_user), "%s",
			 ssh_message_auth_user(m) ? ssh_message_auth_user(m) : "");
		ssh_message_auth_interactive_request(m, "", "", 1, prompts, echo_flags);
		return 0;
	}
	if (ssh_userauth_kbdint_getnanswers(s) == 1 &&
	    auth_ok(c, c->kbd_user, ssh_userauth_kbdint_getanswer(s, 0))) {
		ssh_message_auth_reply_success(m, 0);
		return 0;
	}
	ssh_message_auth_set_methods(m, SSH_AUTH_METHOD_PASSWORD |
				     SSH_AUTH_METHOD_INTERACTIVE);
	return 1;
}

static int cb_data(ssh_session s, ssh_channel ch, void *data, uint32_t len,
		   int is_stderr, void *ud)
{
	struct conn *c = ud;
	size_t n = len;

	(void)s;
	(void)ch;
	(void)is_stderr;
	if (c->state == ST_DEAD || c->state == ST_CLOSING)
		return (int)len;
	if (c->inoff > 0) {
		memmove(c->in, c->in + c->inoff, c->inlen - c->inoff);
		c->inlen -= c->inoff;
		c->inoff = 0;
	}
	if (n > sizeof(c->in) - c->inlen)
		n = sizeof(c->in) - c->inlen;
	memcpy(c->in + c->inlen, data, n);
	c->inlen += n;
	/*
	 * Answer from the main loop, not from inside ssh_event_dopoll: a
	 * channel write may poll the shared context again and consume other
	 * sessions' events, which the outer dopoll then reads as EAGAIN
	 * errors and kills those sessions.
	 */
	if (c->state == ST_IDLE || c->state == ST_MORE)
		wake_in(c, 0);
	return (int)n;
}

static int cb_pty(ssh_session s, ssh_channel ch, const char *term, int w,
		  int h, int pw, int ph, void *ud)
{
	struct conn *c = ud;

	(void)s, (void)ch, (void)term, (void)pw, (void)ph;
	c->width = w;
	c->page = h > 1 ? h - 1 : 23;
	return 0;
}

static int cb_pty_change(ssh_session s, ssh_channel ch, int w, int h, int pw,
			 int ph, void *ud)
{
	struct conn *c = ud;

	(void)s, (void)ch, (void)h, (void)pw, (void)ph;
	c->width = w;
	return 0;
}

static int cb_shell(ssh_session s, ssh_channel ch, void *ud)
{
	struct conn *c = ud;
	int64_t delay = c->sim->o->latency_ms;

	(void)s, (void)ch;
	if (c->state != ST_SSH)
		return 1;
	c->sim->sessions++;
	c->state = ST_LOGIN;
	if (has(c, CS_F_SLOW))
		delay += SLOW_MS / 10;
	wake_in(c, delay);
	return 0;
}

static int cb_exec(ssh_session s, ssh_channel ch, const char *cmd, void *ud)
{
	(void)s, (void)ch, (void)cmd, (void)ud;
	return 1;	/* interactive shells only, like the devices */
}

static void cb_close(ssh_session s, ssh_channel ch, void *ud)
{
	struct conn *c = ud;

	(void)s, (void)ch;
	if (c->state != ST_CLOSING) {
		c->state = ST_CLOSING;
		c->close_at = mono_ms();
	}
}

static ssh_channel cb_open(ssh_session s, void *ud)
{
	struct conn *c = ud;

	if (c->ch)
		return NULL;
	c->ch = ssh_channel_new(s);
	if (!c->ch)
		return NULL;
	memset(&c->ccb, 0, sizeof(c->ccb));
	c->ccb.userdata = c;
	c->ccb.channel_data_function = cb_data;
	c->ccb.channel_pty_request_function = cb_pty;
	c->ccb.channel_pty_window_change_function = cb_pty_change;
	c->ccb.channel_shell_request_function = cb_shell;
	c->ccb.channel_exec_request_function = cb_exec;
	c->ccb.channel_close_function = cb_close;
	ssh_callbacks_init(&c->ccb);
	ssh_set_channel_callbacks(c->ch, &c->ccb);
	return c->ch;
}

/* --- connections --- */

static struct conn *conn_new(struct sim *S, struct cs_dev *d)
{
	struct conn *c = S->free_list;

	if (c) {
		S->free_list = c->next_free;
	} else {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		if (S->nconn == S->conncap) {
			S->conncap = S->conncap ? S->conncap * 2 : 1024;
			S->conns = realloc(S->conns, S->conncap * sizeof(*S->conns));
			if (!S->conns)
				abort();
		}
		S->conns[S->nconn++] = c;
	}
	uint32_t gen = c->gen + 1;
	char *out = c->out;
	struct meta *om = c->om;
	size_t ocap = c->ocap, omcap = c->omcap;

	memset(c, 0, sizeof(*c));
	c->gen = gen;
	c->out = out;
	c->om = om;
	c->ocap = ocap;
	c->omcap = omcap;
	c->sim = S;
	c->dev = d;
	c->live = 1;
	c->page = 23;
	c->priv = d->family != CS_CASA;
	return c;
}

static void conn_free(struct conn *c)
{
	struct sim *S = c->sim;

	if (c->data && c->state == ST_SEND && c->ooff < c->olen)
		truth_fail(c, "PARTIAL", "closed-by-client");
	if (c->s && getenv("CCAPSIM_SSH_DEBUG"))
		fprintf(stderr, "ccapsim: %s: session ends: %s\n", c->dev->name,
			ssh_get_error(c->s));
	if (c->s) {
		if (c->ev) {
			epoll_ctl(S->sess_epfd, EPOLL_CTL_DEL, ssh_get_fd(c->s),
				  NULL);
			ssh_event_remove_session(c->ev, c->s);
			ssh_event_free(c->ev);
			c->ev = NULL;
		}
		ssh_disconnect(c->s);
		ssh_free(c->s);
	}
	c->s = NULL;
	c->ch = NULL;
	c->live = 0;
	c->gen++;
	c->next_free = S->free_list;
	S->free_list = c;
}

static int hang_cb(socket_t fd, int revents, void *ud)
{
	struct sim *S = ud;
	char buf[512];
	ssize_t n = 1;

	if (revents & POLLIN)
		n = read(fd, buf, sizeof(buf));
	if (n == 0 || (n < 0 && errno != EAGAIN) || (revents & (POLLHUP | POLLERR)))
		if (S->nhang_close < (int)(sizeof(S->hangfd) / sizeof(S->hangfd[0])))
			S->hangfd[S->nhang_close++] = fd;
	return 0;
}

static void accept_one(struct sim *S, struct cs_dev *d, int fd)
{
	struct conn *c;
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (d->faults & (1u << CS_F_HANG)) {
		struct conn tmp = { .sim = S, .dev = d };
		S->faults++;
		truth_fail(&tmp, "FAILED", "hang");
		ssh_event_add_fd(S->ev, fd, POLLIN, hang_cb, S);
		return;
	}
	if (S->o->control)
		cs_hold_control(S->o->control);
	c = conn_new(S, d);
	if (!c) {
		close(fd);
		return;
	}
	if (d->faults & (1u << CS_F_HOSTKEY))
		S->faults++;
	c->s = ssh_new();
	if (!c->s || ssh_bind_accept_fd(d->bind, c->s, fd) != SSH_OK) {
		close(fd);
		conn_free(c);
		return;
	}
	c->scb.userdata = c;
	c->scb.auth_password_function = cb_auth_password;
	c->scb.channel_open_request_session_function = cb_open;
	ssh_callbacks_init(&c->scb);
	ssh_set_server_callbacks(c->s, &c->scb);
	ssh_set_message_callback(c->s, cb_message, c);
	ssh_set_auth_methods(c->s, SSH_AUTH_METHOD_PASSWORD |
			     SSH_AUTH_METHOD_INTERACTIVE);
	ssh_set_blocking(c->s, 0);
	if (ssh_handle_key_exchange(c->s) == SSH_ERROR) {
		conn_free(c);
		return;
	}
	/*
	 * Each session gets its own event and sits in our epoll set, not in
	 * the shared ssh_event: libssh flushes a channel write by polling the
	 * session's context, and in a shared context that dispatches every
	 * other session too; one client's ordinary disconnect then fails the
	 * write of whichever session was writing.
	 */
	struct epoll_event ee = { .events = EPOLLIN, .data.ptr = c };
	c->ev = ssh_event_new();
	if (!c->ev || ssh_event_add_session(c->ev, c->s) != SSH_OK ||
	    epoll_ctl(S->sess_epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
		conn_free(c);
		return;
	}
}

/* Sessions whose socket is readable: run their own event. */
static int sessions_cb(socket_t epfd, int revents, void *ud)
{
	struct epoll_event evs[256];
	int n;

	(void)ud;
	(void)revents;
	n = epoll_wait(epfd, evs, 256, 0);
	for (int i = 0; i < n; i++) {
		struct conn *c = evs[i].data.ptr;

		if (c->live && c->ev)
			ssh_event_dopoll(c->ev, 0);
	}
	return 0;
}

/* Sessions with output still queued in libssh: give them a turn. */
static void flush_pending(struct sim *S)
{
	for (size_t i = 0; i < S->nconn; i++) {
		struct conn *c = S->conns[i];

		if (c->live && c->ev &&
		    (ssh_get_poll_flags(c->s) & SSH_WRITE_PENDING))
			ssh_event_dopoll(c->ev, 0);
	}
}

struct lctx {
	struct sim *S;
	struct cs_dev *d;
};

static int accept_cb(socket_t lfd, int revents, void *ud)
{
	struct lctx *l = ud;

	(void)revents;
	for (int k = 0; k < 64; k++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;
		accept_one(l->S, l->d, fd);
	}
	return 0;
}

/* The listening sockets sit in one epoll set, so that the poll() under
 * ssh_event_dopoll sees one descriptor for them instead of one per device. */
static int listeners_cb(socket_t epfd, int revents, void *ud)
{
	struct epoll_event evs[64];
	int n;

	(void)ud;
	(void)revents;
	n = epoll_wait(epfd, evs, 64, 0);
	for (int i = 0; i < n; i++) {
		struct lctx *l = evs[i].data.ptr;
		accept_cb(l->d->lfd, POLLIN, l);
	}
	return 0;
}

static void sweep(struct sim *S)
{
	int64_t now = mono_ms();

	for (size_t i = 0; i < S->nconn; i++) {
		struct conn *c = S->conns[i];
		int st;

		if (!c->live)
			continue;
		st = ssh_get_status(c->s);
		if ((st & (SSH_CLOSED | SSH_CLOSED_ERROR)) ||
		    (c->state == ST_CLOSING && now >= c->close_at))
			conn_free(c);
	}
}

/* --- start-up --- */

static int listen_on(const char *addr, int port, int *out_port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int one = 1, fd;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return -1;
	sa.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 512) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
		close(fd);
		return -1;
	}
	*out_port = ntohs(sa.sin_port);
	return fd;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void name_devices(struct sim *S)
{
	const struct cs_opts *o = S->o;
	int count[CS_NFAM] = { 0 }, k[CS_NFAM] = { 0 };

	for (int i = 0; i < S->ndev; i++)
		count[o->family >= 0 ? o->family : i % CS_NFAM]++;
	for (int i = 0; i < S->ndev; i++) {
		struct cs_dev *d = &S->devs[i];
		int fam = o->family >= 0 ? o->family : i % CS_NFAM;
		int j = k[fam]++;
		char name[32];

		if (count[fam] > 100)
			snprintf(name, sizeof(name), "CCAP%d%02d-%04d", fam, j % 100, j / 100);
		else
			snprintf(name, sizeof(name), "CCAP%d%02d", fam, j);
		cs_dev_setup(d, o->seed, name, fam, o->upstreams);
		d->index = i;
		for (int f = 0; f < CS_NFAULT; f++)
			if (o->fault_rate[f] > 0 &&
			    cs_u(cs_name_hash(o->seed, name), (uint64_t)f, 0, 900) <
				    o->fault_rate[f])
				d->faults |= 1u << f;
		for (int f = 0; f < o->nfault; f++)
			if (strcasecmp(o->fault[f].name, name) == 0)
				d->faults |= 1u << o->fault[f].kind;
	}
}

static int write_inventory(struct sim *S, const char *path)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	for (int i = 0; i < S->ndev; i++)
		fprintf(f, "%s %s %d %s\n", S->devs[i].name, S->o->listen,
			S->devs[i].port, cs_family_name(S->devs[i].family));
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* A host key, a bind and a listening socket per device, in epfd. */
static int open_devices(struct sim *S, struct lctx *lc, int epfd)
{
	const struct cs_opts *o = S->o;

	for (int i = 0; i < S->ndev; i++) {
		struct cs_dev *d = &S->devs[i];
		ssh_key key = cs_host_key(o->seed, d->name, 0, o->host_key_dir);
		int port = o->base_port ? o->base_port + i : 0;

		if (key && (d->faults >> CS_F_HOSTKEY) & 1) {
			/* the stable key stays on file; the device shows another */
			ssh_key_free(key);
			key = cs_host_key(o->seed, d->name, 1, NULL);
		}
		d->bind = ssh_bind_new();
		if (!key || !d->bind ||
		    ssh_bind_options_set(d->bind, SSH_BIND_OPTIONS_IMPORT_KEY, key) < 0) {
			fprintf(stderr, "ccapsim: %s: cannot set up the host key\n", d->name);
			return -1;
		}
		d->lfd = listen_on(o->listen, port, &d->port);
		if (d->lfd < 0) {
			fprintf(stderr, "ccapsim: %s: listen on %s:%d: %s\n", d->name,
				o->listen, port, strerror(errno));
			return -1;
		}
		lc[i] = (struct lctx){ S, d };
		struct epoll_event ee = { .events = EPOLLIN, .data.ptr = &lc[i] };
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, d->lfd, &ee) < 0) {
			fprintf(stderr, "ccapsim: epoll: %s\n", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Name the devices that got faults, so a test log says who is faulty. */
static void report_faults(const struct sim *S)
{
	for (int i = 0; i < S->ndev; i++) {
		char list[256] = "";
		size_t n = 0;

		for (int f = 0; f < CS_NFAULT; f++)
			if ((S->devs[i].faults >> f) & 1)
				n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
						      n ? "," : "", cs_fault_names[f]);
		if (n)
			fprintf(stderr, "ccapsim: %s has faults %s\n", S->devs[i].name, list);
	}
}

static void run(struct sim *S)
{
	int64_t next_sweep = 0;

	while (!stop_flag) {
		int64_t now = mono_ms(), timeout = 100;

		if (S->nheap && S->heap[0].when - now < timeout)
			timeout = S->heap[0].when > now ? S->heap[0].when - now : 0;
		ssh_event_dopoll(S->ev, (int)timeout);
		if (hup_flag && S->o->control)
			cs_hold_control(S->o->control);
		hup_flag = 0;
		flush_pending(S);
		for (int i = 0; i < S->nhang_close; i++) {
			ssh_event_remove_fd(S->ev, S->hangfd[i]);
			close(S->hangfd[i]);
		}
		S->nhang_close = 0;
		now = mono_ms();
		while (S->nheap && S->heap[0].when <= now) {
			struct timer t = heap_pop(S);
			if (t.c->gen == t.gen && t.c->live && t.c->wake_at == t.when)
				on_wake(t.c);
		}
		if (now >= next_sweep) {
			sweep(S);
			next_sweep = now + 100;
		}
	}
}

static void teardown(struct sim *S, struct lctx *lc, int epfd)
{
	for (size_t i = 0; i < S->nconn; i++)
		if (S->conns[i]->live)
			conn_free(S->conns[i]);
	printf("ccapsim: %lu sessions served, %lu commands answered, %lu faults injected\n",
	       S->sessions, S->commands, S->faults);
	fflush(stdout);
	ssh_event_remove_fd(S->ev, epfd);
	close(epfd);
	ssh_event_remove_fd(S->ev, S->sess_epfd);
	close(S->sess_epfd);
	for (int i = 0; i < S->ndev; i++) {
		close(S->devs[i].lfd);
		ssh_bind_free(S->devs[i].bind);
	}
	for (size_t i = 0; i < S->nconn; i++) {
		free(S->conns[i]->out);
		free(S->conns[i]->om);
		free(S->conns[i]);
	}
	free(S->conns);
	free(S->heap);
	cs_text_release(&S->reply.out);
	ssh_event_free(S->ev);
	if (S->truth)
		fclose(S->truth);
	free(S->devs);
	free(lc);
	ssh_finalize();
}

int cs_serve(const struct cs_opts *o)
{
	struct sim S0 = { .o = o }, *S = &S0;
	struct lctx *lc;
	struct sigaction sa = { .sa_handler = on_signal };
	int64_t t0 = mono_ms();
	int epfd;

	S->mono0 = t0;
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	ssh_init();
	if (getenv("CCAPSIM_SSH_DEBUG"))
		ssh_set_log_level(SSH_LOG_PROTOCOL);
	S->ndev = o->devices;
	S->devs = calloc((size_t)S->ndev, sizeof(*S->devs));
	lc = calloc((size_t)S->ndev, sizeof(*lc));
	S->ev = ssh_event_new();
	if (!S->devs || !lc || !S->ev) {
		fprintf(stderr, "ccapsim: out of memory\n");
		return 1;
	}
	epfd = epoll_create1(EPOLL_CLOEXEC);
	S->sess_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0 || S->sess_epfd < 0) {
		fprintf(stderr, "ccapsim: epoll: %s\n", strerror(errno));
		return 1;
	}
	if (o->host_key_dir)
		mkdir(o->host_key_dir, 0700);
	if (o->truth_log) {
		S->truth = fopen(o->truth_log, "a");
		if (!S->truth) {
			fprintf(stderr, "ccapsim: %s: %s\n", o->truth_log, strerror(errno));
			return 1;
		}
	}
	name_devices(S);
	if (open_devices(S, lc, epfd) < 0)
		return 1;
	ssh_event_add_fd(S->ev, epfd, POLLIN, listeners_cb, S);
	ssh_event_add_fd(S->ev, S->sess_epfd, POLLIN, sessions_cb, S);
	report_faults(S);
	if (o->inventory && write_inventory(S, o->inventory) < 0) {
		fprintf(stderr, "ccapsim: %s: %s\n", o->inventory, strerror(errno));
		return 1;
	}
	fprintf(stderr, "ccapsim: %d devices ready in %lld ms\n", S->ndev,
		(long long)(mono_ms() - t0));
	run(S);
	teardown(S, lc, epfd);
	return 0;
}
