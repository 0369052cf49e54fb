/* Modulation class names (see sample.h). */
#include "sample.h"

static const char *const names[MS_MOD__COUNT] = {
	[MS_MOD_UNKNOWN] = "UNKNOWN",
	[MS_MOD_QPSK] = "QPSK",
	[MS_MOD_QAM16] = "QAM16",
	[MS_MOD_QAM64] = "QAM64",
};

const char *ms_mod_name(enum ms_mod m)
{
	return (unsigned)m < MS_MOD__COUNT ? names[m] : "UNKNOWN";
}

int ms_mod_parse(const char *s, enum ms_mod *out)
{
	size_t i;

	for (i = 0; i < MS_MOD__COUNT; i++) {
		if (!strcasecmp(s, names[i])) {
			*out = (enum ms_mod)i;
			return 0;
		}
	}
	return MS_E_INVAL;
}
