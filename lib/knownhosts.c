/*
 * known_hosts cache (see knownhosts.h).  One mutex guards the cache; the
 * file's identity (inode, size, mtime) tells whether another process
 * changed it since we read or wrote it.
 */
#include "knownhosts.h"

#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "buf.h"
#include "file.h"
#include "schedule.h"

enum { KH_FILE_MAX = 64 << 20, KH_BUCKETS = 4096 };

struct entry {
	struct entry *next;	/* bucket chain */
	char *name;		/* one host name of the line */
	char *type;
	char *key;		/* base64 */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards all */
static struct entry *bucket[KH_BUCKETS];
static char cached_path[PATH_MAX];
static struct stat cached_st;
static bool loaded, fallback;

static void clear(void)
{
	size_t i;

	for (i = 0; i < KH_BUCKETS; i++) {
		while (bucket[i]) {
			struct entry *e = bucket[i];

			bucket[i] = e->next;
			free(e->name);
			free(e->type);
			free(e->key);
			free(e);
		}
	}
	loaded = fallback = false;
	cached_path[0] = '\0';
}

void ms_kh_reset(void)
{
	pthread_mutex_lock(&lock);
	clear();
	pthread_mutex_unlock(&lock);
}

static int add(const char *name, size_t nlen, const char *type, size_t tlen,
	       const char *key, size_t klen)
{
	struct entry *e = calloc(1, sizeof(*e));
	size_t h;

	if (!e || !(e->name = strndup(name, nlen)) ||
	    !(e->type = strndup(type, tlen)) ||
	    !(e->key = strndup(key, klen))) {
		if (e) {
			free(e->name);
			free(e->type);
		}
		free(e);
		return MS_E_NOMEM;
	}
	h = ms_hash(e->name) % KH_BUCKETS;
	e->next = bucket[h];
	bucket[h] = e;
	return 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Split "names type key [comment]" into its fields. */
static bool fields(const char *p, const char *end, const char *f[3],
		   size_t n[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		while (p < end && blank(*p))
			p++;
		f[i] = p;
		while (p < end && !blank(*p))
			p++;
		n[i] = (size_t)(p - f[i]);
		if (!n[i])
			return false;
	}
	return true;
}

/* One line of the file: every name of it becomes an entry. */
static int parse_line(const char *p, const char *end)
{
	const char *f[3], *name, *comma;
	size_t n[3];
	int r;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#')
		return 0;
	if (*p == '@' || *p == '|') {
		fallback = true;	/* markers, hashed names: libssh's job */
		return 0;
	}
	if (!fields(p, end, f, n))
		return 0;
	for (name = f[0]; name < f[0] + n[0]; name = comma + 1) {
		comma = memchr(name, ',', (size_t)(f[0] + n[0] - name));
		if (!comma)
			comma = f[0] + n[0];
		if (comma > name && (*name == '!' || memchr(name, '*',
			(size_t)(comma - name)) || memchr(name, '?',
			(size_t)(comma - name))))
			fallback = true;	/* patterns */
		else if (comma > name &&
			 (r = add(name, (size_t)(comma - name), f[1], n[1], f[2],
				  n[2])) < 0)
			return r;
	}
	return 0;
}

static int load(const char *path, struct ms_err *err)
{
	struct ms_buf text;
	const char *p, *nl, *end;
	struct stat st;
	int r;

	clear();
	ms_strlcpy(cached_path, path, sizeof(cached_path));
	ms_buf_init(&text, KH_FILE_MAX);
	r = ms_file_read(path, &text, &st, err);
	if (r < 0 && errno == ENOENT) {
		memset(&cached_st, 0, sizeof(cached_st));
		r = 0;
	} else if (r >= 0) {
		cached_st = st;
	}
	for (p = text.p, end = p + text.len; r >= 0 && p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		r = parse_line(p, nl);
	}
	ms_buf_release(&text);
	if (r == MS_E_NOMEM)
		ms_err_set(err, r, "out of memory reading '%s'", path);
	loaded = r >= 0;
	return r;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The cache for path, re-read when the file is not the one we know. */
static int fresh(const char *path, struct ms_err *err)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno != ENOENT)
			return ms_err_sys(err, "cannot stat '%s'", path);
		memset(&st, 0, sizeof(st));
	}
	if (loaded && !strcmp(path, cached_path) && same_file(&st, &cached_st))
		return 0;
	return load(path, err);
}

static int lookup(const char *line)
{
	const char *f[3];
	size_t n[3];
	char name[512];
	struct entry *e;
	bool other = false;

	/* hashed names, patterns and markers (@revoked) need libssh */
	if (fallback || !fields(line, line + strlen(line), f, n) ||
	    n[0] >= sizeof(name))
		return MS_KH_FALLBACK;
	memcpy(name, f[0], n[0]);
	name[n[0]] = '\0';
	for (e = bucket[ms_hash(name) % KH_BUCKETS]; e; e = e->next) {
		if (strcmp(e->name, name))
			continue;
		if (strlen(e->type) == n[1] && !memcmp(e->type, f[1], n[1]) &&
		    strlen(e->key) == n[2] && !memcmp(e->key, f[2], n[2]))
			return MS_KH_OK;
		other = true;
	}
	return other ? MS_KH_CHANGED : MS_KH_UNKNOWN;
}

int ms_kh_check(const char *path, const char *line, struct ms_err *err)
{
	int r;

	pthread_mutex_lock(&lock);
	if ((r = fresh(path, err)) >= 0)
		r = lookup(line);
	pthread_mutex_unlock(&lock);
	return r;
}

int ms_kh_types(const char *path, const char *name, char *out, size_t outsz,
		struct ms_err *err)
{
	const struct entry *e;
	size_t len = 0;
	int r, n;

	if (outsz)
		out[0] = '\0';
	pthread_mutex_lock(&lock);
	if ((r = fresh(path, err)) < 0)
		goto out;
	r = fallback ? MS_KH_FALLBACK : MS_KH_UNKNOWN;
	for (e = bucket[ms_hash(name) % KH_BUCKETS]; !fallback && e;
	     e = e->next) {
		if (strcmp(e->name, name))
			continue;
		n = snprintf(out + len, outsz - len, "%s%s", len ? "," : "",
			     e->type);
		if (n < 0 || (size_t)n >= outsz - len) {
			r = ms_err_set(err, MS_E_TOOBIG, "key types of '%s' in "
				       "'%s': too many", name, path);
			goto out;
		}
		len += (size_t)n;
		r = MS_KH_OK;
	}
out:
	pthread_mutex_unlock(&lock);
	return r;
}

int ms_kh_learn(const char *path, const char *line, struct ms_err *err)
{
	const char *f[3];
	size_t n[3];
	struct stat st;
	int fd, r;

	if (!fields(line, line + strlen(line), f, n))
		return ms_err_set(err, MS_E_INVAL, "bad known_hosts entry");
	pthread_mutex_lock(&lock);
	if ((fd = ms_file_open(path, O_WRONLY | O_APPEND | O_CREAT, 0644,
			       err)) < 0) {
		r = fd;
		goto out;
	}
	if (flock(fd, LOCK_EX) < 0) {
		r = ms_err_sys(err, "cannot lock '%s'", path);
		goto out;
	}
	/* another process may have learnt it since we looked */
	if ((r = fresh(path, err)) < 0)
		goto out;
	r = lookup(line);
	if (r == MS_KH_OK || r == MS_KH_CHANGED)
		goto out;
	/* One write(2) on O_APPEND: readers never see half a line. */
	if (ms_file_write_all(fd, line, strlen(line)) < 0) {
		r = ms_err_sys(err, "cannot append to '%s'", path);
		goto out;
	}
	if ((r = add(f[0], n[0], f[1], n[1], f[2], n[2])) < 0) {
		ms_err_set(err, r, "out of memory");
		goto out;
	}
	/* our own append does not make the cache stale */
	if (fstat(fd, &st) == 0)
		cached_st = st;
	r = MS_KH_OK;
out:
	if (fd >= 0)
		close(fd);
	pthread_mutex_unlock(&lock);
	return r;
}
