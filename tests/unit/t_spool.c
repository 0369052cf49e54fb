/* The spool: round trips, replay order, torn tails, corrupt records, cap. */
#include "spool.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "harness.h"
#include "tspool.h"

static char dir[256];

static void batch(struct ms_sample *v, size_t n, int tag)
{
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		snprintf(v[i].device, sizeof(v[i].device), "CCAP%03d", tag);
		snprintf(v[i].upstream, sizeof(v[i].upstream), "us%zu", i);
		v[i].code = 200 + (int)i;
		v[i].mod = (uint8_t)(i % MS_MOD__COUNT);
		v[i].time = 1700000000 + tag;
	}
}

static struct ms_spool *open_spool(uint64_t max)
{
	struct ms_spool *sp = NULL;
	struct ms_err err = { 0 };

	if (ms_spool_open(&sp, dir, max, &err) < 0)
		printf("# open: %s\n", err.msg);
	return sp;
}

/* The tag of the next sample batch, acked; -1 if none, -2 on error. */
static int next_tag(struct ms_spool *sp, char *note, size_t size)
{
	struct ms_sample v[8];
	struct ms_spool_rec rec;
	struct ms_err err = { 0 };
	int r = ms_spool_next(sp, &rec, note, size, &err);

	if (r <= 0)
		return r == 0 ? -1 : -2;
	if (ms_spool_decode_samples(&rec, v, 8, &err) < 0 ||
	    ms_spool_ack(sp, &err) < 0)
		return -2;
	return (int)(v[0].time - 1700000000);
}

static void put_tags(int from, int to, bool reopen)
{
	struct ms_sample v[4];
	struct ms_spool *sp = open_spool(1 << 20);
	int t;

	for (t = from; sp && t <= to; t++) {
		batch(v, 4, t);
		t_spool_samples(sp, v, 4, NULL);
		if (reopen) {
			ms_spool_close(sp);
			sp = open_spool(1 << 20);
		}
	}
	ms_spool_close(sp);
}

static int count_files(const char *suffix)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	size_t sl = strlen(suffix);
	int n = 0;

	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l > sl && !strcmp(e->d_name + l - sl, suffix))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

static char *only_file(void)
{
	static char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	path[0] = '\0';
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "spool-", 6) &&
		    strlen(e->d_name) == 26)
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
	if (d)
		closedir(d);
	return path;
}

static void test_roundtrip(void)
{
	struct ms_sample v[3], w[3];
	struct ms_devscan d = { .start_ms = 5, .end_ms = 9, .outcome = 1,
				.channels = 7 }, e;
	struct ms_spool_rec rec;
	struct ms_spool *sp = open_spool(1 << 20);
	struct ms_buf b;
	int64_t t;

	snprintf(d.run_id, sizeof(d.run_id), "run-1");
	snprintf(d.device, sizeof(d.device), "CCAP101");
	snprintf(d.error, sizeof(d.error), "login failed");
	snprintf(d.instance, sizeof(d.instance), "jump-north");
	batch(v, 3, 1);
	v[2].code = -5;
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	ok(sp && t_spool_samples(sp, v, 3, NULL) == 0 &&
	   ms_spool_encode_devscan(&d, &b) == 0 &&
	   ms_spool_append(sp, MS_SPOOL_DEVSCAN, 1, b.p, b.len, NULL) == 0 &&
	   ms_spool_encode_sweep(1700000999, &b) == 0 &&
	   ms_spool_append(sp, MS_SPOOL_SWEEP, 1, b.p, b.len, NULL) == 0,
	   "three kinds spooled");
	ms_buf_release(&b);
	ok(!ms_spool_empty(sp) && ms_spool_bytes(sp) > 0, "spool not empty");
	is_int(ms_spool_next(sp, &rec, NULL, 0, NULL), 1, "samples back");
	is_int(ms_spool_decode_samples(&rec, w, 3, NULL), 3, "3 decoded");
	ok(!memcmp(v, w, sizeof(v)), "samples identical after the round trip");
	ms_spool_ack(sp, NULL);
	ok(ms_spool_next(sp, &rec, NULL, 0, NULL) == 1 &&
	   ms_spool_decode_devscan(&rec, &e, NULL) == 0 &&
	   !memcmp(&d, &e, sizeof(d)), "device scan identical");
	ms_spool_ack(sp, NULL);
	ok(ms_spool_next(sp, &rec, NULL, 0, NULL) == 1 &&
	   ms_spool_decode_sweep(&rec, &t, NULL) == 0 && t == 1700000999,
	   "sweep stamp identical");
	ms_spool_ack(sp, NULL);
	is_int(ms_spool_next(sp, &rec, NULL, 0, NULL), 0, "then empty");
	is_int(count_files(".log"), 0, "file removed after its last ack");
	is_int(ms_spool_bytes(sp), 0, "no bytes counted");
	ms_spool_close(sp);
}

/* A device scan spooled before the instance was recorded still reads. */
static void test_devscan_without_instance(void)
{
	struct ms_devscan d = { .start_ms = 1, .end_ms = 2 }, e;
	struct ms_spool_rec rec = { .kind = MS_SPOOL_DEVSCAN, .count = 1 };
	struct ms_buf b;

	snprintf(d.run_id, sizeof(d.run_id), "r");
	snprintf(d.device, sizeof(d.device), "CCAP001");
	snprintf(d.instance, sizeof(d.instance), "abc");
	ms_buf_init(&b, MS_BUF_UNBOUNDED);
	ok(ms_spool_encode_devscan(&d, &b) == 0, "encoded");
	rec.data = (const unsigned char *)b.p;
	rec.len = b.len - 4;	/* the instance: length byte, abc */
	ok(ms_spool_decode_devscan(&rec, &e, NULL) == 0 && !e.instance[0] &&
	   !strcmp(e.device, "CCAP001"), "old record: no instance");
	rec.len = b.len - 1;
	ok(ms_spool_decode_devscan(&rec, &e, NULL) == MS_E_CORRUPT,
	   "a cut instance is malformed");
	ms_buf_release(&b);
}

static void test_order_and_unacked(void)
{
	struct ms_spool *sp;
	struct ms_spool_rec rec;
	int t, bad = 0;

	put_tags(1, 5, true);
	is_int(count_files(".log"), 5, "five runs left five files");
	sp = open_spool(1 << 20);
	/* Not acked (a crash during replay): the same record again. */
	ms_spool_next(sp, &rec, NULL, 0, NULL);
	ms_spool_close(sp);
	sp = open_spool(1 << 20);
	for (t = 1; t <= 5; t++)
		bad += next_tag(sp, NULL, 0) != t;
	is_int(bad, 0, "replayed oldest first, from the first unacked record");
	is_int(next_tag(sp, NULL, 0), -1, "nothing more");
	ms_spool_close(sp);
}

static void test_torn_tail(void)
{
	struct ms_spool *sp;
	char note[1024];
	struct stat st;
	char *f;

	put_tags(1, 3, false);
	f = only_file();
	ok(stat(f, &st) == 0 && truncate(f, st.st_size - 7) == 0,
	   "last record torn by hand");
	sp = open_spool(1 << 20);
	is_int(next_tag(sp, note, sizeof(note)), 1, "first record replayed");
	is_int(next_tag(sp, note, sizeof(note)), 2, "second record replayed");
	is_int(next_tag(sp, note, sizeof(note)), -1, "torn one is not");
	ok(strstr(note, "torn record") != NULL, "torn tail reported: %s", note);
	is_int(count_files(".bad"), 0, "a torn tail is no .bad file");
	ms_spool_close(sp);
}

static void test_corrupt_middle(void)
{
	struct ms_spool *sp;
	char note[1024] = "";
	int fd, t1, t2, t3;
	char *f;

	put_tags(1, 3, false);
	f = only_file();
	fd = open(f, O_RDWR);
	/* Flip a payload byte of the second record (records are equal in
	 * size: find it from the file size). */
	ok(fd >= 0 && pwrite(fd, "X", 1, lseek(fd, 0, SEEK_END) / 3 + 40) == 1,
	   "a byte in the middle record flipped");
	close(fd);
	sp = open_spool(1 << 20);
	t1 = next_tag(sp, note, sizeof(note));
	t2 = next_tag(sp, note, sizeof(note));
	t3 = next_tag(sp, NULL, 0);
	ok(t1 == 1 && t2 == 3 && t3 == -1, "records 1 and 3 replayed (%d %d %d)",
	   t1, t2, t3);
	ok(strstr(note, "corrupt record") && strstr(note, ".bad"),
	   "corruption reported loudly: %s", note);
	is_int(count_files(".log.bad"), 1, "corrupt bytes kept in a .bad file");
	ms_spool_close(sp);
}

static void test_cap(void)
{
	struct ms_sample v[4];
	struct ms_spool *sp = open_spool(400);
	struct ms_err err = { 0 };
	uint64_t before;
	int r, t, n = 0;

	for (t = 1; t <= 10; t++) {
		batch(v, 4, t);
		r = t_spool_samples(sp, v, 4, &err);
		if (r == MS_E_FULL)
			break;
		n += r == 0;
	}
	ok(n >= 1 && t <= 10, "cap reached after %d batches", n);
	is_int(r, MS_E_FULL, "full: MS_E_FULL");
	ok(strstr(err.msg, "full") != NULL, "error says full: %s", err.msg);
	before = ms_spool_bytes(sp);
	ok(before <= 400, "spool within its cap (%llu bytes)",
	   (unsigned long long)before);
	ms_spool_close(sp);
	sp = open_spool(400);
	is_int(ms_spool_bytes(sp), before, "nothing written past the cap");
	for (t = 1; t <= n; t++)
		if (next_tag(sp, NULL, 0) != t)
			break;
	is_int(t, n + 1, "every accepted batch kept, oldest first");
	ms_spool_close(sp);
}

/* A write that runs out of room (RLIMIT_FSIZE stands in for a full disk)
 * leaves no partial record behind. */
static void test_disk_full(void)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };
	struct ms_sample v[200];
	struct ms_err err = { 0 };
	struct rlimit old, lim;
	struct ms_spool *sp = open_spool(1 << 20);
	struct stat st;
	char *f;
	int r;

	batch(v, 4, 1);
	t_spool_samples(sp, v, 4, NULL);
	f = only_file();
	stat(f, &st);
	sigaction(SIGXFSZ, &sa, NULL);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = (rlim_t)st.st_size + 100;
	setrlimit(RLIMIT_FSIZE, &lim);
	batch(v, 200, 2);
	r = t_spool_samples(sp, v, 200, &err);
	setrlimit(RLIMIT_FSIZE, &old);
	is_int(r, MS_E_SYS, "a write past the disk's room fails");
	ok(strstr(err.msg, "cannot write") != NULL, "and says so: %s", err.msg);
	ok(stat(f, &st) == 0 && (uint64_t)st.st_size == ms_spool_bytes(sp),
	   "no partial record left (%lld bytes)", (long long)st.st_size);
	batch(v, 4, 3);
	is_int(t_spool_samples(sp, v, 4, NULL), 0, "room again: appends");
	is_int(next_tag(sp, NULL, 0), 1, "the record before is intact");
	is_int(next_tag(sp, NULL, 0), 3, "the record after is intact");
	ms_spool_close(sp);
}

static void clean_dir(void)
{
	struct dirent *e;
	char path[600];
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

int main(void)
{
	struct stat st;
	char tmpl[] = "/tmp/t_spool.XXXXXX";

	if (!mkdtemp(tmpl))
		return 1;
	snprintf(dir, sizeof(dir), "%s/spool", tmpl);
	test_roundtrip();
	test_devscan_without_instance();
	clean_dir();
	test_order_and_unacked();
	clean_dir();
	test_torn_tail();
	clean_dir();
	test_corrupt_middle();
	clean_dir();
	test_cap();
	clean_dir();
	test_disk_full();
	ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700,
	   "spool directory is private (0700)");
	clean_dir();
	rmdir(dir);
	rmdir(tmpl);
	return done_testing();
}
