/* Unit tests of the name index. */
#include "nameidx.h"
#include "harness.h"

struct item {
	char name[16];
	int value;
};

int main(void)
{
	enum { N = 5000 };
	struct item *v = calloc(N, sizeof(*v)), *moved;
	struct ms_nameidx x;
	size_t i, wrong = 0;

	ms_nameidx_init(&x);
	is_int(ms_nameidx_find(&x, v, sizeof(*v), "CCAP001"), -1,
	       "an empty index finds nothing");
	for (i = 0; i < N; i++) {
		snprintf(v[i].name, sizeof(v[i].name), "CCAP%04zu", i);
		if (ms_nameidx_add(&x, v, sizeof(*v), i) < 0)
			wrong++;
	}
	is_int(wrong, 0, "5,000 names added");
	ok(x.cap >= 2 * x.n && (x.cap & (x.cap - 1)) == 0,
	   "the table stays at most half full, a power of two (%zu)", x.cap);
	for (i = 0, wrong = 0; i < N; i++)
		if (ms_nameidx_find(&x, v, sizeof(*v), v[i].name) !=
		    (ssize_t)i)
			wrong++;
	is_int(wrong, 0, "every name gives its own position");
	is_int(ms_nameidx_find(&x, v, sizeof(*v), "CCAP5000"), -1,
	       "a name not added is not found");
	is_int(ms_nameidx_find(&x, v, sizeof(*v), "CCAP000"), -1,
	       "a prefix of a name is not found");
	moved = calloc(N, sizeof(*v));
	memcpy(moved, v, N * sizeof(*v));
	memset(v, 0, N * sizeof(*v));
	is_int(ms_nameidx_find(&x, moved, sizeof(*moved), "CCAP4321"), 4321,
	       "the array may move: the base is passed at each lookup");
	is_int(ms_nameidx_build(&x, moved, sizeof(*moved), 10), 0,
	       "rebuilt over the first 10");
	is_int(x.n, 10, "the rebuilt index holds 10");
	is_int(ms_nameidx_find(&x, moved, sizeof(*moved), "CCAP0011"), -1,
	       "an element past the rebuilt range is not found");
	is_int(ms_nameidx_find(&x, moved, sizeof(*moved), "CCAP0009"), 9,
	       "an element inside it is");
	ms_nameidx_release(&x);
	is_int(ms_nameidx_find(&x, moved, sizeof(*moved), "CCAP0009"), -1,
	       "a released index is empty");
	free(v);
	free(moved);
	return done_testing();
}
