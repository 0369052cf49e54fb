/*
 * Plant alerts (see plantalert.h): the evaluation after each device scan
 * and the state file that carries open alerts across restarts.
 */
#include "plantalert.h"

#include "sample.h"
#include "statefile.h"

enum { FIELDS_MAX = 8 };

static const char magic[] = "modscan-plant-alerts 1";

void ms_plantalert_init(struct ms_plantalert *pa)
{
	memset(pa, 0, sizeof(*pa));
	ms_nameidx_init(&pa->idx);
}

void ms_plantalert_release(struct ms_plantalert *pa)
{
	size_t i;

	for (i = 0; i < pa->ndevs; i++)
		free(pa->devs[i].ups);
	free(pa->devs);
	ms_nameidx_release(&pa->idx);
	memset(pa, 0, sizeof(*pa));
}

void ms_plantalert_out_release(struct ms_plantalert_out *out)
{
	free(out->v);
	memset(out, 0, sizeof(*out));
}

void ms_plantalert_conf_from(struct ms_plantalert_conf *pc,
			     const struct ms_conf *c)
{
	pc->below_min = ms_conf_int(c, MS_CONF_PLANT_ALERT_BELOW_QAM64_MIN);
	pc->degraded = ms_conf_int(c, MS_CONF_PLANT_ALERT_DEGRADED_UPSTREAMS);
	pc->fails = ms_conf_int(c, MS_CONF_PLANT_ALERT_DEVICE_FAILS);
}

/* The device named name, added when new; NULL on NOMEM. */
static struct ms_plantalert_dev *get_dev(struct ms_plantalert *pa,
					 const char *name)
{
	ssize_t i = ms_nameidx_find(&pa->idx, pa->devs, sizeof(*pa->devs),
				    name);
	struct ms_plantalert_dev *d;

	if (i >= 0)
		return &pa->devs[i];
	if (ms_grow((void **)&pa->devs, &pa->cap, pa->ndevs,
		    sizeof(*pa->devs), 64) < 0)
		return NULL;
	d = &pa->devs[pa->ndevs];
	memset(d, 0, sizeof(*d));
	ms_strlcpy(d->name, name, sizeof(d->name));
	if (ms_nameidx_add(&pa->idx, pa->devs, sizeof(*pa->devs),
			   pa->ndevs) < 0)
		return NULL;
	return &pa->devs[pa->ndevs++];
}

/* A zeroed upstream named name at the end of d; NULL on NOMEM. */
static struct ms_plantalert_up *new_up(struct ms_plantalert_dev *d,
				       const char *name)
{
	struct ms_plantalert_up *u;

	if (ms_grow((void **)&d->ups, &d->cap, d->nups, sizeof(*d->ups),
		    16) < 0)
		return NULL;
	u = &d->ups[d->nups++];
	memset(u, 0, sizeof(*u));
	ms_strlcpy(u->name, name, sizeof(u->name));
	return u;
}

static struct ms_plantalert_up *find_up(struct ms_plantalert_dev *d,
					const char *name)
{
	size_t i;

	for (i = 0; i < d->nups; i++)
		if (!strcmp(d->ups[i].name, name))
			return &d->ups[i];
	return NULL;
}

/* Append one event; MS_E_NOMEM. */
static int emit(struct ms_plantalert_out *out, const char *kind,
		const char *device, const struct ms_plantalert_up *u,
		int64_t since, int64_t at, int64_t value)
{
	struct ms_alert_event *ev;

	if (ms_grow((void **)&out->v, &out->cap, out->n, sizeof(*out->v),
		    16) < 0)
		return MS_E_NOMEM;
	ev = &out->v[out->n++];
	memset(ev, 0, sizeof(*ev));
	ms_strlcpy(ev->kind, kind, sizeof(ev->kind));
	ms_strlcpy(ev->device, device, sizeof(ev->device));
	if (u) {
		ms_strlcpy(ev->upstream, u->name, sizeof(ev->upstream));
		ms_strlcpy(ev->node, u->node, sizeof(ev->node));
		ms_strlcpy(ev->modulation, u->seen ? ms_mod_name(u->mod) : "",
			   sizeof(ev->modulation));
	}
	ev->since = since;
	ev->at = at;
	ev->value = value;
	return 0;
}

static bool is_below(uint8_t mod)
{
	return mod == MS_MOD_QPSK || mod == MS_MOD_QAM16;
}

static int64_t below_minutes(const struct ms_plantalert_up *u)
{
	return u->last > u->since ? (u->last - u->since) / 60 : 0;
}

/* One upstream of the scan; *drop when its state can go. */
static int eval_up(struct ms_plantalert_dev *d, struct ms_plantalert_up *u,
		   const struct ms_plant_up *pu,
		   const struct ms_plantalert_conf *c, int64_t at,
		   struct ms_plantalert_out *out, bool *drop)
{
	*drop = false;
	u->seen = true;
	u->mod = pu->mod;
	ms_strlcpy(u->node, pu->node, sizeof(u->node));
	if (is_below(pu->mod)) {
		if (!u->since)
			u->since = pu->last_t;
		u->last = pu->last_t;
		if (u->open || c->below_min < 0 ||
		    u->last - u->since < c->below_min * 60)
			return 0;
		u->open = true;
		return emit(out, MS_EV_UPSTREAM_BELOW, d->name, u, u->since,
			    at, below_minutes(u));
	}
	if (pu->mod != MS_MOD_QAM64)
		return 0;
	*drop = true;
	if (!u->open)
		return 0;
	u->open = false;
	return emit(out, MS_EV_UPSTREAM_RECOVERED, d->name, u, u->since, at,
		    below_minutes(u));
}

/* Remove d->ups[i], keeping the order. */
static void remove_up(struct ms_plantalert_dev *d, size_t i)
{
	memmove(&d->ups[i], &d->ups[i + 1],
		(d->nups - i - 1) * sizeof(*d->ups));
	d->nups--;
}

/*
 * After the scan's upstreams: those it no longer lists close and go; an
 * open alert whose setting is now off closes.
 */
static int close_rest(struct ms_plantalert_dev *d,
		      const struct ms_plantalert_conf *c, int64_t at,
		      struct ms_plantalert_out *out)
{
	struct ms_plantalert_up *u;
	size_t i = 0;
	int r;

	while (i < d->nups) {
		u = &d->ups[i];
		if (u->open && (!u->seen || c->below_min < 0)) {
			if ((r = emit(out, MS_EV_UPSTREAM_RECOVERED, d->name, u,
				      u->since, at, below_minutes(u))) < 0)
				return r;
			u->open = false;
		}
		if (!u->seen) {
			remove_up(d, i);
			continue;
		}
		u->seen = false;
		i++;
	}
	return 0;
}

static int eval_ups(struct ms_plantalert_dev *d, const struct ms_plant_dev *p,
		    const struct ms_plantalert_conf *c, int64_t at,
		    struct ms_plantalert_out *out)
{
	const struct ms_plant_up *pu;
	struct ms_plantalert_up *u;
	bool drop;
	size_t i;
	int r;

	for (i = 0; i < p->nups; i++) {
		pu = &p->ups[i];
		if (!(u = find_up(d, pu->name))) {
			if (!is_below(pu->mod))
				continue;
			if (!(u = new_up(d, pu->name)))
				return MS_E_NOMEM;
		}
		if ((r = eval_up(d, u, pu, c, at, out, &drop)) < 0)
			return r;
		if (drop)
			remove_up(d, (size_t)(u - d->ups));
	}
	return close_rest(d, c, at, out);
}

static int eval_degraded(struct ms_plantalert_dev *d,
			 const struct ms_plant_dev *p,
			 const struct ms_plantalert_conf *c, int64_t at,
			 struct ms_plantalert_out *out)
{
	int64_t n = 0;
	size_t i;

	for (i = 0; i < p->nups; i++)
		n += is_below(p->ups[i].mod);
	if (!d->deg_open && c->degraded >= 0 && n >= c->degraded) {
		d->deg_open = true;
		d->deg_since = at;
		d->deg_value = n;
		return emit(out, MS_EV_DEVICE_DEGRADED, d->name, NULL, at, at,
			    n);
	}
	if (d->deg_open && (c->degraded < 0 || n < c->degraded)) {
		d->deg_open = false;
		return emit(out, MS_EV_DEVICE_UNDEGRADED, d->name, NULL,
			    d->deg_since, at, n);
	}
	return 0;
}

static int eval_fails(struct ms_plantalert_dev *d, bool ok,
		      const struct ms_plantalert_conf *c, int64_t at,
		      struct ms_plantalert_out *out)
{
	int r = 0;

	if (!ok && !d->fails++)
		d->fail_since = at;
	if (!d->fail_open && !ok && c->fails >= 0 && d->fails >= c->fails) {
		d->fail_open = true;
		r = emit(out, MS_EV_DEVICE_FAILING, d->name, NULL,
			 d->fail_since, at, d->fails);
	} else if (d->fail_open && (ok || c->fails < 0)) {
		d->fail_open = false;
		r = emit(out, MS_EV_DEVICE_RECOVERED, d->name, NULL,
			 d->fail_since, at, d->fails);
	}
	if (ok) {
		d->fails = 0;
		d->fail_since = 0;
	}
	return r;
}

int ms_plantalert_scan(struct ms_plantalert *pa,
		       const struct ms_plantalert_conf *c,
		       const struct ms_plant_dev *p,
		       struct ms_plantalert_out *out)
{
	struct ms_plantalert_dev *d = get_dev(pa, p->name);
	int64_t at = p->last_scan / 1000;
	int r;

	if (!d)
		return MS_E_NOMEM;
	if (p->ok && ((r = eval_ups(d, p, c, at, out)) < 0 ||
		      (r = eval_degraded(d, p, c, at, out)) < 0))
		return r;
	return eval_fails(d, p->ok, c, at, out);
}

int ms_plantalert_forget(struct ms_plantalert *pa, const char *device,
			 int64_t at, struct ms_plantalert_out *out)
{
	static const struct ms_plantalert_conf off = { -1, -1, -1 };
	ssize_t i = ms_nameidx_find(&pa->idx, pa->devs, sizeof(*pa->devs),
				    device);
	struct ms_plantalert_dev *d;
	size_t k;
	int r;

	if (i < 0)
		return 0;
	d = &pa->devs[i];
	for (k = 0; k < d->nups; k++)
		d->ups[k].seen = false;
	if ((r = close_rest(d, &off, at, out)) < 0 ||
	    (d->deg_open && (r = emit(out, MS_EV_DEVICE_UNDEGRADED, d->name,
				      NULL, d->deg_since, at, 0)) < 0) ||
	    (d->fail_open && (r = emit(out, MS_EV_DEVICE_RECOVERED, d->name,
				       NULL, d->fail_since, at,
				       d->fails)) < 0))
		return r;
	free(d->ups);
	memmove(d, d + 1, (pa->ndevs - (size_t)i - 1) * sizeof(*d));
	pa->ndevs--;
	return ms_nameidx_build(&pa->idx, pa->devs, sizeof(*pa->devs),
				pa->ndevs);
}

int ms_plantalert_open(const struct ms_plantalert *pa,
		       struct ms_plantalert_out *out)
{
	const struct ms_plantalert_dev *d;
	struct ms_plantalert_up u;
	size_t i, k;
	int r = 0;

	for (i = 0; i < pa->ndevs && r >= 0; i++) {
		d = &pa->devs[i];
		for (k = 0; k < d->nups && r >= 0; k++) {
			u = d->ups[k];
			u.seen = true;
			if (u.open)
				r = emit(out, MS_EV_UPSTREAM_BELOW, d->name, &u,
					 u.since, u.last, below_minutes(&u));
		}
		if (r >= 0 && d->deg_open)
			r = emit(out, MS_EV_DEVICE_DEGRADED, d->name, NULL,
				 d->deg_since, d->deg_since, d->deg_value);
		if (r >= 0 && d->fail_open)
			r = emit(out, MS_EV_DEVICE_FAILING, d->name, NULL,
				 d->fail_since, d->fail_since, d->fails);
	}
	return r;
}

/* --- the state file --- */

static int render_dev(const struct ms_plantalert_dev *d, struct ms_buf *out)
{
	const struct ms_plantalert_up *u;
	size_t i;
	int r;

	if (!d->fails && !d->deg_open && !d->nups)
		return 0;
	if ((r = ms_buf_adds(out, "D\t")) < 0 ||
	    (r = ms_statefile_name(out, d->name)) < 0 ||
	    (r = ms_buf_printf(out, "\t%lld\t%lld\t%d\t%lld\t%d\t%lld\n",
			       (long long)d->fails, (long long)d->fail_since,
			       d->fail_open, (long long)d->deg_since,
			       d->deg_open, (long long)d->deg_value)) < 0)
		return r;
	for (i = 0; i < d->nups; i++) {
		u = &d->ups[i];
		if ((r = ms_buf_adds(out, "U\t")) < 0 ||
		    (r = ms_statefile_name(out, u->name)) < 0 ||
		    (r = ms_buf_addc(out, '\t')) < 0 ||
		    (r = ms_statefile_name(out, u->node)) < 0 ||
		    (r = ms_buf_printf(out, "\t%u\t%lld\t%lld\t%d\n", u->mod,
				       (long long)u->since,
				       (long long)u->last, u->open)) < 0)
			return r;
	}
	return 0;
}

int ms_plantalert_render(const struct ms_plantalert *pa, struct ms_buf *out)
{
	size_t i;
	int r;

	if ((r = ms_buf_printf(out, "%s\n", magic)) < 0)
		return r;
	for (i = 0; i < pa->ndevs; i++)
		if ((r = render_dev(&pa->devs[i], out)) < 0)
			return r;
	return 0;
}

static bool num(const char *s, uint64_t max, int64_t *out)
{
	uint64_t v;

	if (!ms_statefile_num(s, max, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

static int parse_dev(struct ms_plantalert *pa, struct ms_plantalert_dev **d,
		     char **f)
{
	int64_t v[6];
	int i;

	if (strlen(f[1]) >= MS_DEVICE_MAX)
		return MS_E_PARSE;
	for (i = 0; i < 6; i++)
		if (!num(f[2 + i], i == 2 || i == 4 ? 1 : INT64_MAX, &v[i]))
			return MS_E_PARSE;
	if (!(*d = get_dev(pa, f[1])))
		return MS_E_NOMEM;
	(*d)->fails = v[0];
	(*d)->fail_since = v[1];
	(*d)->fail_open = v[2];
	(*d)->deg_since = v[3];
	(*d)->deg_open = v[4];
	(*d)->deg_value = v[5];
	return 0;
}

static int parse_up(struct ms_plantalert_dev *d, char **f)
{
	struct ms_plantalert_up *u;
	int64_t mod, since, last, open;

	if (strlen(f[1]) >= MS_UPSTREAM_MAX || strlen(f[2]) >= MS_NODE_MAX ||
	    !num(f[3], MS_MOD__COUNT - 1, &mod) ||
	    !num(f[4], INT64_MAX, &since) || !num(f[5], INT64_MAX, &last) ||
	    !num(f[6], 1, &open))
		return MS_E_PARSE;
	if (!(u = new_up(d, f[1])))
		return MS_E_NOMEM;
	ms_strlcpy(u->node, f[2], sizeof(u->node));
	u->mod = (uint8_t)mod;
	u->since = since;
	u->last = last;
	u->open = open;
	return 0;
}

struct parse_ctx {
	struct ms_plantalert *pa;
	struct ms_plantalert_dev *d;	/* the D line above, NULL before one */
};

static int parse_line(void *ctx, char **f, size_t n)
{
	struct parse_ctx *c = ctx;

	if (!strcmp(f[0], "D") && n == 8)
		return parse_dev(c->pa, &c->d, f);
	if (!strcmp(f[0], "U") && n == 7 && c->d)
		return parse_up(c->d, f);
	return MS_E_PARSE;
}

int ms_plantalert_parse(struct ms_plantalert *pa, const char *s, size_t len,
			struct ms_err *err)
{
	struct parse_ctx c = { pa, NULL };

	return ms_statefile_parse(s, len, magic, FIELDS_MAX, "plant alert",
				  parse_line, &c, err);
}

static int render_cb(const void *obj, struct ms_buf *out)
{
	return ms_plantalert_render(obj, out);
}

static int parse_cb(void *obj, const char *s, size_t len,
		    struct ms_err *err)
{
	return ms_plantalert_parse(obj, s, len, err);
}

int ms_plantalert_write(const struct ms_plantalert *pa, const char *path,
			struct ms_err *err)
{
	return ms_statefile_write(path, MS_PLANTALERT_MAX, render_cb, pa, err);
}

int ms_plantalert_read(struct ms_plantalert *pa, const char *path,
		       struct ms_err *err)
{
	return ms_statefile_read(path, MS_PLANTALERT_MAX, parse_cb, pa, err);
}

int ms_plantalert_load_open(const char *path, struct ms_plantalert_out *out,
			    struct ms_err *err)
{
	struct ms_plantalert pa;
	struct ms_err e = { 0 };
	size_t before = out->n;
	int r;

	ms_plantalert_init(&pa);
	r = ms_plantalert_read(&pa, path, &e);
	if (r < 0 && e.code == MS_E_SYS && e.sys_errno == ENOENT)
		r = 0;
	else if (r < 0 && err)
		*err = e;
	if (r >= 0 && (r = ms_plantalert_open(&pa, out)) < 0)
		ms_err_set(err, r, "'%s': %s", path, ms_strerror(r));
	ms_plantalert_release(&pa);
	return r < 0 ? r : (int)(out->n - before);
}
