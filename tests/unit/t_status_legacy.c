/*
 * Unit tests of the old tool's status file.  The expected texts are what
 * Python's datetime.isoformat() and str(timedelta) print for the same
 * values (checked with /usr/bin/python3, TZ=UTC).
 */
#include "status_legacy.h"
#include "harness.h"

#include <cjson/cJSON.h>

static cJSON *render(const struct ms_status *st, int64_t now)
{
	struct ms_buf b;
	cJSON *j;

	ms_buf_init(&b, MS_STATUS_MAX);
	if (ms_status_legacy_render(st, "/run/scan.pid", now, &b, NULL) < 0)
		return NULL;
	j = cJSON_ParseWithLength(b.p, b.len);
	ms_buf_release(&b);
	return j;
}

static const char *str(const cJSON *j, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);

	return cJSON_IsString(v) ? v->valuestring : "(not a string)";
}

static double num(const cJSON *j, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

int main(void)
{
	static const struct {
		int64_t up_s;
		const char *human;
	} deltas[] = {
		{ 93784, "1 day, 2:03:04" },
		{ 172801, "2 days, 0:00:01" },
		{ 18189, "5:03:09" },
	};
	static const char *const keys[] = {
		"timestamp", "status", "message", "last_successful_scan",
		"last_heartbeat", "pid", "uptime_seconds", "uptime_human",
		"lock_file", "is_healthy", "statistics"
	};
	int64_t now = 1700000000123;
	struct ms_status st;
	cJSON *j;
	size_t i;

	setenv("TZ", "UTC", 1);
	tzset();
	memset(&st, 0, sizeof(st));
	st.pid = 4242;
	st.state = MS_STATE_IDLE;
	st.heartbeat = now;
	st.last_sweep_ok = 1699999000500;
	snprintf(st.message, sizeof(st.message), "waiting");
	for (i = 0; i < MS_ARRAY_SIZE(deltas); i++) {
		st.started = now - deltas[i].up_s * 1000;
		j = render(&st, now);
		ok(j != NULL, "renders valid JSON");
		is_str(str(j, "uptime_human"), deltas[i].human,
		       "uptime_human of %lld s", (long long)deltas[i].up_s);
		is_int(num(j, "uptime_seconds"), deltas[i].up_s,
		       "uptime_seconds");
		cJSON_Delete(j);
	}
	j = render(&st, now);
	is_int(cJSON_GetArraySize(j), MS_ARRAY_SIZE(keys),
	       "exactly the old keys");
	for (i = 0; i < MS_ARRAY_SIZE(keys); i++)
		ok(cJSON_GetObjectItemCaseSensitive(j, keys[i]), "key %s",
		   keys[i]);
	is_str(str(j, "timestamp"), "2023-11-14T22:13:20.123000",
	       "timestamp as isoformat()");
	is_str(str(j, "last_successful_scan"), "2023-11-14T21:56:40.500000",
	       "last_successful_scan as isoformat()");
	is_str(str(j, "status"), "running", "idle is running");
	ok(num(j, "last_heartbeat") == 1700000000.123,
	   "last_heartbeat in epoch seconds");
	is_int(num(j, "pid"), 4242, "pid");
	is_str(str(j, "lock_file"), "/run/scan.pid", "lock_file");
	ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "is_healthy")),
	   "healthy while running");
	cJSON_Delete(j);
	st.state = MS_STATE_STOPPING;
	st.last_sweep_ok = 0;
	j = render(&st, now);
	is_str(str(j, "status"), "shutting_down", "stopping is shutting_down");
	ok(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j,
		"last_successful_scan")), "no sweep yet: null");
	cJSON_Delete(j);
	st.state = MS_STATE_STOPPED;
	j = render(&st, now);
	is_str(str(j, "status"), "stopped", "stopped");
	ok(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "is_healthy")),
	   "a stopped scanner is not healthy");
	cJSON_Delete(j);
	return done_testing();
}
