/* One generation of the scanner's settings (see scanset.h). */
#include "scanset.h"

#include "rundir.h"

void ms_scanset_put(struct ms_scanset *s)
{
	if (!s || --s->refs)
		return;
	ms_inventory_release(&s->inv);
	ms_nodemap_release(&s->nodes);
	ms_conf_release(&s->conf);
	free(s);
}

/* The deadlines of one device scan, from the configuration. */
static void deadlines(struct ms_scan_settings *ss, const struct ms_conf *c)
{
	ss->connect_ms = ms_conf_int(c, MS_CONF_CONNECT_TIMEOUT) * 1000;
	ss->login_ms = ms_conf_int(c, MS_CONF_LOGIN_TIMEOUT) * 1000;
	ss->command_ms = ms_conf_int(c, MS_CONF_COMMAND_TIMEOUT) * 1000;
	ss->device_ms = ms_conf_int(c, MS_CONF_DEVICE_TIMEOUT) * 1000;
}

int ms_scanset_new(struct ms_scanset **out, struct ms_conf *conf,
		   FILE *trace, struct ms_err *err)
{
	struct ms_scanset *s;
	int r;

	if (!(s = calloc(1, sizeof(*s))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	s->refs = 1;
	s->conf = *conf;
	ms_conf_init(conf);	/* the caller's copy no longer owns it */
	ms_modmap_init(&s->modmap);
	ms_inventory_init(&s->inv);
	ms_nodemap_init(&s->nodes);
	if ((r = ms_modmap_parse(&s->modmap,
				 ms_conf_str(&s->conf, MS_CONF_MODULATION_MAP),
				 err)) < 0) {
		ms_err_prefix(err, "MODULATION_MAP");
		goto fail;
	}
	if ((r = ms_conf_path(&s->conf, MS_CONF_SSH_KNOWN_HOSTS, "known_hosts",
			      s->known_hosts, sizeof(s->known_hosts))) < 0 ||
	    (r = ms_rundir_path(&s->conf, "raw", s->raw_dir,
				sizeof(s->raw_dir), err)) < 0) {
		r = ms_err_set(err, MS_E_TOOBIG, "RUN_DIR: path too long");
		goto fail;
	}
	/* the instance names every device scan */
	if ((r = ms_lease_self_check(&s->self, &s->conf, err)) < 0)
		goto fail;
	s->scan.conf = &s->conf;
	s->scan.modmap = &s->modmap;
	s->scan.known_hosts = s->known_hosts;
	s->scan.raw_dir = s->raw_dir;
	s->scan.trace = trace;
	deadlines(&s->scan, &s->conf);
	*out = s;
	return 0;
fail:
	ms_scanset_put(s);
	return r;
}

int ms_scanset_keep(struct ms_scanset *s, const struct ms_scanset *keep,
		    struct ms_err *err)
{
	int r;

	if ((r = ms_inventory_copy(&s->inv, &keep->inv, err)) < 0)
		return r;
	r = ms_nodemap_merge(&s->nodes, &keep->nodes, err);
	return r < 0 ? r : 0;
}
