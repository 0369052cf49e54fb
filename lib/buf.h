/*
 * A growable byte buffer with a hard maximum.  p is always NUL-terminated
 * (the terminator is not counted in len); growing past max fails with
 * MS_E_TOOBIG instead of eating memory on hostile input.
 */
#ifndef MS_BUF_H
#define MS_BUF_H

#include "ms.h"

struct ms_buf {
	char *p;
	size_t len;
	size_t cap;		/* allocated bytes, 0 while p is the shared "" */
	size_t max;		/* bound on len */
};

#define MS_BUF_UNBOUNDED ((size_t)SIZE_MAX / 2)

void ms_buf_init(struct ms_buf *b, size_t max);
void ms_buf_release(struct ms_buf *b);

/* Make room for extra more bytes (plus the terminator). */
int ms_buf_reserve(struct ms_buf *b, size_t extra);
int ms_buf_add(struct ms_buf *b, const void *data, size_t n);
int ms_buf_adds(struct ms_buf *b, const char *s);
int ms_buf_addc(struct ms_buf *b, int c);
int ms_buf_printf(struct ms_buf *b, const char *fmt, ...) MS_PRINTF(2, 3);
int ms_buf_vprintf(struct ms_buf *b, const char *fmt, va_list ap);

void ms_buf_reset(struct ms_buf *b);
/* Drop the first n bytes. */
void ms_buf_consume(struct ms_buf *b, size_t n);
/* Shorten to n bytes (n <= len). */
void ms_buf_truncate(struct ms_buf *b, size_t n);

/* Hand the heap string to the caller (never NULL unless out of memory). */
char *ms_buf_detach(struct ms_buf *b, size_t *len);

/*
 * Copy src into dst[size] truncated and always terminated (size > 0);
 * returns strlen(src), so a result >= size means it was cut.
 */
size_t ms_strlcpy(char *dst, const char *src, size_t size);

/*
 * Whether s[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms,
 * surrogates or code points past U+10FFFF).
 */
bool ms_utf8_valid(const char *s, size_t len);

#endif
