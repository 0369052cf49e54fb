/*
 * The node of each upstream in the plant state (see plant.h): the map's
 * (NODES_FILE, NODES_SQL), else the device's own description.
 */
#include "plant.h"

#include "nodesrc.h"

static void set_node(const struct ms_plant *p, const char *device,
		     struct ms_plant_up *u, const struct ms_nodemap *map)
{
	const struct ms_node *n = ms_nodemap_find(map, device, u->name);

	if (!n)
		n = ms_nodemap_find(&p->seen, device, u->name);
	ms_strlcpy(u->node, n ? n->node : "", sizeof(u->node));
}

/* What the scan of d says about its upstreams' descriptions. */
static int learn(struct ms_plant *p, const struct ms_plant_dev *d,
		 const struct ms_descrlist *descr)
{
	struct ms_node n = { .device = d->name,
			     .source = MS_NODE_SRC_DEVICE };
	char node[MS_NODE_MAX];
	size_t i;
	int r;

	for (i = 0; i < d->nups; i++) {
		n.upstream = d->ups[i].name;
		n.descr = ms_descrlist_of(descr, n.upstream);
		if (!n.descr || !ms_nodesrc_node_of(n.descr, node,
						     sizeof(node))) {
			ms_nodemap_drop(&p->seen, d->name, n.upstream);
			continue;
		}
		n.node = node;
		/* a description modscan cannot store is no node */
		if ((r = ms_nodemap_put(&p->seen, &n, NULL)) == MS_E_NOMEM)
			return r;
		if (r < 0)
			ms_nodemap_drop(&p->seen, d->name, n.upstream);
	}
	return 0;
}

int ms_plant_nodes(struct ms_plant *p, const char *device,
		   const struct ms_nodemap *map,
		   const struct ms_descrlist *descr, bool ok)
{
	ssize_t i = ms_nameidx_find(&p->idx, p->devs, sizeof(*p->devs),
				    device);
	struct ms_plant_dev *d;
	size_t k;
	int r;

	if (i < 0)
		return 0;
	d = &p->devs[i];
	if (ok && descr && (r = learn(p, d, descr)) < 0)
		return r;
	for (k = 0; k < d->nups; k++)
		set_node(p, d->name, &d->ups[k], map);
	return 0;
}

void ms_plant_renode(struct ms_plant *p, const struct ms_nodemap *map)
{
	size_t i, k;

	for (i = 0; i < p->ndevs; i++)
		for (k = 0; k < p->devs[i].nups; k++)
			set_node(p, p->devs[i].name, &p->devs[i].ups[k], map);
}

/* Whether device still has upstream (it may have gone since it was
 * described: its mapping then ends). */
static bool has_up(const struct ms_plant *p, const char *device,
		   const char *upstream)
{
	ssize_t i = ms_nameidx_find(&p->idx, p->devs, sizeof(*p->devs),
				    device);
	size_t k;

	for (k = 0; i >= 0 && k < p->devs[i].nups; k++)
		if (!strcmp(p->devs[i].ups[k].name, upstream))
			return true;
	return false;
}

struct ms_nodesnap *ms_plant_nodesnap(const struct ms_plant *p)
{
	struct ms_nodesnap *s = ms_nodesnap_new();
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < p->seen.n; i++)
		if (has_up(p, p->seen.v[i].device, p->seen.v[i].upstream) &&
		    ms_nodemap_add(&s->seen, &p->seen.v[i], NULL) < 0)
			goto fail;
	for (i = 0; i < p->ndevs; i++)
		if (p->devs[i].ok &&
		    ms_nodesnap_know(s, p->devs[i].name) < 0)
			goto fail;
	ms_nodesnap_seal(s);
	return s;
fail:
	ms_nodesnap_free(s);
	return NULL;
}

int ms_plant_nodes_write(const struct ms_plant *p, const struct ms_conf *c,
			 const struct ms_nodemap *map, struct ms_err *err)
{
	struct ms_nodesnap *s = ms_plant_nodesnap(p);
	int r;

	if (!s)
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	r = ms_nodehist_update(c, map, s, err);
	ms_nodesnap_free(s);
	return r;
}
