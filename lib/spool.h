/*
 * The spool: append-only files of checksummed records that hold what the
 * database could not take yet.  A record is one batch (samples, device
 * scans or a sweep stamp), written with one write and fdatasync'd.
 * Replay reads the oldest file first; a file is removed only after its
 * last record was acknowledged.
 *
 * On disk: files "spool-<16 hex digits>.log" in a 0700 directory; each
 * record is a 24-byte header (magic "MSR1", kind u16, reserved u16, count
 * u32, payload length u32, payload CRC32, header CRC32; little-endian)
 * and the payload.  A torn record at a file's tail is cut off with a
 * warning; a corrupt record elsewhere is copied to "<file>.bad" and
 * skipped, loudly.
 */
#ifndef MS_SPOOL_H
#define MS_SPOOL_H

#include "ms.h"
#include "buf.h"
#include "err.h"
#include "sample.h"
#include "store.h"

enum ms_spool_kind {
	MS_SPOOL_SAMPLES = 1,
	MS_SPOOL_DEVSCAN = 2,
	MS_SPOOL_SWEEP = 3
};

enum {
	MS_SPOOL_HDR = 24,
	MS_SPOOL_FILE_MAX = 8 << 20,	/* a new file past this size */
	MS_SPOOL_REC_MAX = 64 << 20	/* larger payloads are corrupt */
};

struct ms_spool;

/* A record handed out by ms_spool_next; data valid until the next call. */
struct ms_spool_rec {
	unsigned kind;
	uint32_t count;
	const unsigned char *data;
	size_t len;
};

/*
 * Open (creating, mode 0700) dir; max_bytes caps the files' total size.
 * Files left by an earlier run are queued for replay.
 */
int ms_spool_open(struct ms_spool **out, const char *dir, uint64_t max_bytes,
		  struct ms_err *err);
void ms_spool_close(struct ms_spool *sp);

/*
 * Append one record, fdatasync'd.  MS_E_FULL past the cap (nothing
 * written), MS_E_SYS when the write fails (the file is cut back to the
 * record boundary).
 */
int ms_spool_append(struct ms_spool *sp, unsigned kind, uint32_t count,
		    const void *data, size_t len, struct ms_err *err);

/*
 * The next record to replay: 1 and *rec, 0 when the spool is empty, <0
 * on an I/O error.  Torn tails and corrupt records are handled here; a
 * message about them is left in *note (may be NULL; "" if none) for the
 * caller to log.  The same record is returned again until ms_spool_ack.
 */
int ms_spool_next(struct ms_spool *sp, struct ms_spool_rec *rec,
		  char *note, size_t note_size, struct ms_err *err);
/* The record from ms_spool_next is committed; a finished file goes. */
int ms_spool_ack(struct ms_spool *sp, struct ms_err *err);

bool ms_spool_empty(const struct ms_spool *sp);
uint64_t ms_spool_bytes(const struct ms_spool *sp);
unsigned ms_spool_files(const struct ms_spool *sp);

/* The payloads, for ms_spool_append and ms_spool_reject (0 or MS_E_*). */
int ms_spool_encode_samples(const struct ms_sample *v, size_t n,
			    struct ms_buf *out);
int ms_spool_encode_devscan(const struct ms_devscan *d, struct ms_buf *out);
int ms_spool_encode_sweep(int64_t unix_time, struct ms_buf *out);

/* Keep a batch the database refused in "<dir>/rejected.bad". */
int ms_spool_reject(struct ms_spool *sp, unsigned kind, uint32_t count,
		    const void *data, size_t len, struct ms_err *err);

/* Decode payloads; MS_E_CORRUPT on a malformed one. */
int ms_spool_decode_samples(const struct ms_spool_rec *rec,
			    struct ms_sample *out, size_t max,
			    struct ms_err *err);
int ms_spool_decode_devscan(const struct ms_spool_rec *rec,
			    struct ms_devscan *out, struct ms_err *err);
int ms_spool_decode_sweep(const struct ms_spool_rec *rec, int64_t *out,
			  struct ms_err *err);

/* Backlog of a spool directory without opening it (maintain --status). */
int ms_spool_backlog(const char *dir, unsigned *files, uint64_t *bytes,
		     struct ms_err *err);

uint32_t ms_crc32(const void *data, size_t len);

#endif
