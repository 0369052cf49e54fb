#!/bin/sh
test_description='scan: a devices file without one valid device: --once exits 1 with one line; a continuous scanner says so in status and Nagios'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-watch.sh"

CONF=$TRASH/s.conf
watch_conf "$CONF"

test_expect_success 'only bad lines: scan --once exits 1, one line naming the file' '
	{
		echo "# only bad lines" &&
		echo "BADPORT 127.0.0.1 99999 e6000" &&
		echo "A B 22 e6000 prof grp extra" &&
		echo "BADFAM 127.0.0.1 22 nosuchfamily"
	} >bad.txt &&
	test_expect_code 1 modscan scan --once --config "$CONF" --devices bad.txt >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan scan: no valid device in .bad.txt.$" err &&
	test_line_count = 0 out &&
	test_grep "bad.txt:2: bad port .99999., skipping" "$WATCH_LOG"
'

test_expect_success 'an empty devices file: the same' '
	: >empty.txt &&
	test_expect_code 1 modscan scan --once --config "$CONF" --devices empty.txt 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan scan: no valid device in .empty.txt.$" err
'

test_expect_success 'continuous: the scanner runs, status and Nagios say there is nothing to scan' '
	{ "$MODSCAN" scan --config "$CONF" --devices bad.txt >scan.out 2>&1 & } &&
	echo $! >scan.pid &&
	test_wait_for 20 scanner_healthy "$(cat scan.pid)" &&
	modscan status --config "$CONF" >st.out &&
	test_grep "^problems:   no valid device to scan$" st.out &&
	test_expect_code 1 modscan status --nagios --config "$CONF" >nag.out &&
	test_grep "^MODSCAN WARNING - no valid device to scan; pid $(cat scan.pid) is " nag.out
'
kill "$(cat scan.pid 2>/dev/null || echo 0)" 2>/dev/null

test_done
