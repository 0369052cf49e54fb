#!/bin/sh
test_description='watchdog --daemon runs REPORT_AT and REPORT_REFRESH: the daily report mails and publishes, the refresh publishes today without mail'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-smtp.sh"
. "$TEST_DIR/lib-watch.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
smtp_start || { echo "Bail out! no SMTP server"; exit 1; }
"$MODSCAN" maintain --init >/dev/null || { echo "Bail out! no schema"; exit 1; }

CONF=$TRASH/d.conf
TODAY=$(date +%Y-%m-%d)
YESTERDAY=$(date -d yesterday +%Y-%m-%d)
mkdir "$TRASH/www"
# The report job is due this very minute, so it runs at once; the refresh
# every minute.
watch_conf "$CONF" "REPORT_AT=$(date +%H:%M)" REPORT_REFRESH=1 \
	REPORT_MAIL=yes "DEPLOY_TARGET=$TRASH/www" JOB_TIMEOUT=60
WD=$RUN/watchdog.json

watch_daemon "$CONF"

test_expect_success 'the daily job reports yesterday: written, mailed and published' '
	test_wait_for 60 grep -q "job report finished: exit 0" "$WATCH_LOG" &&
	test -s "$RUN/reports/modscan-report-$YESTERDAY.csv" &&
	test_cmp "$RUN/reports/modscan-report-$YESTERDAY.html" "www/modscan-report-$YESTERDAY.html" &&
	test_wait_for 20 test "$(smtp_count "$SMTP_DIR")" -ge 1 &&
	test_grep "^Subject: modscan report $YESTERDAY" "$SMTP_DIR/0001.eml"
'

test_expect_success 'the refresh job publishes today, without mail, never beside the daily run' '
	test_wait_for 90 grep -q "job refresh finished: exit 0" "$WATCH_LOG" &&
	test_cmp "$RUN/reports/modscan-report-$TODAY.html" "www/modscan-report-$TODAY.html" &&
	test "$(readlink www/latest.html)" = "modscan-report-$TODAY.html" &&
	test "$(smtp_count "$SMTP_DIR")" = 1 &&
	/usr/bin/python3 - "$WATCH_LOG" <<-\EOF
	import re, sys
	running = set()
	for line in open(sys.argv[1]):
	    m = re.search(r"job (report|refresh) (started|finished|failed)", line)
	    if not m:
	        continue
	    if m.group(2) == "started":
	        assert not running, "overlap: " + line
	        running.add(m.group(1))
	    else:
	        running.discard(m.group(1))
	EOF
'

test_expect_success 'the status file lists the refresh job' '
	test_wait_for 15 field_is "$WD" jobs.1.name refresh ||
	test_wait_for 15 field_is "$WD" jobs.2.name refresh
'

test_done
