/* ccapsim command line: serve a fleet, print a device's channel table
 * (`truth`), or check the generators (`selftest`). */
#include "sim.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
"usage: ccapsim [options]            serve a simulated CCAP fleet over SSH\n"
"       ccapsim truth --seed S --name NAME --at EPOCH [--upstreams M]\n"
"                     [--hold RULE]... [--control FILE]\n"
"       ccapsim selftest             check the output generators (TAP)\n"
"\n"
"Runs in the foreground until SIGTERM/SIGINT, then prints sessions served,\n"
"commands answered and faults injected, and exits 0.\n"
"\n"
"  --devices N          devices in the fleet (default 3)\n"
"  --family F           e6000, casa, cbr8 or mix (round-robin; default mix)\n"
"  --upstreams M        SC-QAM upstreams per device, 1..512 (default 16)\n"
"  --seed S             seed of chassis, modulation and host keys (default 1)\n"
"  --listen ADDR        IPv4 address to listen on (default 127.0.0.1)\n"
"  --base-port P        device i listens on P+i; 0 picks free ports (default 0)\n"
"  --user U             login user (default modscan)\n"
"  --password PW        login password (default modscan)\n"
"  --host-key-dir DIR   keep host keys as DIR/NAME.key and NAME.pub; an\n"
"                       existing key file is used as it is\n"
"  --inventory FILE     written atomically once every port listens:\n"
"                       'NAME HOST PORT FAMILY' per line\n"
"  --truth-log FILE     append 'EPOCH_MS NAME UPSTREAM CODE MODULATION' for\n"
"                       every record a correct parser must extract from the\n"
"                       bytes sent, and 'EPOCH_MS NAME - - FAILED|PARTIAL\n"
"                       REASON' for responses that fail a scan; EPOCH_MS is\n"
"                       the wall clock when the answer started\n"
"  --latency-ms L       delay before login and each command's output\n"
"  --jitter-ms J        plus a seeded 0..J ms\n"
"  --time-scale X       simulated time runs X times faster (0 freezes it;\n"
"                       default 1); a modulation step is 60 s of it\n"
"  --epoch T            simulated clock at start-up, Unix seconds (default:\n"
"                       the wall clock)\n"
"  --fault NAME=KIND    give device NAME a fault (repeatable)\n"
"  --fault-rate KIND=F  give a seeded fraction F of the devices a fault\n"
"  --hold NAME/UPSTREAM=MOD@EPOCH\n"
"                       hold an upstream at MOD (QPSK, QAM16 or QAM64) from\n"
"                       the modulation step holding simulated time EPOCH\n"
"                       on; NAME or UPSTREAM may be '*' (repeatable)\n"
"  --control FILE       more hold rules, one a line (# comments), read at\n"
"                       start-up, on SIGHUP and as each session starts; a\n"
"                       missing file holds nothing, a bad one keeps the\n"
"                       rules read before.  The last matching rule that\n"
"                       has begun wins, control rules after --hold ones\n"
"  --help               this text\n"
"\n"
"Fault kinds:\n"
"  auth (password rejected)        hang (TCP accepted, no SSH banner)\n"
"  hang-prompt (login, no prompt)  trickle (one byte every 200 ms)\n"
"  disconnect (channel closed mid-listing)\n"
"  garbage (random bytes instead of the listing)\n"
"  paging (paging-off ignored, --More--)\n"
"  invalid (every show command gets '% Invalid input')\n"
"  slow (10 s per command)         hostkey (another host key)\n"
"  wrap (rows wrapped at 40 columns)\n"
"  ansi (colour codes around tokens)\n"
"  crcrlf (\\r\\r\\n line ends)        banner (MOTD lines with # and >)\n"
"\n"
"On start-up stderr names each device's faults ('ccapsim: NAME has faults\n"
"K1,K2') and the time until the inventory was written.\n"
"\n"
"truth prints one line per SC-QAM upstream: UPSTREAM CODE MODULATION,\n"
"ok, skip-oos or skip-tdma (what a correct parser does with it), and the\n"
"Description of its cBR-8 MAC domain ('-': none, or not a cBR-8).\n"
"\n"
"Names: CCAP0nn e6000, CCAP1nn casa, CCAP2nn cbr8; a family with more than\n"
"100 devices gets a -NNNN suffix (CCAP104-0007).\n";

static int num(const char *opt, const char *s, double lo, double hi, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end || !(*v >= lo && *v <= hi)) {
		fprintf(stderr, "ccapsim: %s: bad value '%s'\n", opt, s);
		return -1;
	}
	return 0;
}

static int inum(const char *opt, const char *s, int lo, int hi, int *v)
{
	double d;

	if (num(opt, s, lo, hi, &d) < 0)
		return -1;
	if (d != floor(d)) {
		fprintf(stderr, "ccapsim: %s: not an integer '%s'\n", opt, s);
		return -1;
	}
	*v = (int)d;
	return 0;
}

static int seed_arg(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || end == s || *end) {
		fprintf(stderr, "ccapsim: --seed: bad value '%s'\n", s);
		return -1;
	}
	return 0;
}

static int split_kv(const char *opt, const char *arg, char *k, size_t kn,
		    const char **v)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || (size_t)(eq - arg) >= kn || !eq[1]) {
		fprintf(stderr, "ccapsim: %s: want A=B, got '%s'\n", opt, arg);
		return -1;
	}
	memcpy(k, arg, (size_t)(eq - arg));
	k[eq - arg] = 0;
	*v = eq + 1;
	return 0;
}

static int kind_arg(const char *opt, const char *s)
{
	int k = cs_fault_lookup(s);

	if (k < 0)
		fprintf(stderr, "ccapsim: %s: unknown fault kind '%s'\n", opt, s);
	return k;
}

enum { O_DEVICES = 256, O_FAMILY, O_UPSTREAMS, O_SEED, O_LISTEN, O_BASEPORT,
       O_USER, O_PASSWORD, O_KEYDIR, O_INVENTORY, O_TRUTH, O_LATENCY,
       O_JITTER, O_SCALE, O_EPOCH, O_FAULT, O_RATE, O_NAME, O_AT, O_HOLD, O_CONTROL,
       O_HELP };

static const struct option longopts[] = {
	{ "devices", 1, NULL, O_DEVICES }, { "family", 1, NULL, O_FAMILY },
	{ "upstreams", 1, NULL, O_UPSTREAMS }, { "seed", 1, NULL, O_SEED },
	{ "listen", 1, NULL, O_LISTEN }, { "base-port", 1, NULL, O_BASEPORT },
	{ "user", 1, NULL, O_USER }, { "password", 1, NULL, O_PASSWORD },
	{ "host-key-dir", 1, NULL, O_KEYDIR }, { "inventory", 1, NULL, O_INVENTORY },
	{ "truth-log", 1, NULL, O_TRUTH }, { "latency-ms", 1, NULL, O_LATENCY },
	{ "jitter-ms", 1, NULL, O_JITTER }, { "time-scale", 1, NULL, O_SCALE },
	{ "epoch", 1, NULL, O_EPOCH }, { "fault", 1, NULL, O_FAULT },
	{ "fault-rate", 1, NULL, O_RATE }, { "name", 1, NULL, O_NAME },
	{ "at", 1, NULL, O_AT }, { "hold", 1, NULL, O_HOLD },
	{ "control", 1, NULL, O_CONTROL }, { "help", 0, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static int parse(int argc, char **argv, struct cs_opts *o, const char **name,
		 double *at)
{
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		const char *v;
		char k[32];
		int r = 0;

		switch (c) {
		case O_DEVICES: r = inum("--devices", optarg, 1, 10000, &o->devices); break;
		case O_UPSTREAMS: r = inum("--upstreams", optarg, 1, CS_MAX_UPSTREAMS, &o->upstreams); break;
		case O_SEED: r = seed_arg(optarg, &o->seed); break;
		case O_LISTEN: o->listen = optarg; break;
		case O_BASEPORT: r = inum("--base-port", optarg, 0, 65535, &o->base_port); break;
		case O_USER: o->user = optarg; break;
		case O_PASSWORD: o->password = optarg; break;
		case O_KEYDIR: o->host_key_dir = optarg; break;
		case O_INVENTORY: o->inventory = optarg; break;
		case O_TRUTH: o->truth_log = optarg; break;
		case O_LATENCY: r = inum("--latency-ms", optarg, 0, 3600000, &o->latency_ms); break;
		case O_JITTER: r = inum("--jitter-ms", optarg, 0, 3600000, &o->jitter_ms); break;
		case O_SCALE: r = num("--time-scale", optarg, 0, 1e6, &o->time_scale); break;
		case O_EPOCH: r = num("--epoch", optarg, 0, 1e11, &o->epoch); break;
		case O_AT: r = num("--at", optarg, 0, 1e11, at); break;
		case O_NAME: *name = optarg; break;
		case O_HOLD: r = cs_hold_add(optarg); break;
		case O_CONTROL:
			o->control = optarg;
			r = cs_hold_control(optarg);
			break;
		case O_FAMILY:
			if (strcmp(optarg, "mix") == 0) {
				o->family = -1;
				break;
			}
			o->family = -1;
			for (int f = 0; f < CS_NFAM; f++)
				if (strcmp(optarg, cs_family_name(f)) == 0)
					o->family = f;
			if (o->family < 0) {
				fprintf(stderr, "ccapsim: --family: want e6000, casa, cbr8 or mix\n");
				r = -1;
			}
			break;
		case O_FAULT:
			if (o->nfault >= (int)(sizeof(o->fault) / sizeof(o->fault[0]))) {
				fprintf(stderr, "ccapsim: --fault: too many\n");
				return 2;
			}
			r = split_kv("--fault", optarg, o->fault[o->nfault].name,
				     sizeof(o->fault[0].name), &v);
			if (r == 0 && (o->fault[o->nfault].kind = kind_arg("--fault", v)) < 0)
				r = -1;
			if (r == 0)
				o->nfault++;
			break;
		case O_RATE: {
			int kind;
			r = split_kv("--fault-rate", optarg, k, sizeof(k), &v);
			if (r == 0 && (kind = kind_arg("--fault-rate", k)) >= 0)
				r = num("--fault-rate", v, 0, 1, &o->fault_rate[kind]);
			else
				r = -1;
			break;
		}
		case O_HELP:
			fputs(usage, stdout);
			return 0;
		default:
			fprintf(stderr, "ccapsim: try --help\n");
			return 2;
		}
		if (r < 0)
			return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "ccapsim: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return -1;
}

static int cmd_truth(const struct cs_opts *o, const char *name, double at)
{
	struct cs_dev d = { 0 };
	int fam = name ? cs_family_of_name(name) : -1;

	if (fam < 0 || at < 0) {
		fprintf(stderr, "ccapsim truth: want --name CCAP[012]nn... and --at EPOCH\n");
		return 2;
	}
	cs_dev_setup(&d, o->seed, name, fam, o->upstreams);
	cs_render_table(&d, at, stdout);
	return 0;
}

/* --- selftest: the generated text parses back to the model --- */

static int tests, failed;

static void ok(int cond, const char *what)
{
	tests++;
	if (!cond)
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tests, what);
}

static int fields(const char *s, char f[][32], int max)
{
	int n = 0;

	while (*s && n < max) {
		size_t k = 0;
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		while (*s && *s != ' ' && k < 31)
			f[n][k++] = *s++;
		f[n][k] = 0;
		while (*s && *s != ' ')
			s++;
		n++;
	}
	return n;
}

static void check_e6000(const struct cs_dev *d, int64_t step)
{
	struct cs_text t = { 0 };
	char f[16][32], name[24];
	int rows = 0, good = 1;

	cs_render_e6000(d, step, &t);
	for (size_t i = 0; i < t.nlines; i++) {
		const struct cs_line *l = &t.lines[i];
		int n = fields(t.buf + l->off, f, 16);
		int rec = n >= 10 && strcmp(f[3], "IS") == 0 && strcmp(f[8], "atdma") == 0 &&
			  (strstr(f[0], "/scq/") || strspn(f[0], "0123456789/") == strlen(f[0]));
		if (rec != (l->kind == CS_L_ROW))
			good = 0;
		if (l->kind == CS_L_ROW) {
			rows++;
			cs_chan_name(d, l->chan, name, sizeof(name));
			if (strcmp(f[0], name) != 0 || (int)strtol(f[9], NULL, 10) != l->code ||
			    l->code != cs_code(d, l->chan, cs_level(d, l->chan, step)))
				good = 0;
		}
	}
	ok(good && rows > 0, "e6000 rows carry the model's code in field 9, skips are not rows");
	cs_text_release(&t);
}

static void check_casa(const struct cs_dev *d, double sim_s)
{
	struct cs_text t = { 0 };
	char f[16][32];
	int newest[CS_MAX_UPSTREAMS], good = 1;
	int64_t step = (int64_t)sim_s / CS_STEP_S;

	for (int i = 0; i < d->nup; i++)
		newest[i] = -1;
	cs_render_casa_hops(d, sim_s, -1, &t);
	for (size_t i = 0; i < t.nlines; i++) {
		int n = fields(t.buf + t.lines[i].off, f, 16);
		if (n >= 10 && strcmp(f[3], "M") == 0) {
			int ch = cs_casa_lookup(d, f[0]);
			if (ch < 0)
				good = 0;
			else if (newest[ch] < 0)
				newest[ch] = (int)strtol(f[9], NULL, 10);
		}
	}
	for (int i = 0; i < d->nup; i++) {
		int want = cs_chan_status(d, i) == CS_CH_OK
				   ? cs_code(d, i, cs_level(d, i, step)) : -1;
		if (newest[i] != want)
			good = 0;
	}
	ok(good, "casa: the newest M row per channel is the model's code now");
	cs_text_release(&t);
}

static void check_cli(const struct cs_dev *dev, const char *line, int want,
		      const char *what)
{
	struct cs_reply r = { 0 };

	cs_cli_run(dev, line, 8, 0, 1.7e9, &r);
	ok(r.cmd == want, what);
	cs_text_release(&r.out);
}

static int cmd_selftest(void)
{
	struct cs_dev e6 = { 0 }, ca = { 0 }, cb = { 0 };
	struct cs_reply r = { 0 };
	char dom[24], line[160], name[24];
	int n64 = 0, nsteps = 20000, good = 1;

	cs_dev_setup(&e6, 1, "CCAP003", CS_E6000, 64);
	cs_dev_setup(&ca, 1, "CCAP101", CS_CASA, 64);
	cs_dev_setup(&cb, 1, "CCAP201", CS_CBR8, 64);
	for (int s = 0; s < nsteps; s++)
		n64 += cs_level(&e6, 3, 28000000 + s) == 0;
	ok(n64 > nsteps * 80 / 100 && n64 < nsteps * 97 / 100,
	   "mostly QAM64, with bursts");
	ok(cs_level(&e6, 3, 28000123) == cs_level(&e6, 3, 28000123),
	   "modulation is a pure function");
	ok(cs_family_of_name("ccap104-0007") == CS_CASA &&
	   cs_family_of_name("xCCAP2119") == CS_CBR8 &&
	   cs_family_of_name("CCAP3") < 0, "family by name");
	for (int k = 0; k < 5; k++) {
		check_e6000(&e6, 28000000 + k * 37);
		check_casa(&ca, 1.7e9 + k * 3600);
	}
	check_cli(&e6, "sh int cable-up", CS_CMD_E6_US, "abbreviated e6000 listing");
	check_cli(&e6, "TERM LEN 0", CS_CMD_TERM_LEN, "keywords are case-insensitive");
	check_cli(&cb, "show cable modem sum", CS_CMD_CM_SUM, "legacy cBR-8 summary");
	check_cli(&cb, "sh c", CS_CMD_ERROR, "ambiguous 'sh c' on cBR-8");
	check_cli(&ca, "page-off", CS_CMD_PAGE_OFF, "casa page-off");
	check_cli(&ca, "terminal length 0", CS_CMD_ERROR, "casa has no terminal length");
	cs_chan_name(&ca, 5, name, sizeof(name));
	snprintf(line, sizeof(line), "show spectrum hop-history upstream %s", name);
	check_cli(&ca, line, CS_CMD_CASA_HOPS_US, "casa per-upstream history");

	cs_domain_name(&cb, 1, dom, sizeof(dom));
	snprintf(line, sizeof(line),
		 "show controller c%s Upstream | i Profile|Upstream|US|up|UP", dom);
	cs_cli_run(&cb, line, 8, 0, 1.7e9, &r);
	ok(r.cmd == CS_CMD_CB_CTRL && r.arg == 1, "legacy cBR-8 controller command");
	{
		regex_t re;
		int groups = 0, others = 0;
		regcomp(&re, "Profile|Upstream|US|up|UP", REG_EXTENDED | REG_NOSUB);
		for (size_t i = 0; i < r.out.nlines; i++) {
			const char *s = r.out.buf + r.out.lines[i].off;
			if (regexec(&re, s, 0, NULL, 0) != 0)
				good = 0;
			groups += strstr(s, "Modulation Profile Group") != NULL;
			others += strstr(s, "Ranging") != NULL;
		}
		regfree(&re);
		ok(good && groups == 4 && others == 0, "| include filters for real");
	}
	cs_cli_run(&e6, "shw version", 8, 0, 1.7e9, &r);
	ok(r.cmd == CS_CMD_ERROR && r.out.nlines >= 2 &&
	   strcmp(r.out.buf + r.out.lines[0].off, "        ^") == 0 &&
	   strstr(r.out.buf + r.out.lines[1].off, "% Invalid input detected at '^' marker."),
	   "invalid input: caret under the bad token");
	cs_cli_run(&e6, "show interface cable-upstream", 8, 1, 1.7e9, &r);
	ok(r.cmd == CS_CMD_ERROR && r.data == 1, "invalid fault fails a data command");
	cs_text_release(&r.out);
	{
		int before = cs_level(&e6, 1, 27999999);

		cs_chan_name(&e6, 1, name, sizeof(name));
		snprintf(line, sizeof(line), "CCAP003/%s=QPSK@%lld", name,
			 28000000LL * CS_STEP_S + 59);
		ok(cs_hold_add(line) == 0 && cs_level(&e6, 1, 28000000) == 2 &&
		   cs_level(&e6, 1, 28000123) == 2 &&
		   cs_level(&e6, 1, 27999999) == before,
		   "a hold rules its channel from the step holding EPOCH on");
		check_e6000(&e6, 28000000);
	}
	printf("1..%d\n", tests);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct cs_opts o = {
		.devices = 3, .family = -1, .upstreams = 16, .seed = 1,
		.listen = "127.0.0.1", .user = "modscan", .password = "modscan",
		.time_scale = 1, .epoch = -1,
	};
	const char *name = NULL;
	double at = -1;
	int r;

	if (argc > 1 && strcmp(argv[1], "selftest") == 0)
		return cmd_selftest();
	if (argc > 1 && strcmp(argv[1], "truth") == 0) {
		r = parse(argc - 1, argv + 1, &o, &name, &at);
		return r >= 0 ? r : cmd_truth(&o, name, at);
	}
	r = parse(argc, argv, &o, &name, &at);
	if (r >= 0)
		return r;
	if (o.epoch < 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		o.epoch = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	}
	return cs_serve(&o);
}
