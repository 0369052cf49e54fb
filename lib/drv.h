/*
 * Device drivers: per family, the commands to send and what to make of
 * each answer, as a small pure state machine.  The session engine sends
 * what ms_drv_step asks for and hands back the raw output (everything up
 * to the prompt); the driver cleans it (cli.h), parses it (parse.h) and
 * gathers the records.  No I/O, no clock: deadlines are the engine's.
 */
#ifndef MS_DRV_H
#define MS_DRV_H

#include "ms.h"
#include "buf.h"
#include "err.h"
#include "modmap.h"
#include "parse.h"

enum ms_family {
#define DRV(name, KEY, label, legacy, paging, rule, markers, help) \
	MS_FAM_##name,
#include "drv.def"
#undef DRV
	MS_FAM__COUNT
};

enum {
	MS_DRV_CMD_MAX = 160,		/* one command, with its NUL */
	MS_DRV_CASA_FALLBACK_MAX = 20	/* upstreams the Casa fallback reads */
};

/* ms_drv_step results besides MS_E_* codes. */
enum { MS_DRV_DONE = 0, MS_DRV_SEND = 1 };

struct ms_drv;

/* What a family supplies (lib/drv_<name>.c). */
struct ms_drv_ops {
	/* The first data command, once paging is off. */
	const char *(*first)(struct ms_drv *d);
	/*
	 * The cleaned output of the last data command (not an error reply):
	 * parse it into d->recs; MS_DRV_SEND with d->cmd set, MS_DRV_DONE,
	 * or an MS_E_* code.
	 */
	int (*step)(struct ms_drv *d, const char *text, size_t len,
		    struct ms_err *err);
	/*
	 * Saved output (`scan --parse`): the channel listing in text, of
	 * interface iface (NULL: all; given only when iface is set below).
	 */
	int (*parse)(const char *iface, const char *text, size_t len,
		     const struct ms_modmap *map, struct ms_chanlist *out,
		     struct ms_err *err);
	/*
	 * Saved output without an interface: when text lists the device's
	 * interfaces, 1 and their names as --interface takes them into out,
	 * a line each; 0 when it is not such a listing.  NULL when the
	 * family has none.
	 */
	int (*interfaces)(const char *text, size_t len, struct ms_buf *out,
			  struct ms_err *err);
	bool iface;	/* parse takes an interface */
};

struct ms_drv_family {
	const char *name;		/* "e6000" */
	const char *paging_off;		/* command */
	const char *rule;		/* default hostname rule */
	const char *markers;		/* `show version` words */
	const struct ms_drv_ops *ops;
};

extern const struct ms_drv_family ms_drv_families[MS_FAM__COUNT];

struct ms_drv {
	enum ms_family fam;
	const struct ms_modmap *map;	/* borrowed */
	int state;			/* 0: paging off sent; then the family's */
	size_t next;			/* next name of names to ask about */
	size_t commands;		/* commands asked for so far */
	char cmd[MS_DRV_CMD_MAX];	/* the command being answered */
	struct ms_chanlist recs;	/* the result */
	struct ms_namelist names;	/* discovery: domains or upstreams */
	struct ms_descrlist descr;	/* interface descriptions seen */
	struct ms_buf text;		/* cleaned output of one command */
};

/* The family called name (a row of drv.def), or MS_E_NOENT. */
int ms_drv_family(const char *name);

/* The name of family fam; "?" for a bad value. */
const char *ms_drv_name(int fam);

/*
 * Family by hostname: rules "PATTERN=family[,...]" (HOSTNAME_RULES; NULL
 * or "" for the legacy defaults of drv.def), tried in order against the
 * upper-cased host, PATTERN matched anywhere with '#' standing for a
 * digit.  Returns the family, MS_E_NOENT when no rule matches, MS_E_INVAL
 * for bad rules (err says which).
 */
int ms_drv_family_by_host(const char *rules, const char *host,
			  struct ms_err *err);

/* Family from `show version` output, or MS_E_NOENT. */
int ms_drv_family_by_banner(const char *s, size_t len);

/*
 * "e6000, casa, cbr8": every family name, for messages; in a static
 * buffer built once.
 */
const char *ms_drv_names(void);

/*
 * Family of a device as the scanner resolves it before it connects: the
 * family the devices file gives (NULL or "": none), else HOSTNAME_RULES
 * (rules) on the device name.  MS_E_NOENT when neither says; MS_E_INVAL
 * for an unknown family or bad rules (err says which).
 */
int ms_drv_family_of(const char *family, const char *rules,
		     const char *name, struct ms_err *err);

/*
 * The channel-listing parser of fam on cleaned text, for saved output
 * (`scan --parse`): iface names the interface (see the family's help in
 * drv.def; NULL: all); MS_E_INVAL for a family that takes none.
 */
int ms_drv_parse(int fam, const char *iface, const char *text, size_t len,
		 const struct ms_modmap *map, struct ms_chanlist *out,
		 struct ms_err *err);

/* Set up d for one device session; map is borrowed for d's lifetime. */
void ms_drv_init(struct ms_drv *d, enum ms_family fam,
		 const struct ms_modmap *map);
void ms_drv_release(struct ms_drv *d);

/* The first command to send: the family's paging-off command. */
const char *ms_drv_start(struct ms_drv *d);

/*
 * The raw output of the command last asked for.  Returns MS_DRV_SEND with
 * *cmd the next command, MS_DRV_DONE when d->recs holds the device's
 * channels (d->recs.partial set when output was cut or rows did not
 * parse), or a failure: MS_E_REMOTE for an error reply to a data command,
 * MS_E_PARSE when no upstream was parsed, MS_E_NOMEM, MS_E_TOOBIG.  A
 * failed paging-off command is not fatal: the engine answers pagers.
 */
int ms_drv_step(struct ms_drv *d, const char *raw, size_t len,
		const char **cmd, struct ms_err *err);

/* For drivers: ask for the command printf(fmt, ...) next. */
int ms_drv_ask(struct ms_drv *d, struct ms_err *err, const char *fmt, ...)
	MS_PRINTF(3, 4);

#endif
