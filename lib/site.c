/* The report site's index page (see site.h). */
#include "site.h"

#include <cjson/cJSON.h>

#include "file.h"
#include "render.h"

enum { DAY_JSON_MAX = 64u << 20, TREND_H = 60, TREND_W = 8 };

bool ms_site_page_date(const char *name, char date[MS_SITE_DATE_LEN + 1])
{
	size_t p = strlen(MS_RENDER_PREFIX), i;

	if (strlen(name) != p + MS_SITE_DATE_LEN + 5 ||
	    strncmp(name, MS_RENDER_PREFIX, p) ||
	    strcmp(name + p + MS_SITE_DATE_LEN, ".html"))
		return false;
	for (i = 0; i < MS_SITE_DATE_LEN; i++) {
		char c = name[p + i];

		if (i == 4 || i == 7 ? c != '-' : c < '0' || c > '9')
			return false;
	}
	memcpy(date, name + p, MS_SITE_DATE_LEN);
	date[MS_SITE_DATE_LEN] = '\0';
	return true;
}

static double member(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* The first of the day's nodes to visit, labelled as on its page. */
static void first_node(struct ms_site_day *d, const cJSON *doc)
{
	const cJSON *n = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
		doc, "nodes_to_visit"), 0);
	const char *node = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(n, "node"));
	struct ms_report_node_sum s = { node, cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(n, "ccap")), 0, 0, NULL, 0 };
	char label[MS_NODE_LABEL_MAX];

	if (!node && !s.device)
		return;
	snprintf(d->node, sizeof(d->node), "%s",
		 ms_render_node_label(&s, label));
	d->node_hours = member(n, "seconds_below_qam64") / 3600;
}

void ms_site_day_load(struct ms_site_day *d, const char *dir)
{
	char path[PATH_MAX];
	struct ms_buf b;
	cJSON *doc = NULL, *t;

	d->have_totals = false;
	d->node[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s%s.json", dir,
		     MS_RENDER_PREFIX, d->date) >= (int)sizeof(path))
		return;
	ms_buf_init(&b, DAY_JSON_MAX);
	if (ms_file_read(path, &b, NULL, NULL) == 0 && b.len)
		doc = cJSON_ParseWithLength(b.p, b.len);
	t = cJSON_GetObjectItemCaseSensitive(doc, "totals");
	if (cJSON_IsObject(t)) {
		d->have_totals = true;
		d->upstreams = (uint32_t)member(t, "upstreams");
		d->hopping = (uint32_t)member(t, "hopping_upstreams");
		d->hops = (uint64_t)member(t, "hops");
		d->below_hours = member(t, "seconds_below_qam64") / 3600;
		first_node(d, doc);
	}
	cJSON_Delete(doc);
	ms_buf_release(&b);
}

static int newest_first(const void *a, const void *b)
{
	return -strcmp(((const struct ms_site_day *)a)->date,
		       ((const struct ms_site_day *)b)->date);
}

static const char index_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, "
	"initial-scale=1\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	"'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
	"img-src data:\">\n"
	"<style>body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;"
	"max-width:900px;padding:12px}h1{font-size:1.4em}"
	".meta{color:#5f6368}table{border-collapse:collapse;width:100%}"
	"th,td{padding:5px 8px;border-bottom:1px solid #dadce0;"
	"text-align:left}td.n,th.n{text-align:right}"
	"#trend{display:block;width:100%;height:60px;margin:8px 0}"
	"#trend rect{fill:#c62828}</style>\n";

/*
 * Resolves #prev:D, #next:D and #day:D to a published page (the day
 * pages' links and date pickers end here).  "#selftest" writes what each
 * would resolve to, and where the date picker would go for each day, into
 * #selftest instead, for the headless browser test.
 */
static const char index_script[] =
	"<script>\n"
	"(function(){'use strict';\n"
	"var L=JSON.parse(document.getElementById('days').textContent);\n"
	"function find(k,d){var i;if(k==='day')return L.indexOf(d)>=0?d:'';\n"
	"if(k==='prev'){for(i=0;i<L.length;i++)if(L[i]<d)return L[i];"
	"return '';}\n"
	"for(i=L.length-1;i>=0;i--)if(L[i]>d)return L[i];return '';}\n"
	"function page(d){return 'modscan-report-'+d+'.html';}\n"
	"var out=null;\n"
	"function go(h){var m=/^#(prev|next|day):(\\d{4}-\\d\\d-\\d\\d)$/"
	".exec(h);if(!m)return;var t=find(m[1],m[2]);\n"
	"if(out){out.push('go '+h+' opens '+(t?page(t):'none'));return;}\n"
	"if(t)location.replace(page(t));else document.getElementById('msg')"
	".textContent=m[1]==='day'?'No report was published for '+m[2]+'.':"
	"'No '+(m[1]==='prev'?'earlier':'later')+' report than '+m[2]+'.';}\n"
	"var p=document.getElementById('pick');\n"
	"p.addEventListener('change',function(){if(p.value)go('#day:'+p.value);"
	"});\n"
	"if(location.hash==='#selftest'){out=[];L.forEach(function(d){"
	"out.push(d+' prev='+find('prev',d)+' next='+find('next',d));});\n"
	"out.push('day:1999-01-01='+find('day','1999-01-01'));\n"
	"L.concat(['1999-01-01']).forEach(function(d){p.value=d;"
	"p.dispatchEvent(new Event('change'));});\n"
	"document.getElementById('selftest').textContent=out.join('\\n');"
	"return;}\n"
	"window.addEventListener('hashchange',function(){go(location.hash);});\n"
	"go(location.hash);})();\n"
	"</script>\n";

/* Bars of hops per day, oldest on the left, scaled to the highest. */
static int trend(struct ms_buf *b, const struct ms_site_day *d, size_t n)
{
	uint64_t max = 1;
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		max = MS_MAX(max, d[i].hops);
	if ((r = ms_buf_printf(b, "<svg id=\"trend\" viewBox=\"0 0 %zu %d\" "
			       "preserveAspectRatio=\"none\" role=\"img\">"
			       "<title>hops per day</title>",
			       n * TREND_W, TREND_H)) < 0)
		return r;
	for (i = 0; i < n && r >= 0; i++) {
		const struct ms_site_day *e = &d[n - 1 - i];
		double h = (double)e->hops * TREND_H / (double)max;

		r = ms_buf_printf(b, "<rect x=\"%zu\" y=\"%.1f\" width=\"%d\" "
				  "height=\"%.1f\"><title>%s: %llu hops"
				  "</title></rect>", i * TREND_W, TREND_H - h,
				  TREND_W - 1, h, e->date,
				  (unsigned long long)e->hops);
	}
	return r < 0 ? r : ms_buf_adds(b, "</svg>\n");
}

static int day_row(struct ms_buf *b, const struct ms_site_day *d)
{
	int r = ms_buf_printf(b, "<tr><td><a href=\"%s%s.html\">%s</a></td>",
			      MS_RENDER_PREFIX, d->date, d->date);

	if (r < 0)
		return r;
	if (!d->have_totals)
		return ms_buf_adds(b, "<td class=\"n\" colspan=\"5\">\u2013"
				   "</td></tr>\n");
	if ((r = ms_buf_printf(b, "<td class=\"n\">%u</td><td class=\"n\">"
			       "%llu</td><td class=\"n\">%u</td><td "
			       "class=\"n\">%.1f</td><td>", d->upstreams,
			       (unsigned long long)d->hops, d->hopping,
			       d->below_hours)) < 0)
		return r;
	if (!d->node[0])
		return ms_buf_adds(b, "\u2013</td></tr>\n");
	if ((r = ms_render_html_text(b, d->node)) < 0)
		return r;
	return ms_buf_printf(b, " (%.1f h)</td></tr>\n", d->node_hours);
}

static int days_json(struct ms_buf *b, const struct ms_site_day *d,
		     size_t n)
{
	size_t i;
	int r = ms_buf_adds(b, "<script type=\"application/json\" "
			    "id=\"days\">[");

	for (i = 0; i < n && r >= 0; i++)
		r = ms_buf_printf(b, "%s\"%s\"", i ? "," : "", d[i].date);
	return r < 0 ? r : ms_buf_adds(b, "]</script>\n");
}

static int body(struct ms_buf *b, const struct ms_site_day *d, size_t n,
		const char *title)
{
	size_t i;
	int r;

	if ((r = ms_buf_adds(b, "</head><body>\n<h1>")) < 0 ||
	    (r = ms_render_html_text(b, title)) < 0 ||
	    (r = ms_buf_printf(b, "</h1>\n<p class=\"meta\">%zu published "
			       "day%s \u00b7 <label>go to day <input "
			       "type=\"date\" id=\"pick\"", n,
			       n == 1 ? "" : "s")) < 0 ||
	    (n && (r = ms_buf_printf(b, " min=\"%s\" max=\"%s\"",
				     d[n - 1].date, d[0].date)) < 0) ||
	    (r = ms_buf_adds(b, "></label></p>\n<p id=\"msg\"></p>\n")) < 0 ||
	    (r = trend(b, d, n)) < 0 ||
	    (r = ms_buf_adds(b, "<table id=\"list\"><thead><tr><th>Day</th>"
			     "<th class=\"n\">Upstreams</th><th class=\"n\">"
			     "Hops</th><th class=\"n\">Hopping upstreams</th>"
			     "<th class=\"n\">Hours below QAM64</th>"
			     "<th>Node to visit first</th></tr>"
			     "</thead><tbody>\n")) < 0)
		return r;
	for (i = 0; i < n && r >= 0; i++)
		r = day_row(b, &d[i]);
	return r < 0 ? r : ms_buf_adds(b, "</tbody></table>\n");
}

int ms_site_index(struct ms_site_day *days, size_t n, const char *title,
		  const char *footer, struct ms_buf *out, struct ms_err *err)
{
	int r;

	if (n > 1)
		qsort(days, n, sizeof(*days), newest_first);
	if ((r = ms_buf_adds(out, index_head)) < 0 ||
	    (r = ms_buf_adds(out, "<title>")) < 0 ||
	    (r = ms_render_html_text(out, title)) < 0 ||
	    (r = ms_buf_adds(out, "</title>\n")) < 0 ||
	    (r = body(out, days, n, title)) < 0)
		goto fail;
	if ((r = ms_render_html_footer(out, footer)) < 0 ||
	    (r = ms_buf_adds(out, "<pre id=\"selftest\"></pre>\n")) < 0 ||
	    (r = days_json(out, days, n)) < 0 ||
	    (r = ms_buf_adds(out, index_script)) < 0 ||
	    (r = ms_buf_adds(out, "</body></html>\n")) < 0)
		goto fail;
	return 0;
fail:
	return ms_err_set(err, r, "site index: %s", ms_strerror(r));
}
