/*
 * Publishing the report files: into a local directory or over SFTP
 * (sftp://user@host[:port]/path), all files staged under temporary names
 * before any is renamed into place, then the `latest.*` links (or copies)
 * and the housekeeping of reports older than DEPLOY_KEEP_DAYS.
 */
#ifndef MS_DEPLOY_H
#define MS_DEPLOY_H

#include "ms.h"
#include "conf.h"
#include "err.h"
#include "render.h"
#include "ssh.h"

enum {
	MS_DEPLOY_FILES_MAX = 4,
	MS_DEPLOY_HOST_MAX = 256,
	MS_DEPLOY_USER_MAX = 128
};


struct ms_deploy_target {
	bool sftp;
	char user[MS_DEPLOY_USER_MAX];	/* "": the configured SSH user */
	char host[MS_DEPLOY_HOST_MAX];
	int port;			/* 0: 22 */
	char path[PATH_MAX];		/* a directory */
};

/*
 * "DIR" (a local directory) or "sftp://[user@]host[:port]/abs/path"
 * (host may be "[v6addr]").  MS_E_INVAL naming what is wrong.
 */
int ms_deploy_parse(const char *s, struct ms_deploy_target *t,
		    struct ms_err *err);

/* One file to publish; pointers borrowed.  name has no slash. */
struct ms_deploy_file {
	const char *name;
	const void *data;
	size_t len;
	const char *latest;	/* its latest link; NULL: latest.EXT */
};

struct ms_deploy_opts {
	struct ms_deploy_target target;
	int keep_days;		/* reports older than this are removed */
	time_t now;		/* for the age of old reports */
	/* SFTP only */
	const char *user;	/* when the target names none */
	const char *password;	/* secret; NULL or "": key only */
	const char *key_file;	/* NULL or "": password only */
	const char *known_hosts;
	enum ms_ssh_policy policy;
	ms_msec_t timeout_ms;	/* connect+login, then each SFTP request */
	/*
	 * The site: when site_dir is set, index.html lists every day page on
	 * the target (totals from site_dir/modscan-report-D.json), written
	 * before old reports are removed and never listing one of them.
	 */
	const char *site_dir;
	const char *site_title, *site_footer;
};

/* Room for any target string. */
enum { MS_DEPLOY_TARGET_MAX = PATH_MAX + MS_DEPLOY_HOST_MAX + 16 };

/*
 * The configured target into out: DEPLOY_TARGET, else with DEPLOY_ENABLE
 * sftp://DEPLOY_HOST/DEPLOY_PATH (the legacy WEB_SERVER and WEB_PATH), else
 * "" (none).  MS_E_INVAL when DEPLOY_ENABLE lacks its host or path.
 */
int ms_deploy_target_conf(const struct ms_conf *c, char *out, size_t size,
			  struct ms_err *err);

/*
 * Options from the configuration: target (NULL: ms_deploy_target_conf), the
 * DEPLOY_* keys (DEPLOY_PASSWORD and DEPLOY_KEY_FILE falling back to the
 * SSH_* ones), SSH_USER, the host-key policy and known_hosts (its path
 * written to kh).  Pointers into c.  MS_E_INVAL naming what is wrong.
 */
int ms_deploy_opts_from_conf(struct ms_deploy_opts *o,
			     const struct ms_conf *c, const char *target,
			     char *kh, size_t khsize, struct ms_err *err);

struct ms_deploy_result {
	unsigned written;	/* files renamed into place */
	unsigned removed;	/* old reports deleted */
	bool links;		/* latest.* are symlinks (else copies) */
};

/*
 * Publish files: each is written as ".NAME.tmp" and only when all are
 * complete renamed to NAME, so a refusing target (no such directory, no
 * permission, full disk, authentication, host key) keeps no partial file
 * of this run (MS_E_* from the step with err naming it).  Then for each
 * file its latest link (latest.EXT unless the file names another) -> NAME
 * (a copy where links fail), and the removal of report files (not
 * symlinks) whose modification time is more than keep_days days before
 * now: MS_RENDER_PREFIX* and the legacy MS_LEGACY_PREFIX*_web.json.  With
 * site_dir, index.html is replaced (atomically) between the two.
 */
int ms_deploy(const struct ms_deploy_opts *o,
	      const struct ms_deploy_file *files, size_t n,
	      struct ms_deploy_result *res, struct ms_err *err);

/*
 * Only the site's index.html of o's target (o->site_dir set): every day
 * page there, nothing published or removed.
 */
int ms_deploy_index(const struct ms_deploy_opts *o, struct ms_err *err);

#endif
