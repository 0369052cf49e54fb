#!/bin/sh
test_description='report --mail: summary body, the CSV (and HTML) attached, mail server down'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-smtp.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
smtp_start && test_set_prereq SMTPD

test_expect_success 'set up: schema and samples of 2025-03-12' '
	modscan maintain --init >/dev/null &&
	t=$(date -d "2025-03-12 10:00" +%s) &&
	mariadb_sql "INSERT INTO modscan.samples VALUES
		(\"CCAP001\", \"Upstream 1/0.0\", $t, 4, \"QAM64\"),
		(\"CCAP001\", \"Upstream 1/0.0\", $((t + 300)), 2, \"QAM16\"),
		(\"CCAP001\", \"Upstream 1/0.0\", $((t + 600)), 4, \"QAM64\"),
		(\"CCAP101\", \"US 2\", $t, 4, \"QAM64\"),
		(\"CCAP101\", \"US 2\", $((t + 300)), 4, \"QAM64\")"
'

test_expect_success SMTPD '--mail: one mail, the CSV attachment decodes to the file written' '
	modscan report --date 2025-03-12 --mail --dir out --config "$SMTP_CONF" >stdout 2>err &&
	test ! -s err &&
	test_grep "^mailed to 2 recipients$" stdout &&
	test "$(smtp_count "$SMTP_DIR")" = 1 &&
	eml=$SMTP_DIR/0001.eml &&
	test_grep "^Subject: modscan report 2025-03-12: 2 hops on 1 upstreams" "$eml" &&
	smtp_attachment "$eml" modscan-report-2025-03-12.csv >att.csv &&
	test_cmp out/modscan-report-2025-03-12.csv att.csv &&
	test_must_fail smtp_attachment "$eml" modscan-report-2025-03-12.html
'

test_expect_success SMTPD 'the body: date, totals, modulation mix, top hoppers' '
	smtp_body "$SMTP_DIR/0001.eml" >body.txt &&
	test_grep "^modscan report 2025-03-12$" body.txt &&
	test_grep "^CCAPs: 2  upstreams: 2  samples: 5$" body.txt &&
	test_grep "^Hops: 2 on 1 upstreams; 1 upstreams spent time below QAM64$" body.txt &&
	test_grep "^Modulation: QAM64 80.0 %, QAM16 20.0 %, QPSK 0.0 %$" body.txt &&
	test_grep "^Top hoppers:$" body.txt &&
	test_grep "^  CCAP001  *Upstream 1/0.0  *2 hops  %QAM64 66.67$" body.txt &&
	! test_grep -q "US 2" body.txt
'

test_expect_success SMTPD '--mail-html attaches the HTML page as well' '
	modscan report --date 2025-03-12 --mail-html --csv-only --dir out2 --config "$SMTP_CONF" >stdout &&
	test "$(smtp_count "$SMTP_DIR")" = 2 &&
	smtp_attachment "$SMTP_DIR/0002.eml" modscan-report-2025-03-12.html >att.html &&
	test_grep "<html" att.html &&
	smtp_attachment "$SMTP_DIR/0002.eml" modscan-report-2025-03-12.csv >att2.csv &&
	test_cmp out2/modscan-report-2025-03-12.csv att2.csv &&
	test ! -e out2/modscan-report-2025-03-12.html
'

test_expect_success SMTPD '--mail --stdout: CSV on stdout and mailed, no file' '
	mkdir so && cd so &&
	modscan report --date 2025-03-12 --mail --stdout --config "$SMTP_CONF" >../so.out &&
	cd .. && test "$(ls so | wc -l)" = 0 &&
	test_grep "^CCAP001;Upstream 1/0.0;2;" so.out &&
	test "$(smtp_count "$SMTP_DIR")" = 3
'

test_expect_success SMTPD 'a day without data is mailed as such' '
	modscan report --date 2025-01-01 --mail --dir out3 --config "$SMTP_CONF" >stdout 2>err &&
	test_grep "no samples for 2025-01-01" err &&
	test_grep "^Subject: modscan report 2025-01-01: no data" "$SMTP_DIR/0004.eml" &&
	smtp_body "$SMTP_DIR/0004.eml" >body4.txt &&
	test_grep "^No samples were recorded in this period" body4.txt
'

test_expect_success SMTPD 'mail server down: files written, exit 1 with the reason' '
	SMTP_PORT=$(test_free_port) test_expect_code 1 \
		modscan report --date 2025-03-12 --mail --dir down --config "$SMTP_CONF" >stdout 2>err &&
	test_grep "^modscan report: mail not sent: .*localhost" err &&
	test_line_count = 1 err &&
	test_line_count = 3 stdout &&
	test_cmp out/modscan-report-2025-03-12.csv down/modscan-report-2025-03-12.csv &&
	test -s down/modscan-report-2025-03-12.html
'

test_expect_success '--mail without a mail server configured: exit 2 before any work' '
	test_expect_code 2 modscan report --date 2025-03-12 --mail --dir none 2>err &&
	test_grep "^modscan report: --mail: " err &&
	test ! -e none
'

test_done
