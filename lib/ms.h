/*
 * Definitions shared by every part of modscan: error codes, the clock type,
 * small helpers.  Included first (through a module's own header) by every
 * file; it pulls in the common system headers and then banned.h, last.
 */
#ifndef MS_H
#define MS_H

/* System headers that declare banned functions must come before banned.h. */
#include <alloca.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* Library results: 0 or a count on success, one of these on failure. */
enum ms_errcode {
	MS_OK = 0,
	MS_E_NOMEM = -1,	/* out of memory */
	MS_E_SYS = -2,		/* system call failed; errno kept in ms_err */
	MS_E_INVAL = -3,	/* invalid argument or value */
	MS_E_TOOBIG = -4,	/* input or buffer over its bound */
	MS_E_TIMEOUT = -5,	/* a deadline passed */
	MS_E_AUTH = -6,		/* authentication rejected */
	MS_E_PARSE = -7,	/* text could not be parsed */
	MS_E_DB = -8,		/* database error */
	MS_E_BUSY = -9,		/* held by someone else (lock) */
	MS_E_NOENT = -10,	/* no such thing */
	MS_E_HOSTKEY = -11,	/* SSH host key unknown or changed */
	MS_E_CONN = -12,	/* connection refused, reset or lost */
	MS_E_PROTO = -13,	/* the peer broke the protocol */
	MS_E_EOF = -14,		/* the peer closed the stream */
	MS_E_FULL = -15,	/* capacity reached (spool, queue) */
	MS_E_CORRUPT = -16,	/* stored data failed its checksum */
	MS_E_RANGE = -17,	/* number out of bounds */
	MS_E_REMOTE = -18,	/* the device answered with an error */
	MS_E__MIN = -18
};

/* Milliseconds: CLOCK_MONOTONIC for deadlines, epoch for wall time. */
typedef int64_t ms_msec_t;

#define MS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define MS_MAX(a, b) ((a) > (b) ? (a) : (b))
#define MS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define MS_UNUSED __attribute__((unused))

#include "banned.h"

#endif
