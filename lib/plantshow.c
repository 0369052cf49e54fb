/*
 * Plant alert events as text and JSON (see plantshow.h).
 */
#include "plantshow.h"

#include <cjson/cJSON.h>

#include "mstime.h"

static const char *unit(const char *kind)
{
	if (!strcmp(kind, MS_EV_DEVICE_DEGRADED) ||
	    !strcmp(kind, MS_EV_DEVICE_UNDEGRADED))
		return "upstreams below QAM64";
	if (!strcmp(kind, MS_EV_DEVICE_FAILING) ||
	    !strcmp(kind, MS_EV_DEVICE_RECOVERED))
		return "failed scans in a row";
	return "min below QAM64";
}

int ms_plantshow_line(const struct ms_alert_event *e, struct ms_buf *out)
{
	char iso[MS_ISO_MAX];

	return ms_buf_printf(out, "%s %s%s%s%s%s%s%s since %s, %lld %s",
			     e->kind, e->device, e->upstream[0] ? " " : "",
			     e->upstream, e->node[0] ? " node " : "", e->node,
			     e->modulation[0] ? " " : "", e->modulation,
			     ms_time_iso(e->since * 1000, iso),
			     (long long)e->value, unit(e->kind));
}

static bool add_event(cJSON *arr, const struct ms_alert_event *e)
{
	cJSON *o = cJSON_CreateObject();
	char iso[MS_ISO_MAX];

	if (!o)
		return false;
	if (!cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return false;
	}
	return cJSON_AddStringToObject(o, "kind", e->kind) &&
	       cJSON_AddStringToObject(o, "device", e->device) &&
	       cJSON_AddStringToObject(o, "upstream", e->upstream) &&
	       cJSON_AddStringToObject(o, "node", e->node) &&
	       cJSON_AddStringToObject(o, "modulation", e->modulation) &&
	       cJSON_AddNumberToObject(o, "since", (double)e->since) &&
	       cJSON_AddStringToObject(o, "since_iso",
				       ms_time_iso(e->since * 1000, iso)) &&
	       cJSON_AddNumberToObject(o, "value", (double)e->value);
}

int ms_plantshow_json(struct ms_buf *json, const struct ms_plantalert_out *open,
		      struct ms_err *err)
{
	cJSON *root = cJSON_ParseWithLength(json->p, json->len), *arr = NULL;
	char *text = NULL;
	size_t i;
	bool good;
	int r = MS_E_NOMEM;

	good = root && (arr = cJSON_AddArrayToObject(root, "plant_alerts"));
	for (i = 0; good && i < open->n; i++)
		good = add_event(arr, &open->v[i]);
	if (good && (text = cJSON_PrintUnformatted(root))) {
		json->len = 0;
		r = ms_buf_printf(json, "%s\n", text);
	}
	cJSON_free(text);
	cJSON_Delete(root);
	if (r < 0)
		return ms_err_set(err, r, "cannot render the plant alerts: %s",
				  ms_strerror(r));
	return 0;
}
