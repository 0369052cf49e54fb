/* Checked number parsing (see num.h). */
#include "num.h"

#include <math.h>

int ms_parse_lln(const char *s, size_t len, long long min, long long max,
		 long long *out)
{
	unsigned long long v = 0, lim;
	bool neg = false;
	size_t i = 0;

	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	if (i == len)
		return MS_E_INVAL;
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return MS_E_INVAL;
		if (v > (lim - d) / 10) {
			/* keep scanning: "12x" with overflow is still INVAL */
			for (i++; i < len; i++)
				if ((unsigned)((unsigned char)s[i] - '0') > 9)
					return MS_E_INVAL;
			return MS_E_RANGE;
		}
		v = v * 10 + d;
	}
	if (neg) {
		long long sv = v == (unsigned long long)LLONG_MAX + 1 ?
			LLONG_MIN : -(long long)v;
		if (sv < min || sv > max)
			return MS_E_RANGE;
		*out = sv;
		return 0;
	}
	if ((long long)v < min || (long long)v > max)
		return MS_E_RANGE;
	*out = (long long)v;
	return 0;
}

int ms_parse_ll(const char *s, long long min, long long max, long long *out)
{
	return ms_parse_lln(s, strlen(s), min, max, out);
}

int ms_parse_int(const char *s, int min, int max, int *out)
{
	long long v;
	int r;

	if ((r = ms_parse_ll(s, min, max, &v)) < 0)
		return r;
	*out = (int)v;
	return 0;
}

int ms_parse_double(const char *s, double min, double max, double *out)
{
	const char *p = s;
	bool digits = false;
	char *end;
	double v;

	if (*p == '-' || *p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		digits = true;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits = true;
	if (!digits || *p)
		return MS_E_INVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return MS_E_RANGE;
	if (v < min || v > max)
		return MS_E_RANGE;
	*out = v;
	return 0;
}

int ms_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < MS_ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return MS_E_INVAL;
}
