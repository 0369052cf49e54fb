/* The profile-code map: legacy default and MODULATION_MAP overlays. */
#include "harness.h"

#include "modmap.h"

static const struct {
	int32_t code;
	enum ms_mod mod;
} legacy[] = {
	{ 202, MS_MOD_QAM64 }, { 224, MS_MOD_QAM64 }, { 228, MS_MOD_QAM64 },
	{ 364, MS_MOD_QAM64 }, { 204, MS_MOD_QAM16 }, { 227, MS_MOD_QAM16 },
	{ 316, MS_MOD_QAM16 }, { 220, MS_MOD_QPSK }, { 222, MS_MOD_QPSK },
	{ 226, MS_MOD_QPSK }, { 300, MS_MOD_QPSK }, { 221, MS_MOD_UNKNOWN },
	{ 0, MS_MOD_UNKNOWN }, { 209, MS_MOD_UNKNOWN },
};

static const struct {
	const char *map;
	int ret;
	int32_t code;
	enum ms_mod mod;	/* class of code afterwards */
} overlays[] = {
	{ "221=QAM64,310=QPSK", 0, 221, MS_MOD_QAM64 },
	{ "221=QAM64,310=QPSK", 0, 310, MS_MOD_QPSK },
	{ " 202 = qam16 , ", 0, 202, MS_MOD_QAM16 },
	{ "202=UNKNOWN", 0, 202, MS_MOD_UNKNOWN },
	{ "", 0, 202, MS_MOD_QAM64 },
	{ "221=QAM64,221=QPSK", 0, 221, MS_MOD_QPSK },
	{ "221=QAM256", MS_E_INVAL, 221, MS_MOD_UNKNOWN },
	{ "221", MS_E_INVAL, 221, MS_MOD_UNKNOWN },
	{ "x=QAM64", MS_E_INVAL, 202, MS_MOD_QAM64 },
	{ "-1=QAM64", MS_E_INVAL, 202, MS_MOD_QAM64 },
	{ "1000000=QAM64", MS_E_INVAL, 202, MS_MOD_QAM64 },
	{ "221=QAM64,bad", MS_E_INVAL, 221, MS_MOD_UNKNOWN },
};

int main(void)
{
	struct ms_modmap m;
	struct ms_err err = { 0 };
	char big[8192];
	size_t i, n = 0;
	int r;

	ms_modmap_init(&m);
	for (i = 0; i < MS_ARRAY_SIZE(legacy); i++)
		is_int(ms_modmap_get(&m, legacy[i].code), legacy[i].mod,
		       "legacy %d is %s", (int)legacy[i].code,
		       ms_mod_name(legacy[i].mod));
	for (i = 0; i < MS_ARRAY_SIZE(overlays); i++) {
		ms_modmap_init(&m);
		r = ms_modmap_parse(&m, overlays[i].map, &err);
		is_int(r, overlays[i].ret, "'%s' returns %d", overlays[i].map,
		       overlays[i].ret);
		is_int(ms_modmap_get(&m, overlays[i].code), overlays[i].mod,
		       "'%s': %d is %s", overlays[i].map,
		       (int)overlays[i].code, ms_mod_name(overlays[i].mod));
		if (r < 0)
			ok(strstr(err.msg, "MODULATION_MAP") != NULL,
			   "'%s': error names the key: %s", overlays[i].map,
			   err.msg);
	}
	for (i = 0; i < MS_MODMAP_MAX && n + 16 < sizeof(big); i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "%zu=QPSK,",
				      1000 + i);
	ms_modmap_init(&m);
	is_int(ms_modmap_parse(&m, big, &err), MS_E_TOOBIG,
	       "more codes than the map holds: TOOBIG");
	is_int(ms_modmap_get(&m, 202), MS_MOD_QAM64,
	       "a failed overlay leaves the map unchanged");
	return done_testing();
}
