/* ALERT_COMMAND delivery (see alertcmd.h). */
#include "alertcmd.h"

#include "alertfmt.h"
#include "alertq.h"
#include "buf.h"
#include "cmdrun.h"
#include "file.h"
#include "mstime.h"

enum {
	READ_MAX = MS_ALERT_FILE_MAX + 8192,	/* ms_file_read's steps */
	STDIN_MAX = 32 << 20	/* JSON lines of one run */
};

/* The JSON lines of one queued file appended to in; *lines counts them.
 * MS_E_PARSE for a file that is not ours. */
static int file_lines(const char *path, struct ms_buf *file,
		      struct ms_buf *in, uint64_t *lines, struct ms_err *err)
{
	struct ms_alert_event ev;
	struct ms_alertq_alert pa;
	size_t len = strlen(path), pos;
	int r;

	if (len > 3 && !strcmp(path + len - 3, ".ev")) {
		if ((r = ms_alertq_load_events(path, file, &pos, err)) < 0)
			return r;
		while (ms_alertq_next_event(file, &pos, &ev)) {
			if ((r = ms_alertfmt_json(in, &ev)) < 0)
				return r;
			++*lines;
		}
		return 0;
	}
	ms_buf_reset(file);
	if ((r = ms_file_read(path, file, NULL, err)) < 0)
		return r;
	if (ms_alertq_parse_alert(file->p, &pa) < 0)
		return ms_err_set(err, MS_E_PARSE, "'%s' is not a queued "
				  "alert, set aside as .bad", path);
	if ((r = ms_alertfmt_json_process(in, pa.kind, pa.queued / 1000,
					  pa.subject, pa.body)) < 0)
		return r;
	++*lines;
	return 0;
}

/* The lines of the listed files, up to STDIN_MAX; l->n is cut to the
 * files that went in, damaged ones blanked out (and set aside). */
static int gather(const char *dir, struct ms_alertq_list *l,
		  struct ms_buf *in, uint64_t *lines, struct ms_err *err)
{
	char path[PATH_MAX];
	struct ms_buf file;
	size_t i, before;
	uint64_t n;
	int r = 0;

	ms_buf_init(&file, READ_MAX);
	for (i = 0; i < l->n; i++) {
		if ((r = ms_alertq_path(path, sizeof(path), dir, l->name[i],
					err)) < 0)
			break;
		before = in->len;
		n = 0;
		r = file_lines(path, &file, in, &n, err);
		if (r == MS_E_TOOBIG && i > 0) {
			/* Full: this file and the rest wait for a run. */
			ms_buf_truncate(in, before);
			l->n = i;
			r = 0;
			break;
		}
		if (r == MS_E_PARSE) {
			ms_alertq_set_aside(path);
			l->name[i][0] = '\0';
			r = 0;
		}
		if (r < 0)
			break;
		*lines += n;
	}
	ms_buf_release(&file);
	if (r < 0 && r != MS_E_SYS && r != MS_E_TOOBIG)
		r = ms_err_set(err, r, "ALERT_COMMAND: %s", ms_strerror(r));
	return r;
}

/* The first line of what the command printed, for the message. */
static int first_line(const char *out)
{
	return (int)MS_MIN(strcspn(out, "\n"), (size_t)200);
}

static int run(const struct ms_alert_conf *ac, const struct ms_buf *in,
	       ms_msec_t deadline, struct ms_err *err)
{
	struct ms_cmdrun *cr;
	char out[MS_CMDRUN_OUT];
	int r;

	if (!(cr = malloc(sizeof(*cr))))
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	if ((r = ms_cmdrun_split(cr, "ALERT_COMMAND", ac->command, err)) < 0 ||
	    (r = ms_cmdrun_env_public(cr, err)) < 0)
		goto out;
	deadline = MS_MIN(deadline, ms_deadline(ac->command_timeout_ms));
	r = ms_cmdrun_feed(cr, in->p, in->len, deadline, out, err);
	if (r == MS_E_TIMEOUT)
		r = ms_err_set(err, r, "ALERT_COMMAND: no end within %lld s, "
			       "its process group killed",
			       (long long)ac->command_timeout_ms / 1000);
	else if (r < 0)
		ms_err_prefix(err, "ALERT_COMMAND");
	else if (r > 0)
		r = ms_err_set(err, MS_E_PROTO, "ALERT_COMMAND: exit status "
			       "%d%s%.*s", r, *out ? ": " : "",
			       first_line(out), out);
out:
	ms_cmdrun_release(cr);
	free(cr);
	return r;
}

int ms_alertcmd_deliver(const struct ms_alert_conf *ac, ms_msec_t deadline,
			struct ms_alert_result *res)
{
	struct ms_err *err = &res->command_err;
	struct ms_alertq_list l = { 0 };
	char dir[PATH_MAX];
	uint64_t lines = 0;
	struct ms_buf in;
	int r;

	ms_buf_init(&in, STDIN_MAX);
	if ((r = ms_alertq_path(dir, sizeof(dir), ac->dir, "cmd", err)) < 0 ||
	    (r = ms_alertq_finish(dir, err)) < 0 ||
	    (r = ms_alertq_list(dir, NULL, MS_ALERT_BATCHES_MAX +
				MS_ALERT_QUEUE_MAX, &l, err)) < 0)
		goto out;
	ms_alertq_drop_staged(ac->dir, &l);
	if (!l.n || (r = gather(dir, &l, &in, &lines, err)) < 0)
		goto out;
	if (lines && (r = run(ac, &in, deadline, err)) != 0)
		goto out;
	if (lines) {
		res->command_runs = 1;
		res->command_lines = lines;
	}
	r = ms_alertq_remove(dir, &l, l.n, err);
out:
	ms_alertq_list_release(&l);
	ms_buf_release(&in);
	res->command_r = r;
	return r;
}
