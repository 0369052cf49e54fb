/*
 * Commands from configuration keys (ALERT_COMMAND), run without a shell:
 * the value split into words, the program found on PATH when it has no
 * '/', data written to its standard input, and its process group killed
 * when it overruns its deadline.
 */
#ifndef MS_CMDRUN_H
#define MS_CMDRUN_H

#include "ms.h"
#include "err.h"

enum {
	MS_CMDRUN_ARGS = 64,	/* words of one command */
	MS_CMDRUN_OUT = 4096	/* output kept for messages */
};

/* A command line split into words (argv points into buf). */
struct ms_cmdrun {
	char buf[4096 + PATH_MAX];
	char *argv[MS_CMDRUN_ARGS + 1];
	size_t argc;
	char **envp;	/* heap, pointers into environ; NULL: environ */
};

/*
 * Split line as a POSIX shell splits words, without expanding anything:
 * blanks separate; '...' keeps everything; "..." keeps all but \" \\ \$
 * \`; a backslash outside quotes keeps the next character.  The first
 * word without a '/' is looked up on PATH.  MS_E_INVAL (naming key) for
 * an empty line, an open quote, too many words or no such program.
 */
int ms_cmdrun_split(struct ms_cmdrun *cr, const char *key, const char *line,
		    struct ms_err *err);

/*
 * Give the command our environment without the secret keys of the
 * configuration (DB_PASSWORD, ACCESS_PASSWORD, ..., PROFILE_*_PASSWORD),
 * which a hook has no business reading.  Free with ms_cmdrun_release.
 */
int ms_cmdrun_env_public(struct ms_cmdrun *cr, struct ms_err *err);
void ms_cmdrun_release(struct ms_cmdrun *cr);

/* The checks of ms_cmdrun_split but PATH's: a config error early. */
int ms_cmdrun_check(const char *key, const char *line, struct ms_err *err);

/*
 * Run cr in a new session with in (len bytes) on its standard input
 * (then end of file), its output (standard output and error) kept, up to
 * MS_CMDRUN_OUT bytes, in out as a NUL-terminated string.  At deadline
 * the process group is killed (SIGKILL) and MS_E_TIMEOUT returned.
 * Otherwise returns the exit status, or 128 + the signal that ended it.
 */
int ms_cmdrun_feed(const struct ms_cmdrun *cr, const void *in, size_t len,
		   ms_msec_t deadline, char out[MS_CMDRUN_OUT],
		   struct ms_err *err);

#endif
