/*
 * Inside deploy: the operations a deploy target offers, implemented by a
 * local directory (deploy.c) and by SFTP (deploy_sftp.c).  Names are
 * relative to the target directory.
 */
#ifndef MS_DEPLOY_DEST_H
#define MS_DEPLOY_DEST_H

#include "deploy.h"

struct ms_deploy_dest;

/* One directory entry; a negative return stops the listing. */
typedef int (*ms_deploy_list_fn)(void *ctx, const char *name, int64_t mtime,
				 bool regular);

struct ms_deploy_ops {
	int (*put)(struct ms_deploy_dest *d, const char *name,
		   const void *data, size_t len, struct ms_err *err);
	/* Replaces an existing to. */
	int (*rename)(struct ms_deploy_dest *d, const char *from,
		      const char *to, struct ms_err *err);
	int (*symlink)(struct ms_deploy_dest *d, const char *target,
		       const char *name, struct ms_err *err);
	/* A missing name is not an error. */
	int (*unlink)(struct ms_deploy_dest *d, const char *name,
		      struct ms_err *err);
	int (*list)(struct ms_deploy_dest *d, ms_deploy_list_fn fn, void *ctx,
		    struct ms_err *err);
	int (*sync)(struct ms_deploy_dest *d, struct ms_err *err);
	void (*close)(struct ms_deploy_dest *d);
};

struct ms_deploy_dest {
	const struct ms_deploy_ops *ops;
	int dfd;			/* local */
	struct ms_ssh *ssh;		/* sftp */
	void *sftp;			/* sftp_session */
	char where[PATH_MAX + MS_DEPLOY_HOST_MAX + 16];	/* for messages */
	char dir[PATH_MAX];		/* remote directory */
};

/* Connect and log in (ms_ssh, same host-key policy as the scanner), then
 * start the SFTP subsystem on d->dir.  d->ops is set even on failure. */
int ms_deploy_sftp_open(struct ms_deploy_dest *d,
			const struct ms_deploy_opts *o, struct ms_err *err);

#endif
