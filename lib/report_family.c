/* The report's family of a device: the scanner's resolution (drv.h). */
#include "report_family.h"

#include "buf.h"
#include "drv.h"

enum { WARNINGS_MAX = 1 << 20 };

static int by_name(const void *a, const void *b)
{
	const struct ms_device *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

int ms_report_family_init(struct ms_report_family *f, const char *devices,
			  const char *rules, struct ms_err *err)
{
	struct ms_buf warnings;
	size_t i;
	int r;

	ms_inventory_init(&f->inv);
	f->by_name = NULL;
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
	if (r < 0) {
		ms_err_prefix(err, "DEVICES_FILE");
		return r;
	}
	/* A report meets every device of a large fleet: look them up fast. */
	if (f->inv.n && !(f->by_name = calloc(f->inv.n, sizeof(*f->by_name))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	for (i = 0; i < f->inv.n; i++)
		f->by_name[i] = &f->inv.v[i];
	if (f->inv.n)
		qsort(f->by_name, f->inv.n, sizeof(*f->by_name), by_name);
	return 0;
}

void ms_report_family_release(struct ms_report_family *f)
{
	free(f->by_name);
	f->by_name = NULL;
	ms_inventory_release(&f->inv);
}

/* The device called name in the devices file, or NULL. */
static const struct ms_device *find(const struct ms_report_family *f,
				    const char *name)
{
	struct ms_device key;
	const struct ms_device *k = &key, **d;

	if (!f || !f->by_name || strlen(name) >= sizeof(key.name))
		return NULL;
	memcpy(key.name, name, strlen(name) + 1);
	d = bsearch(&k, f->by_name, f->inv.n, sizeof(*f->by_name), by_name);
	return d ? *d : NULL;
}

const char *ms_report_family_of(const char *device, void *ctx)
{
	const struct ms_report_family *f = ctx;
	const struct ms_device *d = find(f, device);
	int fam;

	fam = ms_drv_family_of(d ? d->family : NULL, f ? f->rules : NULL,
			       device, NULL);
	return fam >= 0 ? ms_drv_name(fam) : "other";
}
