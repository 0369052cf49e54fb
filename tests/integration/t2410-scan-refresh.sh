#!/bin/sh
test_description='scan: the device list re-read every INVENTORY_REFRESH, the last good list kept with its age in status; LEGACY_STATUS_FILE; the retention warning'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
ccapsim_start --devices 3 --upstreams 4 --seed 41 ||
	{ echo "Bail out! no ccapsim"; exit 1; }

# json FILE KEY: one member of a JSON file (a script: sh -c runs it too).
cat >json <<'EOP'
#!/usr/bin/python3
import json, sys
print(json.load(open(sys.argv[1]))[sys.argv[2]])
EOP
chmod +x json
PATH=$TRASH:$PATH

test_expect_success 'setup: a day partition 9 days old, RETENTION_DAYS=1' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	today=$(($(date +%s) / 86400 * 86400)) &&
	mariadb_sql "ALTER TABLE modscan.samples REORGANIZE PARTITION p_old INTO
		(PARTITION p_old VALUES LESS THAN ($((today - 10 * 86400))),
		 PARTITION p_nine VALUES LESS THAN ($((today - 9 * 86400))),
		 PARTITION p_recent VALUES LESS THAN ($today))" &&
	cp "$CCAPSIM_INV" list &&
	grep -v "^DEVICES_FILE=" scan.conf >refresh.conf &&
	cat >>refresh.conf <<-EOC &&
	DEVICES_COMMAND="cat $TRASH/list"
	INVENTORY_REFRESH=1
	SCAN_INTERVAL=10
	CHECK_INTERVAL=1
	RETENTION_DAYS=1
	LEGACY_STATUS_FILE=$TRASH/modulation_scanner.status
	EOC
	chmod 600 refresh.conf
'

"$MODSCAN" scan -c "$TRASH/refresh.conf" 2>"$TRASH/scan.err" &
SCAN_PID=$!
test_atexit "kill $SCAN_PID 2>/dev/null"

test_expect_success 'the scanner reads the command at start and scans all three' '
	test_wait_for 60 sh -c "test \$(grep -c \": ok, \" scan.log) -ge 3" &&
	test_grep -v "devices reloaded" scan.log &&
	test "$(json run/status.json devices_total)" = 3 &&
	test "$(json run/status.json inventory_error)" = ""
'

test_expect_success 'LEGACY_STATUS_FILE: the old status JSON, same heartbeat' '
	test_wait_for 30 test -s modulation_scanner.status &&
	/usr/bin/python3 - modulation_scanner.status "$SCAN_PID" "$TRASH/run/scan.pid" <<-\EOP
	import json, sys, time
	st = json.load(open(sys.argv[1]))
	want = {"timestamp", "status", "message", "last_successful_scan",
	        "last_heartbeat", "pid", "uptime_seconds", "uptime_human",
	        "lock_file", "is_healthy", "statistics"}
	assert set(st) == want, set(st) ^ want
	assert st["status"] == "running", st
	assert st["pid"] == int(sys.argv[2]), st
	assert st["lock_file"] == sys.argv[3], st
	assert st["is_healthy"] is True, st
	assert abs(time.time() - st["last_heartbeat"]) < 120, st
	assert isinstance(st["statistics"], dict), st
	EOP
'

test_expect_success 'retention: one warning in the log and the status' '
	test_wait_for 30 grep -q "retention: 1 day partitions are older than RETENTION_DAYS + 2" scan.log &&
	test "$(grep -c "retention: " scan.log)" = 1 &&
	test_wait_for 30 sh -c "\"\$MODSCAN\" status --config refresh.conf | grep -q \"^retention: .*1 day partitions\"" &&
	modscan status --config refresh.conf --json >st.json &&
	test_grep "maintain --cleanup" st.json
'

test_expect_success 'a failing source: one warning, the last good list kept' '
	mv list list.gone &&
	test_wait_for 30 grep -q "DEVICES_COMMAND: exit status 1; keeping the last good list (3 devices)" scan.log &&
	test_wait_for 30 sh -c "test -n \"\$(json run/status.json inventory_error)\"" &&
	test "$(json run/status.json devices_total)" = 3 &&
	modscan status --config refresh.conf >st.txt &&
	test_grep "^inventory:  read .* ago, since then: DEVICES_COMMAND: exit status 1" st.txt
'

test_expect_success 'past 3 refresh intervals: Nagios WARNING names the old list' '
	test_wait_for 30 sh -c "\"\$MODSCAN\" status --config refresh.conf --nagios | grep -q \"device list [0-9]*s old\"" &&
	test_expect_code 1 modscan status --config refresh.conf --nagios >nag &&
	test_grep "^MODSCAN WARNING - .*device list [0-9]*s old: DEVICES_COMMAND: exit status 1" nag
'

test_expect_success 'Prometheus: the age of the list' '
	modscan status --config refresh.conf --prometheus >prom &&
	age=$(sed -n "s/^modscan_inventory_age_seconds //p" prom) &&
	test -n "$age" &&
	/usr/bin/python3 -c "import sys; assert float(sys.argv[1]) >= 3" "$age"
'

test_expect_success 'a hung source does not hold up the heartbeat' '
	rm -f list && mkfifo list &&
	test_wait_for 30 pgrep -f "cat $TRASH/list" &&
	hb=$(json run/status.json heartbeat) &&
	test_wait_for 25 sh -c "test \$(json run/status.json heartbeat) -gt $hb" &&
	pgrep -f "cat $TRASH/list"
'

test_expect_success 'the source back with two devices: the list follows' '
	head -n 2 list.gone >list &&
	test_wait_for 30 grep -q "devices reloaded: 2 devices" scan.log &&
	test_wait_for 30 sh -c "test \"\$(json run/status.json inventory_error)\" = \"\"" &&
	test_wait_for 30 sh -c "test \$(json run/status.json devices_total) = 2"
'

test_expect_success 'SIGTERM during a hung refresh: stopped, its program gone' '
	test_wait_for 30 pgrep -f "cat $TRASH/list" &&
	kill -TERM $SCAN_PID &&
	test_wait_for 60 sh -c "! kill -0 $SCAN_PID" &&
	test "$(json modulation_scanner.status status)" = stopped &&
	test_wait_for 10 sh -c "! pgrep -x cat -a | grep -q \" $TRASH/list\$\""
'

test_done
