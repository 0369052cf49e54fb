/*
 * Lease benchmark: the cost per device of a shared scanner's claims and
 * completions (lib/leasedb.c), batched as the lease thread sends them,
 * against one claim per device (a transaction each) in the same run.
 * Run by tests/bench/lease against its own server.
 *
 *   lease DEVICES SINGLE
 */
#include "lease.h"

#include "num.h"
#include "mstime.h"

static struct ms_db *db;
static struct ms_lease_self self;

static void fail(const char *what, const struct ms_err *err)
{
	fprintf(stderr, "lease: %s: %s\n", what, err->msg);
	exit(1);
}

static void fill(struct ms_lease_want *v, size_t n, size_t from,
		 int64_t slot)
{
	size_t i;

	memset(v, 0, n * sizeof(*v));
	for (i = 0; i < n; i++) {
		snprintf(v[i].device, sizeof(v[i].device), "CCAP%06zu",
			 from + i);
		v[i].slot = slot;
	}
}

/* Claim v[0..n) in calls of per devices; microseconds per device. */
static double claim(struct ms_lease_want *v, size_t n, size_t per)
{
	struct ms_err err;
	ms_msec_t t0 = ms_mono_now();
	size_t i, got = 0;
	int r;

	for (i = 0; i < n; i += per) {
		if ((r = ms_lease_claim(db, &self, v + i, MS_MIN(per, n - i),
					&err)) < 0)
			fail("claim", &err);
		got += (size_t)r;
	}
	if (got != n) {
		fprintf(stderr, "lease: %zu of %zu granted\n", got, n);
		exit(1);
	}
	return (double)(ms_mono_now() - t0) * 1000.0 / (double)n;
}

static double complete(const struct ms_lease_want *v, size_t n, int64_t slot)
{
	const char **p = calloc(n, sizeof(*p));
	struct ms_err err;
	ms_msec_t t0;
	size_t i;

	if (!p)
		exit(1);
	for (i = 0; i < n; i++)
		p[i] = v[i].device;
	t0 = ms_mono_now();
	if (ms_lease_complete(db, &self, slot, p, n, &err) < 0)
		fail("complete", &err);
	free(p);
	return (double)(ms_mono_now() - t0) * 1000.0 / (double)n;
}

int main(int argc, char **argv)
{
	long long n = 0, single = 0;
	struct ms_lease_want *v;
	struct ms_db_opts o;
	struct ms_conf c;
	struct ms_err err;
	double fresh, again, done, one;

	if (argc != 3 || ms_parse_ll(argv[1], 1, 1000000, &n) < 0 ||
	    ms_parse_ll(argv[2], 1, n, &single) < 0) {
		fprintf(stderr, "usage: lease DEVICES SINGLE\n");
		return 2;
	}
	ms_conf_init(&c);
	if (ms_db_global_init() < 0 || ms_conf_load_env(&c, &err) < 0)
		fail("configuration", &err);
	ms_db_opts_from_conf(&o, &c);
	if (ms_db_connect(&db, &o, &err) < 0)
		fail("connect", &err);
	self = (struct ms_lease_self){ .name = "bench", .check_ms = 30000,
				       .interval_ms = 600000,
				       .device_ms = 300000 };
	if (!(v = calloc((size_t)n, sizeof(*v))))
		return 1;
	fill(v, (size_t)n, 0, 1);
	fresh = claim(v, (size_t)n, (size_t)n);
	done = complete(v, (size_t)n, 1);
	fill(v, (size_t)n, 0, 2);
	again = claim(v, (size_t)n, (size_t)n);
	complete(v, (size_t)n, 2);
	fill(v, (size_t)single, 0, 3);
	one = claim(v, (size_t)single, 1);
	printf("lease: %lld devices in one ask: %.1f us/device new rows, "
	       "%.1f us/device existing rows; completion %.1f us/device\n",
	       n, fresh, again, done);
	printf("lease: %lld devices one claim each: %.1f us/device; "
	       "batched is %.1fx cheaper\n", single, one,
	       again > 0 ? one / again : 0.0);
	free(v);
	ms_db_close(db);
	ms_conf_release(&c);
	return 0;
}
