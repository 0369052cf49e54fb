/*
 * The plant state (see plant.h): the scanner's per-upstream view and its
 * compact state file.
 */
#include "plant.h"

#include "statefile.h"

enum { FIELDS_MAX = 6 };

static const char magic[] = "modscan-plant 1";

void ms_plant_init(struct ms_plant *p, int64_t max_gap)
{
	memset(p, 0, sizeof(*p));
	ms_nameidx_init(&p->idx);
	ms_nodemap_init(&p->seen);
	p->max_gap = max_gap;
}

void ms_plant_release(struct ms_plant *p)
{
	size_t i;

	for (i = 0; i < p->ndevs; i++)
		free(p->devs[i].ups);
	free(p->devs);
	ms_nameidx_release(&p->idx);
	ms_nodemap_release(&p->seen);
	memset(p, 0, sizeof(*p));
}

/* The device named name, added when new; NULL on NOMEM. */
static struct ms_plant_dev *get_dev(struct ms_plant *p, const char *name)
{
	ssize_t i = ms_nameidx_find(&p->idx, p->devs, sizeof(*p->devs), name);
	struct ms_plant_dev *d;

	if (i >= 0)
		return &p->devs[i];
	if (ms_grow((void **)&p->devs, &p->cap, p->ndevs, sizeof(*p->devs),
		    64) < 0)
		return NULL;
	d = &p->devs[p->ndevs];
	memset(d, 0, sizeof(*d));
	ms_strlcpy(d->name, name, sizeof(d->name));
	if (ms_nameidx_add(&p->idx, p->devs, sizeof(*p->devs), p->ndevs) < 0)
		return NULL;
	return &p->devs[p->ndevs++];
}

/* A zeroed upstream at the end of d; NULL on NOMEM. */
static struct ms_plant_up *new_up(struct ms_plant_dev *d)
{
	struct ms_plant_up *u;

	if (ms_grow((void **)&d->ups, &d->cap, d->nups, sizeof(*d->ups),
		    16) < 0)
		return NULL;
	u = &d->ups[d->nups++];
	memset(u, 0, sizeof(*u));
	return u;
}

/* The upstream name of d, looked for at hint first (scans keep order). */
static struct ms_plant_up *get_up(struct ms_plant_dev *d, const char *name,
				  size_t hint, bool *fresh)
{
	struct ms_plant_up *u;
	size_t i;

	*fresh = false;
	if (hint < d->nups && !strcmp(d->ups[hint].name, name))
		return &d->ups[hint];
	for (i = 0; i < d->nups; i++)
		if (!strcmp(d->ups[i].name, name))
			return &d->ups[i];
	if (!(u = new_up(d)))
		return NULL;
	ms_strlcpy(u->name, name, sizeof(u->name));
	*fresh = true;
	return u;
}

static void update(const struct ms_plant *p, struct ms_plant_up *u,
		   const struct ms_sample *s)
{
	int64_t dur = s->time - u->last_t;

	if (dur > p->max_gap)
		dur = p->max_gap;
	if (dur > 0 && (u->mod == MS_MOD_QPSK || u->mod == MS_MOD_QAM16))
		u->below_secs += (uint64_t)dur;
	if (s->mod != u->mod)
		u->hops++;
	u->mod = s->mod < MS_MOD__COUNT ? s->mod : MS_MOD_UNKNOWN;
	u->last_t = s->time;
}

/* Keep only the upstreams seen at or after t (this scan's). */
static void drop_unseen(struct ms_plant_dev *d, int64_t t)
{
	size_t i, k = 0;

	for (i = 0; i < d->nups; i++)
		if (d->ups[i].last_t >= t)
			d->ups[k++] = d->ups[i];
	d->nups = k;
}

int ms_plant_scan(struct ms_plant *p, const char *device,
		  const struct ms_sample *s, size_t n, bool ok, int64_t end)
{
	struct ms_plant_dev *d = get_dev(p, device);
	struct ms_plant_up *u;
	bool fresh;
	size_t i;

	if (!d)
		return MS_E_NOMEM;
	d->ok = ok;
	d->last_scan = end;
	for (i = 0; i < n; i++) {
		if (!(u = get_up(d, s[i].upstream, i, &fresh)))
			return MS_E_NOMEM;
		if (fresh) {
			u->mod = s[i].mod < MS_MOD__COUNT ? s[i].mod
							 : MS_MOD_UNKNOWN;
			u->last_t = s[i].time;
		} else {
			update(p, u, &s[i]);
		}
	}
	if (ok && n)
		drop_unseen(d, s[0].time);
	else if (ok)
		d->nups = 0;
	return 0;
}

int ms_plant_forget(struct ms_plant *p, const char *device)
{
	ssize_t i = ms_nameidx_find(&p->idx, p->devs, sizeof(*p->devs),
				    device);
	int64_t gap = p->max_gap;

	if (i < 0)
		return 0;
	free(p->devs[i].ups);
	memmove(&p->devs[i], &p->devs[i + 1],
		(p->ndevs - (size_t)i - 1) * sizeof(*p->devs));
	p->ndevs--;
	if (ms_nameidx_build(&p->idx, p->devs, sizeof(*p->devs),
			     p->ndevs) == 0)
		return 0;
	ms_plant_release(p);
	ms_plant_init(p, gap);
	return MS_E_NOMEM;
}

/* --- the state file --- */

static int render_dev(const struct ms_plant_dev *d, struct ms_buf *out)
{
	const struct ms_plant_up *u;
	size_t i;
	int r;

	if ((r = ms_buf_adds(out, "D\t")) < 0 ||
	    (r = ms_statefile_name(out, d->name)) < 0 ||
	    (r = ms_buf_printf(out, "\t%d\t%lld\n", d->ok,
			       (long long)d->last_scan)) < 0)
		return r;
	for (i = 0; i < d->nups; i++) {
		u = &d->ups[i];
		if ((r = ms_buf_adds(out, "U\t")) < 0 ||
		    (r = ms_statefile_name(out, u->name)) < 0 ||
		    (r = ms_buf_addc(out, '\t')) < 0 ||
		    (r = ms_statefile_name(out, u->node)) < 0 ||
		    (r = ms_buf_printf(out, "\t%u\t%llu\t%llu\n", u->mod,
				       (unsigned long long)u->hops,
				       (unsigned long long)u->below_secs)) < 0)
			return r;
	}
	return 0;
}

int ms_plant_render(const struct ms_plant *p, struct ms_buf *out)
{
	size_t i;
	int r;

	if ((r = ms_buf_printf(out, "%s\n", magic)) < 0)
		return r;
	for (i = 0; i < p->ndevs; i++)
		if ((r = render_dev(&p->devs[i], out)) < 0)
			return r;
	return 0;
}

static int parse_up(struct ms_plant_dev *d, char **f)
{
	struct ms_plant_up s = { 0 }, *u;
	uint64_t mod;

	if (strlen(f[1]) >= sizeof(s.name) || strlen(f[2]) >= sizeof(s.node) ||
	    !ms_statefile_num(f[3], MS_MOD__COUNT - 1, &mod) ||
	    !ms_statefile_num(f[4], INT64_MAX, &s.hops) ||
	    !ms_statefile_num(f[5], INT64_MAX, &s.below_secs))
		return MS_E_PARSE;
	if (!(u = new_up(d)))
		return MS_E_NOMEM;
	*u = s;
	ms_strlcpy(u->name, f[1], sizeof(u->name));
	ms_strlcpy(u->node, f[2], sizeof(u->node));
	u->mod = (uint8_t)mod;
	return 0;
}

struct parse_ctx {
	struct ms_plant *p;
	struct ms_plant_dev *d;		/* the D line above, NULL before one */
};

static int parse_line(void *ctx, char **f, size_t n)
{
	struct parse_ctx *c = ctx;
	uint64_t ok, t;

	if (!strcmp(f[0], "D") && n == 4) {
		if (strlen(f[1]) >= MS_DEVICE_MAX ||
		    !ms_statefile_num(f[2], 1, &ok) ||
		    !ms_statefile_num(f[3], INT64_MAX, &t))
			return MS_E_PARSE;
		if (!(c->d = get_dev(c->p, f[1])))
			return MS_E_NOMEM;
		c->d->ok = ok;
		c->d->last_scan = (int64_t)t;
		return 0;
	}
	if (!strcmp(f[0], "U") && n == 6 && c->d)
		return parse_up(c->d, f);
	return MS_E_PARSE;
}

int ms_plant_parse(struct ms_plant *p, const char *s, size_t len,
		   struct ms_err *err)
{
	struct parse_ctx c = { p, NULL };

	return ms_statefile_parse(s, len, magic, FIELDS_MAX, "plant",
				  parse_line, &c, err);
}

static int render(const void *p, struct ms_buf *out)
{
	return ms_plant_render(p, out);
}

static int parse(void *p, const char *s, size_t len, struct ms_err *err)
{
	return ms_plant_parse(p, s, len, err);
}

int ms_plant_write(const struct ms_plant *p, const char *path,
		   struct ms_err *err)
{
	return ms_statefile_write(path, MS_PLANT_MAX, render, p, err);
}

int ms_plant_read(struct ms_plant *p, const char *path, struct ms_err *err)
{
	return ms_statefile_read(path, MS_PLANT_MAX, parse, p, err);
}

int ms_plant_path(const char *status_path, char *out, size_t size)
{
	return ms_statefile_path(status_path, "plant.state", out, size);
}

int ms_plant_bits(enum ms_mod m)
{
	static const int bits[MS_MOD__COUNT] = { 0, 2, 4, 6 };

	return (unsigned)m < MS_MOD__COUNT ? bits[m] : 0;
}
