/* The old tool's status file (see status_legacy.h). */
#include "status_legacy.h"

#include <cjson/cJSON.h>

#include "file.h"
#include "mstime.h"

/* Python's datetime.isoformat(): local time, microseconds, no zone. */
static void py_iso(int64_t ms, char *out, size_t size)
{
	struct tm tm;
	size_t n;

	if (ms_localtime((time_t)(ms / 1000), &tm) < 0) {
		snprintf(out, size, "%lld", (long long)ms);
		return;
	}
	n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, size - n, ".%03d000", (int)(ms % 1000));
}

/* Python's str(timedelta(seconds=s)): "5:03:09", "2 days, 0:00:01". */
static void py_delta(long long s, char *out, size_t size)
{
	long long d = s / 86400;

	s %= 86400;
	if (d)
		snprintf(out, size, "%lld day%s, %lld:%02lld:%02lld", d,
			 d == 1 ? "" : "s", s / 3600, s % 3600 / 60, s % 60);
	else
		snprintf(out, size, "%lld:%02lld:%02lld", s / 3600,
			 s % 3600 / 60, s % 60);
}

static const char *old_status(enum ms_state s)
{
	switch (s) {
	case MS_STATE_ERROR:
		return "error";
	case MS_STATE_STOPPING:
		return "shutting_down";
	case MS_STATE_STOPPED:
		return "stopped";
	default:
		return "running";
	}
}

static bool fill(cJSON *o, const struct ms_status *st, const char *lock_file,
		 int64_t now)
{
	long long up = (now - st->started) / 1000;
	char iso[48], human[48];
	cJSON *s;

	py_iso(now, iso, sizeof(iso));
	py_delta(up, human, sizeof(human));
	if (!cJSON_AddStringToObject(o, "timestamp", iso) ||
	    !cJSON_AddStringToObject(o, "status", old_status(st->state)) ||
	    !cJSON_AddStringToObject(o, "message", st->message))
		return false;
	py_iso(st->last_sweep_ok, iso, sizeof(iso));
	if (!(st->last_sweep_ok ?
	      cJSON_AddStringToObject(o, "last_successful_scan", iso) :
	      cJSON_AddNullToObject(o, "last_successful_scan")) ||
	    !cJSON_AddNumberToObject(o, "last_heartbeat",
				     (double)st->heartbeat / 1000) ||
	    !cJSON_AddNumberToObject(o, "pid", st->pid) ||
	    !cJSON_AddNumberToObject(o, "uptime_seconds", (double)up) ||
	    !cJSON_AddStringToObject(o, "uptime_human", human) ||
	    !cJSON_AddStringToObject(o, "lock_file", lock_file) ||
	    !cJSON_AddBoolToObject(o, "is_healthy",
				   st->state != MS_STATE_ERROR &&
				   st->state != MS_STATE_STOPPED) ||
	    !(s = cJSON_AddObjectToObject(o, "statistics")))
		return false;
	return cJSON_AddNumberToObject(s, "devices", st->devices_total) &&
	       cJSON_AddNumberToObject(s, "sweeps", (double)st->sweeps) &&
	       cJSON_AddNumberToObject(s, "devices_ok",
				       st->last.devices_ok) &&
	       cJSON_AddNumberToObject(s, "devices_failed",
				       st->last.devices_failed) &&
	       cJSON_AddNumberToObject(s, "samples_stored",
				       (double)st->total.samples_stored);
}

int ms_status_legacy_render(const struct ms_status *st, const char *lock_file,
			    int64_t now, struct ms_buf *out,
			    struct ms_err *err)
{
	cJSON *root = cJSON_CreateObject();
	char *text = NULL;
	int r;

	if (!root || !fill(root, st, lock_file, now) ||
	    !(text = cJSON_Print(root))) {
		r = ms_err_set(err, MS_E_NOMEM, "legacy status: out of memory");
		goto out;
	}
	if ((r = ms_buf_printf(out, "%s\n", text)) < 0)
		ms_err_set(err, r, "legacy status: %s", ms_strerror(r));
out:
	cJSON_free(text);
	cJSON_Delete(root);
	return r < 0 ? r : 0;
}

int ms_status_legacy_write(const struct ms_status *st, const char *lock_file,
			   const char *path, struct ms_err *err)
{
	struct ms_buf b;
	int r;

	ms_buf_init(&b, MS_STATUS_MAX);
	if ((r = ms_status_legacy_render(st, lock_file, ms_wall_now(), &b,
					 err)) < 0)
		goto out;
	r = ms_file_replace(path, b.p, b.len, 0644, err);
out:
	ms_buf_release(&b);
	return r;
}
