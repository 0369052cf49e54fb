/*
 * The heartbeat status file: a JSON object written atomically by the
 * scanner (and the supervisor) at least every 30 s and on every state
 * change, read by status and watchdog.
 */
#ifndef MS_STATUS_H
#define MS_STATUS_H

#include "ms.h"
#include "buf.h"
#include "err.h"
#include "sample.h"

enum ms_state {
	MS_STATE_STARTING, MS_STATE_SCANNING, MS_STATE_IDLE, MS_STATE_ERROR,
	MS_STATE_STOPPING, MS_STATE_STOPPED, MS_STATE__COUNT
};

enum {
	MS_STATUS_MAX = 256 * 1024,	/* bound of the file */
	MS_STATUS_FAILURES_MAX = 50,	/* failing devices listed */
	MS_STATUS_DEATHS_MAX = 20,	/* death tally of the supervisor */
	MS_STATUS_JOBS_MAX = 4,		/* scheduled jobs */
	MS_STATUS_MSG_MAX = 256,
	MS_STATUS_REASON_MAX = 192,
	MS_STATUS_BLOCK = 4096		/* the file is padded to a multiple */
};

/* Statistics of one sweep, or cumulative since start. */
struct ms_sweep_stats {
	int64_t started;		/* wall ms, 0 if none */
	int64_t finished;		/* wall ms, 0 while running */
	uint32_t devices_ok;
	uint32_t devices_partial;
	uint32_t devices_failed;
	uint64_t channels;
	uint64_t samples_stored;
	uint64_t samples_spooled;
	uint64_t unknown_codes;
	uint64_t samples_lost;		/* neither stored nor spooled */
	int64_t duration_ms;
};

struct ms_status_failure {
	char device[MS_DEVICE_MAX];
	char reason[MS_STATUS_REASON_MAX];
	int64_t time;			/* wall ms of the failed scan */
	uint32_t consecutive;		/* failed scans in a row */
};

struct ms_status_death {
	int64_t time;			/* wall ms */
	int exit_status;		/* -1 if killed by a signal */
	int signal;			/* 0 if it exited */
};

struct ms_status_job {
	char name[16];			/* "report", "maintain" */
	int64_t last_start;		/* wall ms, 0 never */
	int64_t last_duration_ms;
	int last_exit;			/* exit status, -1 unknown, 128+sig */
	bool running;
};

struct ms_status {
	pid_t pid;
	char applet[16];		/* "scan" or "watchdog" */
	enum ms_state state;
	char message[MS_STATUS_MSG_MAX];
	int64_t heartbeat;		/* wall ms */
	int64_t started;		/* wall ms */
	uint64_t proc_starttime;	/* /proc/PID/stat starttime (ticks) */
	int64_t last_sweep_ok;		/* wall ms of the last finished sweep */
	uint32_t devices_total;
	uint64_t sweeps;
	uint64_t spool_bytes;		/* backlog waiting for the database */
	struct ms_sweep_stats last;	/* last finished (or current) sweep */
	struct ms_sweep_stats total;	/* cumulative */
	size_t nfailures;
	struct ms_status_failure failures[MS_STATUS_FAILURES_MAX];
	uint32_t restarts;		/* supervisor: children started - 1 */
	uint64_t seq;			/* writes so far */
	bool no_space;			/* RUN_DIR was full at the last write */
	size_t ndeaths;
	struct ms_status_death deaths[MS_STATUS_DEATHS_MAX]; /* newest first */
	size_t njobs;
	struct ms_status_job jobs[MS_STATUS_JOBS_MAX];
	/* the device list: when it was last read well, how often it is
	 * read, and why the last read failed ("" when it did not) */
	int64_t inventory_ok;		/* wall ms, 0 never */
	int64_t inventory_interval_ms;
	char inventory_error[MS_STATUS_REASON_MAX];
	char retention_warning[MS_STATUS_MSG_MAX];	/* "" none */
};

const char *ms_state_name(enum ms_state s);
int ms_state_parse(const char *s, enum ms_state *out);

/* Zero it and set pid, applet, started, proc_starttime, state starting. */
void ms_status_init(struct ms_status *st, const char *applet);

/* JSON text of st (uptime and heartbeat age are derived by readers). */
int ms_status_render(const struct ms_status *st, struct ms_buf *out,
		     struct ms_err *err);
/* Parse what ms_status_render wrote; unknown members are ignored. */
int ms_status_parse(const char *json, size_t len, struct ms_status *st,
		    struct ms_err *err);

/*
 * Set heartbeat to now, count seq and replace path atomically (0644).  If
 * the file system is full, set no_space and rewrite the file in place
 * instead: it is padded to a multiple of MS_STATUS_BLOCK, so that needs
 * no new blocks (on a file system that overwrites in place), and a
 * checksum lets readers tell a torn read.  Returns 0, or 1 when written
 * in place for lack of space.
 */
int ms_status_write(struct ms_status *st, const char *path,
		    struct ms_err *err);
/* Read and parse path, again when a read caught an in-place write. */
int ms_status_read(const char *path, struct ms_status *st,
		   struct ms_err *err);

/* Record a failing device (or clear it with reason NULL). */
void ms_status_device_failed(struct ms_status *st, const char *device,
			     const char *reason, int64_t when);
void ms_status_device_ok(struct ms_status *st, const char *device);

#endif
