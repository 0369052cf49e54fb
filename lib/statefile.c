/*
 * State files next to the status file (see statefile.h): paths, fields,
 * the line reader and the atomic write.
 */
#include "statefile.h"

#include "file.h"

enum { FIELDS_MAX = 16 };

int ms_statefile_path(const char *status_path, const char *name, char *out,
		      size_t size)
{
	const char *slash = strrchr(status_path, '/');
	int dir = slash ? (int)(slash - status_path) : 1;
	int n;

	n = snprintf(out, size, "%.*s/%s", dir, slash ? status_path : ".",
		     name);
	return n < 0 || (size_t)n >= size ? MS_E_TOOBIG : 0;
}

int ms_statefile_name(struct ms_buf *out, const char *s)
{
	int r = 0;

	for (; *s && r >= 0; s++)
		r = ms_buf_addc(out, (unsigned char)*s < 0x20 || *s == 0x7f
					     ? '?' : *s);
	return r;
}

bool ms_statefile_num(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !*end && !errno && *out <= max;
}

/* Split line (NUL-terminated, no newline) at tabs into f; the count. */
static size_t split(char *line, char **f, size_t max)
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

/* Each line of copy[0..len) in turn; the failing line's number in *at. */
static int each_line(char *copy, size_t len, const char *magic,
		     size_t max_fields, ms_statefile_line_fn fn, void *ctx,
		     size_t *at)
{
	char *f[FIELDS_MAX];
	char *line, *nl, *end = copy + len;
	int r = 0;

	if (max_fields > FIELDS_MAX)
		return MS_E_INVAL;
	*at = 0;
	for (line = copy; line < end && r >= 0; line = nl + 1) {
		++*at;
		if (!(nl = memchr(line, '\n', (size_t)(end - line))))
			return MS_E_PARSE;
		*nl = '\0';
		if (memchr(line, '\0', (size_t)(nl - line)))
			r = MS_E_PARSE;
		else if (*at == 1)
			r = strcmp(line, magic) ? MS_E_PARSE : 0;
		else
			r = fn(ctx, f, split(line, f, max_fields));
	}
	return r;
}

int ms_statefile_parse(const char *s, size_t len, const char *magic,
		       size_t max_fields, const char *what,
		       ms_statefile_line_fn line, void *ctx,
		       struct ms_err *err)
{
	size_t lineno = 0;
	char *copy;
	int r;

	if (!(copy = malloc(len + 1)))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	memcpy(copy, s, len);
	copy[len] = '\0';
	r = each_line(copy, len, magic, max_fields, line, ctx, &lineno);
	free(copy);
	if (r == MS_E_PARSE)
		return ms_err_set(err, r, "line %zu: not a %s record", lineno,
				  what);
	if (r < 0)
		return ms_err_set(err, r, "line %zu: %s", lineno,
				  ms_strerror(r));
	if (!lineno)
		return ms_err_set(err, MS_E_PARSE, "empty");
	return 0;
}

int ms_statefile_write(const char *path, size_t max,
		       ms_statefile_render_fn render, const void *state,
		       struct ms_err *err)
{
	struct ms_buf b;
	int r;

	ms_buf_init(&b, max);
	if ((r = render(state, &b)) < 0) {
		r = ms_err_set(err, r, "'%s': %s", path, ms_strerror(r));
		goto out;
	}
	r = ms_file_replace(path, b.p, b.len, 0644, err);
out:
	ms_buf_release(&b);
	return r;
}

int ms_statefile_read(const char *path, size_t max,
		      ms_statefile_parse_fn parse, void *state,
		      struct ms_err *err)
{
	struct ms_buf b;
	int r;

	ms_buf_init(&b, max);
	if ((r = ms_file_read(path, &b, NULL, err)) < 0)
		goto out;
	if ((r = parse(state, b.p, b.len, err)) < 0)
		ms_err_prefix(err, "'%s'", path);
out:
	ms_buf_release(&b);
	return r;
}
