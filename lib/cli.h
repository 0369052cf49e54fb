/*
 * The device-text layer shared by every family (CCAP-FORMATS.md sections
 * 1, 2 and 7): cleaning one command's raw output into plain lines, and a
 * streaming detector that tells the session engine when a pager prompt
 * waits for a key and when a command's output is complete.  Pure: no I/O.
 */
#ifndef MS_CLI_H
#define MS_CLI_H

#include "ms.h"
#include "buf.h"

enum {
	MS_CLI_REASON_MAX = 256,	/* failure reason, with its NUL */
	MS_CLI_HOST_MAX = 64,		/* learned hostname, with its NUL */
	MS_CLI_LINE_MAX = 256		/* line the detector remembers */
};

/* What ms_cli_clean found besides the lines. */
struct ms_cli_result {
	bool partial;	/* the last line was cut (no line end, not a prompt) */
	bool failed;	/* a line starts with '%': an error reply */
	size_t lines;	/* lines kept in the output */
	char reason[MS_CLI_REASON_MAX];	/* the '%' line when failed */
};

/*
 * Clean one command's raw output (section 2, in order): drop NULs, strip
 * ANSI sequences, delete pager prompts with their erase run, apply
 * backspaces, normalise line ends, drop a cut last line (partial), drop
 * prompt lines and a bare "show " echo, and detect a '%' error line
 * (failed: out is left empty).  out is reset and receives the kept lines,
 * each ending in '\n'.  Returns 0, or MS_E_NOMEM / MS_E_TOOBIG (out->max).
 */
int ms_cli_clean(const char *raw, size_t len, struct ms_buf *out,
		 struct ms_cli_result *res);

/* True when line[0..len) is a prompt line (`name>` or `name#`, maybe
 * followed by an echoed command). */
bool ms_cli_is_prompt(const char *line, size_t len);

/* What ms_cli_feed saw at the end of the bytes fed so far. */
enum ms_cli_event {
	MS_CLI_NONE = 0,	/* nothing to do: wait for more bytes */
	MS_CLI_MORE,		/* a pager prompt waits: send one space */
	MS_CLI_LEARNED,		/* the prompt is learned (ms_cli_host) */
	MS_CLI_DONE		/* the learned prompt ends the stream */
};

/*
 * Streaming detector, one per session.  After login, send one CR and feed
 * everything received: the prompt is learned when the same prompt line
 * shows up as a complete line and again, unterminated, at the end of the
 * stream (the prompt, the echoed CR, the prompt), so a banner or MOTD line
 * that merely looks like a prompt is never taken.  Then, for each command,
 * call ms_cli_begin when it is sent and feed its output until MS_CLI_DONE,
 * answering MS_CLI_MORE with a space.
 */
struct ms_cli {
	char host[MS_CLI_HOST_MAX];	/* learned prompt without '#'/'>' */
	size_t host_len;
	char line[MS_CLI_LINE_MAX];	/* current physical line, cleaned */
	size_t line_len;
	bool line_long;			/* it outgrew line[]: not a prompt */
	char cand[MS_CLI_LINE_MAX];	/* last complete prompt-like line */
	size_t cand_len;
	int esc;			/* ANSI parser state */
	bool more_told;			/* MS_CLI_MORE given for this line */
};

void ms_cli_init(struct ms_cli *c);

/* A command was just sent: forget the partial line seen so far. */
void ms_cli_begin(struct ms_cli *c);

/* Feed n raw bytes; the event describes the stream's end after them. */
enum ms_cli_event ms_cli_feed(struct ms_cli *c, const char *p, size_t n);

/* The learned hostname ("" before MS_CLI_LEARNED). */
const char *ms_cli_host(const struct ms_cli *c);

#endif
