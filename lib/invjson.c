/*
 * DEVICES_URL's JSON answer into devices-file lines (see invsrc.h): the
 * old inventory API answered {"status": 200, "data": [{"HostName":
 * ...}, ...]}.
 */
#include "invsrc.h"

#include <cjson/cJSON.h>

enum { COLS = 6, FIELD_MAX = 64 };

static const char *const columns[COLS] = {
	"name", "host", "port", "family", "profile", "group"
};

/* "name=HostName,host=Address" into one field name per column. */
static int parse_fields(const char *spec, char f[COLS][FIELD_MAX],
			struct ms_err *err)
{
	const char *p = spec;
	size_t i;

	memset(f, 0, sizeof(char[COLS][FIELD_MAX]));
	while (*p) {
		size_t n = strcspn(p, ","), k = strcspn(p, "=");

		for (i = 0; i < COLS && k < n; i++)
			if (strlen(columns[i]) == k &&
			    !memcmp(p, columns[i], k))
				break;
		if (k >= n || i == COLS || n - k - 1 >= FIELD_MAX ||
		    n == k + 1)
			return ms_err_set(err, MS_E_INVAL,
					  "DEVICES_URL_FIELDS: '%.*s' is not "
					  "COLUMN=Field (columns name, host, "
					  "port, family, profile, group)",
					  (int)MS_MIN(n, 80), p);
		memcpy(f[i], p + k + 1, n - k - 1);
		p += n;
		if (*p == ',')
			p++;
	}
	if (!f[0][0])
		return ms_err_set(err, MS_E_INVAL, "DEVICES_URL_FIELDS: no "
				  "name=Field");
	return 0;
}

/* A field's value as text into out ("" when absent or null). */
static bool value(const cJSON *o, const char *field, char *out, size_t size)
{
	const cJSON *v = *field ? cJSON_GetObjectItemCaseSensitive(o, field)
				: NULL;

	out[0] = '\0';
	if (cJSON_IsString(v))
		snprintf(out, size, "%s", v->valuestring);
	else if (cJSON_IsNumber(v))
		snprintf(out, size, "%.0f", v->valuedouble);
	return !out[0] || !strpbrk(out, " \t\r\n#");
}

/* One object as "NAME HOST PORT FAMILY [PROFILE [GROUP]]". */
static int one(const cJSON *o, char f[COLS][FIELD_MAX], unsigned idx,
	       struct ms_buf *out, struct ms_buf *warnings)
{
	static const char *const dflt[COLS] = { "", "", "22", "-", "", "" };
	char v[COLS][256];
	size_t i;

	for (i = 0; i < COLS; i++)
		if (!cJSON_IsObject(o) || !value(o, f[i], v[i], sizeof(v[i]))) {
			ms_buf_printf(warnings, "DEVICES_URL: entry %u: not "
				      "an object or a blank in '%s', "
				      "skipping\n", idx, f[i]);
			return 0;
		}
	if (!v[0][0]) {
		ms_buf_printf(warnings, "DEVICES_URL: entry %u: no '%s', "
			      "skipping\n", idx, f[0]);
		return 0;
	}
	if (!v[1][0])
		snprintf(v[1], sizeof(v[1]), "%s", v[0]);
	for (i = 2; i < COLS - 1; i++)
		if (!v[i][0])
			snprintf(v[i], sizeof(v[i]), "%s", dflt[i]);
	if (v[5][0] && !v[4][0])	/* a group after no profile */
		snprintf(v[4], sizeof(v[4]), "-");
	return ms_buf_printf(out, "%s %s %s %s%s%s%s%s\n", v[0], v[1], v[2],
			     v[3], v[4][0] ? " " : "", v[4], v[5][0] ? " " : "",
			     v[5]);
}

/* The device list of the answer into *list. */
static int device_list(const cJSON *root, const cJSON **list,
		       struct ms_err *err)
{
	const cJSON *st;
	char sv[32] = "?";

	*list = root;
	if (cJSON_IsArray(root))
		return 0;
	if (!cJSON_IsObject(root))
		return ms_err_set(err, MS_E_PARSE, "JSON that is neither a "
				  "list nor an object");
	st = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (cJSON_IsNumber(st))
		snprintf(sv, sizeof(sv), "%.0f", st->valuedouble);
	else if (cJSON_IsString(st))
		snprintf(sv, sizeof(sv), "'%.20s'", st->valuestring);
	if (st && strcmp(sv, "200") && strcmp(sv, "'200'"))
		return ms_err_set(err, MS_E_REMOTE, "the answer says status "
				  "%s", sv);
	*list = cJSON_GetObjectItemCaseSensitive(root, "data");
	if (!cJSON_IsArray(*list))
		return ms_err_set(err, MS_E_PARSE, "JSON without a \"data\" "
				  "list");
	return 0;
}

int ms_invsrc_from_json(const char *body, size_t len, const char *fields,
			struct ms_buf *out, struct ms_buf *warnings,
			struct ms_err *err)
{
	char f[COLS][FIELD_MAX];
	const cJSON *list, *o;
	cJSON *root;
	size_t i = 0;
	unsigned idx = 0;
	int r;

	while (i < len && (body[i] == ' ' || body[i] == '\t' ||
			   body[i] == '\r' || body[i] == '\n'))
		i++;
	if (i == len || (body[i] != '{' && body[i] != '['))
		return ms_buf_add(out, body, len) < 0 ?
			ms_err_set(err, MS_E_TOOBIG, "answer too big") : 0;
	if ((r = parse_fields(fields, f, err)) < 0)
		return r;
	if (!(root = cJSON_ParseWithLength(body, len)))
		return ms_err_set(err, MS_E_PARSE, "the answer is not valid "
				  "JSON");
	if ((r = device_list(root, &list, err)) < 0)
		goto out;
	cJSON_ArrayForEach(o, list)
		if ((r = one(o, f, ++idx, out, warnings)) < 0) {
			r = ms_err_set(err, MS_E_TOOBIG, "answer too big");
			break;
		}
out:
	cJSON_Delete(root);
	return r < 0 ? r : 0;
}
