/*
 * What the family parsers share: the bounded channel list they fill, the
 * bounded name list of discovery commands, and small text helpers.  The
 * parsers (parse_<family>.c) are pure: text in, records out; they take
 * text cleaned by ms_cli_clean but survive any bytes.
 */
#ifndef MS_PARSE_H
#define MS_PARSE_H

#include "ms.h"
#include "buf.h"
#include "cli.h"
#include "err.h"
#include "modmap.h"
#include "nodemap.h"
#include "sample.h"

enum {
	MS_CHAN_MAX = 4096,	/* channels from one device */
	MS_NAMES_MAX = 512,	/* names from one discovery command */
	MS_PARSE_FIELDS = 16,	/* fields of a row the parsers look at */
	MS_DESCR_LIST_MAX = 2 * MS_NAMES_MAX	/* descriptions of a device */
};

struct ms_chan {
	char upstream[MS_UPSTREAM_MAX];	/* as the legacy tool spelled it */
	int32_t code;			/* profile code as printed */
	uint8_t mod;			/* enum ms_mod */
};

/*
 * Records of one device (or one command), one per upstream: the first
 * occurrence wins, later ones only count in dups.  Parsers append, so a
 * driver can gather several commands into one list.
 */
struct ms_chanlist {
	struct ms_chan *v;	/* MS_CHAN_MAX entries once the first is added */
	size_t n;
	size_t dups;		/* repeated upstreams (warnings) */
	size_t bad_rows;	/* data-looking rows that did not parse */
	size_t unknown;		/* records whose code is not in the map */
	bool listing;		/* a header or a data row was seen */
	bool partial;		/* output cut (see ms_cli_result) */
	bool failed;		/* error reply: reason says which */
	char reason[MS_CLI_REASON_MAX];
	uint16_t *hash;		/* open addressing over v, 2 * MS_CHAN_MAX */
};

void ms_chanlist_init(struct ms_chanlist *l);
void ms_chanlist_release(struct ms_chanlist *l);
/* Empty the list and its counters, keeping the memory. */
void ms_chanlist_reset(struct ms_chanlist *l);

/*
 * Add upstream (up[0..len)) with code, classed through map.  Returns 1 when
 * added, 0 for a duplicate (counted), MS_E_INVAL for an empty or too long
 * name, MS_E_TOOBIG past MS_CHAN_MAX, MS_E_NOMEM.
 */
int ms_chanlist_add(struct ms_chanlist *l, const char *up, size_t len,
		    int32_t code, const struct ms_modmap *map,
		    struct ms_err *err);

/* Index of upstream up in l, or -1. */
long ms_chanlist_find(const struct ms_chanlist *l, const char *up,
		      size_t len);

/* Names found by a discovery command, in order, deduplicated. */
struct ms_namelist {
	size_t n;
	size_t dropped;		/* names past MS_NAMES_MAX */
	bool listing;		/* a header or a data row was seen */
	char v[MS_NAMES_MAX][MS_UPSTREAM_MAX];
};

void ms_namelist_init(struct ms_namelist *l);
/* Append unless present; 1 added, 0 present or dropped, MS_E_INVAL for a
 * name that does not fit. */
int ms_namelist_add(struct ms_namelist *l, const char *s, size_t len);

/* Interface descriptions a device printed, in order, the first of each
 * interface kept; at most MS_DESCR_LIST_MAX. */
struct ms_descr {
	char iface[MS_UPSTREAM_MAX];
	char text[MS_NODE_DESCR_MAX];
};

struct ms_descrlist {
	struct ms_descr *v;
	size_t n, cap;
};

void ms_descrlist_init(struct ms_descrlist *l);
void ms_descrlist_release(struct ms_descrlist *l);
/*
 * Add iface's description text (both NUL-free, not terminated): 1 added,
 * 0 when iface has one or the list is full, MS_E_INVAL when either does
 * not fit or text holds a control character, MS_E_NOMEM.
 */
int ms_descrlist_add(struct ms_descrlist *l, const char *iface,
		     size_t ilen, const char *text, size_t tlen);
/*
 * The description of upstream: its own (`1/0/1/2`), else that of the
 * interface its name extends (`1/0/1`); NULL when neither is described.
 */
const char *ms_descrlist_of(const struct ms_descrlist *l,
			    const char *upstream);

/*
 * ms_cli_clean on raw into text, and its verdict into l (partial, failed,
 * reason).  Returns 0 or MS_E_NOMEM / MS_E_TOOBIG.
 */
int ms_parse_clean(const char *raw, size_t len, struct ms_buf *text,
		   struct ms_chanlist *l, struct ms_err *err);

/* A blank-separated field of a line. */
struct ms_field {
	const char *p;
	size_t n;
};

/*
 * Split line[0..len) on blanks into at most max fields; returns the total
 * number of fields, which may exceed max (the rest are not stored).
 */
size_t ms_parse_fields(const char *line, size_t len, struct ms_field *f,
		       size_t max);

/*
 * The next line of s[*pos..len) (without its '\n') in *line / *n; false at
 * the end.  A last line without '\n' counts as a line.
 */
bool ms_parse_line(const char *s, size_t len, size_t *pos, const char **line,
		   size_t *n);

/* Field f equals the NUL-terminated word w exactly. */
bool ms_parse_is(const struct ms_field *f, const char *w);

/* One of the first MS_PARSE_FIELDS of nf fields is exactly w. */
bool ms_parse_has(const struct ms_field *f, size_t nf, const char *w);

/* The field is a profile code; *code set.  */
bool ms_parse_code(const struct ms_field *f, int32_t *code);

/*
 * A run of decimal digits at s[*i..n), advancing *i; false when there is
 * none.  For names such as `5/0/3`.
 */
bool ms_parse_digits(const char *s, size_t n, size_t *i);

/* The family parsers: see parse_<family>.c for the rules. */
int ms_parse_e6000(const char *s, size_t len, const struct ms_modmap *map,
		   struct ms_chanlist *out, struct ms_err *err);
int ms_parse_casa(const char *s, size_t len, const struct ms_modmap *map,
		  struct ms_chanlist *out, struct ms_err *err);
int ms_parse_casa_upstream(const char *s, size_t len, const char *upstream,
			   const struct ms_modmap *map,
			   struct ms_chanlist *out, struct ms_err *err);
int ms_parse_casa_summary(const char *s, size_t len,
			  struct ms_namelist *out, struct ms_err *err);
int ms_parse_cbr8(const char *s, size_t len, const struct ms_modmap *map,
		  struct ms_chanlist *out, struct ms_err *err);
/* Only blocks of MAC domain `S/C/P` (NULL: any). */
int ms_parse_cbr8_domain(const char *s, size_t len, const char *domain,
			 const struct ms_modmap *map,
			 struct ms_chanlist *out, struct ms_err *err);
/* `Cable1/0/1`, `C1/0/1`, `c1/0/1` or `1/0/1` -> `1/0/1`; MS_E_INVAL. */
int ms_parse_cbr8_domain_name(const char *in, char *out, size_t size);
/*
 * MAC domains `S/C/P` from `show cable modem summary`; with descr (NULL:
 * none), the Description column too: a row whose ten counts are numbers
 * and that goes on past them describes its interface (`S/C/P` for a `UB`
 * row, `S/C/P/n` for `Un`) with the rest of the line.
 */
int ms_parse_cbr8_summary(const char *s, size_t len,
			  struct ms_namelist *out, struct ms_descrlist *descr,
			  struct ms_err *err);

#endif
