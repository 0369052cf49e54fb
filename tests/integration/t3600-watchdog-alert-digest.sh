#!/bin/sh
test_description='plant alerts by mail: one digest per ALERT_INTERVAL listing every event up to 500, then a count; process alerts keep their own mails'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-smtp.sh"
. "$TEST_DIR/lib-watch.sh"
. "$TEST_DIR/lib-alert.sh"

# The events are queued by t_alertsend (lib-alert.sh) and delivered by
# the real binary.
smtp_start && test_set_prereq SMTPD
CONF=$TRASH/a.conf
watch_conf "$CONF" ALERT_INTERVAL=3600

queue() {
	alert_queue "$CONF"
}

# The digest that lists what queue got below, written by hand (TZ=UTC).
cat >want-body <<'EOF2'
4 plant alerts, 1 recovery, from 2025-12-01 17:40 +0000 to 2025-12-01 18:30 +0000.

Raised (4):
- CCAP004: degraded since 2025-12-01 17:20 +0000 (2 upstreams below QAM64)
- CCAP004 5/3/1 [node FN-0412] QPSK: below QAM64 since 2025-12-01 17:20 +0000 (20 min below QAM64)
- CCAP004 5/3/2 [node FN-0412] QAM16: below QAM64 since 2025-12-01 17:30 +0000 (10 min below QAM64)
- CCAP010: failing since 2025-12-01 17:10 +0000 (3 failed sweeps in a row)

Recovered (1):
- CCAP004 5/3/1 [node FN-0412] QAM64: back at QAM64 at 2025-12-01 18:30 +0000, since 2025-12-01 17:20 +0000 (70 min below QAM64)
EOF2

test_expect_success T_ALERT,SMTPD 'events of two sweeps go out as one digest mail' '
	queue >out <<-\EOF2 &&
	upstream_below_qam64 CCAP004 5/3/1 FN-0412 QPSK 1764609600 1764610800 20
	upstream_below_qam64 CCAP004 5/3/2 FN-0412 QAM16 1764610200 1764610800 10
	device_degraded CCAP004 - - - 1764609600 1764610800 2
	EOF2
	test_grep "^queued 3$" out &&
	queue >out <<-\EOF2 &&
	device_failing CCAP010 - - - 1764609000 1764612000 3
	upstream_recovered CCAP004 5/3/1 FN-0412 QAM64 1764609600 1764613800 70
	EOF2
	modscan watchdog --flush-alerts --config "$CONF" &&
	test "$(smtp_count "$SMTP_DIR")" = 1 &&
	test "$(smtp_header "$SMTP_DIR/0001.eml" Subject)" = \
		"modscan: 4 plant alerts, 1 recovery" &&
	smtp_body "$SMTP_DIR/0001.eml" >body &&
	test_cmp want-body body &&
	test_grep "plant alert digest sent: 5 events" "$WATCH_LOG" &&
	test "$(ls "$RUN/alerts/mail" | wc -l)" = 0
'

test_expect_success T_ALERT,SMTPD 'within ALERT_INTERVAL the next events wait, kept on disk' '
	echo "device_recovered CCAP010 - - - 1764609000 1764615600 3" | queue &&
	modscan watchdog --flush-alerts --config "$CONF" &&
	modscan watchdog --flush-alerts --config "$CONF" &&
	test "$(smtp_count "$SMTP_DIR")" = 1 &&
	test "$(ls "$RUN/alerts/mail" | grep -c "\.ev$")" = 1 &&
	test_grep "plant alerts held for the next digest" "$WATCH_LOG"
'

test_expect_success T_ALERT,SMTPD 'once ALERT_INTERVAL has passed they go out, in a digest of their own' '
	alert_age &&
	modscan watchdog --flush-alerts --config "$CONF" &&
	test "$(smtp_count "$SMTP_DIR")" = 2 &&
	test "$(smtp_header "$SMTP_DIR/0002.eml" Subject)" = \
		"modscan: 1 recovery" &&
	smtp_body "$SMTP_DIR/0002.eml" >body &&
	test_grep "^- CCAP010: scanned again at 2025-12-01 19:00 +0000, since 2025-12-01 17:10 +0000 (3 failed sweeps in a row)$" body &&
	test_line_count = 4 body
'

test_expect_success T_ALERT,SMTPD 'a process alert keeps its own mail beside the digests' '
	"$T_ALERT" --config "$CONF" --process restart "scanner restarted" &&
	modscan watchdog --flush-alerts --config "$CONF" &&
	test "$(smtp_count "$SMTP_DIR")" = 3 &&
	test "$(smtp_header "$SMTP_DIR/0003.eml" Subject)" = "scanner restarted" &&
	smtp_body "$SMTP_DIR/0003.eml" >body &&
	test_grep "^from t_alertsend$" body
'

test_expect_success T_ALERT,SMTPD '501 events: 500 listed, then "and 1 more"' '
	mkdir -m 700 run501 &&
	RUN_DIR=$TRASH/run501 "$T_ALERT" --config "$CONF" --many 501 >out &&
	test_grep "^queued 501$" out &&
	RUN_DIR=$TRASH/run501 modscan watchdog --flush-alerts --config "$CONF" &&
	test "$(smtp_count "$SMTP_DIR")" = 4 &&
	test "$(smtp_header "$SMTP_DIR/0004.eml" Subject)" = \
		"modscan: 501 plant alerts" &&
	smtp_body "$SMTP_DIR/0004.eml" >body &&
	test "$(grep -c "^- D[0-9]\{4\} 5/3/1 \[node FN-0412\] QPSK: below QAM64 since " body)" = 500 &&
	test_grep "^Raised (501):$" body &&
	test "$(tail -n 1 body)" = "and 1 more" &&
	test_grep "^- D0499 " body &&
	test_grep -v "^- D0500 " body
'

test_expect_success T_ALERT 'without SMTP_HOST and ALERT_COMMAND nothing is queued' '
	watch_conf off.conf &&
	sed -i "/^SMTP_/d" off.conf &&
	echo "device_failing X - - - 1 2 3" |
		RUN_DIR=$TRASH/runoff "$T_ALERT" --config off.conf --queue >out &&
	test_grep "^off 1$" out &&
	test ! -e "$TRASH/runoff/alerts"
'

test_done
