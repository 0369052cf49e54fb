#!/bin/sh
test_description='scan: a devices file with bad lines, a missing one, a bad config'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

mariadb_start
ccapsim_start --devices 3 --upstreams 4 --seed 3

test_expect_success 'setup: the fleet with bad lines in between' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	{
		echo "# comment line" &&
		sed -n 1p "$CCAPSIM_INV" &&
		echo "BADPORT 127.0.0.1 99999 e6000" &&
		echo "A B 22 e6000 prof grp extra" &&
		sed -n 2p "$CCAPSIM_INV" &&
		echo "BADFAM 127.0.0.1 22 nosuchfamily" &&
		sed -n 1p "$CCAPSIM_INV" &&
		echo "" &&
		sed -n 3p "$CCAPSIM_INV"
	} >devices
'

test_expect_success 'each bad line is warned about with its line number' '
	modscan scan --once -c scan.conf --devices devices 2>err &&
	test_grep "devices:3: bad port .99999., skipping" scan.log &&
	test_grep "devices:4: too many fields, skipping" scan.log &&
	test_grep "devices:6: unknown family .nosuchfamily. (e6000, casa, cbr8), skipping" scan.log &&
	test_grep "devices:7: device .CCAP000. listed twice, skipping" scan.log
'

test_expect_success 'the good lines are all scanned, ok' '
	mariadb_sql "SELECT device, outcome FROM modscan.device_scans" |
		sort >out &&
	printf "CCAP000\tok\nCCAP100\tok\nCCAP200\tok\n" >expect &&
	test_cmp expect out &&
	grep -c "scanner started: 3 devices" scan.log &&
	/usr/bin/python3 - run/status.json <<-\EOP
	import json, sys
	st = json.load(open(sys.argv[1]))
	last = st["last_sweep"]
	assert st["devices_total"] == 3, st["devices_total"]
	assert last["devices_ok"] == 3 and last["devices_failed"] == 0, last
	assert last["samples_stored"] == last["channels"] == 12, last
	EOP
'

test_expect_success 'a missing devices file: exit 2, one line' '
	test_expect_code 2 modscan scan --once -c scan.conf \
		--devices "$TRASH/nosuch" 2>err &&
	cat err &&
	test_line_count = 1 err &&
	test_grep "^modscan scan: .*nosuch" err
'

test_expect_success 'no devices file configured: exit 2' '
	grep -v DEVICES_FILE scan.conf >nodev.conf &&
	chmod 600 nodev.conf &&
	test_expect_code 2 modscan scan --once -c nodev.conf 2>err &&
	test_line_count = 1 err &&
	test_grep "no devices (set DEVICES_FILE, DEVICES_SQL, DEVICES_URL, DEVICES_COMMAND or --devices)" err
'

test_expect_success 'a bad config value: exit 2, the key named, nothing scanned' '
	cp scan.conf bad.conf &&
	echo "SCAN_CONCURRENCY=lots" >>bad.conf &&
	chmod 600 bad.conf &&
	n=$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans") &&
	test_expect_code 2 modscan scan --once -c bad.conf 2>err &&
	test_line_count = 1 err &&
	test_grep "SCAN_CONCURRENCY" err &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans")" = "$n"
'

test_expect_success 'a bad MODULATION_MAP: exit 2' '
	cp scan.conf badmap.conf &&
	echo "MODULATION_MAP=221=QAM4096" >>badmap.conf &&
	chmod 600 badmap.conf &&
	test_expect_code 2 modscan scan --once -c badmap.conf 2>err &&
	test_line_count = 1 err &&
	test_grep "MODULATION_MAP" err
'

test_expect_success 'a bad command line: exit 2' '
	test_expect_code 2 modscan scan --once --nosuch 2>err &&
	test_expect_code 2 modscan scan -c scan.conf extra 2>err
'

test_done
