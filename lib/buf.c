/* Bounded growable buffer (see buf.h). */
#include "buf.h"

#include "err.h"

static char empty[1];

void ms_buf_init(struct ms_buf *b, size_t max)
{
	b->p = empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void ms_buf_release(struct ms_buf *b)
{
	if (b->cap)
		free(b->p);
	ms_buf_init(b, b->max);
}

int ms_buf_reserve(struct ms_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > b->max || b->len > b->max - extra)
		return MS_E_TOOBIG;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap < SIZE_MAX / 2 ? cap * 2 : need;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = b->cap ? realloc(b->p, cap) : malloc(cap);
	if (!p)
		return MS_E_NOMEM;
	if (!b->cap)
		p[0] = '\0';
	b->p = p;
	b->cap = cap;
	return 0;
}

int ms_buf_add(struct ms_buf *b, const void *data, size_t n)
{
	int r;

	if (n == 0)
		return 0;
	if ((r = ms_buf_reserve(b, n)) < 0)
		return r;
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int ms_buf_adds(struct ms_buf *b, const char *s)
{
	return ms_buf_add(b, s, strlen(s));
}

int ms_buf_addc(struct ms_buf *b, int c)
{
	char ch = (char)c;

	return ms_buf_add(b, &ch, 1);
}

int ms_buf_vprintf(struct ms_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, r;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return MS_E_INVAL;
	if ((r = ms_buf_reserve(b, (size_t)n)) < 0)
		return r;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int ms_buf_printf(struct ms_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ms_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void ms_buf_reset(struct ms_buf *b)
{
	ms_buf_truncate(b, 0);
}

void ms_buf_truncate(struct ms_buf *b, size_t n)
{
	if (n >= b->len)
		return;
	b->len = n;
	if (b->cap)
		b->p[n] = '\0';
}

void ms_buf_consume(struct ms_buf *b, size_t n)
{
	if (n >= b->len) {
		ms_buf_reset(b);
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
	b->p[b->len] = '\0';
}

char *ms_buf_detach(struct ms_buf *b, size_t *len)
{
	char *p;

	if (!b->cap) {
		p = malloc(1);
		if (p)
			p[0] = '\0';
	} else {
		p = b->p;
	}
	if (len)
		*len = b->len;
	ms_buf_init(b, b->max);
	return p;
}

size_t ms_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	size_t n = len < size ? len : size - 1;

	memcpy(dst, src, n);
	dst[n] = '\0';
	return len;
}

/* The length of the sequence led by c (0: not a lead byte) and the bounds
 * of its second byte, which rule out overlong forms, surrogates and code
 * points past U+10FFFF (RFC 3629, section 4). */
static size_t utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef) {
		*lo = c == 0xe0 ? 0xa0 : 0x80;
		*hi = c == 0xed ? 0x9f : 0xbf;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		*lo = c == 0xf0 ? 0x90 : 0x80;
		*hi = c == 0xf4 ? 0x8f : 0xbf;
		return 4;
	}
	return 0;
}

bool ms_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo, hi;
	size_t i = 0, n, k;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (!(n = utf8_lead(p[i], &lo, &hi)) || len - i < n ||
		    p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (k = 2; k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		i += n;
	}
	return true;
}
