/* Profile code -> modulation class: the legacy map plus MODULATION_MAP. */
#include "modmap.h"

#include "num.h"

static const struct {
	int32_t code;
	enum ms_mod mod;
} legacy[] = {
	{ 202, MS_MOD_QAM64 }, { 224, MS_MOD_QAM64 }, { 228, MS_MOD_QAM64 },
	{ 364, MS_MOD_QAM64 }, { 204, MS_MOD_QAM16 }, { 227, MS_MOD_QAM16 },
	{ 316, MS_MOD_QAM16 }, { 220, MS_MOD_QPSK }, { 222, MS_MOD_QPSK },
	{ 226, MS_MOD_QPSK }, { 300, MS_MOD_QPSK },
};

void ms_modmap_init(struct ms_modmap *m)
{
	size_t i;

	m->n = 0;
	for (i = 0; i < MS_ARRAY_SIZE(legacy); i++)
		ms_modmap_set(m, legacy[i].code, legacy[i].mod);
}

int ms_modmap_set(struct ms_modmap *m, int32_t code, enum ms_mod mod)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->e[i].code == code) {
			m->e[i].mod = (uint8_t)mod;
			return 0;
		}
	}
	if (m->n >= MS_MODMAP_MAX)
		return MS_E_TOOBIG;
	m->e[m->n].code = code;
	m->e[m->n].mod = (uint8_t)mod;
	m->n++;
	return 0;
}

enum ms_mod ms_modmap_get(const struct ms_modmap *m, int32_t code)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->e[i].code == code)
			return (enum ms_mod)m->e[i].mod;
	}
	return MS_MOD_UNKNOWN;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One "CODE=MOD" item of len bytes, blanks already trimmed. */
static int parse_item(struct ms_modmap *m, const char *s, size_t len,
		      struct ms_err *err)
{
	const char *eq = memchr(s, '=', len);
	char mod[16];
	size_t cl, ml;
	long long code;
	enum ms_mod cls;

	if (!eq)
		return ms_err_set(err, MS_E_INVAL,
				  "'%.*s': expected CODE=MODULATION", (int)len,
				  s);
	for (cl = (size_t)(eq - s); cl && blank(s[cl - 1]); cl--)
		;
	for (eq++; eq < s + len && blank(*eq); eq++)
		;
	ml = (size_t)(s + len - eq);
	if (ms_parse_lln(s, cl, 0, MS_MODMAP_CODE_MAX, &code) < 0)
		return ms_err_set(err, MS_E_INVAL,
				  "'%.*s': '%.*s' is not a profile code",
				  (int)len, s, (int)cl, s);
	if (ml < sizeof(mod)) {
		memcpy(mod, eq, ml);
		mod[ml] = 0;
	}
	if (ml >= sizeof(mod) || ms_mod_parse(mod, &cls) < 0)
		return ms_err_set(err, MS_E_INVAL,
				  "'%.*s': modulation must be QAM64, QAM16, "
				  "QPSK or UNKNOWN", (int)len, s);
	if (ms_modmap_set(m, (int32_t)code, cls) < 0)
		return ms_err_set(err, MS_E_TOOBIG,
				  "more than %d profile codes", MS_MODMAP_MAX);
	return 0;
}

int ms_modmap_parse(struct ms_modmap *m, const char *s, struct ms_err *err)
{
	struct ms_modmap tmp = *m;
	const char *p = s, *end;
	size_t len;
	int r;

	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		while (p < end && blank(*p))
			p++;
		for (len = (size_t)(end - p); len && blank(p[len - 1]); len--)
			;
		if (len && (r = parse_item(&tmp, p, len, err)) < 0) {
			ms_err_prefix(err, "MODULATION_MAP");
			return r;
		}
		p = *end ? end + 1 : end;
	}
	*m = tmp;
	return 0;
}
