/*
 * Configuration: KEY=VALUE file, then environment, then command line, each
 * overriding the one before.  The keys are the rows of conf.def.
 */
#ifndef MS_CONF_H
#define MS_CONF_H

#include "ms.h"
#include "buf.h"
#include "err.h"

enum ms_conf_key {
#define CONF(name, alias, type, def, min, max, choices, flags, doc) \
	MS_CONF_##name,
#include "conf.def"
#undef CONF
	MS_CONF__COUNT
};

/* The group the packaged services run as (sysusers.d/modscan.conf). */
#define MS_CONF_SERVICE_GROUP "modscan"

enum ms_conf_type { MS_CONF_STR, MS_CONF_INT, MS_CONF_BOOL, MS_CONF_ENUM };
enum { MS_CONF_SECRET = 1 };
enum ms_conf_src {
	MS_CONF_SRC_DEFAULT, MS_CONF_SRC_FILE, MS_CONF_SRC_ENV, MS_CONF_SRC_CLI
};

/* One row of conf.def. */
struct ms_conf_info {
	const char *name;
	const char *alias;
	enum ms_conf_type type;
	const char *def;
	long long min, max;
	const char *choices;	/* "a|b|c" for MS_CONF_ENUM */
	unsigned flags;
	const char *doc;
};

/* A per-profile override: PROFILE_<NAME>_<KEY>=value. */
struct ms_conf_extra {
	char *name;			/* the whole key */
	char *value;
	enum ms_conf_key base;		/* KEY */
};

enum { MS_CONF_EXTRA_MAX = 256, MS_CONF_PROFILE_MAX = 32 };

struct ms_conf {
	char *val[MS_CONF__COUNT];	/* NULL: default */
	long long num[MS_CONF__COUNT];	/* INT and BOOL values, ENUM index */
	unsigned char src[MS_CONF__COUNT];
	unsigned line[MS_CONF__COUNT];	/* its line, for MS_CONF_SRC_FILE */
	char *path;			/* file that was loaded, or NULL */
	struct ms_conf_extra *extra;	/* profile overrides */
	size_t nextra;
	struct ms_buf warnings;		/* one line each, for the caller */
	struct ms_buf errors;		/* every bad value, one line each */
};

extern const struct ms_conf_info ms_conf_table[MS_CONF__COUNT];

/* Defaults only. */
void ms_conf_init(struct ms_conf *c);
void ms_conf_release(struct ms_conf *c);

/* Look a key up by its name or legacy alias; -1 if unknown. */
int ms_conf_lookup(const char *name, size_t len);

/*
 * Read one file.  Errors name the file and line; every bad value is one
 * line in c->errors, the first is returned; unknown keys add a warning
 * (naming the nearest key when one is close).  A file that sets a secret key and is readable by group or
 * others is refused, except 0640 owned by root with the service's group
 * (our group, or MS_CONF_SERVICE_GROUP when we are root).
 */
int ms_conf_load_file(struct ms_conf *c, const char *path,
		      struct ms_err *err);
/*
 * Override from the environment (canonical names first, then aliases);
 * bad values as in ms_conf_load_file.
 */
int ms_conf_load_env(struct ms_conf *c, struct ms_err *err);
/*
 * The standard order: path (if not NULL), else $MODSCAN_CONFIG, else
 * /etc/modscan/modscan.conf when it exists, else ./.env when it exists
 * (the old tool's place); then the environment.
 */
int ms_conf_load(struct ms_conf *c, const char *path, struct ms_err *err);

/* Set one key from the command line (or a test); validates the value. */
int ms_conf_set(struct ms_conf *c, enum ms_conf_key k, const char *value,
		struct ms_err *err);

const char *ms_conf_str(const struct ms_conf *c, enum ms_conf_key k);
/* An INT key whose default is empty is optional: empty (unset) is -1. */
long long ms_conf_int(const struct ms_conf *c, enum ms_conf_key k);
bool ms_conf_bool(const struct ms_conf *c, enum ms_conf_key k);
/*
 * Where the effective value of k comes from: "FILE:LINE", "environment",
 * "command line" or "default".
 */
void ms_conf_source(const struct ms_conf *c, enum ms_conf_key k, char *out,
		    size_t size);
/* Whether the key was set anywhere but its default. */
bool ms_conf_isset(const struct ms_conf *c, enum ms_conf_key k);

/*
 * Credentials profiles: a device line may name a profile; then
 * PROFILE_<NAME>_SSH_USER, _SSH_PASSWORD, _SSH_KEY_FILE and
 * _SSH_LEGACY_ALGOS (NAME upper-cased) override the global keys for it.
 * An empty profile, or one without that key, gives the global value.
 */
const char *ms_conf_profile_str(const struct ms_conf *c, const char *profile,
				enum ms_conf_key k);
bool ms_conf_profile_bool(const struct ms_conf *c, const char *profile,
			  enum ms_conf_key k);

/*
 * A path below RUN_DIR when the key is empty: ms_conf_path(c,
 * MS_CONF_STATUS_FILE, "status.json", buf, size).  MS_E_TOOBIG if it does
 * not fit.
 */
int ms_conf_path(const struct ms_conf *c, enum ms_conf_key k,
		 const char *leaf, char *out, size_t size);

#endif
