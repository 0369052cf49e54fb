/* What the report renderers share: number format, escaping, file writing. */
#include "render.h"

#include "file.h"

char *ms_render_pct(double pct, char out[MS_PCT_MAX])
{
	size_t n;

	/*
	 * Assumption about the legacy tool (pandas): it wrote round(x, 2) and
	 * Python printed the float with repr, the shortest text that reads
	 * back to the same double.  For a value already rounded to two
	 * decimals that is the "%.2f" text without trailing zeros, keeping
	 * one digit after the point: 100.0, 66.67, 12.5, 0.0.
	 */
	snprintf(out, MS_PCT_MAX, "%.2f", pct);
	n = strlen(out);
	while (n > 0 && out[n - 1] == '0' && out[n - 2] != '.')
		out[--n] = '\0';
	return out;
}

int ms_render_html_text(struct ms_buf *out, const char *s)
{
	const char *rep;
	size_t run;
	int r;

	while (*s) {
		run = strcspn(s, "&<>\"'");
		if ((r = ms_buf_add(out, s, run)) < 0)
			return r;
		s += run;
		if (!*s)
			break;
		switch (*s++) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default: rep = "&#39;"; break;
		}
		if ((r = ms_buf_adds(out, rep)) < 0)
			return r;
	}
	return 0;
}

int ms_render_path(char *out, size_t size, const char *dir,
		   const char *label, const char *ext)
{
	int n = snprintf(out, size, "%s/modscan-report-%s.%s",
			 dir && *dir ? dir : ".", label, ext);

	return n < 0 || (size_t)n >= size ? MS_E_TOOBIG : 0;
}

const char *ms_render_ext(unsigned which)
{
	return which == MS_RENDER_CSV ? "csv" :
	       which == MS_RENDER_JSON ? "json" : "html";
}

int ms_render_one(const struct ms_report *rep, unsigned which,
		  enum ms_csv_format fmt, struct ms_buf *out,
		  struct ms_err *err)
{
	if (which == MS_RENDER_CSV)
		return ms_render_csv(rep, fmt, out, err);
	if (which == MS_RENDER_JSON)
		return ms_render_json(rep, out, err);
	return ms_render_html(rep, out, err);
}

static int write_one(const struct ms_report *rep, const char *dir,
		     unsigned which, enum ms_csv_format fmt,
		     struct ms_err *err)
{
	const char *ext = ms_render_ext(which);
	char path[PATH_MAX];
	struct ms_buf b;
	int r;

	if ((r = ms_render_path(path, sizeof(path), dir,
				ms_report_info(rep)->label, ext)) < 0)
		return ms_err_set(err, r, "report path in '%s' too long", dir);
	ms_buf_init(&b, MS_RENDER_MAX);
	if ((r = ms_render_one(rep, which, fmt, &b, err)) >= 0)
		r = ms_file_replace(path, b.p, b.len, 0644, err);
	ms_buf_release(&b);
	return r;
}

int ms_render_write(const struct ms_report *rep, const char *dir,
		    unsigned what, enum ms_csv_format fmt, struct ms_err *err)
{
	static const unsigned order[] = { MS_RENDER_CSV, MS_RENDER_JSON,
					  MS_RENDER_HTML };
	size_t i;
	int r;

	for (i = 0; i < MS_ARRAY_SIZE(order); i++) {
		if ((what & order[i]) &&
		    (r = write_one(rep, dir, order[i], fmt, err)) < 0)
			return r;
	}
	return 0;
}
