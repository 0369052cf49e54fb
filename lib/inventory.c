/* The devices file (see inventory.h). */
#include "inventory.h"

#include <ctype.h>

#include "file.h"
#include "nameidx.h"
#include "num.h"

/* the name index reads each device's name at its start */
_Static_assert(offsetof(struct ms_device, name) == 0, "name first");

enum { INVENTORY_FILE_MAX = 64 << 20, FIELDS_MAX = 7 };

void ms_inventory_init(struct ms_inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
}

void ms_inventory_release(struct ms_inventory *inv)
{
	free(inv->v);
	ms_inventory_init(inv);
}

int ms_inventory_copy(struct ms_inventory *dst, const struct ms_inventory *src,
		      struct ms_err *err)
{
	ms_inventory_init(dst);
	if (!src->n)
		return 0;
	if (!(dst->v = malloc(src->n * sizeof(*dst->v))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	dst->n = dst->cap = src->n;
	return 0;
}

const struct ms_device *ms_inventory_find(const struct ms_inventory *inv,
					  const char *name)
{
	size_t i;

	for (i = 0; i < inv->n; i++)
		if (!strcmp(inv->v[i].name, name))
			return &inv->v[i];
	return NULL;
}

bool ms_device_changed(const struct ms_device *a, const struct ms_device *b)
{
	return strcmp(a->host, b->host) || a->port != b->port ||
	       strcmp(a->family, b->family) || strcmp(a->profile, b->profile) ||
	       strcmp(a->group, b->group);
}

/* Split p..end on blanks into at most FIELDS_MAX fields. */
static size_t split(const char *p, const char *end, const char **f,
		    size_t *flen)
{
	size_t n = 0;

	while (p < end) {
		const char *s;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end || *p == '#')
			break;
		s = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		if (n < FIELDS_MAX) {
			f[n] = s;
			flen[n] = (size_t)(p - s);
		}
		n++;
	}
	return n;
}

static bool valid_name(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || c == '/' || c == '\\')
			return false;
	}
	return len > 0;
}

bool ms_inventory_valid_group(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    (!s[i] || !strchr("._-", s[i])))
			return false;
	return len > 0 && len < MS_GROUP_MAX;
}

/* Fill d from the fields of one line; NULL or the reason it is bad. */
static const char *fill(struct ms_device *d, const char **f, size_t *flen,
			size_t n)
{
	static char why[96];
	long long port = 22;

	if (n > 6)
		return "too many fields";
	if (flen[0] >= sizeof(d->name) || !valid_name(f[0], flen[0]))
		return "bad device name";
	memcpy(d->name, f[0], flen[0]);
	if (n > 1 && flen[1] >= sizeof(d->host))
		return "host name too long";
	if (n > 1)
		memcpy(d->host, f[1], flen[1]);
	else
		memcpy(d->host, f[0], flen[0]);
	if (n > 2 && ms_parse_lln(f[2], flen[2], 1, 65535, &port) < 0) {
		snprintf(why, sizeof(why), "bad port '%.*s'",
			 (int)MS_MIN(flen[2], 32), f[2]);
		return why;
	}
	d->port = (int)port;
	if (n > 3 && flen[3] >= sizeof(d->family))
		return "family name too long";
	if (n > 3 && !(flen[3] == 1 && f[3][0] == '-'))
		memcpy(d->family, f[3], flen[3]);
	if (n > 4 && flen[4] >= sizeof(d->profile))
		return "profile name too long";
	if (n > 4 && !(flen[4] == 1 && f[4][0] == '-'))
		memcpy(d->profile, f[4], flen[4]);
	if (n > 5 && !(flen[5] == 1 && f[5][0] == '-') &&
	    !ms_inventory_valid_group(f[5], flen[5])) {
		snprintf(why, sizeof(why), "bad group '%.*s' (1 to %d of "
			 "A-Z a-z 0-9 . _ -)", (int)MS_MIN(flen[5], 32), f[5],
			 MS_GROUP_MAX - 1);
		return why;
	}
	if (n > 5 && !(flen[5] == 1 && f[5][0] == '-'))
		memcpy(d->group, f[5], flen[5]);
	return NULL;
}

static int add(struct ms_inventory *inv, const struct ms_device *d,
	       struct ms_err *err)
{
	struct ms_device *v;
	size_t cap;

	if (inv->n == inv->cap) {
		if (inv->n >= MS_INVENTORY_MAX)
			return ms_err_set(err, MS_E_TOOBIG,
					  "more than %d devices",
					  MS_INVENTORY_MAX);
		cap = inv->cap ? inv->cap * 2 : 64;
		if (!(v = realloc(inv->v, cap * sizeof(*v))))
			return ms_err_set(err, MS_E_NOMEM, "out of memory");
		inv->v = v;
		inv->cap = cap;
	}
	inv->v[inv->n++] = *d;
	return 0;
}

int ms_inventory_parse(struct ms_inventory *inv, const char *path,
		       const char *text, size_t len, struct ms_buf *warnings,
		       struct ms_err *err)
{
	const char *p = text, *end = text + len, *nl, *f[FIELDS_MAX], *why;
	size_t flen[FIELDS_MAX], n;
	struct ms_nameidx idx;	/* duplicates in constant time a line */
	struct ms_device d;
	unsigned line = 0;
	int r;

	ms_nameidx_init(&idx);
	if (ms_nameidx_build(&idx, inv->v, sizeof(*inv->v), inv->n) < 0) {
		r = ms_err_set(err, MS_E_NOMEM, "out of memory");
		goto out;
	}
	for (; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		line++;
		if (!(n = split(p, nl > p && nl[-1] == '\r' ? nl - 1 : nl, f,
				flen)))
			continue;
		memset(&d, 0, sizeof(d));
		d.line = line;
		if ((why = fill(&d, f, flen, n))) {
			ms_buf_printf(warnings, "%s:%u: %s, skipping\n", path,
				      line, why);
			continue;
		}
		if (ms_nameidx_find(&idx, inv->v, sizeof(*inv->v),
				    d.name) >= 0) {
			ms_buf_printf(warnings, "%s:%u: device '%s' listed "
				      "twice, skipping\n", path, line, d.name);
			continue;
		}
		if ((r = add(inv, &d, err)) < 0)
			goto out;
		if (ms_nameidx_add(&idx, inv->v, sizeof(*inv->v),
				   inv->n - 1) < 0) {
			r = ms_err_set(err, MS_E_NOMEM, "out of memory");
			goto out;
		}
	}
	r = (int)MS_MIN(inv->n, INT_MAX);
out:
	ms_nameidx_release(&idx);
	return r;
}

int ms_inventory_load(struct ms_inventory *inv, const char *path,
		      struct ms_buf *warnings, struct ms_err *err)
{
	struct ms_buf text;
	int r;

	ms_buf_init(&text, INVENTORY_FILE_MAX);
	r = ms_file_read(path, &text, NULL, err);
	if (r >= 0)
		r = ms_inventory_parse(inv, path, text.p, text.len, warnings,
				       err);
	ms_buf_release(&text);
	return r;
}
