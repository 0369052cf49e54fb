#!/bin/sh
test_description='scan --once delivers the alert queue before it exits (the digest mail and ALERT_COMMAND); a continuous scanner hands it to a sender at the end of each sweep'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-smtp.sh"
. "$TEST_DIR/lib-watch.sh"
. "$TEST_DIR/lib-alert.sh"

smtp_start && test_set_prereq SMTPD
CONF=$TRASH/o.conf
# One device that refuses the connection: a sweep that ends at once.
watch_conf "$CONF" "ALERT_COMMAND=$TRASH/hook" SSH_USER=u SSH_PASSWORD=p \
	CONNECT_TIMEOUT=5
echo "DEAD 127.0.0.1 $(test_free_port) e6000" >devices.txt

test_expect_success T_ALERT,SMTPD 'scan --once: queued events go out by mail and command before it exits' '
	"$T_ALERT" --config "$CONF" --queue <<-\EOF2 &&
	upstream_below_qam64 CCAP004 5/3/1 FN-0412 QPSK 1764609600 1764610800 20
	upstream_recovered CCAP004 5/3/1 FN-0412 QAM64 1764609600 1764613800 70
	EOF2
	"$T_ALERT" --config "$CONF" --process restart "scanner restarted" &&
	test_expect_code 1 modscan scan --once --config "$CONF" 2>err &&
	test_grep "DEAD: failed: cannot connect" "$WATCH_LOG" &&
	test "$(smtp_count "$SMTP_DIR")" = 2 &&
	cat "$SMTP_DIR"/*.eml >all.eml &&
	test_grep "^Subject: scanner restarted" all.eml &&
	test_grep "^Subject: modscan: 1 plant alert, 1 recovery" all.eml &&
	test_line_count = 3 got &&
	test "$(ls "$RUN/alerts/mail" "$RUN/alerts/cmd" | grep -c "\.ev$")" = 0
'

test_expect_success T_ALERT,SMTPD 'scan --once with the mail server down: its exit status is the sweep'\''s, the mail kept' '
	echo "device_failing DEAD - - - 1764609000 1764612000 3" |
		"$T_ALERT" --config "$CONF" --queue &&
	alert_age &&
	SMTP_PORT=$(test_free_port) test_expect_code 1 \
		modscan scan --once --config "$CONF" &&
	test_grep "alerts not sent, kept for the next try" "$WATCH_LOG" &&
	test "$(smtp_count "$SMTP_DIR")" = 2 &&
	test_line_count = 4 got &&
	test "$(ls "$RUN/alerts/mail" | grep -c "\.ev$")" = 1
'

lines_at_least() {
	test "$(wc -l <got)" -ge "$1"
}

test_expect_success T_ALERT,SMTPD 'a continuous scanner without a watchdog: the queue goes out after a sweep' '
	watch_conf cont.conf "ALERT_COMMAND=$TRASH/hook" SSH_USER=u \
		SSH_PASSWORD=p CONNECT_TIMEOUT=5 SCAN_INTERVAL=10 &&
	echo "DEAD 127.0.0.1 $(test_free_port) e6000" >devices.txt &&
	echo "device_recovered DEAD - - - 1764609000 1764615600 3" |
		alert_queue cont.conf &&
	{ "$MODSCAN" scan --config cont.conf >scan.out 2>&1 & } &&
	echo $! >scan.pid &&
	# sweeps close every SCAN_INTERVAL (10 s); bound: 6x
	test_wait_for 60 lines_at_least 5 &&
	test_grep "\"kind\":\"device_recovered\"" got &&
	kill "$(cat scan.pid)" &&
	test_wait_for 30 gone "$(cat scan.pid)"
'
kill "$(cat scan.pid 2>/dev/null || echo 0)" 2>/dev/null

test_done
