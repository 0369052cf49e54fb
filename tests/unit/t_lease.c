/*
 * Unit tests of the pure rules of a shared fleet: who prefers a device
 * (rendezvous), interval numbers, lapse, timings, the server version and
 * the instance settings.  The scores and the 3000-device split were
 * computed with Python (FNV-1a of "instance/device", splitmix64's
 * finaliser).
 */
#include "lease.h"
#include "harness.h"

static void test_serves(void)
{
	static const struct {
		const char *groups, *grp;
		bool want;
	} t[] = {
		{ "", "", true }, { "", "north", true },
		{ "north,south", "north", true },
		{ "north,south", "south", true },
		{ "north,south", "nort", false },
		{ "north,south", "", false },
		{ "north,-", "", true }, { "-", "north", false },
		{ "north", "north-1", false },
	};
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++)
		ok(ms_fleet_serves(t[i].groups, t[i].grp) == t[i].want,
		   "groups '%s' %s group '%s'", t[i].groups,
		   t[i].want ? "serve" : "do not serve", t[i].grp);
}

static void test_pick(void)
{
	const char *names[] = { "jump-a", "jump-b", "jump-c" };
	const char *ac[] = { "jump-a", "jump-c" };
	unsigned cnt[3] = { 0 }, moved = 0, bad = 0;
	char dev[16];
	ssize_t k, k2;
	int i;

	ok(ms_lease_score("jump-a", "CCAP001") == 0xe0c5401401f89e30ULL &&
	   ms_lease_score("jump-b", "CCAP001") == 0x16ec5123f6c8330bULL &&
	   ms_lease_score("x", "y") == 0x3ecb626bd15afe7bULL,
	   "scores as computed independently");
	is_int(ms_lease_pick("CCAP001", names, 0), -1, "no member: none");
	is_int(ms_lease_pick("CCAP001", names, 1), 0, "one member: it");
	for (i = 0; i < 3000; i++) {
		snprintf(dev, sizeof(dev), "CCAP%04d", i);
		k = ms_lease_pick(dev, names, 3);
		cnt[k]++;
		/* jump-b leaves: only its devices move */
		k2 = ms_lease_pick(dev, ac, 2);
		if (k == 1)
			moved++;
		else if (strcmp(ac[k2], names[k]))
			bad++;
	}
	is_int(cnt[0], 1017, "jump-a prefers 1017 of 3000");
	is_int(cnt[1], 974, "jump-b prefers 974");
	is_int(cnt[2], 1009, "jump-c prefers 1009");
	/* binomial(3000, 1/3): sd 25.8; 10% is 3.9 sd */
	ok(cnt[0] > 900 && cnt[1] > 900 && cnt[2] > 900 && cnt[0] < 1100 &&
	   cnt[1] < 1100 && cnt[2] < 1100, "each within 10%% of a third");
	is_int(bad, 0, "a member leaving moves none of the others' devices");
	is_int(moved, 974, "its own devices go to the others");
}

static void test_slots_and_times(void)
{
	struct ms_lease_self s = { .check_ms = 30000, .interval_ms = 600000,
				   .device_ms = 300000 };

	is_int(ms_lease_slot(0, 600000), 0, "slot of 0");
	is_int(ms_lease_slot(599999, 600000), 0, "the interval's last ms");
	is_int(ms_lease_slot(600000, 600000), 1, "the next interval");
	is_int(ms_lease_slot(1764600123456LL, 600000), 2941000,
	       "a 2025 time: 1764600123456 / 600000 = 2941000.2");
	is_int(ms_lease_slot(-1, 600000), -1, "before the epoch rounds down");
	is_int(ms_lease_slot(5, 0), 0, "no interval: 0");
	ok(!ms_lease_lapsed(1000, 90000, 91000), "at seen + lapse: alive");
	ok(ms_lease_lapsed(1000, 90000, 91001), "past it: lapsed");
	ok(!ms_lease_lapsed(5000, 90000, 1000), "a clock behind: alive");
	is_int(ms_lease_lapse_ms(&s), 90000, "lapse: 3 check intervals");
	is_int(ms_lease_grace_ms(&s), 60000, "grace: 2 check intervals");
	is_int(ms_lease_ttl_ms(&s), 370000, "ttl: 300 + 60 + 10 s");
	s.check_ms = 400000;
	is_int(ms_lease_grace_ms(&s), 300000, "grace: half the interval at "
	       "most");
}

static void test_version(void)
{
	static const struct {
		const char *v;
		bool want;
	} t[] = {
		{ "10.6.0-MariaDB", true },
		{ "10.11.6-MariaDB-0+deb12u1", true },
		{ "11.4.2-MariaDB-log", true },
		{ "10.5.23-MariaDB-0+deb11u1", false },
		{ "10.3.39-MariaDB", false },
		{ "5.5.5-10.6.12-MariaDB", true },
		{ "5.5.5-10.4.1-MariaDB", false },
		{ "8.0.36", true }, { "5.7.44-log", false },
		{ "", false }, { "MariaDB", false }, { "10.x", false },
	};
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(t); i++)
		ok(ms_lease_version_ok(t[i].v) == t[i].want, "version '%s': %s",
		   t[i].v, t[i].want ? "SKIP LOCKED" : "too old");
}

static int self_with(const char *name, const char *groups,
		     struct ms_lease_self *s, struct ms_err *err)
{
	struct ms_conf c;
	int r;

	ms_conf_init(&c);
	r = ms_conf_set(&c, MS_CONF_INSTANCE_NAME, name, err);
	if (r >= 0)
		r = ms_conf_set(&c, MS_CONF_INSTANCE_GROUPS, groups, err);
	if (r >= 0)
		r = ms_lease_self_init(s, &c, err);
	ms_conf_release(&c);
	return r;
}

static void test_self(void)
{
	struct ms_lease_self s;
	struct ms_err err;
	char host[256];

	is_int(self_with("jump-north.1", "north,-", &s, &err), 0,
	       "a name and groups");
	ok(!strcmp(s.name, "jump-north.1") && !strcmp(s.groups, "north,-") &&
	   s.check_ms == 30000 && s.interval_ms == 600000 &&
	   s.device_ms == 300000, "kept, with the default timings");
	is_int(self_with("jump north", "", &s, &err), MS_E_INVAL,
	       "a blank in the name");
	ok(strstr(err.msg, "INSTANCE_NAME: 'jump north' is not a valid"),
	   "named: %s", err.msg);
	is_int(self_with("a234567890123456789012345678901234567890123456789"
			 "012345678901234", "", &s, &err), MS_E_INVAL,
	       "64 characters are too many");
	is_int(self_with("x", "north,,south", &s, &err), MS_E_INVAL,
	       "an empty group in the list");
	ok(strstr(err.msg, "INSTANCE_GROUPS: '' is not a group") != NULL,
	   "named: %s", err.msg);
	is_int(self_with("x", "north,", &s, &err), MS_E_INVAL,
	       "a trailing comma");
	is_int(self_with("x", "a/b", &s, &err), MS_E_INVAL, "a slash");
	if (gethostname(host, sizeof(host)) == 0 &&
	    ms_inventory_valid_group(host, strlen(host)))
		ok(self_with("", "", &s, &err) == 0 && !strcmp(s.name, host),
		   "no name: the host name '%s'", host);
	else
		ok(1, "# skip the host name is not a valid instance name");
}

int main(void)
{
	test_serves();
	test_pick();
	test_slots_and_times();
	test_version();
	test_self();
	return done_testing();
}
