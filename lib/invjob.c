/*
 * Reading the inventory sources in a thread of its own (see invsrc.h), so
 * that a slow URL, database or program never holds up the scanner's main
 * loop: its heartbeat, signals and schedule.
 */
#include "invsrc.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>

#include "mstime.h"
#include "nodehist.h"
#include "nodesrc.h"

struct ms_invjob {
	pthread_t th;
	int efd;			/* readable once the read is done */
	const struct ms_conf *c;	/* borrowed until finish */
	const char *devices_path;
	/* the thread's until it signals efd, then finish's: */
	struct ms_inventory inv;
	struct ms_buf warnings;
	struct ms_err err;
	int r;
	struct ms_nodesnap *snap;	/* owned; NULL: no history */
	struct ms_nodemap nodes;
	struct ms_err nerr;
	int nr;
};

enum { JOB_WARNINGS_MAX = 64 * 1024 };

/*
 * The node map, and its changes into the history when nodes are in use:
 * a database that fails leaves the map in force; the next read retries.
 */
static void read_nodes(struct ms_invjob *j)
{
	struct ms_err e;

	j->nr = ms_nodesrc_read(&j->nodes, j->c, &j->warnings, &j->nerr);
	if (j->nr >= 0 && j->snap &&
	    ms_nodehist_update(j->c, &j->nodes, j->snap, &e) < 0)
		ms_buf_printf(&j->warnings, "nodes: history not written: %s; "
			      "retried at the next refresh\n", e.msg);
}

static void *run(void *arg)
{
	struct ms_invjob *j = arg;
	uint64_t one = 1;

	j->r = ms_invsrc_read(&j->inv, j->c, j->devices_path, &j->warnings,
			      &j->err);
	read_nodes(j);
	while (write(j->efd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	return NULL;
}

static void job_free(struct ms_invjob *j)
{
	ms_nodesnap_free(j->snap);
	ms_nodemap_release(&j->nodes);
	free(j);
}

int ms_invjob_start(struct ms_invjob **out, const struct ms_conf *c,
		    const char *devices_path, struct ms_nodesnap *snap,
		    struct ms_err *err)
{
	struct ms_invjob *j;
	int r;

	*out = NULL;
	if (!(j = calloc(1, sizeof(*j)))) {
		ms_nodesnap_free(snap);
		return ms_err_set(err, MS_E_NOMEM, "out of memory");
	}
	j->c = c;
	j->devices_path = devices_path;
	j->snap = snap;
	ms_nodemap_init(&j->nodes);
	ms_inventory_init(&j->inv);
	ms_buf_init(&j->warnings, JOB_WARNINGS_MAX);
	if ((j->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		r = ms_err_sys(err, "devices: eventfd");
		job_free(j);
		return r;
	}
	if ((r = pthread_create(&j->th, NULL, run, j)) != 0) {
		close(j->efd);
		job_free(j);
		errno = r;
		return ms_err_sys(err, "devices: cannot start a thread");
	}
	*out = j;
	return 0;
}

int ms_invjob_fd(const struct ms_invjob *j)
{
	return j->efd;
}

bool ms_invjob_wait(const struct ms_invjob *j, ms_msec_t deadline)
{
	struct pollfd p = { .fd = j->efd, .events = POLLIN };

	if (poll(&p, 1, ms_poll_timeout(deadline)) > 0)
		return true;
	ms_invsrc_command_kill();
	return poll(&p, 1, 1000) > 0;
}

/*
 * The node map read, or the one in force kept.  At start a configuration
 * error is the failure; a database that fails is not (the scan needs no
 * node): the file's mappings serve until a refresh reads the rest.
 */
static int finish_nodes(struct ms_invjob *j, struct ms_nodemap *nodes,
			bool keep, struct ms_buf *warnings, struct ms_err *err)
{
	if (j->nr < 0 && keep) {
		ms_buf_printf(warnings, "nodes: %s; keeping the last good map "
			      "(%zu upstreams)\n", j->nerr.msg, nodes->n);
		return 0;
	}
	if (j->nr == MS_E_INVAL || j->nr == MS_E_NOMEM) {
		if (err)
			*err = j->nerr;
		return j->nr;
	}
	if (j->nr < 0)
		ms_buf_printf(warnings, "nodes: %s; starting with the %zu "
			      "upstreams read, the rest at the next refresh\n",
			      j->nerr.msg, j->nodes.n);
	j->nodes.partial = j->nr < 0;
	ms_nodemap_release(nodes);
	*nodes = j->nodes;
	ms_nodemap_init(&j->nodes);
	return 0;
}

int ms_invjob_finish(struct ms_invjob *j, struct ms_inventory *inv,
		     struct ms_nodemap *nodes, bool keep,
		     struct ms_status *st, struct ms_buf *warnings,
		     struct ms_err *err)
{
	int r;

	pthread_join(j->th, NULL);
	close(j->efd);
	ms_buf_add(warnings, j->warnings.p, j->warnings.len);
	ms_buf_release(&j->warnings);
	if ((r = j->r) >= 0 || keep)
		r = finish_nodes(j, nodes, keep, warnings, err);
	if (r < 0 && j->r >= 0) {	/* the node map, at start */
		ms_inventory_release(&j->inv);
	} else if ((r = j->r) >= 0) {
		ms_inventory_release(inv);
		*inv = j->inv;
		st->inventory_ok = ms_wall_now();
		st->inventory_error[0] = '\0';
		r = 1;
	} else if (keep) {
		ms_inventory_release(&j->inv);
		ms_buf_printf(warnings, "devices: %s; keeping the last good "
			      "list (%zu devices)\n", j->err.msg, inv->n);
		ms_strlcpy(st->inventory_error, j->err.msg,
			   sizeof(st->inventory_error));
		r = 0;
	} else {
		ms_inventory_release(&j->inv);
		if (err)
			*err = j->err;
	}
	job_free(j);
	return r;
}
