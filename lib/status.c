/*
 * The heartbeat status file (see status.h): rendering and parsing the
 * JSON with cJSON.  Numbers are read back as doubles, exact up to 2^53,
 * far above any counter or millisecond time modscan keeps.
 */
#include "status.h"

#include <cjson/cJSON.h>
#include <math.h>

#include "file.h"
#include "proc.h"
#include "mstime.h"
#include "spool.h"

static const char *const state_names[MS_STATE__COUNT] = {
	"starting", "scanning", "idle", "error", "stopping", "stopped"
};

const char *ms_state_name(enum ms_state s)
{
	return (unsigned)s < MS_STATE__COUNT ? state_names[s] : "unknown";
}

int ms_state_parse(const char *s, enum ms_state *out)
{
	size_t i;

	for (i = 0; i < MS_STATE__COUNT; i++) {
		if (!strcmp(s, state_names[i])) {
			*out = (enum ms_state)i;
			return 0;
		}
	}
	return MS_E_INVAL;
}

void ms_status_init(struct ms_status *st, const char *applet)
{
	memset(st, 0, sizeof(*st));
	st->pid = getpid();
	snprintf(st->applet, sizeof(st->applet), "%s", applet);
	st->state = MS_STATE_STARTING;
	st->started = ms_wall_now();
	st->heartbeat = st->started;
	if (ms_proc_starttime(st->pid, &st->proc_starttime, NULL) < 0)
		st->proc_starttime = 0;
}

/* --- rendering --- */

/*
 * Integers are added as raw text: cJSON prints doubles with 15 digits
 * when they compare equal within its epsilon, losing the last ones.
 * cJSON returns NULL on allocation failure.
 */
static bool add_num(cJSON *o, const char *name, long long v)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", v);
	return cJSON_AddRawToObject(o, name, text) != NULL;
}

static bool add_str(cJSON *o, const char *name, const char *v)
{
	return cJSON_AddStringToObject(o, name, v) != NULL;
}

static bool add_time(cJSON *o, const char *name, int64_t ms)
{
	char iso[MS_ISO_MAX], key[48];

	/* A readable copy for people; readers use the number. */
	snprintf(key, sizeof(key), "%s_iso", name);
	return add_num(o, name, (long long)ms) &&
	       (!ms || add_str(o, key, ms_time_iso(ms, iso)));
}

static cJSON *render_sweep(const struct ms_sweep_stats *s)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	if (add_time(o, "started", s->started) &&
	    add_time(o, "finished", s->finished) &&
	    add_num(o, "devices_ok", s->devices_ok) &&
	    add_num(o, "devices_partial", s->devices_partial) &&
	    add_num(o, "devices_failed", s->devices_failed) &&
	    add_num(o, "channels", (long long)s->channels) &&
	    add_num(o, "samples_stored", (long long)s->samples_stored) &&
	    add_num(o, "samples_spooled", (long long)s->samples_spooled) &&
	    add_num(o, "unknown_codes", (long long)s->unknown_codes) &&
	    add_num(o, "samples_lost", (long long)s->samples_lost) &&
	    add_num(o, "duration_ms", (long long)s->duration_ms))
		return o;
	cJSON_Delete(o);
	return NULL;
}

static bool render_failures(cJSON *root, const struct ms_status *st)
{
	cJSON *a = cJSON_AddArrayToObject(root, "failures"), *o;
	size_t i;

	for (i = 0; a && i < MS_MIN(st->nfailures, MS_STATUS_FAILURES_MAX);
	     i++) {
		const struct ms_status_failure *f = &st->failures[i];

		if (!(o = cJSON_CreateObject()))
			return false;
		cJSON_AddItemToArray(a, o);
		if (!add_str(o, "device", f->device) ||
		    !add_str(o, "reason", f->reason) ||
		    !add_time(o, "time", f->time) ||
		    !add_num(o, "consecutive", f->consecutive))
			return false;
	}
	return a != NULL;
}

static bool render_deaths(cJSON *root, const struct ms_status *st)
{
	cJSON *a = cJSON_AddArrayToObject(root, "deaths"), *o;
	size_t i;

	for (i = 0; a && i < MS_MIN(st->ndeaths, MS_STATUS_DEATHS_MAX); i++) {
		const struct ms_status_death *d = &st->deaths[i];

		if (!(o = cJSON_CreateObject()))
			return false;
		cJSON_AddItemToArray(a, o);
		if (!add_time(o, "time", d->time) ||
		    !add_num(o, "exit_status", d->exit_status) ||
		    !add_num(o, "signal", d->signal))
			return false;
	}
	return a != NULL;
}

static bool render_jobs(cJSON *root, const struct ms_status *st)
{
	cJSON *a = cJSON_AddArrayToObject(root, "jobs"), *o;
	size_t i;

	for (i = 0; a && i < MS_MIN(st->njobs, MS_STATUS_JOBS_MAX); i++) {
		const struct ms_status_job *j = &st->jobs[i];

		if (!(o = cJSON_CreateObject()))
			return false;
		cJSON_AddItemToArray(a, o);
		if (!add_str(o, "name", j->name) ||
		    !add_time(o, "last_start", j->last_start) ||
		    !add_num(o, "last_duration_ms",
			     (long long)j->last_duration_ms) ||
		    !add_num(o, "last_exit", j->last_exit) ||
		    !cJSON_AddBoolToObject(o, "running", j->running))
			return false;
	}
	return a != NULL;
}

static bool render_root(cJSON *root, const struct ms_status *st)
{
	cJSON *last, *total;

	if (!add_num(root, "pid", st->pid) ||
	    !add_str(root, "applet", st->applet) ||
	    !add_str(root, "state", ms_state_name(st->state)) ||
	    !add_str(root, "message", st->message) ||
	    !add_time(root, "heartbeat", st->heartbeat) ||
	    !add_time(root, "started", st->started) ||
	    !add_num(root, "proc_starttime", (long long)st->proc_starttime) ||
	    !add_time(root, "last_sweep_ok", st->last_sweep_ok) ||
	    !add_num(root, "devices_total", st->devices_total) ||
	    !add_num(root, "sweeps", (long long)st->sweeps) ||
	    !add_num(root, "spool_bytes", (long long)st->spool_bytes) ||
	    !add_num(root, "restarts", st->restarts) ||
	    !add_time(root, "inventory_ok", st->inventory_ok) ||
	    !add_num(root, "inventory_interval_ms",
		     (long long)st->inventory_interval_ms) ||
	    !add_str(root, "inventory_error", st->inventory_error) ||
	    !add_str(root, "retention_warning", st->retention_warning) ||
	    !add_num(root, "seq", (long long)st->seq) ||
	    !cJSON_AddBoolToObject(root, "no_space", st->no_space))
		return false;
	if (!(last = render_sweep(&st->last)))
		return false;
	cJSON_AddItemToObject(root, "last_sweep", last);
	if (!(total = render_sweep(&st->total)))
		return false;
	cJSON_AddItemToObject(root, "total", total);
	return render_failures(root, st) && render_deaths(root, st) &&
	       render_jobs(root, st);
}

/* The member that closes the file: a CRC-32 of all the text before it. */
static const char crc_key[] = ",\n\t\"crc\":\t\"";

int ms_status_render(const struct ms_status *st, struct ms_buf *out,
		     struct ms_err *err)
{
	cJSON *root = cJSON_CreateObject();
	char *text = NULL;
	size_t start = out->len, n;
	int r;

	if (!root || !render_root(root, st) ||
	    !(text = cJSON_Print(root))) {
		r = ms_err_set(err, MS_E_NOMEM, "status: out of memory");
		goto out;
	}
	/* cJSON_Print ends the object with "\n}": the CRC goes before it. */
	n = strlen(text);
	if ((r = ms_buf_add(out, text, n - 2)) < 0 ||
	    (r = ms_buf_printf(out, "%s%08x\"\n}\n", crc_key,
			       ms_crc32(out->p + start, out->len - start))) < 0)
		r = ms_err_set(err, r, "status: larger than %zu bytes",
			       out->max);
out:
	free(text);
	cJSON_Delete(root);
	return r;
}

/*
 * Whether the text carries a CRC that does not match it: a read that
 * overlapped an in-place write.  A file without one (an older writer)
 * passes.
 */
static bool torn(const char *json, size_t len)
{
	const char *k = NULL, *p = json;
	size_t left = len;
	unsigned long v;

	while ((p = memmem(p, left, crc_key, sizeof(crc_key) - 1))) {
		k = p++;
		left = len - (size_t)(p - json);
	}
	if (!k)
		return false;
	p = k + sizeof(crc_key) - 1;
	if ((size_t)(json + len - p) < 9 || p[8] != '"')
		return true;
	v = strtoul(p, NULL, 16);
	return v != ms_crc32(json, (size_t)(k - json));
}

/* --- parsing --- */

/* Number member name of o into [min, max]; absent: 0 and *out left. */
static int get_num(const cJSON *o, const char *name, double min, double max,
		   double *out, struct ms_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
	    v->valuedouble < min || v->valuedouble > max ||
	    v->valuedouble != floor(v->valuedouble))
		return ms_err_set(err, MS_E_PARSE,
				  "'%s' is not a valid number", name);
	*out = v->valuedouble;
	return 0;
}

#define GET_INT(o, name, field, min, max) do { \
	double d_ = (double)(field); \
	if ((r = get_num(o, name, min, max, &d_, err)) < 0) \
		return r; \
	(field) = (__typeof__(field))d_; \
} while (0)

#define U32 4294967295.0
#define I64 9007199254740992.0	/* 2^53: exact in a double */

static int get_str(const cJSON *o, const char *name, char *out, size_t size,
		   struct ms_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return ms_err_set(err, MS_E_PARSE, "'%s' is not a string",
				  name);
	snprintf(out, size, "%s", v->valuestring);
	return 0;
}

static int parse_sweep(const cJSON *o, struct ms_sweep_stats *s,
		       struct ms_err *err)
{
	int r;

	if (!o)
		return 0;
	if (!cJSON_IsObject(o))
		return ms_err_set(err, MS_E_PARSE, "sweep is not an object");
	GET_INT(o, "started", s->started, -I64, I64);
	GET_INT(o, "finished", s->finished, -I64, I64);
	GET_INT(o, "devices_ok", s->devices_ok, 0, U32);
	GET_INT(o, "devices_partial", s->devices_partial, 0, U32);
	GET_INT(o, "devices_failed", s->devices_failed, 0, U32);
	GET_INT(o, "channels", s->channels, 0, I64);
	GET_INT(o, "samples_stored", s->samples_stored, 0, I64);
	GET_INT(o, "samples_spooled", s->samples_spooled, 0, I64);
	GET_INT(o, "unknown_codes", s->unknown_codes, 0, I64);
	GET_INT(o, "samples_lost", s->samples_lost, 0, I64);
	GET_INT(o, "duration_ms", s->duration_ms, -I64, I64);
	return 0;
}

/* The array member name of root, at most max entries, else NULL. */
static const cJSON *get_array(const cJSON *root, const char *name,
			      size_t max, size_t *n)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, name);
	int size = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : 0;

	*n = MS_MIN((size_t)size, max);
	return *n ? a : NULL;
}

static int parse_lists(const cJSON *root, struct ms_status *st,
		       struct ms_err *err)
{
	const cJSON *a, *o;
	size_t i;
	int r;

	a = get_array(root, "failures", MS_STATUS_FAILURES_MAX,
		      &st->nfailures);
	for (i = 0; i < st->nfailures; i++) {
		struct ms_status_failure *f = &st->failures[i];

		o = cJSON_GetArrayItem(a, (int)i);
		if ((r = get_str(o, "device", f->device, sizeof(f->device),
				 err)) < 0 ||
		    (r = get_str(o, "reason", f->reason, sizeof(f->reason),
				 err)) < 0)
			return r;
		GET_INT(o, "time", f->time, -I64, I64);
		GET_INT(o, "consecutive", f->consecutive, 0, U32);
	}
	a = get_array(root, "deaths", MS_STATUS_DEATHS_MAX, &st->ndeaths);
	for (i = 0; i < st->ndeaths; i++) {
		struct ms_status_death *d = &st->deaths[i];

		o = cJSON_GetArrayItem(a, (int)i);
		GET_INT(o, "time", d->time, -I64, I64);
		GET_INT(o, "exit_status", d->exit_status, -1, 255);
		GET_INT(o, "signal", d->signal, 0, 128);
	}
	a = get_array(root, "jobs", MS_STATUS_JOBS_MAX, &st->njobs);
	for (i = 0; i < st->njobs; i++) {
		struct ms_status_job *j = &st->jobs[i];

		o = cJSON_GetArrayItem(a, (int)i);
		if ((r = get_str(o, "name", j->name, sizeof(j->name),
				 err)) < 0)
			return r;
		GET_INT(o, "last_start", j->last_start, -I64, I64);
		GET_INT(o, "last_duration_ms", j->last_duration_ms, -I64, I64);
		GET_INT(o, "last_exit", j->last_exit, -1, 255);
		j->running = cJSON_IsTrue(
			cJSON_GetObjectItemCaseSensitive(o, "running"));
	}
	return 0;
}

static int parse_root(const cJSON *root, struct ms_status *st,
		      struct ms_err *err)
{
	char state[16] = "";
	int r;

	if (!cJSON_IsObject(root))
		return ms_err_set(err, MS_E_PARSE, "not a JSON object");
	GET_INT(root, "pid", st->pid, 0, INT_MAX);
	if ((r = get_str(root, "applet", st->applet, sizeof(st->applet),
			 err)) < 0 ||
	    (r = get_str(root, "state", state, sizeof(state), err)) < 0 ||
	    (r = get_str(root, "message", st->message, sizeof(st->message),
			 err)) < 0)
		return r;
	if (ms_state_parse(state, &st->state) < 0)
		return ms_err_set(err, MS_E_PARSE, "unknown state '%s'",
				  state);
	GET_INT(root, "heartbeat", st->heartbeat, -I64, I64);
	GET_INT(root, "started", st->started, -I64, I64);
	GET_INT(root, "proc_starttime", st->proc_starttime, 0, I64);
	GET_INT(root, "last_sweep_ok", st->last_sweep_ok, -I64, I64);
	GET_INT(root, "devices_total", st->devices_total, 0, U32);
	GET_INT(root, "sweeps", st->sweeps, 0, I64);
	GET_INT(root, "spool_bytes", st->spool_bytes, 0, I64);
	GET_INT(root, "restarts", st->restarts, 0, U32);
	GET_INT(root, "inventory_ok", st->inventory_ok, -I64, I64);
	GET_INT(root, "inventory_interval_ms", st->inventory_interval_ms, 0,
		I64);
	if ((r = get_str(root, "inventory_error", st->inventory_error,
			 sizeof(st->inventory_error), err)) < 0 ||
	    (r = get_str(root, "retention_warning", st->retention_warning,
			 sizeof(st->retention_warning), err)) < 0)
		return r;
	GET_INT(root, "seq", st->seq, 0, I64);
	st->no_space = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root,
							"no_space"));
	if ((r = parse_sweep(cJSON_GetObjectItemCaseSensitive(root,
			"last_sweep"), &st->last, err)) < 0 ||
	    (r = parse_sweep(cJSON_GetObjectItemCaseSensitive(root, "total"),
			     &st->total, err)) < 0)
		return r;
	return parse_lists(root, st, err);
}

int ms_status_parse(const char *json, size_t len, struct ms_status *st,
		    struct ms_err *err)
{
	cJSON *root;
	int r;

	memset(st, 0, sizeof(*st));
	if (len > MS_STATUS_MAX)
		return ms_err_set(err, MS_E_TOOBIG,
				  "status: larger than %d bytes",
				  MS_STATUS_MAX);
	if (!(root = cJSON_ParseWithLength(json, len)))
		return ms_err_set(err, MS_E_PARSE, "status: not valid JSON");
	r = parse_root(root, st, err);
	if (r < 0)
		ms_err_prefix(err, "status");
	cJSON_Delete(root);
	return r;
}

/* b, padded with blanks to a multiple of MS_STATUS_BLOCK (valid JSON). */
static int pad(struct ms_buf *b)
{
	size_t want = (b->len + MS_STATUS_BLOCK - 1) / MS_STATUS_BLOCK *
		      MS_STATUS_BLOCK;
	int r;

	if ((r = ms_buf_reserve(b, want - b->len)) < 0)
		return r;
	memset(b->p + b->len, ' ', want - b->len);
	if (want > b->len)
		b->p[want - 1] = '\n';
	b->len = want;
	b->p[b->len] = '\0';
	return 0;
}

/*
 * Rewrite path in place with st, in the blocks it has: padded to its size
 * in one pwrite, the failing devices left out if they do not fit.
 */
static int write_in_place(struct ms_status *st, const char *path,
			  struct ms_err *err)
{
	struct ms_status *cut = NULL;
	struct ms_buf b;
	struct stat sb;
	int fd, r;

	ms_buf_init(&b, MS_STATUS_MAX);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		r = ms_err_sys(err, "cannot open '%s'", path);
		goto out;
	}
	if ((r = ms_status_render(st, &b, err)) < 0)
		goto out;
	if (b.len >= (size_t)sb.st_size && st->nfailures &&
	    (cut = malloc(sizeof(*cut)))) {
		*cut = *st;
		cut->nfailures = 0;
		ms_buf_reset(&b);
		if ((r = ms_status_render(cut, &b, err)) < 0)
			goto out;
	}
	if (b.len >= (size_t)sb.st_size) {
		r = ms_err_set(err, MS_E_FULL, "'%s': no space left", path);
		goto out;
	}
	if ((r = ms_buf_reserve(&b, (size_t)sb.st_size - b.len)) < 0) {
		r = ms_err_set(err, r, "status: %s", ms_strerror(r));
		goto out;
	}
	memset(b.p + b.len, ' ', (size_t)sb.st_size - b.len);
	b.p[sb.st_size - 1] = '\n';
	if (pwrite(fd, b.p, (size_t)sb.st_size, 0) != sb.st_size) {
		r = ms_err_sys(err, "cannot rewrite '%s'", path);
		goto out;
	}
	r = 1;
out:
	if (fd >= 0)
		close(fd);
	free(cut);
	ms_buf_release(&b);
	return r;
}

static bool out_of_space(const struct ms_err *e)
{
	return e->code == MS_E_SYS &&
	       (e->sys_errno == ENOSPC || e->sys_errno == EDQUOT);
}

int ms_status_write(struct ms_status *st, const char *path,
		    struct ms_err *err)
{
	struct ms_err e = { 0 };
	struct ms_buf b;
	int r;

	st->heartbeat = ms_wall_now();
	st->seq++;
	st->no_space = false;
	ms_buf_init(&b, MS_STATUS_MAX + MS_STATUS_BLOCK);
	if ((r = ms_status_render(st, &b, err)) < 0 || (r = pad(&b)) < 0)
		goto out;
	r = ms_file_replace(path, b.p, b.len, 0644, &e);
	if (r < 0 && out_of_space(&e)) {
		st->no_space = true;
		r = write_in_place(st, path, &e);
	}
	if (r < 0)
		ms_err_set(err, r, "%s", e.msg);
out:
	ms_buf_release(&b);
	return r;
}

int ms_status_read(const char *path, struct ms_status *st,
		   struct ms_err *err)
{
	struct ms_buf b;
	int r, tries = 0;

	ms_buf_init(&b, MS_STATUS_MAX + MS_STATUS_BLOCK);
	do {
		ms_buf_reset(&b);
		if ((r = ms_file_read(path, &b, NULL, err)) < 0)
			goto out;
	} while (torn(b.p, b.len) && ++tries < 100);
	if (tries == 100) {
		r = ms_err_set(err, MS_E_CORRUPT, "'%s': status: checksum "
			       "mismatch", path);
		goto out;
	}
	if ((r = ms_status_parse(b.p, b.len, st, err)) < 0)
		ms_err_prefix(err, "'%s'", path);
out:
	ms_buf_release(&b);
	return r;
}

static struct ms_status_failure *find_failure(struct ms_status *st,
					      const char *device)
{
	size_t i;

	for (i = 0; i < st->nfailures; i++)
		if (!strcmp(st->failures[i].device, device))
			return &st->failures[i];
	return NULL;
}

/* The slot for a new failure: a free one, else the oldest entry. */
static struct ms_status_failure *new_failure(struct ms_status *st)
{
	size_t i, oldest = 0;

	if (st->nfailures < MS_STATUS_FAILURES_MAX)
		return &st->failures[st->nfailures++];
	for (i = 1; i < st->nfailures; i++)
		if (st->failures[i].time < st->failures[oldest].time)
			oldest = i;
	return &st->failures[oldest];
}

void ms_status_device_failed(struct ms_status *st, const char *device,
			     const char *reason, int64_t when)
{
	struct ms_status_failure *f;

	if (!reason) {
		ms_status_device_ok(st, device);
		return;
	}
	if (!(f = find_failure(st, device))) {
		f = new_failure(st);
		memset(f, 0, sizeof(*f));
		snprintf(f->device, sizeof(f->device), "%s", device);
	}
	snprintf(f->reason, sizeof(f->reason), "%s", reason);
	f->time = when;
	f->consecutive++;
}

void ms_status_device_ok(struct ms_status *st, const char *device)
{
	struct ms_status_failure *f = find_failure(st, device);
	size_t i;

	if (!f)
		return;
	i = (size_t)(f - st->failures);
	memmove(f, f + 1, (st->nfailures - i - 1) * sizeof(*f));
	st->nfailures--;
}
