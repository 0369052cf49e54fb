/* One session of a simulated CCAP: the timer heap, the CLI (echo, lines,
 * pager keys), building and pumping replies with their faults, and the
 * truth log of what a correct parser must extract from the bytes sent. */
#include "server.h"

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

struct timer heap_pop(struct sim *S)
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

void wake_in(struct conn *c, int64_t ms)
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

void truth_fail(struct conn *c, const char *what, const char *why)
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
	if (w == SSH_AGAIN)
		return 0;
	/* libssh 0.10 queues the data, then reports a failed non-blocking
	 * flush as an error without a message: the bytes are on their way */
	if (w < 0 && !ssh_get_error(c->s)[0] && ssh_channel_is_open(c->ch))
		return (int)n;
	if (w < 0 && getenv("CCAPSIM_SSH_DEBUG"))
		fprintf(stderr, "ccapsim: %s: write: %s\n", c->dev->name,
			ssh_get_error(c->s));
	return w < 0 ? -1 : w;
}

void conn_close(struct conn *c)
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

void on_wake(struct conn *c)
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

