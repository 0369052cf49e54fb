/*
 * What modscan collects: one modulation sample per upstream channel per
 * device scan.  Shared by the parsers, the scanner, the store, the spool
 * and the report.
 */
#ifndef MS_SAMPLE_H
#define MS_SAMPLE_H

#include "ms.h"

enum {
	MS_DEVICE_MAX = 64,	/* device name, with its NUL */
	MS_UPSTREAM_MAX = 32,	/* upstream name as stored, with its NUL */
	MS_NODE_MAX = 64	/* fiber node name, with its NUL */
};

/* Modulation classes, worst to best; UNKNOWN for an unmapped code. */
enum ms_mod {
	MS_MOD_UNKNOWN = 0,
	MS_MOD_QPSK = 1,
	MS_MOD_QAM16 = 2,
	MS_MOD_QAM64 = 3,
	MS_MOD__COUNT
};

struct ms_sample {
	char device[MS_DEVICE_MAX];
	char upstream[MS_UPSTREAM_MAX];
	int32_t code;		/* modulation profile code as printed */
	uint8_t mod;		/* enum ms_mod */
	int64_t time;		/* unix seconds: start of the device scan */
};

/* "QAM64", "QAM16", "QPSK", "UNKNOWN". */
const char *ms_mod_name(enum ms_mod m);
/* The inverse, case-insensitive; MS_E_INVAL for anything else. */
int ms_mod_parse(const char *s, enum ms_mod *out);

#endif
