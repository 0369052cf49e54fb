#!/bin/sh
test_description='report --legacy: the old tool'"'"'s CSV and web JSON byte for byte (hand-made day: ties, .5 shares, 1-sample upstreams, day boundaries, UNKNOWN), --web-only, no-data day, bad values, REPORT_DIR default'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }

# sample DEVICE UPSTREAM 'UTC TIME' MODULATION (TZ is UTC in the tests)
sample() {
	case $4 in
	QAM64) c=4 ;; QAM16) c=2 ;; QPSK) c=1 ;; *) c=99 ;;
	esac
	echo "('$1', '$2', $(date -d "$3" +%s), $c, '$4')," >>rows.sql
}

# series DEVICE UPSTREAM MOD...: one sample every 5 minutes from 10:00
series() {
	dev=$1 up=$2 && shift 2 && m=0 &&
	for mod in "$@"; do
		sample "$dev" "$up" "2025-03-12 10:00 $m minutes" "$mod" &&
		m=$((m + 5)) || return 1
	done
}

test_expect_success 'set up: the hand-made day 2025-03-12' '
	modscan maintain --init >/dev/null &&
	series CCAP201 U0 QAM64 QPSK QAM64 QPSK QAM64 QPSK QAM64 QAM64 &&
	series CCAP102 3/0.0/1 QAM64 QAM64 QAM16 QAM16 QAM16 QPSK QAM64 QAM64 &&
	series CCAP003 1/0.6 QAM64 QAM64 UNKNOWN QAM64 QAM64 QAM64 QAM64 QAM64 QAM16 &&
	series CCAP003 1/0.10 QAM16 QAM64 &&
	series CCAP002 2/0.0 QAM64 QPSK &&
	series CCAP002 2/0.1 QAM64 UNKNOWN QAM64 UNKNOWN QAM16 &&
	series CCAP001 1/0.0 QAM64 &&
	series CCAP205 Ux UNKNOWN UNKNOWN &&
	sample CCAP001 1/0.1 "2025-03-11 23:59:59" QAM64 &&
	sample CCAP001 1/0.1 "2025-03-12 00:00:00" QAM16 &&
	sample CCAP001 1/0.1 "2025-03-12 23:59:59" QAM16 &&
	sample CCAP001 1/0.1 "2025-03-13 00:00:00" QPSK &&
	{ printf "INSERT INTO modscan.samples VALUES "; sed "\$ s/,\$/;/" rows.sql; } >ins.sql &&
	mariadb_sql "$(cat ins.sql)" &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = 41
'

# Worked out by hand from the samples above: UNKNOWN left out, hops are
# runs (the first sample counts), round(share * 100) with ties to even
# (37.5 -> 38, 12.5 -> 12, 62.5 -> 62, 87.5 -> 88), hops descending, then
# cmts, then upstream as a string ("1/0.10" before "1/0.6").
test_expect_success 'modulation_report_D.csv, byte for byte' '
	printf "%s\n" "CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen" \
		"CCAP201;U0;7;62;0;38;8" \
		"CCAP102;3/0.0/1;4;50;38;12;8" \
		"CCAP002;2/0.0;2;50;0;50;2" \
		"CCAP002;2/0.1;2;67;33;0;3" \
		"CCAP003;1/0.10;2;50;50;0;2" \
		"CCAP003;1/0.6;2;88;12;0;8" \
		"CCAP001;1/0.0;1;100;0;0;1" \
		"CCAP001;1/0.1;1;0;100;0;2" >expect.csv &&
	modscan report --date 2025-03-12 --legacy --dir out >stdout 2>err &&
	test ! -s err &&
	test_grep "^out/modulation_report_2025-03-12.csv$" stdout &&
	test_grep "^out/modulation_report_2025-03-12_web.json$" stdout &&
	test_line_count = 5 stdout &&
	test_cmp expect.csv out/modulation_report_2025-03-12.csv
'

# The same numbers in the old schema, laid out by Python's own
# json.dump(indent=2), the way the old tool wrote it.  Averages by type:
# CCAP0 (50+67+50+88+100+0)/6 = 59.17, (0+33+50+12+0+100)/6 = 32.5,
# 50/6 = 8.33; overall weighted by measurements: 2101/34, 799/34, 500/34.
test_expect_success 'modulation_report_D_web.json, byte for byte' '
	/usr/bin/python3 - <<-\EOF &&
	import json
	rows = [("CCAP201", "U0", 7, 62, 0, 38, 8),
	        ("CCAP102", "3/0.0/1", 4, 50, 38, 12, 8),
	        ("CCAP002", "2/0.0", 2, 50, 0, 50, 2),
	        ("CCAP002", "2/0.1", 2, 67, 33, 0, 3),
	        ("CCAP003", "1/0.10", 2, 50, 50, 0, 2),
	        ("CCAP003", "1/0.6", 2, 88, 12, 0, 8),
	        ("CCAP001", "1/0.0", 1, 100, 0, 0, 1),
	        ("CCAP001", "1/0.1", 1, 0, 100, 0, 2)]
	keys = ("cmts", "upstream", "hops", "qam64_pct", "qam16_pct",
	        "qpsk_pct", "measurements")
	top = [dict(zip(keys, r)) for r in rows]
	doc = {
	    "generated_at": "GENERATED",
	    "report_date": "2025-03-12",
	    "total_upstreams": 8,
	    "total_hops": 21,
	    "summary": {
	        "top_hoppers": top,
	        "by_device_type": [
	            {"device_type": "CCAP0", "total_upstreams": 6,
	             "total_hops": 10, "avg_qam64_pct": 59.2,
	             "avg_qam16_pct": 32.5, "avg_qpsk_pct": 8.3},
	            {"device_type": "CCAP1", "total_upstreams": 1,
	             "total_hops": 4, "avg_qam64_pct": 50.0,
	             "avg_qam16_pct": 38.0, "avg_qpsk_pct": 12.0},
	            {"device_type": "CCAP2", "total_upstreams": 1,
	             "total_hops": 7, "avg_qam64_pct": 62.0,
	             "avg_qam16_pct": 0.0, "avg_qpsk_pct": 38.0}],
	        "modulation_distribution": {
	            "overall_qam64_pct": 61.8, "overall_qam16_pct": 23.5,
	            "overall_qpsk_pct": 14.7, "total_measurements": 34}},
	    "full_data": top}
	with open("expect.json", "w") as f:
	    json.dump(doc, f, indent=2)
	EOF
	web=out/modulation_report_2025-03-12_web.json &&
	sed -n 2p "$web" >gen &&
	test_grep -E "^  \"generated_at\": \"$(date +%Y-%m-%d)T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](\.[0-9]{6})?\",$" gen &&
	sed "2 s/\"generated_at\": \".*\"/\"generated_at\": \"GENERATED\"/" "$web" >got.json &&
	test_cmp expect.json got.json
'

test_expect_success 'REPORT_LEGACY=yes is --legacy; --csv-only and --json-only pick the legacy file too' '
	REPORT_LEGACY=yes modscan report --date 2025-03-12 --csv-only --dir csv >stdout &&
	test_cmp expect.csv csv/modulation_report_2025-03-12.csv &&
	test ! -e csv/modulation_report_2025-03-12_web.json &&
	test_line_count = 2 stdout &&
	echo "REPORT_LEGACY=yes" >legacy.conf &&
	modscan report --date 2025-03-12 --json-only --dir json --config legacy.conf >stdout &&
	test -s json/modulation_report_2025-03-12_web.json &&
	test ! -e json/modulation_report_2025-03-12.csv &&
	test_line_count = 2 stdout &&
	modscan report --date 2025-03-12 --dir plain >stdout &&
	test_line_count = 3 stdout &&
	test -z "$(ls plain | grep modulation_report)"
'

test_expect_success '--web-only: the legacy web JSON and its copy modulation_report_D.json, nothing else' '
	modscan report --date 2025-03-12 --web-only --dir web >stdout 2>err &&
	test ! -s err &&
	printf "%s\n" web/modulation_report_2025-03-12_web.json \
		web/modulation_report_2025-03-12.json >expect.out &&
	test_cmp expect.out stdout &&
	test_cmp web/modulation_report_2025-03-12_web.json web/modulation_report_2025-03-12.json &&
	test "$(ls web)" = "$(printf "%s\n" modulation_report_2025-03-12.json modulation_report_2025-03-12_web.json)"
'

test_expect_success 'a day without data in legacy mode: no legacy file, modscan files as ever' '
	modscan report --date 2025-01-01 --legacy --dir empty >stdout 2>err &&
	test_grep "no samples for 2025-01-01" err &&
	test_line_count = 3 stdout &&
	test -z "$(ls empty | grep modulation_report)" &&
	test -s empty/modscan-report-2025-01-01.csv
'

test_expect_success 'unknown REPORT_LEGACY or REPORT_MAIL values: exit 2, one line, nothing written' '
	echo "REPORT_LEGACY=maybe" >bad1.conf &&
	test_expect_code 2 modscan report --date 2025-03-12 --config bad1.conf --dir bad 2>err &&
	test_line_count = 1 err &&
	test_grep "REPORT_LEGACY: .maybe. is not yes or no" err &&
	echo "ENABLE_EMAIL_REPORTS=perhaps" >bad2.conf &&
	test_expect_code 2 modscan report --date 2025-03-12 --config bad2.conf --dir bad 2>err &&
	test_line_count = 1 err &&
	test_grep "REPORT_MAIL: .perhaps. is not yes or no" err &&
	test ! -e bad
'

test_expect_success 'REPORT_DIR defaults to RUN_DIR/reports, made 0750; nothing lands in the working directory' '
	mkdir cwd && cd cwd &&
	RUN_DIR=$TRASH/rd modscan report --date 2025-03-12 --csv-only >../stdout &&
	cd .. &&
	test -z "$(ls -A cwd)" &&
	test "$(stat -c %a rd/reports)" = 750 &&
	test_grep "^$TRASH/rd/reports/modscan-report-2025-03-12.csv$" stdout &&
	echo "REPORT_OUTPUT_DIR=$TRASH/old" >old.conf &&
	modscan report --date 2025-03-12 --csv-only --config old.conf >stdout &&
	test -s old/modscan-report-2025-03-12.csv
'

test_expect_success 'REPORT_TITLE and REPORT_FOOTER name the page, as text' '
	REPORT_TITLE="Noord & Oost <ops>" REPORT_FOOTER="Storing? Bel 0800-1234" \
		modscan report --date 2025-03-12 --html-only --dir titled >stdout &&
	page=titled/modscan-report-2025-03-12.html &&
	test_grep "<title>Noord &amp; Oost &lt;ops&gt; 2025-03-12</title>" $page &&
	test_grep "<h1>Noord &amp; Oost &lt;ops&gt; <span id=\"date\">2025-03-12</span>" $page &&
	test_grep "<footer class=\"meta\" id=\"footer\">Storing? Bel 0800-1234</footer>" $page &&
	modscan report --date 2025-03-12 --html-only --dir plainpage >stdout &&
	test_grep "<h1>Upstream modulation report <span" plainpage/modscan-report-2025-03-12.html &&
	! test_grep -q "<footer" plainpage/modscan-report-2025-03-12.html
'

test_expect_success 'a refresh while another report run holds the directory skips its turn, exit 0' '
	mkdir busy &&
	flock busy/.modscan-report.lock "$MODSCAN" report --refresh --dir busy >stdout 2>err &&
	test_grep "^refresh skipped: another report run is busy" stdout &&
	test_line_count = 1 stdout &&
	test -z "$(ls busy)" &&
	"$MODSCAN" report --refresh --dir busy >stdout &&
	test -s busy/modscan-report-$(date +%Y-%m-%d).csv &&
	test ! -e busy/.modscan-report.lock
'

test_done
