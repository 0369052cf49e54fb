/*
 * The plant state (see plant.h): the scanner's per-upstream view and its
 * compact state file.
 */
#include "plant.h"

#include "file.h"

enum { FIELDS_MAX = 6 };

static const char magic[] = "modscan-plant 1";

void ms_plant_init(struct ms_plant *p, int64_t max_gap)
{
	memset(p, 0, sizeof(*p));
	ms_nameidx_init(&p->idx);
	p->max_gap = max_gap;
}

void ms_plant_release(struct ms_plant *p)
{
	size_t i;

	for (i = 0; i < p->ndevs; i++)
		free(p->devs[i].ups);
	free(p->devs);
	ms_nameidx_release(&p->idx);
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

int ms_plant_add_name(struct ms_buf *out, const char *s)
{
	int r = 0;

	for (; *s && r >= 0; s++)
		r = ms_buf_addc(out, (unsigned char)*s < 0x20 || *s == 0x7f
					     ? '?' : *s);
	return r;
}

static int render_dev(const struct ms_plant_dev *d, struct ms_buf *out)
{
	const struct ms_plant_up *u;
	size_t i;
	int r;

	if ((r = ms_buf_adds(out, "D\t")) < 0 ||
	    (r = ms_plant_add_name(out, d->name)) < 0 ||
	    (r = ms_buf_printf(out, "\t%d\t%lld\n", d->ok,
			       (long long)d->last_scan)) < 0)
		return r;
	for (i = 0; i < d->nups; i++) {
		u = &d->ups[i];
		if ((r = ms_buf_adds(out, "U\t")) < 0 ||
		    (r = ms_plant_add_name(out, u->name)) < 0 ||
		    (r = ms_buf_addc(out, '\t')) < 0 ||
		    (r = ms_plant_add_name(out, u->node)) < 0 ||
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

size_t ms_plant_split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *t;

	f[n++] = line;
	while (n < max && (t = strchr(f[n - 1], '\t'))) {
		*t = '\0';
		f[n++] = t + 1;
	}
	return n;
}

bool ms_plant_num(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !*end && !errno && *out <= max;
}

static int parse_up(struct ms_plant_dev *d, char **f)
{
	struct ms_plant_up s = { 0 }, *u;
	uint64_t mod;

	if (strlen(f[1]) >= sizeof(s.name) || strlen(f[2]) >= sizeof(s.node) ||
	    !ms_plant_num(f[3], MS_MOD__COUNT - 1, &mod) ||
	    !ms_plant_num(f[4], INT64_MAX, &s.hops) ||
	    !ms_plant_num(f[5], INT64_MAX, &s.below_secs))
		return MS_E_PARSE;
	if (!(u = new_up(d)))
		return MS_E_NOMEM;
	*u = s;
	ms_strlcpy(u->name, f[1], sizeof(u->name));
	ms_strlcpy(u->node, f[2], sizeof(u->node));
	u->mod = (uint8_t)mod;
	return 0;
}

static int parse_line(void *ctx, void *cur, char *line)
{
	struct ms_plant *p = ctx;
	struct ms_plant_dev **d = cur;
	char *f[FIELDS_MAX];
	size_t n = ms_plant_split(line, f, FIELDS_MAX);
	uint64_t ok, t;

	if (!strcmp(f[0], "D") && n == 4) {
		if (strlen(f[1]) >= MS_DEVICE_MAX || !ms_plant_num(f[2], 1, &ok) ||
		    !ms_plant_num(f[3], INT64_MAX, &t))
			return MS_E_PARSE;
		if (!(*d = get_dev(p, f[1])))
			return MS_E_NOMEM;
		(*d)->ok = ok;
		(*d)->last_scan = (int64_t)t;
		return 0;
	}
	if (!strcmp(f[0], "U") && n == 6 && *d)
		return parse_up(*d, f);
	return MS_E_PARSE;
}

int ms_plant_lines(const char *s, size_t len, const char *head,
		   int (*fn)(void *ctx, void *cur, char *line), void *ctx,
		   void *cur, struct ms_err *err)
{
	char *copy, *line, *nl, *end;
	size_t lineno = 0;
	int r = 0;

	if (!(copy = malloc(len + 1)))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	memcpy(copy, s, len);
	copy[len] = '\0';
	end = copy + len;
	for (line = copy; line < end && r >= 0; line = nl + 1) {
		lineno++;
		if (!(nl = memchr(line, '\n', (size_t)(end - line)))) {
			r = MS_E_PARSE;
			break;
		}
		*nl = '\0';
		if (memchr(line, '\0', (size_t)(nl - line)))
			r = MS_E_PARSE;
		else if (lineno == 1)
			r = strcmp(line, head) ? MS_E_PARSE : 0;
		else
			r = fn(ctx, cur, line);
	}
	free(copy);
	if (r < 0)
		return ms_err_set(err, r, "line %zu: %s", lineno,
				  r == MS_E_PARSE ? "not a plant record"
						  : ms_strerror(r));
	if (!lineno)
		return ms_err_set(err, MS_E_PARSE, "empty");
	return 0;
}

int ms_plant_parse(struct ms_plant *p, const char *s, size_t len,
		   struct ms_err *err)
{
	struct ms_plant_dev *d = NULL;

	return ms_plant_lines(s, len, magic, parse_line, p, &d, err);
}

int ms_plant_save(const void *obj,
		  int (*render)(const void *obj, struct ms_buf *out),
		  size_t max, const char *path, struct ms_err *err)
{
	struct ms_buf b;
	int r;

	ms_buf_init(&b, max);
	if ((r = render(obj, &b)) < 0) {
		r = ms_err_set(err, r, "'%s': %s", path, ms_strerror(r));
		goto out;
	}
	r = ms_file_replace(path, b.p, b.len, 0644, err);
out:
	ms_buf_release(&b);
	return r;
}

int ms_plant_load(void *obj,
		  int (*parse)(void *obj, const char *s, size_t len,
			       struct ms_err *err),
		  size_t max, const char *path, struct ms_err *err)
{
	struct ms_buf b;
	int r;

	ms_buf_init(&b, max);
	if ((r = ms_file_read(path, &b, NULL, err)) < 0)
		goto out;
	if ((r = parse(obj, b.p, b.len, err)) < 0)
		ms_err_prefix(err, "'%s'", path);
out:
	ms_buf_release(&b);
	return r;
}

static int render_cb(const void *obj, struct ms_buf *out)
{
	return ms_plant_render(obj, out);
}

static int parse_cb(void *obj, const char *s, size_t len,
		    struct ms_err *err)
{
	return ms_plant_parse(obj, s, len, err);
}

int ms_plant_write(const struct ms_plant *p, const char *path,
		   struct ms_err *err)
{
	return ms_plant_save(p, render_cb, MS_PLANT_MAX, path, err);
}

int ms_plant_read(struct ms_plant *p, const char *path, struct ms_err *err)
{
	return ms_plant_load(p, parse_cb, MS_PLANT_MAX, path, err);
}

int ms_plant_sibling(const char *status_path, const char *leaf, char *out,
		     size_t size)
{
	const char *slash = strrchr(status_path, '/');
	int dir = slash ? (int)(slash - status_path) : 1;
	int n;

	n = snprintf(out, size, "%.*s/%s", dir, slash ? status_path : ".",
		     leaf);
	return n < 0 || (size_t)n >= size ? MS_E_TOOBIG : 0;
}

int ms_plant_path(const char *status_path, char *out, size_t size)
{
	return ms_plant_sibling(status_path, "plant.state", out, size);
}

int ms_plant_bits(enum ms_mod m)
{
	static const int bits[MS_MOD__COUNT] = { 0, 2, 4, 6 };

	return (unsigned)m < MS_MOD__COUNT ? bits[m] : 0;
}
