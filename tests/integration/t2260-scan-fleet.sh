#!/bin/sh
test_description='scan --once over 200 devices stores every channel the devices showed'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

mariadb_start
ccapsim_start --devices 200 --family mix --upstreams 8 --seed 21

test_expect_success 'one sweep of 200 devices, all ok' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	start=$(date +%s) &&
	modscan scan --once -c scan.conf 2>err &&
	echo "sweep: $(($(date +%s) - start)) s" &&
	test_line_count = 0 err
'

test_expect_success 'every channel of the truth log has its sample, nothing else' '
	awk "\$3 != \"-\" { print \$2, \$3, \$4, \$5 }" "$CCAPSIM_TRUTH" |
		sort -u >truth &&
	mariadb_sql "SELECT device, upstream, code, modulation FROM
		     modscan.samples" | tr "\t" " " | sort >stored &&
	test_line_count -gt 1400 truth &&
	test_cmp truth stored &&
	cut -d" " -f1 stored | sort -u >devs &&
	test_line_count = 200 devs
'

test_expect_success 'device scans and statistics' '
	mariadb_sql "SELECT outcome, COUNT(*) FROM modscan.device_scans
		     GROUP BY outcome" >outcomes &&
	printf "ok\t200\n" >expect &&
	test_cmp expect outcomes &&
	/usr/bin/python3 - run/status.json "$(wc -l <truth)" <<-\EOP
	import json, sys
	st = json.load(open(sys.argv[1]))
	last = st["last_sweep"]
	assert st["state"] == "stopped", st["state"]
	assert last["devices_ok"] == 200, last
	assert last["devices_failed"] == last["devices_partial"] == 0, last
	assert last["channels"] == int(sys.argv[2]), last
	assert last["samples_stored"] == last["channels"], last
	assert last["samples_spooled"] == 0, last
	assert st["failures"] == [], st["failures"]
	EOP
'

test_done
