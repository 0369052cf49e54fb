/* The device CLI: keywords case-insensitive and abbreviable, IOS-style
 * errors with a caret, `| include REGEX` applied for real (POSIX ERE, so
 * the IOS `|` alternation works). */
#include "ccapsim.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { E6 = 1 << CS_E6000, CA = 1 << CS_CASA, CB = 1 << CS_CBR8, ALL = 7 };
enum { MAXTOK = 8 };

struct pat {
	int fams, cmd, data;
	const char *el[6];
};

static const struct pat pats[] = {
	{ E6 | CB, CS_CMD_TERM_LEN, 0, { "terminal", "length", "<num>" } },
	{ E6 | CB, CS_CMD_TERM_WIDTH, 0, { "terminal", "width", "<num>" } },
	{ CA, CS_CMD_PAGE_OFF, 0, { "page-off" } },
	{ ALL, CS_CMD_ENABLE, 0, { "enable" } },
	{ ALL, CS_CMD_EXIT, 0, { "exit" } },
	{ ALL, CS_CMD_EXIT, 0, { "quit" } },
	{ CA, CS_CMD_EXIT, 0, { "logout" } },
	{ ALL, CS_CMD_SHOW_VER, 0, { "show", "version" } },
	{ E6, CS_CMD_E6_US, 1, { "show", "interface", "cable-upstream" } },
	{ CA, CS_CMD_CASA_HOPS, 1, { "show", "spectrum", "hop-history" } },
	{ CA, CS_CMD_CASA_HOPS_US, 1,
	  { "show", "spectrum", "hop-history", "upstream", "<casaus>" } },
	{ CA | CB, CS_CMD_CM_SUM, 2, { "show", "cable", "modem", "summary" } },
	{ CB, CS_CMD_CB_CTRL, 1, { "show", "controllers", "<cable>", "upstream" } },
};
enum { NPAT = sizeof(pats) / sizeof(pats[0]) };

struct tok {
	const char *s;
	size_t len, col;
};

static size_t tokenize(const char *s, size_t len, size_t base, struct tok *t,
		       size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i == len)
			break;
		t[n].s = s + i;
		t[n].col = base + i;
		while (i < len && !isspace((unsigned char)s[i]))
			i++;
		t[n].len = (size_t)(s + i - t[n].s);
		n++;
	}
	return n;
}

static int is_prefix(const struct tok *t, const char *kw)
{
	return t->len <= strlen(kw) && strncasecmp(t->s, kw, t->len) == 0;
}

/* Cable1/0/1, cable1/0/1, C1/0/1, c1/0/1: the letters are any prefix of
 * "cable"; the rest names a MAC domain of this device. */
static int match_cable(const struct cs_dev *d, const struct tok *t)
{
	size_t k = 0;
	char sp[24];

	while (k < t->len && isalpha((unsigned char)t->s[k]))
		k++;
	if (k == 0 || k > 5 || strncasecmp(t->s, "cable", k) != 0 ||
	    t->len - k >= sizeof(sp))
		return -1;
	memcpy(sp, t->s + k, t->len - k);
	sp[t->len - k] = 0;
	return cs_domain_lookup(d, sp);
}

static int match_arg(const struct cs_dev *d, const char *el,
		     const struct tok *t, int *arg)
{
	char buf[32];

	if (strcmp(el, "<num>") == 0) {
		long v = 0;
		for (size_t k = 0; k < t->len; k++) {
			if (!isdigit((unsigned char)t->s[k]) || v > 100000)
				return 0;
			v = v * 10 + (t->s[k] - '0');
		}
		if (v > 512)
			return 0;
		*arg = (int)v;
		return 1;
	}
	if (strcmp(el, "<cable>") == 0) {
		*arg = match_cable(d, t);
		return *arg >= 0;
	}
	if (t->len >= sizeof(buf))
		return 0;
	memcpy(buf, t->s, t->len);
	buf[t->len] = 0;
	*arg = cs_casa_lookup(d, buf);
	return *arg >= 0;
}

static void caret(struct cs_reply *r, size_t col)
{
	char sp[600];

	if (col > sizeof(sp) - 2)
		col = sizeof(sp) - 2;
	memset(sp, ' ', col);
	sp[col] = '^';
	sp[col + 1] = 0;
	cs_text_add(&r->out, 0, 0, 0, 0, "%s", sp);
	cs_text_add(&r->out, 0, 0, 0, 0, "%% Invalid input detected at '^' marker.");
	cs_text_add(&r->out, 0, 0, 0, 0, "%s", "");
	r->cmd = CS_CMD_ERROR;
	snprintf(r->reason, sizeof(r->reason), "invalid-input");
}

/* Resolve the tokens to one pattern; on failure the reply holds the error. */
static int resolve(const struct cs_dev *d, const struct tok *t, size_t n,
		   const char *line, struct cs_reply *r, size_t prompt_len)
{
	int alive[NPAT], args[NPAT];

	for (int p = 0; p < NPAT; p++) {
		alive[p] = (pats[p].fams >> d->family) & 1;
		args[p] = -1;
	}
	for (size_t i = 0; i < n; i++) {
		int any = 0, exact = 0;
		const char *kw = NULL;
		int ambiguous = 0;

		for (int p = 0; p < NPAT; p++) {
			const char *el;
			if (!alive[p])
				continue;
			el = i < 6 ? pats[p].el[i] : NULL;
			if (!el) {
				alive[p] = 0;
			} else if (el[0] == '<') {
				alive[p] = match_arg(d, el, &t[i], &args[p]);
			} else if (is_prefix(&t[i], el)) {
				if (t[i].len == strlen(el))
					exact = 1;
				else if (kw && strcmp(kw, el) != 0)
					ambiguous = 1;
				kw = kw ? kw : el;
			} else {
				alive[p] = 0;
			}
			any |= alive[p];
		}
		if (!any) {
			caret(r, prompt_len + t[i].col);
			return -1;
		}
		if (exact) {
			for (int p = 0; p < NPAT; p++)
				if (alive[p] && pats[p].el[i][0] != '<' &&
				    t[i].len != strlen(pats[p].el[i]))
					alive[p] = 0;
		} else if (ambiguous) {
			cs_text_add(&r->out, 0, 0, 0, 0, "%% Ambiguous command:  \"%.*s\"",
				    (int)(t[i].col + t[i].len), line);
			r->cmd = CS_CMD_ERROR;
			snprintf(r->reason, sizeof(r->reason), "ambiguous");
			return -1;
		}
	}
	for (int p = 0; p < NPAT; p++) {
		if (alive[p] && (n >= 6 || !pats[p].el[n])) {
			r->cmd = pats[p].cmd;
			r->data = pats[p].data;
			r->arg = args[p];
			return p;
		}
	}
	cs_text_add(&r->out, 0, 0, 0, 0, "%% Incomplete command.");
	cs_text_add(&r->out, 0, 0, 0, 0, "%s", "");
	r->cmd = CS_CMD_ERROR;
	snprintf(r->reason, sizeof(r->reason), "incomplete");
	return -1;
}

static void filter(struct cs_text *t, const regex_t *re)
{
	size_t k = 0;

	for (size_t i = 0; i < t->nlines; i++)
		if (regexec(re, t->buf + t->lines[i].off, 0, NULL, 0) == 0)
			t->lines[k++] = t->lines[i];
	t->nlines = k;
}

void cs_cli_run(const struct cs_dev *d, const char *line, size_t prompt_len,
		int faulty_invalid, double sim_s, struct cs_reply *r)
{
	struct tok t[MAXTOK + 1], pt[2];
	size_t len = strlen(line), cmdlen, n;
	const char *bar = strchr(line, '|');
	int64_t step = (int64_t)sim_s / CS_STEP_S;
	regex_t re;
	int have_re = 0;

	cs_text_reset(&r->out);
	r->cmd = CS_CMD_NONE;
	r->data = 0;
	r->arg = -1;
	r->reason[0] = 0;
	cmdlen = bar ? (size_t)(bar - line) : len;
	n = tokenize(line, cmdlen, 0, t, MAXTOK + 1);
	if (n == 0) {
		if (bar)
			caret(r, prompt_len + (size_t)(bar - line));
		return;
	}
	if (n > MAXTOK) {
		caret(r, prompt_len + t[MAXTOK].col);
		return;
	}
	if (bar) {
		size_t off = (size_t)(bar - line) + 1;
		size_t pn = tokenize(bar + 1, len - off, off, pt, 1);
		const char *rx;

		if (pn == 0 || !is_prefix(&pt[0], "include")) {
			caret(r, prompt_len + (pn ? pt[0].col : len));
			return;
		}
		rx = pt[0].s + pt[0].len;
		while (*rx == ' ' || *rx == '\t')
			rx++;
		if (!*rx) {
			cs_text_add(&r->out, 0, 0, 0, 0, "%% Incomplete command.");
			r->cmd = CS_CMD_ERROR;
			return;
		}
		if (regcomp(&re, rx, REG_EXTENDED | REG_NOSUB) != 0) {
			caret(r, prompt_len + (size_t)(rx - line));
			return;
		}
		have_re = 1;
	}
	if (resolve(d, t, n, line, r, prompt_len) < 0)
		goto out;
	if (faulty_invalid && strncasecmp(t[0].s, "sh", 2) == 0) {
		int data = r->data;
		caret(r, prompt_len + t[1].col);
		r->data = data;
		goto out;
	}
	switch (r->cmd) {
	case CS_CMD_SHOW_VER:
		cs_render_version(d, &r->out);
		break;
	case CS_CMD_E6_US:
		cs_render_e6000(d, step, &r->out);
		break;
	case CS_CMD_CASA_HOPS:
		cs_render_casa_hops(d, sim_s, -1, &r->out);
		break;
	case CS_CMD_CASA_HOPS_US:
		cs_render_casa_hops(d, sim_s, r->arg, &r->out);
		break;
	case CS_CMD_CM_SUM:
		if (d->family == CS_CASA)
			cs_render_casa_summary(d, &r->out);
		else
			cs_render_cbr8_summary(d, &r->out);
		break;
	case CS_CMD_CB_CTRL:
		cs_render_cbr8_controller(d, r->arg, step, &r->out);
		break;
	default:
		break;
	}
	if (have_re)
		filter(&r->out, &re);
out:
	if (have_re)
		regfree(&re);
}
