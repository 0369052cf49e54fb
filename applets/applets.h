/*
 * What the applets share: the applet table (applets.def), the set-up
 * main.c does for each, and the common start-up steps (options,
 * configuration, messages).
 */
#ifndef MS_APPLETS_H
#define MS_APPLETS_H

#include "ms.h"
#include "conf.h"
#include "lock.h"
#include "opt.h"

/*
 * Set-up steps of the applets.def setup column.  main.c takes them in
 * this order before the applet runs and undoes them in reverse after it.
 */
enum {
	MS_RUN_CONF = 1 << 0,	/* load --config (or the default) */
	MS_RUN_DIR = 1 << 1,	/* RUN_DIR made 0700 if missing; it and its
				 * spool, alerts, raw meet the rules of
				 * file.h (ms_rundir_check), never chmod'ed */
	MS_RUN_LOG = 1 << 2,	/* log to LOG_FILE as the applet */
	MS_RUN_SSH = 1 << 3,	/* libssh's global init */
	MS_RUN_DB = 1 << 4,	/* Connector/C's global init */
	MS_RUN_LOCK = 1 << 5,	/* hold the lock column's pid file */
	MS_RUN_OPTION = 1 << 6,	/* run as "modscan --name"; no link */
	MS_RUN_DIR_READ = 1 << 7, /* as MS_RUN_DIR, but nothing is created:
				   * for applets that only read RUN_DIR */
	MS_RUN_DIR_READER = 1 << 8 /* as MS_RUN_DIR_READ, and RUN_DIR may be
				    * another user's that lets this one read
				    * it (ms_rundir_check_read): status */
};

enum { MS_NO_LOCK = -1 };

/* The links --install makes: modscan-<applet>. */
#define MS_LINK_PREFIX "modscan-"

/* Exit statuses (STYLE.md). */
enum {
	MS_EXIT_OK = 0,
	MS_EXIT_FAIL = 1,
	MS_EXIT_USAGE = 2,
	MS_EXIT_UNKNOWN_APPLET = 127
};

struct ms_applet;

/* One run of an applet: what main.c set up for it, and its options. */
struct ms_run {
	const struct ms_applet *applet;
	const char *name;		/* "scan", "--check-config" */
	unsigned need;		/* MS_RUN_*: the table's; parse may drop
				 * steps a mode does not need */
	unsigned done;		/* steps taken, for the teardown */
	int lock_key;		/* enum ms_conf_key or MS_NO_LOCK */
	const char *config;		/* -c, --config */
	bool quiet, verbose;		/* -q, -v */
	bool nagios;			/* every exit is one plugin line */
	bool said;			/* ... and it was printed */
	struct ms_conf conf;		/* with MS_RUN_CONF */
	struct ms_lock lock;		/* with MS_RUN_LOCK */
	void *opts;			/* the applet's options (heap) */
	int argc;			/* the command line, for an option */
	char **argv;			/* that takes the next word */
};

/*
 * An applet.  main.c allocates r->opts (opts_size bytes, zeroed), parses
 * the command line (ms_applet_parse, or parse when the applet needs its
 * own), sets up what r->need says, calls run and tears down.  The hooks
 * return 0 to go on, -1 when they have answered (--help), or an exit
 * status.
 */
struct ms_applet {
	const char *synopsis;		/* usage, description (--help) */
	const char *epilogue;		/* after the options, or NULL */
	const char *operands;		/* in a synopsis ("DIR"), or NULL */
	const struct ms_opt *opts;	/* the applet's own options */
	unsigned common;		/* MS_OPT_F_*: common options taken */
	size_t opts_size;		/* its parsed options, in r->opts */
	/* one of its own options into r->opts */
	int (*opt)(struct ms_run *r, int id, const char *arg);
	/* after the options: operands (from optind), combinations, and
	 * r->need for the mode; NULL: no operands */
	int (*check)(struct ms_run *r, int argc, char **argv);
	/* instead of ms_applet_parse, or NULL */
	int (*parse)(struct ms_run *r, int argc, char **argv);
	int (*run)(struct ms_run *r);
};

#define APPLET(name, setup, lock, desc) \
	extern const struct ms_applet ms_##name##_applet;
#include "applets.def"
#undef APPLET

/* The applet running now, for messages ("scan"). */
extern const char *ms_applet_name;

/* "modscan <applet>: <message>" on stderr. */
void ms_applet_error(const char *fmt, ...) MS_PRINTF(1, 2);

/* The first message ms_applet_error printed, or "". */
const char *ms_applet_first_error(void);

/* Warnings the configuration gave (counted as they are printed). */
extern unsigned ms_applet_warnings;

/*
 * Parse argv with opts (NULL: the applet's table) and the common options:
 * --config, --quiet and --verbose go into r, --help and --version are
 * answered (-1), own options go to fn (which returns 0 or an exit
 * status).  Non-option arguments start at optind.  An unknown option or
 * a missing argument is one message and MS_EXIT_USAGE.
 */
int ms_applet_getopt(struct ms_run *r, const struct ms_opt *opts, int argc,
		     char **argv,
		     int (*fn)(struct ms_run *r, int id, const char *arg));

/* ms_applet_getopt with the applet's opt, then its check. */
int ms_applet_parse(struct ms_run *r, int argc, char **argv);

/* "unexpected argument 'x'" and the usage hint when optind < argc. */
int ms_applet_no_args(int argc, char **argv);

/*
 * After a usage error was printed: "Try 'modscan <applet> --help'." and
 * MS_EXIT_USAGE.
 */
int ms_applet_usage_error(void);

/* --help of r's applet on stdout. */
int ms_applet_help(const struct ms_run *r);

#endif
