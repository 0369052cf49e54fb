#!/bin/sh
test_description='store against a real MariaDB: batches, replay, server faults, kill -9 during replay'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"

T_STORE=$SRC_DIR/build/asan/tests/t_store
test -x "$T_STORE" && test_set_prereq T_STORE
mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
MS_TEST_DB_PORT=$DB_PORT SPOOL_DIR=$TRASH/spool RUN_DIR=$TRASH/run
unset DB_SOCKET
export MS_TEST_DB_PORT SPOOL_DIR RUN_DIR

rows() {
	mariadb_sql "SELECT COUNT(*) FROM modscan.samples"
}

distinct_rows() {
	mariadb_sql "SELECT COUNT(DISTINCT device, upstream, ts) FROM modscan.samples"
}

has_rows() {
	test "$(rows)" -gt 0
}

spool_empty() {
	! ls "$SPOOL_DIR"/spool-*.log >/dev/null 2>&1
}

test_expect_success T_STORE 'store unit tests pass against the server' '
	SPOOL_DIR=$TRASH/spool-unit "$T_STORE" >out 2>&1; rc=$?
	cat out &&
	test_grep -v "^not ok" out &&
	test_grep "^1\.\.[1-9]" out &&
	test $rc = 0
'

test_expect_success T_STORE 'samples put while the server is down are spooled' '
	mariadb_sql "TRUNCATE modscan.samples" &&
	mariadb_stop &&
	"$T_STORE" --put 20000 --tag 10 >out &&
	test_grep "stored=0 .*spooled=20000 .*refused=0" out &&
	! spool_empty
'

test_expect_success T_STORE 'after a restart they are replayed exactly once' '
	mariadb_restart &&
	"$T_STORE" --replay >out &&
	test_grep "replayed=20000" out &&
	test "$(rows)" = 20000 &&
	spool_empty
'

test_expect_success T_STORE 'server killed mid-stream: everything lands exactly once' '
	mariadb_sql "TRUNCATE modscan.samples" &&
	{ "$T_STORE" --put 300000 --tag 20 >out 2>err & } &&
	pid=$! &&
	test_wait_for 60 has_rows &&
	mariadb_kill &&
	wait $pid; cat out err &&
	test_grep "spooled=[1-9]" out &&
	mariadb_restart &&
	"$T_STORE" --replay >out &&
	cat out &&
	test "$(rows)" = 300000 &&
	test "$(distinct_rows)" = 300000 &&
	spool_empty
'

test_expect_success T_STORE 'kill -9 during replay, then a restart: every sample exactly once' '
	mariadb_sql "TRUNCATE modscan.samples" &&
	mariadb_stop &&
	"$T_STORE" --put 200000 --tag 30 >out &&
	test_grep "spooled=200000" out &&
	mariadb_restart &&
	{ "$T_STORE" --replay >out 2>&1 & } &&
	pid=$! &&
	test_wait_for 60 has_rows &&
	kill -9 $pid &&
	{ wait $pid; true; } &&
	echo "killed at $(rows) rows" &&
	test "$(rows)" -lt 200000 &&
	! spool_empty &&
	"$T_STORE" --replay >out &&
	cat out &&
	test "$(rows)" = 200000 &&
	test "$(distinct_rows)" = 200000 &&
	spool_empty
'

test_expect_success T_STORE 'writes blocked by FLUSH TABLES WITH READ LOCK go to the spool' '
	mariadb_sql "TRUNCATE modscan.samples" &&
	{ mariadb_sql "FLUSH TABLES WITH READ LOCK; SELECT SLEEP(6)" & } &&
	lockpid=$! &&
	test_wait_for 10 sh -c "mariadb --no-defaults --socket=$MS_DB_SOCKET -uroot -N -e \"SHOW PROCESSLIST\" | grep -q SLEEP" &&
	DB_READ_TIMEOUT=2 "$T_STORE" --put 1000 --tag 40 >out 2>err;
	cat out err &&
	test_grep "spooled=1000" out &&
	wait $lockpid;
	"$T_STORE" --replay >out &&
	test "$(rows)" = 1000
'

test_expect_success T_STORE 'a revoked grant: spooled, replayed once the grant is back' '
	mariadb_sql "TRUNCATE modscan.samples;
		REVOKE INSERT ON modscan.* FROM modscan@127.0.0.1" &&
	"$T_STORE" --put 500 --tag 50 >out 2>err &&
	test_grep "spooled=500" out &&
	mariadb_sql "GRANT INSERT ON modscan.* TO modscan@127.0.0.1" &&
	"$T_STORE" --replay >out &&
	test "$(rows)" = 500
'

test_expect_success T_STORE 'a full spool refuses new samples, keeps the old' '
	mariadb_stop &&
	SPOOL_MAX_MB=1 "$T_STORE" --put 60000 --tag 60 >out 2>err;
	cat out; head -n 3 err &&
	test_grep "refused=[1-9]" out &&
	test_grep "is full" err &&
	mariadb_restart &&
	"$T_STORE" --replay >out &&
	n=$(sed -n "s/.*replayed=\([0-9]*\).*/\1/p" out) &&
	test "$n" -gt 0 &&
	test "$(rows)" = "$((500 + n))"
'

test_done
