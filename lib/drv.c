/*
 * The family table (drv.def), family detection by hostname and by
 * `show version`, and the part of every driver's state machine that is the
 * same for all families: paging off first, error replies, the verdict.
 */
#include "drv.h"

#include <ctype.h>

enum {
	TEXT_MAX = 16 << 20,	/* cleaned output of one command */
	RULE_MAX = 64		/* one hostname pattern or host, with NUL */
};

#define DRV(name, KEY, label, legacy, paging, rule, markers, help) \
	extern const struct ms_drv_ops ms_drv_##name##_ops;
#include "drv.def"
#undef DRV

const struct ms_drv_family ms_drv_families[MS_FAM__COUNT] = {
#define DRV(name, KEY, label, legacy, paging, rule, markers, help) \
	{ #name, paging, rule, markers, &ms_drv_##name##_ops },
#include "drv.def"
#undef DRV
};

int ms_drv_family(const char *name)
{
	size_t i;

	for (i = 0; i < MS_FAM__COUNT; i++) {
		if (!strcmp(name, ms_drv_families[i].name))
			return (int)i;
	}
	return MS_E_NOENT;
}

const char *ms_drv_name(int fam)
{
	return fam >= 0 && fam < MS_FAM__COUNT ? ms_drv_families[fam].name
					       : "?";
}

const char *ms_drv_names(void)
{
	static const char names[] =
#define DRV(name, KEY, label, legacy, paging, rule, markers, help) \
	", " #name
#include "drv.def"
#undef DRV
		;

	return names + 2;	/* without the first ", " */
}

/* pat (upper case, '#' = digit) anywhere in the upper-cased host. */
static bool rule_match(const char *pat, size_t plen, const char *host)
{
	size_t hlen = strlen(host), i, j;

	for (i = 0; plen && i + plen <= hlen; i++) {
		for (j = 0; j < plen; j++) {
			char h = (char)toupper((unsigned char)host[i + j]);

			if (pat[j] == '#' ? !(h >= '0' && h <= '9')
					  : h != pat[j])
				break;
		}
		if (j == plen)
			return true;
	}
	return false;
}

/* One "PATTERN=family" item; family index, MS_E_NOENT or MS_E_INVAL. */
static int rule_item(const char *s, size_t n, const char *host,
		     struct ms_err *err)
{
	char pat[RULE_MAX], fam[RULE_MAX];
	const char *eq = memchr(s, '=', n);
	size_t pl, fl, i;
	int f;

	while (n && isblank((unsigned char)s[n - 1]))
		n--;
	while (n && isblank((unsigned char)*s)) {
		s++;
		n--;
	}
	if (!eq || (pl = (size_t)(eq - s)) == 0 || pl >= sizeof(pat) ||
	    (fl = n - pl - 1) == 0 || fl >= sizeof(fam))
		return ms_err_set(err, MS_E_INVAL,
				  "HOSTNAME_RULES: '%.*s': expected "
				  "PATTERN=FAMILY", (int)n, s);
	for (i = 0; i < pl; i++)
		pat[i] = (char)toupper((unsigned char)s[i]);
	while (pl && isblank((unsigned char)pat[pl - 1]))
		pl--;
	memcpy(fam, eq + 1, fl);
	fam[fl] = 0;
	for (i = 0; fam[i] && isblank((unsigned char)fam[i]); i++)
		;
	if ((f = ms_drv_family(fam + i)) < 0)
		return ms_err_set(err, MS_E_INVAL,
				  "HOSTNAME_RULES: unknown family '%s'",
				  fam + i);
	return rule_match(pat, pl, host) ? f : MS_E_NOENT;
}

/* Every item of rules: the first match, MS_E_NOENT, or MS_E_INVAL. */
static int rules_match(const char *rules, const char *host,
		       struct ms_err *err)
{
	const char *p = rules, *end;
	int r, found = MS_E_NOENT;

	for (; *p; p = *end ? end + 1 : end) {
		if (!(end = strchr(p, ',')))
			end = p + strlen(p);
		if (end == p)
			continue;
		r = rule_item(p, (size_t)(end - p), host, err);
		if (r == MS_E_INVAL)
			return r;	/* every item is checked, even late */
		if (r >= 0 && found < 0)
			found = r;
	}
	return found;
}

int ms_drv_family_by_host(const char *rules, const char *host,
			  struct ms_err *err)
{
	size_t i;

	if (rules && *rules)
		return rules_match(rules, host, err);
	for (i = 0; i < MS_FAM__COUNT; i++) {
		const char *pat = ms_drv_families[i].rule;

		if (rule_match(pat, strlen(pat), host))
			return (int)i;
	}
	return MS_E_NOENT;
}

/* The word w (not inside a longer word) in s[0..len). */
static bool has_word(const char *s, size_t len, const char *w, size_t wl)
{
	const char *p = s, *end = s + len;

	while (wl && (p = memmem(p, (size_t)(end - p), w, wl))) {
		if ((p == s || !isalnum((unsigned char)p[-1])) &&
		    (p + wl == end || !isalnum((unsigned char)p[wl])))
			return true;
		p++;
	}
	return false;
}

int ms_drv_family_by_banner(const char *s, size_t len)
{
	const char *m, *bar;
	size_t i;

	for (i = 0; i < MS_FAM__COUNT; i++) {
		for (m = ms_drv_families[i].markers; *m; m = *bar ? bar + 1
								  : bar) {
			if (!(bar = strchr(m, '|')))
				bar = m + strlen(m);
			if (has_word(s, len, m, (size_t)(bar - m)))
				return (int)i;
		}
	}
	return MS_E_NOENT;
}

int ms_drv_family_of(const char *family, const char *rules,
		     const char *name, struct ms_err *err)
{
	int fam;

	if (!family || !*family)
		return ms_drv_family_by_host(rules, name, err);
	if ((fam = ms_drv_family(family)) < 0)
		return ms_err_set(err, MS_E_INVAL, "unknown family '%s'",
				  family);
	return fam;
}

int ms_drv_parse(int fam, const char *iface, const char *text, size_t len,
		 const struct ms_modmap *map, struct ms_chanlist *out,
		 struct ms_err *err)
{
	const struct ms_drv_ops *ops;

	if (fam < 0 || fam >= MS_FAM__COUNT)
		return ms_err_set(err, MS_E_INVAL, "no family %d", fam);
	ops = ms_drv_families[fam].ops;
	if (iface && !ops->iface)
		return ms_err_set(err, MS_E_INVAL, "%s lists all upstreams "
				  "at once", ms_drv_families[fam].name);
	return ops->parse(iface, text, len, map, out, err);
}

void ms_drv_init(struct ms_drv *d, enum ms_family fam,
		 const struct ms_modmap *map)
{
	d->fam = fam;
	d->map = map;
	d->state = 0;
	d->next = 0;
	d->commands = 0;
	d->cmd[0] = 0;
	ms_chanlist_init(&d->recs);
	ms_namelist_init(&d->names);
	ms_descrlist_init(&d->descr);
	ms_buf_init(&d->text, TEXT_MAX);
}

void ms_drv_release(struct ms_drv *d)
{
	ms_chanlist_release(&d->recs);
	ms_descrlist_release(&d->descr);
	ms_buf_release(&d->text);
}

int ms_drv_ask(struct ms_drv *d, struct ms_err *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(d->cmd, sizeof(d->cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(d->cmd))
		return ms_err_set(err, MS_E_TOOBIG, "command too long");
	d->commands++;
	return MS_DRV_SEND;
}

const char *ms_drv_start(struct ms_drv *d)
{
	d->state = 0;
	ms_drv_ask(d, NULL, "%s", ms_drv_families[d->fam].paging_off);
	return d->cmd;
}

/* The device is done: zero channels fail it, bad rows make it partial. */
static int verdict(struct ms_drv *d, struct ms_err *err)
{
	if (d->recs.bad_rows && !d->recs.partial) {
		d->recs.partial = true;
		snprintf(d->recs.reason, sizeof(d->recs.reason),
			 "%zu data rows did not parse", d->recs.bad_rows);
	}
	if (!d->recs.n)
		return ms_err_set(err, MS_E_PARSE, "no upstreams parsed%s%s",
				  d->recs.partial ? ": " : "",
				  d->recs.partial ? d->recs.reason : "");
	return MS_DRV_DONE;
}

int ms_drv_step(struct ms_drv *d, const char *raw, size_t len,
		const char **cmd, struct ms_err *err)
{
	const struct ms_drv_ops *ops = ms_drv_families[d->fam].ops;
	const char *first;
	int r;

	if (d->state == 0) {
		/* Paging off: its answer does not matter (pagers are
		 * answered anyway); the first data command follows. */
		d->state = 1;
		first = ops->first(d);
		if ((r = ms_drv_ask(d, err, "%s", first)) < 0)
			return r;
		*cmd = d->cmd;
		return MS_DRV_SEND;
	}
	if ((r = ms_parse_clean(raw, len, &d->text, &d->recs, err)) < 0)
		return r;
	if (d->recs.failed)
		return ms_err_set(err, MS_E_REMOTE, "'%s': %s", d->cmd,
				  d->recs.reason);
	r = ops->step(d, d->text.p, d->text.len, err);
	if (r < 0)
		return r;
	if (r == MS_DRV_SEND) {
		*cmd = d->cmd;
		return r;
	}
	return verdict(d, err);
}
