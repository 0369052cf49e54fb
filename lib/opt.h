/*
 * Command-line options as data: each applet has a table of struct ms_opt
 * (long name, short letter, argument name, help), the options every
 * applet shares are one more table, and both getopt's arrays and the
 * --help text are made from them.
 */
#ifndef MS_OPT_H
#define MS_OPT_H

#include <getopt.h>

#include "ms.h"
#include "buf.h"
#include "err.h"

/* Ids of the common options; an applet's own ids start at MS_OPT_OWN. */
enum {
	MS_OPT_CONFIG = 1, MS_OPT_QUIET, MS_OPT_VERBOSE, MS_OPT_HELP,
	MS_OPT_VERSION, MS_OPT_OWN = 256
};

/* Which common options an applet takes (help and version: all). */
enum {
	MS_OPT_F_QUIET = 1 << 0,
	MS_OPT_F_VERBOSE = 1 << 1,
	MS_OPT_F_NO_CONFIG = 1 << 2	/* no -c/--config: reads none */
};

/* ms_opt.flags */
enum {
	MS_OPT_OPTIONAL = 1 << 0,	/* the argument may be left out */
	MS_OPT_REPEAT = 1 << 1		/* may be given several times */
};

enum { MS_OPT_MAX = 48 };		/* options of one applet, common too */

struct ms_opt {
	const char *name;		/* long name without "--"; NULL ends */
	int shortopt;			/* 'c' or 0 */
	const char *arg;		/* "FILE", or NULL: takes none */
	int id;				/* ms_opt_next returns it; > 0 */
	unsigned flags;			/* MS_OPT_* */
	const char *help;		/* lines for --help, '\n'-separated */
};

/* config, quiet, verbose, help, version. */
extern const struct ms_opt ms_opt_common[];

struct ms_opt_parser {
	struct option lo[MS_OPT_MAX + 1];
	char so[3 * MS_OPT_MAX + 2];
	int short_id[128];		/* short letter to option id */
	int argc;
	char **argv;
};

/*
 * Make getopt's arrays from the applet's table and the common options
 * that common (MS_OPT_F_*) selects.  A short letter of the applet's table
 * wins over the same letter of a common option.  MS_E_TOOBIG when there
 * are more than MS_OPT_MAX options.
 */
int ms_opt_init(struct ms_opt_parser *p, const struct ms_opt *opts,
		unsigned common, int argc, char **argv, struct ms_err *err);

/*
 * The next option: its id and *arg (NULL when it has none), 0 at the
 * first non-option argument (its index in optind), or MS_E_INVAL naming
 * an unknown option or a missing argument.
 */
int ms_opt_next(struct ms_opt_parser *p, const char **arg,
		struct ms_err *err);

/*
 * The option list of --help: the applet's options, then the common ones
 * it takes, each as "  -c, --config FILE   help", help lines aligned.
 */
int ms_opt_help(const struct ms_opt *opts, unsigned common,
		struct ms_buf *out);

/*
 * " [--config FILE] [--subject TEXT] [--attach FILE]...": --config (unless
 * common has MS_OPT_F_NO_CONFIG) and the applet's own options, for a
 * one-line synopsis.
 */
int ms_opt_synopsis(const struct ms_opt *opts, unsigned common,
		    struct ms_buf *out);

#endif
