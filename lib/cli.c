/*
 * Device output clean-up and the prompt/pager detector (see cli.h).  The
 * rules are CCAP-FORMATS.md section 2; each pass only shrinks the text, so
 * they run in place on one copy.
 */
#include "cli.h"

enum { ESC = 0x1b, BS = 0x08, BEL = 0x07 };

enum { A_TEXT, A_ESC, A_CSI, A_OSC, A_OSC_ESC };

/*
 * One byte through the ANSI state machine: true when it is text to keep.
 * A control byte inside a CSI or OSC ends the broken sequence and is kept,
 * so a stray ESC cannot swallow the rest of the output.
 */
static bool ansi_step(int *st, unsigned char ch)
{
	switch (*st) {
	case A_TEXT:
		if (ch != ESC)
			return true;
		*st = A_ESC;
		return false;
	case A_ESC:
		*st = ch == '[' ? A_CSI : ch == ']' ? A_OSC : A_TEXT;
		return false;
	case A_CSI:
		if (ch < 0x20) {
			*st = A_TEXT;
			return true;
		}
		if (ch >= 0x40 && ch <= 0x7e)
			*st = A_TEXT;
		return false;
	case A_OSC:
		if (ch == '\r' || ch == '\n') {
			*st = A_TEXT;
			return true;
		}
		if (ch == BEL)
			*st = A_TEXT;
		else if (ch == ESC)
			*st = A_OSC_ESC;
		return false;
	default:
		*st = A_TEXT;
		return false;
	}
}

/* Length of a pager prompt `-- ?more ?--` (any case) at s, else 0. */
static size_t pager_at(const char *s, size_t n)
{
	size_t i = 0;

	if (n < 6 || s[0] != '-' || s[1] != '-')
		return 0;
	i = 2;
	if (i < n && s[i] == ' ')
		i++;
	if (n - i < 4 || strncasecmp(s + i, "more", 4))
		return 0;
	i += 4;
	if (i < n && s[i] == ' ')
		i++;
	if (n - i < 2 || s[i] != '-' || s[i + 1] != '-')
		return 0;
	return i + 2;
}

/* Pass 1: drop NULs and ANSI sequences.  Returns the new length. */
static size_t strip_ansi(char *s, size_t n)
{
	size_t r, w = 0;
	int st = A_TEXT;

	for (r = 0; r < n; r++) {
		if (s[r] && ansi_step(&st, (unsigned char)s[r]))
			s[w++] = s[r];
	}
	return w;
}

/*
 * Pass 2: delete pager prompts, the blanks before them back to the line
 * start, blanks after them, and the BS/space/CR erase run that follows up
 * to its last BS or CR (spaces after that are the next line's text); then
 * apply the remaining backspaces within the line.
 */
static size_t strip_pager(char *s, size_t n)
{
	size_t r = 0, w = 0, k, m, last;

	while (r < n) {
		if (s[r] == BS) {
			if (w && s[w - 1] != '\n' && s[w - 1] != '\r')
				w--;
			r++;
			continue;
		}
		if (!(m = pager_at(s + r, n - r))) {
			s[w++] = s[r++];
			continue;
		}
		for (k = w; k && s[k - 1] == ' '; k--)
			;
		if (!k || s[k - 1] == '\n' || s[k - 1] == '\r')
			w = k;
		r += m;
		/* The erase run ends at its last BS or CR; without one, the
		 * blanks after the prompt go with it. */
		for (last = 0, k = r; k < n && (s[k] == ' ' || s[k] == BS ||
					  s[k] == '\r'); k++) {
			if (s[k] != ' ')
				last = k + 1;
		}
		r = last ? last : k;
	}
	return w;
}

/* Pass 3: every line end form becomes '\n'. */
static size_t fold_eol(char *s, size_t n)
{
	size_t r = 0, w = 0;

	while (r < n) {
		if (s[r] == '\r' && r + 2 < n && s[r + 1] == '\r' &&
		    s[r + 2] == '\n')
			r += 3;
		else if ((s[r] == '\r' && r + 1 < n && s[r + 1] == '\n') ||
			 (s[r] == '\n' && r + 1 < n && s[r + 1] == '\r'))
			r += 2;
		else if (s[r] == '\r' || s[r] == '\n')
			r++;
		else {
			s[w++] = s[r++];
			continue;
		}
		s[w++] = '\n';
	}
	return w;
}

static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* Length of the `name` of a prompt at line start, 0 when there is none. */
static size_t prompt_name(const char *s, size_t n)
{
	size_t i;

	if (!n || !((s[0] >= 'A' && s[0] <= 'Z') ||
		    (s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	for (i = 1; i < n && is_name_char(s[i]); i++)
		;
	return i < n && (s[i] == '>' || s[i] == '#') ? i : 0;
}

bool ms_cli_is_prompt(const char *line, size_t len)
{
	return prompt_name(line, len) > 0;
}

/* True when s[i..n) is only blanks. */
static bool blank_from(const char *s, size_t i, size_t n)
{
	for (; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	}
	return true;
}

static void set_reason(struct ms_cli_result *res, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	n = MS_MIN(n - i, sizeof(res->reason) - 1);
	memcpy(res->reason, s + i, n);
	res->reason[n] = 0;
}

/* Steps 6-8 on text with '\n' line ends only. */
static int keep_lines(const char *s, size_t n, struct ms_buf *out,
		      struct ms_cli_result *res)
{
	const char *p = s, *end = s + n, *nl;
	size_t len, i;
	int r;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!nl) {
			/* A cut last line; a prompt there is the normal end. */
			if (!blank_from(p, 0, len) && !prompt_name(p, len))
				res->partial = true;
			break;
		}
		for (i = 0; i < len && (p[i] == ' ' || p[i] == '\t'); i++)
			;
		if (i < len && p[i] == '%' && !res->failed) {
			res->failed = true;
			set_reason(res, p, len);
		}
		if (!prompt_name(p, len) && !(len >= 5 && !memcmp(p, "show ", 5))) {
			if ((r = ms_buf_add(out, p, len + 1)) < 0)
				return r;
			res->lines++;
		}
		p = nl + 1;
	}
	if (res->failed) {
		ms_buf_reset(out);
		res->lines = 0;
	}
	return 0;
}

int ms_cli_clean(const char *raw, size_t len, struct ms_buf *out,
		 struct ms_cli_result *res)
{
	char *s;
	size_t n;
	int r;

	memset(res, 0, sizeof(*res));
	ms_buf_reset(out);
	if (!len)
		return 0;
	if (!(s = malloc(len)))
		return MS_E_NOMEM;
	memcpy(s, raw, len);
	n = strip_ansi(s, len);
	n = strip_pager(s, n);
	n = fold_eol(s, n);
	r = keep_lines(s, n, out, res);
	free(s);
	return r;
}

void ms_cli_init(struct ms_cli *c)
{
	memset(c, 0, sizeof(*c));
}

void ms_cli_begin(struct ms_cli *c)
{
	c->line_len = 0;
	c->line_long = false;
	c->more_told = false;
	c->esc = A_TEXT;
}

const char *ms_cli_host(const struct ms_cli *c)
{
	return c->host;
}

/* Length of the line without trailing blanks. */
static size_t trimmed(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* A whole line that is only a prompt: `name#` or `name>` plus blanks. */
static size_t bare_prompt(const char *s, size_t n)
{
	size_t name = prompt_name(s, n);

	return name && trimmed(s, n) == name + 1 ? name : 0;
}

/* A line that ended (CR or LF): remember it if it is a bare prompt. */
static void end_line(struct ms_cli *c)
{
	if (!c->line_long && bare_prompt(c->line, c->line_len)) {
		memcpy(c->cand, c->line, c->line_len);
		c->cand_len = trimmed(c->line, c->line_len);
	} else if (c->line_long || trimmed(c->line, c->line_len)) {
		c->cand_len = 0;	/* only blank lines may come between */
	}
	c->line_len = 0;
	c->line_long = false;
	c->more_told = false;
}

static void add_byte(struct ms_cli *c, char ch)
{
	if (ch == '\r' || ch == '\n') {
		end_line(c);
	} else if (ch == BS) {
		if (c->line_len && !c->line_long)
			c->line_len--;
		c->more_told = false;
	} else if (c->line_len < sizeof(c->line)) {
		c->line[c->line_len++] = ch;
	} else {
		c->line_long = true;
	}
}

/* The current line is a pager prompt, maybe with blanks around it. */
static bool line_is_pager(const struct ms_cli *c)
{
	size_t i = 0, n = trimmed(c->line, c->line_len), m;

	if (c->line_long)
		return false;
	while (i < n && c->line[i] == ' ')
		i++;
	m = pager_at(c->line + i, n - i);
	return m && i + m == n;
}

static enum ms_cli_event learn(struct ms_cli *c)
{
	size_t name = bare_prompt(c->line, c->line_len);
	size_t n = trimmed(c->line, c->line_len);

	if (!name || name >= sizeof(c->host) || n != c->cand_len ||
	    memcmp(c->line, c->cand, n))
		return MS_CLI_NONE;
	memcpy(c->host, c->line, name);
	c->host[name] = 0;
	c->host_len = name;
	return MS_CLI_LEARNED;
}

enum ms_cli_event ms_cli_feed(struct ms_cli *c, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] && ansi_step(&c->esc, (unsigned char)p[i]))
			add_byte(c, p[i]);
	}
	if (c->esc != A_TEXT || c->line_long)
		return MS_CLI_NONE;
	if (line_is_pager(c)) {
		if (c->more_told)
			return MS_CLI_NONE;
		c->more_told = true;
		return MS_CLI_MORE;
	}
	if (!c->host_len)
		return learn(c);
	if (bare_prompt(c->line, c->line_len) == c->host_len &&
	    !memcmp(c->line, c->host, c->host_len))
		return MS_CLI_DONE;
	return MS_CLI_NONE;
}
