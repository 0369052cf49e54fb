/* Unit tests of the node of each upstream in the plant state. */
#include "plant.h"
#include "harness.h"

static struct ms_sample sample(const char *up, int64_t t)
{
	struct ms_sample s;

	memset(&s, 0, sizeof(s));
	snprintf(s.device, sizeof(s.device), "CCAP201");
	snprintf(s.upstream, sizeof(s.upstream), "%s", up);
	s.mod = MS_MOD_QAM64;
	s.time = t;
	return s;
}

static const char *node_of(const struct ms_plant *p, const char *up)
{
	size_t i;

	for (i = 0; p->ndevs && i < p->devs[0].nups; i++)
		if (!strcmp(p->devs[0].ups[i].name, up))
			return p->devs[0].ups[i].node;
	return NULL;
}

int main(void)
{
	struct ms_sample s[3] = { sample("1/0/0/0", 100),
				  sample("1/0/0/1", 100),
				  sample("1/0/1/0", 100) };
	struct ms_node file = { "CCAP201", "1/0/0/1", "FN-FILE", "", 0 };
	struct ms_descrlist descr;
	struct ms_nodemap map;
	struct ms_nodesnap *snap;
	struct ms_plant p;

	ms_plant_init(&p, 1200);
	ms_nodemap_init(&map);
	ms_descrlist_init(&descr);
	ms_nodemap_add(&map, &file, NULL);
	ms_descrlist_add(&descr, "1/0/0", 5, "FN-0412 Main St", 15);
	ms_descrlist_add(&descr, "1/0/1", 5, "\xff", 1);
	is_int(ms_plant_scan(&p, "CCAP201", s, 3, true, 100000), 0, "scan");
	is_int(ms_plant_nodes(&p, "CCAP201", &map, &descr, true), 0,
	       "nodes");
	is_str(node_of(&p, "1/0/0/0"), "FN-0412",
	       "the domain's description: its first word");
	is_str(node_of(&p, "1/0/0/1"), "FN-FILE", "the file wins");
	is_str(node_of(&p, "1/0/1/0"), "",
	       "a description that is not UTF-8: no node");
	is_int(p.seen.n, 2, "two upstreams learnt from the device");
	ok(ms_nodemap_find(&p.seen, "CCAP201", "1/0/0/0") &&
	   !strcmp(ms_nodemap_find(&p.seen, "CCAP201", "1/0/0/0")->descr,
		   "FN-0412 Main St"), "with the whole description");
	is_int(ms_plant_nodes(&p, "CCAP201", &map, NULL, false), 0,
	       "a failed scan");
	is_str(node_of(&p, "1/0/0/0"), "FN-0412", "keeps what was learnt");
	ms_nodemap_release(&map);
	ms_nodemap_init(&map);
	ms_plant_renode(&p, &map);
	is_str(node_of(&p, "1/0/0/1"), "FN-0412",
	       "the file's mapping gone: the description's");
	snap = ms_plant_nodesnap(&p);
	ok(snap && snap->seen.n == 2 && snap->nknown == 1 &&
	   ms_nodesnap_knows(snap, "CCAP201") &&
	   !ms_nodesnap_knows(snap, "CCAP202"),
	   "the snapshot: what was learnt, the device known");
	ms_nodesnap_free(snap);
	s[0].time = 200;
	is_int(ms_plant_scan(&p, "CCAP201", s, 1, true, 200000), 0,
	       "a scan where 1/0/0/1 has gone");
	snap = ms_plant_nodesnap(&p);
	ok(snap && snap->seen.n == 1 &&
	   ms_nodemap_find(&snap->seen, "CCAP201", "1/0/0/0"),
	   "the snapshot leaves out the upstream that went");
	ms_nodesnap_free(snap);
	ms_descrlist_release(&descr);
	ms_descrlist_init(&descr);
	is_int(ms_plant_nodes(&p, "CCAP201", &map, &descr, true), 0,
	       "a scan without descriptions");
	is_str(node_of(&p, "1/0/0/0"), "", "forgets them");
	snap = ms_plant_nodesnap(&p);
	ok(snap && snap->seen.n == 0 && snap->nknown == 1,
	   "nothing learnt is left for the history, the device known");
	ms_nodesnap_free(snap);
	ms_plant_release(&p);
	ms_nodemap_release(&map);
	return done_testing();
}
