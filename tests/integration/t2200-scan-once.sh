#!/bin/sh
test_description='scan --once against a ccapsim fleet stores exactly what the devices showed'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

mariadb_start
ccapsim_start --devices 30 --family mix --upstreams 12 --seed 7

# "DEVICE UPSTREAM CODE MODULATION" lines, sorted, from the truth log.
truth_records() {
	awk '$3 != "-" { print $2, $3, $4, $5 }' "$CCAPSIM_TRUTH" | sort -u
}

db_records() {
	mariadb_sql "SELECT device, upstream, code, modulation FROM
		     modscan.samples" | tr '\t' ' ' | sort
}

test_expect_success 'schema and a first sweep of every device' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	date +%s >before &&
	modscan scan --once -c scan.conf 2>err &&
	date +%s >after &&
	test_line_count = 0 err
'

test_expect_success 'every channel the devices showed is stored, nothing else' '
	truth_records >truth.sorted &&
	db_records >actual &&
	test_line_count -gt 100 truth.sorted &&
	test_cmp truth.sorted actual
'

test_expect_success 'one device-scan row per device, all ok' '
	mariadb_sql "SELECT outcome, COUNT(*) FROM modscan.device_scans
		     GROUP BY outcome" >outcomes &&
	printf "ok\t30\n" >expect &&
	test_cmp expect outcomes
'

test_expect_success 'lastupdatemodulation holds the sweep time (between its start and end)' '
	stamp=$(mariadb_sql "SELECT stamp FROM modscan.lastupdatemodulation" |
		tail -n 1) &&
	test "$stamp" -ge "$(cat before)" &&
	test "$stamp" -le "$(cat after)"
'

test_expect_success 'the legacy view shows the same rows as text' '
	mariadb_sql "SELECT COUNT(*) FROM modscan.modulation_new
		     WHERE modulation IN (\"QAM64\",\"QAM16\",\"QPSK\",\"UNKNOWN\")" |
		tail -n 1 >n &&
	test "$(cat n)" = "$(wc -l <truth.sorted)"
'

test_expect_success 'the status file says stopped, one sweep, 30 ok' '
	/usr/bin/python3 - run/status.json <<-\EOP
	import json, sys
	st = json.load(open(sys.argv[1]))
	assert st["state"] == "stopped", st["state"]
	assert st["sweeps"] == 1, st["sweeps"]
	assert st["last_sweep"]["devices_ok"] == 30, st["last_sweep"]
	assert st["last_sweep"]["samples_stored"] == st["last_sweep"]["channels"]
	EOP
'

test_expect_success 'a later sweep stores a second sample of every device' '
	last=$(mariadb_sql "SELECT MAX(ts) FROM modscan.samples") &&
	test_wait_for 5 sh -c "test \$(date +%s) -gt $last" &&
	modscan scan --once -c scan.conf 2>err &&
	mariadb_sql "SELECT MIN(n), MAX(n) FROM (SELECT COUNT(DISTINCT ts) n
		     FROM modscan.samples GROUP BY device) t" >n &&
	printf "2\t2\n" >expect &&
	test_cmp expect n
'

test_expect_success '--device NAME prints what it found' '
	name=$(awk "NR==2 {print \$1}" "$CCAPSIM_INV") &&
	modscan scan -c scan.conf --device "$name" >found &&
	test_grep "^# $name: ok, family" found &&
	grep -v "^#" found | awk -F"\t" "NF != 3 { exit 1 }" &&
	test_line_count -ge 2 found
'

test_expect_success '--device and --parse work beside a running scanner, leaving it alone' '
	"$MODSCAN" scan -c scan.conf >bg.out 2>&1 &
	echo $! >bg.pid &&
	bg=$(cat bg.pid) &&
	test_wait_for 30 /usr/bin/python3 -c "import json, sys
st = json.load(open(\"run/status.json\"))
sys.exit(st[\"pid\"] != $bg or st[\"state\"] not in (\"idle\", \"scanning\"))" &&
	name=$(awk "NR==2 {print \$1}" "$CCAPSIM_INV") &&
	modscan scan -c scan.conf --device "$name" >found 2>err &&
	test_grep "^# $name: ok, family" found &&
	fixture=$(ls "$DATA_DIR"/e6000/*.txt | head -n 1) &&
	modscan scan --parse e6000 -c scan.conf "$fixture" >parsed &&
	test_line_count -ge 1 parsed &&
	test "$(cat run/scan.pid | tr -dc 0-9)" = "$bg" &&
	/usr/bin/python3 -c "import json, sys
sys.exit(json.load(open(\"run/status.json\"))[\"pid\"] != $bg)" &&
	kill -0 "$bg" &&
	kill -TERM "$bg" && wait "$bg"
'

test_expect_success '--device with an unknown name is a usage error' '
	test_expect_code 2 modscan scan -c scan.conf --device NOSUCH 2>err &&
	test_grep "no device .NOSUCH." err
'

test_done
