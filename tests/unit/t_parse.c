/*
 * Every fixture pair tests/data/<family>/<case>.{txt,expect}: clean and
 * parse the capture as `scan --parse` does and compare records, status and
 * counters with the expectation.  .expect: `# status: ok | partial |
 * notlisting | failed REASON`, optional `# interface: IF`, `# parser:
 * summary` (cBR-8 discovery: lines are the domains, then IFACE<TAB>
 * DESCRIPTION of each described interface), `# dups: N`,
 * `# bad: N`, `# unknown: N`, then UPSTREAM<TAB>CODE<TAB>MODULATION lines.
 */
#include "harness.h"

#include <dirent.h>

#include "buf.h"
#include "drv.h"
#include "file.h"
#include "num.h"
#include "parse.h"

struct expect {
	char status[32];
	char reason[MS_CLI_REASON_MAX];
	char iface[64];
	bool summary;
	long dups, bad, unknown;	/* -1: not checked */
	struct ms_buf lines;		/* expected output */
};

static void header(struct expect *e, const char *line)
{
	const char *v = strchr(line, ':');
	long long n;

	if (!v)
		return;
	for (v++; *v == ' '; v++)
		;
	if (!strncmp(line, "# status:", 9)) {
		sscanf(v, "%31s", e->status);
		if (!strcmp(e->status, "failed"))
			snprintf(e->reason, sizeof(e->reason), "%s", v + 7);
	} else if (!strncmp(line, "# interface:", 12)) {
		snprintf(e->iface, sizeof(e->iface), "%s", v);
	} else if (!strncmp(line, "# parser:", 9)) {
		e->summary = !strcmp(v, "summary");
	} else if (ms_parse_ll(v, 0, 1000000, &n) == 0) {
		if (!strncmp(line, "# dups:", 7))
			e->dups = (long)n;
		else if (!strncmp(line, "# bad:", 6))
			e->bad = (long)n;
		else if (!strncmp(line, "# unknown:", 10))
			e->unknown = (long)n;
	}
}

static int load_expect(const char *path, struct expect *e)
{
	struct ms_buf b;
	char *p, *nl;
	int r;

	memset(e, 0, sizeof(*e));
	e->dups = e->bad = e->unknown = -1;
	ms_buf_init(&e->lines, 1 << 20);
	ms_buf_init(&b, 1 << 20);
	if ((r = ms_file_read(path, &b, NULL, NULL)) < 0)
		goto out;
	for (p = b.p; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = 0;
		if (!strncmp(p, "# ", 2))
			header(e, p);
		else
			ms_buf_printf(&e->lines, "%s\n", p);
	}
out:
	ms_buf_release(&b);
	return r;
}

/* The records (or domains) as `scan --parse` prints them. */
static void render(const struct ms_chanlist *l, struct ms_buf *out)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		ms_buf_printf(out, "%s\t%d\t%s\n", l->v[i].upstream,
			      (int)l->v[i].code,
			      ms_mod_name((enum ms_mod)l->v[i].mod));
}

static void check_counts(const char *name, const struct expect *e,
			 const struct ms_chanlist *l)
{
	if (e->dups >= 0)
		is_int(l->dups, e->dups, "%s: duplicates", name);
	if (e->bad >= 0)
		is_int(l->bad_rows, e->bad, "%s: bad rows", name);
	if (e->unknown >= 0)
		is_int(l->unknown, e->unknown, "%s: unknown codes", name);
}

static void run_summary(const char *name, struct expect *e,
			const struct ms_buf *text, struct ms_buf *got)
{
	static struct ms_namelist dom;
	struct ms_descrlist descr;
	size_t i;

	ms_namelist_init(&dom);
	ms_descrlist_init(&descr);
	ms_parse_cbr8_summary(text->p, text->len, &dom, &descr, NULL);
	for (i = 0; i < dom.n; i++)
		ms_buf_printf(got, "Cable%s\n", dom.v[i]);
	for (i = 0; i < descr.n; i++)
		ms_buf_printf(got, "%s\t%s\n", descr.v[i].iface,
			      descr.v[i].text);
	ok(dom.listing, "%s: a summary listing", name);
	is_str(got->p, e->lines.p, "%s: domains, then descriptions", name);
	ms_descrlist_release(&descr);
}

static void run_case(int fam, const char *dir, const char *base)
{
	char path[512], name[300];
	struct ms_modmap map;
	struct ms_chanlist l;
	struct ms_buf raw, text, got;
	struct expect e;
	int r;

	snprintf(name, sizeof(name), "%s/%s", ms_drv_name(fam), base);
	snprintf(path, sizeof(path), "%s/%s.expect", dir, base);
	if (load_expect(path, &e) < 0 || !e.status[0]) {
		ok(0, "%s: .expect readable with a status line", name);
		return;
	}
	ms_modmap_init(&map);
	ms_chanlist_init(&l);
	ms_buf_init(&raw, 64 << 20);
	ms_buf_init(&text, 64 << 20);
	ms_buf_init(&got, 64 << 20);
	snprintf(path, sizeof(path), "%s/%s.txt", dir, base);
	r = ms_file_read(path, &raw, NULL, NULL);
	is_int(r, 0, "%s: capture readable", name);
	ms_parse_clean(raw.p, raw.len, &text, &l, NULL);
	if (!strcmp(e.status, "failed")) {
		ok(l.failed, "%s: error reply", name);
		is_str(l.reason, e.reason, "%s: reason", name);
		goto out;
	}
	ok(!l.failed, "%s: not an error reply (%s)", name, l.reason);
	if (e.summary) {
		run_summary(name, &e, &text, &got);
		goto out;
	}
	r = ms_drv_parse(fam, e.iface[0] ? e.iface : NULL, text.p, text.len,
			 &map, &l, NULL);
	ok(r >= 0, "%s: parser returns a count", name);
	is_int(l.listing, strcmp(e.status, "notlisting") != 0,
	       "%s: listing as expected", name);
	is_int(l.partial || l.bad_rows > 0, !strcmp(e.status, "partial"),
	       "%s: partial as expected", name);
	render(&l, &got);
	is_str(got.p, e.lines.p, "%s: records", name);
	check_counts(name, &e, &l);
out:
	ms_chanlist_release(&l);
	ms_buf_release(&raw);
	ms_buf_release(&text);
	ms_buf_release(&got);
	ms_buf_release(&e.lines);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each <case>.expect of one family directory, in name order. */
static void run_family(int fam)
{
	char dir[256], *names[1024];
	struct dirent *de;
	size_t n = 0, i, len;
	DIR *d;

	snprintf(dir, sizeof(dir), "tests/data/%s", ms_drv_name(fam));
	if (!ok((d = opendir(dir)) != NULL, "%s: fixture directory", dir))
		return;
	while ((de = readdir(d)) && n < MS_ARRAY_SIZE(names)) {
		len = strlen(de->d_name);
		if (len > 7 && !strcmp(de->d_name + len - 7, ".expect"))
			names[n++] = strndup(de->d_name, len - 7);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	ok(n >= 10, "%s: %zu fixtures", dir, n);
	for (i = 0; i < n; i++) {
		run_case(fam, dir, names[i]);
		free(names[i]);
	}
}

int main(void)
{
	int fam;

	for (fam = 0; fam < MS_FAM__COUNT; fam++)
		run_family(fam);
	return done_testing();
}
