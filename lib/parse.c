/* The channel and name lists and text helpers the family parsers share. */
#include "parse.h"

#include "num.h"

enum { HASH_SIZE = 2 * MS_CHAN_MAX, HASH_EMPTY = 0xffff };

void ms_chanlist_init(struct ms_chanlist *l)
{
	memset(l, 0, sizeof(*l));
}

void ms_chanlist_release(struct ms_chanlist *l)
{
	free(l->v);
	free(l->hash);
	ms_chanlist_init(l);
}

void ms_chanlist_reset(struct ms_chanlist *l)
{
	struct ms_chan *v = l->v;
	uint16_t *h = l->hash;

	ms_chanlist_init(l);
	l->v = v;
	l->hash = h;
	if (h)
		memset(h, 0xff, HASH_SIZE * sizeof(*h));
}

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Slot of up in the table: its entry, or the empty slot it would take. */
static size_t slot(const struct ms_chanlist *l, const char *up, size_t len)
{
	size_t i = hash(up, len) % HASH_SIZE;
	const char *u;

	while (l->hash[i] != HASH_EMPTY) {
		u = l->v[l->hash[i]].upstream;
		if (strlen(u) == len && !memcmp(u, up, len))
			break;
		i = (i + 1) % HASH_SIZE;
	}
	return i;
}

long ms_chanlist_find(const struct ms_chanlist *l, const char *up,
		      size_t len)
{
	size_t i;

	if (!l->hash)
		return -1;
	i = slot(l, up, len);
	return l->hash[i] == HASH_EMPTY ? -1 : (long)l->hash[i];
}

int ms_chanlist_add(struct ms_chanlist *l, const char *up, size_t len,
		    int32_t code, const struct ms_modmap *map,
		    struct ms_err *err)
{
	struct ms_chan *c;
	size_t i;

	if (!len || len >= MS_UPSTREAM_MAX || memchr(up, 0, len))
		return ms_err_set(err, MS_E_INVAL, "bad upstream name '%.*s'",
				  (int)MS_MIN(len, 64), up);
	if (!l->v) {
		l->v = malloc(MS_CHAN_MAX * sizeof(*l->v));
		l->hash = malloc(HASH_SIZE * sizeof(*l->hash));
		if (!l->v || !l->hash) {
			free(l->v);
			free(l->hash);
			l->v = NULL;
			l->hash = NULL;
			return ms_err_set(err, MS_E_NOMEM, "out of memory");
		}
		memset(l->hash, 0xff, HASH_SIZE * sizeof(*l->hash));
	}
	i = slot(l, up, len);
	if (l->hash[i] != HASH_EMPTY) {
		l->dups++;
		return 0;
	}
	if (l->n >= MS_CHAN_MAX)
		return ms_err_set(err, MS_E_TOOBIG, "more than %d channels",
				  MS_CHAN_MAX);
	c = &l->v[l->n];
	memcpy(c->upstream, up, len);
	c->upstream[len] = 0;
	c->code = code;
	c->mod = (uint8_t)ms_modmap_get(map, code);
	if (c->mod == MS_MOD_UNKNOWN)
		l->unknown++;
	l->hash[i] = (uint16_t)l->n++;
	return 1;
}

void ms_namelist_init(struct ms_namelist *l)
{
	l->n = 0;
	l->dropped = 0;
	l->listing = false;
}

int ms_namelist_add(struct ms_namelist *l, const char *s, size_t len)
{
	size_t i;

	if (!len || len >= MS_UPSTREAM_MAX || memchr(s, 0, len))
		return MS_E_INVAL;
	for (i = 0; i < l->n; i++) {
		if (strlen(l->v[i]) == len && !memcmp(l->v[i], s, len))
			return 0;
	}
	if (l->n >= MS_NAMES_MAX) {
		l->dropped++;
		return 0;
	}
	memcpy(l->v[l->n], s, len);
	l->v[l->n++][len] = 0;
	return 1;
}

void ms_descrlist_init(struct ms_descrlist *l)
{
	memset(l, 0, sizeof(*l));
}

void ms_descrlist_release(struct ms_descrlist *l)
{
	free(l->v);
	ms_descrlist_init(l);
}

/* The entry of iface[0..len), or NULL. */
static const struct ms_descr *descr_find(const struct ms_descrlist *l,
					 const char *iface, size_t len)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strncmp(l->v[i].iface, iface, len) &&
		    !l->v[i].iface[len])
			return &l->v[i];
	return NULL;
}

int ms_descrlist_add(struct ms_descrlist *l, const char *iface,
		     size_t ilen, const char *text, size_t tlen)
{
	struct ms_descr *v;
	size_t i;

	if (!ilen || ilen >= MS_UPSTREAM_MAX || memchr(iface, 0, ilen) ||
	    !tlen || tlen >= MS_NODE_DESCR_MAX)
		return MS_E_INVAL;
	for (i = 0; i < tlen; i++)
		if ((unsigned char)text[i] < ' ' || text[i] == 0x7f)
			return MS_E_INVAL;
	if (descr_find(l, iface, ilen) || l->n >= MS_DESCR_LIST_MAX)
		return 0;
	if (ms_grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v), 16) < 0)
		return MS_E_NOMEM;
	v = &l->v[l->n++];
	memcpy(v->iface, iface, ilen);
	v->iface[ilen] = '\0';
	memcpy(v->text, text, tlen);
	v->text[tlen] = '\0';
	return 1;
}

const char *ms_descrlist_of(const struct ms_descrlist *l,
			    const char *upstream)
{
	const struct ms_descr *d;
	const char *slash;

	if ((d = descr_find(l, upstream, strlen(upstream))))
		return d->text;
	if ((slash = strrchr(upstream, '/')) &&
	    (d = descr_find(l, upstream, (size_t)(slash - upstream))))
		return d->text;
	return NULL;
}

int ms_parse_clean(const char *raw, size_t len, struct ms_buf *text,
		   struct ms_chanlist *l, struct ms_err *err)
{
	struct ms_cli_result res;
	int r;

	if ((r = ms_cli_clean(raw, len, text, &res)) < 0)
		return ms_err_set(err, r, "cleaning device output: %s",
				  ms_strerror(r));
	if (res.partial && !l->partial && !l->failed) {
		l->partial = true;
		snprintf(l->reason, sizeof(l->reason),
			 "output cut mid-line");
	}
	if (res.failed && !l->failed) {
		l->failed = true;
		memcpy(l->reason, res.reason, sizeof(l->reason));
	}
	return 0;
}

size_t ms_parse_fields(const char *line, size_t len, struct ms_field *f,
		       size_t max)
{
	size_t i = 0, n = 0, start;

	for (;;) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i >= len)
			return n;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (n < max) {
			f[n].p = line + start;
			f[n].n = i - start;
		}
		n++;
	}
}

bool ms_parse_line(const char *s, size_t len, size_t *pos, const char **line,
		   size_t *n)
{
	const char *p = s + *pos, *nl;

	if (*pos >= len)
		return false;
	nl = memchr(p, '\n', len - *pos);
	*line = p;
	*n = nl ? (size_t)(nl - p) : len - *pos;
	*pos += *n + (nl ? 1 : 0);
	return true;
}

bool ms_parse_is(const struct ms_field *f, const char *w)
{
	return strlen(w) == f->n && !memcmp(f->p, w, f->n);
}

bool ms_parse_has(const struct ms_field *f, size_t nf, const char *w)
{
	size_t i;

	for (i = 0; i < MS_MIN(nf, (size_t)MS_PARSE_FIELDS); i++) {
		if (ms_parse_is(&f[i], w))
			return true;
	}
	return false;
}

bool ms_parse_code(const struct ms_field *f, int32_t *code)
{
	long long v;

	if (!f->n || f->p[0] < '0' || f->p[0] > '9' ||
	    ms_parse_lln(f->p, f->n, 0, MS_MODMAP_CODE_MAX, &v) < 0)
		return false;
	*code = (int32_t)v;
	return true;
}

bool ms_parse_digits(const char *s, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i > start;
}
