/* Unit tests of the upstream -> node map and the NODES_FILE parser. */
#include "nodemap.h"
#include "harness.h"

static const char good[] =
	"# upstream -> node\n"
	"CCAP201 1/0/0/0 FN-0412\n"
	"\n"
	"   # indented comment\n"
	"CCAP201\t1/0/0/1   FN-0412   Main St. cabinet #4  \r\n"
	"CCAP001 5/0/0 FN-0007 x\n"
	"CCAP001 5/0/1 FN-0008";

struct bad {
	const char *text;
	const char *msg;
};

static const struct bad bad[] = {
	{ "CCAP201 1/0/0/0\n", "n.txt:1: expected CCAP UPSTREAM NODE "
	  "[DESCRIPTION]" },
	{ "# c\nA 1/0 N\nA 1/0 M\n", "n.txt:3: 'A 1/0' is mapped twice" },
	{ "A 1/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0 N\n",
	  "n.txt:1: upstream name too long" },
	{ "A 1/0 N bell\a\n", "n.txt:1: bad description" },
	{ "A 1/0 N caf\xe9\n", "n.txt:1: bad description" },
	{ "A 1/0 \xc3\xa9 caf\xc3\xa9\nA 1/0/\xff N\n",
	  "n.txt:2: bad upstream name" },
	{ "\nA 1/0 0123456789012345678901234567890123456789012345678901234567"
	  "890123\n", "n.txt:2: node name too long" },
};

static void test_parse(void)
{
	struct ms_nodemap m;
	const struct ms_node *n;
	struct ms_err err;
	size_t i;
	int r;

	ms_nodemap_init(&m);
	r = ms_nodemap_parse(&m, "nodes.txt", good, strlen(good), &err);
	is_int(r, 4, "four mappings, comments and blank lines skipped");
	n = ms_nodemap_find(&m, "CCAP201", "1/0/0/1");
	ok(n && !strcmp(n->node, "FN-0412") &&
	   !strcmp(n->descr, "Main St. cabinet #4") &&
	   n->source == MS_NODE_SRC_FILE,
	   "the description is the rest of the line, '#' included, trimmed");
	n = ms_nodemap_find(&m, "CCAP201", "1/0/0/0");
	ok(n && !strcmp(n->descr, ""), "no description: empty");
	n = ms_nodemap_find(&m, "CCAP001", "5/0/1");
	ok(n && !strcmp(n->node, "FN-0008"), "a last line without newline");
	ok(!ms_nodemap_find(&m, "CCAP001", "5/0/2"), "unmapped: NULL");
	ok(!ms_nodemap_find(&m, "CCAP00", "15/0/1"),
	   "the pair is matched, not the joined text");
	ms_nodemap_release(&m);
	for (i = 0; i < MS_ARRAY_SIZE(bad); i++) {
		ms_nodemap_init(&m);
		r = ms_nodemap_parse(&m, "n.txt", bad[i].text,
				     strlen(bad[i].text), &err);
		is_int(r, MS_E_PARSE, "bad file %zu refused", i);
		is_str(err.msg, bad[i].msg, "bad file %zu: file:line and why",
		       i);
		ms_nodemap_release(&m);
	}
}

static void test_put_merge(void)
{
	struct ms_nodemap conf, dev;
	struct ms_node n = { "CCAP201", "1/0/0/0", "FN-1", "", 0 };
	const struct ms_node *f;
	struct ms_err err;

	ms_nodemap_init(&conf);
	ms_nodemap_init(&dev);
	is_int(ms_nodemap_add(&conf, &n, &err), 1, "added");
	n.node = "FN-2";
	is_int(ms_nodemap_add(&conf, &n, &err), 0, "add keeps the first");
	ok(!strcmp(ms_nodemap_find(&conf, "CCAP201", "1/0/0/0")->node,
		   "FN-1"), "and its node");
	n.source = MS_NODE_SRC_DEVICE;
	n.descr = "FN-2 ring B";
	is_int(ms_nodemap_put(&dev, &n, &err), 1, "put adds");
	is_int(ms_nodemap_put(&dev, &n, &err), 0, "put of the same: 0");
	n.node = "FN-3";
	is_int(ms_nodemap_put(&dev, &n, &err), 1, "put replaces");
	f = ms_nodemap_find(&dev, "CCAP201", "1/0/0/0");
	ok(f && !strcmp(f->node, "FN-3") && dev.n == 1, "one mapping, new");
	n.upstream = "1/0/0/1";
	is_int(ms_nodemap_put(&dev, &n, &err), 1, "another upstream");
	is_int(ms_nodemap_merge(&conf, &dev, &err), 1,
	       "merge adds only what the first map lacks");
	f = ms_nodemap_find(&conf, "CCAP201", "1/0/0/0");
	ok(f && f->source == MS_NODE_SRC_FILE, "the file wins");
	f = ms_nodemap_find(&conf, "CCAP201", "1/0/0/1");
	ok(f && f->source == MS_NODE_SRC_DEVICE &&
	   !strcmp(f->descr, "FN-2 ring B"), "the device fills the gaps");
	n.node = "FN 4";
	is_int(ms_nodemap_add(&conf, &n, &err), MS_E_INVAL,
	       "a node with a blank is refused");
	is_str(err.msg, "bad node name", "and named");
	is_str(ms_node_src_name(MS_NODE_SRC_SQL), "sql", "source names");
	ms_nodemap_release(&conf);
	ms_nodemap_release(&dev);
}

enum { DEVS = 1000, UPS = 16 };

struct names {
	char dev[32], up[48], node[32];
};

/* The names of upstream u of device d. */
static void name(struct names *x, size_t d, size_t u)
{
	snprintf(x->dev, sizeof(x->dev), "CCAP%04zu", d);
	snprintf(x->up, sizeof(x->up), "%zu/0/%zu", u / 4, u % 4);
	snprintf(x->node, sizeof(x->node), "FN-%zu", d * UPS + u);
}

/* Mappings of the grid whose node is not as expected: every third
 * device's are expected to be gone when dropped is set. */
static size_t check_grid(const struct ms_nodemap *m, bool dropped)
{
	const struct ms_node *f;
	struct names x;
	size_t d, u, wrong = 0;

	for (d = 0; d < DEVS; d++)
		for (u = 0; u < UPS; u++) {
			name(&x, d, u);
			f = ms_nodemap_find(m, x.dev, x.up);
			if (dropped && d % 3 == 0 ? f != NULL
			    : !f || strcmp(f->node, x.node))
				wrong++;
		}
	return wrong;
}

static void test_many(void)
{
	struct ms_nodemap m;
	struct ms_node n = { 0 };
	struct names x;
	size_t d, u, wrong = 0;

	ms_nodemap_init(&m);
	n.device = x.dev;
	n.upstream = x.up;
	n.node = x.node;
	for (d = 0; d < DEVS; d++)
		for (u = 0; u < UPS; u++) {
			name(&x, d, u);
			if (ms_nodemap_add(&m, &n, NULL) != 1)
				wrong++;
		}
	is_int(wrong, 0, "16,000 mappings added");
	is_int(check_grid(&m, false), 0,
	       "each finds its own node as the map grew");
	ok(m.nslot >= 2 * m.n, "the hash stays at most half full");
	for (d = 0; d < DEVS; d += 3)	/* every third device leaves */
		for (u = 0; u < UPS; u++) {
			name(&x, d, u);
			if (ms_nodemap_drop(&m, x.dev, x.up) != 1)
				wrong++;
		}
	is_int(wrong, 0, "dropped the upstreams of 334 devices");
	is_int(ms_nodemap_drop(&m, "CCAP0000", "0/0/0"), 0,
	       "dropping one twice finds nothing");
	is_int(m.n, (DEVS - 334) * UPS, "the others remain");
	is_int(check_grid(&m, true), 0,
	       "each remaining one finds its node, no dropped one");
	ms_nodemap_release(&m);
	ok(!ms_nodemap_find(&m, "CCAP0001", "0/0/1"), "released: empty");
}

int main(void)
{
	test_parse();
	test_put_merge();
	test_many();
	return done_testing();
}
