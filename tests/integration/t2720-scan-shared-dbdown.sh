#!/bin/sh
test_description='scan SCAN_SHARED with the database away: each scanner keeps its own devices and no other, spools, and leases resume when it is back'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-shared.sh"

mariadb_start
ccapsim_start --devices 16 --upstreams 2 --seed 33

IV=10000
CHECK=$SHARED_CHECK
shared_atexit scan-a scan-b

# Truth-log lines (scans) after MS: a clock the database does not hold.
truth_after() {
	test "$(awk -v t="$1" "\$1 >= t" "$CCAPSIM_TRUTH" | wc -l)" -gt 0
}

test_expect_success 'setup: two instances share 16 devices' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	for i in scan-a scan-b; do
		shared_conf $i SCAN_INTERVAL=10 DEVICE_TIMEOUT=5 \
			DB_CONNECT_TIMEOUT=2 DB_RETRY_MAX=1 || exit 1
	done &&
	shared_start scan-a && shared_start scan-b &&
	test_wait_for 60 shared_live 2 &&
	t0=$(now_ms) && echo $t0 >t0 &&
	test_wait_for 60 scanned_after $((t0 + IV + 1000))
'

test_expect_success 'the database stops for two intervals and comes back' '
	t0=$(cat t0) &&
	mariadb_stop &&
	td=$(now_ms) && echo $td >td &&
	test_wait_for 60 truth_after $((td + 2 * IV)) &&
	mariadb_restart &&
	tu=$(now_ms) && echo $tu >tu &&
	test_wait_for 60 grep -q "database back" scan-a.log &&
	test_wait_for 60 grep -q "database back" scan-b.log &&
	test_wait_for 60 scanned_after $((tu + 2 * IV)) &&
	kill -TERM $(cat scan-a.pid scan-b.pid) &&
	test_wait_for 30 gone $(cat scan-a.pid) &&
	test_wait_for 30 gone $(cat scan-b.pid) &&
	test_line_count = 0 scan-a.err &&
	test_line_count = 0 scan-b.err
'

test_expect_success 'each logged the outage and the return once' '
	for i in scan-a scan-b; do
		test "$(grep -c "scanning the devices held last" $i.log)" = 1 &&
		test "$(grep -c "database back, sharing resumes" $i.log)" = 1 ||
			exit 1
	done
'

test_expect_success 'every device once per interval, before, during and after' '
	mariadb_sql "SELECT device, instance, started_ms FROM
		     modscan.device_scans ORDER BY started_ms" >scans &&
	/usr/bin/python3 "$CHECK" once scans $IV $(cat t0) \
		$(($(cat tu) + 2 * IV)) >out &&
	cat out &&
	test_grep "^devices 16 " out
'

test_expect_success 'during the outage each device stayed with the instance that held it' '
	td=$(cat td) tu=$(cat tu) t0=$(cat t0) &&
	awk -v a=$t0 -v b=$td "\$3 >= a && \$3 < b { print \$1, \$2 }" scans |
		sort -u >before &&
	awk -v a=$td -v b=$tu "\$3 >= a && \$3 < b { print \$1, \$2 }" scans |
		sort -u >during &&
	test_line_count = 16 during &&
	cut -d" " -f1 during | sort -u >devs &&
	test_line_count = 16 devs &&
	comm -13 before during >moved &&
	test_line_count = 0 moved
'

test_expect_success 'nothing lost: every channel of the truth log is stored' '
	awk "\$3 != \"-\" { print \$2, \$3, \$4, \$5 }" "$CCAPSIM_TRUTH" |
		sort >truth &&
	mariadb_sql "SELECT device, upstream, code, modulation FROM
		     modscan.samples" | tr "\t" " " | sort >stored &&
	test_cmp truth stored
'

test_done
