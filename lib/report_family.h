/*
 * The family of a device in the report, resolved as the scanner resolves
 * it before it connects: the devices file's family, else HOSTNAME_RULES
 * on the name (drv.h: ms_drv_family_of).
 */
#ifndef MS_REPORT_FAMILY_H
#define MS_REPORT_FAMILY_H

#include "ms.h"
#include "err.h"
#include "inventory.h"

struct ms_report_family {
	struct ms_inventory inv;	/* the devices file; empty: none */
	const struct ms_device **by_name;	/* inv.v sorted, for lookups */
	const char *rules;		/* HOSTNAME_RULES, borrowed */
};

/*
 * Load the devices file devices (NULL or "": none; its bad lines are the
 * scanner's to report and are skipped) and check rules (NULL or "": the
 * default rules of drv.def).  MS_E_INVAL for bad rules, MS_E_NOENT for a
 * missing devices file, else as ms_inventory_load.
 */
int ms_report_family_init(struct ms_report_family *f, const char *devices,
			  const char *rules, struct ms_err *err);
void ms_report_family_release(struct ms_report_family *f);

/*
 * A struct ms_report_opts family callback: the family name of device,
 * "other" when neither the devices file nor the rules say.  ctx is a
 * struct ms_report_family, or NULL for the default rules alone.
 */
const char *ms_report_family_of(const char *device, void *ctx);

#endif
