/* The append-only spool of batches the database could not take (spool.h). */
#include "spool.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "file.h"

#define SPOOL_MAGIC 0x3152534dU	/* "MSR1" little-endian */

struct ms_spool {
	char dir[PATH_MAX - 64];
	uint64_t max, bytes;
	uint64_t *seq;		/* sealed files, oldest first */
	size_t nseq, capseq;
	uint64_t next_seq;
	int wfd;		/* file being appended to, or -1 */
	uint64_t wseq, wsize;
	unsigned char *rbuf;	/* the oldest sealed file, whole */
	size_t rlen, roff, rnext;
	bool rloaded;
};

uint32_t ms_crc32(const void *data, size_t len)
{
	static uint32_t table[256];
	const unsigned char *p = data;
	uint32_t c = 0xffffffffU;
	unsigned i, k;

	if (!table[1]) {
		for (i = 0; i < 256; i++) {
			c = i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		c = 0xffffffffU;
	}
	while (len--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffU;
}

static void put_le(unsigned char *p, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void file_path(const struct ms_spool *sp, uint64_t seq, char *out,
		      size_t size)
{
	snprintf(out, size, "%s/spool-%016llx.log", sp->dir,
		 (unsigned long long)seq);
}

static bool spool_name(const char *name, uint64_t *seq)
{
	unsigned long long v = 0;
	int i;

	if (strlen(name) != 26 || strncmp(name, "spool-", 6) ||
	    strcmp(name + 22, ".log"))
		return false;
	for (i = 6; i < 22; i++) {
		int c = name[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return false;
		v = v << 4 | (unsigned)d;
	}
	*seq = v;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int push_seq(struct ms_spool *sp, uint64_t seq)
{
	uint64_t *p;

	if (sp->nseq == sp->capseq) {
		sp->capseq = sp->capseq ? sp->capseq * 2 : 16;
		p = realloc(sp->seq, sp->capseq * sizeof(*p));
		if (!p)
			return MS_E_NOMEM;
		sp->seq = p;
	}
	sp->seq[sp->nseq++] = seq;
	return 0;
}

/* Walk dir's spool files: fn(ctx, seq, size). */
static int scan_dir(const char *dir, int (*fn)(void *, uint64_t, uint64_t),
		    void *ctx, struct ms_err *err)
{
	struct dirent *e;
	struct stat st;
	uint64_t seq;
	DIR *d;
	int r = 0;

	if (!(d = opendir(dir)))
		return ms_err_sys(err, "spool: cannot read %s", dir);
	while (r >= 0 && (e = readdir(d))) {
		if (!spool_name(e->d_name, &seq))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		r = fn(ctx, seq, (uint64_t)st.st_size);
	}
	closedir(d);
	return r;
}

static int found_file(void *ctx, uint64_t seq, uint64_t size)
{
	struct ms_spool *sp = ctx;

	sp->bytes += size;
	if (seq >= sp->next_seq)
		sp->next_seq = seq + 1;
	return push_seq(sp, seq);
}

int ms_spool_open(struct ms_spool **out, const char *dir, uint64_t max_bytes,
		  struct ms_err *err)
{
	struct ms_spool *sp;
	int r;

	*out = NULL;
	if (strlen(dir) + 64 >= PATH_MAX)
		return ms_err_set(err, MS_E_TOOBIG, "spool: path too long");
	if ((r = ms_dir_ensure(dir, "SPOOL_DIR", MS_DIR_DATA, err)) < 0)
		return r;
	if (!(sp = calloc(1, sizeof(*sp))))
		return ms_err_set(err, MS_E_NOMEM, "spool: out of memory");
	snprintf(sp->dir, sizeof(sp->dir), "%s", dir);
	sp->max = max_bytes;
	sp->wfd = -1;
	sp->next_seq = 1;
	r = scan_dir(dir, found_file, sp, err);
	if (r < 0) {
		if (r == MS_E_NOMEM)
			ms_err_set(err, r, "spool: out of memory");
		ms_spool_close(sp);
		return r;
	}
	if (sp->nseq)
		qsort(sp->seq, sp->nseq, sizeof(*sp->seq), cmp_u64);
	*out = sp;
	return 0;
}

void ms_spool_close(struct ms_spool *sp)
{
	if (!sp)
		return;
	if (sp->wfd >= 0)
		close(sp->wfd);
	free(sp->seq);
	free(sp->rbuf);
	free(sp);
}

/* The file being written is complete: queue it for replay. */
static int seal(struct ms_spool *sp)
{
	if (sp->wfd < 0)
		return 0;
	close(sp->wfd);
	sp->wfd = -1;
	return push_seq(sp, sp->wseq);
}

static int open_writer(struct ms_spool *sp, struct ms_err *err)
{
	char path[PATH_MAX];

	sp->wseq = sp->next_seq++;
	sp->wsize = 0;
	file_path(sp, sp->wseq, path, sizeof(path));
	sp->wfd = ms_file_open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND,
			       0600, err);
	if (sp->wfd < 0) {
		ms_err_prefix(err, "spool");
		return sp->wfd;
	}
	return ms_file_sync_dir(path, err);
}

static void make_header(unsigned char *h, unsigned kind, uint32_t count,
			const void *data, size_t len)
{
	put_le(h, SPOOL_MAGIC, 4);
	put_le(h + 4, kind, 2);
	put_le(h + 6, 0, 2);
	put_le(h + 8, count, 4);
	put_le(h + 12, len, 4);
	put_le(h + 16, ms_crc32(data, len), 4);
	put_le(h + 20, ms_crc32(h, 20), 4);
}

/* One record, all or nothing, to fd at its end (size: bytes before). */
static int write_record(int fd, uint64_t size, const unsigned char *h,
			const void *data, size_t len)
{
	struct iovec iov[2] = { { (void *)h, MS_SPOOL_HDR },
				{ (void *)data, len } };
	size_t want = MS_SPOOL_HDR + len;
	ssize_t w;
	int saved;

	do {
		w = writev(fd, iov, 2);
	} while (w < 0 && errno == EINTR);
	if (w == (ssize_t)want && fdatasync(fd) == 0)
		return 0;
	saved = w < 0 || w == (ssize_t)want ? errno : ENOSPC;
	/* No partial record stays behind (disk full, I/O error). */
	if (ftruncate(fd, (off_t)size) == 0)
		fdatasync(fd);
	errno = saved;
	return MS_E_SYS;
}

int ms_spool_append(struct ms_spool *sp, unsigned kind, uint32_t count,
		    const void *data, size_t len, struct ms_err *err)
{
	unsigned char h[MS_SPOOL_HDR];
	uint64_t need = MS_SPOOL_HDR + (uint64_t)len;
	int r;

	if (len > MS_SPOOL_REC_MAX)
		return ms_err_set(err, MS_E_TOOBIG, "spool: batch too large");
	if (sp->bytes + need > sp->max)
		return ms_err_set(err, MS_E_FULL, "spool: %s is full "
				  "(%llu of %llu bytes); new samples are "
				  "refused", sp->dir,
				  (unsigned long long)sp->bytes,
				  (unsigned long long)sp->max);
	if (sp->wfd < 0 && (r = open_writer(sp, err)) < 0)
		return r;
	make_header(h, kind, count, data, len);
	if (write_record(sp->wfd, sp->wsize, h, data, len) < 0)
		return ms_err_sys(err, "spool: cannot write to %s", sp->dir);
	sp->wsize += need;
	sp->bytes += need;
	if (sp->wsize >= MS_SPOOL_FILE_MAX && seal(sp) < 0)
		return ms_err_set(err, MS_E_NOMEM, "spool: out of memory");
	return 0;
}

int ms_spool_reject(struct ms_spool *sp, unsigned kind, uint32_t count,
		    const void *data, size_t len, struct ms_err *err)
{
	unsigned char h[MS_SPOOL_HDR];
	char path[PATH_MAX];
	struct stat st;
	int fd, r;

	snprintf(path, sizeof(path), "%s/rejected.bad", sp->dir);
	if ((fd = ms_file_open(path, O_WRONLY | O_CREAT | O_APPEND, 0600,
			       err)) < 0) {
		ms_err_prefix(err, "spool");
		return fd;
	}
	make_header(h, kind, count, data, len);
	r = fstat(fd, &st) < 0 ? MS_E_SYS :
		write_record(fd, (uint64_t)st.st_size, h, data, len);
	if (r < 0)
		ms_err_sys(err, "spool: cannot write %s", path);
	close(fd);
	return r;
}

/* A short string: length byte and bytes (names are < 256 by type). */
static size_t put_str(unsigned char *p, const char *s, size_t max)
{
	size_t n = strnlen(s, max - 1);

	p[0] = (unsigned char)n;
	memcpy(p + 1, s, n);
	return n + 1;
}

static bool get_str(const unsigned char **p, const unsigned char *end,
		    char *out, size_t max)
{
	size_t n;

	if (*p >= end || (n = **p) >= max || (size_t)(end - *p) < n + 1)
		return false;
	memcpy(out, *p + 1, n);
	out[n] = '\0';
	*p += n + 1;
	return true;
}

enum { SAMPLE_MAX_ENC = 2 + MS_DEVICE_MAX + MS_UPSTREAM_MAX + 13 };

int ms_spool_encode_samples(const struct ms_sample *v, size_t n,
			    struct ms_buf *out)
{
	unsigned char *p;
	size_t i;

	ms_buf_reset(out);
	if (n > MS_SPOOL_REC_MAX / SAMPLE_MAX_ENC)
		return MS_E_TOOBIG;
	if (ms_buf_reserve(out, n * SAMPLE_MAX_ENC) < 0)
		return MS_E_NOMEM;
	for (p = (unsigned char *)out->p, i = 0; i < n; i++) {
		p += put_str(p, v[i].device, MS_DEVICE_MAX);
		p += put_str(p, v[i].upstream, MS_UPSTREAM_MAX);
		put_le(p, (uint32_t)v[i].code, 4);
		p[4] = v[i].mod;
		put_le(p + 5, (uint64_t)v[i].time, 8);
		p += 13;
	}
	out->len = (size_t)(p - (unsigned char *)out->p);
	out->p[out->len] = '\0';
	return 0;
}

int ms_spool_decode_samples(const struct ms_spool_rec *rec,
			    struct ms_sample *out, size_t max,
			    struct ms_err *err)
{
	const unsigned char *p = rec->data, *end = rec->data + rec->len;
	size_t i;

	if (rec->kind != MS_SPOOL_SAMPLES || rec->count > max)
		return ms_err_set(err, MS_E_CORRUPT, "spool: not a sample "
				  "batch that fits");
	for (i = 0; i < rec->count; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		if (!get_str(&p, end, out[i].device, MS_DEVICE_MAX) ||
		    !get_str(&p, end, out[i].upstream, MS_UPSTREAM_MAX) ||
		    end - p < 13)
			return ms_err_set(err, MS_E_CORRUPT, "spool: sample "
					  "%zu of a batch is malformed", i);
		out[i].code = (int32_t)(uint32_t)get_le(p, 4);
		out[i].mod = p[4] < MS_MOD__COUNT ? p[4] : MS_MOD_UNKNOWN;
		out[i].time = (int64_t)get_le(p + 5, 8);
		p += 13;
	}
	return p == end ? (int)rec->count : ms_err_set(err, MS_E_CORRUPT,
		"spool: sample batch has trailing bytes");
}

int ms_spool_encode_devscan(const struct ms_devscan *d, struct ms_buf *out)
{
	size_t n = strnlen(d->error, MS_SCAN_ERROR_MAX - 1);
	unsigned char *p;

	ms_buf_reset(out);
	if (ms_buf_reserve(out, sizeof(*d) + 32) < 0)
		return MS_E_NOMEM;
	p = (unsigned char *)out->p;
	p += put_str(p, d->run_id, MS_RUN_ID_MAX);
	p += put_str(p, d->device, MS_DEVICE_MAX);
	put_le(p, (uint64_t)d->start_ms, 8);
	put_le(p + 8, (uint64_t)d->end_ms, 8);
	p[16] = d->outcome;
	put_le(p + 17, d->channels, 4);
	put_le(p + 21, n, 2);
	memcpy(p + 23, d->error, n);
	p += 23 + n;
	p += put_str(p, d->instance, MS_INSTANCE_MAX);
	out->len = (size_t)(p - (unsigned char *)out->p);
	out->p[out->len] = '\0';
	return 0;
}

int ms_spool_decode_devscan(const struct ms_spool_rec *rec,
			    struct ms_devscan *d, struct ms_err *err)
{
	const unsigned char *p = rec->data, *end = rec->data + rec->len, *q;
	size_t n;

	/* the instance at the end came later: a record without it is one
	 * spooled by an older scanner */
	memset(d, 0, sizeof(*d));
	if (rec->kind != MS_SPOOL_DEVSCAN ||
	    !get_str(&p, end, d->run_id, MS_RUN_ID_MAX) ||
	    !get_str(&p, end, d->device, MS_DEVICE_MAX) || end - p < 23 ||
	    (n = get_le(p + 21, 2)) >= MS_SCAN_ERROR_MAX ||
	    (size_t)(end - p) < 23 + n || ((q = p + 23 + n) != end &&
	    (!get_str(&q, end, d->instance, MS_INSTANCE_MAX) || q != end)))
		return ms_err_set(err, MS_E_CORRUPT, "spool: device scan "
				  "record is malformed");
	d->start_ms = (int64_t)get_le(p, 8);
	d->end_ms = (int64_t)get_le(p + 8, 8);
	d->outcome = p[16] <= MS_SCAN_FAILED ? p[16] : MS_SCAN_FAILED;
	d->channels = (uint32_t)get_le(p + 17, 4);
	memcpy(d->error, p + 23, n);
	return 0;
}

int ms_spool_encode_sweep(int64_t unix_time, struct ms_buf *out)
{
	ms_buf_reset(out);
	if (ms_buf_reserve(out, 8) < 0)
		return MS_E_NOMEM;
	put_le((unsigned char *)out->p, (uint64_t)unix_time, 8);
	out->len = 8;
	out->p[8] = '\0';
	return 0;
}

int ms_spool_decode_sweep(const struct ms_spool_rec *rec, int64_t *out,
			  struct ms_err *err)
{
	if (rec->kind != MS_SPOOL_SWEEP || rec->len != 8)
		return ms_err_set(err, MS_E_CORRUPT, "spool: sweep record is "
				  "malformed");
	*out = (int64_t)get_le(rec->data, 8);
	return 0;
}

/* --- replay --- */

static int load_oldest(struct ms_spool *sp, struct ms_err *err)
{
	char path[PATH_MAX];
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd;

	file_path(sp, sp->seq[0], path, sizeof(path));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return ms_err_sys(err, "spool: cannot open %s", path);
	}
	free(sp->rbuf);
	sp->rbuf = malloc((size_t)st.st_size + 1);
	if (!sp->rbuf) {
		close(fd);
		return ms_err_set(err, MS_E_NOMEM, "spool: out of memory");
	}
	while (got < (size_t)st.st_size &&
	       ((n = read(fd, sp->rbuf + got, (size_t)st.st_size - got)) > 0 ||
		(n < 0 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	if (got < (size_t)st.st_size) {
		/* Never parse a short read: its end would look torn and be
		 * cut off the file on disk. */
		if (n == 0)
			errno = ENODATA;
		ms_err_sys(err, "spool: cannot read %s", path);
		close(fd);
		return MS_E_SYS;
	}
	close(fd);
	sp->rlen = got;
	sp->roff = sp->rnext = 0;
	sp->rloaded = true;
	return 0;
}

/* Header at off: 1 valid, 0 not; *len gets the payload length. */
static int header_ok(const struct ms_spool *sp, size_t off, size_t *len)
{
	const unsigned char *h = sp->rbuf + off;

	if (sp->rlen - off < MS_SPOOL_HDR || get_le(h, 4) != SPOOL_MAGIC ||
	    get_le(h + 20, 4) != ms_crc32(h, 20))
		return 0;
	*len = get_le(h + 12, 4);
	return *len <= MS_SPOOL_REC_MAX;
}

static bool record_ok(const struct ms_spool *sp, size_t off)
{
	size_t len;

	return header_ok(sp, off, &len) &&
	       sp->rlen - off - MS_SPOOL_HDR >= len &&
	       get_le(sp->rbuf + off + 16, 4) ==
	       ms_crc32(sp->rbuf + off + MS_SPOOL_HDR, len);
}

/* Cut the current file at roff (a torn record at its tail). */
static int cut_tail(struct ms_spool *sp, char *note, size_t size,
		    struct ms_err *err)
{
	char path[PATH_MAX];
	int fd;

	file_path(sp, sp->seq[0], path, sizeof(path));
	if (note)
		snprintf(note, size, "spool: %s: torn record at byte %zu "
			 "(%zu bytes, an interrupted write) cut off; the "
			 "records before it are replayed", path, sp->roff,
			 sp->rlen - sp->roff);
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)sp->roff) < 0 || fsync(fd) < 0) {
		if (fd >= 0)
			close(fd);
		return ms_err_sys(err, "spool: cannot cut %s", path);
	}
	close(fd);
	sp->bytes -= MS_MIN(sp->bytes, sp->rlen - sp->roff);
	sp->rlen = sp->roff;
	return 0;
}

/* Move the corrupt bytes at roff (up to the next good record) aside. */
static int move_bad(struct ms_spool *sp, char *note, size_t size,
		    struct ms_err *err)
{
	char path[PATH_MAX], bad[PATH_MAX + 8];
	size_t end = sp->roff + 1;
	int fd, r;

	while (end < sp->rlen && !record_ok(sp, end))
		end++;
	file_path(sp, sp->seq[0], path, sizeof(path));
	snprintf(bad, sizeof(bad), "%s.bad", path);
	if ((fd = ms_file_open(bad, O_WRONLY | O_CREAT | O_APPEND, 0600,
			       err)) < 0) {
		ms_err_prefix(err, "spool");
		return fd;
	}
	r = ms_file_write_all(fd, sp->rbuf + sp->roff, end - sp->roff);
	if (r == 0)
		r = fsync(fd);
	close(fd);
	if (r < 0)
		return ms_err_sys(err, "spool: cannot write %s", bad);
	if (note)
		snprintf(note, size, "spool: corrupt record at byte %zu: %zu "
			 "bytes moved to %s, NOT replayed", sp->roff,
			 end - sp->roff, bad);
	sp->roff = end;
	return 0;
}

/* The oldest file is replayed: remove it. */
static int finish_file(struct ms_spool *sp, struct ms_err *err)
{
	char path[PATH_MAX];
	struct stat st;

	file_path(sp, sp->seq[0], path, sizeof(path));
	if (lstat(path, &st) == 0)
		sp->bytes -= MS_MIN(sp->bytes, (uint64_t)st.st_size);
	if (unlink(path) < 0 && errno != ENOENT)
		return ms_err_sys(err, "spool: cannot remove %s", path);
	memmove(sp->seq, sp->seq + 1, (sp->nseq - 1) * sizeof(*sp->seq));
	sp->nseq--;
	sp->rloaded = false;
	return ms_file_sync_dir(path, err);
}

static void add_note(char *note, size_t size, const char *msg)
{
	size_t n = strlen(note);

	snprintf(note + n, size - n, "%s%s", n ? "; " : "", msg);
}

int ms_spool_next(struct ms_spool *sp, struct ms_spool_rec *rec,
		  char *note, size_t note_size, struct ms_err *err)
{
	char tmp[PATH_MAX + 512];
	size_t len;
	int r;

	if (note && note_size)
		note[0] = '\0';
	for (;;) {
		if (!sp->rloaded) {
			if (!sp->nseq && sp->wfd >= 0 && seal(sp) < 0)
				return ms_err_set(err, MS_E_NOMEM, "spool: out "
						  "of memory");
			if (!sp->nseq)
				return 0;
			if ((r = load_oldest(sp, err)) < 0)
				return r;
		}
		if (sp->roff >= sp->rlen) {
			if ((r = finish_file(sp, err)) < 0)
				return r;
			continue;
		}
		if (record_ok(sp, sp->roff))
			break;
		/* Torn: a short header, or a good header whose payload runs
		 * past the end.  Anything else is corruption. */
		if (sp->rlen - sp->roff < MS_SPOOL_HDR ||
		    (header_ok(sp, sp->roff, &len) &&
		     sp->rlen - sp->roff - MS_SPOOL_HDR < len))
			r = cut_tail(sp, tmp, sizeof(tmp), err);
		else
			r = move_bad(sp, tmp, sizeof(tmp), err);
		if (r < 0)
			return r;
		if (note && note_size)
			add_note(note, note_size, tmp);
	}
	header_ok(sp, sp->roff, &len);
	rec->kind = (unsigned)get_le(sp->rbuf + sp->roff + 4, 2);
	rec->count = (uint32_t)get_le(sp->rbuf + sp->roff + 8, 4);
	rec->data = sp->rbuf + sp->roff + MS_SPOOL_HDR;
	rec->len = len;
	sp->rnext = sp->roff + MS_SPOOL_HDR + len;
	return 1;
}

int ms_spool_ack(struct ms_spool *sp, struct ms_err *err)
{
	if (!sp->rloaded || sp->rnext <= sp->roff)
		return 0;
	sp->roff = sp->rnext;
	if (sp->roff >= sp->rlen)
		return finish_file(sp, err);
	return 0;
}

bool ms_spool_empty(const struct ms_spool *sp)
{
	return sp->nseq == 0 && (sp->wfd < 0 || sp->wsize == 0);
}

uint64_t ms_spool_bytes(const struct ms_spool *sp)
{
	return sp->bytes;
}

unsigned ms_spool_files(const struct ms_spool *sp)
{
	return (unsigned)sp->nseq + (sp->wfd >= 0);
}

struct backlog {
	unsigned files;
	uint64_t bytes;
};

static int count_file(void *ctx, uint64_t seq, uint64_t size)
{
	struct backlog *b = ctx;

	(void)seq;
	b->files++;
	b->bytes += size;
	return 0;
}

int ms_spool_backlog(const char *dir, unsigned *files, uint64_t *bytes,
		     struct ms_err *err)
{
	struct backlog b = { 0, 0 };
	int r;

	*files = 0;
	*bytes = 0;
	if (access(dir, F_OK) < 0 && errno == ENOENT)
		return 0;
	r = scan_dir(dir, count_file, &b, err);
	*files = b.files;
	*bytes = b.bytes;
	return r;
}
