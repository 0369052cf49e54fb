/* The pure rules of a shared fleet (see lease.h); the statements are in
 * leasedb.c. */
#include "lease.h"

#include <ctype.h>

#include "num.h"
#include "schedule.h"

/* The host name as the default instance name. */
static int host_name(char *out, size_t size, struct ms_err *err)
{
	char h[256];

	if (gethostname(h, sizeof(h)) < 0)
		return ms_err_sys(err, "INSTANCE_NAME: cannot read the host "
				  "name");
	h[sizeof(h) - 1] = '\0';
	if (!ms_inventory_valid_group(h, strlen(h)))
		return ms_err_set(err, MS_E_INVAL, "INSTANCE_NAME: the host "
				  "name '%.64s' is not a valid instance name "
				  "(1 to %d of A-Z a-z 0-9 . _ -): set "
				  "INSTANCE_NAME", h, MS_INSTANCE_MAX - 1);
	ms_strlcpy(out, h, size);
	return 0;
}

/* A comma list of group names, "-" among them allowed. */
static int check_groups(const char *g, struct ms_err *err)
{
	const char *p = g, *c;
	size_t len;

	if (strlen(g) >= 256)
		return ms_err_set(err, MS_E_INVAL, "INSTANCE_GROUPS: longer "
				  "than 255 characters");
	while (*g && *p) {
		c = strchr(p, ',');
		len = c ? (size_t)(c - p) : strlen(p);
		if (!(len == 1 && *p == '-') &&
		    !ms_inventory_valid_group(p, len))
			return ms_err_set(err, MS_E_INVAL, "INSTANCE_GROUPS: "
					  "'%.*s' is not a group name (1 to %d "
					  "of A-Z a-z 0-9 . _ -, or -)",
					  (int)MS_MIN(len, 64), p,
					  MS_GROUP_MAX - 1);
		p = c ? c + 1 : p + len;
		if (c && !*p)
			return ms_err_set(err, MS_E_INVAL, "INSTANCE_GROUPS: "
					  "empty group name at the end");
	}
	return 0;
}

int ms_lease_self_init(struct ms_lease_self *s, const struct ms_conf *c,
		       struct ms_err *err)
{
	const char *name = ms_conf_str(c, MS_CONF_INSTANCE_NAME);
	const char *groups = ms_conf_str(c, MS_CONF_INSTANCE_GROUPS);
	int r;

	memset(s, 0, sizeof(*s));
	if (*name && !ms_inventory_valid_group(name, strlen(name)))
		return ms_err_set(err, MS_E_INVAL, "INSTANCE_NAME: '%.64s' is "
				  "not a valid instance name (1 to %d of A-Z "
				  "a-z 0-9 . _ -)", name, MS_INSTANCE_MAX - 1);
	if (*name)
		ms_strlcpy(s->name, name, sizeof(s->name));
	else if ((r = host_name(s->name, sizeof(s->name), err)) < 0)
		return r;
	if ((r = check_groups(groups, err)) < 0)
		return r;
	ms_strlcpy(s->groups, groups, sizeof(s->groups));
	if (gethostname(s->host, sizeof(s->host)) < 0)
		s->host[0] = '\0';
	s->host[sizeof(s->host) - 1] = '\0';
	s->check_ms = ms_conf_int(c, MS_CONF_CHECK_INTERVAL) * 1000;
	s->interval_ms = ms_conf_int(c, MS_CONF_SCAN_INTERVAL) * 1000;
	s->device_ms = ms_conf_int(c, MS_CONF_DEVICE_TIMEOUT) * 1000;
	return 0;
}

int ms_lease_self_check(struct ms_lease_self *s, const struct ms_conf *c,
			struct ms_err *err)
{
	int r = ms_lease_self_init(s, c, err);

	if (r == MS_E_INVAL && !ms_conf_bool(c, MS_CONF_SCAN_SHARED) &&
	    !*ms_conf_str(c, MS_CONF_INSTANCE_NAME) &&
	    !*ms_conf_str(c, MS_CONF_INSTANCE_GROUPS)) {
		s->name[0] = '\0';
		return 0;
	}
	return r;
}

/* splitmix64's finaliser: FNV-1a alone mixes its last bytes poorly. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t ms_lease_score(const char *instance, const char *device)
{
	/* FNV-1a of "instance/device": the hash the schedule uses, over a
	 * key that no instance and device pair can share ('/' is in
	 * neither name) */
	uint64_t h = ms_hash(instance);

	h ^= '/';
	h *= 0x100000001b3ULL;
	for (; *device; device++) {
		h ^= (unsigned char)*device;
		h *= 0x100000001b3ULL;
	}
	return mix(h);
}

ssize_t ms_lease_pick(const char *device, const char *const *names, size_t n)
{
	uint64_t best = 0, sc;
	ssize_t k = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		sc = ms_lease_score(names[i], device);
		/* a tie (never seen in practice) goes to the smaller name, so
		 * that every instance decides alike */
		if (k < 0 || sc > best ||
		    (sc == best && strcmp(names[i], names[k]) < 0)) {
			best = sc;
			k = (ssize_t)i;
		}
	}
	return k;
}

int64_t ms_lease_slot(int64_t due_ms, int64_t interval_ms)
{
	int64_t q;

	if (interval_ms <= 0)
		return 0;
	q = due_ms / interval_ms;
	return due_ms < 0 && due_ms % interval_ms ? q - 1 : q;
}

bool ms_lease_lapsed(int64_t seen_ms, int64_t lapse_ms, int64_t now_ms)
{
	return now_ms > seen_ms + lapse_ms;
}

int64_t ms_lease_lapse_ms(const struct ms_lease_self *s)
{
	return MS_LEASE_LAPSE_CHECKS * s->check_ms;
}

int64_t ms_lease_grace_ms(const struct ms_lease_self *s)
{
	return MS_MIN(2 * s->check_ms, s->interval_ms / 2);
}

int64_t ms_lease_ttl_ms(const struct ms_lease_self *s)
{
	return s->device_ms + 2 * s->check_ms + MS_LEASE_MARGIN_MS;
}

bool ms_lease_version_ok(const char *v)
{
	long long major = 0, minor = 0;
	const char *dot = strchr(v, '.');
	size_t ml;

	/* an old replication handshake's prefix, kept by some proxies */
	if (!strncmp(v, "5.5.5-", 6))
		dot = strchr(v += 6, '.');
	if (!dot || dot == v)
		return false;
	ml = strspn(dot + 1, "0123456789");
	if (ms_parse_lln(v, (size_t)(dot - v), 0, 1000, &major) < 0 ||
	    !ml || ms_parse_lln(dot + 1, ml, 0, 1000, &minor) < 0)
		return false;
	if (strstr(v, "MariaDB"))
		return major > 10 || (major == 10 && minor >= 6);
	return major >= 8;
}
