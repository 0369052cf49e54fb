#!/bin/sh
test_description='alert delivery faults: SMTP down then up (kept, then sent once), mail and ALERT_COMMAND independent, a crash after delivery finished by the next flush'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-smtp.sh"
. "$TEST_DIR/lib-watch.sh"
. "$TEST_DIR/lib-alert.sh"

smtp_start && test_set_prereq SMTPD
CONF=$TRASH/r.conf
watch_conf "$CONF" ALERT_INTERVAL=3600 "ALERT_COMMAND=$TRASH/hook"
DOWN=$(test_free_port)

queue() {
	alert_queue "$CONF"
}

test_expect_success T_ALERT,SMTPD 'SMTP down: the mail is kept, the command still gets the events' '
	queue <<-\EOF2 &&
	upstream_below_qam64 CCAP004 5/3/1 FN-0412 QPSK 1764609600 1764610800 20
	device_failing CCAP010 - - - 1764609000 1764612000 3
	EOF2
	SMTP_PORT=$DOWN test_expect_code 1 \
		modscan watchdog --flush-alerts --config "$CONF" &&
	test_grep "alerts not sent, kept for the next try: .*connect" "$WATCH_LOG" &&
	test "$(ls "$RUN/alerts/mail" | grep -c "\.ev$")" = 1 &&
	test_line_count = 2 got &&
	test "$(smtp_count "$SMTP_DIR")" = 0
'

test_expect_success T_ALERT,SMTPD 'SMTP up again: one digest with both events, the command not run again' '
	modscan watchdog --flush-alerts --config "$CONF" &&
	test "$(smtp_count "$SMTP_DIR")" = 1 &&
	test "$(smtp_header "$SMTP_DIR/0001.eml" Subject)" = \
		"modscan: 2 plant alerts" &&
	test_line_count = 2 got
'

test_expect_success T_ALERT,SMTPD 'and only once: the next flushes send nothing more' '
	alert_age &&
	modscan watchdog --flush-alerts --config "$CONF" &&
	modscan watchdog --flush-alerts --config "$CONF" &&
	test "$(smtp_count "$SMTP_DIR")" = 1 &&
	test_line_count = 2 got
'

test_expect_success T_ALERT,SMTPD 'a crash after the digest was accepted: the next flush removes, never resends' '
	echo "device_recovered CCAP010 - - - 1764609000 1764615600 3" | queue &&
	f=$(ls "$RUN/alerts/mail" | grep "\.ev$") &&
	# what the flush writes, fsync'\''d, once the server said 250
	echo "$f" >"$RUN/alerts/mail/.sent" &&
	alert_age &&
	modscan watchdog --flush-alerts --config "$CONF" &&
	test "$(smtp_count "$SMTP_DIR")" = 1 &&
	test ! -e "$RUN/alerts/mail/$f" &&
	test ! -e "$RUN/alerts/mail/.sent" &&
	test_line_count = 3 got
'

test_expect_success T_ALERT,SMTPD 'a crash between staging and fan-out: the next flush hands it on' '
	mkdir -m 700 -p "$RUN/alerts/new" &&
	printf "modscan-events 1\nE\tdevice_failing\tCCAP012\t\t\t\t1\t2\t3\n" \
		>"$RUN/alerts/new/0000000000001-1-0-plant.ev" &&
	alert_age &&
	modscan watchdog --flush-alerts --config "$CONF" &&
	test "$(smtp_count "$SMTP_DIR")" = 2 &&
	smtp_body "$SMTP_DIR/0002.eml" >body &&
	test_grep "^- CCAP012: failing since " body &&
	test_line_count = 4 got &&
	test_grep "\"device\":\"CCAP012\"" got &&
	test "$(ls -A "$RUN/alerts/new")" = ""
'

test_done
