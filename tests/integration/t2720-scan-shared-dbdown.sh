#!/bin/sh
test_description='scan SCAN_SHARED with the database away: each scanner keeps its own devices and no other, spools, and leases resume when it is back'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

mariadb_start
ccapsim_start --devices 16 --upstreams 2 --seed 33

IV=10000
CHECK=$TEST_DIR/shared-check.py
test_atexit "kill -9 \$(cat $TRASH/scan-a.pid $TRASH/scan-b.pid \
	2>/dev/null) 2>/dev/null"

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

instance_conf() {
	mkdir -p "run-$1" && chmod 700 "run-$1" &&
	sed -e "s|^LOG_FILE=.*|LOG_FILE=$TRASH/$1.log|" \
	    -e "s|^DEVICE_TIMEOUT=.*|DEVICE_TIMEOUT=5|" scan.conf >"$1.conf" &&
	cat >>"$1.conf" <<-EOC &&
	SCAN_SHARED=yes
	INSTANCE_NAME=$1
	SCAN_INTERVAL=10
	CHECK_INTERVAL=1
	DB_CONNECT_TIMEOUT=2
	DB_RETRY_MAX=1
	EOC
	chmod 600 "$1.conf"
}

start() {
	RUN_DIR=$TRASH/run-$1 "$MODSCAN" scan -c "$1.conf" 2>"$1.err" &
	echo $! >"$1.pid"
}

live() {
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.scan_instances
		WHERE stopped = 0 AND seen_ms + lapse_ms >=
		UNIX_TIMESTAMP(NOW(3)) * 1000")" = "$1"
}

scanned_after() {
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans
		WHERE started_ms >= $1")" -gt 0
}

# Truth-log lines (scans) after MS: a clock the database does not hold.
truth_after() {
	test "$(awk -v t="$1" "\$1 >= t" "$CCAPSIM_TRUTH" | wc -l)" -gt 0
}

test_expect_success 'setup: two instances share 16 devices' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	instance_conf scan-a &&
	instance_conf scan-b &&
	start scan-a && start scan-b &&
	test_wait_for 60 live 2 &&
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
	test_wait_for 30 gone $(cat scan-b.pid)
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
