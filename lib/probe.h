/*
 * --check-config --connect: try each service the configuration names
 * once, as the applets would use it, and say for each what answered.
 */
#ifndef MS_PROBE_H
#define MS_PROBE_H

#include "ms.h"
#include "conf.h"
#include "err.h"

enum ms_probe_result { MS_PROBE_OK, MS_PROBE_SKIPPED, MS_PROBE_FAILED };

struct ms_probe {
	const char *what;		/* "database", "ssh", "smtp", "deploy" */
	char target[PATH_MAX + 32];	/* host:port, device, directory */
	char detail[MS_ERR_MSG_MAX];	/* what answered, or why not */
	enum ms_probe_result result;
};

/* Connect and log in to the database; the schema version. */
void ms_probe_db(const struct ms_conf *c, struct ms_probe *p);
/*
 * Scan one device of DEVICES_FILE (device NULL: the first) as the scanner
 * would, host key check and known_hosts included.
 */
void ms_probe_ssh(const struct ms_conf *c, const char *device,
		  struct ms_probe *p);
/* Greeting, EHLO, STARTTLS and AUTH with the mail server; no mail. */
void ms_probe_smtp(const struct ms_conf *c, struct ms_probe *p);
/* DEPLOY_TARGET: a writable directory, or an SFTP login. */
void ms_probe_deploy(const struct ms_conf *c, struct ms_probe *p);

#endif
