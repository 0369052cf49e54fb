/* The report's family of a device: the scanner's resolution (drv.h). */
#include "report_family.h"

#include "buf.h"
#include "drv.h"

enum { WARNINGS_MAX = 1 << 20 };

int ms_report_family_init(struct ms_report_family *f, const char *devices,
			  const char *rules, struct ms_err *err)
{
	struct ms_buf warnings;
	int r;

	ms_inventory_init(&f->inv);
	f->rules = rules;
	/* Every item of the rules is checked, whatever the name. */
	if (ms_drv_family_by_host(rules, "", err) == MS_E_INVAL)
		return MS_E_INVAL;
	if (!devices || !*devices)
		return 0;
	ms_buf_init(&warnings, WARNINGS_MAX);
	r = ms_inventory_load(&f->inv, devices, &warnings, err);
	if (r == MS_E_SYS && errno == ENOENT)
		r = MS_E_NOENT;
	ms_buf_release(&warnings);
	if (r < 0)
		ms_err_prefix(err, "DEVICES_FILE");
	return r < 0 ? r : 0;
}

void ms_report_family_release(struct ms_report_family *f)
{
	ms_inventory_release(&f->inv);
}

const char *ms_report_family_of(const char *device, void *ctx)
{
	const struct ms_report_family *f = ctx;
	const struct ms_device *d = f ? ms_inventory_find(&f->inv, device)
				      : NULL;
	int fam;

	fam = ms_drv_family_of(d ? d->family : NULL, f ? f->rules : NULL,
			       device, NULL);
	return fam >= 0 ? ms_drv_name(fam) : "other";
}
