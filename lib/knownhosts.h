/*
 * known_hosts lookups with a process-wide cache.  libssh re-reads and
 * decodes the whole file for every connection (to check the key, and to
 * order the host key algorithms of the key exchange), which costs a
 * scanner of thousands of devices more CPU than the key exchanges
 * themselves and grows with the fleet; here the file is parsed once and
 * re-read only when someone else changed it.
 */
#ifndef MS_KNOWNHOSTS_H
#define MS_KNOWNHOSTS_H

#include "ms.h"
#include "err.h"

enum ms_kh_result {
	MS_KH_OK,		/* the name has this very key */
	MS_KH_UNKNOWN,		/* no entry for the name */
	MS_KH_CHANGED,		/* the name has another key */
	MS_KH_FALLBACK		/* hashed names, patterns or markers in the
				 * file: ask libssh */
};

/*
 * Look line up in the known_hosts file path; line is an entry as libssh
 * exports it ("[host]:port type base64").  Returns an ms_kh_result or a
 * negative MS_E_* (the file exists but cannot be read).
 */
int ms_kh_check(const char *path, const char *line, struct ms_err *err);

/*
 * Append line to path (creating it 0644) unless the name was learnt
 * meanwhile, under a process mutex and flock: MS_KH_OK when the key is
 * there now, MS_KH_CHANGED when another key won the race.
 */
int ms_kh_learn(const char *path, const char *line, struct ms_err *err);

/*
 * The key types (as in the file: "ssh-ed25519,ssh-rsa") that path lists
 * for name ("host" or "[host]:port"), comma-separated into out: MS_KH_OK,
 * MS_KH_UNKNOWN (out empty), MS_KH_FALLBACK (only libssh can tell), or a
 * negative MS_E_*.
 */
int ms_kh_types(const char *path, const char *name, char *out, size_t outsz,
		struct ms_err *err);

/* Forget the cache (tests). */
void ms_kh_reset(void);

#endif
