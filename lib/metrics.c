/*
 * Prometheus text for modscan: one HELP and TYPE per family, samples
 * from the health verdict, the scanner's status file, the supervisor and
 * the scanner's plant state file and the fleet view.
 */
#include "metrics.h"

#include "plantalert.h"
#include "version.h"

struct mw {
	struct ms_buf *out;
	int r;			/* sticky: first error */
};

static void put(struct mw *w, const char *fmt, ...) MS_PRINTF(2, 3);
static void put(struct mw *w, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (w->r < 0)
		return;
	va_start(ap, fmt);
	r = ms_buf_vprintf(w->out, fmt, ap);
	va_end(ap);
	if (r < 0)
		w->r = r;
}

static void family(struct mw *w, const char *name, const char *type,
		   const char *help)
{
	put(w, "# HELP modscan_%s %s\n# TYPE modscan_%s %s\n", name, help,
	    name, type);
}

static void gauge(struct mw *w, const char *name, const char *help,
		  double v)
{
	family(w, name, "gauge", help);
	put(w, "modscan_%s %.15g\n", name, v);
}

static void counter(struct mw *w, const char *name, const char *help,
		    uint64_t v)
{
	family(w, name, "counter", help);
	put(w, "modscan_%s %llu\n", name, (unsigned long long)v);
}

int ms_metrics_label(struct ms_buf *out, const char *v)
{
	size_t run;
	int r = 0;

	for (; *v && r >= 0; v++) {
		/* the plain run in one piece: scrapes of 16,000 upstreams */
		if ((run = strcspn(v, "\\\"\n")) > 0) {
			r = ms_buf_add(out, v, run);
			v += run - 1;
		} else if (*v == '\\') {
			r = ms_buf_adds(out, "\\\\");
		} else if (*v == '"') {
			r = ms_buf_adds(out, "\\\"");
		} else {
			r = ms_buf_adds(out, "\\n");
		}
	}
	return r;
}

/* name{key="value"} v, the value escaped. */
static void labelled(struct mw *w, const char *name, const char *key,
		     const char *value, double v)
{
	int r;

	put(w, "modscan_%s{%s=\"", name, key);
	if (w->r >= 0 && (r = ms_metrics_label(w->out, value)) < 0)
		w->r = r;
	put(w, "\"} %.15g\n", v);
}

static void health(struct mw *w, const struct ms_health_facts *f,
		   const struct ms_health *h)
{
	const struct ms_status *st = &f->st;
	int s;

	gauge(w, "up", "1 when the scanner is alive with a fresh heartbeat",
	      h->verdict == MS_HEALTH_OK);
	family(w, "health", "gauge", "the watchdog verdict (1 for the current)");
	for (s = 0; s < MS_HEALTH__COUNT; s++)
		labelled(w, "health", "verdict", ms_health_name(s),
			 h->verdict == (enum ms_health_verdict)s);
	if (!f->have_status)
		return;
	family(w, "state", "gauge", "the scanner's state (1 for the current)");
	for (s = 0; s < MS_STATE__COUNT; s++)
		labelled(w, "state", "state", ms_state_name(s),
			 st->state == (enum ms_state)s);
	gauge(w, "heartbeat_age_seconds", "seconds since the last heartbeat",
	      (double)h->age_ms / 1000);
	gauge(w, "heartbeat_timestamp_seconds", "time of the last heartbeat",
	      (double)st->heartbeat / 1000);
	gauge(w, "start_timestamp_seconds", "time the scanner started",
	      (double)st->started / 1000);
}

static void sweeps(struct mw *w, const struct ms_status *st)
{
	size_t i;

	gauge(w, "last_sweep_timestamp_seconds",
	      "end of the last completed sweep (0: none yet)",
	      (double)st->last_sweep_ok / 1000);
	gauge(w, "last_sweep_duration_seconds", "length of the last sweep",
	      (double)st->last.duration_ms / 1000);
	gauge(w, "devices", "devices in the inventory", st->devices_total);
	family(w, "last_sweep_devices", "gauge",
	       "devices of the last sweep by outcome");
	labelled(w, "last_sweep_devices", "result", "ok", st->last.devices_ok);
	labelled(w, "last_sweep_devices", "result", "partial",
		 st->last.devices_partial);
	labelled(w, "last_sweep_devices", "result", "failed",
		 st->last.devices_failed);
	counter(w, "sweeps_total", "sweeps since start", st->sweeps);
	counter(w, "samples_stored_total", "samples stored in the database",
		st->total.samples_stored);
	counter(w, "samples_spooled_total", "samples written to the spool",
		st->total.samples_spooled);
	counter(w, "samples_lost_total", "samples neither stored nor spooled "
		"(database down and the spool unwritable)",
		st->total.samples_lost);
	gauge(w, "run_dir_no_space", "1 when RUN_DIR was full at the last "
	      "heartbeat", st->no_space);
	counter(w, "unknown_codes_total", "samples with an unknown modulation "
		"code", st->total.unknown_codes);
	gauge(w, "spool_bytes", "spool backlog waiting for the database",
	      (double)st->spool_bytes);
	family(w, "device_failures", "gauge",
	       "consecutive failed scans of each failing device");
	for (i = 0; i < st->nfailures; i++)
		labelled(w, "device_failures", "device",
			 st->failures[i].device, st->failures[i].consecutive);
}

static void supervisor(struct mw *w, const struct ms_status *sup)
{
	size_t i;

	counter(w, "restarts_total", "scanner restarts by the supervisor",
		sup->restarts);
	gauge(w, "deaths_recorded", "scanner exits in the death tally",
	      (double)sup->ndeaths);
	family(w, "job_last_start_timestamp_seconds", "gauge",
	       "start of the last run of each scheduled job");
	for (i = 0; i < sup->njobs; i++)
		labelled(w, "job_last_start_timestamp_seconds", "job",
			 sup->jobs[i].name,
			 (double)sup->jobs[i].last_start / 1000);
	family(w, "job_last_duration_seconds", "gauge",
	       "length of the last run of each scheduled job");
	for (i = 0; i < sup->njobs; i++)
		labelled(w, "job_last_duration_seconds", "job",
			 sup->jobs[i].name,
			 (double)sup->jobs[i].last_duration_ms / 1000);
	family(w, "job_last_exit_status", "gauge",
	       "exit status of the last run (-1: none yet)");
	for (i = 0; i < sup->njobs; i++)
		labelled(w, "job_last_exit_status", "job", sup->jobs[i].name,
			 sup->jobs[i].last_exit);
}

static void adds(struct mw *w, const char *s)
{
	int r;

	if (w->r >= 0 && (r = ms_buf_adds(w->out, s)) < 0)
		w->r = r;
}

static void label(struct mw *w, const char *v)
{
	int r;

	if (w->r >= 0 && (r = ms_metrics_label(w->out, v)) < 0)
		w->r = r;
}

/*
 * name{device="..",upstream="..",node=".."} v, without printf: a scrape
 * of 16,000 upstreams writes 48,000 of these lines.
 */
static void up_sample(struct mw *w, const char *name,
		      const struct ms_plant_dev *d,
		      const struct ms_plant_up *u, uint64_t v)
{
	char num[24], *p = num + sizeof(num);

	*--p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10));
	adds(w, "modscan_");
	adds(w, name);
	adds(w, "{device=\"");
	label(w, d->name);
	adds(w, "\",upstream=\"");
	label(w, u->name);
	adds(w, "\",node=\"");
	label(w, u->node);
	adds(w, "\"} ");
	adds(w, p);
	adds(w, "\n");
}

enum up_metric { UP_MOD, UP_HOPS, UP_BELOW, UP__COUNT };

static const struct {
	const char *name, *type, *help;
} up_families[UP__COUNT] = {
	{ "upstream_modulation", "gauge", "modulation of the upstream in the "
	  "last sweep, bits per symbol (QPSK 2, QAM16 4, QAM64 6, 0 unknown)" },
	{ "upstream_hops_total", "counter", "modulation changes of the "
	  "upstream since the scanner started" },
	{ "upstream_below_qam64_seconds_total", "counter", "seconds the "
	  "upstream spent below QAM64 since the scanner started" },
};

static uint64_t up_value(const struct ms_plant_up *u, enum up_metric m)
{
	if (m == UP_MOD)
		return (uint64_t)ms_plant_bits(u->mod);
	return m == UP_HOPS ? u->hops : u->below_secs;
}

int ms_metrics_plant(const struct ms_plant *p, struct ms_buf *out,
		     struct ms_err *err)
{
	struct mw w = { out, 0 };
	size_t i, k, n = 0;
	int m;

	for (i = 0; i < p->ndevs; i++)
		n += p->devs[i].nups;
	/* one allocation, not a growth by copies; a failure shows later */
	(void)ms_buf_reserve(out, n * 3 * 128);

	family(&w, "device_scan_success", "gauge",
	       "1 when the last scan of the device succeeded, else 0");
	for (i = 0; i < p->ndevs; i++)
		labelled(&w, "device_scan_success", "device", p->devs[i].name,
			 p->devs[i].ok);
	family(&w, "device_last_scan_timestamp_seconds", "gauge",
	       "end of the last scan of the device");
	for (i = 0; i < p->ndevs; i++)
		labelled(&w, "device_last_scan_timestamp_seconds", "device",
			 p->devs[i].name, (double)p->devs[i].last_scan / 1000);
	for (m = 0; m < UP__COUNT; m++) {
		family(&w, up_families[m].name, up_families[m].type,
		       up_families[m].help);
		for (i = 0; i < p->ndevs; i++)
			for (k = 0; k < p->devs[i].nups; k++)
				up_sample(&w, up_families[m].name, &p->devs[i],
					  &p->devs[i].ups[k],
					  up_value(&p->devs[i].ups[k],
						   (enum up_metric)m));
	}
	if (w.r < 0)
		return ms_err_set(err, w.r, "cannot render the metrics: %s",
				  ms_strerror(w.r));
	return 0;
}

int ms_metrics_plant_file(const char *path, struct ms_buf *out,
			  struct ms_err *err)
{
	struct ms_plant p;
	int r;

	/* no scanner has written one yet */
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	ms_plant_init(&p, 0);
	if ((r = ms_plant_read(&p, path, err)) >= 0)
		r = ms_metrics_plant(&p, out, err);
	ms_plant_release(&p);
	return r;
}

int ms_metrics_plant_alerts(const char *path, struct ms_buf *out,
			    struct ms_err *err)
{
	static const char *const kinds[] = {
		MS_EV_UPSTREAM_BELOW, MS_EV_DEVICE_DEGRADED,
		MS_EV_DEVICE_FAILING
	};
	struct ms_plantalert_out open = { 0 };
	struct mw w = { out, 0 };
	size_t i, k, n;
	int r;

	if ((r = ms_plantalert_load_open(path, &open, err)) < 0)
		return r;
	family(&w, "plant_alerts_open", "gauge",
	       "plant alerts raised and not yet recovered, by kind");
	for (k = 0; k < MS_ARRAY_SIZE(kinds); k++) {
		for (i = n = 0; i < open.n; i++)
			n += !strcmp(open.v[i].kind, kinds[k]);
		labelled(&w, "plant_alerts_open", "kind", kinds[k], (double)n);
	}
	ms_plantalert_out_release(&open);
	if (w.r < 0)
		return ms_err_set(err, w.r, "cannot render the metrics: %s",
				  ms_strerror(w.r));
	return 0;
}

/* name{instance="..",groups=".."} v */
static void instance_up(struct mw *w, const struct ms_fleet_inst *in)
{
	put(w, "modscan_instance_up{instance=\"");
	label(w, in->name);
	put(w, "\",groups=\"");
	label(w, in->groups);
	put(w, "\"} %d\n", in->state == MS_FLEET_ALIVE);
}

int ms_metrics_fleet(const struct ms_fleet_view *v, struct ms_buf *out,
		     struct ms_err *err)
{
	struct mw w = { out, 0 };
	size_t i;

	gauge(&w, "fleet_database_up", "0 when the scanner that wrote the "
	      "fleet view found the database down", !v->down_ms);
	gauge(&w, "fleet_devices_waiting", "devices held by instances that "
	      "were not alive at the last view (they wait for the database)",
	      (double)ms_fleet_view_waiting(v));
	gauge(&w, "fleet_view_timestamp_seconds", "time of the fleet view "
	      "(database clock)", (double)v->at_ms / 1000);
	family(&w, "instance_up", "gauge", "1 when the scan instance renewed "
	       "its membership in time; groups it serves (empty: all)");
	for (i = 0; i < v->ninsts; i++)
		instance_up(&w, &v->insts[i]);
	family(&w, "instance_last_seen_timestamp_seconds", "gauge",
	       "last membership renewal of the scan instance");
	for (i = 0; i < v->ninsts; i++)
		labelled(&w, "instance_last_seen_timestamp_seconds", "instance",
			 v->insts[i].name, (double)v->insts[i].seen_ms / 1000);
	family(&w, "instance_leased_devices", "gauge",
	       "devices the scan instance leased in the last scan interval");
	for (i = 0; i < v->ninsts; i++)
		labelled(&w, "instance_leased_devices", "instance",
			 v->insts[i].name, v->insts[i].leased);
	family(&w, "group_unserved_devices", "gauge",
	       "devices of the group while no live instance serves it");
	for (i = 0; i < v->ngroups; i++)
		labelled(&w, "group_unserved_devices", "group",
			 v->groups[i].name, v->groups[i].unserved);
	if (w.r < 0)
		return ms_err_set(err, w.r, "cannot render the metrics: %s",
				  ms_strerror(w.r));
	return 0;
}

int ms_metrics_state_files(const struct ms_health_src *src,
			   const struct ms_fleet_view *fleet,
			   struct ms_buf *out, struct ms_err *err)
{
	int r;

	if ((r = ms_metrics_plant_file(src->plant, out, err)) < 0 ||
	    (r = ms_metrics_plant_alerts(src->alerts, out, err)) < 0)
		return r;
	return fleet ? ms_metrics_fleet(fleet, out, err) : 0;
}

int ms_metrics_render(const struct ms_health_facts *f,
		      const struct ms_health *h, const struct ms_status *sup,
		      struct ms_buf *out, struct ms_err *err)
{
	struct mw w = { out, 0 };

	family(&w, "build_info", "gauge", "always 1; the version in a label");
	put(&w, "modscan_build_info{version=\"");
	if (w.r >= 0)
		w.r = ms_metrics_label(out, ms_version);
	put(&w, "\"} 1\n");
	health(&w, f, h);
	if (f->have_status)
		sweeps(&w, &f->st);
	if (f->have_status && f->st.inventory_ok)
		gauge(&w, "inventory_age_seconds", "seconds since the device "
		      "list was last read well",
		      (double)(f->now - f->st.inventory_ok) / 1000);
	if (sup)
		supervisor(&w, sup);
	if (w.r < 0)
		return ms_err_set(err, w.r, "cannot render the metrics: %s",
				  ms_strerror(w.r));
	return 0;
}

/* What a person opening the exporter's address in a browser sees. */
static const char index_page[] =
	"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	"<title>modscan</title></head>\n<body><h1>modscan</h1>\n<ul>\n"
	"<li><a href=\"/health\">/health</a>: the scanner's health (JSON; "
	"200 healthy, 503 not)</li>\n"
	"<li><a href=\"/metrics\">/metrics</a>: Prometheus metrics</li>\n"
	"</ul></body></html>\n";

void ms_metrics_http(void *ctx, const char *path, struct ms_http_reply *rep)
{
	const struct ms_health_src *src = ctx;
	struct ms_health_report *hr;
	struct ms_fleet_view fleet;
	int r;

	if (!strcmp(path, "/")) {
		rep->code = 200;
		rep->type = "text/html; charset=utf-8";
		ms_buf_adds(&rep->body, index_page);
		return;
	}
	if (strcmp(path, "/health") && strcmp(path, "/metrics")) {
		rep->code = 404;
		return;
	}
	/* Two status structs are too big for a small poll-loop stack. */
	if (!(hr = malloc(sizeof(*hr)))) {
		rep->code = 503;
		return;
	}
	ms_health_check(src, hr);
	ms_fleet_view_init(&fleet);
	if ((r = ms_health_fleet(src, hr, &fleet, NULL)) < 0) {
		rep->code = 503;
	} else if (!strcmp(path, "/health")) {
		rep->code = hr->h.verdict == MS_HEALTH_OK ? 200 : 503;
		rep->type = "application/json";
		r = ms_health_json(hr, &rep->body, NULL);
	} else {
		rep->code = 200;
		rep->type = "text/plain; version=0.0.4; charset=utf-8";
		r = ms_metrics_render(&hr->f, &hr->h,
				      hr->have_sup ? &hr->sup : NULL,
				      &rep->body, NULL);
		if (r >= 0)
			r = ms_metrics_state_files(src, hr->fleet, &rep->body,
						   NULL);
	}
	if (r < 0)
		rep->code = 503;
	ms_fleet_view_release(&fleet);
	free(hr);
}
