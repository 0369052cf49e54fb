#!/bin/sh
test_description='a plain modscan report delivers what the configuration says: mail (REPORT_MAIL, legacy keys), a deployed directory, --no-mail/--no-deploy, the legacy mail and publishing, a dead mail server, --debug'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-smtp.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
smtp_start && PLAIN_CONF=$SMTP_CONF PLAIN_DIR=$SMTP_DIR &&
smtp_start --starttls --auth && AUTH_CONF=$SMTP_CONF AUTH_DIR=$SMTP_DIR &&
smtp_start --blackhole && HOLE_CONF=$SMTP_CONF &&
test_set_prereq SMTPD

# conf FILE BASE KEY=VALUE...: BASE's mail settings plus the keys, 0600.
conf() {
	f=$1 base=$2 && shift 2 &&
	{ cat "$base" && echo "RUN_DIR=$TRASH/run" && printf "%s\n" "$@"; } >"$f" &&
	chmod 600 "$f"
}

test_expect_success SMTPD 'set up: samples of 2025-03-12, configurations' '
	modscan maintain --init >/dev/null &&
	t=$(date -d "2025-03-12 10:00" +%s) &&
	mariadb_sql "INSERT INTO modscan.samples VALUES
		(\"CCAP001\", \"Upstream 1/0.0\", $t, 4, \"QAM64\"),
		(\"CCAP001\", \"Upstream 1/0.0\", $((t + 300)), 2, \"QAM16\"),
		(\"CCAP001\", \"Upstream 1/0.0\", $((t + 600)), 4, \"QAM64\"),
		(\"CCAP101\", \"US 2\", $t, 4, \"QAM64\")" &&
	mkdir www lwww &&
	conf plain.conf "$PLAIN_CONF" REPORT_MAIL=yes DEPLOY_TARGET=$TRASH/www &&
	sed -e "s/^MAIL_FROM=/FROM_EMAIL=/" -e "s/^MAIL_TO=/TO_EMAILS=/" \
		"$PLAIN_CONF" >legacy-mail.env &&
	conf legacy.env legacy-mail.env ENABLE_EMAIL_REPORTS=true \
		REPORT_LEGACY=yes REPORT_OUTPUT_DIR=$TRASH/lout \
		DEPLOY_TARGET=$TRASH/lwww HOUSEKEEPING_DAYS=30
'

test_expect_success SMTPD 'a plain report with only the config set: files in RUN_DIR/reports, mailed, deployed' '
	modscan report --date 2025-03-12 --config plain.conf >stdout 2>err &&
	test ! -s err &&
	test_grep "^$TRASH/run/reports/modscan-report-2025-03-12.csv$" stdout &&
	test_grep "^mailed to 2 recipients$" stdout &&
	test_grep "^deployed 3 files to $TRASH/www " stdout &&
	test "$(smtp_count "$PLAIN_DIR")" = 1 &&
	smtp_attachment "$PLAIN_DIR/0001.eml" modscan-report-2025-03-12.csv >att.csv &&
	test_cmp run/reports/modscan-report-2025-03-12.csv att.csv &&
	for x in csv json html; do
		test_cmp run/reports/modscan-report-2025-03-12.$x www/modscan-report-2025-03-12.$x &&
		test "$(readlink www/latest.$x)" = modscan-report-2025-03-12.$x || return 1
	done
'

test_expect_success SMTPD '--no-mail and --no-deploy suppress what the config asks for' '
	rm -r www && mkdir www &&
	modscan report --date 2025-03-12 --config plain.conf --no-mail --no-deploy >stdout &&
	test_line_count = 3 stdout &&
	test "$(smtp_count "$PLAIN_DIR")" = 1 &&
	test -z "$(ls -A www)" &&
	modscan report --date 2025-03-12 --config plain.conf --no-mail >stdout &&
	test_grep "^deployed 3 files" stdout &&
	test "$(smtp_count "$PLAIN_DIR")" = 1
'

test_expect_success SMTPD '--stdout delivers nothing that is not asked for' '
	rm -r www && mkdir www &&
	modscan report --date 2025-03-12 --config plain.conf --stdout >so.csv &&
	test_cmp run/reports/modscan-report-2025-03-12.csv so.csv &&
	test "$(smtp_count "$PLAIN_DIR")" = 1 &&
	test -z "$(ls -A www)"
'

test_expect_success SMTPD 'a run without the CSV (--json-only) mails nothing; --mail forces it' '
	modscan report --date 2025-03-12 --config plain.conf --json-only --no-deploy >stdout &&
	test "$(smtp_count "$PLAIN_DIR")" = 1 &&
	modscan report --date 2025-03-12 --config plain.conf --json-only --no-deploy --mail >stdout &&
	test "$(smtp_count "$PLAIN_DIR")" = 2
'

test_expect_success SMTPD 'the legacy .env keys: the old subject, Dutch body and attachment; the legacy JSON published' '
	old=modulation_report_2025-01-01_web.json &&
	echo "{}" >lwww/$old && touch -d "40 days ago" lwww/$old &&
	modscan report --date 2025-03-12 --config legacy.env >stdout 2>err &&
	test ! -s err &&
	test "$(smtp_count "$PLAIN_DIR")" = 3 &&
	eml=$PLAIN_DIR/0003.eml &&
	test "$(smtp_header "$eml" Subject)" = "Modulation report 2025-03-12" &&
	smtp_attachment "$eml" modulation_report_2025-03-12.csv >latt.csv &&
	printf "%s\n" "CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen" \
		"CCAP001;Upstream 1/0.0;3;67;33;0;3" \
		"CCAP101;US 2;1;100;0;0;1" >expect.csv &&
	test_cmp expect.csv latt.csv &&
	test_cmp expect.csv lout/modulation_report_2025-03-12.csv &&
	test_must_fail smtp_attachment "$eml" modscan-report-2025-03-12.csv &&
	smtp_body "$eml" >lbody &&
	test_grep "^Beste collega,$" lbody &&
	test_grep "meest recente modulatierapport" lbody &&
	test_grep "automatisch verzonden" lbody &&
	test_cmp lout/modulation_report_2025-03-12_web.json lwww/modulation_report_2025-03-12_web.json &&
	test "$(readlink lwww/modulation_report_latest_web.json)" = modulation_report_2025-03-12_web.json &&
	test "$(stat -c %a lwww/modulation_report_2025-03-12_web.json)" = 644 &&
	test ! -e lwww/$old &&
	test -s lwww/modscan-report-2025-03-12.html
'

test_expect_success SMTPD 'a day without data in legacy mode: no CSV and no mail' '
	modscan report --date 2025-01-01 --config legacy.env >stdout 2>err &&
	test_grep "^no legacy mail: no data for 2025-01-01$" stdout &&
	test "$(smtp_count "$PLAIN_DIR")" = 3 &&
	test ! -e lout/modulation_report_2025-01-01.csv
'

# SMTP_TIMEOUT=2; the run is bounded by 30 s, a generous multiple.
test_expect_success SMTPD 'a mail server that never answers: exit 1, one line, files kept, the deploy still runs' '
	rm -r www && mkdir www &&
	conf hole.conf "$HOLE_CONF" REPORT_MAIL=yes DEPLOY_TARGET=$TRASH/www SMTP_TIMEOUT=2 &&
	test_expect_code 1 timeout 30 "$MODSCAN" report --date 2025-03-12 --config hole.conf --dir hole >stdout 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan report: mail not sent: " err &&
	test -s hole/modscan-report-2025-03-12.csv &&
	test_grep "^deployed 3 files" stdout &&
	test -s www/modscan-report-2025-03-12.csv
'

test_expect_success SMTPD '--debug shows the SMTP conversation, never an AUTH line or the password' '
	conf auth.conf "$AUTH_CONF" REPORT_MAIL=yes &&
	modscan report --date 2025-03-12 --config auth.conf --csv-only --debug >stdout 2>err &&
	test "$(smtp_count "$AUTH_DIR")" = 1 &&
	test_grep "^modscan report: smtp > EHLO " err &&
	test_grep "^modscan report: smtp > STARTTLS$" err &&
	test_grep "^modscan report: smtp > MAIL FROM:<modscan@example.net>$" err &&
	test_grep "^modscan report: smtp < 250" err &&
	test_grep "^modscan report: smtp > (AUTH data not shown)$" err &&
	! grep -i "smtp > auth" err &&
	! grep "s3cret" err &&
	! grep "$(printf "\0alice\0s3cret" | base64)" err &&
	modscan report --date 2025-03-12 --config auth.conf --csv-only >stdout 2>err &&
	test ! -s err
'

test_done
