/*
 * The status applet: what the scanner is doing, for people (a summary),
 * for programs (--json), for monitoring (--nagios, --prometheus,
 * --textfile) and over HTTP (--serve /health and /metrics).
 */
#include "applets.h"

#include "file.h"
#include "health.h"
#include "http.h"
#include "metrics.h"
#include "nagios.h"
#include "plantshow.h"
#include "sig.h"
#include "supervise.h"
#include "mstime.h"

enum { O_JSON = MS_OPT_OWN, O_NAGIOS, O_PROM, O_TEXTFILE, O_SERVE, O_WARN,
       O_CRIT };

static const struct ms_opt opts[] = {
	{ "json", 0, NULL, O_JSON, 0, "one JSON object" },
	{ "nagios", 0, NULL, O_NAGIOS, 0,
	  "a Nagios plugin: one line with perfdata on\n"
	  "stdout for every exit; exit 0 OK, 1 WARNING,\n"
	  "2 CRITICAL, 3 UNKNOWN (also for a bad command\n"
	  "line or configuration); in a shared fleet also\n"
	  "WARNING when an instance has lapsed or devices\n"
	  "wait for a database that is down, CRITICAL when\n"
	  "a group has no live instance (unserved); an open\n"
	  "plant alert makes it WARNING at least" },
	{ "warning", 'w', "RANGES", O_WARN, 0,
	  "with --nagios: AGE,FAILED,SPOOL, a Nagios range\n"
	  "each (heartbeat age in s, failed devices, spool\n"
	  "bytes: 10, 10:, ~:10, 10:20, @10:20); an empty\n"
	  "field keeps NAGIOS_WARNING" },
	{ "critical", 'c', "RANGES", O_CRIT, 0,
	  "with --nagios: the same for CRITICAL\n"
	  "(NAGIOS_CRITICAL); -c is --config without\n"
	  "--nagios" },
	{ "prometheus", 0, NULL, O_PROM, 0,
	  "Prometheus text exposition on stdout, with\n"
	  "the devices and upstreams of the last sweep\n"
	  "and modscan_plant_alerts_open{kind}" },
	{ "textfile", 0, "DIR", O_TEXTFILE, 0,
	  "write DIR/modscan.prom atomically (node_exporter);\n"
	  "DIR must exist, belong to us or root and not be\n"
	  "writable by group or others (else exit 2)" },
	{ "serve", 0, "ADDR:PORT", O_SERVE, 0,
	  "answer GET /health (200 or 503, JSON),\n"
	  "/metrics and / (links to both) until SIGTERM;\n"
	  ":PORT is every interface, PORT alone 127.0.0.1" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

enum mode { M_HUMAN, M_JSON, M_NAGIOS, M_PROM, M_TEXTFILE, M_SERVE };

struct opts {
	enum mode mode;
	const char *arg, *warn, *crit;
	int modes;
};

static int opt(struct ms_run *r, int id, const char *arg)
{
	struct opts *o = r->opts;

	if (id == O_WARN) {
		o->warn = arg;
	} else if (id == O_CRIT) {
		o->crit = arg;
	} else {
		o->mode = (enum mode)(id - O_JSON + M_JSON);
		o->arg = arg;
		o->modes++;
		r->nagios |= o->mode == M_NAGIOS;	/* --nag too */
	}
	return 0;
}

/*
 * The Nagios plugin convention: -w and -c are thresholds under --nagios
 * (which may come after them); elsewhere -c is --config.
 */
static bool nagios_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--nagios"))
			return true;
	return false;
}

static int parse(struct ms_run *r, int argc, char **argv)
{
	struct ms_opt plain[MS_ARRAY_SIZE(opts)];
	const struct opts *o = r->opts;
	size_t i;
	int rc;

	r->nagios = nagios_wanted(argc, argv);
	memcpy(plain, opts, sizeof(opts));
	for (i = 0; !r->nagios && i < MS_ARRAY_SIZE(plain); i++)
		if (plain[i].id == O_CRIT)
			plain[i].shortopt = 0;
	if ((rc = ms_applet_getopt(r, plain, argc, argv, opt)) ||
	    (rc = ms_applet_no_args(argc, argv)))
		return rc;
	if (o->modes > 1) {
		ms_applet_error("--json, --nagios, --prometheus, --textfile "
				"and --serve exclude each other");
		return ms_applet_usage_error();
	}
	if ((o->warn || o->crit) && o->mode != M_NAGIOS) {
		ms_applet_error("-w and -c go with --nagios");
		return ms_applet_usage_error();
	}
	return 0;
}

static void duration(int64_t ms, char *out, size_t size)
{
	long long s = ms / 1000;

	if (s >= 86400)
		snprintf(out, size, "%lldd %02lldh %02lldm", s / 86400,
			 s % 86400 / 3600, s % 3600 / 60);
	else if (s >= 3600)
		snprintf(out, size, "%lldh %02lldm %02llds", s / 3600,
			 s % 3600 / 60, s % 60);
	else
		snprintf(out, size, "%lldm %02llds", s / 60, s % 60);
}

/* The worst failing devices: most consecutive failures first. */
static void offenders(const struct ms_status *st)
{
	bool shown[MS_STATUS_FAILURES_MAX] = { false };
	size_t i, k, best;

	for (k = 0; k < 5 && k < st->nfailures; k++) {
		best = SIZE_MAX;
		for (i = 0; i < st->nfailures; i++)
			if (!shown[i] && (best == SIZE_MAX ||
					  st->failures[i].consecutive >
					  st->failures[best].consecutive))
				best = i;
		shown[best] = true;
		printf("  %s: %s (%u in a row)\n", st->failures[best].device,
		       st->failures[best].reason,
		       st->failures[best].consecutive);
	}
	if (st->nfailures > 5)
		printf("  ... and %zu more\n", st->nfailures - 5);
}

static void human_scanner(const struct ms_health_report *r)
{
	const struct ms_status *st = &r->f.st;
	char iso[MS_ISO_MAX], d[40];

	printf("state:      %s%s%s\n", ms_state_name(st->state),
	       st->message[0] ? ": " : "", st->message);
	printf("pid:        %d\n", (int)st->pid);
	duration(r->f.now - st->started, d, sizeof(d));
	printf("uptime:     %s (since %s)\n", d, ms_time_iso(st->started, iso));
	printf("heartbeat:  %lld s ago\n", (long long)(r->h.age_ms / 1000));
	if (st->last_sweep_ok)
		printf("last sweep: %s, %u ok, %u partial, %u failed, "
		       "%.1f s\n", ms_time_iso(st->last_sweep_ok, iso),
		       st->last.devices_ok, st->last.devices_partial,
		       st->last.devices_failed,
		       (double)st->last.duration_ms / 1000);
	else
		printf("last sweep: none finished yet\n");
	printf("devices:    %u, %zu failing\n", st->devices_total,
	       st->nfailures);
	if (st->inventory_ok) {
		duration(r->f.now - st->inventory_ok, d, sizeof(d));
		printf("inventory:  read %s ago%s%s\n", d,
		       st->inventory_error[0] ? ", since then: " : "",
		       st->inventory_error);
	}
	if (st->retention_warning[0])
		printf("retention:  %s\n", st->retention_warning);
	offenders(st);
	printf("samples:    %llu stored, %llu spooled (backlog %llu bytes), "
	       "%llu lost, %llu unknown codes, %llu sweeps\n",
	       (unsigned long long)st->total.samples_stored,
	       (unsigned long long)st->total.samples_spooled,
	       (unsigned long long)st->spool_bytes,
	       (unsigned long long)st->total.samples_lost,
	       (unsigned long long)st->total.unknown_codes,
	       (unsigned long long)st->sweeps);
}

static void human_supervisor(const struct ms_status *sup)
{
	char iso[MS_ISO_MAX], what[80];
	size_t i;

	printf("supervisor: pid %d, %s%s%s, %u restarts\n", (int)sup->pid,
	       ms_state_name(sup->state), sup->message[0] ? ": " : "",
	       sup->message, sup->restarts);
	for (i = 0; i < sup->ndeaths && i < 5; i++) {
		ms_death_describe(sup->deaths[i].exit_status,
				  sup->deaths[i].signal, what, sizeof(what));
		printf("  died %s: %s\n", ms_time_iso(sup->deaths[i].time, iso),
		       what);
	}
	for (i = 0; i < sup->njobs; i++) {
		if (!sup->jobs[i].last_start) {
			printf("  job %s: not run yet\n", sup->jobs[i].name);
			continue;
		}
		printf("  job %s: %s %s, exit %d, %.1f s\n", sup->jobs[i].name,
		       sup->jobs[i].running ? "running since" : "last run",
		       ms_time_iso(sup->jobs[i].last_start, iso),
		       sup->jobs[i].last_exit,
		       (double)sup->jobs[i].last_duration_ms / 1000);
	}
}

/* The open plant alerts of the state file beside the status file. */
static void human_alerts(const struct ms_health_src *src)
{
	struct ms_plantalert_out open = { 0 };
	struct ms_err err = { 0 };
	struct ms_buf line;
	size_t i;
	int n = ms_plantalert_load_open(src->alerts, &open, &err);

	ms_buf_init(&line, 1024);
	if (n < 0)
		printf("plant alerts: %s\n", err.msg);
	else if (!n)
		printf("plant alerts: none open\n");
	else
		printf("plant alerts: %d open\n", n);
	for (i = 0; i < open.n; i++) {
		line.len = 0;
		if (ms_plantshow_line(&open.v[i], &line) == 0)
			printf("  %s\n", line.p);
	}
	ms_buf_release(&line);
	ms_plantalert_out_release(&open);
}

/* The fleet view, when this scanner is one of a shared fleet. */
static void human_fleet(const struct ms_health_report *r)
{
	struct ms_buf b;

	if (!r->fleet)
		return;
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	if (ms_fleet_view_text(r->fleet, r->f.now, &b) == 0)
		fwrite(b.p, 1, b.len, stdout);
	ms_buf_release(&b);
}

static int human(const struct ms_health_src *src,
		 const struct ms_health_report *r)
{
	struct ms_buf problems;

	if (!r->f.have_status) {
		ms_applet_error("the scanner is not running: %s",
				r->h.reason);
		if (r->have_sup)
			human_supervisor(&r->sup);
		human_fleet(r);
		return MS_EXIT_FAIL;
	}
	printf("scanner:    %s: %s\n", ms_health_name(r->h.verdict),
	       r->h.reason);
	ms_buf_init(&problems, 1024);
	if (r->h.verdict == MS_HEALTH_OK &&
	    ms_nagios_problems(&r->f.st, &problems) > 0)
		printf("problems:   %s\n", problems.p);
	ms_buf_release(&problems);
	human_scanner(r);
	human_alerts(src);
	if (r->have_sup)
		human_supervisor(&r->sup);
	human_fleet(r);
	return r->h.verdict == MS_HEALTH_OK ? MS_EXIT_OK : MS_EXIT_FAIL;
}

static int limits(const struct ms_conf *c, const struct opts *o,
		  struct ms_nagios_limits *w, struct ms_nagios_limits *cr)
{
	struct ms_err err = { 0 };

	memset(w, 0, sizeof(*w));
	memset(cr, 0, sizeof(*cr));
	if (ms_nagios_parse(ms_conf_str(c, MS_CONF_NAGIOS_WARNING), w,
			    &err) < 0 ||
	    ms_nagios_parse(ms_conf_str(c, MS_CONF_NAGIOS_CRITICAL), cr,
			    &err) < 0 ||
	    (o->warn && ms_nagios_parse(o->warn, w, &err) < 0) ||
	    (o->crit && ms_nagios_parse(o->crit, cr, &err) < 0)) {
		ms_applet_error("%s", err.msg);
		return -1;
	}
	return 0;
}

/* A bad threshold in a Nagios check is UNKNOWN, as plugins do. */
enum { NAGIOS_USAGE = 3 };

static int serve(const struct ms_health_src *src, const char *addr)
{
	struct ms_err err = { 0 };
	struct ms_http h;
	int sfd, r;

	if ((sfd = ms_sig_open(0, &err)) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	if ((r = ms_http_open(&h, addr, ms_metrics_http, (void *)src,
			      &err)) < 0) {
		ms_applet_error("--serve: %s", err.msg);
		close(sfd);
		return r == MS_E_INVAL ? MS_EXIT_USAGE : MS_EXIT_FAIL;
	}
	printf("serving /health and /metrics on http://%s\n", h.addr);
	fflush(stdout);
	while ((r = ms_http_run(&h, sfd, MS_NEVER, &err)) == 1) {
		int sig = ms_sig_read(sfd);

		if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	ms_http_close(&h);
	close(sfd);
	if (r < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_FAIL;
	}
	return MS_EXIT_OK;
}

/* --textfile DIR: published, so it must be safe before we write. */
static int textfile_dir(const char *dir)
{
	struct ms_err err = { 0 };

	if (ms_dir_check(dir, "--textfile", MS_DIR_PUBLISH, &err) == 0)
		return 0;
	ms_applet_error("%s", err.msg);
	return err.code == MS_E_SYS ? MS_EXIT_FAIL : MS_EXIT_USAGE;
}

static int json_alerts(const struct ms_health_src *src, struct ms_buf *b,
		       struct ms_err *err)
{
	struct ms_plantalert_out open = { 0 };
	int r;

	if ((r = ms_plantalert_load_open(src->alerts, &open, err)) >= 0)
		r = ms_plantshow_json(b, &open, err);
	ms_plantalert_out_release(&open);
	return r;
}

static int machine(struct ms_run *run, const struct ms_health_src *src,
		   const struct ms_health_report *r)
{
	const struct ms_conf *c = &run->conf;
	const struct opts *o = run->opts;
	struct ms_nagios_limits w, cr;
	struct ms_err err = { 0 };
	char path[PATH_MAX];
	struct ms_buf b;
	int rc = MS_EXIT_OK;

	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	if (o->mode == M_NAGIOS) {
		/* UNKNOWN: main.c prints the line */
		if (limits(c, o, &w, &cr) < 0) {
			rc = NAGIOS_USAGE;
			goto out;
		}
		rc = (int)ms_nagios_render(r, &w, &cr, &b);
		run->said = true;
	} else if (o->mode == M_JSON) {
		if (ms_health_json(r, &b, &err) < 0 ||
		    json_alerts(src, &b, &err) < 0)
			goto fail;
		rc = r->h.verdict == MS_HEALTH_OK ? MS_EXIT_OK : MS_EXIT_FAIL;
	} else {
		if (ms_metrics_render(&r->f, &r->h, r->have_sup ? &r->sup : NULL,
				      &b, &err) < 0 ||
		    ms_metrics_state_files(src, r->fleet, &b, &err) < 0)
			goto fail;
	}
	if (o->mode != M_TEXTFILE) {
		fwrite(b.p, 1, b.len, stdout);
		goto out;
	}
	if (snprintf(path, sizeof(path), "%s/modscan.prom", o->arg) >=
	    (int)sizeof(path)) {
		ms_err_set(&err, MS_E_TOOBIG, "'%s': path too long", o->arg);
		goto fail;
	}
	if (ms_file_replace(path, b.p, b.len, 0644, &err) < 0)
		goto fail;
	goto out;
fail:
	ms_applet_error("%s", err.msg);
	rc = MS_EXIT_FAIL;
out:
	ms_buf_release(&b);
	return rc;
}

static int run(struct ms_run *run)
{
	const struct opts *o = run->opts;
	struct ms_health_report *r = NULL;
	struct ms_fleet_view fleet;
	struct ms_health_src src;
	struct ms_err err = { 0 };
	int rc;

	if (ms_health_src_from(&src, &run->conf, &err) < 0) {
		ms_applet_error("%s", err.msg);
		return MS_EXIT_USAGE;
	}
	if (o->mode == M_TEXTFILE && (rc = textfile_dir(o->arg)) != 0)
		return rc;
	if (o->mode == M_SERVE)
		return serve(&src, o->arg);
	if (!(r = malloc(sizeof(*r)))) {
		ms_applet_error("out of memory");
		return MS_EXIT_FAIL;
	}
	ms_health_check(&src, r);
	if (o->mode == M_NAGIOS)
		ms_health_plant_alerts(&src, r);
	ms_fleet_view_init(&fleet);
	if (ms_health_fleet(&src, r, &fleet, &err) < 0) {
		ms_applet_error("fleet view: %s", err.msg);
		rc = o->mode == M_NAGIOS ? NAGIOS_USAGE : MS_EXIT_FAIL;
		goto out;
	}
	rc = o->mode == M_HUMAN ? human(&src, r) : machine(run, &src, r);
out:
	ms_fleet_view_release(&fleet);
	free(r);
	return rc;
}

const struct ms_applet ms_status_applet = {
	.synopsis =
	"usage: modscan status [-c FILE] [--json | --prometheus |\n"
	"                      --textfile DIR | --serve ADDR:PORT]\n"
	"       modscan status --nagios [-w RANGES] [-c RANGES] "
	"[--config FILE]\n"
	"\n"
	"Reads the scanner's status file and lock (and the status file of\n"
	"watchdog --daemon when there is one) and says how the scanner is.\n"
	"With SCAN_SHARED, it also shows the fleet view the scanner wrote\n"
	"beside the status file (fleet.state): the instances, alive, lapsed\n"
	"or stopped, their groups, last renewal and devices leased in the\n"
	"last interval, and the groups no live instance serves.\n"
	"Exit 0 when it is alive with a fresh heartbeat, 1 when not.\n"
	"It lists the open plant alerts (plant-alerts.state beside the status\n"
	"file; --json: \"plant_alerts\"), read without a database query.\n"
	"\n",
	.epilogue =
	"A range alerts outside START:END (START defaults to 0, ~ is minus\n"
	"infinity, an empty END plus infinity); @ alerts inside instead.\n"
	"\n"
	"status only reads RUN_DIR: it may be another user's when it is\n"
	"0750 and this user is in its group (a monitoring user).\n",
	.opts = opts,
	.opts_size = sizeof(struct opts),
	.parse = parse,
	.run = run,
};
