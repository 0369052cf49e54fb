/*
 * Ingest benchmark: N synthetic samples through ms_store (bulk batches,
 * one transaction each), then a smaller count the legacy way (one INSERT
 * per row, autocommit) into a legacy-shaped table; prints both rates, the
 * ratio and peak RSS.  Run by tests/bench/ingest against its own server.
 *
 *   ingest SAMPLES LEGACY_SAMPLES
 */
#include "store.h"

#include <mysql.h>
#include <sys/resource.h>

#include "db.h"
#include "num.h"
#include "mstime.h"

static void make(struct ms_sample *v, size_t n, size_t from, int64_t t)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		k = from + i;
		snprintf(v[i].device, sizeof(v[i].device), "CCAP%04zu",
			 k / 1000);
		snprintf(v[i].upstream, sizeof(v[i].upstream), "%zu/%zu/%zu",
			 k % 1000 / 100, k % 100 / 10, k % 10);
		v[i].code = (int32_t)(200 + k % 40);
		v[i].mod = (uint8_t)(k % MS_MOD__COUNT);
		v[i].time = t;
	}
}

static double store_rate(const struct ms_conf *c, size_t n)
{
	size_t chunk = (size_t)ms_conf_int(c, MS_CONF_DB_BATCH_SIZE), i, k;
	struct ms_sample *v = calloc(chunk, sizeof(*v));
	struct ms_err err = { 0 };
	struct ms_store_stats s;
	struct ms_store *st;
	int64_t t = time(NULL) - 60;
	ms_msec_t t0, gen = 0, g;

	if (!v || ms_store_open(&st, c, &err) < 0 || err.code) {
		fprintf(stderr, "ingest: %s\n", err.msg);
		exit(1);
	}
	t0 = ms_mono_now();
	for (i = 0; i < n; i += k) {
		k = MS_MIN(chunk, n - i);
		g = ms_mono_now();
		make(v, k, i, t);
		gen += ms_mono_now() - g;
		if (ms_store_put(st, v, k, &err) < 0) {
			fprintf(stderr, "ingest: %s\n", err.msg);
			exit(1);
		}
	}
	t0 = ms_mono_now() - t0 - gen;
	ms_store_stats(st, &s);
	if (s.stored != n || s.spooled) {
		fprintf(stderr, "ingest: stored %llu of %zu, spooled %llu\n",
			(unsigned long long)s.stored, n,
			(unsigned long long)s.spooled);
		exit(1);
	}
	ms_store_close(st);
	free(v);
	return (double)n * 1000.0 / (double)(t0 > 0 ? t0 : 1);
}

/* The legacy tool's way: one INSERT and one commit per sample. */
static double legacy_rate(const struct ms_conf *c, size_t n)
{
	static const char sql[] = "INSERT INTO bench_legacy (cmts, upstream, "
		"modulation, `timestamp`) VALUES (?, ?, ?, FROM_UNIXTIME(?))";
	struct ms_err err = { 0 };
	struct ms_db_opts o;
	struct ms_sample v;
	struct ms_db *db;
	MYSQL_STMT *s;
	MYSQL_BIND b[4];
	unsigned long len[3];
	const char *mod;
	long long ts;
	ms_msec_t t0;
	size_t i;

	ms_db_opts_from_conf(&o, c);
	if (ms_db_connect(&db, &o, &err) < 0 ||
	    ms_db_exec(db, "CREATE TABLE IF NOT EXISTS bench_legacy (id INT "
		       "AUTO_INCREMENT PRIMARY KEY, cmts VARCHAR(50), upstream "
		       "VARCHAR(50), modulation VARCHAR(10), `timestamp` "
		       "DATETIME)", &err) < 0 ||
	    ms_db_autocommit(db, true, &err) < 0) {
		fprintf(stderr, "ingest: %s\n", err.msg);
		exit(1);
	}
	s = mysql_stmt_init(ms_db_handle(db));
	if (!s || mysql_stmt_prepare(s, sql, sizeof(sql) - 1)) {
		fprintf(stderr, "ingest: prepare failed\n");
		exit(1);
	}
	memset(b, 0, sizeof(b));
	b[0].buffer_type = b[1].buffer_type = b[2].buffer_type =
		MYSQL_TYPE_STRING;
	b[0].buffer = v.device;
	b[1].buffer = v.upstream;
	b[0].length = &len[0];
	b[1].length = &len[1];
	b[2].length = &len[2];
	b[3].buffer_type = MYSQL_TYPE_LONGLONG;
	b[3].buffer = &ts;
	t0 = ms_mono_now();
	for (i = 0; i < n; i++) {
		make(&v, 1, i, time(NULL) - 60);
		mod = ms_mod_name((enum ms_mod)v.mod);
		b[2].buffer = (void *)mod;
		len[0] = strlen(v.device);
		len[1] = strlen(v.upstream);
		len[2] = strlen(mod);
		ts = v.time;
		if (mysql_stmt_bind_param(s, b) || mysql_stmt_execute(s)) {
			fprintf(stderr, "ingest: %s\n", mysql_stmt_error(s));
			exit(1);
		}
	}
	t0 = ms_mono_now() - t0;
	mysql_stmt_close(s);
	ms_db_close(db);
	return (double)n * 1000.0 / (double)(t0 > 0 ? t0 : 1);
}

int main(int argc, char **argv)
{
	struct ms_err err = { 0 };
	struct ms_conf c;
	struct rusage ru;
	long long n, ln;
	double fast, slow;

	if (argc != 3 || ms_parse_ll(argv[1], 1, 1LL << 32, &n) < 0 ||
	    ms_parse_ll(argv[2], 1, 1LL << 32, &ln) < 0) {
		fprintf(stderr, "usage: ingest SAMPLES LEGACY_SAMPLES\n");
		return 2;
	}
	ms_conf_init(&c);
	if (ms_conf_load_env(&c, &err) < 0 || ms_db_global_init() < 0) {
		fprintf(stderr, "ingest: %s\n", err.msg);
		return 2;
	}
	fast = store_rate(&c, (size_t)n);
	getrusage(RUSAGE_SELF, &ru);
	printf("ms_store: %lld samples, %.0f samples/s (batches of %lld), "
	       "peak RSS %ld KiB\n", n, fast,
	       ms_conf_int(&c, MS_CONF_DB_BATCH_SIZE), ru.ru_maxrss);
	fflush(stdout);
	slow = legacy_rate(&c, (size_t)ln);
	printf("legacy:   %lld samples, %.0f samples/s (one INSERT per row, "
	       "autocommit); %lld would take %.0f s\n", ln, slow, n,
	       (double)n / slow);
	printf("ratio:    %.1fx\n", fast / slow);
	printf("target:   100000 samples/s: %s\n", fast >= 100000 ? "met" :
	       "NOT met");
	ms_conf_release(&c);
	ms_db_global_end();
	return 0;
}
