/*
 * The devices file: one device a line, NAME [HOST [PORT [FAMILY
 * [PROFILE [GROUP]]]]], blank lines and # comments allowed; "-" leaves a
 * family, profile or group unset.  A bad line is named by its number and
 * skipped; the good ones are still scanned.
 */
#ifndef MS_INVENTORY_H
#define MS_INVENTORY_H

#include "ms.h"
#include "buf.h"
#include "err.h"
#include "sample.h"

enum {
	MS_HOST_MAX = 256,
	MS_FAMILY_MAX = 16,
	MS_PROFILE_MAX = 32,
	MS_GROUP_MAX = 64,		/* [A-Za-z0-9._-], like instance names */
	MS_INVENTORY_MAX = 100000	/* devices in one file */
};

struct ms_device {
	char name[MS_DEVICE_MAX];
	char host[MS_HOST_MAX];		/* defaults to the name */
	int port;			/* defaults to 22 */
	char family[MS_FAMILY_MAX];	/* "" or "-": rules, then detection */
	char profile[MS_PROFILE_MAX];	/* "" : the default credentials */
	char group[MS_GROUP_MAX];	/* "": none (SCAN_SHARED groups) */
	unsigned line;			/* line in the file, for messages */
};

struct ms_inventory {
	struct ms_device *v;
	size_t n;
	size_t cap;
};

void ms_inventory_init(struct ms_inventory *inv);
void ms_inventory_release(struct ms_inventory *inv);

/*
 * Parse text (from a file named path, for messages).  Bad lines add one
 * line each to warnings ("devices.txt:3: bad port 'x', skipping");
 * duplicate names keep the first.  Fails only on I/O, memory or bounds.
 */
int ms_inventory_parse(struct ms_inventory *inv, const char *path,
		       const char *text, size_t len, struct ms_buf *warnings,
		       struct ms_err *err);
int ms_inventory_load(struct ms_inventory *inv, const char *path,
		      struct ms_buf *warnings, struct ms_err *err);

/* dst (empty) becomes a copy of src. */
int ms_inventory_copy(struct ms_inventory *dst, const struct ms_inventory *src,
		      struct ms_err *err);

/* Whether s (len bytes) is a group or instance name: 1 to 63 of
 * [A-Za-z0-9._-]. */
bool ms_inventory_valid_group(const char *s, size_t len);

/* Whether b reaches the device otherwise than a: host, port, family,
 * credentials profile, or is in another group (the names are the same). */
bool ms_device_changed(const struct ms_device *a, const struct ms_device *b);

/* The device named name, or NULL. */
const struct ms_device *ms_inventory_find(const struct ms_inventory *inv,
					  const char *name);

#endif
