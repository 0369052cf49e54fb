/*
 * The node map on the scan's hot path: a NODES_FILE of 10,000 devices x 16
 * upstreams parsed, then every upstream looked up as the scanner does
 * after each device scan.  Baseline from the same run: the name index
 * (lib/nameidx) over the same 160,000 pairs spelled as one name each
 * ("CCAP00012 1/0/0/3", an array of fixed entries), the index the engine
 * uses for its devices.  Prints figures and ratios; asserts nothing.
 */
#include "buf.h"
#include "mstime.h"
#include "nameidx.h"
#include "nodemap.h"

enum { DEVS = 10000, UPS = 16, ROUNDS = 20 };

struct pair {
	char name[MS_DEVICE_MAX + MS_UPSTREAM_MAX];
};

static double secs(ms_msec_t a, ms_msec_t b)
{
	return (double)(b - a) / 1000;
}

int main(void)
{
	struct ms_nodemap m;
	struct ms_nameidx idx;
	struct ms_buf text;
	struct pair *pairs = calloc(DEVS * UPS, sizeof(*pairs));
	char ups[UPS][MS_UPSTREAM_MAX], devs[DEVS][16];
	ms_msec_t t0, t1, t2, t3;
	size_t d, u, r, found = 0, seen = 0;
	int n;

	ms_buf_init(&text, 64 << 20);
	for (u = 0; u < UPS; u++)
		snprintf(ups[u], sizeof(ups[u]), "%zu/0/%zu/%zu", u / 8,
			 u / 4 % 2, u % 4);
	for (d = 0; d < DEVS; d++) {
		snprintf(devs[d], sizeof(devs[d]), "CCAP%05zu", d);
		for (u = 0; u < UPS; u++) {
			ms_buf_printf(&text, "%s %s FN-%06zu ring %zu\n",
				      devs[d], ups[u], d * 4 + u / 4, u % 4);
			snprintf(pairs[d * UPS + u].name,
				 sizeof(pairs->name), "%s %s", devs[d],
				 ups[u]);
		}
	}
	ms_nodemap_init(&m);
	ms_nameidx_init(&idx);
	t0 = ms_mono_now();
	n = ms_nodemap_parse(&m, "bench", text.p, text.len, NULL);
	t1 = ms_mono_now();
	if (n != DEVS * UPS || ms_nameidx_build(&idx, pairs, sizeof(*pairs),
						DEVS * UPS) < 0) {
		fprintf(stderr, "bench nodes: setup failed (%d)\n", n);
		return 1;
	}
	t2 = ms_mono_now();
	for (r = 0; r < ROUNDS; r++)
		for (d = 0; d < DEVS; d++)
			for (u = 0; u < UPS; u++)
				found += ms_nodemap_find(&m, devs[d],
							 ups[u]) != NULL;
	t3 = ms_mono_now();
	printf("nodes: parse %d mappings (%zu KiB): %.3f s\n", n,
	       text.len / 1024, secs(t0, t1));
	printf("nodes: %zu upstream lookups: %.3f s, %.0f ns each\n", found,
	       secs(t2, t3), (double)(t3 - t2) * 1e6 / (double)found);
	t0 = ms_mono_now();
	for (r = 0; r < ROUNDS; r++)
		for (d = 0; d < DEVS; d++)
			for (u = 0; u < UPS; u++)
				seen += ms_nameidx_find(&idx, pairs,
						sizeof(*pairs),
						pairs[d * UPS + u].name) >= 0;
	t1 = ms_mono_now();
	printf("baseline: %zu pair-name lookups: %.3f s, %.0f ns each\n",
	       seen, secs(t0, t1), (double)(t1 - t0) * 1e6 / (double)seen);
	printf("ratio: a node lookup costs %.2f pair-name lookups; a sweep "
	       "of %d x %d upstreams %.1f ms\n",
	       (double)(t3 - t2) / (double)MS_MAX(t1 - t0, 1), DEVS, UPS,
	       (double)(t3 - t2) / ROUNDS);
	ms_nameidx_release(&idx);
	ms_nodemap_release(&m);
	ms_buf_release(&text);
	free(pairs);
	return 0;
}
