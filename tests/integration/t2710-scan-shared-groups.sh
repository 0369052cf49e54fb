#!/bin/sh
test_description='scan SCAN_SHARED: device groups go to the instances that serve them; bad instance settings are config errors; an older schema still logs scans'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-shared.sh"

mariadb_start
ccapsim_start --devices 12 --upstreams 2 --seed 31

shared_atexit north rest

# every device of the file has been scanned at least twice
all_scanned_twice() {
	test "$(mariadb_sql "SELECT COUNT(*) FROM (SELECT device FROM
		modscan.device_scans GROUP BY device HAVING COUNT(*) >= 2) t")" = 12
}

north_scanned_after() {
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans
		WHERE instance = \"north\" AND started_ms >= $1")" -gt 0
}

test_expect_success 'setup: the first 6 devices in group north, 3 in south, 3 without' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	awk "{ g = NR <= 6 ? \"north\" : NR <= 9 ? \"south\" : \"-\";
	       print \$1, \$2, \$3, \$4, \"-\", g }" "$CCAPSIM_INV" >devices &&
	test_line_count = 12 devices &&
	awk "\$6 == \"north\" { print \$1 }" devices | sort >north-devices &&
	awk "\$6 != \"north\" { print \$1 }" devices | sort >rest-devices &&
	shared_conf north INSTANCE_GROUPS=north SCAN_INTERVAL=10 \
		DEVICES_FILE=$TRASH/devices &&
	shared_conf rest INSTANCE_GROUPS=south,- SCAN_INTERVAL=10 \
		DEVICES_FILE=$TRASH/devices
'

test_expect_success 'each group is scanned by the instance that serves it, none by the other; SIGHUP on the way' '
	shared_start north && shared_start rest &&
	test_wait_for 60 grep -q "leases: 2 live scanners" north.log &&
	kill -HUP $(cat north.pid) &&
	th=$(now_ms) &&
	test_wait_for 30 grep -q "SIGHUP: reloading" north.log &&
	test_wait_for 90 all_scanned_twice &&
	test_wait_for 60 north_scanned_after $th &&
	kill -TERM $(cat north.pid rest.pid) &&
	test_wait_for 30 gone $(cat north.pid) &&
	test_wait_for 30 gone $(cat rest.pid) &&
	test_line_count = 0 north.err &&
	test_line_count = 0 rest.err &&
	mariadb_sql "SELECT DISTINCT device FROM modscan.device_scans
		     WHERE instance = \"north\" ORDER BY device" >by-north &&
	mariadb_sql "SELECT DISTINCT device FROM modscan.device_scans
		     WHERE instance = \"rest\" ORDER BY device" >by-rest &&
	test_cmp north-devices by-north &&
	test_cmp rest-devices by-rest &&
	mariadb_sql "SELECT DISTINCT grp FROM modscan.scan_leases
		     ORDER BY grp" >groups &&
	printf "\nnorth\nsouth\n" >expect &&
	test_cmp expect groups
'

test_expect_success 'a bad INSTANCE_NAME: one line, exit 2, nothing started' '
	shared_conf bad INSTANCE_NAME=jump/north &&
	test_expect_code 2 env RUN_DIR=$TRASH/run-bad "$MODSCAN" scan \
		-c bad.conf 2>err &&
	test_line_count = 1 err &&
	test_grep "INSTANCE_NAME: .jump/north. is not a valid instance name" err
'

test_expect_success 'a bad INSTANCE_GROUPS: one line, exit 2; --check-config says the same' '
	shared_conf bad2 INSTANCE_GROUPS=north,,south &&
	test_expect_code 2 env RUN_DIR=$TRASH/run-bad2 "$MODSCAN" scan \
		-c bad2.conf 2>err &&
	test_line_count = 1 err &&
	test_grep "INSTANCE_GROUPS: .. is not a group name" err &&
	test_expect_code 2 modscan --check-config --config bad2.conf \
		>out 2>err &&
	test_line_count = 1 err &&
	test_grep "INSTANCE_GROUPS: .. is not a group name" err &&
	test_expect_code 0 modscan --check-config --config north.conf \
		>out 2>err
'

test_expect_success 'a bad group in the devices file is named and skipped' '
	shared_conf once &&
	{ head -n 1 devices | sed "s/north$/no:rth/"; sed -n 2p devices; } \
		>devices2 &&
	echo "DEVICES_FILE=$TRASH/devices2" >>once.conf &&
	RUN_DIR=$TRASH/run-once modscan scan --once -c once.conf 2>err &&
	test_grep "devices2:1: bad group .no:rth." once.log
'

test_expect_success 'a schema not yet migrated (no device_scans.instance): scans are still logged' '
	mariadb_sql "ALTER TABLE modscan.device_scans DROP COLUMN instance" &&
	mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans" >before &&
	: >once.log &&
	RUN_DIR=$TRASH/run-once modscan scan --once -c once.conf 2>err &&
	test_line_count = 0 err &&
	mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans" >after &&
	test "$(cat after)" = $(($(cat before) + 1)) &&
	test_grep -v "store: " once.log
'

test_expect_success 'no lease tables: SCAN_SHARED refused with one line, exit 2' '
	mariadb_sql "DROP TABLE modscan.scan_leases" &&
	test_expect_code 2 env RUN_DIR=$TRASH/run-north "$MODSCAN" scan \
		-c north.conf 2>err &&
	test_line_count = 1 err &&
	test_grep "SCAN_SHARED: the database has no lease tables: run .modscan maintain --init." err
'

test_done
