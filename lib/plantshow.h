/*
 * Plant alert events for people and programs: one line of text each (the
 * scanner's log, `status`), and the "plant_alerts" array of
 * `status --json`.
 */
#ifndef MS_PLANTSHOW_H
#define MS_PLANTSHOW_H

#include "ms.h"
#include "alert.h"
#include "buf.h"
#include "err.h"
#include "plantalert.h"

/*
 * "KIND DEVICE[ UPSTREAM][ node NODE][ MODULATION] since TIME, VALUE
 * UNIT", without a newline: the unit says what value counts.
 */
int ms_plantshow_line(const struct ms_alert_event *e, struct ms_buf *out);

/*
 * Add "plant_alerts": [{kind, device, upstream, node, modulation, since,
 * since_iso, value}, ...] to the JSON object that json holds (one line,
 * as ms_health_json wrote it), rewriting it.
 */
int ms_plantshow_json(struct ms_buf *json, const struct ms_plantalert_out *open,
		      struct ms_err *err);

#endif
