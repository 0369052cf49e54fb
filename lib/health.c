/*
 * Health of the scanner: gather facts from the status file, the lock and
 * /proc, then judge them (a pure function, unit-tested on its own).
 */
#include "health.h"

#include <cjson/cJSON.h>

#include "lock.h"
#include "plant.h"
#include "plantalert.h"
#include "proc.h"
#include "statefile.h"
#include "mstime.h"

static const char *const names[MS_HEALTH__COUNT] = {
	"ok", "none", "stopped", "dead", "hung", "stale"
};

const char *ms_health_name(enum ms_health_verdict v)
{
	return (unsigned)v < MS_HEALTH__COUNT ? names[v] : "?";
}

static int alive(pid_t pid)
{
	if (pid <= 0)
		return 0;
	if (kill(pid, 0) < 0 && errno != EPERM)
		return 0;
	/* a zombie runs nothing, and once alone holds no lock */
	return !ms_proc_exited(pid);
}

void ms_health_probe(const char *status_path, const char *pid_path,
		     const char *applet, struct ms_health_facts *f)
{
	struct ms_err err = { 0 };
	pid_t pid;

	memset(f, 0, sizeof(*f));
	f->now = ms_wall_now();
	f->lock_held = ms_lock_holder(pid_path, &f->lock_pid, NULL);
	if (ms_status_read(status_path, &f->st, &err) < 0) {
		snprintf(f->status_error, sizeof(f->status_error), "%s",
			 err.msg);
		return;
	}
	f->have_status = true;
	pid = f->st.pid;
	f->alive = alive(pid);
	if (!f->alive)
		return;
	f->is_applet = ms_proc_is_applet(pid, applet) == 1;
	if (ms_proc_starttime(pid, &f->starttime, NULL) < 0)
		f->starttime = 0;
	/* Killed a moment ago, its first thread is a zombie with no command
	 * line while the others exit: its pid and start time still name it. */
	if (!f->is_applet && f->st.proc_starttime &&
	    f->starttime == f->st.proc_starttime)
		f->is_applet = true;
}

static void judge_alive(const struct ms_health_facts *f, int64_t max_age_ms,
			struct ms_health *h)
{
	const struct ms_status *st = &f->st;

	if (!f->is_applet || (st->proc_starttime && f->starttime &&
			      st->proc_starttime != f->starttime)) {
		h->verdict = MS_HEALTH_STALE;
		h->pid = 0;
		snprintf(h->reason, sizeof(h->reason),
			 "stale status file: pid %d is alive but is %s, "
			 "not the scanner that wrote it", (int)st->pid,
			 f->is_applet ? "a later process (start time differs)"
				      : "another program");
		return;
	}
	if (f->lock_held == 1 && f->lock_pid != st->pid) {
		h->verdict = MS_HEALTH_STALE;
		snprintf(h->reason, sizeof(h->reason),
			 "pid %d wrote the status file but pid %d holds "
			 "the lock", (int)st->pid, (int)f->lock_pid);
		return;
	}
	if (h->age_ms > max_age_ms) {
		h->verdict = MS_HEALTH_HUNG;
		snprintf(h->reason, sizeof(h->reason),
			 "pid %d is alive but its heartbeat is %lld s old "
			 "(limit %lld s)", (int)st->pid,
			 (long long)(h->age_ms / 1000),
			 (long long)(max_age_ms / 1000));
		return;
	}
	h->verdict = MS_HEALTH_OK;
	snprintf(h->reason, sizeof(h->reason), "pid %d is %s, heartbeat %lld s "
		 "ago", (int)st->pid, ms_state_name(st->state),
		 (long long)(h->age_ms / 1000));
}

void ms_health_judge(const struct ms_health_facts *f, int64_t max_age_ms,
		     struct ms_health *h)
{
	const struct ms_status *st = &f->st;

	memset(h, 0, sizeof(*h));
	h->age_ms = -1;
	if (!f->have_status) {
		h->verdict = MS_HEALTH_NONE;
		if (f->lock_held == 1)
			snprintf(h->reason, sizeof(h->reason),
				 "no status file (%.200s), but pid %d holds the "
				 "lock", f->status_error, (int)f->lock_pid);
		else
			snprintf(h->reason, sizeof(h->reason),
				 "no status file (%.200s)", f->status_error);
		return;
	}
	h->pid = st->pid;
	h->age_ms = f->now - st->heartbeat;
	if (h->age_ms < 0)
		h->age_ms = 0;
	if (f->alive) {
		judge_alive(f, max_age_ms, h);
		return;
	}
	h->pid = 0;
	if (st->state == MS_STATE_STOPPED) {
		h->verdict = MS_HEALTH_STOPPED;
		snprintf(h->reason, sizeof(h->reason),
			 "pid %d exited cleanly", (int)st->pid);
		return;
	}
	h->verdict = MS_HEALTH_DEAD;
	snprintf(h->reason, sizeof(h->reason),
		 "pid %d is gone (last state %s, heartbeat %lld s ago)",
		 (int)st->pid, ms_state_name(st->state),
		 (long long)(h->age_ms / 1000));
}

int ms_health_pidfd(pid_t pid, const char *applet, uint64_t starttime,
		    struct ms_err *err)
{
	uint64_t t = 0;
	int fd, r;

	if ((fd = ms_pidfd_open(pid, err)) < 0)
		return fd;
	/* Checked after the pidfd exists: if the process is still alive
	 * below, /proc/PID was that very process during these checks. */
	if (ms_proc_is_applet(pid, applet) != 1 ||
	    ms_proc_starttime(pid, &t, NULL) < 0 ||
	    (starttime && t != starttime)) {
		r = ms_err_set(err, MS_E_NOENT, "pid %d is not the %s process",
			       (int)pid, applet);
		goto fail;
	}
	if ((r = ms_pidfd_signal(fd, 0, err)) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return r;
}

int ms_health_src_from(struct ms_health_src *src, const struct ms_conf *c,
		       struct ms_err *err)
{
	if (ms_conf_path(c, MS_CONF_STATUS_FILE, "status.json", src->status,
			 sizeof(src->status)) < 0 ||
	    ms_conf_path(c, MS_CONF_PID_FILE, "scan.pid", src->pid,
			 sizeof(src->pid)) < 0 ||
	    ms_conf_path(c, MS_CONF_WATCHDOG_STATUS_FILE, "watchdog.json",
			 src->sup, sizeof(src->sup)) < 0 ||
	    ms_plant_path(src->status, src->plant, sizeof(src->plant)) < 0 ||
	    ms_statefile_path(src->status, MS_PLANTALERT_FILE, src->alerts,
			      sizeof(src->alerts)) < 0 ||
	    ms_fleet_view_path(src->status, src->fleet,
			       sizeof(src->fleet)) < 0)
		return ms_err_set(err, MS_E_TOOBIG, "RUN_DIR: path too long");
	src->max_age_ms = ms_conf_int(c, MS_CONF_MAX_HEARTBEAT_AGE) * 1000;
	return 0;
}

void ms_health_check(const struct ms_health_src *src,
		     struct ms_health_report *rep)
{
	ms_health_probe(src->status, src->pid, "scan", &rep->f);
	ms_health_judge(&rep->f, src->max_age_ms, &rep->h);
	rep->have_sup = ms_status_read(src->sup, &rep->sup, NULL) == 0;
	rep->plant_alerts = 0;
	rep->fleet = NULL;
}

void ms_health_plant_alerts(const struct ms_health_src *src,
			    struct ms_health_report *rep)
{
	struct ms_plantalert_out open = { 0 };

	rep->plant_alerts = ms_plantalert_load_open(src->alerts, &open, NULL);
	ms_plantalert_out_release(&open);
}

int ms_health_fleet(const struct ms_health_src *src,
		    struct ms_health_report *rep, struct ms_fleet_view *v,
		    struct ms_err *err)
{
	int r;

	rep->fleet = NULL;
	if (access(src->fleet, F_OK) < 0 && errno == ENOENT)
		return 0;
	if ((r = ms_fleet_view_read(v, src->fleet, err)) < 0)
		return r;
	rep->fleet = v;
	return 1;
}

/* The rendered status file as a cJSON tree (NULL on failure). */
static cJSON *status_tree(const struct ms_status *st)
{
	struct ms_buf b;
	cJSON *t = NULL;

	ms_buf_init(&b, MS_STATUS_MAX);
	if (ms_status_render(st, &b, NULL) == 0)
		t = cJSON_ParseWithLength(b.p, b.len);
	ms_buf_release(&b);
	return t;
}

static bool add_tree(cJSON *root, const char *name, bool have,
		     const struct ms_status *st)
{
	cJSON *t = have ? status_tree(st) : cJSON_CreateNull();

	return t && cJSON_AddItemToObject(root, name, t);
}

static bool add_fleet(cJSON *root, const struct ms_fleet_view *v)
{
	cJSON *t = v ? ms_fleet_view_json(v) : cJSON_CreateNull();

	return t && cJSON_AddItemToObject(root, "fleet", t);
}

static bool fill_json(cJSON *root, const struct ms_health_report *rep)
{
	const struct ms_health *h = &rep->h;
	double uptime = -1;

	if (rep->f.have_status && rep->h.pid)
		uptime = (double)(rep->f.now - rep->f.st.started) / 1000;
	return cJSON_AddStringToObject(root, "verdict",
				       ms_health_name(h->verdict)) &&
	       cJSON_AddBoolToObject(root, "healthy",
				     h->verdict == MS_HEALTH_OK) &&
	       cJSON_AddStringToObject(root, "reason", h->reason) &&
	       cJSON_AddNumberToObject(root, "pid", h->pid) &&
	       cJSON_AddNumberToObject(root, "heartbeat_age_s",
				       h->age_ms < 0 ? -1
						     : (double)h->age_ms / 1000) &&
	       cJSON_AddNumberToObject(root, "uptime_s", uptime) &&
	       add_tree(root, "status", rep->f.have_status, &rep->f.st) &&
	       add_tree(root, "supervisor", rep->have_sup, &rep->sup) &&
	       add_fleet(root, rep->fleet);
}

int ms_health_json(const struct ms_health_report *rep, struct ms_buf *out,
		   struct ms_err *err)
{
	cJSON *root = cJSON_CreateObject();
	char *text = NULL;
	int r;

	if (!root || !fill_json(root, rep) ||
	    !(text = cJSON_PrintUnformatted(root))) {
		r = ms_err_set(err, MS_E_NOMEM, "cannot render the health JSON");
		goto out;
	}
	r = ms_buf_printf(out, "%s\n", text);
	if (r < 0)
		ms_err_set(err, r, "health JSON: %s", ms_strerror(r));
out:
	cJSON_free(text);
	cJSON_Delete(root);
	return r < 0 ? r : 0;
}
