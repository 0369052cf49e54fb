/*
 * One device scan (see device.h): the SSH session, the prompt, the family,
 * then the family's driver fed with each command's output.  Every wait is
 * bounded by the step's deadline, the device's deadline and the engine's
 * abort time, whichever comes first.
 */
#include "device.h"

#include <stdatomic.h>
#include <sys/stat.h>

#include "cli.h"
#include "drv.h"
#include "err.h"
#include "file.h"
#include "log.h"
#include "modmap.h"
#include "ssh.h"
#include "mstime.h"

enum {
	OUTPUT_MAX = 8 << 20,		/* one command's raw output */
	SLICE_MS = 250,			/* how often a wait looks at abort_at */
	READ_CHUNK = 16384,
	DEBUG_SHOW = 512		/* bytes of output shown at debug */
};

/* Conversation state of one scan. */
struct session {
	const struct ms_device *dev;
	const struct ms_scan_settings *set;
	struct ms_ssh *ssh;
	struct ms_cli cli;
	struct ms_buf raw;		/* output of the current command */
	struct ms_buf keep;		/* everything, for RUN_DIR/raw */
	ms_msec_t dev_deadline;
	bool debug;
	bool cut;			/* channels kept from a cut session */
	struct ms_err err;
};

static const char *const outcome_names[] = { "ok", "partial", "failed" };

const char *ms_outcome_name(enum ms_scan_outcome o)
{
	return (unsigned)o < MS_ARRAY_SIZE(outcome_names) ? outcome_names[o]
							   : "?";
}

void ms_devresult_release(struct ms_devresult *res)
{
	free(res->samples);
	res->samples = NULL;
	res->n = 0;
	ms_descrlist_release(&res->descr);
}

/* The earliest of deadline, the device's deadline and the abort time. */
static ms_msec_t cap(const struct session *s, ms_msec_t deadline)
{
	ms_msec_t a = s->set->abort_at ? atomic_load(s->set->abort_at)
				       : MS_NEVER;

	return MS_MIN(MS_MIN(deadline, s->dev_deadline), a);
}

static void trace(const struct session *s, const char *dir, const char *p,
		  size_t n)
{
	if (s->set->trace) {
		fwrite(p, 1, n, s->set->trace);
		fflush(s->set->trace);
	}
	if (s->debug)
		ms_log_debug("%s: %s %.*s%s", s->dev->name, dir,
			     (int)MS_MIN(n, (size_t)DEBUG_SHOW), p,
			     n > DEBUG_SHOW ? " ..." : "");
}

static int send_text(struct session *s, const char *text, ms_msec_t deadline)
{
	char line[MS_DRV_CMD_MAX + 2];
	int n = snprintf(line, sizeof(line), "%s\r", text);

	if (n < 0 || (size_t)n >= sizeof(line))
		return ms_err_set(&s->err, MS_E_TOOBIG, "command too long");
	trace(s, ">", line, (size_t)n);
	ms_buf_add(&s->keep, line, (size_t)n);
	return ms_ssh_write(s->ssh, line, (size_t)n, cap(s, deadline),
			    &s->err);
}

/*
 * Read until the detector reports want (or MS_CLI_DONE), answering pager
 * prompts with a space.  Output accumulates in s->raw.
 */
static int read_until(struct session *s, enum ms_cli_event want,
		      ms_msec_t deadline, const char *what)
{
	char chunk[READ_CHUNK];
	enum ms_cli_event ev;
	ssize_t n;

	for (;;) {
		ms_msec_t until = cap(s, deadline);

		if (ms_left(until) == 0)
			return ms_err_set(&s->err, MS_E_TIMEOUT,
					  "timed out %s", what);
		n = ms_ssh_read(s->ssh, chunk, sizeof(chunk),
				MS_MIN(until, ms_deadline(SLICE_MS)), &s->err);
		if (n == MS_E_TIMEOUT)
			continue;
		if (n == MS_E_EOF)
			return ms_err_set(&s->err, MS_E_EOF, "device closed the "
					  "session %s", what);
		if (n < 0)
			return (int)n;
		trace(s, "<", chunk, (size_t)n);
		ms_buf_add(&s->keep, chunk, (size_t)n);
		if (ms_buf_add(&s->raw, chunk, (size_t)n) < 0)
			return ms_err_set(&s->err, MS_E_TOOBIG, "output larger "
					  "than %d bytes %s", OUTPUT_MAX, what);
		ev = ms_cli_feed(&s->cli, chunk, (size_t)n);
		if (ev == MS_CLI_MORE) {
			int r = ms_ssh_write(s->ssh, " ", 1, cap(s, deadline),
					     &s->err);
			if (r < 0)
				return r;
			continue;
		}
		if (ev == want || ev == MS_CLI_DONE)
			return 0;
	}
}

/* Send one command and collect its raw output up to the prompt. */
static int command(struct session *s, const char *cmd)
{
	ms_msec_t deadline = ms_deadline(s->set->command_ms);
	char what[MS_DRV_CMD_MAX + 32];
	int r;

	snprintf(what, sizeof(what), "waiting for '%s'", cmd);
	ms_buf_reset(&s->raw);
	ms_cli_begin(&s->cli);
	if ((r = send_text(s, cmd, deadline)) < 0)
		return r;
	return read_until(s, MS_CLI_DONE, deadline, what);
}

/* SSH options for d, from its credentials profile or the defaults. */
static int ssh_open(struct session *s, struct ms_devresult *res)
{
	const struct ms_conf *c = s->set->conf;
	const char *prof = s->dev->profile;
	struct ms_ssh_opts o;
	ms_msec_t now = ms_mono_now();
	int r;

	memset(&o, 0, sizeof(o));
	o.host = s->dev->host;
	o.port = s->dev->port;
	o.user = ms_conf_profile_str(c, prof, MS_CONF_SSH_USER);
	o.password = ms_conf_profile_str(c, prof, MS_CONF_SSH_PASSWORD);
	o.key_file = ms_conf_profile_str(c, prof, MS_CONF_SSH_KEY_FILE);
	o.legacy_algos = ms_conf_profile_bool(c, prof,
					      MS_CONF_SSH_LEGACY_ALGOS);
	o.known_hosts = s->set->known_hosts;
	if ((r = ms_ssh_policy_parse(ms_conf_str(c,
						 MS_CONF_SSH_HOST_KEY_POLICY),
				     &o.policy)) < 0)
		return ms_err_set(&s->err, r, "bad SSH_HOST_KEY_POLICY");
	if (!*o.key_file)
		o.key_file = NULL;
	o.connect_deadline = cap(s, now + s->set->connect_ms);
	o.login_deadline = cap(s, now + s->set->connect_ms + s->set->login_ms);
	o.abort_at = s->set->abort_at;
	if (!*o.user)
		return ms_err_set(&s->err, MS_E_INVAL, "no SSH user "
				  "configured (SSH_USER%s%s)",
				  *prof ? " of profile " : "", prof);
	r = ms_ssh_open(&s->ssh, &o, &s->err);
	(void)res;
	return r;
}

/* Family: the devices file, else hostname rules, else `show version`. */
static int find_family(struct session *s)
{
	const char *rules = ms_conf_str(s->set->conf, MS_CONF_HOSTNAME_RULES);
	int fam;

	fam = ms_drv_family_of(s->dev->family, rules, s->dev->name, &s->err);
	if (fam != MS_E_NOENT)
		return fam;
	if ((fam = ms_drv_family_by_host(rules, ms_cli_host(&s->cli),
					 &s->err)) >= 0)
		return fam;
	if ((fam = command(s, "show version")) < 0)
		return fam;
	if ((fam = ms_drv_family_by_banner(s->raw.p, s->raw.len)) < 0)
		return ms_err_set(&s->err, MS_E_NOENT, "family not found by "
				  "name or by 'show version'");
	return fam;
}

/* DEBUG_<KEY> of the family: the whole conversation at debug level. */
static void debug_flag(struct session *s, int fam)
{
	static const enum ms_conf_key keys[MS_FAM__COUNT] = {
#define DRV(name, KEY, label, legacy, paging, rule, markers, help) \
		[MS_FAM_##name] = MS_CONF_DEBUG_##KEY,
#include "drv.def"
#undef DRV
	};

	if (ms_conf_bool(s->set->conf, keys[fam]))
		s->debug = ms_log_enabled(MS_LOG_DEBUG);
}

/*
 * A data command whose output was cut by a disconnect or a timeout (r):
 * what arrived is parsed, and when the device gave channels so far they
 * are kept and the scan is partial (s->cut, s->err says why), else the
 * scan fails with r.
 */
static int salvage(struct session *s, struct ms_drv *d, int r)
{
	struct ms_err err;
	const char *next;

	if ((r != MS_E_EOF && r != MS_E_TIMEOUT) || d->state == 0 ||
	    !s->raw.len)
		return r;
	if (ms_drv_step(d, s->raw.p, s->raw.len, &next, &err) < 0 ||
	    !d->recs.n)
		return r;
	s->cut = true;
	return 0;
}

/* Drive the family's commands; d->recs holds the channels after. */
static int drive(struct session *s, struct ms_drv *d)
{
	const char *cmd = ms_drv_start(d);
	int r;

	for (;;) {
		if ((r = command(s, cmd)) < 0)
			return salvage(s, d, r);
		r = ms_drv_step(d, s->raw.p, s->raw.len, &cmd, &s->err);
		if (r != MS_DRV_SEND)
			return r;
	}
}

static int to_samples(const struct session *s, struct ms_drv *d,
		      struct ms_devresult *res)
{
	size_t i;

	if (ms_conf_bool(s->set->conf, MS_CONF_NODES_FROM_DEVICE)) {
		res->descr = d->descr;
		ms_descrlist_init(&d->descr);
	}
	if (!d->recs.n)
		return 0;
	if (!(res->samples = calloc(d->recs.n, sizeof(*res->samples))))
		return MS_E_NOMEM;
	for (i = 0; i < d->recs.n; i++) {
		struct ms_sample *sm = &res->samples[i];

		ms_strlcpy(sm->device, s->dev->name, sizeof(sm->device));
		memcpy(sm->upstream, d->recs.v[i].upstream,
		       sizeof(sm->upstream));
		sm->code = d->recs.v[i].code;
		sm->mod = d->recs.v[i].mod;
		sm->time = res->start / 1000;
	}
	res->n = d->recs.n;
	res->unknown = (unsigned)d->recs.unknown;
	res->duplicates = (unsigned)d->recs.dups;
	return 0;
}

/* Keep what the device said when it did not parse cleanly (capped). */
static void keep_raw(const struct session *s)
{
	size_t max = (size_t)ms_conf_int(s->set->conf, MS_CONF_RAW_MAX_KB) *
		     1024;
	char path[PATH_MAX];
	struct ms_err err;
	size_t len = MS_MIN(s->keep.len, max);

	if (!s->set->raw_dir || !*s->set->raw_dir)
		return;
	if (snprintf(path, sizeof(path), "%s/%s.txt", s->set->raw_dir,
		     s->dev->name) >= (int)sizeof(path))
		return;
	/* the tail holds the command that went wrong */
	if (ms_file_replace(path, s->keep.p + s->keep.len - len, len, 0600,
			    &err) < 0)
		ms_log_warn("%s: cannot keep raw output: %s", s->dev->name,
			    err.msg);
}

static void finish(struct session *s, struct ms_drv *d, int r,
		   struct ms_devresult *res)
{
	if (r >= 0 && to_samples(s, d, res) < 0)
		r = ms_err_set(&s->err, MS_E_NOMEM, "out of memory");
	if (r < 0) {
		res->outcome = MS_SCAN_FAILED;
		ms_strlcpy(res->reason, s->err.msg, sizeof(res->reason));
	} else if (s->cut) {
		res->outcome = MS_SCAN_PARTIAL;
		snprintf(res->reason, sizeof(res->reason), "%.160s (%zu channels "
			 "kept)", s->err.msg, d->recs.n);
	} else if (d->recs.partial || d->recs.bad_rows) {
		res->outcome = MS_SCAN_PARTIAL;
		snprintf(res->reason, sizeof(res->reason),
			 "%s%s%zu unparsable rows",
			 d->recs.partial ? "output cut off" : "",
			 d->recs.partial ? ", " : "", d->recs.bad_rows);
	} else {
		res->outcome = MS_SCAN_OK;
	}
	if (res->outcome != MS_SCAN_OK && s->keep.len)
		keep_raw(s);
}

void ms_device_scan(const struct ms_device *dev,
		    const struct ms_scan_settings *set,
		    struct ms_devresult *res)
{
	struct session s;
	struct ms_drv d;
	int fam, r;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	res->start = ms_wall_now();
	s.dev = dev;
	s.set = set;
	s.dev_deadline = ms_deadline(set->device_ms);
	ms_buf_init(&s.raw, OUTPUT_MAX);
	ms_buf_init(&s.keep, OUTPUT_MAX);
	ms_cli_init(&s.cli);
	ms_drv_init(&d, 0, set->modmap);
	if ((r = ssh_open(&s, res)) < 0)
		goto out;
	ms_cli_begin(&s.cli);
	if ((r = send_text(&s, "", ms_deadline(set->login_ms))) < 0 ||
	    (r = read_until(&s, MS_CLI_LEARNED, ms_deadline(set->login_ms),
			    "waiting for the prompt")) < 0)
		goto out;
	if ((r = fam = find_family(&s)) < 0)
		goto out;
	ms_strlcpy(res->family, ms_drv_name(fam), sizeof(res->family));
	debug_flag(&s, fam);
	ms_drv_release(&d);
	ms_drv_init(&d, (enum ms_family)fam, set->modmap);
	r = drive(&s, &d);
	if (r >= 0 && !s.cut)
		send_text(&s, "exit", ms_deadline(SLICE_MS));
out:
	finish(&s, &d, r, res);
	ms_ssh_close(s.ssh);
	ms_drv_release(&d);
	ms_buf_release(&s.raw);
	ms_buf_release(&s.keep);
	res->end = ms_wall_now();
}

void ms_devresult_print(FILE *f, const char *name,
			const struct ms_devresult *res)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		fprintf(f, "%s\t%d\t%s\n", res->samples[i].upstream,
			(int)res->samples[i].code,
			ms_mod_name(res->samples[i].mod));
	fprintf(f, "# %s: %s%s%s, family %s, %zu channels\n", name,
		ms_outcome_name(res->outcome), res->reason[0] ? ": " : "",
		res->reason, res->family[0] ? res->family : "unknown", res->n);
}
