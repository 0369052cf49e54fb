/*
 * Unit tests of the report's nodes: a node map with a change in the middle
 * of the day and overlapping rows, each channel's time below QAM64 and
 * hops split between its nodes (figures worked out by hand in the
 * comments), the ranking of the nodes to visit, and the node in the CSV,
 * JSON, HTML and mail.
 */
#include "report_node.h"
#include "render.h"
#include "report_mail.h"
#include "harness.h"

#include <cjson/cJSON.h>

/* 2025-03-10 00:00 UTC */
static const int64_t DAY = 1741564800;
#define H(h, m) (DAY + (h) * 3600 + (m) * 60)

static void use_utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

/*
 * CCAP1 1/0 moves from FN-A to FN-B at 12:00; 1/1 is on FN-A all day,
 * 1/2 on no node; CCAP2 2/0 on FN-B; 2/1 has two rows in force at once
 * from 06:00 (FN-C from 00:00, FN-D from 06:00): the later one wins.
 */
static struct ms_node_map *the_map(void)
{
	struct ms_node_map *m = ms_node_map_new();

	if (!m ||
	    ms_node_map_add(m, "CCAP2", "2/1", "FN-D", H(6, 0),
			    INT64_MAX) < 0 ||
	    ms_node_map_add(m, "CCAP1", "1/0", "FN-B", H(12, 0),
			    INT64_MAX) < 0 ||
	    ms_node_map_add(m, "CCAP1", "1/0", "FN-A", DAY - 86400,
			    H(12, 0)) < 0 ||
	    ms_node_map_add(m, "CCAP1", "1/1", "FN-A", DAY - 1000,
			    INT64_MAX) < 0 ||
	    ms_node_map_add(m, "CCAP2", "2/0", "FN-B", DAY, INT64_MAX) < 0 ||
	    ms_node_map_add(m, "CCAP2", "2/1", "FN-C", DAY, INT64_MAX) < 0) {
		ms_node_map_free(m);
		return NULL;
	}
	return m;
}

static const struct {
	const char *dev, *up;
	int h, m;
	enum ms_mod mod;
} samples[] = {
	{ "CCAP1", "1/0", 11, 40, MS_MOD_QAM64 },
	{ "CCAP1", "1/0", 11, 50, MS_MOD_QPSK },
	{ "CCAP1", "1/0", 12, 5, MS_MOD_QAM16 },
	{ "CCAP1", "1/0", 12, 10, MS_MOD_QAM64 },
	{ "CCAP1", "1/1", 8, 0, MS_MOD_QAM16 },
	{ "CCAP1", "1/1", 8, 10, MS_MOD_QAM64 },
	{ "CCAP1", "1/2", 9, 0, MS_MOD_QPSK },
	{ "CCAP2", "2/0", 10, 0, MS_MOD_QAM64 },
	{ "CCAP2", "2/0", 10, 5, MS_MOD_QAM64 },
	{ "CCAP2", "2/1", 5, 50, MS_MOD_QAM16 },
	{ "CCAP2", "2/1", 6, 10, MS_MOD_QAM64 },
};

static struct ms_report *day(struct ms_node_map *map, bool legacy_hops)
{
	struct ms_report_opts o = { .label = "2025-03-10",
				    .legacy_hops = legacy_hops,
				    .generated_ms = (DAY + 86400) * 1000 };
	struct ms_report *rep = ms_report_begin(DAY, DAY + 86400, &o);
	size_t i;
	int r = rep ? 0 : -1;

	if (rep && map)
		r = ms_report_set_nodes(rep, map);
	else
		ms_node_map_free(map);
	for (i = 0; r == 0 && i < MS_ARRAY_SIZE(samples); i++)
		r = ms_report_row(rep, samples[i].dev, samples[i].up,
				  H(samples[i].h, samples[i].m), 202,
				  samples[i].mod, NULL);
	if (r < 0 || ms_report_end(rep, NULL) < 0) {
		ms_report_free(rep);
		return NULL;
	}
	return rep;
}

static const char *column(const struct ms_report *rep, const char *dev,
			  const char *up)
{
	struct ms_report_line l;
	size_t i;

	for (i = 0; i < ms_report_count(rep); i++) {
		ms_report_line(rep, i, &l);
		if (!strcmp(l.device, dev) && !strcmp(l.upstream, up))
			return l.node;
	}
	return "(missing)";
}

static void test_columns(const struct ms_report *rep)
{
	is_str(column(rep, "CCAP1", "1/0"), "FN-A, FN-B",
	       "1/0 was on FN-A, then on FN-B");
	is_str(column(rep, "CCAP1", "1/1"), "FN-A", "1/1 is on FN-A");
	is_str(column(rep, "CCAP1", "1/2"), "", "1/2 has no node");
	is_str(column(rep, "CCAP2", "2/0"), "FN-B", "2/0 is on FN-B");
	is_str(column(rep, "CCAP2", "2/1"), "FN-C, FN-D",
	       "2/1: FN-C until the later row FN-D starts at 06:00");
}

/*
 * 1/0: 11:40-11:50 QAM64, 11:50-12:05 QPSK (600 s on FN-A, 300 s on
 * FN-B), 12:05-12:10 QAM16 (FN-B), then QAM64 for max_gap; hops at 11:50
 * (FN-A), 12:05 and 12:10 (FN-B).  1/1: 600 s QAM16 and a hop at 08:10 on
 * FN-A.  1/2: one QPSK sample holds 1200 s, no node.  2/1: 05:50-06:10
 * QAM16, 600 s on FN-C and 600 s on FN-D, its hop at 06:10 on FN-D.
 * FN-A 1200 s and 2 hops ranks before "no node (CCAP1)" 1200 s and 0 hops;
 * FN-B (600 s, 2), FN-D (600 s, 1), FN-C (600 s, 0) follow.
 */
static const struct {
	const char *node, *dev;
	uint64_t below, hops;
	size_t n_ups;
} want_nodes[] = {
	{ "FN-A", NULL, 1200, 2, 2 },
	{ NULL, "CCAP1", 1200, 0, 1 },
	{ "FN-B", NULL, 600, 2, 1 },
	{ "FN-D", NULL, 600, 1, 1 },
	{ "FN-C", NULL, 600, 0, 1 },
};

static void test_ranking(const struct ms_report *rep)
{
	const struct ms_report_info *in = ms_report_info(rep);
	const struct ms_report_node_sum *s;
	size_t i;

	ok(in->node_map, "a node map covers the day");
	is_int(in->n_nodes, MS_ARRAY_SIZE(want_nodes), "five nodes to visit "
	       "(FN-B's clean 2/0 adds nothing)");
	for (i = 0; i < MS_ARRAY_SIZE(want_nodes) && i < in->n_nodes; i++) {
		s = &in->nodes[i];
		ok(!s->node == !want_nodes[i].node &&
		   (s->node ? !strcmp(s->node, want_nodes[i].node)
			    : !strcmp(s->device, want_nodes[i].dev)) &&
		   s->below_secs == want_nodes[i].below &&
		   s->hops == want_nodes[i].hops &&
		   s->n_ups == want_nodes[i].n_ups,
		   "node %zu: %s, %llu s below QAM64, %llu hops", i,
		   want_nodes[i].node ? want_nodes[i].node : "no node",
		   (unsigned long long)want_nodes[i].below,
		   (unsigned long long)want_nodes[i].hops);
	}
	if (in->n_nodes < 3)
		return;
	s = &in->nodes[0];
	ok(!strcmp(s->ups[0].upstream, "1/0") && s->ups[0].below_secs == 600 &&
	   s->ups[0].hops == 1 && s->ups[0].worst == MS_MOD_QPSK &&
	   !strcmp(s->ups[1].upstream, "1/1") && s->ups[1].below_secs == 600 &&
	   s->ups[1].hops == 1 && s->ups[1].worst == MS_MOD_QAM16,
	   "FN-A's upstreams: 1/0 (600 s, 1 hop, QPSK), 1/1 (600 s, 1 hop, "
	   "QAM16)");
	s = &in->nodes[2];
	ok(s->ups[0].below_secs == 600 && s->ups[0].hops == 2 &&
	   s->ups[0].worst == MS_MOD_QPSK,
	   "1/0 on FN-B: 300 s QPSK + 300 s QAM16, 2 hops, worst QPSK");
	is_int(in->tot.below_secs, 4200, "the nodes' time adds up to the "
	       "day's 4200 s below QAM64");
}

static void test_outputs(const struct ms_report *rep)
{
	struct ms_buf b;
	cJSON *doc, *v;

	ms_buf_init(&b, 1 << 20);
	is_int(ms_render_csv(rep, MS_CSV_RFC4180, &b, NULL), 0, "RFC 4180 CSV");
	ok(strstr(b.p, "\r\nCCAP1,1/0,other,3,50.0,25.0,25.0,0.0,4,1200,"
		  "\"FN-A, FN-B\"\r\n") != NULL,
	   "the node column, quoted for its comma");
	ok(strstr(b.p, "\r\nCCAP1,1/2,other,0,0.0,0.0,100.0,0.0,1,1200,\r\n")
	   != NULL, "an empty node column");
	ms_buf_reset(&b);
	is_int(ms_render_csv(rep, MS_CSV_LEGACY, &b, NULL), 0, "legacy CSV");
	ok(!strstr(b.p, "FN-"), "the ;-separated CSV has no node");
	ms_buf_reset(&b);
	is_int(ms_render_json(rep, &b, NULL), 0, "JSON");
	doc = cJSON_Parse(b.p);
	v = cJSON_GetObjectItem(doc, "nodes_to_visit");
	ok(cJSON_GetArraySize(v) == 5 &&
	   !strcmp(cJSON_GetObjectItem(cJSON_GetArrayItem(v, 0), "node")
		   ->valuestring, "FN-A") &&
	   cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(v, 1),
					    "node")),
	   "JSON: nodes_to_visit, null for no node");
	v = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "rows"), 0);
	ok(v && !strcmp(cJSON_GetObjectItem(v, "node")->valuestring,
			"FN-A, FN-B"), "JSON: the rows carry the node");
	cJSON_Delete(doc);
	ms_buf_reset(&b);
	is_int(ms_render_html(rep, &b, NULL), 0, "HTML");
	ok(strstr(b.p, "<section id=\"nodes\"><h2>Nodes to visit</h2>") &&
	   strstr(b.p, "<tr class=\"nd\"><td><b>no node (CCAP1)</b></td><td>"
		  "1 upstream</td><td class=\"n\" data-s=\"1200\">20m</td>"),
	   "HTML: the nodes table");
	ms_buf_reset(&b);
	is_int(ms_report_mail_body(rep, &b), 0, "mail body");
	ok(strstr(b.p, "\nNodes to visit (time below QAM64, hops):\n  FN-A ") &&
	   strstr(b.p, "\n    CCAP1                1/0                  "
		  "        10m      1 hops  worst QPSK\n"),
	   "mail: the nodes with their upstreams");
	ms_buf_release(&b);
}

/* The mail and the page say it in one line: mail_line, html_text. */
static void one_line(const struct ms_report *rep, const char *mail_line,
		     const char *html_text, const char *why)
{
	struct ms_buf b;

	ms_buf_init(&b, 1 << 20);
	ms_report_mail_body(rep, &b);
	ok(strstr(b.p, mail_line) != NULL, "mail: one line %s", why);
	ms_buf_reset(&b);
	ms_render_html(rep, &b, NULL);
	ok(strstr(b.p, html_text) != NULL, "HTML: one line %s", why);
	ms_buf_release(&b);
}

static void test_no_map(void)
{
	struct ms_report *rep = day(NULL, false);
	const struct ms_report_info *in = rep ? ms_report_info(rep) : NULL;

	ok(in && !in->node_map && !in->n_nodes, "without a map: no nodes");
	if (!rep)
		return;
	is_str(column(rep, "CCAP1", "1/0"), "", "without a map: no column");
	one_line(rep, "\nNodes to visit: no node map covers this period.\n",
		 "id=\"nodes-none\">No node map covers", "without a map");
	ms_report_free(rep);
}

/* A map whose only row is elsewhere: no node degraded. */
static void test_clean(void)
{
	struct ms_node_map *m = ms_node_map_new();
	struct ms_report *rep;

	if (m)
		ms_node_map_add(m, "CCAP9", "9/9", "FN-Z", DAY, INT64_MAX);
	rep = day(m, false);
	ok(rep && ms_report_info(rep)->node_map &&
	   ms_report_info(rep)->n_nodes == 2 &&
	   !strcmp(ms_report_info(rep)->nodes[0].device, "CCAP1") &&
	   ms_report_info(rep)->nodes[0].n_ups == 3 &&
	   ms_report_info(rep)->nodes[0].below_secs == 3000,
	   "upstreams without a node group by CCAP: CCAP1's three "
	   "(1200 + 600 + 1200 s), then CCAP2's 2/1");
	ms_report_free(rep);
	m = ms_node_map_new();
	if (m)
		ms_node_map_add(m, "CCAP2", "2/0", "FN-Z", DAY, INT64_MAX);
	rep = ms_report_begin(DAY, DAY + 86400, NULL);
	if (rep && m && ms_report_set_nodes(rep, m) == 0 &&
	    ms_report_row(rep, "CCAP2", "2/0", H(1, 0), 202, MS_MOD_QAM64,
			  NULL) == 0 && ms_report_end(rep, NULL) == 0)
		one_line(rep, "\nNodes to visit: none, no node degraded.\n",
			 "id=\"nodes-none\">No node degraded",
			 "when no node degraded");
	else
		ok(0, "a clean day with a map");
	ms_report_free(rep);
}

static void test_legacy_hops(void)
{
	struct ms_report *rep = day(the_map(), true);
	const struct ms_report_info *in = rep ? ms_report_info(rep) : NULL;
	uint64_t hops = 0;
	size_t i;

	for (i = 0; in && i < in->n_nodes; i++)
		hops += in->nodes[i].hops;
	/* each channel gets one more hop, on its first sample's node;
	 * 2/0's (FN-B, 10:00) makes the clean 2/0 an entry of FN-B */
	ok(in && hops == in->tot.hops, "legacy hops: the nodes' hops add up "
	   "to the day's (%llu)", (unsigned long long)hops);
	ms_report_free(rep);
}

static void test_map_rules(void)
{
	struct ms_node_map *m = ms_node_map_new();
	struct ms_report *rep = ms_report_begin(DAY, DAY + 86400, NULL);
	char big[300];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	is_int(ms_node_map_add(m, "D", "U", "", DAY, DAY + 1), MS_E_INVAL,
	       "an empty node is refused");
	is_int(ms_node_map_add(m, "D", "U", "N", DAY, DAY), MS_E_INVAL,
	       "a row ending where it starts is refused");
	is_int(ms_node_map_add(m, "D", "U", big, DAY, DAY + 1), MS_E_TOOBIG,
	       "a node name past MS_NODE_MAX is refused");
	ms_report_row(rep, "D", "U", DAY, 202, MS_MOD_QAM64, NULL);
	is_int(ms_report_set_nodes(rep, m), MS_E_INVAL,
	       "the map comes before the first row");
	ms_report_free(rep);
}

static void test_dur(void)
{
	static const struct {
		uint64_t s;
		const char *want;
	} t[] = { { 0, "0s" }, { 45, "45s" }, { 60, "1m" }, { 89, "1m" },
		  { 90, "2m" }, { 3569, "59m" }, { 3570, "1h 00m" },
		  { 7500, "2h 05m" }, { 90000, "25h 00m" } };
	char out[MS_DUR_MAX];
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++)
		is_str(ms_render_dur(t[i].s, out), t[i].want, "%llu s is %s",
		       (unsigned long long)t[i].s, t[i].want);
}

int main(void)
{
	struct ms_report *rep;

	use_utc();
	test_dur();
	rep = day(the_map(), false);
	ok(rep != NULL, "the day with its node map");
	if (rep) {
		test_columns(rep);
		test_ranking(rep);
		test_outputs(rep);
	}
	ms_report_free(rep);
	test_no_map();
	test_clean();
	test_legacy_hops();
	test_map_rules();
	return done_testing();
}
