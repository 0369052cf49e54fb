/*
 * What the applets share: their entry points (from applets.def) and the
 * common start-up steps (configuration, messages).
 */
#ifndef MS_APPLETS_H
#define MS_APPLETS_H

#include "ms.h"
#include "conf.h"

#define APPLET(name, desc) \
	int ms_##name##_main(int argc, char **argv); \
	extern const char ms_##name##_usage[];
#include "applets.def"
#undef APPLET

/* Exit statuses (STYLE.md). */
enum {
	MS_EXIT_OK = 0,
	MS_EXIT_FAIL = 1,
	MS_EXIT_USAGE = 2,
	MS_EXIT_UNKNOWN_APPLET = 127
};

/* The applet running now, for messages ("scan"). */
extern const char *ms_applet_name;

/* "modscan <applet>: <message>" on stderr. */
void ms_applet_error(const char *fmt, ...) MS_PRINTF(1, 2);

/*
 * ms_conf_init + ms_conf_load(path), printing warnings and the error.
 * Returns 0, or MS_EXIT_USAGE after printing why.
 */
int ms_applet_conf(struct ms_conf *c, const char *path);

/*
 * The runtime directories (ms_rundir_check; create makes a missing
 * RUN_DIR): 0, or the exit status after printing why (MS_EXIT_USAGE for
 * an unsafe directory).  Before anything is started or written.
 */
int ms_applet_rundir(const struct ms_conf *c, bool create);

/*
 * For an unknown option or a missing argument (getopt_long already said
 * which): "Try 'modscan <applet> --help'." and MS_EXIT_USAGE.
 */
int ms_applet_usage_error(void);

/* Usage on stdout for --help. */
int ms_applet_help(const char *usage);

#endif
