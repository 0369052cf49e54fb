/*
 * One-line error reports: what failed, on what, and why.  A lib function
 * that fails returns a negative MS_E_* code and, when given a struct ms_err,
 * fills it with one lower-case line.
 */
#ifndef MS_ERR_H
#define MS_ERR_H

#include "ms.h"

enum { MS_ERR_MSG_MAX = 512 };

struct ms_err {
	int code;		/* MS_E_* of the last failure, 0 if none */
	int sys_errno;		/* errno for MS_E_SYS, else 0 */
	char msg[MS_ERR_MSG_MAX];
};

/* Fill err (may be NULL) and return code, for `return ms_err_set(...)`. */
int ms_err_set(struct ms_err *err, int code, const char *fmt, ...)
	MS_PRINTF(3, 4);

/* MS_E_SYS with ": strerror(errno)" appended; errno is kept. */
int ms_err_sys(struct ms_err *err, const char *fmt, ...) MS_PRINTF(2, 3);

/* Put "prefix: " in front of the message already in err. */
void ms_err_prefix(struct ms_err *err, const char *fmt, ...) MS_PRINTF(2, 3);

void ms_err_clear(struct ms_err *err);

/* A short fixed description of an MS_E_* code. */
const char *ms_strerror(int code);

#endif
