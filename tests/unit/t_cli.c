/* ms_cli_clean (CCAP-FORMATS.md section 2) and the prompt/pager detector. */
#include "harness.h"

#include "buf.h"
#include "cli.h"

#define ERASE9 "\b\b\b\b\b\b\b\b\b        \b\b\b\b\b\b\b\b\b"

static const struct {
	const char *name, *raw;
	size_t len;		/* 0: strlen(raw) */
	const char *out;
	bool partial, failed;
	const char *reason;
} cleans[] = {
	{ "CRLF", "a\r\nb\r\n", 0, "a\nb\n", 0, 0, "" },
	{ "CR CR LF", "a\r\r\nb\r\r\n", 0, "a\nb\n", 0, 0, "" },
	{ "LF CR", "a\n\rb\n\r", 0, "a\nb\n", 0, 0, "" },
	{ "lone CR is a line end", "a\rb\n", 0, "a\nb\n", 0, 0, "" },
	{ "NUL dropped", "a\0b\n", 4, "ab\n", 0, 0, "" },
	{ "CSI colour", "\x1b[1;32mIS\x1b[0m x\n", 0, "IS x\n", 0, 0, "" },
	{ "OSC with BEL", "\x1b]0;title\x07x\n", 0, "x\n", 0, 0, "" },
	{ "OSC with ST", "\x1b]0;t\x1b\\x\n", 0, "x\n", 0, 0, "" },
	{ "two-byte ESC", "\x1b=x\n", 0, "x\n", 0, 0, "" },
	{ "broken CSI ends at the line end", "a\x1b[12\nb\n", 0, "a\nb\n",
	  0, 0, "" },
	{ "IOS pager and its erase", "l1\n --More-- " ERASE9 "l2\n", 0,
	  "l1\nl2\n", 0, 0, "" },
	{ "IOS pager keeps the next line's indent",
	  "l1\n --More-- " ERASE9 "  Bind\n", 0, "l1\n  Bind\n", 0, 0, "" },
	{ "E6000 pager", "l1\n--More--\r\x1b[Kl2\n", 0, "l1\nl2\n", 0, 0,
	  "" },
	{ "Casa pager", "l1\n--More--\r        \rl2\n", 0, "l1\nl2\n", 0, 0,
	  "" },
	{ "lower-case pager with blanks", "l1\n  -- more -- \r\rl2\n", 0,
	  "l1\nl2\n", 0, 0, "" },
	{ "backspaces applied", "abc\b\bd\n", 0, "ad\n", 0, 0, "" },
	{ "backspace at line start", "x\n\by\n", 0, "x\ny\n", 0, 0, "" },
	{ "cut last line: partial", "a\nb", 0, "a\n", 1, 0, "" },
	{ "prompt at the end is not cut", "a\nHOST#", 0, "a\n", 0, 0, "" },
	{ "prompt with a blank", "a\nHOST> ", 0, "a\n", 0, 0, "" },
	{ "echo with prompt removed", "HOST#show x\na\nHOST#", 0, "a\n", 0,
	  0, "" },
	{ "bare echo removed", "show x\na\n", 0, "a\n", 0, 0, "" },
	{ "invalid input fails",
	  "H#show x\n  ^\n% Invalid input detected at '^' marker.\n\nH#", 0,
	  "", 0, 1, "% Invalid input detected at '^' marker." },
	{ "indented % line", "  % Ambiguous command: \"sh\"  \n", 0, "", 0,
	  1, "% Ambiguous command: \"sh\"" },
	{ "percent inside a line is data", "Load for five secs: 9%/0%\n", 0,
	  "Load for five secs: 9%/0%\n", 0, 0, "" },
	{ "banner line with # and > kept", "*** a # b > c ***\n", 0,
	  "*** a # b > c ***\n", 0, 0, "" },
	{ "empty", "", 0, "", 0, 0, "" },
	{ "blank last line is not cut", "a\n  ", 0, "a\n", 0, 0, "" },
};

static void test_clean(void)
{
	struct ms_cli_result res;
	struct ms_buf out;
	size_t i, len;
	int r;

	ms_buf_init(&out, 1 << 20);
	for (i = 0; i < MS_ARRAY_SIZE(cleans); i++) {
		len = cleans[i].len ? cleans[i].len : strlen(cleans[i].raw);
		r = ms_cli_clean(cleans[i].raw, len, &out, &res);
		is_int(r, 0, "clean %s: returns 0", cleans[i].name);
		is_str(out.p, cleans[i].out, "clean %s: text", cleans[i].name);
		is_int(res.partial, cleans[i].partial, "clean %s: partial",
		       cleans[i].name);
		is_int(res.failed, cleans[i].failed, "clean %s: failed",
		       cleans[i].name);
		is_str(res.reason, cleans[i].reason, "clean %s: reason",
		       cleans[i].name);
	}
	ms_buf_release(&out);
}

static const struct {
	const char *line;
	bool prompt;
} prompts[] = {
	{ "CCAP003#", 1 }, { "ccap101>", 1 }, { "CASA-C100G>", 1 },
	{ "r1.example_2#show x", 1 }, { "1abc#", 0 }, { "#x", 0 },
	{ " CCAP003#", 0 }, { "CCAP003(config)#", 0 }, { "a b#", 0 },
	{ "CCAP003", 0 }, { "", 0 },
};

static void test_is_prompt(void)
{
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(prompts); i++)
		is_int(ms_cli_is_prompt(prompts[i].line,
					strlen(prompts[i].line)),
		       prompts[i].prompt, "is_prompt '%s'", prompts[i].line);
}

enum { N = MS_CLI_NONE, M = MS_CLI_MORE, L = MS_CLI_LEARNED,
       D = MS_CLI_DONE };

/* Chunks fed in turn, the event after each; host: learned first. */
static const struct {
	const char *name, *host;
	const char *chunk[4];
	int ev[4];
	const char *learned;
} streams[] = {
	{ "learn after banner", NULL,
	  { "Banner\r\n\r\nCCAP003#", "\r\nCCAP003#" }, { N, L }, "CCAP003" },
	{ "banner prompt-like line not taken", NULL,
	  { "Router#\r\n*** motd # ***\r\nCCAP003#\r\n", "CCAP003#" },
	  { N, L }, "CCAP003" },
	{ "one prompt is not enough", NULL, { "motd\r\nCCAP003#" }, { N },
	  "" },
	{ "different lines do not learn", NULL,
	  { "Router#\r\nCCAP003#" }, { N }, "" },
	{ "user-mode prompt with a blank", NULL,
	  { "CCAP101> \r\nCCAP101> " }, { L }, "CCAP101" },
	{ "ANSI around the learned prompt", NULL,
	  { "\x1b[1mCCAP003#\x1b[0m\r\n\x1b[1mCCAP003#\x1b[0m" }, { L },
	  "CCAP003" },
	{ "output then prompt", "CCAP003",
	  { "show x\r\n", "data\r\n", "CCAP003#" }, { N, N, D }, "CCAP003" },
	{ "prompt split over chunks", "CCAP003",
	  { "data\r\nCCAP", "003#" }, { N, D }, "CCAP003" },
	{ "prompt then more bytes is not the end", "CCAP003",
	  { "CCAP003#\r\nmore\r\n" }, { N }, "CCAP003" },
	{ "another host's prompt", "CCAP003", { "a\r\nOTHER#" }, { N },
	  "CCAP003" },
	{ "pending escape", "CCAP003", { "a\r\nCCAP003#\x1b[" }, { N },
	  "CCAP003" },
	{ "IOS pager once, then done", "CCAP201",
	  { "a\r\n --More-- ", " ", ERASE9 " b\r\nCCAP201#" }, { M, N, D },
	  "CCAP201" },
	{ "pager split over chunks", "H", { "a\r\n--Mo", "re--" }, { N, M },
	  "H" },
	{ "E6000 pager then text", "H",
	  { "--More--", "\r\x1b[Kx\r\n", "--More--" }, { M, N, M }, "H" },
	{ "Casa pager, lower case", "H", { "x\r\n-- more --" }, { M }, "H" },
};

static void test_stream(void)
{
	struct ms_cli c;
	size_t i, j;

	for (i = 0; i < MS_ARRAY_SIZE(streams); i++) {
		ms_cli_init(&c);
		if (streams[i].host) {
			char p[80];

			snprintf(p, sizeof(p), "%s#\r\n%s#", streams[i].host,
				 streams[i].host);
			is_int(ms_cli_feed(&c, p, strlen(p)), L,
			       "%s: set-up learns", streams[i].name);
			ms_cli_begin(&c);
		}
		for (j = 0; j < 4 && streams[i].chunk[j]; j++)
			is_int(ms_cli_feed(&c, streams[i].chunk[j],
					   strlen(streams[i].chunk[j])),
			       streams[i].ev[j], "%s: event after chunk %zu",
			       streams[i].name, j + 1);
		is_str(ms_cli_host(&c), streams[i].learned, "%s: host",
		       streams[i].name);
	}
}

/* Byte by byte, the events come only where the stream ends right. */
static void test_trickle(void)
{
	const char *s = "motd\r\nCCAP003#\r\nCCAP003#";
	struct ms_cli c;
	size_t i, n = strlen(s), learned = 0;

	ms_cli_init(&c);
	for (i = 0; i < n; i++) {
		if (ms_cli_feed(&c, s + i, 1) == MS_CLI_LEARNED)
			learned = i + 1;
	}
	is_int(learned, n, "trickle: learned at the last byte only");
}

int main(void)
{
	test_clean();
	test_is_prompt();
	test_stream();
	test_trickle();
	return done_testing();
}
