/*
 * Driver state machines, driven with fixture captures as device answers,
 * and family detection by hostname rules and `show version`.
 */
#include "harness.h"

#include "cli.h"
#include "drv.h"
#include "file.h"

/* One scripted answer: raw output (inline, or @file under tests/data),
 * then what the driver must do: the next command, or a final result. */
struct turn {
	const char *answer;
	int ret;		/* MS_DRV_SEND, MS_DRV_DONE or MS_E_* */
	const char *next;	/* command for MS_DRV_SEND; error text part */
};

static const char ctl[] = " upstream | include Profile|Upstream|US|up|UP";

static const struct script {
	const char *name;
	enum ms_family fam;
	const char *start;
	struct turn t[24];
	size_t recs;
	bool partial;
} scripts[] = {
	{ "e6000 sample", MS_FAM_e6000, "terminal length 0", {
		{ "CCAP003#terminal length 0\r\nCCAP003#", MS_DRV_SEND,
		  "show interface cable-upstream" },
		{ "@e6000/sample.txt", MS_DRV_DONE, NULL } }, 4, false },
	{ "e6000 paging-off refused still scans", MS_FAM_e6000,
	  "terminal length 0", {
		{ "H#terminal length 0\r\n% Invalid input\r\nH#", MS_DRV_SEND,
		  "show interface cable-upstream" },
		{ "@e6000/large.txt", MS_DRV_DONE, NULL } }, 667, false },
	{ "e6000 error reply", MS_FAM_e6000, "terminal length 0", {
		{ "", MS_DRV_SEND, "show interface cable-upstream" },
		{ "@e6000/invalid-input.txt", MS_E_REMOTE,
		  "'show interface cable-upstream': % Invalid input" } },
	  0, false },
	{ "e6000 nothing parsed", MS_FAM_e6000, "terminal length 0", {
		{ "", MS_DRV_SEND, "show interface cable-upstream" },
		{ "@e6000/header-only.txt", MS_E_PARSE,
		  "no upstreams parsed" } }, 0, false },
	{ "e6000 cut output is partial", MS_FAM_e6000, "terminal length 0", {
		{ "", MS_DRV_SEND, "show interface cable-upstream" },
		{ "@e6000/cut-midline.txt", MS_DRV_DONE, NULL } }, 4, true },
	{ "e6000 wrapped row is partial", MS_FAM_e6000, "terminal length 0", {
		{ "", MS_DRV_SEND, "show interface cable-upstream" },
		{ "@e6000/wrapped.txt", MS_DRV_DONE, NULL } }, 3, true },
	{ "casa sample", MS_FAM_casa, "page-off", {
		{ "CCAP101>page-off\r\nCCAP101>", MS_DRV_SEND,
		  "show spectrum hop-history" },
		{ "@casa/sample.txt", MS_DRV_DONE, NULL } }, 3, false },
	{ "casa fallback", MS_FAM_casa, "page-off", {
		{ "", MS_DRV_SEND, "show spectrum hop-history" },
		{ "@casa/header-only.txt", MS_DRV_SEND,
		  "show cable modem summary" },
		{ "2/3.1/0  12 12 0\r\n2/1.0/0  3 3 0\r\n2/3.1/0  1 1 0\r\nH>",
		  MS_DRV_SEND, "show spectrum hop-history upstream 2/3.1/0" },
		{ "@casa/upstream-history.txt", MS_DRV_SEND,
		  "show spectrum hop-history upstream 2/1.0/0" },
		{ "@casa/upstream-history-empty.txt", MS_DRV_DONE, NULL } },
	  1, false },
	{ "casa fallback error reply", MS_FAM_casa, "page-off", {
		{ "", MS_DRV_SEND, "show spectrum hop-history" },
		{ "@casa/empty.txt", MS_DRV_SEND, "show cable modem summary" },
		{ "%ERROR: no\r\nH>", MS_E_REMOTE,
		  "'show cable modem summary': %ERROR: no" } }, 0, false },
	{ "cbr8 discovery then domains", MS_FAM_cbr8, "terminal length 0", {
		{ "", MS_DRV_SEND, "show cable modem summary" },
		{ "@cbr8/summary-timestamps.txt", MS_DRV_SEND,
		  "show controllers Cable1/0/0" },
		{ "@cbr8/controller.txt", MS_DRV_SEND,
		  "show controllers Cable1/0/1" },
		{ "@cbr8/controller-reversed.txt", MS_DRV_SEND,
		  "show controllers Cable2/0/4" },
		{ "@cbr8/controller-empty.txt", MS_DRV_DONE, NULL } },
	  4, false },
	{ "cbr8 no domains", MS_FAM_cbr8, "terminal length 0", {
		{ "", MS_DRV_SEND, "show cable modem summary" },
		{ "CCAP201#show cable modem summary\r\nCCAP201#", MS_E_PARSE,
		  "no upstreams parsed" } }, 0, false },
	{ "cbr8 domain error reply", MS_FAM_cbr8, "terminal length 0", {
		{ "", MS_DRV_SEND, "show cable modem summary" },
		{ "@cbr8/summary.txt", MS_DRV_SEND,
		  "show controllers Cable1/0/0" },
		{ "@cbr8/controller-invalid.txt", MS_E_REMOTE,
		  "% Invalid input" } }, 0, false },
};

static int answer(const char *a, struct ms_buf *b)
{
	char path[256];

	ms_buf_reset(b);
	if (a[0] != '@')
		return ms_buf_adds(b, a);
	snprintf(path, sizeof(path), "tests/data/%s", a + 1);
	return ms_file_read(path, b, NULL, NULL);
}

static void run_script(const struct script *s, const struct ms_modmap *map)
{
	struct ms_err err = { 0 };
	struct ms_buf b;
	struct ms_drv d;
	const char *cmd;
	size_t i;
	int r = MS_DRV_SEND;

	ms_buf_init(&b, 64 << 20);
	ms_drv_init(&d, s->fam, map);
	is_str(ms_drv_start(&d), s->start, "%s: paging off first", s->name);
	for (i = 0; i < MS_ARRAY_SIZE(s->t) && s->t[i].answer; i++) {
		if (!ok(answer(s->t[i].answer, &b) == 0,
			"%s: turn %zu answer ready", s->name, i + 1))
			break;
		cmd = NULL;
		r = ms_drv_step(&d, b.p, b.len, &cmd, &err);
		is_int(r, s->t[i].ret, "%s: turn %zu result", s->name, i + 1);
		if (r == MS_DRV_SEND)
			ok(cmd && !strncmp(cmd, s->t[i].next,
					   strlen(s->t[i].next)),
			   "%s: turn %zu sends '%s'", s->name, i + 1,
			   cmd ? cmd : "(null)");
		else if (r < 0)
			ok(strstr(err.msg, s->t[i].next) != NULL,
			   "%s: error '%s'", s->name, err.msg);
		if (r != MS_DRV_SEND)
			break;
	}
	if (r == MS_DRV_DONE) {
		is_int(d.recs.n, s->recs, "%s: records", s->name);
		is_int(d.recs.partial, s->partial, "%s: partial", s->name);
	}
	ms_drv_release(&d);
	ms_buf_release(&b);
}

/* A cBR-8 controller command names its domain in full. */
static void test_cbr8_command(const struct ms_modmap *map)
{
	struct ms_drv d;
	const char *cmd = NULL;
	char want[128];

	ms_drv_init(&d, MS_FAM_cbr8, map);
	ms_drv_start(&d);
	ms_drv_step(&d, "", 0, &cmd, NULL);
	ms_drv_step(&d, "C1/0/10/UB 1 1\nH#", 18, &cmd, NULL);
	snprintf(want, sizeof(want), "show controllers Cable1/0/10%s", ctl);
	is_str(cmd, want, "cbr8: controller command in full");
	ms_drv_release(&d);
}

/* The Casa fallback reads at most MS_DRV_CASA_FALLBACK_MAX upstreams. */
static void test_casa_limit(const struct ms_modmap *map)
{
	struct ms_buf sum;
	struct ms_drv d;
	const char *cmd = NULL;
	size_t asked = 0, i;
	int r;

	ms_buf_init(&sum, 1 << 20);
	for (i = 0; i < 30; i++)
		ms_buf_printf(&sum, "1/%zu.0/0  5 5 0\r\n", i);
	ms_drv_init(&d, MS_FAM_casa, map);
	ms_drv_start(&d);
	ms_drv_step(&d, "", 0, &cmd, NULL);
	ms_drv_step(&d, "", 0, &cmd, NULL);
	r = ms_drv_step(&d, sum.p, sum.len, &cmd, NULL);
	while (r == MS_DRV_SEND && asked < 100) {
		asked++;
		r = ms_drv_step(&d, "", 0, &cmd, NULL);
	}
	is_int(asked, MS_DRV_CASA_FALLBACK_MAX,
	       "casa fallback asks about 20 upstreams");
	ms_drv_release(&d);
	ms_buf_release(&sum);
}

/*
 * The engine's contract end to end, without a socket: login output and
 * each answer trickle in 7-byte chunks through the detector (pagers
 * answered, prompt learned, end of output found), then go to the driver.
 */
static const char login[] = "*** CCAP003# banner > ***\r\nCCAP003#\r\nCCAP003#";
static const char *const device[] = {
	"terminal length 0\r\nCCAP003#",
	"show interface cable-upstream\r\nSC-QAM Channels:\r\n"
	"S/C/CH     Mac   Conn State ID\r\n"
	"5/0/0        51    0  IS      1  10.400-16.800      64     2  atdma"
	"   202    0.0\r\n--More--",
	"\r\x1b[K5/0/1        51    0  IS      2  10.400-16.800      64     2"
	"  atdma   204    0.0\r\n--More--",
	"\r\x1b[K\r\nCCAP003#",
};

/* Feed s in chunks; the event at the end, and MORE events counted. */
static int trickle(struct ms_cli *c, const char *s, struct ms_buf *raw,
		   int *more)
{
	size_t i, n = strlen(s);
	int ev = MS_CLI_NONE;

	for (i = 0; i < n; i += 7) {
		ms_buf_add(raw, s + i, MS_MIN(7, n - i));
		ev = ms_cli_feed(c, s + i, MS_MIN(7, n - i));
		if (ev == MS_CLI_MORE)
			(*more)++;
	}
	return ev;
}

static void test_session(const struct ms_modmap *map)
{
	struct ms_cli c;
	struct ms_drv d;
	struct ms_buf raw;
	const char *cmd;
	size_t k = 0;
	int more = 0, ev, r;

	ms_cli_init(&c);
	ms_buf_init(&raw, 1 << 20);
	is_int(trickle(&c, login, &raw, &more), MS_CLI_LEARNED,
	       "session: prompt learned after the banner");
	is_str(ms_cli_host(&c), "CCAP003", "session: host from the prompt");
	ms_drv_init(&d, MS_FAM_e6000, map);
	cmd = ms_drv_start(&d);
	do {
		ms_cli_begin(&c);
		ms_buf_reset(&raw);
		/* The device answers cmd; a space after each pager. */
		while ((ev = trickle(&c, device[k++], &raw, &more)) ==
		       MS_CLI_MORE && k < MS_ARRAY_SIZE(device))
			;
		is_int(ev, MS_CLI_DONE, "session: '%s' complete", cmd);
		r = ms_drv_step(&d, raw.p, raw.len, &cmd, NULL);
	} while (r == MS_DRV_SEND && k < MS_ARRAY_SIZE(device));
	is_int(r, MS_DRV_DONE, "session: driver done");
	is_int(more, 2, "session: two pager prompts answered");
	is_int(d.recs.n, 2, "session: both channels across the pagers");
	ok(!d.recs.partial, "session: nothing partial");
	ms_drv_release(&d);
	ms_buf_release(&raw);
}

static const struct {
	const char *rules, *host;
	int fam;
} hosts[] = {
	{ NULL, "CCAP003", MS_FAM_e6000 },
	{ NULL, "ccap101.example.net", MS_FAM_casa },
	{ "", "site-CCAP215-a", MS_FAM_cbr8 },
	{ NULL, "CCAP3", MS_E_NOENT },
	{ NULL, "CCAP0x1", MS_E_NOENT },
	{ NULL, "cmts-east", MS_E_NOENT },
	{ "CMTS-E=e6000, cmts-c#=casa", "cmts-c7", MS_FAM_casa },
	{ "CMTS-E=e6000,CMTS-C#=casa", "cmts-east", MS_FAM_e6000 },
	{ "CMTS-E=e6000", "CCAP003", MS_E_NOENT },
	{ "X", "CCAP003", MS_E_INVAL },
	{ "X=foo", "CCAP003", MS_E_INVAL },
	{ "CCAP=cbr8,=casa", "CCAP003", MS_E_INVAL },
};

static const struct {
	const char *text;
	int fam;
} banners[] = {
	{ "Cisco IOS XE Software, Version 16.12.01z\r\ncBR-8 chassis",
	  MS_FAM_cbr8 },
	{ "ARRIS E6000 CER, Release 12.1", MS_FAM_e6000 },
	{ "CER_V12.1", MS_FAM_e6000 },
	{ "Casa Systems C100G, version 8.4", MS_FAM_casa },
	{ "CERTIFICATE of Casablanca", MS_E_NOENT },
	{ "", MS_E_NOENT },
};

/* The devices file's family first, then the rules on the name. */
static const struct {
	const char *family, *rules, *name;
	int fam;
} family_of[] = {
	{ "casa", NULL, "CCAP003", MS_FAM_casa },
	{ "", NULL, "CCAP003", MS_FAM_e6000 },
	{ NULL, "EAST=cbr8", "cmts-east-1", MS_FAM_cbr8 },
	{ NULL, "EAST=cbr8", "CCAP003", MS_E_NOENT },
	{ "e6000", "EAST=cbr8", "cmts-east-1", MS_FAM_e6000 },
	{ "foo", NULL, "CCAP003", MS_E_INVAL },
	{ NULL, "EAST", "CCAP003", MS_E_INVAL },
};

int main(void)
{
	struct ms_err err = { 0 };
	struct ms_modmap map;
	size_t i;

	ms_modmap_init(&map);
	for (i = 0; i < MS_ARRAY_SIZE(scripts); i++)
		run_script(&scripts[i], &map);
	test_cbr8_command(&map);
	test_casa_limit(&map);
	test_session(&map);
	for (i = 0; i < MS_ARRAY_SIZE(hosts); i++)
		is_int(ms_drv_family_by_host(hosts[i].rules, hosts[i].host,
					     &err), hosts[i].fam,
		       "host '%s' rules '%s'", hosts[i].host,
		       hosts[i].rules ? hosts[i].rules : "(default)");
	for (i = 0; i < MS_ARRAY_SIZE(banners); i++)
		is_int(ms_drv_family_by_banner(banners[i].text,
					       strlen(banners[i].text)),
		       banners[i].fam, "banner '%.20s'", banners[i].text);
	for (i = 0; i < MS_ARRAY_SIZE(family_of); i++)
		is_int(ms_drv_family_of(family_of[i].family, family_of[i].rules,
					family_of[i].name, &err),
		       family_of[i].fam, "family of '%s': '%s', rules '%s'",
		       family_of[i].name,
		       family_of[i].family ? family_of[i].family : "(none)",
		       family_of[i].rules ? family_of[i].rules : "(default)");
	is_str(ms_drv_names(), "e6000, casa, cbr8", "the family names");
	is_int(ms_drv_parse(MS_FAM_e6000, "1/0", "", 0, &map, NULL, &err),
	       MS_E_INVAL, "e6000 takes no interface");
	is_str(err.msg, "e6000 lists all upstreams at once", "and says so");
	is_int(ms_drv_parse(MS_FAM__COUNT, NULL, "", 0, &map, NULL, &err),
	       MS_E_INVAL, "no such family");
	is_int(ms_drv_family("cbr8"), MS_FAM_cbr8, "family by name");
	is_int(ms_drv_family("CBR8"), MS_E_NOENT, "family names are exact");
	return done_testing();
}
