/*
 * Checked number parsing (the ms_parse_* helpers; atoi and friends are
 * banned).  The whole string must be the number: no sign games, no
 * trailing garbage, bounds checked.
 */
#ifndef MS_NUM_H
#define MS_NUM_H

#include "ms.h"

/*
 * Decimal integer in [min, max] from s[0..len).  MS_E_INVAL if it is not a
 * number, MS_E_RANGE if it is out of bounds.
 */
int ms_parse_lln(const char *s, size_t len, long long min, long long max,
		 long long *out);
/* The same for a NUL-terminated string. */
int ms_parse_ll(const char *s, long long min, long long max, long long *out);
int ms_parse_int(const char *s, int min, int max, int *out);

/* Decimal number with an optional fraction ("12", "0.25", "-3.5"). */
int ms_parse_double(const char *s, double min, double max, double *out);

/* yes/no, true/false, on/off, 1/0 (any case). */
int ms_parse_bool(const char *s, bool *out);

#endif
