/* The fleet: one listening socket per device, non-blocking libssh sessions
 * on one ssh_event, a timer heap for latency, trickle and retries, the
 * pager, the faults and the truth log. */
#include "sim.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>
#include <libssh/callbacks.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

enum { ST_SSH, ST_LOGIN, ST_DEAD, ST_IDLE, ST_WAIT, ST_SEND, ST_MORE,
       ST_CLOSING };
enum { WRAP_COLS = 40, TRICKLE_MS = 200, SLOW_MS = 10000, INMAX = 4096 };

struct meta {
	size_t end;
	struct cs_line l;
};

struct conn {
	struct sim *sim;
	struct cs_dev *dev;
	ssh_session s;
	ssh_event ev;		/* this session alone: see sessions_cb */
	ssh_channel ch;
	uint32_t gen;
	int live, state, priv, enable_pw, page, width, pager_left, last_cr;
	int64_t wake_at, close_at;
	struct ssh_server_callbacks_struct scb;
	struct ssh_channel_callbacks_struct ccb;
	char in[INMAX];
	size_t inlen, inoff;
	int in_proc;
	char line[1024];
	size_t linelen;
	char echo_buf[256];
	size_t echo_len;
	/* the reply being sent */
	char *out;
	size_t olen, ocap, ooff, body_end;
	struct meta *om;
	size_t nom, omcap, omi;
	int close_after, data, cmd, answered, auth_logged;
	char kbd_user[64];
	/* truth of the reply */
	int64_t t_ms;
	uint64_t seen[16];
	int nrec, partial;
	int blk, blk_up, blk_dom, blk_n, blk_code, blk_ofdm;
	struct conn *next_free;
};

struct timer {
	int64_t when;
	struct conn *c;
	uint32_t gen;
};

struct sim {
	const struct cs_opts *o;
	struct cs_dev *devs;
	int ndev;
	ssh_event ev;
	int sess_epfd;		/* sessions' sockets, data = struct conn */
	struct conn **conns;
	size_t nconn, conncap;
	struct conn *free_list;
	struct timer *heap;
	size_t nheap, heapcap;
	int hangfd[4096];
	int nhang_close;
	FILE *truth;
	int64_t mono0;
	unsigned long sessions, commands, faults;
	struct cs_reply reply;
	uint64_t garbage_ctr;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double sim_now(const struct sim *S)
{
	double base = S->o->epoch >= 0 ? S->o->epoch : 0;

	return base + (double)(mono_ms() - S->mono0) / 1000.0 * S->o->time_scale;
}

static int has(const struct conn *c, int f)
{
	return (c->dev->faults >> f) & 1;
}

/* --- timers --- */

static void heap_push(struct sim *S, struct timer t)
{
	size_t i;

	if (S->nheap == S->heapcap) {
		S->heapcap = S->heapcap ? S->heapcap * 2 : 1024;
		S->heap = realloc(S->heap, S->heapcap * sizeof(*S->heap));
		if (!S->heap)
			abort();
	}
	i = S->nheap++;
	while (i > 0 && S->heap[(i - 1) / 2].when > t.when) {
		S->heap[i] = S->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	S->heap[i] = t;
}

static struct timer heap_pop(struct sim *S)
{
	struct timer top = S->heap[0], last = S->heap[--S->nheap];
	size_t i = 0;

	for (;;) {
		size_t k = 2 * i + 1;
		if (k >= S->nheap)
			break;
		if (k + 1 < S->nheap && S->heap[k + 1].when < S->heap[k].when)
			k++;
		if (S->heap[k].when >= last.when)
			break;
		S->heap[i] = S->heap[k];
		i = k;
	}
	if (S->nheap)
		S->heap[i] = last;
	return top;
}

static void wake_in(struct conn *c, int64_t ms)
{
	c->wake_at = mono_ms() + ms;
	heap_push(c->sim, (struct timer){ c->wake_at, c, c->gen });
}

/* --- truth --- */

static void truth_line(struct conn *c, const char *up, int code)
{
	FILE *f = c->sim->truth;

	if (f)
		fprintf(f, "%lld %s %s %d %s\n", (long long)c->t_ms, c->dev->name,
			up, code, cs_mod_name(code));
}

static void truth_fail(struct conn *c, const char *what, const char *why)
{
	FILE *f = c->sim->truth;

	if (f) {
		fprintf(f, "%lld %s - - %s %s\n", (long long)wall_ms(),
			c->dev->name, what, why);
		fflush(f);
	}
}

static void record(struct conn *c, int key, const char *up, int code)
{
	if (key < 0 || key >= 1024 || (c->seen[key / 64] >> (key % 64)) & 1)
		return;
	c->seen[key / 64] |= 1ULL << (key % 64);
	c->nrec++;
	truth_line(c, up, code);
}

static void block_flush(struct conn *c)
{
	char dom[24], up[32];

	if (c->blk && c->blk_up && c->blk_n >= 0 && c->blk_n <= 3 &&
	    c->blk_code >= 0 && !c->blk_ofdm) {
		cs_domain_name(c->dev, c->blk_dom, dom, sizeof(dom));
		snprintf(up, sizeof(up), "%s/%d", dom, c->blk_n);
		record(c, c->blk_dom * 4 + c->blk_n, up, c->blk_code);
	}
	c->blk = 0;
}

/* A line has been sent completely: what a correct parser takes from it. */
static void truth_meta(struct conn *c, const struct cs_line *l)
{
	char up[32];

	if (!c->data)
		return;
	switch (l->kind) {
	case CS_L_ROW:
		cs_chan_name(c->dev, l->chan, up, sizeof(up));
		record(c, l->chan, up, l->code);
		break;
	case CS_L_HDR_UP:
	case CS_L_HDR_DOWN:
		block_flush(c);
		c->blk = 1;
		c->blk_up = l->kind == CS_L_HDR_UP;
		c->blk_dom = l->chan;
		c->blk_n = -1;
		c->blk_code = -1;
		c->blk_ofdm = 0;
		break;
	case CS_L_BIND:
		if (c->blk)
			c->blk_n = l->n;
		break;
	case CS_L_GROUP:
		if (c->blk)
			c->blk_code = l->code;
		break;
	case CS_L_OFDM:
		if (c->blk)
			c->blk_ofdm = 1;
		break;
	default:
		break;
	}
}

/* --- output --- */

static void out_put(struct conn *c, const char *p, size_t n)
{
	if (c->olen + n > c->ocap) {
		size_t cap = c->ocap ? c->ocap : 4096;
		while (cap < c->olen + n)
			cap *= 2;
		c->out = realloc(c->out, cap);
		if (!c->out)
			abort();
		c->ocap = cap;
	}
	memcpy(c->out + c->olen, p, n);
	c->olen += n;
}

static void out_meta(struct conn *c, const struct cs_line *l)
{
	if (c->nom == c->omcap) {
		c->omcap = c->omcap ? c->omcap * 2 : 256;
		c->om = realloc(c->om, c->omcap * sizeof(*c->om));
		if (!c->om)
			abort();
	}
	c->om[c->nom].end = c->olen;
	c->om[c->nom++].l = *l;
}

static const char *eol(const struct conn *c)
{
	return has(c, CS_F_CRCRLF) ? "\r\r\n" : "\r\n";
}

/* Text with colour codes around every other token. */
static void put_ansi(struct conn *c, const char *p, size_t n)
{
	static const char on[] = "\033[1;32m", off[] = "\033[0m";
	size_t i = 0;
	int k = 0;

	while (i < n) {
		size_t j = i;
		if (p[i] == ' ') {
			while (j < n && p[j] == ' ')
				j++;
			out_put(c, p + i, j - i);
		} else {
			while (j < n && p[j] != ' ')
				j++;
			if (k++ % 2 == 0) {
				out_put(c, on, sizeof(on) - 1);
				out_put(c, p + i, j - i);
				out_put(c, off, sizeof(off) - 1);
			} else {
				out_put(c, p + i, j - i);
			}
		}
		i = j;
	}
}

static void put_line(struct conn *c, const char *p, size_t n, int faulty)
{
	size_t cols = faulty && has(c, CS_F_WRAP) ? WRAP_COLS : (size_t)-1;
	size_t i = 0;

	do {
		size_t k = n - i > cols ? cols : n - i;
		if (faulty && has(c, CS_F_ANSI))
			put_ansi(c, p + i, k);
		else
			out_put(c, p + i, k);
		out_put(c, eol(c), strlen(eol(c)));
		i += k;
	} while (i < n);
}

static void out_reset(struct conn *c)
{
	c->olen = c->ooff = c->nom = c->omi = 0;
	c->close_after = 0;
	c->partial = 0;
	c->nrec = 0;
	c->blk = 0;
	memset(c->seen, 0, sizeof(c->seen));
}

static void put_prompt(struct conn *c)
{
	struct cs_line l = { .kind = CS_L_PROMPT };

	c->body_end = c->olen;
	out_put(c, c->dev->name, strlen(c->dev->name));
	out_put(c, c->priv ? "#" : ">", 1);
	out_meta(c, &l);
}

static void build_garbage(struct conn *c, size_t nlines)
{
	struct sim *S = c->sim;
	char g[64];

	for (size_t i = 0; i < nlines; i++) {
		uint64_t h = cs_h(c->dev->nh, S->garbage_ctr++, i, 77);
		for (size_t k = 0; k < sizeof(g); k++) {
			unsigned char b;
			h = cs_mix(h + k);
			b = (unsigned char)(h & 0xff);
			/* no line ends, ESC, BS, NUL, and nothing a parser keys on */
			if (b < 0x21 || b == 0x7f || strchr("%/#>-", b))
				b = (unsigned char)(0x80 | (b & 0x7f));
			if (b == 0x80 + 0x7f)
				b = 0xfe;
			g[k] = (char)b;
		}
		out_put(c, g, sizeof(g));
		out_put(c, eol(c), strlen(eol(c)));
	}
}

/* Turn the CLI reply into the bytes to send, with this device's faults. */
static void build_reply(struct conn *c, const struct cs_reply *r)
{
	const struct cs_text *t = &r->out;
	size_t n = t->nlines, cut = (size_t)-1;
	int faulty = r->data && r->cmd != CS_CMD_ERROR;

	out_reset(c);
	/* garbage and cuts hit the listings, not discovery */
	if (faulty && r->data == 1 && has(c, CS_F_GARBAGE)) {
		c->sim->faults++;
		build_garbage(c, n < 4 ? 4 : n);
		put_prompt(c);
		return;
	}
	if (faulty && r->data == 1 && has(c, CS_F_DISCONNECT) && n > 1) {
		cut = n / 2;
		if (c->dev->family == CS_CBR8)
			while (cut < n && t->lines[cut].kind != CS_L_HDR_UP &&
			       t->lines[cut].kind != CS_L_HDR_DOWN)
				cut++;
		if (cut >= n)
			cut = n - 1;
		c->sim->faults++;
	}
	if (faulty && (has(c, CS_F_WRAP) || has(c, CS_F_ANSI) ||
		       has(c, CS_F_CRCRLF)))
		c->sim->faults++;
	for (size_t i = 0; i < n; i++) {
		const struct cs_line *l = &t->lines[i];
		struct cs_line m = *l;

		if (i == cut) {
			out_put(c, t->buf + l->off, l->len / 2);
			c->close_after = 1;
			c->body_end = c->olen;
			return;
		}
		put_line(c, t->buf + l->off, l->len, faulty);
		if (faulty && has(c, CS_F_WRAP) && l->len > WRAP_COLS) {
			if (m.kind == CS_L_ROW)
				m.kind = CS_L_PLAIN;
			else if (m.kind == CS_L_HDR_UP)
				m.kind = CS_L_HDR_DOWN;
		}
		out_meta(c, &m);
	}
	put_prompt(c);
}

static const char *pager_prompt(const struct conn *c)
{
	return c->dev->family == CS_CBR8 ? " --More-- " : "--More--";
}

static const char *pager_erase(const struct conn *c)
{
	switch (c->dev->family) {
	case CS_CBR8: return "\b\b\b\b\b\b\b\b\b        \b\b\b\b\b\b\b\b\b";
	case CS_E6000: return "\r\033[K";
	default: return "\r        \r";
	}
}

static int chan_write(struct conn *c, const char *p, size_t n)
{
	uint32_t win = ssh_channel_window_size(c->ch);
	int w;

	if (n > win)
		n = win;
	if (n == 0)
		return 0;
	w = ssh_channel_write(c->ch, p, (uint32_t)n);
	return w < 0 ? -1 : w;
}

static void conn_close(struct conn *c)
{
	if (c->ch && ssh_channel_is_open(c->ch)) {
		ssh_channel_request_send_exit_status(c->ch, 0);
		ssh_channel_send_eof(c->ch);
		ssh_channel_close(c->ch);
	}
	c->state = ST_CLOSING;
	c->close_at = mono_ms() + 2000;
}

static void process_input(struct conn *c);

static void finish_reply(struct conn *c)
{
	struct sim *S = c->sim;

	block_flush(c);
	if (c->data == 1 && c->cmd != CS_CMD_ERROR) {
		if (c->close_after)
			truth_fail(c, "PARTIAL", "disconnect");
		else if (c->nrec == 0 && c->cmd != CS_CMD_CASA_HOPS_US &&
			 (c->dev->family != CS_CBR8 || has(c, CS_F_GARBAGE)))
			truth_fail(c, "FAILED", "no-upstreams");
	}
	c->data = 0;
	if (S->truth)
		fflush(S->truth);
	if (c->close_after) {
		conn_close(c);
		return;
	}
	c->state = ST_IDLE;
	process_input(c);
}

/* Send what the pager, the trickle fault and the window allow. */
static void pump(struct conn *c)
{
	while (c->state == ST_SEND) {
		size_t limit = c->olen;
		int stop = 0, w;

		if (has(c, CS_F_TRICKLE) && c->ooff < c->olen)
			limit = c->ooff + 1;
		if (c->page > 0 && c->ooff < c->body_end) {
			size_t p = c->ooff;
			int left = c->pager_left;
			while (p < c->body_end && left > 0)
				if (c->out[p++] == '\n')
					left--;
			if (left == 0 && p < c->body_end && p <= limit) {
				limit = p;
				stop = 1;
			}
		}
		if (limit > c->ooff) {
			w = chan_write(c, c->out + c->ooff, limit - c->ooff);
			if (w < 0) {
				conn_close(c);
				return;
			}
			for (size_t k = c->ooff; k < c->ooff + (size_t)w; k++)
				if (c->out[k] == '\n' && c->pager_left > 0)
					c->pager_left--;
			c->ooff += (size_t)w;
			while (c->omi < c->nom && c->om[c->omi].end <= c->ooff)
				truth_meta(c, &c->om[c->omi++].l);
			if (c->ooff < limit) {
				wake_in(c, 10);	/* window full */
				return;
			}
		}
		if (stop && c->ooff == limit) {
			const char *pp = pager_prompt(c);
			chan_write(c, pp, strlen(pp));
			c->state = ST_MORE;
			c->sim->faults += has(c, CS_F_PAGING);
			return;
		}
		if (c->ooff == c->olen) {
			finish_reply(c);
			return;
		}
		if (has(c, CS_F_TRICKLE)) {
			wake_in(c, TRICKLE_MS);
			return;
		}
	}
}

static void start_reply(struct conn *c)
{
	c->t_ms = wall_ms();
	c->state = ST_SEND;
	c->pager_left = c->page;
	if (c->data && c->cmd == CS_CMD_ERROR)
		truth_fail(c, "FAILED", "invalid-input");
	pump(c);
}

static void pager_key(struct conn *c, char k)
{
	const char *e = pager_erase(c);

	chan_write(c, e, strlen(e));
	c->state = ST_SEND;
	if (k == 'q' || k == 'Q') {
		c->ooff = c->body_end;
		while (c->omi < c->nom && c->om[c->omi].end <= c->ooff)
			c->omi++;
		c->pager_left = 0;
	} else {
		c->pager_left = k == '\r' || k == '\n' ? 1 : c->page;
	}
	pump(c);
}

/* Echo goes out once per batch of typed input, as a device echoes what
 * arrived in one packet, not one SSH packet per character. */
static void echo_flush(struct conn *c)
{
	if (c->echo_len)
		chan_write(c, c->echo_buf, c->echo_len);
	c->echo_len = 0;
}

static void echo(struct conn *c, const char *p, size_t n)
{
	if (c->enable_pw)
		return;
	if (c->echo_len + n > sizeof(c->echo_buf))
		echo_flush(c);
	memcpy(c->echo_buf + c->echo_len, p, n);
	c->echo_len += n;
}

static void run_line(struct conn *c)
{
	struct sim *S = c->sim;
	struct cs_reply *r = &S->reply;
	int64_t delay;

	c->line[c->linelen] = 0;
	if (c->enable_pw)
		chan_write(c, eol(c), strlen(eol(c)));
	else
		echo(c, eol(c), strlen(eol(c)));
	echo_flush(c);
	out_reset(c);
	c->data = 0;
	c->cmd = CS_CMD_NONE;
	if (c->enable_pw) {
		c->enable_pw = 0;
		c->priv = 1;
		put_prompt(c);
		c->linelen = 0;
		start_reply(c);
		return;
	}
	cs_cli_run(c->dev, c->line, strlen(c->dev->name) + 1,
		   has(c, CS_F_INVALID), sim_now(S), r);
	c->linelen = 0;
	if (r->cmd != CS_CMD_NONE)
		S->commands++;
	if (r->data && r->cmd == CS_CMD_ERROR)
		S->faults++;
	switch (r->cmd) {
	case CS_CMD_EXIT:
		conn_close(c);
		return;
	case CS_CMD_TERM_LEN:
		if (has(c, CS_F_PAGING))
			break;
		c->page = r->arg == 0 ? 0 : r->arg > 1 ? r->arg - 1 : 1;
		break;
	case CS_CMD_TERM_WIDTH:
		c->width = r->arg;
		break;
	case CS_CMD_PAGE_OFF:
		if (!has(c, CS_F_PAGING))
			c->page = 0;
		break;
	case CS_CMD_ENABLE:
		if (!c->priv) {
			static const char pw[] = "Password: ";
			out_put(c, pw, sizeof(pw) - 1);
			c->body_end = c->olen;
			c->enable_pw = 1;
			c->state = ST_SEND;
			pump(c);
			return;
		}
		break;
	default:
		break;
	}
	c->data = r->data;
	c->cmd = r->cmd;
	build_reply(c, r);
	delay = S->o->latency_ms;
	if (S->o->jitter_ms > 0)
		delay += (int64_t)(cs_h(c->dev->nh, S->commands, 0, 88) %
				   (uint64_t)(S->o->jitter_ms + 1));
	if (has(c, CS_F_SLOW)) {
		delay += SLOW_MS;
		S->faults++;
	}
	if (delay > 0) {
		c->state = ST_WAIT;
		wake_in(c, delay);
	} else {
		start_reply(c);
	}
}

/* Typed input: echo, line editing, one command at a time.  A reply that
 * completes at once calls back in here; the outer loop carries on. */
static void process_input(struct conn *c)
{
	if (c->in_proc)
		return;
	c->in_proc = 1;
	while (c->inoff < c->inlen && (c->state == ST_IDLE || c->state == ST_MORE)) {
		char ch = c->in[c->inoff++];
		int was_cr = c->last_cr;

		c->last_cr = ch == '\r';
		if (ch == '\n' && was_cr)
			continue;
		if (c->state == ST_MORE) {
			pager_key(c, ch);
			continue;
		}
		if (ch == '\r' || ch == '\n') {
			run_line(c);
		} else if (ch == 0x7f || ch == '\b') {
			if (c->linelen > 0) {
				c->linelen--;
				echo(c, "\b \b", 3);
			}
		} else if ((unsigned char)ch >= 0x20 &&
			   c->linelen < sizeof(c->line) - 1) {
			c->line[c->linelen++] = ch;
			echo(c, &ch, 1);
		}
	}
	echo_flush(c);
	if (c->inoff == c->inlen)
		c->inoff = c->inlen = 0;
	c->in_proc = 0;
}

static void login(struct conn *c)
{
	struct sim *S = c->sim;

	if (has(c, CS_F_HANG_PROMPT)) {
		S->faults++;
		truth_fail(c, "FAILED", "hang-prompt");
		c->state = ST_DEAD;
		return;
	}
	out_reset(c);
	if (has(c, CS_F_BANNER)) {
		char l[400];
		const char *e = eol(c);
		S->faults++;
		snprintf(l, sizeof(l), "%s*****************************************************%s"
			 "* %s# maintenance window Sun 02:00 > 04:00 #     *%s"
			 "* Unauthorized access prohibited >>> logged ### *%s"
			 "%s> all sessions are recorded%s%s",
			 e, e, c->dev->name, e, e, c->dev->name, e, e);
		out_put(c, l, strlen(l));
	}
	put_prompt(c);
	start_reply(c);
}

static void on_wake(struct conn *c)
{
	switch (c->state) {
	case ST_LOGIN:
		login(c);
		break;
	case ST_WAIT:
		start_reply(c);
		break;
	case ST_SEND:
		pump(c);
		break;
	case ST_IDLE:
	case ST_MORE:
		process_input(c);
		break;
	default:
		break;
	}
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

/* --- host keys --- */

static void put32(unsigned char *b, size_t *n, uint32_t v)
{
	b[(*n)++] = (unsigned char)(v >> 24);
	b[(*n)++] = (unsigned char)(v >> 16);
	b[(*n)++] = (unsigned char)(v >> 8);
	b[(*n)++] = (unsigned char)v;
}

static void putstr(unsigned char *b, size_t *n, const void *p, size_t len)
{
	put32(b, n, (uint32_t)len);
	memcpy(b + *n, p, len);
	*n += len;
}

/* An unencrypted "openssh-key-v1" ed25519 key, which libssh reads with its
 * own ed25519 code (its OpenSSL PEM path cannot duplicate such keys). */
static char *openssh_pem(const unsigned char priv[32], const unsigned char pub[32])
{
	unsigned char blob[512], sec[256], pk[64], sk[64];
	size_t n = 0, ns = 0, npk = 0;
	char *pem, *p;
	int len;

	memcpy(sk, priv, 32);
	memcpy(sk + 32, pub, 32);
	putstr(pk, &npk, "ssh-ed25519", 11);
	putstr(pk, &npk, pub, 32);
	put32(sec, &ns, 0x63736170);
	put32(sec, &ns, 0x63736170);
	putstr(sec, &ns, "ssh-ed25519", 11);
	putstr(sec, &ns, pub, 32);
	putstr(sec, &ns, sk, 64);
	putstr(sec, &ns, "ccapsim", 7);
	for (unsigned char pad = 1; ns % 8; pad++)
		sec[ns++] = pad;
	memcpy(blob, "openssh-key-v1", 15);
	n = 15;
	putstr(blob, &n, "none", 4);
	putstr(blob, &n, "none", 4);
	putstr(blob, &n, "", 0);
	put32(blob, &n, 1);
	putstr(blob, &n, pk, npk);
	putstr(blob, &n, sec, ns);
	pem = malloc(1024);
	if (!pem)
		return NULL;
	p = pem + sprintf(pem, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
	len = EVP_EncodeBlock((unsigned char *)p, blob, (int)n);
	p += len;
	sprintf(p, "\n-----END OPENSSH PRIVATE KEY-----\n");
	return pem;
}

void *cs_host_key(uint64_t seed, const char *name, int alt, const char *dir)
{
	unsigned char priv[32], sb[8];
	unsigned int mdlen = 0;
	char path[4096], *pem = NULL;
	ssh_key key = NULL;
	EVP_MD_CTX *md;
	EVP_PKEY *pk;
	size_t publen = 32;
	unsigned char pub[32];

	if (dir && !alt) {
		snprintf(path, sizeof(path), "%s/%s.key", dir, name);
		if (access(path, R_OK) == 0 &&
		    ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) == SSH_OK)
			return key;
	}
	for (int i = 0; i < 8; i++)
		sb[i] = (unsigned char)(seed >> (8 * i));
	md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(md, "ccapsim-hostkey", 15) ||
	    !EVP_DigestUpdate(md, sb, sizeof(sb)) ||
	    !EVP_DigestUpdate(md, name, strlen(name)) ||
	    (alt && !EVP_DigestUpdate(md, "/other", 6)) ||
	    !EVP_DigestFinal_ex(md, priv, &mdlen)) {
		EVP_MD_CTX_free(md);
		return NULL;
	}
	EVP_MD_CTX_free(md);
	pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, priv, 32);

	if (pk && EVP_PKEY_get_raw_public_key(pk, pub, &publen) && publen == 32)
		pem = openssh_pem(priv, pub);
	EVP_PKEY_free(pk);
	if (!pem || ssh_pki_import_privkey_base64(pem, NULL, NULL, NULL, &key) != SSH_OK)
		key = NULL;
	free(pem);
	if (key && dir && !alt) {
		snprintf(path, sizeof(path), "%s/%s.key", dir, name);
		ssh_pki_export_privkey_file(key, NULL, NULL, NULL, path);
		snprintf(path, sizeof(path), "%s/%s.pub", dir, name);
		ssh_pki_export_pubkey_file(key, path);
	}
	return key;
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

int cs_serve(const struct cs_opts *o)
{
	struct sim S0 = { .o = o }, *S = &S0;
	struct lctx *lc;
	struct sigaction sa = { .sa_handler = on_signal };
	int64_t t0 = mono_ms(), next_sweep = 0;
	int rc = 0, epfd;

	S->mono0 = t0;
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
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
	if (epfd < 0) {
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
			return 1;
		}
		d->lfd = listen_on(o->listen, port, &d->port);
		if (d->lfd < 0) {
			fprintf(stderr, "ccapsim: %s: listen on %s:%d: %s\n", d->name,
				o->listen, port, strerror(errno));
			return 1;
		}
		lc[i] = (struct lctx){ S, d };
		struct epoll_event ee = { .events = EPOLLIN, .data.ptr = &lc[i] };
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, d->lfd, &ee) < 0) {
			fprintf(stderr, "ccapsim: epoll: %s\n", strerror(errno));
			return 1;
		}
	}
	ssh_event_add_fd(S->ev, epfd, POLLIN, listeners_cb, S);
	S->sess_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (S->sess_epfd < 0) {
		fprintf(stderr, "ccapsim: epoll: %s\n", strerror(errno));
		return 1;
	}
	ssh_event_add_fd(S->ev, S->sess_epfd, POLLIN, sessions_cb, S);
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
	if (o->inventory && write_inventory(S, o->inventory) < 0) {
		fprintf(stderr, "ccapsim: %s: %s\n", o->inventory, strerror(errno));
		return 1;
	}
	fprintf(stderr, "ccapsim: %d devices ready in %lld ms\n", S->ndev,
		(long long)(mono_ms() - t0));
	while (!stop_flag) {
		int64_t now = mono_ms(), timeout = 100;

		if (S->nheap && S->heap[0].when - now < timeout)
			timeout = S->heap[0].when > now ? S->heap[0].when - now : 0;
		ssh_event_dopoll(S->ev, (int)timeout);
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
	return rc;
}
