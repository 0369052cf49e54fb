/* What the report renderers share: number format, escaping, file names. */
#include "render.h"

char *ms_render_pct(double pct, char out[MS_PCT_MAX])
{
	size_t n;

	snprintf(out, MS_PCT_MAX, "%.2f", pct);
	n = strlen(out);
	while (n > 0 && out[n - 1] == '0' && out[n - 2] != '.')
		out[--n] = '\0';
	return out;
}

char *ms_render_dur(uint64_t secs, char out[MS_DUR_MAX])
{
	uint64_t min = (secs + 30) / 60;

	if (secs < 60)
		snprintf(out, MS_DUR_MAX, "%llus", (unsigned long long)secs);
	else if (min < 60)
		snprintf(out, MS_DUR_MAX, "%llum", (unsigned long long)min);
	else
		snprintf(out, MS_DUR_MAX, "%lluh %02um",
			 (unsigned long long)(min / 60), (unsigned)(min % 60));
	return out;
}

const char *ms_render_node_label(const struct ms_report_node_sum *s,
				 char out[MS_NODE_LABEL_MAX])
{
	if (s->node)
		return s->node;
	snprintf(out, MS_NODE_LABEL_MAX, "no node (%s)", s->device);
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

int ms_render_name(char *out, size_t size, const char *label,
		   unsigned which)
{
	int n = snprintf(out, size, "%s%s.%s", MS_RENDER_PREFIX, label,
			 ms_render_ext(which));

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
