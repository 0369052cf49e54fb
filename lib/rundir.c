/* The runtime directories of a configuration (see rundir.h). */
#include "rundir.h"

#include <sys/stat.h>

#include "file.h"

int ms_rundir_path(const struct ms_conf *c, const char *leaf, char *out,
		   size_t size, struct ms_err *err)
{
	int n = snprintf(out, size, "%s/%s", ms_conf_str(c, MS_CONF_RUN_DIR),
			 leaf);

	if (n < 0 || (size_t)n >= size)
		return ms_err_set(err, MS_E_TOOBIG, "RUN_DIR: path too long");
	return 0;
}

/* An existing dir must be safe; a missing one is left to its user. */
static int check_if_there(const char *dir, const char *label,
			  enum ms_dir_role role, struct ms_err *err)
{
	int r = ms_dir_check(dir, label, role, err);

	return r == MS_E_NOENT ? 0 : r;
}

/* The files modscan writes by key: its own, or this leaf in RUN_DIR. */
static const struct {
	enum ms_conf_key key;
	const char *leaf;		/* NULL: none when the key is empty */
	bool link_ok;			/* read through a link; a write refuses
					 * it then (ms_file_open) */
} files[] = {
	{ MS_CONF_STATUS_FILE, "status.json", false },
	{ MS_CONF_PID_FILE, "scan.pid", false },
	{ MS_CONF_WATCHDOG_STATUS_FILE, "watchdog.json", false },
	{ MS_CONF_WATCHDOG_PID_FILE, "watchdog.pid", false },
	{ MS_CONF_SSH_KNOWN_HOSTS, "known_hosts", true },
	{ MS_CONF_LOG_FILE, NULL, false },
};

/* No link planted at any of them; none set into a shared directory. */
static int check_files(const struct ms_conf *c, struct ms_err *err)
{
	char path[PATH_MAX];
	const char *v;
	size_t i;
	int r;

	for (i = 0; i < MS_ARRAY_SIZE(files); i++) {
		v = ms_conf_str(c, files[i].key);
		if (*v && (r = ms_file_dir_check(v, ms_conf_table[
				files[i].key].name, err)) < 0)
			return r;
		if ((!*v && !files[i].leaf) || files[i].link_ok)
			continue;
		if (ms_conf_path(c, files[i].key, files[i].leaf ?
				 files[i].leaf : "", path, sizeof(path)) < 0)
			return ms_err_set(err, MS_E_TOOBIG, "%s: path too long",
					  ms_conf_table[files[i].key].name);
		if ((r = ms_file_no_link(path, err)) < 0)
			return r;
	}
	return 0;
}

/* SPOOL_DIR, the alert queue and raw output, where they exist. */
static int check_data_dirs(const struct ms_conf *c, struct ms_err *err)
{
	char path[PATH_MAX];
	int r;

	if (ms_conf_path(c, MS_CONF_SPOOL_DIR, "spool", path,
			 sizeof(path)) < 0)
		return ms_err_set(err, MS_E_TOOBIG, "SPOOL_DIR: path too long");
	if ((r = check_if_there(path, "SPOOL_DIR", MS_DIR_DATA, err)) < 0 ||
	    (r = ms_rundir_path(c, "alerts", path, sizeof(path), err)) < 0 ||
	    (r = check_if_there(path, "alert queue", MS_DIR_DATA, err)) < 0 ||
	    (r = ms_rundir_path(c, "raw", path, sizeof(path), err)) < 0 ||
	    (r = check_if_there(path, "raw-output directory", MS_DIR_DATA,
				err)) < 0)
		return r;
	return 0;
}

int ms_rundir_check(const struct ms_conf *c, bool create,
		    struct ms_err *err)
{
	const char *run = ms_conf_str(c, MS_CONF_RUN_DIR);
	int r;

	r = create ? ms_dir_ensure(run, "RUN_DIR", MS_DIR_RUN, err)
		   : check_if_there(run, "RUN_DIR", MS_DIR_RUN, err);
	if (r < 0 || (r = check_data_dirs(c, err)) < 0)
		return r;
	return check_files(c, err);
}

int ms_rundir_check_read(const struct ms_conf *c, struct ms_err *err)
{
	const char *run = ms_conf_str(c, MS_CONF_RUN_DIR);
	struct stat st;
	int r;

	if ((r = check_if_there(run, "RUN_DIR", MS_DIR_RUN_READ, err)) < 0)
		return r;
	/* Another user's: its data directories are its own to check (a
	 * reader does not open them, and may not even list them). */
	if ((lstat(run, &st) < 0 || st.st_uid == geteuid()) &&
	    (r = check_data_dirs(c, err)) < 0)
		return r;
	return check_files(c, err);
}
