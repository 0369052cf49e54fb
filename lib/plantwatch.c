/*
 * The scanner's side of the plant alerts (see plantwatch.h).
 */
#include "plantwatch.h"

#include "log.h"
#include "plantshow.h"
#include "mstime.h"
#include "statefile.h"

/* Writes of the alert state for events at most this often; the sweep's
 * end writes what is left. */
enum { WRITE_GAP_MS = 1000 };

void ms_plantwatch_init(struct ms_plantwatch *w)
{
	memset(w, 0, sizeof(*w));
	ms_plantalert_init(&w->pa);
}

void ms_plantwatch_conf(struct ms_plantwatch *w, const struct ms_conf *c)
{
	struct ms_err err;

	ms_plantalert_conf_from(&w->c, c);
	if (ms_alert_conf_from(&w->ac, c, &err) < 0)
		ms_log_error("plant alerts: %s", err.msg);
}

void ms_plantwatch_open(struct ms_plantwatch *w, const struct ms_conf *c,
			const char *status_path, const struct ms_nameidx *idx,
			const void *base, size_t stride)
{
	struct ms_err err;

	ms_plantwatch_conf(w, c);
	if (ms_statefile_path(status_path, MS_PLANTALERT_FILE, w->path,
			      sizeof(w->path)) < 0) {
		ms_log_error("plant alerts: path too long, off");
		w->path[0] = '\0';
		return;
	}
	if (ms_plantalert_read(&w->pa, w->path, &err) < 0 &&
	    !(err.code == MS_E_SYS && err.sys_errno == ENOENT)) {
		ms_log_error("plant alerts: %s, starting afresh", err.msg);
		ms_plantalert_release(&w->pa);
		ms_plantalert_init(&w->pa);
		w->dirty = true;
	}
	if (idx)
		ms_plantwatch_prune(w, idx, base, stride);
}

void ms_plantwatch_release(struct ms_plantwatch *w)
{
	ms_plantalert_release(&w->pa);
}

static void write_alerts(struct ms_plantwatch *w)
{
	struct ms_err err;

	if (!w->path[0] || !w->dirty)
		return;
	w->written = ms_mono_now();
	if (ms_plantalert_write(&w->pa, w->path, &err) < 0)
		ms_log_error("plant alerts: %s", err.msg);
	else
		w->dirty = w->pending = false;
}

/* Record events queued since the last write, once WRITE_GAP_MS passed. */
static void write_pending(struct ms_plantwatch *w)
{
	if (w->pending && ms_mono_now() - w->written >= WRITE_GAP_MS)
		write_alerts(w);
}

/*
 * Log and queue the events of out; they are recorded afterwards (a crash
 * in between sends one again rather than never).
 */
static void send(struct ms_plantwatch *w, const struct ms_plantalert_out *out)
{
	struct ms_err err;
	struct ms_buf line;
	size_t i;
	int r;

	ms_buf_init(&line, 1024);
	for (i = 0; i < out->n; i++) {
		line.len = 0;
		if (ms_plantshow_line(&out->v[i], &line) == 0)
			ms_log_notice("plant alert: %s", line.p);
	}
	ms_buf_release(&line);
	if (!out->n)
		return;
	r = ms_alert_events(&w->ac, out->v, out->n, &err);
	if (r == MS_ALERT_OFF && !w->off_said)
		ms_log_info("plant alerts: neither SMTP_HOST nor ALERT_COMMAND "
			    "is set, they are only logged");
	else if (r < 0)
		ms_log_error("plant alerts: cannot queue %zu events: %s",
			     out->n, err.msg);
	w->off_said = r == MS_ALERT_OFF;
	w->pending = true;
}

void ms_plantwatch_scan(struct ms_plantwatch *w, const struct ms_plant *p,
			const char *device)
{
	struct ms_plantalert_out out = { 0 };
	ssize_t i;

	if (!w->path[0])
		return;
	i = ms_nameidx_find(&p->idx, p->devs, sizeof(*p->devs), device);
	if (i < 0)
		return;
	w->dirty = true;
	if (ms_plantalert_scan(&w->pa, &w->c, &p->devs[i], &out) < 0)
		ms_log_error("plant alerts of %s: out of memory", device);
	send(w, &out);
	ms_plantalert_out_release(&out);
	write_pending(w);
}

void ms_plantwatch_forget(struct ms_plantwatch *w, const char *device)
{
	struct ms_plantalert_out out = { 0 };

	if (!w->path[0])
		return;
	w->dirty = true;
	if (ms_plantalert_forget(&w->pa, device, ms_wall_now() / 1000,
				 &out) < 0)
		ms_log_error("plant alerts of %s: out of memory", device);
	send(w, &out);
	ms_plantalert_out_release(&out);
	write_pending(w);
}

void ms_plantwatch_prune(struct ms_plantwatch *w, const struct ms_nameidx *idx,
			 const void *base, size_t stride)
{
	char name[MS_DEVICE_MAX];
	size_t i;

	for (i = w->pa.ndevs; i-- > 0;) {
		if (ms_nameidx_find(idx, base, stride, w->pa.devs[i].name) >= 0)
			continue;
		ms_strlcpy(name, w->pa.devs[i].name, sizeof(name));
		ms_plantwatch_forget(w, name);
	}
}

void ms_plantwatch_write(struct ms_plantwatch *w, const struct ms_plant *p)
{
	struct ms_err err;

	if (w->plant_path[0] && ms_plant_write(p, w->plant_path, &err) < 0)
		ms_log_error("plant state: %s", err.msg);
	write_alerts(w);
}
