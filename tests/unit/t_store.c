/*
 * The store against a real MariaDB (tests/integration/t2290-scan-store.sh
 * starts one and sets MS_TEST_DB_PORT and DB_*); skipped without one.
 * Also a driver for the fault tests: --put N --tag T, --replay.
 */
#include "store.h"

#include <poll.h>
#include <sys/stat.h>

#include "db.h"
#include "num.h"
#include "schema.h"
#include "spool.h"
#include "mstime.h"
#include "harness.h"
#include "tspool.h"

static struct ms_conf conf;

static void make(struct ms_sample *v, size_t n, size_t from, int tag)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		k = from + i;
		memset(&v[i], 0, sizeof(v[i]));
		snprintf(v[i].device, sizeof(v[i].device), "CCAP%04zu",
			 k / 1000);
		snprintf(v[i].upstream, sizeof(v[i].upstream), "us%zu",
			 k % 1000);
		v[i].code = (int32_t)(200 + k % 40);
		v[i].mod = (uint8_t)(k % MS_MOD__COUNT);
		v[i].time = time(NULL) - 3600 + tag;
	}
}

static void print_stats(struct ms_store *st)
{
	struct ms_store_stats s;

	ms_store_stats(st, &s);
	printf("stored=%llu duplicates=%llu spooled=%llu replayed=%llu "
	       "refused=%llu rejected=%llu spool_bytes=%llu connected=%d\n",
	       (unsigned long long)s.stored, (unsigned long long)s.duplicates,
	       (unsigned long long)s.spooled, (unsigned long long)s.replayed,
	       (unsigned long long)s.refused, (unsigned long long)s.rejected,
	       (unsigned long long)s.spool_bytes, s.connected);
	fflush(stdout);
}

/* Wait for the store's next due time (test code may sleep). */
static void wait_until(ms_msec_t due)
{
	ms_msec_t left = due - ms_mono_now();

	if (left > 0)
		poll(NULL, 0, (int)MS_MIN(left, 1000));
}

/* --put N --tag T: put N samples in chunks, ticking like the scanner. */
static int drive_put(size_t n, int tag)
{
	struct ms_sample *v = malloc(1000 * sizeof(*v));
	struct ms_err err = { 0 };
	struct ms_store *st;
	size_t i, k;
	int r, rc = 0;

	if (!v || ms_store_open(&st, &conf, &err) < 0) {
		fprintf(stderr, "t_store: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < n; i += k) {
		k = MS_MIN(n - i, 1000);
		make(v, k, i, tag);
		r = ms_store_put(st, v, k, &err);
		if (r < 0) {
			fprintf(stderr, "t_store: put: %s\n", err.msg);
			rc = 1;
		}
		ms_store_tick(st, ms_mono_now(), NULL);
	}
	print_stats(st);
	ms_store_close(st);
	free(v);
	return rc;
}

/* --replay: tick until the spool is empty (deadline 120 s). */
static int drive_replay(void)
{
	ms_msec_t end = ms_deadline(120000), due;
	struct ms_err err = { 0 };
	struct ms_store_stats s;
	struct ms_store *st;

	if (ms_store_open(&st, &conf, &err) < 0) {
		fprintf(stderr, "t_store: %s\n", err.msg);
		return 1;
	}
	for (;;) {
		due = ms_store_tick(st, ms_mono_now(), &err);
		if (err.code)
			fprintf(stderr, "t_store: %s\n", err.msg);
		ms_store_stats(st, &s);
		if ((s.connected && s.spool_bytes == 0) ||
		    ms_mono_now() >= end)
			break;
		wait_until(due);
	}
	print_stats(st);
	ms_store_close(st);
	return s.spool_bytes == 0 ? 0 : 1;
}

static long long count(struct ms_db *db, const char *sql)
{
	char v[32];
	long long n = -1;

	if (ms_db_query_str(db, sql, NULL, 0, v, sizeof(v), NULL) > 0)
		ms_parse_ll(v, 0, LLONG_MAX, &n);
	return n;
}

static void test_store(struct ms_db *db)
{
	struct ms_sample *v = calloc(10000, sizeof(*v));
	struct ms_devscan d = { .start_ms = 1700000000123LL,
				.end_ms = 1700000004567LL,
				.outcome = MS_SCAN_PARTIAL, .channels = 42 };
	struct ms_err err = { 0 };
	struct ms_store_stats s;
	struct ms_store *st;

	is_int(ms_store_open(&st, &conf, &err), 0, "store opens");
	ms_store_stats(st, &s);
	ok(s.connected, "connected at open (%s)", err.msg);
	make(v, 10000, 0, 1);
	is_int(ms_store_put(st, v, 10000, &err), 0, "10000 samples put");
	is_int(count(db, "SELECT COUNT(*) FROM samples"), 10000,
	       "10000 rows in samples");
	is_int(ms_store_put(st, v, 10000, &err), 0, "the same again");
	is_int(count(db, "SELECT COUNT(*) FROM samples"), 10000,
	       "a replayed batch adds nothing");
	ms_store_stats(st, &s);
	is_int(s.duplicates, 10000, "and counts as duplicates");
	is_int(s.spooled, 0, "nothing spooled while the database is up");
	is_int(count(db, "SELECT COUNT(*) FROM modulation_new WHERE "
		     "modulation = 'QAM64'"), 2500,
	       "the legacy view shows the modulation text");
	snprintf(d.run_id, sizeof(d.run_id), "run-1");
	snprintf(d.device, sizeof(d.device), "CCAP001");
	snprintf(d.error, sizeof(d.error), "1 of 43 channels unparsed");
	ok(ms_store_device_scan(st, &d, &err) == 0 &&
	   ms_store_device_scan(st, &d, &err) == 0, "device scan stored twice");
	is_int(count(db, "SELECT COUNT(*) FROM device_scans WHERE outcome = "
		     "'partial' AND channels = 42"), 1, "one device_scans row");
	ok(ms_store_sweep_done(st, 1700000600, &err) == 0 &&
	   ms_store_sweep_done(st, 1700000000, &err) == 0, "sweeps stamped");
	is_int(count(db, "SELECT stamp FROM lastupdatemodulation"), 1700000600,
	       "lastupdatemodulation has the latest sweep, not the last call");
	make(v, 3, 0, 2);
	snprintf(v[1].upstream, sizeof(v[1].upstream), "bad\xff\xfe");
	is_int(ms_store_put(st, v, 3, &err), MS_E_DB, "bad data refused");
	ok(strstr(err.msg, "rejected.bad") != NULL, "kept aside: %s", err.msg);
	make(v, 3, 0, 3);
	is_int(ms_store_put(st, v, 3, &err), 0, "the next batch goes in");
	ms_store_stats(st, &s);
	ok(s.connected && s.rejected == 3 && s.spooled == 0,
	   "still connected; 3 rejected, none spooled");
	ms_store_close(st);
	free(v);
}

/* A spooled record that cannot be decoded and cannot be set aside either
 * (rejected.bad is not writable) stays in the spool: it is not dropped. */
static void test_reject_fails(void)
{
	char dir[PATH_MAX], bad[PATH_MAX + 16];
	struct ms_err err = { 0 };
	struct ms_store_stats s;
	struct ms_sample v[1];
	struct ms_spool *sp;
	struct ms_store *st;

	ms_conf_path(&conf, MS_CONF_SPOOL_DIR, "spool", dir, sizeof(dir));
	snprintf(bad, sizeof(bad), "%s/rejected.bad", dir);
	unlink(bad);
	ok(ms_spool_open(&sp, dir, 1 << 20, &err) == 0 &&
	   ms_spool_append(sp, MS_SPOOL_SAMPLES, 7, "garbage", 7, &err) == 0,
	   "an undecodable record spooled (%s)", err.msg);
	ms_spool_close(sp);
	ok(mkdir(bad, 0700) == 0, "rejected.bad made unwritable");
	is_int(ms_store_open(&st, &conf, &err), 0, "store opens");
	ms_store_tick(st, ms_mono_now(), &err);
	ms_store_stats(st, &s);
	ok(s.spool_bytes > 0, "the record stays in the spool (%llu bytes)",
	   (unsigned long long)s.spool_bytes);
	ok(err.code != 0 && strstr(err.msg, "rejected.bad"),
	   "and the failure is reported: %s", err.msg);
	rmdir(bad);
	ms_store_tick(st, ms_mono_now(), &err);
	ms_store_stats(st, &s);
	is_int(s.spool_bytes, 0, "once rejected.bad works it moves there");

	/* The same for a new batch the database refuses as bad data. */
	make(v, 1, 0, 6);
	snprintf(v[0].upstream, sizeof(v[0].upstream), "bad\xff\xfe");
	ok(unlink(bad) == 0 && mkdir(bad, 0700) == 0,
	   "rejected.bad unwritable again");
	ok(ms_store_put(st, v, 1, &err) < 0, "a refused batch is an error");
	ms_store_stats(st, &s);
	ok(s.spool_bytes > 0, "but it is kept in the spool (%s)", err.msg);
	rmdir(bad);
	ms_store_tick(st, ms_mono_now(), &err);
	ms_store_stats(st, &s);
	is_int(s.spool_bytes, 0, "and moves to rejected.bad on replay");
	ms_store_close(st);
}

/* Two corrupt stretches in one spool file: each is reported, neither
 * message hides the other (the tick reports one failure). */
static void test_two_corruptions(void)
{
	char dir[PATH_MAX], file[PATH_MAX + 64];
	struct ms_err err = { 0 };
	struct ms_store_stats s;
	struct ms_sample v[3];
	struct ms_spool *sp;
	struct ms_store *st;
	int fd = -1, i, notes = 0;

	ms_conf_path(&conf, MS_CONF_SPOOL_DIR, "spool", dir, sizeof(dir));
	make(v, 3, 500, 5);
	ok(ms_spool_open(&sp, dir, 1 << 20, &err) == 0, "spool opens");
	for (i = 0; i < 3; i++) {
		ok(t_spool_samples(sp, &v[i], 1, &err) == 0,
		   "record %d spooled", i);
		if (i == 0) {
			snprintf(file, sizeof(file), "%s/spool-%016llx.log",
				 dir, (unsigned long long)ms_spool_files(sp));
			fd = open(file, O_WRONLY | O_APPEND);
		}
		if (i < 2)
			ok(write(fd, "GARBAGE!", 8) == 8, "garbage after %d", i);
	}
	close(fd);
	ms_spool_close(sp);
	is_int(ms_store_open(&st, &conf, &err), 0, "store opens");
	for (i = 0; i < 10; i++) {
		ms_store_tick(st, ms_mono_now(), &err);
		notes += err.code && strstr(err.msg, "NOT replayed") != NULL;
		ms_store_stats(st, &s);
		if (!s.spool_bytes)
			break;
	}
	is_int(notes, 2, "both corrupt stretches reported");
	is_int(s.replayed, 3, "the three good records replayed");
	ms_store_close(st);
}

static void test_down(void)
{
	struct ms_sample v[10];
	struct ms_err err = { 0 };
	struct ms_store_stats s;
	struct ms_store *st;
	ms_msec_t t0, due;

	ms_conf_set(&conf, MS_CONF_DB_PORT, "1", NULL);
	ms_conf_set(&conf, MS_CONF_DB_SOCKET, "", NULL);
	t0 = ms_mono_now();
	is_int(ms_store_open(&st, &conf, &err), 0, "opens with the server away");
	ok(strstr(err.msg, "cannot connect to 127.0.0.1:1") != NULL,
	   "and says why: %s", err.msg);
	make(v, 10, 0, 4);
	is_int(ms_store_put(st, v, 10, &err), 0, "put while down succeeds");
	ms_store_stats(st, &s);
	ok(s.spooled == 10 && s.spool_bytes > 0, "the batch is spooled");
	due = ms_store_tick(st, ms_mono_now(), &err);
	ok(due > ms_mono_now() && due - t0 <= 1500,
	   "next reconnect within the first backoff step (%lld ms)",
	   (long long)(due - t0));
	ms_store_close(st);
}

int main(int argc, char **argv)
{
	struct ms_sql_run run = { 0 };
	struct ms_err err = { 0 };
	struct ms_db_opts o;
	struct ms_db *db;
	int r;

	ms_conf_init(&conf);
	if (ms_conf_load_env(&conf, &err) < 0 || ms_db_global_init() < 0) {
		fprintf(stderr, "t_store: %s\n", err.msg);
		return 2;
	}
	if (argc == 5 && !strcmp(argv[1], "--put") &&
	    !strcmp(argv[3], "--tag")) {
		long long n, tag;

		if (ms_parse_ll(argv[2], 0, 100000000, &n) < 0 ||
		    ms_parse_ll(argv[4], 0, 1000000, &tag) < 0)
			return 2;
		return drive_put((size_t)n, (int)tag);
	}
	if (argc == 2 && !strcmp(argv[1], "--replay"))
		return drive_replay();
	if (!getenv("MS_TEST_DB_PORT")) {
		printf("1..0 # skip MS_TEST_DB_PORT not set (t2290-scan-store.sh "
		       "runs this against a server)\n");
		return 0;
	}
	ms_db_opts_from_conf(&o, &conf);
	r = ms_db_connect(&db, &o, &err);
	run.db = db;
	ok(r == 0 && ms_schema_init(&run, time(NULL), NULL, 0, &err) == 0,
	   "schema ready (%s)", err.msg);
	if (r == 0) {
		test_store(db);
		test_reject_fails();
		test_two_corruptions();
		ms_db_close(db);
	}
	test_down();
	ms_conf_release(&conf);
	ms_db_global_end();
	return done_testing();
}
