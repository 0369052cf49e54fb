/* Holds: chosen upstreams forced to a modulation from a chosen time on, so
 * tests open and close plant alerts deterministically.  Rules come from
 * --hold and from a control file re-read on SIGHUP and at each session;
 * the last matching rule that has begun wins. */
#include "ccapsim.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hold {
	char dev[32];
	char up[24];
	int level;
	int64_t from_step;
};

static struct hold *holds;
static size_t nfixed, nholds, cap;	/* --hold rules come first */

static int push(struct hold **v, size_t *n, size_t *c, const struct hold *h)
{
	if (*n == *c) {
		size_t nc = *c ? *c * 2 : 16;
		struct hold *p = realloc(*v, nc * sizeof(*p));

		if (!p)
			return -1;
		*v = p;
		*c = nc;
	}
	(*v)[(*n)++] = *h;
	return 0;
}

static int level_of(const char *mod)
{
	if (strcmp(mod, "QPSK") == 0)
		return 2;
	if (strcmp(mod, "QAM16") == 0)
		return 1;
	if (strcmp(mod, "QAM64") == 0)
		return CS_LVL_HELD64;
	return -1;
}

/* "NAME/UPSTREAM=MOD@EPOCH" into h; 0, or -1 with why set.  NAME and
 * UPSTREAM may be '*'; the hold starts with the step containing EPOCH. */
static int parse(const char *s, struct hold *h, const char **why)
{
	const char *slash = strchr(s, '/'), *eq = strrchr(s, '='), *at;
	char mod[8], *end;
	double t;

	*why = "want NAME/UPSTREAM=MOD@EPOCH";
	if (!slash || !eq || eq < slash || slash == s || eq == slash + 1 ||
	    !(at = strchr(eq, '@')))
		return -1;
	if ((size_t)(slash - s) >= sizeof(h->dev) ||
	    (size_t)(eq - slash - 1) >= sizeof(h->up) ||
	    (size_t)(at - eq - 1) >= sizeof(mod))
		return -1;
	memset(h, 0, sizeof(*h));
	memcpy(h->dev, s, (size_t)(slash - s));
	memcpy(h->up, slash + 1, (size_t)(eq - slash - 1));
	memcpy(mod, eq + 1, (size_t)(at - eq - 1));
	mod[at - eq - 1] = 0;
	if ((h->level = level_of(mod)) < 0) {
		*why = "MOD is QPSK, QAM16 or QAM64";
		return -1;
	}
	errno = 0;
	t = strtod(at + 1, &end);
	if (errno || end == at + 1 || *end || !(t >= 0 && t <= 1e11)) {
		*why = "EPOCH is Unix seconds";
		return -1;
	}
	h->from_step = (int64_t)floor(t / CS_STEP_S);
	return 0;
}

int cs_hold_add(const char *spec)
{
	struct hold h;
	const char *why;

	if (parse(spec, &h, &why) < 0) {
		fprintf(stderr, "ccapsim: --hold: %s, got '%s'\n", why, spec);
		return -1;
	}
	if (push(&holds, &nholds, &cap, &h) < 0) {
		fprintf(stderr, "ccapsim: --hold: out of memory\n");
		return -1;
	}
	nfixed = nholds;
	return 0;
}

/* The control file's rules appended to v; -1 (reported) on a bad line. */
static int read_control(const char *path, FILE *f, struct hold **v,
			size_t *n, size_t *c)
{
	char line[256];
	int lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;
		struct hold h;
		const char *why;

		lineno++;
		s += strspn(s, " \t");
		e = s + strlen(s);
		while (e > s && strchr(" \t\r\n", e[-1]))
			*--e = 0;
		if (!*s || *s == '#')
			continue;
		if (parse(s, &h, &why) < 0 ||
		    (push(v, n, c, &h) < 0 && (why = "out of memory"))) {
			fprintf(stderr, "ccapsim: %s:%d: %s, keeping the old "
				"holds\n", path, lineno, why);
			return -1;
		}
	}
	return 0;
}

int cs_hold_control(const char *path)
{
	struct hold *v = NULL;
	size_t n = 0, c = 0;
	FILE *f = fopen(path, "r");
	int r = 0;

	if (!f && errno != ENOENT) {
		fprintf(stderr, "ccapsim: %s: %s, keeping the old holds\n",
			path, strerror(errno));
		return -1;
	}
	if (f) {
		r = read_control(path, f, &v, &n, &c);
		fclose(f);
	}
	if (r == 0) {
		nholds = nfixed;
		for (size_t i = 0; i < n; i++)
			if (push(&holds, &nholds, &cap, &v[i]) < 0)
				r = -1;
	}
	free(v);
	return r;
}

int cs_hold_level(const struct cs_dev *d, int i, int64_t step, int level)
{
	char name[24];
	int named = 0;

	for (size_t k = nholds; k-- > 0;) {
		const struct hold *h = &holds[k];

		if (step < h->from_step ||
		    (strcmp(h->dev, "*") && strcmp(h->dev, d->name)))
			continue;
		if (strcmp(h->up, "*")) {
			if (!named++)
				cs_chan_name(d, i, name, sizeof(name));
			if (strcmp(h->up, name))
				continue;
		}
		return h->level;
	}
	return level;
}
