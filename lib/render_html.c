/*
 * The report as one self-contained HTML page: inline CSS, JS and SVG, the
 * data embedded as JSON, a CSP that forbids every external fetch.  Charts
 * and timelines are drawn here as SVG (they show without JS); the table is
 * built by the page's script from the JSON (sort, filter, pagination).
 */
#include "render.h"

#include "mstime.h"

static const char page_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, "
	"initial-scale=1\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	"'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
	"img-src data:\">\n";

static const char page_style[] =
	"<style>\n"
	":root{--q64:#2e7d32;--q16:#f29900;--qpsk:#c62828;--unk:#7b1fa2;"
	"--none:#e4e4e4;--fg:#1d1d1f;--mut:#5f6368;--line:#dadce0}\n"
	"*{box-sizing:border-box}\n"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
	"sans-serif;color:var(--fg);margin:0 auto;max-width:1200px;"
	"padding:12px}\n"
	"h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:1.4em 0 "
	".5em}\n"
	".meta{color:var(--mut);margin:0}\n"
	".cards{display:flex;flex-wrap:wrap;gap:8px;margin-top:12px}\n"
	".card{flex:1 1 130px;border:1px solid var(--line);border-radius:8px;"
	"padding:8px 10px}\n"
	".card b{display:block;font-size:1.35em}.card span{color:var(--mut);"
	"font-size:.85em}\n"
	".grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}\n"
	".grid>*{min-width:0}\n"
	".bar{display:grid;grid-template-columns:minmax(9em,32%) 1fr 3em;"
	"gap:2px 8px;align-items:center;margin:3px 0}\n"
	".bar svg{height:16px}.bar .v{text-align:right;font-weight:600}\n"
	".bar .l{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\n"
	"@media (max-width:760px){.grid{grid-template-columns:1fr}"
	"body{font-size:14px;padding:8px}.bar{grid-template-columns:1fr 3em}"
	".bar .l{grid-column:1/-1}.axis span:nth-child(even){display:none}}\n"
	"svg{display:block;width:100%;height:auto}\n"
	"svg text{font-size:12px;fill:var(--fg)}\n"
	".lg{display:flex;flex-wrap:wrap;gap:4px 14px;margin:6px 0;"
	"font-size:.9em}\n"
	".sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;"
	"vertical-align:-.1em;margin-right:4px}\n"
	".c6{fill:var(--q64);background:var(--q64)}"
	".c1{fill:var(--q16);background:var(--q16)}"
	".cQ{fill:var(--qpsk);background:var(--qpsk)}"
	".cU{fill:var(--unk);background:var(--unk)}"
	".cn{fill:var(--none);background:var(--none)}\n"
	".strip{margin:6px 0 10px}.strip div{font-size:.9em}"
	".strip svg{height:18px;border-radius:3px}\n"
	".axis{position:relative;height:1.2em;font-size:.75em;"
	"color:var(--mut)}.axis span{position:absolute;"
	"transform:translateX(-50%)}.axis span:first-child{transform:none}\n"
	".tw{overflow-x:auto}\n"
	"table{border-collapse:collapse;width:100%;font-size:.92em}\n"
	"th,td{padding:5px 8px;border-bottom:1px solid var(--line);"
	"text-align:left;white-space:nowrap}\n"
	"td.n,th.n{text-align:right}\n"
	"th{cursor:pointer;user-select:none;background:#f6f8fa;position:sticky;"
	"top:0}\n"
	"th[aria-sort=ascending]::after{content:' \\25B2'}"
	"th[aria-sort=descending]::after{content:' \\25BC'}\n"
	".tools{display:flex;flex-wrap:wrap;gap:8px;align-items:center;"
	"margin:8px 0}\n"
	".tools input{flex:1 1 200px;padding:7px;font-size:1em;"
	"border:1px solid var(--line);border-radius:6px}\n"
	".tools button,.tools select{padding:6px 10px;font-size:1em}\n"
	"#nodes-table th{cursor:auto;position:static}"
	"#nodes-table tr.nd td{border-top:2px solid var(--line)}\n"
	".empty{padding:16px;border:1px dashed var(--line);"
	"border-radius:8px}\n"
	"#selftest:empty{display:none}\n"
	"</style>\n";

/*
 * The table: rows from the embedded JSON, built with textContent (never
 * innerHTML), so a hostile device name stays text.  A "#selftest=TERM"
 * fragment drives sort, filter and paging through real DOM events and
 * writes what it saw into #selftest, for the headless browser test.
 */
static const char page_script[] =
	"<script>\n"
	"(function(){'use strict';\n"
	"var D=JSON.parse(document.getElementById('data').textContent);\n"
	"var C=[['ccap','CCAP',0],['upstream','Upstream',0],['node','Node',0],"
	"['family','Family',0],"
	"['hops','Hops',1],['qam64','% QAM64',1,1],['qam16','% QAM16',1,1],"
	"['qpsk','% QPSK',1,1],['unknown','% UNKNOWN',1,1],['samples','Samples',1],"
	"['seconds_below_qam64','Below QAM64',1]];\n"
	"var rows=D.rows.map(function(r,i){r._i=i;return r;});\n"
	"var view=rows,key='hops',dir=-1,page=0,size=50,q='';\n"
	"var $=function(id){return document.getElementById(id);};\n"
	"function dur(s){var h=Math.floor(s/3600),m=Math.round(s%3600/60);"
	"return s?(h?h+'h ':'')+m+'m':'0';}\n"
	"function cmp(a,b){var x=a[key],y=b[key];"
	"if(x<y)return -dir;if(x>y)return dir;return a._i-b._i;}\n"
	"function band(h){return h>50?'high':h>=10?'medium':'low';}\n"
	"function apply(){var t=q.toLowerCase(),fa=$('fam').value,"
	"hb=$('hb').value;view=rows.filter(function(r){"
	"return (!t||(r.ccap+' '+r.upstream+' '+r.node+' '+r.family)"
	".toLowerCase()"
	".indexOf(t)>=0)&&(!fa||r.family===fa)&&(!hb||band(r.hops)===hb);});"
	"view.sort(cmp);page=0;draw();}\n"
	"function draw(){var tb=$('tb'),n=view.length,ps=size||n||1,"
	"pages=Math.max(1,Math.ceil(n/ps));if(page>=pages)page=pages-1;\n"
	"var a=page*ps,b=Math.min(n,a+ps),f=document.createDocumentFragment();\n"
	"for(var i=a;i<b;i++){var r=view[i],tr=document.createElement('tr');\n"
	"C.forEach(function(c){var td=document.createElement('td');"
	"var v=r[c[0]];if(c[0]==='seconds_below_qam64'){td.title=v+' s';"
	"v=dur(v);}else if(c[3]&&v===Math.floor(v))v=v.toFixed(1);"
	"td.textContent=v;if(c[2])td.className='n';"
	"tr.appendChild(td);});f.appendChild(tr);}\n"
	"tb.textContent='';tb.appendChild(f);\n"
	"$('info').textContent=n?(a+1)+'\\u2013'+b+' of '+n+(n<rows.length?"
	"' (filtered from '+rows.length+')':''):'no matching rows';\n"
	"$('prev').disabled=page<=0;$('next').disabled=page>=pages-1;\n"
	"document.querySelectorAll('#th th').forEach(function(th){"
	"th.setAttribute('aria-sort',th.dataset.k===key?(dir<0?'descending':"
	"'ascending'):'none');});}\n"
	"var tr=$('th');C.forEach(function(c){var th=document.createElement('th');"
	"th.textContent=c[1];th.dataset.k=c[0];th.tabIndex=0;"
	"if(c[2])th.className='n';\n"
	"function go(){if(key===c[0])dir=-dir;else{key=c[0];dir=c[2]?-1:1;}"
	"apply();}\n"
	"th.addEventListener('click',go);th.addEventListener('keydown',"
	"function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}"
	"});tr.appendChild(th);});\n"
	"$('q').addEventListener('input',function(){q=this.value;apply();});\n"
	"var fs=$('fam');rows.map(function(r){return r.family;}).filter("
	"function(f,i,a){return a.indexOf(f)===i;}).sort().forEach(function(f)"
	"{var o=document.createElement('option');o.value=o.textContent=f;"
	"fs.appendChild(o);});\n"
	"fs.addEventListener('change',apply);"
	"$('hb').addEventListener('change',apply);\n"
	"$('ps').addEventListener('change',function(){size=+this.value;page=0;"
	"draw();});\n"
	"$('prev').addEventListener('click',function(){page--;draw();});\n"
	"$('next').addEventListener('click',function(){page++;draw();});\n"
	"apply();\n"
	"var m=/^#selftest(?:=(.*))?$/.exec(location.hash);if(m)selftest("
	"decodeURIComponent(m[1]||''));\n"
	"function selftest(term){var out=[],tb=$('tb');\n"
	"function first(){var c=tb.querySelector('tr');return c?"
	"c.cells[0].textContent+'|'+c.cells[1].textContent:'';}\n"
	"function th(k){return document.querySelector('#th th[data-k=\"'+k+"
	"'\"]');}\n"
	"out.push('rows_total='+rows.length);\n"
	"out.push('page_rows='+tb.rows.length);\n"
	"out.push('info='+$('info').textContent);\n"
	"$('next').click();out.push('page2_first='+first());$('prev').click();\n"
	"var ps=$('ps');ps.value='0';ps.dispatchEvent(new Event('change'));\n"
	"out.push('all_rows='+tb.rows.length);\n"
	"out.push('default_first='+first());\n"
	"th('hops').click();out.push('hops_asc_first='+first()+' sort='+"
	"th('hops').getAttribute('aria-sort'));\n"
	"th('ccap').click();out.push('ccap_asc_first='+first());\n"
	"th('ccap').click();out.push('ccap_desc_first='+first());\n"
	"var qi=$('q');qi.value=term;qi.dispatchEvent(new Event('input'));\n"
	"out.push('filter='+term+' count='+tb.rows.length);\n"
	"var names=[];for(var i=0;i<tb.rows.length;i++)names.push("
	"tb.rows[i].cells[0].textContent+'|'+tb.rows[i].cells[1].textContent);\n"
	"out.push('filter_rows='+names.join(','));\n"
	"qi.value='';qi.dispatchEvent(new Event('input'));\n"
	"function pick(id,v){var e=$(id);e.value=v;"
	"e.dispatchEvent(new Event('change'));}\n"
	"for(var k=1;k<fs.options.length;k++){pick('fam',fs.options[k].value);"
	"out.push('family='+fs.options[k].value+' count='+tb.rows.length);}\n"
	"pick('fam','');['high','medium','low'].forEach(function(v){"
	"pick('hb',v);out.push('band='+v+' count='+tb.rows.length);});"
	"pick('hb','');\n"
	"out.push('reload='+(document.documentElement.dataset.reload||0));\n"
	"out.push('selftest=done');$('selftest').textContent=out.join('\\n');}\n"
	"})();\n"
	"</script>\n";

/*
 * Today's page reloads every 5 minutes (the page knows its own date); the
 * date picker goes to the site's index, which resolves the day.
 */
static const char reload_script[] =
	"<script>\n"
	"(function(){var d=new Date(),p=function(n){return (n<10?'0':'')+n;},"
	"t=d.getFullYear()+'-'+p(d.getMonth()+1)+'-'+p(d.getDate());\n"
	"if(document.getElementById('date').textContent===t){"
	"document.documentElement.dataset.reload='300';"
	"setTimeout(function(){location.reload();},300000);}\n"
	"var k=document.getElementById('pick');if(k)k.addEventListener("
	"'change',function(){if(k.value)location.href='index.html#day:'+"
	"k.value;});})();\n"
	"</script>\n";

/* Links to the neighbouring days and the index of the published site. */
static int nav(struct ms_buf *b, const char *label)
{
	if (strlen(label) != 10)	/* a range: no neighbours */
		return 0;
	return ms_buf_printf(b, "<nav class=\"meta\" id=\"nav\"><a "
			     "id=\"nav-prev\" href=\"index.html#prev:%s\">"
			     "\u2039 previous day</a> \u00b7 <a id=\"nav-index\" "
			     "href=\"index.html\">all days</a> \u00b7 <a "
			     "id=\"nav-next\" href=\"index.html#next:%s\">"
			     "next day \u203a</a> \u00b7 <input type=\"date\" "
			     "id=\"pick\" value=\"%s\" aria-label=\"go to "
			     "day\"></nav>\n", label, label, label);
}

static const char *const mod_class[MS_MOD__COUNT] = {
	[MS_MOD_QAM64] = "c6", [MS_MOD_QAM16] = "c1",
	[MS_MOD_QPSK] = "cQ", [MS_MOD_UNKNOWN] = "cU",
};
static const enum ms_mod mod_order[] = { MS_MOD_QAM64, MS_MOD_QAM16,
					 MS_MOD_QPSK, MS_MOD_UNKNOWN };

static void hhmm(int64_t t, char out[8])
{
	struct tm tm;

	if (ms_localtime((time_t)t, &tm) < 0 ||
	    !strftime(out, 8, "%H:%M", &tm))
		snprintf(out, 8, "?");
}

/* "2025-03-30 00:00 CET": what a technician reads. */
static char *when(int64_t t, char out[40])
{
	struct tm tm;

	if (ms_localtime((time_t)t, &tm) < 0 ||
	    !strftime(out, 40, "%Y-%m-%d %H:%M %Z", &tm))
		snprintf(out, 40, "%lld", (long long)t);
	return out;
}

static int card(struct ms_buf *b, const char *label, const char *fmt, ...)
	MS_PRINTF(3, 4);

static int card(struct ms_buf *b, const char *label, const char *fmt, ...)
{
	va_list ap;
	int r;

	if ((r = ms_buf_adds(b, "<div class=\"card\"><b>")) < 0)
		return r;
	va_start(ap, fmt);
	r = ms_buf_vprintf(b, fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	return ms_buf_printf(b, "</b><span>%s</span></div>", label);
}

static int header(struct ms_buf *b, const struct ms_report_info *in)
{
	const struct ms_report_totals *t = &in->tot;
	char s[40], e[40], g[40];
	int r;

	if ((r = ms_buf_adds(b, "<title>")) < 0 ||
	    (r = ms_render_html_text(b, in->title)) < 0 ||
	    (r = ms_buf_adds(b, " ")) < 0 ||
	    (r = ms_render_html_text(b, in->label)) < 0 ||
	    (r = ms_buf_adds(b, "</title>\n")) < 0 ||
	    (r = ms_buf_adds(b, page_style)) < 0 ||
	    (r = ms_buf_adds(b, "</head><body>\n<header><h1>")) < 0 ||
	    (r = ms_render_html_text(b, in->title)) < 0 ||
	    (r = ms_buf_adds(b, " <span id=\"date\">")) < 0 ||
	    (r = ms_render_html_text(b, in->label)) < 0)
		return r;
	if ((r = ms_buf_printf(b, "</span></h1><p class=\"meta\">%s \u2013 "
			       "%s (%.0f h) \u00b7 generated %s</p>\n",
			       when(in->start, s), when(in->end, e),
			       (double)(in->end - in->start) / 3600,
			       when(in->generated_ms / 1000, g))) < 0 ||
	    (r = nav(b, in->label)) < 0 ||
	    (r = ms_buf_adds(b, "<div class=\"cards\" id=\"totals\">")) < 0 ||
	    (r = card(b, "CCAPs", "%u", t->devices)) < 0 ||
	    (r = card(b, "upstreams", "%u", t->upstreams)) < 0 ||
	    (r = card(b, "samples", "%llu",
		      (unsigned long long)t->samples)) < 0 ||
	    (r = card(b, "hops", "%llu", (unsigned long long)t->hops)) < 0 ||
	    (r = card(b, "hopping upstreams", "%u", t->hopping)) < 0 ||
	    (r = card(b, "upstreams below QAM64", "%u", t->degraded)) < 0 ||
	    (r = card(b, "hours below QAM64", "%.1f",
		      (double)t->below_secs / 3600)) < 0)
		return r;
	return ms_buf_adds(b, "</div></header>\n");
}

/* Horizontal bars of the top hoppers (the first rows, sorted by hops). */
static int hoppers(struct ms_buf *b, const struct ms_report *rep,
		   const struct ms_report_info *in)
{
	struct ms_report_line l;
	size_t i, n = 0;
	uint32_t max = 1;
	int r;

	for (i = 0; i < ms_report_count(rep) && i < in->top_n; i++) {
		ms_report_line(rep, i, &l);
		if (!l.hops)
			break;
		max = MS_MAX(max, l.hops);
		n++;
	}
	if ((r = ms_buf_adds(b, "<section><h2>Top hoppers</h2>")) < 0)
		return r;
	if (!n)
		return ms_buf_adds(b, "<p>No upstream changed modulation."
				   "</p></section>\n");
	if ((r = ms_buf_adds(b, "<div id=\"hoppers\">")) < 0)
		return r;
	for (i = 0; i < n; i++) {
		ms_report_line(rep, i, &l);
		if ((r = ms_buf_adds(b, "<div class=\"bar\"><span class=\"l\">"))
		    < 0 ||
		    (r = ms_render_html_text(b, l.device)) < 0 ||
		    (r = ms_buf_addc(b, ' ')) < 0 ||
		    (r = ms_render_html_text(b, l.upstream)) < 0 ||
		    (r = ms_buf_printf(b, "</span><svg viewBox=\"0 0 100 10\" "
				       "preserveAspectRatio=\"none\"><rect "
				       "class=\"cQ\" x=\"0\" y=\"0\" "
				       "width=\"%.2f\" height=\"10\"/></svg>"
				       "<span class=\"v\">%u</span></div>\n",
				       100.0 * l.hops / max, l.hops)) < 0)
			return r;
	}
	return ms_buf_adds(b, "</div></section>\n");
}

/* One stacked 100% bar with its legend. */
static int stacked(struct ms_buf *b, const char *label,
		   const uint64_t n[MS_MOD__COUNT], uint64_t whole)
{
	char p[MS_PCT_MAX];
	double x = 0, w;
	size_t i;
	int r;

	if ((r = ms_buf_adds(b, "<div class=\"dist\"><div>")) < 0 ||
	    (r = ms_render_html_text(b, label)) < 0 ||
	    (r = ms_buf_adds(b, "</div><svg viewBox=\"0 0 100 6\" "
			     "preserveAspectRatio=\"none\" "
			     "style=\"height:20px\">")) < 0)
		return r;
	for (i = 0; whole && i < MS_ARRAY_SIZE(mod_order); i++) {
		w = 100.0 * (double)n[mod_order[i]] / (double)whole;
		if (w > 0 && (r = ms_buf_printf(b, "<rect class=\"%s\" "
						"x=\"%.3f\" y=\"0\" width=\"%.3f\""
						" height=\"6\"/>",
						mod_class[mod_order[i]], x, w)) < 0)
			return r;
		x += w;
	}
	if ((r = ms_buf_adds(b, "</svg><div class=\"lg\">")) < 0)
		return r;
	for (i = 0; i < MS_ARRAY_SIZE(mod_order); i++) {
		enum ms_mod m = mod_order[i];

		if (m == MS_MOD_UNKNOWN && !n[m])
			continue;
		if ((r = ms_buf_printf(b, "<span><i class=\"sw %s\"></i>%s "
				       "%s%%</span>", mod_class[m],
				       ms_mod_name(m),
				       ms_render_pct(ms_report_pct(n[m], whole),
						     p))) < 0)
			return r;
	}
	return ms_buf_adds(b, "</div></div>\n");
}

static int distribution(struct ms_buf *b, const struct ms_report_info *in)
{
	char label[64];
	size_t i;
	int r;

	if ((r = ms_buf_adds(b, "<section id=\"distribution\"><h2>Modulation "
			     "of all samples</h2>")) < 0 ||
	    (r = stacked(b, "all upstreams", in->tot.n,
			 in->tot.samples)) < 0)
		return r;
	for (i = 0; i < in->n_families; i++) {
		const struct ms_report_family_sum *f = &in->families[i];

		snprintf(label, sizeof(label), "%s: %u CCAPs, %u upstreams, "
			 "%llu hops", f->name, f->devices, f->upstreams,
			 (unsigned long long)f->hops);
		if ((r = stacked(b, label, f->n, f->samples)) < 0)
			return r;
	}
	return ms_buf_adds(b, "</section>\n");
}

static int strip_runs(struct ms_buf *b, const struct ms_report_info *in,
		      const char *bins)
{
	double bin_s = (double)(in->end - in->start) / in->strip_bins;
	const char *cls;
	char t0[8], t1[8];
	unsigned i, j;
	int r;

	for (i = 0; i < in->strip_bins; i = j) {
		for (j = i + 1; j < in->strip_bins && bins[j] == bins[i]; j++)
			;
		switch (bins[i]) {
		case MS_STRIP_QAM64: cls = "c6"; break;
		case MS_STRIP_QAM16: cls = "c1"; break;
		case MS_STRIP_QPSK: cls = "cQ"; break;
		case MS_STRIP_UNKNOWN: cls = "cU"; break;
		default: cls = "cn"; break;
		}
		hhmm(in->start + (int64_t)(i * bin_s), t0);
		hhmm(in->start + (int64_t)(j * bin_s), t1);
		if ((r = ms_buf_printf(b, "<rect class=\"%s\" x=\"%u\" y=\"0\" "
				       "width=\"%u\" height=\"10\"><title>"
				       "%s\u2013%s %s</title></rect>", cls, i,
				       j - i, t0, t1,
				       !strcmp(cls, "cn") ? "no data" :
				       !strcmp(cls, "c6") ? "QAM64" :
				       !strcmp(cls, "c1") ? "QAM16" :
				       !strcmp(cls, "cQ") ? "QPSK" :
				       "UNKNOWN")) < 0)
			return r;
	}
	return 0;
}

/* Hour marks every 3 hours of elapsed time, labelled in local time. */
static int axis(struct ms_buf *b, const struct ms_report_info *in)
{
	int64_t len = in->end - in->start, off;
	char t[8];
	int r;

	if ((r = ms_buf_adds(b, "<div class=\"axis\">")) < 0)
		return r;
	for (off = 0; off <= len; off += 3 * 3600) {
		hhmm(in->start + off, t);
		if ((r = ms_buf_printf(b, "<span style=\"left:%.2f%%\">%s"
				       "</span>", 100.0 * (double)off /
				       (double)len, off == len ? "" : t)) < 0)
			return r;
	}
	return ms_buf_adds(b, "</div>\n");
}

static int timelines(struct ms_buf *b, const struct ms_report_info *in)
{
	size_t i;
	int r;

	if (!in->n_strips)
		return 0;
	if ((r = ms_buf_adds(b, "<section id=\"timelines\"><h2>When it "
			     "happened: the worst upstreams</h2><div "
			     "class=\"lg\"><span><i class=\"sw c6\"></i>QAM64"
			     "</span><span><i class=\"sw c1\"></i>QAM16</span>"
			     "<span><i class=\"sw cQ\"></i>QPSK</span><span>"
			     "<i class=\"sw cU\"></i>UNKNOWN</span><span><i "
			     "class=\"sw cn\"></i>no data</span></div>\n")) < 0)
		return r;
	for (i = 0; i < in->n_strips; i++) {
		const struct ms_report_strip *s = &in->strips[i];

		if ((r = ms_buf_adds(b, "<div class=\"strip\"><div>")) < 0 ||
		    (r = ms_render_html_text(b, s->device)) < 0 ||
		    (r = ms_buf_addc(b, ' ')) < 0 ||
		    (r = ms_render_html_text(b, s->upstream)) < 0 ||
		    (r = ms_buf_printf(b, ": %u hops, %.1f h below QAM64</div>"
				       "<svg viewBox=\"0 0 %u 10\" "
				       "preserveAspectRatio=\"none\">",
				       s->hops, s->below_secs / 3600.0,
				       in->strip_bins)) < 0 ||
		    (r = strip_runs(b, in, s->bins)) < 0 ||
		    (r = ms_buf_adds(b, "</svg>")) < 0 ||
		    (r = axis(b, in)) < 0 ||
		    (r = ms_buf_adds(b, "</div>\n")) < 0)
			return r;
	}
	return ms_buf_adds(b, "</section>\n");
}

static int degraded(struct ms_buf *b, const struct ms_report_info *in)
{
	size_t i;
	int r;

	if (!in->n_degraded)
		return 0;
	if ((r = ms_buf_adds(b, "<section><h2>CCAPs with the most upstreams "
			     "below QAM64</h2><div class=\"tw\"><table "
			     "id=\"degraded\"><thead><tr><th>CCAP</th><th>"
			     "Family</th><th class=\"n\">Below QAM64"
			     "</th><th class=\"n\">Upstreams</th><th "
			     "class=\"n\">Hops</th></tr></thead><tbody>")) < 0)
		return r;
	for (i = 0; i < in->n_degraded; i++) {
		const struct ms_report_device_sum *d = &in->degraded[i];

		if ((r = ms_buf_adds(b, "<tr><td>")) < 0 ||
		    (r = ms_render_html_text(b, d->device)) < 0 ||
		    (r = ms_buf_adds(b, "</td><td>")) < 0 ||
		    (r = ms_render_html_text(b, d->family)) < 0 ||
		    (r = ms_buf_printf(b, "</td><td class=\"n\">%u</td><td "
				       "class=\"n\">%u</td><td class=\"n\">"
				       "%llu</td></tr>", d->degraded,
				       d->upstreams,
				       (unsigned long long)d->hops)) < 0)
			return r;
	}
	return ms_buf_adds(b, "</tbody></table></div></section>\n");
}

/* One row of the nodes table: a node (ups NULL) or one of its upstreams. */
static int node_row(struct ms_buf *b, const struct ms_report_node_sum *s,
		    const struct ms_report_node_up *u)
{
	char label[MS_NODE_LABEL_MAX], d[MS_DUR_MAX];
	uint64_t below = u ? u->below_secs : s->below_secs;
	int r;

	if (u)
		r = ms_buf_adds(b, "<tr class=\"nu\"><td></td><td>");
	else
		r = ms_buf_adds(b, "<tr class=\"nd\"><td><b>");
	if (r < 0)
		return r;
	if (u && ((r = ms_render_html_text(b, u->device)) < 0 ||
		  (r = ms_buf_addc(b, ' ')) < 0 ||
		  (r = ms_render_html_text(b, u->upstream)) < 0))
		return r;
	if (!u && ((r = ms_render_html_text(b, ms_render_node_label(s,
								label))) < 0 ||
		   (r = ms_buf_printf(b, "</b></td><td>%zu upstream%s",
				      s->n_ups, s->n_ups == 1 ? "" : "s")) < 0))
		return r;
	return ms_buf_printf(b, "</td><td class=\"n\" data-s=\"%llu\">%s</td>"
			     "<td class=\"n\">%llu</td><td>%s</td></tr>",
			     (unsigned long long)below, ms_render_dur(below, d),
			     (unsigned long long)(u ? u->hops : s->hops),
			     u ? ms_mod_name(u->worst) : "");
}

/*
 * Nodes to visit, worst first, each followed by its upstreams; one line
 * when no node degraded or no node map covers the period.
 */
static int nodes(struct ms_buf *b, const struct ms_report_info *in)
{
	size_t i, k, n = MS_MIN(in->n_nodes, (size_t)in->top_n);
	int r;

	if ((r = ms_buf_adds(b, "<section id=\"nodes\"><h2>Nodes to visit"
			     "</h2>")) < 0)
		return r;
	if (!in->node_map || !n)
		return ms_buf_printf(b, "<p class=\"empty\" id=\"nodes-none\">"
				     "%s</p></section>\n", !in->node_map ?
				     "No node map covers this period "
				     "(NODES_FILE, NODES_SQL)." :
				     "No node degraded: no upstream spent time "
				     "below QAM64 or hopped.");
	if ((r = ms_buf_adds(b, "<div class=\"tw\"><table id=\"nodes-table\">"
			     "<thead><tr><th>Node</th><th>Upstreams</th><th "
			     "class=\"n\">Below QAM64</th><th class=\"n\">"
			     "Hops</th><th>Worst</th></tr></thead>")) < 0)
		return r;
	for (i = 0; i < n; i++) {
		const struct ms_report_node_sum *s = &in->nodes[i];

		if ((r = ms_buf_adds(b, "<tbody>")) < 0 ||
		    (r = node_row(b, s, NULL)) < 0)
			return r;
		for (k = 0; k < s->n_ups; k++) {
			if ((r = node_row(b, s, &s->ups[k])) < 0)
				return r;
		}
		if ((r = ms_buf_adds(b, "</tbody>")) < 0)
			return r;
	}
	if ((r = ms_buf_adds(b, "</table></div>")) < 0)
		return r;
	if (in->n_nodes > n &&
	    (r = ms_buf_printf(b, "<p class=\"meta\" id=\"nodes-more\">%zu "
			       "more nodes degraded; the table below names "
			       "each upstream's node.</p>", in->n_nodes - n)) < 0)
		return r;
	return ms_buf_adds(b, "</section>\n");
}

static const char table_html[] =
	"<section><h2>All upstreams</h2>\n"
	"<div class=\"tools\"><input id=\"q\" type=\"search\" "
	"placeholder=\"Filter by CCAP, upstream, node or family\" "
	"aria-label=\"filter\"><select id=\"fam\" aria-label=\"family\">"
	"<option value=\"\">all families</option></select>"
	"<select id=\"hb\" aria-label=\"hops\"><option value=\"\">all hops"
	"</option><option value=\"high\">hops &gt; 50</option>"
	"<option value=\"medium\">hops 10\u201350</option>"
	"<option value=\"low\">hops &lt; 10</option></select>"
	"<select id=\"ps\" aria-label=\"rows per page\">"
	"<option value=\"25\">25</option><option value=\"50\" selected>50"
	"</option><option value=\"200\">200</option><option value=\"0\">all"
	"</option></select><button id=\"prev\" type=\"button\">\u2039 prev"
	"</button><span id=\"info\"></span><button id=\"next\" type=\"button\">"
	"next \u203a</button></div>\n"
	"<div class=\"tw\"><table id=\"rows\"><thead><tr id=\"th\"></tr></thead>"
	"<tbody id=\"tb\"></tbody></table></div>\n"
	"<noscript><p>The table needs JavaScript; the CSV has the same rows."
	"</p></noscript></section>\n<pre id=\"selftest\"></pre>\n";

/* The JSON document, made safe inside <script>: no "<" can close it. */
static int embed_json(struct ms_buf *b, const struct ms_report *rep,
		      struct ms_err *err)
{
	struct ms_buf j;
	size_t i, run;
	int r;

	ms_buf_init(&j, MS_RENDER_MAX);
	if ((r = ms_render_json(rep, &j, err)) < 0)
		goto out;
	if ((r = ms_buf_adds(b, "<script type=\"application/json\" "
			     "id=\"data\">")) < 0)
		goto out;
	for (i = 0; i < j.len; i += run) {
		run = strcspn(j.p + i, "<>&");
		if ((r = ms_buf_add(b, j.p + i, run)) < 0)
			goto out;
		if (i + run == j.len)
			break;
		/* Only inside strings: \u escapes mean the same text. */
		if ((r = ms_buf_printf(b, "\\u%04x", j.p[i + run])) < 0)
			goto out;
		run++;
	}
	r = ms_buf_adds(b, "</script>\n");
out:
	ms_buf_release(&j);
	return r;
}

int ms_render_html_footer(struct ms_buf *b, const char *footer)
{
	int r;

	if (!*footer)
		return 0;
	if ((r = ms_buf_adds(b, "<footer class=\"meta\" id=\"footer\">")) < 0 ||
	    (r = ms_render_html_text(b, footer)) < 0)
		return r;
	return ms_buf_adds(b, "</footer>\n");
}

int ms_render_html(const struct ms_report *rep, struct ms_buf *out,
		   struct ms_err *err)
{
	const struct ms_report_info *in = ms_report_info(rep);
	int r;

	if ((r = ms_buf_adds(out, page_head)) < 0 ||
	    (r = header(out, in)) < 0 ||
	    (r = ms_buf_adds(out, reload_script)) < 0)
		goto fail;
	if (!in->tot.samples) {
		r = ms_buf_adds(out, "<p class=\"empty\" id=\"nodata\">No "
				"samples were recorded in this period.</p>\n");
	} else if ((r = nodes(out, in)) >= 0 &&
		   (r = hoppers(out, rep, in)) >= 0 &&
		   (r = ms_buf_adds(out, "<div class=\"grid\">")) >= 0 &&
		   (r = distribution(out, in)) >= 0 &&
		   (r = degraded(out, in)) >= 0 &&
		   (r = ms_buf_adds(out, "</div>\n")) >= 0 &&
		   (r = timelines(out, in)) >= 0) {
		r = ms_buf_adds(out, table_html);
	}
	if (r < 0)
		goto fail;
	if ((r = embed_json(out, rep, err)) < 0)
		goto fail;
	if (in->tot.samples && (r = ms_buf_adds(out, page_script)) < 0)
		goto fail;
	if ((r = ms_render_html_footer(out, in->footer)) < 0 ||
	    (r = ms_buf_adds(out, "</body></html>\n")) < 0)
		goto fail;
	return 0;
fail:
	return ms_err_set(err, r, "html report: %s", ms_strerror(r));
}
