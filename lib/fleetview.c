/*
 * The fleet view (see fleetview.h): judging instances and groups, the
 * state file, the text and JSON status prints, and loading it from the
 * database.
 */
#include "fleetview.h"

#include <cjson/cJSON.h>

#include "db.h"
#include "mstime.h"
#include "num.h"
#include "statefile.h"

enum { FIELDS_MAX = 9 };

static const char magic[] = "modscan-fleet 1";

static const char *const state_names[MS_FLEET__COUNT] = {
	"alive", "lapsed", "stopped"
};

void ms_fleet_view_init(struct ms_fleet_view *v)
{
	memset(v, 0, sizeof(*v));
}

void ms_fleet_view_release(struct ms_fleet_view *v)
{
	free(v->insts);
	free(v->groups);
	memset(v, 0, sizeof(*v));
}

/* A zeroed element at the end of *arr, its first member named name. */
static void *add_named(void **arr, size_t *n, size_t *cap, size_t size,
		       size_t max, const char *name)
{
	char *e;

	if (*n >= max || ms_grow(arr, cap, *n, size, 16) < 0)
		return NULL;
	e = (char *)*arr + (*n)++ * size;
	memset(e, 0, size);
	ms_strlcpy(e, name, MS_FLEET_NAME_MAX);
	return e;
}

struct ms_fleet_inst *ms_fleet_inst_add(struct ms_fleet_view *v,
					const char *name)
{
	return add_named((void **)&v->insts, &v->ninsts, &v->icap,
			 sizeof(*v->insts), MS_FLEET_INSTS_MAX, name);
}

struct ms_fleet_group *ms_fleet_group_add(struct ms_fleet_view *v,
					  const char *name)
{
	return add_named((void **)&v->groups, &v->ngroups, &v->gcap,
			 sizeof(*v->groups), MS_FLEET_GROUPS_COUNT_MAX, name);
}

const char *ms_fleet_state_name(enum ms_fleet_state s)
{
	return (unsigned)s < MS_FLEET__COUNT ? state_names[s] : "?";
}

bool ms_fleet_serves(const char *groups, const char *group)
{
	const char *want = *group ? group : "-";
	size_t n = strlen(want);
	const char *p = groups, *end;

	if (!*groups)
		return true;
	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) == n && !memcmp(p, want, n))
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

/* Whether a live instance serves group. */
static bool served(const struct ms_fleet_view *v, const char *group)
{
	size_t i;

	for (i = 0; i < v->ninsts; i++)
		if (v->insts[i].state == MS_FLEET_ALIVE &&
		    ms_fleet_serves(v->insts[i].groups, group))
			return true;
	return false;
}

void ms_fleet_view_judge(struct ms_fleet_view *v)
{
	struct ms_fleet_inst *in;
	size_t i;

	for (i = 0; i < v->ninsts; i++) {
		in = &v->insts[i];
		if (in->stopped)
			in->state = MS_FLEET_STOPPED;
		else if (v->at_ms - in->seen_ms > in->lapse_ms)
			in->state = MS_FLEET_LAPSED;
		else
			in->state = MS_FLEET_ALIVE;
	}
	for (i = 0; i < v->ngroups; i++)
		v->groups[i].unserved = served(v, v->groups[i].name)
						? 0 : v->groups[i].devices;
}

size_t ms_fleet_view_count(const struct ms_fleet_view *v,
			   enum ms_fleet_state s)
{
	size_t i, n = 0;

	for (i = 0; i < v->ninsts; i++)
		n += v->insts[i].state == s;
	return n;
}

uint64_t ms_fleet_view_unserved(const struct ms_fleet_view *v)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < v->ngroups; i++)
		n += v->groups[i].unserved;
	return n;
}

uint64_t ms_fleet_view_waiting(const struct ms_fleet_view *v)
{
	uint64_t n = v->orphaned;
	size_t i;

	for (i = 0; i < v->ninsts; i++)
		if (v->insts[i].state != MS_FLEET_ALIVE)
			n += v->insts[i].held;
	return n;
}

/* --- the state file --- */

static int render_inst(const struct ms_fleet_inst *in, struct ms_buf *out)
{
	int r;

	if ((r = ms_buf_adds(out, "I\t")) < 0 ||
	    (r = ms_statefile_name(out, in->name)) < 0 ||
	    (r = ms_buf_addc(out, '\t')) < 0 ||
	    (r = ms_statefile_name(out, in->groups)) < 0 ||
	    (r = ms_buf_addc(out, '\t')) < 0 ||
	    (r = ms_statefile_name(out, in->host)) < 0)
		return r;
	return ms_buf_printf(out, "\t%lld\t%lld\t%u\t%u\t%d\n",
			     (long long)in->seen_ms, (long long)in->lapse_ms,
			     in->leased, in->held, in->stopped);
}

int ms_fleet_view_render(const struct ms_fleet_view *v, struct ms_buf *out)
{
	size_t i;
	int r;

	if ((r = ms_buf_printf(out, "%s\nV\t%lld\t%lld\t%u\t", magic,
			       (long long)v->at_ms, (long long)v->down_ms,
			       v->orphaned)) < 0 ||
	    (r = ms_statefile_name(out, v->down_error)) < 0 ||
	    (r = ms_buf_addc(out, '\n')) < 0)
		return r;
	for (i = 0; i < v->ninsts; i++)
		if ((r = render_inst(&v->insts[i], out)) < 0)
			return r;
	for (i = 0; i < v->ngroups; i++)
		if ((r = ms_buf_adds(out, "G\t")) < 0 ||
		    (r = ms_statefile_name(out, v->groups[i].name)) < 0 ||
		    (r = ms_buf_printf(out, "\t%u\n",
				       v->groups[i].devices)) < 0)
			return r;
	return 0;
}

static bool fits(const char *s, size_t size)
{
	return strlen(s) < size;
}

static int parse_inst(struct ms_fleet_view *v, char **f)
{
	uint64_t seen, lapse, leased, held, stopped;
	struct ms_fleet_inst *in;

	if (!fits(f[1], MS_FLEET_NAME_MAX) ||
	    !fits(f[2], MS_FLEET_GROUPS_MAX) ||
	    !fits(f[3], MS_FLEET_HOST_MAX) ||
	    !ms_statefile_num(f[4], INT64_MAX / 2, &seen) ||
	    !ms_statefile_num(f[5], INT64_MAX / 2, &lapse) ||
	    !ms_statefile_num(f[6], UINT32_MAX, &leased) ||
	    !ms_statefile_num(f[7], UINT32_MAX, &held) ||
	    !ms_statefile_num(f[8], 1, &stopped))
		return MS_E_PARSE;
	if (!(in = ms_fleet_inst_add(v, f[1])))
		return MS_E_NOMEM;
	ms_strlcpy(in->groups, f[2], sizeof(in->groups));
	ms_strlcpy(in->host, f[3], sizeof(in->host));
	in->seen_ms = (int64_t)seen;
	in->lapse_ms = (int64_t)lapse;
	in->leased = (uint32_t)leased;
	in->held = (uint32_t)held;
	in->stopped = stopped;
	return 0;
}

/* The V line: first after the magic, once. */
static int parse_head(struct ms_fleet_view *v, char **f, size_t n,
		      size_t *seen_v)
{
	uint64_t at, down, orphaned;

	if (n != 5 || (*seen_v)++ || !fits(f[4], sizeof(v->down_error)) ||
	    !ms_statefile_num(f[1], INT64_MAX / 2, &at) ||
	    !ms_statefile_num(f[2], INT64_MAX / 2, &down) ||
	    !ms_statefile_num(f[3], UINT32_MAX, &orphaned))
		return MS_E_PARSE;
	v->at_ms = (int64_t)at;
	v->down_ms = (int64_t)down;
	v->orphaned = (uint32_t)orphaned;
	ms_strlcpy(v->down_error, f[4], sizeof(v->down_error));
	return 0;
}

struct parse_ctx {
	struct ms_fleet_view *v;
	size_t seen_v;			/* V lines read */
};

static int parse_line(void *ctx, char **f, size_t n)
{
	struct parse_ctx *c = ctx;
	struct ms_fleet_group *g;
	uint64_t devices;

	if (!strcmp(f[0], "V"))
		return parse_head(c->v, f, n, &c->seen_v);
	if (!c->seen_v)
		return MS_E_PARSE;
	if (!strcmp(f[0], "I") && n == 9)
		return parse_inst(c->v, f);
	if (strcmp(f[0], "G") || n != 3 || !fits(f[1], MS_FLEET_NAME_MAX) ||
	    !ms_statefile_num(f[2], UINT32_MAX, &devices))
		return MS_E_PARSE;
	if (!(g = ms_fleet_group_add(c->v, f[1])))
		return MS_E_NOMEM;
	g->devices = (uint32_t)devices;
	return 0;
}

int ms_fleet_view_parse(struct ms_fleet_view *v, const char *s, size_t len,
			struct ms_err *err)
{
	struct parse_ctx c = { v, 0 };
	int r;

	r = ms_statefile_parse(s, len, magic, FIELDS_MAX, "fleet",
			       parse_line, &c, err);
	if (r == 0 && !c.seen_v)
		r = ms_err_set(err, MS_E_PARSE, "no view record");
	if (r == 0)
		ms_fleet_view_judge(v);
	return r;
}

static int render(const void *v, struct ms_buf *out)
{
	return ms_fleet_view_render(v, out);
}

static int parse(void *v, const char *s, size_t len, struct ms_err *err)
{
	return ms_fleet_view_parse(v, s, len, err);
}

int ms_fleet_view_write(const struct ms_fleet_view *v, const char *path,
			struct ms_err *err)
{
	return ms_statefile_write(path, MS_FLEET_FILE_MAX, render, v, err);
}

int ms_fleet_view_read(struct ms_fleet_view *v, const char *path,
		       struct ms_err *err)
{
	return ms_statefile_read(path, MS_FLEET_FILE_MAX, parse, v, err);
}

int ms_fleet_view_path(const char *status_path, char *out, size_t size)
{
	return ms_statefile_path(status_path, "fleet.state", out, size);
}

/* --- for people --- */

static int text_inst(const struct ms_fleet_view *v,
		     const struct ms_fleet_inst *in, struct ms_buf *out)
{
	int r;

	r = ms_buf_printf(out, "  %-16s %-7s groups %s, host %s, seen %lld s "
			  "before the view, %u devices leased in the last "
			  "interval", in->name, ms_fleet_state_name(in->state),
			  in->groups[0] ? in->groups : "all",
			  in->host[0] ? in->host : "?",
			  (long long)((v->at_ms - in->seen_ms) / 1000),
			  in->leased);
	if (r >= 0 && in->state != MS_FLEET_ALIVE && in->held)
		r = ms_buf_printf(out, ", %u devices not taken over yet",
				  in->held);
	return r < 0 ? r : ms_buf_addc(out, '\n');
}

static int text_down(const struct ms_fleet_view *v, struct ms_buf *out)
{
	char iso[MS_ISO_MAX];

	if (!v->down_ms)
		return 0;
	return ms_buf_printf(out, "database:   down since %s (%s); %llu "
			     "devices wait for it\n",
			     ms_time_iso(v->down_ms, iso),
			     v->down_error[0] ? v->down_error : "unreachable",
			     (unsigned long long)ms_fleet_view_waiting(v));
}

int ms_fleet_view_text(const struct ms_fleet_view *v, int64_t now,
		       struct ms_buf *out)
{
	char iso[MS_ISO_MAX];
	size_t i;
	int r;

	if (!v->at_ms) {
		r = ms_buf_adds(out, "fleet:      no view read from the "
				"database yet\n");
		return r < 0 ? r : text_down(v, out);
	}
	r = ms_buf_printf(out, "fleet:      %zu instances: %zu alive, %zu "
			  "lapsed, %zu stopped; view of %s (%lld s ago)\n",
			  v->ninsts, ms_fleet_view_count(v, MS_FLEET_ALIVE),
			  ms_fleet_view_count(v, MS_FLEET_LAPSED),
			  ms_fleet_view_count(v, MS_FLEET_STOPPED),
			  ms_time_iso(v->at_ms, iso),
			  (long long)(now > v->at_ms ? (now - v->at_ms) / 1000
						     : 0));
	for (i = 0; i < v->ninsts && r >= 0; i++)
		r = text_inst(v, &v->insts[i], out);
	for (i = 0; i < v->ngroups && r >= 0; i++)
		if (v->groups[i].unserved)
			r = ms_buf_printf(out, "unserved:   group %s: %u "
					  "devices\n", v->groups[i].name[0]
					  ? v->groups[i].name : "(none)",
					  v->groups[i].unserved);
	return r < 0 ? r : text_down(v, out);
}

/* --- the JSON object of status --json --- */

/* A new object appended to the array a; NULL on NOMEM. */
static cJSON *element(cJSON *a)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !cJSON_AddItemToArray(a, o)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static bool json_inst(cJSON *a, const struct ms_fleet_inst *in)
{
	cJSON *o = element(a);

	return o && cJSON_AddStringToObject(o, "name", in->name) &&
	       cJSON_AddStringToObject(o, "groups", in->groups) &&
	       cJSON_AddStringToObject(o, "host", in->host) &&
	       cJSON_AddNumberToObject(o, "last_seen_ms",
				       (double)in->seen_ms) &&
	       cJSON_AddNumberToObject(o, "lapse_ms",
				       (double)in->lapse_ms) &&
	       cJSON_AddNumberToObject(o, "leased", in->leased) &&
	       cJSON_AddNumberToObject(o, "held", in->held) &&
	       cJSON_AddStringToObject(o, "state",
				       ms_fleet_state_name(in->state));
}

static bool json_group(cJSON *a, const struct ms_fleet_group *g)
{
	cJSON *o = element(a);

	return o && cJSON_AddStringToObject(o, "name", g->name) &&
	       cJSON_AddNumberToObject(o, "devices", g->devices) &&
	       cJSON_AddNumberToObject(o, "unserved", g->unserved);
}

static bool json_fill(cJSON *o, const struct ms_fleet_view *v)
{
	cJSON *insts, *groups;
	size_t i;
	bool ok;

	ok = cJSON_AddNumberToObject(o, "view_ms", (double)v->at_ms) &&
	     cJSON_AddBoolToObject(o, "database_up", !v->down_ms) &&
	     cJSON_AddNumberToObject(o, "database_down_ms",
				     (double)v->down_ms) &&
	     cJSON_AddStringToObject(o, "database_error", v->down_error) &&
	     cJSON_AddNumberToObject(o, "devices_waiting",
				     (double)ms_fleet_view_waiting(v)) &&
	     cJSON_AddNumberToObject(o, "devices_unserved",
				     (double)ms_fleet_view_unserved(v)) &&
	     (insts = cJSON_AddArrayToObject(o, "instances")) &&
	     (groups = cJSON_AddArrayToObject(o, "groups"));
	for (i = 0; ok && i < v->ninsts; i++)
		ok = json_inst(insts, &v->insts[i]);
	for (i = 0; ok && i < v->ngroups; i++)
		ok = json_group(groups, &v->groups[i]);
	return ok;
}

struct cJSON *ms_fleet_view_json(const struct ms_fleet_view *v)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !json_fill(o, v)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* --- from the database --- */

struct load {
	struct ms_fleet_view *v;
	int r;				/* the first failure of a row */
};

static bool num_col(const char *s, long long max, int64_t *out)
{
	long long n;

	if (!s || ms_parse_ll(s, 0, max, &n) < 0)
		return false;
	*out = n;
	return true;
}

/* name, groups, host, seen_ms, lapse_ms, leased, stopped */
static int inst_row(void *ctx, unsigned ncols, char **c)
{
	struct load *l = ctx;
	struct ms_fleet_inst *in;
	int64_t leased, stopped;

	if (ncols != 7 || !c[0] || !(in = ms_fleet_inst_add(l->v, c[0]))) {
		l->r = ncols != 7 || !c[0] ? MS_E_PARSE : MS_E_NOMEM;
		return 1;
	}
	ms_strlcpy(in->groups, c[1] ? c[1] : "", sizeof(in->groups));
	ms_strlcpy(in->host, c[2] ? c[2] : "", sizeof(in->host));
	if (!num_col(c[3], INT64_MAX / 2, &in->seen_ms) ||
	    !num_col(c[4], INT64_MAX / 2, &in->lapse_ms) ||
	    !num_col(c[5], UINT32_MAX, &leased) ||
	    !num_col(c[6], 255, &stopped)) {
		l->r = MS_E_PARSE;
		return 1;
	}
	in->leased = (uint32_t)leased;
	in->stopped = stopped != 0;
	return 0;
}

/* grp, devices */
static int group_row(void *ctx, unsigned ncols, char **c)
{
	struct load *l = ctx;
	struct ms_fleet_group *g;
	int64_t n;

	if (ncols != 2 || !num_col(c[1], UINT32_MAX, &n)) {
		l->r = MS_E_PARSE;
		return 1;
	}
	if (!(g = ms_fleet_group_add(l->v, c[0] ? c[0] : ""))) {
		l->r = MS_E_NOMEM;
		return 1;
	}
	g->devices = (uint32_t)n;
	return 0;
}

/* owner, devices it holds or scanned last: its own, or orphaned when it
 * has no membership row */
static int holder_row(void *ctx, unsigned ncols, char **c)
{
	struct load *l = ctx;
	int64_t n;
	size_t i;

	if (ncols != 2 || !c[0] || !num_col(c[1], UINT32_MAX, &n)) {
		l->r = MS_E_PARSE;
		return 1;
	}
	for (i = 0; i < l->v->ninsts; i++)
		if (!strcmp(l->v->insts[i].name, c[0])) {
			l->v->insts[i].held = (uint32_t)n;
			return 0;
		}
	l->v->orphaned += (uint32_t)n;
	return 0;
}

/* the clock the scanners renew and lease by */
static const char now_sql[] =
	"SELECT CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)";
static const char inst_sql[] =
	"SELECT name, groups, host, seen_ms, lapse_ms, leased, stopped "
	"FROM scan_instances ORDER BY name";
static const char group_sql[] =
	"SELECT grp, COUNT(*) FROM scan_leases GROUP BY grp ORDER BY grp";
/* a device belongs to its lease holder, else to its last scanner: the
 * instance that scans it while the database is away */
static const char holder_sql[] =
	"SELECT IF(instance <> '', instance, scanned_by) AS owner, COUNT(*) "
	"FROM scan_leases WHERE instance <> '' OR scanned_by <> '' "
	"GROUP BY owner";

static int load_rows(struct ms_db *db, struct load *l, struct ms_err *err)
{
	char now[32];
	int r;

	if ((r = ms_db_query_str(db, now_sql, NULL, 0, now, sizeof(now),
				 err)) < 0)
		return r;
	if (!num_col(now, INT64_MAX / 2, &l->v->at_ms))
		return ms_err_set(err, MS_E_DB, "database: clock '%s' is not "
				  "a time", now);
	if ((r = ms_db_query(db, inst_sql, NULL, 0, inst_row, l, NULL,
			     err)) < 0 || l->r < 0 ||
	    (r = ms_db_query(db, group_sql, NULL, 0, group_row, l, NULL,
			     err)) < 0 || l->r < 0 ||
	    (r = ms_db_query(db, holder_sql, NULL, 0, holder_row, l, NULL,
			     err)) < 0)
		return r;
	return 0;
}

int ms_fleet_view_load(struct ms_db *db, struct ms_fleet_view *v,
		       struct ms_err *err)
{
	struct load l = { v, 0 };
	int r;

	if ((r = ms_db_exec(db, "START TRANSACTION READ ONLY", err)) < 0)
		return r;
	r = load_rows(db, &l, err);
	if (r == 0 && l.r < 0)
		r = ms_err_set(err, l.r, "database: fleet tables: %s",
			       l.r == MS_E_PARSE ? "unexpected value"
						 : ms_strerror(l.r));
	if (r < 0)
		ms_db_rollback(db);
	else
		r = ms_db_commit(db, err);
	if (r == 0)
		ms_fleet_view_judge(v);
	return r;
}

static int path_of(const char *status_path, char *out, size_t size,
		   struct ms_err *err)
{
	if (ms_fleet_view_path(status_path, out, size) < 0)
		return ms_err_set(err, MS_E_TOOBIG, "'%s': path too long",
				  status_path);
	return 0;
}

int ms_fleet_view_mark_down(const char *status_path, const char *why,
			    struct ms_err *err)
{
	struct ms_fleet_view last;
	char path[PATH_MAX];
	int r;

	if ((r = path_of(status_path, path, sizeof(path), err)) < 0)
		return r;
	ms_fleet_view_init(&last);
	if (ms_fleet_view_read(&last, path, NULL) < 0) {
		ms_fleet_view_release(&last);
		ms_fleet_view_init(&last);
	}
	if (!last.down_ms)
		last.down_ms = ms_wall_now();
	ms_strlcpy(last.down_error, why, sizeof(last.down_error));
	r = ms_fleet_view_write(&last, path, err);
	ms_fleet_view_release(&last);
	return r;
}

int ms_fleet_view_refresh(struct ms_db *db, const char *status_path,
			  struct ms_err *err)
{
	struct ms_err load_err = { 0 };
	struct ms_fleet_view v;
	char path[PATH_MAX];
	int r;

	if ((r = path_of(status_path, path, sizeof(path), err)) < 0)
		return r;
	ms_fleet_view_init(&v);
	if (!db)
		r = ms_err_set(&load_err, MS_E_DB, "database: not connected");
	else
		r = ms_fleet_view_load(db, &v, &load_err);
	if (r == 0) {
		r = ms_fleet_view_write(&v, path, err);
	} else if ((r = ms_fleet_view_mark_down(status_path, load_err.msg,
						err)) == 0) {
		r = load_err.code;
		if (err)
			*err = load_err;
	}
	ms_fleet_view_release(&v);
	return r;
}
