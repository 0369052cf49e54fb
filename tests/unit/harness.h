/*
 * A tiny TAP producer for the unit tests: ok(), is_int(), is_str(), and
 * done_testing() which prints the plan and returns the exit status.
 */
#ifndef MS_HARNESS_H
#define MS_HARNESS_H

#include "ms.h"

static int t_run, t_fail;

static inline MS_PRINTF(4, 5) int t_ok(int pass, const char *file, int line,
				       const char *fmt, ...)
{
	va_list ap;

	t_run++;
	if (!pass)
		t_fail++;
	printf("%sok %d - ", pass ? "" : "not ", t_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass)
		printf("#   failed at %s:%d\n", file, line);
	fflush(stdout);
	return pass;
}

#define ok(cond, ...) t_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!t_ok(g_ == w_, __FILE__, __LINE__, __VA_ARGS__)) \
		printf("#   got %lld, want %lld\n", g_, w_); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int p_ = (g_ && w_) ? !strcmp(g_, w_) : g_ == w_; \
	if (!t_ok(p_, __FILE__, __LINE__, __VA_ARGS__)) \
		printf("#   got '%s'\n#  want '%s'\n", g_ ? g_ : "(null)", \
		       w_ ? w_ : "(null)"); \
} while (0)

static inline int done_testing(void)
{
	printf("1..%d\n", t_run);
	return t_fail ? 1 : 0;
}

#endif
