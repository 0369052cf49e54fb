/* One-line error reports (see err.h). */
#include "err.h"

static void vset(struct ms_err *err, int code, const char *fmt, va_list ap)
{
	int n;

	err->code = code;
	err->sys_errno = 0;
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (n < 0)
		err->msg[0] = '\0';
}

int ms_err_set(struct ms_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int ms_err_sys(struct ms_err *err, const char *fmt, ...)
{
	int saved = errno;
	size_t len;
	va_list ap;

	if (!err) {
		errno = saved;
		return MS_E_SYS;
	}
	va_start(ap, fmt);
	vset(err, MS_E_SYS, fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
		 strerror(saved));
	err->sys_errno = saved;
	errno = saved;
	return MS_E_SYS;
}

void ms_err_prefix(struct ms_err *err, const char *fmt, ...)
{
	char old[MS_ERR_MSG_MAX];
	va_list ap;
	int n;

	if (!err)
		return;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 >= sizeof(err->msg))
		return;
	memcpy(err->msg + n, ": ", 2);
	n += 2;
	memcpy(err->msg + n, old, MS_MIN(strlen(old) + 1,
					 sizeof(err->msg) - (size_t)n));
	err->msg[sizeof(err->msg) - 1] = '\0';
}

void ms_err_clear(struct ms_err *err)
{
	if (!err)
		return;
	err->code = 0;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}

const char *ms_strerror(int code)
{
	static const char *const text[] = {
		"success", "out of memory", "system error", "invalid value",
		"too big", "timed out", "authentication failed",
		"parse error", "database error", "busy", "not found",
		"host key mismatch", "connection failed", "protocol error",
		"end of stream", "full", "corrupt data", "out of range",
		"device error",
	};

	if (code > 0 || code < MS_E__MIN)
		return "unknown error";
	return text[-code];
}
