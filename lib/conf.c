/*
 * Configuration loading (see conf.h).  The file format is the dotenv
 * subset that the legacy deployments used: KEY=VALUE, # comments, optional
 * quotes and an optional leading "export".
 */
#include "conf.h"

#include <ctype.h>
#include <grp.h>
#include <sys/stat.h>

#include "fernet.h"
#include "file.h"
#include "num.h"
#include "proc.h"

enum { CONF_FILE_MAX = 1 << 20 };

const struct ms_conf_info ms_conf_table[MS_CONF__COUNT] = {
#define CONF(name, alias, type, def, min, max, choices, flags, doc) \
	{ #name, alias, MS_CONF_##type, def, min, max, choices, flags, doc },
#include "conf.def"
#undef CONF
};

static const char default_path[] = "/etc/modscan/modscan.conf";
static const char legacy_path[] = ".env";
/* Keys of the old tool's .env that nothing in modscan corresponds to:
 * its connection pools, report cache and in-scanner clean-up (retention
 * is maintain --cleanup, daily under watchdog --daemon, cron or timer). */
static const char *const legacy_unused[] = {
	"ACCESS_POOL_SIZE", "REPORTING_POOL_SIZE", "ENABLE_REPORT_CACHE",
	"CACHE_DURATION_HOURS", "ENABLE_AUTO_CLEANUP", "ENABLE_ID_RESET",
	"ID_RESET_THRESHOLD", "CLEANUP_SCHEDULE_HOUR", "CLEANUP_BATCH_SIZE"
};
static const char profile_prefix[] = "PROFILE_";
static const enum ms_conf_key profile_keys[] = {
	MS_CONF_SSH_USER, MS_CONF_SSH_PASSWORD, MS_CONF_SSH_KEY_FILE,
	MS_CONF_SSH_LEGACY_ALGOS
};

/* Index of value in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *value)
{
	size_t vlen = strlen(value);
	const char *p = choices;
	int i = 0;

	while (*p) {
		size_t n = strcspn(p, "|");

		if (n == vlen && !strncasecmp(p, value, n))
			return i;
		p += n;
		if (*p == '|')
			p++;
		i++;
	}
	return -1;
}

/* Check value for key k and compute its number; where = "file:line". */
static int check_value(enum ms_conf_key k, const char *value, long long *num,
		       const char *where, struct ms_err *err)
{
	const struct ms_conf_info *ci = &ms_conf_table[k];
	bool b;
	int r;

	*num = 0;
	/* Not echoed: it may be a secret, and its bytes are not text. */
	if (!ms_utf8_valid(value, strlen(value)))
		return ms_err_set(err, MS_E_INVAL,
				  "%s: %s: the value is not valid UTF-8",
				  where, ci->name);
	switch (ci->type) {
	case MS_CONF_STR:
		return 0;
	case MS_CONF_INT:
		if (!*value && !*ci->def) {	/* optional: empty is unset */
			*num = -1;
			return 0;
		}
		r = ms_parse_ll(value, ci->min, ci->max, num);
		if (r == MS_E_INVAL)
			return ms_err_set(err, MS_E_INVAL,
					  "%s: %s: '%s' is not a number",
					  where, ci->name, value);
		if (r < 0)
			return ms_err_set(err, MS_E_RANGE,
					  "%s: %s: '%s' is out of range (%lld..%lld)",
					  where, ci->name, value, ci->min,
					  ci->max);
		return 0;
	case MS_CONF_BOOL:
		if (ms_parse_bool(value, &b) < 0)
			return ms_err_set(err, MS_E_INVAL,
					  "%s: %s: '%s' is not yes or no",
					  where, ci->name, value);
		*num = b;
		return 0;
	case MS_CONF_ENUM:
		r = choice_index(ci->choices, value);
		if (r < 0)
			return ms_err_set(err, MS_E_INVAL,
					  "%s: %s: '%s' is not one of %s",
					  where, ci->name, value, ci->choices);
		*num = r;
		return 0;
	}
	return ms_err_set(err, MS_E_INVAL, "%s: %s: bad type", where,
			  ci->name);
}

static int assign(struct ms_conf *c, enum ms_conf_key k, const char *value,
		  enum ms_conf_src src, const char *where, struct ms_err *err)
{
	long long num;
	char *dup;
	int r;

	if ((r = check_value(k, value, &num, where, err)) < 0)
		return r;
	if (!(dup = strdup(value)))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	if (c->val[k]) {
		if (ms_conf_table[k].flags & MS_CONF_SECRET)
			explicit_bzero(c->val[k], strlen(c->val[k]));
		free(c->val[k]);
	}
	c->val[k] = dup;
	c->num[k] = num;
	c->src[k] = (unsigned char)src;
	return 0;
}

/* The profile key that name[0..len) spells, or -1. */
static int profile_key(const char *name, size_t len)
{
	size_t i, plen = sizeof(profile_prefix) - 1;

	if (len <= plen || memcmp(name, profile_prefix, plen))
		return -1;
	for (i = 0; i < MS_ARRAY_SIZE(profile_keys); i++) {
		const char *k = ms_conf_table[profile_keys[i]].name;
		size_t klen = strlen(k);

		/* PROFILE_ + at least one character + _ + KEY */
		if (len >= plen + 2 + klen && name[len - klen - 1] == '_' &&
		    !memcmp(name + len - klen, k, klen))
			return (int)profile_keys[i];
	}
	return -1;
}

static int assign_extra(struct ms_conf *c, const char *name, size_t len,
			enum ms_conf_key base, const char *value,
			const char *where, struct ms_err *err)
{
	struct ms_conf_extra *x = NULL, *v;
	long long num;
	size_t i;
	int r;

	if ((r = check_value(base, value, &num, where, err)) < 0)
		return r;
	for (i = 0; i < c->nextra; i++)
		if (strlen(c->extra[i].name) == len &&
		    !memcmp(c->extra[i].name, name, len))
			x = &c->extra[i];
	if (!x) {
		if (c->nextra == MS_CONF_EXTRA_MAX)
			return ms_err_set(err, MS_E_TOOBIG, "%s: more than %d "
					  "profile keys", where,
					  MS_CONF_EXTRA_MAX);
		v = realloc(c->extra, (c->nextra + 1) * sizeof(*v));
		if (!v)
			return ms_err_set(err, MS_E_NOMEM, "out of memory");
		c->extra = v;
		x = &v[c->nextra];
		memset(x, 0, sizeof(*x));
		if (!(x->name = strndup(name, len)))
			return ms_err_set(err, MS_E_NOMEM, "out of memory");
		c->nextra++;
	}
	if (x->value) {
		explicit_bzero(x->value, strlen(x->value));
		free(x->value);
	}
	x->base = base;
	if (!(x->value = strdup(value)))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	return 0;
}

static const struct ms_conf_extra *find_extra(const struct ms_conf *c,
					      const char *profile,
					      enum ms_conf_key k)
{
	char up[MS_CONF_PROFILE_MAX], name[MS_CONF_PROFILE_MAX + 64];
	size_t i;

	if (!profile || !*profile || strlen(profile) >= sizeof(up))
		return NULL;
	for (i = 0; profile[i]; i++)
		up[i] = (char)toupper((unsigned char)profile[i]);
	up[i] = '\0';
	snprintf(name, sizeof(name), "%s%s_%s", profile_prefix, up,
		 ms_conf_table[k].name);
	for (i = 0; i < c->nextra; i++)
		if (!strcmp(c->extra[i].name, name))
			return &c->extra[i];
	return NULL;
}

const char *ms_conf_profile_str(const struct ms_conf *c, const char *profile,
				enum ms_conf_key k)
{
	const struct ms_conf_extra *x = find_extra(c, profile, k);

	return x ? x->value : ms_conf_str(c, k);
}

bool ms_conf_profile_bool(const struct ms_conf *c, const char *profile,
			  enum ms_conf_key k)
{
	const struct ms_conf_extra *x = find_extra(c, profile, k);
	bool b;

	if (x && ms_parse_bool(x->value, &b) == 0)
		return b;
	return ms_conf_bool(c, k);
}

void ms_conf_init(struct ms_conf *c)
{
	struct ms_err ignored;
	size_t k;

	memset(c, 0, sizeof(*c));
	ms_buf_init(&c->warnings, 64 * 1024);
	ms_buf_init(&c->errors, 64 * 1024);
	for (k = 0; k < MS_CONF__COUNT; k++) {
		int r = check_value(k, ms_conf_table[k].def, &c->num[k],
				    "default", &ignored);

		assert(r == 0);
		(void)r;
	}
}

void ms_conf_release(struct ms_conf *c)
{
	size_t k;

	for (k = 0; k < MS_CONF__COUNT; k++) {
		if (c->val[k] && (ms_conf_table[k].flags & MS_CONF_SECRET))
			explicit_bzero(c->val[k], strlen(c->val[k]));
		free(c->val[k]);
		c->val[k] = NULL;
	}
	free(c->path);
	c->path = NULL;
	for (k = 0; k < c->nextra; k++) {
		/* NULL when its strdup failed in assign_extra. */
		if (c->extra[k].value)
			explicit_bzero(c->extra[k].value,
				       strlen(c->extra[k].value));
		free(c->extra[k].value);
		free(c->extra[k].name);
	}
	free(c->extra);
	c->extra = NULL;
	c->nextra = 0;
	ms_buf_release(&c->warnings);
	ms_buf_release(&c->errors);
}

int ms_conf_lookup(const char *name, size_t len)
{
	size_t k;

	for (k = 0; k < MS_CONF__COUNT; k++) {
		const struct ms_conf_info *ci = &ms_conf_table[k];

		if (strlen(ci->name) == len && !memcmp(ci->name, name, len))
			return (int)k;
		if (ci->alias && strlen(ci->alias) == len &&
		    !memcmp(ci->alias, name, len))
			return (int)k;
	}
	return -1;
}

static bool is_key_char(char ch, bool first)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       ch == '_' || (!first && ch >= '0' && ch <= '9');
}

/*
 * Unquote the value in s[0..len) into out (as long as s): "..." with \\ \"
 * \n \t escapes, '...' literal, or bare up to a " #" comment, trimmed.
 */
static int unquote(const char *s, size_t len, char *out, const char **why)
{
	size_t i = 0, o = 0;
	char q;

	if (len && (s[0] == '"' || s[0] == '\'')) {
		q = s[0];
		for (i = 1; i < len && s[i] != q; i++) {
			if (q == '"' && s[i] == '\\' && i + 1 < len) {
				i++;
				out[o++] = s[i] == 'n' ? '\n' :
					   s[i] == 't' ? '\t' : s[i];
				continue;
			}
			out[o++] = s[i];
		}
		if (i == len) {
			*why = "unterminated quote";
			return MS_E_PARSE;
		}
		for (i++; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
			;
		if (i < len && s[i] != '#') {
			*why = "text after the closing quote";
			return MS_E_PARSE;
		}
		out[o] = '\0';
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' ||
				    s[i - 1] == '\t'))
			break;
		out[o++] = s[i];
	}
	while (o && (out[o - 1] == ' ' || out[o - 1] == '\t'))
		o--;
	out[o] = '\0';
	return 0;
}

static const char *skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static bool legacy_key(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(legacy_unused); i++)
		if (strlen(legacy_unused[i]) == len &&
		    !memcmp(legacy_unused[i], name, len))
			return true;
	return false;
}

/* One line of a config file: blank, comment, or KEY=VALUE. */
/* Edit distance of a[0..alen) and b, capped: enough for "did you mean". */
static size_t distance(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b), row[64], i, j, diag, up;

	if (alen >= MS_ARRAY_SIZE(row) || blen >= MS_ARRAY_SIZE(row))
		return SIZE_MAX;
	for (j = 0; j <= blen; j++)
		row[j] = j;
	for (i = 1; i <= alen; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= blen; j++) {
			up = row[j];
			row[j] = MS_MIN(MS_MIN(row[j] + 1, row[j - 1] + 1),
					diag + (toupper((unsigned char)a[i - 1])
						!= b[j - 1]));
			diag = up;
		}
	}
	return row[blen];
}

/* A warning for an unknown key, naming the nearest known one if close. */
static void unknown_key(struct ms_conf *c, const char *where,
			const char *key, size_t klen)
{
	const char *best = NULL, *names[2];
	size_t k, i, d, bestd = SIZE_MAX;

	for (k = 0; k < MS_CONF__COUNT; k++) {
		names[0] = ms_conf_table[k].name;
		names[1] = ms_conf_table[k].alias;
		for (i = 0; i < 2 && names[i]; i++)
			if ((d = distance(key, klen, names[i])) < bestd) {
				bestd = d;
				best = names[i];
			}
	}
	if (best && bestd <= 2 && bestd * 3 < klen)
		ms_buf_printf(&c->warnings, "%s: unknown key '%.*s' (did you "
			      "mean %s?), ignored\n", where, (int)klen, key,
			      best);
	else
		ms_buf_printf(&c->warnings, "%s: unknown key '%.*s', "
			      "ignored\n", where, (int)klen, key);
}

/*
 * Keep a bad value's message and go on, so that one run names them all;
 * the first one is what the load returns.  Out of memory stops at once.
 */
static int note_error(struct ms_conf *c, int r, const struct ms_err *e,
		      struct ms_err *first, int *first_r)
{
	const char *p;

	if (r == MS_E_NOMEM)
		return r;
	/* one line each: a value may hold a newline */
	for (p = e->msg; *p; p++)
		ms_buf_addc(&c->errors, *p == '\n' || *p == '\r' ? ' ' : *p);
	ms_buf_addc(&c->errors, '\n');
	if (!*first_r) {
		*first = *e;
		*first_r = r;
	}
	return 0;
}

static int load_line(struct ms_conf *c, const char *path, unsigned lineno,
		     const char *p, const char *end, bool *secret,
		     struct ms_buf *unused, struct ms_err *err)
{
	const char *key, *why = NULL;
	char where[PATH_MAX + 32], *val;
	size_t klen;
	int k, pk = -1, r;

	snprintf(where, sizeof(where), "%s:%u", path, lineno);
	if (end > p && end[-1] == '\r')
		end--;
	p = skip_blank(p, end);
	if (p == end || *p == '#')
		return 0;
	if (end - p > 7 && !memcmp(p, "export", 6) &&
	    (p[6] == ' ' || p[6] == '\t'))
		p = skip_blank(p + 6, end);
	key = p;
	while (p < end && is_key_char(*p, p == key))
		p++;
	klen = (size_t)(p - key);
	p = skip_blank(p, end);
	if (!klen || p == end || *p != '=')
		return ms_err_set(err, MS_E_PARSE,
				  "%s: expected KEY=VALUE", where);
	p = skip_blank(p + 1, end);
	if ((k = ms_conf_lookup(key, klen)) < 0 &&
	    (pk = profile_key(key, klen)) < 0) {
		if (legacy_key(key, klen))
			ms_buf_printf(unused, "%s%.*s", unused->len ? ", " : "",
				      (int)klen, key);
		else
			unknown_key(c, where, key, klen);
		return 0;
	}
	if (k < 0)
		k = pk;
	/* A C string would end there, silently cutting the value short. */
	if (memchr(p, '\0', (size_t)(end - p)))
		return ms_err_set(err, MS_E_PARSE,
				  "%s: %.*s: the value holds a NUL byte", where,
				  (int)klen, key);
	/* Zeroed: unquote leaves no NUL when it fails half-way, and a
	 * secret is wiped by strlen below. */
	if (!(val = calloc(1, (size_t)(end - p) + 1)))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	if (unquote(p, (size_t)(end - p), val, &why) < 0)
		r = ms_err_set(err, MS_E_PARSE, "%s: %.*s: %s", where,
			       (int)klen, key, why);
	else if (pk >= 0)
		r = assign_extra(c, key, klen, k, val, where, err);
	else if ((r = assign(c, k, val, MS_CONF_SRC_FILE, where, err)) == 0)
		c->line[k] = lineno;
	if (ms_conf_table[k].flags & MS_CONF_SECRET) {
		*secret = *secret || *val;
		explicit_bzero(val, strlen(val));
	}
	free(val);
	return r;
}

/*
 * A file with secrets is private to its owner (0600), or, as the package
 * installs it, 0640 root:<the service's group>: owner root, group ours
 * (root checking the service's file accepts the group modscan), and no
 * access for others.
 */
static bool secret_mode_ok(const struct stat *st)
{
	char buf[1024];
	struct group gr, *g = NULL;

	if (!(st->st_mode & 077))
		return true;
	if (st->st_uid != 0 || (st->st_mode & 007))
		return false;
	if (st->st_gid == getegid())
		return true;
	if (geteuid() != 0)
		return false;
	return getgrgid_r(st->st_gid, &gr, buf, sizeof(buf), &g) == 0 && g &&
	       !strcmp(g->gr_name, MS_CONF_SERVICE_GROUP);
}

int ms_conf_load_file(struct ms_conf *c, const char *path,
		      struct ms_err *err)
{
	struct ms_err e = { 0 }, first = { 0 };
	struct ms_buf text, unused;
	bool secret = false;
	const char *p, *end, *nl;
	unsigned lineno = 0;
	struct stat st;
	int r, first_r = 0;

	ms_buf_init(&text, CONF_FILE_MAX);
	ms_buf_init(&unused, 4096);
	/* All of it up front: growing by realloc would free copies of the
	 * secrets read so far without wiping them (files past 8 KiB). */
	if ((r = ms_buf_reserve(&text, CONF_FILE_MAX)) < 0) {
		r = ms_err_set(err, r, "cannot read '%s': %s", path,
			       ms_strerror(r));
		goto out;
	}
	if ((r = ms_file_read(path, &text, &st, err)) < 0)
		goto out;
	for (p = text.p, end = text.p + text.len; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		if ((r = load_line(c, path, ++lineno, p, nl, &secret,
				   &unused, &e)) < 0 &&
		    (r = note_error(c, r, &e, &first, &first_r)) < 0)
			goto out;
	}
	if ((r = first_r) < 0) {
		if (err)
			*err = first;
		goto out;
	}
	if (secret && !secret_mode_ok(&st)) {
		r = ms_err_set(err, MS_E_INVAL,
			       "'%s' holds a password but is readable by "
			       "group or others: 'chmod 600 %s' fixes it",
			       path, path);
		goto out;
	}
	if (unused.len)
		ms_buf_printf(&c->warnings, "%s: keys of the old tool that "
			      "modscan does not use, ignored: %.*s\n", path,
			      (int)unused.len, unused.p);
	free(c->path);
	c->path = strdup(path);
	r = 0;
out:
	explicit_bzero(text.p, text.len);
	ms_buf_release(&text);
	ms_buf_release(&unused);
	return r;
}

int ms_conf_load_env(struct ms_conf *c, struct ms_err *err)
{
	struct ms_err e = { 0 }, first = { 0 };
	int r, first_r = 0;
	size_t k;

	for (k = 0; k < MS_CONF__COUNT; k++) {
		const struct ms_conf_info *ci = &ms_conf_table[k];
		const char *v = getenv(ci->name);

		if (!v && ci->alias)
			v = getenv(ci->alias);
		if (!v)
			continue;
		if ((r = assign(c, k, v, MS_CONF_SRC_ENV, "environment",
				&e)) < 0 &&
		    (r = note_error(c, r, &e, &first, &first_r)) < 0)
			return r;
	}
	if (first_r && err)
		*err = first;
	return first_r;
}

/*
 * Replace *value, a Fernet token, by its plaintext; name is the key for
 * messages.  A token that does not verify is an error, never a password.
 */
static int decrypt_value(const struct ms_conf *c, char **value,
			 const char *name, struct ms_err *err)
{
	const char *key = ms_conf_str(c, MS_CONF_FERNET_KEY);
	const char *where = c->path ? c->path : "environment";
	char *plain;
	int r;

	if (!*value || !ms_fernet_is_token(*value))
		return 0;
	if (!*key)
		return ms_err_set(err, MS_E_INVAL, "%s: %s: a Fernet token "
				  "(gAAAAA...) but FERNET_KEY is not set",
				  where, name);
	if ((r = ms_fernet_decrypt(key, *value, &plain, err)) < 0) {
		ms_err_prefix(err, "%s: %s", where, name);
		return r;
	}
	explicit_bzero(*value, strlen(*value));
	free(*value);
	*value = plain;
	return 0;
}

/* Every secret given as a Fernet token, decrypted with FERNET_KEY. */
static int decrypt_secrets(struct ms_conf *c, struct ms_err *err)
{
	char name[128];
	size_t k;
	int r;

	for (k = 0; k < MS_CONF__COUNT; k++) {
		const struct ms_conf_info *ci = &ms_conf_table[k];

		if (!(ci->flags & MS_CONF_SECRET) || k == MS_CONF_FERNET_KEY)
			continue;
		snprintf(name, sizeof(name), "%s%s%s%s", ci->name,
			 ci->alias ? " (" : "", ci->alias ? ci->alias : "",
			 ci->alias ? ")" : "");
		if ((r = decrypt_value(c, &c->val[k], name, err)) < 0)
			return r;
	}
	for (k = 0; k < c->nextra; k++) {
		if (!(ms_conf_table[c->extra[k].base].flags & MS_CONF_SECRET))
			continue;
		if ((r = decrypt_value(c, &c->extra[k].value,
				       c->extra[k].name, err)) < 0)
			return r;
	}
	return 0;
}

int ms_conf_load(struct ms_conf *c, const char *path, struct ms_err *err)
{
	int r;

	/* Before any secret is read into memory. */
	if ((r = ms_proc_nodump(err)) < 0)
		return r;
	if (!path || !*path)
		path = getenv("MODSCAN_CONFIG");
	if ((!path || !*path) && access(default_path, F_OK) == 0)
		path = default_path;
	/* the old tool read .env from the working directory */
	if ((!path || !*path) && access(legacy_path, F_OK) == 0)
		path = legacy_path;
	if (path && *path && (r = ms_conf_load_file(c, path, err)) < 0) {
		/* bad values: the environment's join them in c->errors */
		if (c->errors.len)
			ms_conf_load_env(c, NULL);
		return r;
	}
	if ((r = ms_conf_load_env(c, err)) < 0)
		return r;
	return decrypt_secrets(c, err);
}

int ms_conf_set(struct ms_conf *c, enum ms_conf_key k, const char *value,
		struct ms_err *err)
{
	return assign(c, k, value, MS_CONF_SRC_CLI, "command line", err);
}

const char *ms_conf_str(const struct ms_conf *c, enum ms_conf_key k)
{
	return c->val[k] ? c->val[k] : ms_conf_table[k].def;
}

long long ms_conf_int(const struct ms_conf *c, enum ms_conf_key k)
{
	return c->num[k];
}

bool ms_conf_bool(const struct ms_conf *c, enum ms_conf_key k)
{
	return c->num[k] != 0;
}

void ms_conf_source(const struct ms_conf *c, enum ms_conf_key k, char *out,
		    size_t size)
{
	static const char *const names[] = {
		"default", "file", "environment", "command line"
	};

	if (c->src[k] == MS_CONF_SRC_FILE && c->path)
		snprintf(out, size, "%s:%u", c->path, c->line[k]);
	else
		snprintf(out, size, "%s", names[c->src[k] < 4 ? c->src[k] : 0]);
}

bool ms_conf_isset(const struct ms_conf *c, enum ms_conf_key k)
{
	return c->src[k] != MS_CONF_SRC_DEFAULT;
}

int ms_conf_path(const struct ms_conf *c, enum ms_conf_key k,
		 const char *leaf, char *out, size_t size)
{
	const char *v = ms_conf_str(c, k);
	int n;

	if (*v)
		n = snprintf(out, size, "%s", v);
	else
		n = snprintf(out, size, "%s/%s",
			     ms_conf_str(c, MS_CONF_RUN_DIR), leaf);
	return n < 0 || (size_t)n >= size ? MS_E_TOOBIG : 0;
}
