/*
 * Modulation profile code -> modulation class.  One table for every
 * family (CCAP-FORMATS.md section 3): the legacy map by default, with
 * MODULATION_MAP ("221=QAM64,310=QPSK") laid over it.
 */
#ifndef MS_MODMAP_H
#define MS_MODMAP_H

#include "ms.h"
#include "err.h"
#include "sample.h"

enum {
	MS_MODMAP_MAX = 256,		/* distinct codes in one map */
	MS_MODMAP_CODE_MAX = 999999	/* largest profile code accepted */
};

struct ms_modmap {
	size_t n;
	struct {
		int32_t code;
		uint8_t mod;	/* enum ms_mod */
	} e[MS_MODMAP_MAX];
};

/* Fill m with the legacy map (QAM64 202 224 228 364, QAM16 204 227 316,
 * QPSK 220 222 226 300). */
void ms_modmap_init(struct ms_modmap *m);

/*
 * Overlay "CODE=MOD[,CODE=MOD...]" (blanks allowed around items; MOD is
 * QAM64, QAM16, QPSK or UNKNOWN, any case) on m.  A later item replaces an
 * earlier code.  On error m is unchanged: MS_E_INVAL, or MS_E_TOOBIG when
 * the map would pass MS_MODMAP_MAX codes.
 */
int ms_modmap_parse(struct ms_modmap *m, const char *s, struct ms_err *err);

/* Set one code; MS_E_TOOBIG when the map is full. */
int ms_modmap_set(struct ms_modmap *m, int32_t code, enum ms_mod mod);

/* The class of code; MS_MOD_UNKNOWN when it is not in the map. */
enum ms_mod ms_modmap_get(const struct ms_modmap *m, int32_t code);

#endif
