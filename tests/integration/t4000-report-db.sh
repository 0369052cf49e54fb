#!/bin/sh
test_description='report from MariaDB: numbers byte for byte, DST days, no data, bad dates, database down, --stdout, rfc4180, JSON totals'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-chromium.sh"

command -v chromium >/dev/null 2>&1 && test_set_prereq CHROMIUM

# Local days are Amsterdam's: 2025-03-30 has 23 hours, 2025-10-26 has 25.
TZ=Europe/Amsterdam
export TZ

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }

# at 'YYYY-MM-DD HH:MM[:SS]': epoch seconds of a local time.
at() {
	date -d "$1" +%s
}

# sample DEVICE UPSTREAM 'LOCAL TIME' CODE MODULATION
sample() {
	echo "('$1', '$2', $(at "$3"), $4, '$5')," >>rows.sql
}

load_rows() {
	{ printf 'INSERT INTO modscan.samples VALUES '; sed '$ s/,$/;/' rows.sql; } >ins.sql &&
	mariadb_sql "$(cat ins.sql)" &&
	rm -f rows.sql
}

test_expect_success 'set up: schema, hand-made samples of 2025-03-12 and its neighbours' '
	modscan maintain --init >/dev/null &&
	d=2025-03-12 &&
	sample CCAP001 "Upstream 1/0.0" "$d 00:00" 4 QAM64 &&
	sample CCAP001 "Upstream 1/0.0" "$d 00:05" 2 QAM16 &&
	sample CCAP001 "Upstream 1/0.0" "$d 00:10" 4 QAM64 &&
	sample CCAP001 "Upstream 1/0.0" "$d 23:59:59" 4 QAM64 &&
	sample CCAP001 "Upstream 1/1.0" "$d 08:00" 4 QAM64 &&
	sample CCAP001 "Upstream 1/1.0" "$d 08:05" 4 QAM64 &&
	sample CCAP001 "Upstream 1/1.0" "$d 08:10" 4 QAM64 &&
	sample CCAP101 "US 2" "$d 12:00" 1 QPSK &&
	sample CCAP101 "US 2" "$d 12:05" 2 QAM16 &&
	sample CCAP101 "US 2" "$d 12:10" 1 QPSK &&
	sample CCAP205 "Ux" "$d 18:00" 99 UNKNOWN &&
	sample CCAP001 "Upstream 1/0.0" "2025-03-11 23:59:59" 1 QPSK &&
	sample CCAP001 "Upstream 1/0.0" "2025-03-13 00:00" 1 QPSK &&
	sample CCAP999 "late" "2025-03-13 00:00" 1 QPSK &&
	load_rows &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = 14
'

test_expect_success 'modscan'"'"'s ;-separated CSV, byte for byte; the paths written are printed' '
	printf "%s\n" "CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen" \
		"CCAP001;Upstream 1/0.0;2;75.0;25.0;0.0;4" \
		"CCAP101;US 2;2;0.0;33.33;66.67;3" \
		"CCAP001;Upstream 1/1.0;0;100.0;0.0;0.0;3" \
		"CCAP205;Ux;0;0.0;0.0;0.0;1" >expect.csv &&
	modscan report --date 2025-03-12 --dir out >stdout 2>err &&
	test ! -s err &&
	printf "%s\n" out/modscan-report-2025-03-12.csv \
		out/modscan-report-2025-03-12.json \
		out/modscan-report-2025-03-12.html >expect.paths &&
	test_cmp expect.paths stdout &&
	test_cmp expect.csv out/modscan-report-2025-03-12.csv
'

test_expect_success 'the date may be given as a plain argument; REPORT_DIR is used without --dir' '
	mkdir rd &&
	REPORT_DIR=rd modscan report 2025-03-12 --csv-only >stdout &&
	test_line_count = 1 stdout &&
	test_cmp expect.csv rd/modscan-report-2025-03-12.csv &&
	test ! -e rd/modscan-report-2025-03-12.json
'

test_expect_success '--legacy-hops counts the first sample of each channel' '
	printf "%s\n" "CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen" \
		"CCAP001;Upstream 1/0.0;3;75.0;25.0;0.0;4" \
		"CCAP101;US 2;3;0.0;33.33;66.67;3" \
		"CCAP001;Upstream 1/1.0;1;100.0;0.0;0.0;3" \
		"CCAP205;Ux;1;0.0;0.0;0.0;1" >expect-legacy.csv &&
	modscan report --date 2025-03-12 --legacy-hops --stdout >got.csv &&
	test_cmp expect-legacy.csv got.csv
'

test_expect_success '--stdout: the CSV on standard output and no file' '
	mkdir so && cd so &&
	modscan report --date 2025-03-12 --stdout >../so.csv &&
	cd .. &&
	test_cmp expect.csv so.csv &&
	test "$(ls so | wc -l)" = 0
'

# Seconds below QAM64 of US 2: 300 at QPSK, 300 at QAM16, then the last
# QPSK sample holds REPORT_MAX_GAP (1200) for want of a next sample.
test_expect_success '--csv-format rfc4180: comma CSV, CRLF, more columns, an empty node without a map' '
	printf "%s\r\n" "CMTS,upstream,family,hops,%QAM64,%QAM16,%QPSK,%UNKNOWN,samples,seconds_below_QAM64,node" \
		"CCAP001,Upstream 1/0.0,e6000,2,75.0,25.0,0.0,0.0,4,300," \
		"CCAP101,US 2,casa,2,0.0,33.33,66.67,0.0,3,1800," \
		"CCAP001,Upstream 1/1.0,e6000,0,100.0,0.0,0.0,0.0,3,0," \
		"CCAP205,Ux,cbr8,0,0.0,0.0,0.0,100.0,1,0," >expect-rfc.csv &&
	modscan report --date 2025-03-12 --csv-format rfc4180 --stdout >rfc.csv &&
	test_cmp expect-rfc.csv rfc.csv &&
	REPORT_CSV_FORMAT=rfc4180 modscan report --date 2025-03-12 --stdout >rfc2.csv &&
	test_cmp expect-rfc.csv rfc2.csv &&
	REPORT_MAX_GAP=600 modscan report --date 2025-03-12 --csv-format rfc4180 --stdout >rfc3.csv &&
	test_grep "^CCAP101,US 2,casa,2,0.0,33.33,66.67,0.0,3,1200," rfc3.csv
'

test_expect_success 'JSON: totals, period and rows agree with the samples' '
	/usr/bin/python3 - out/modscan-report-2025-03-12.json <<-\EOF
	import json, sys
	d = json.load(open(sys.argv[1]))
	t = d["totals"]
	assert d["date"] == "2025-03-12", d["date"]
	assert d["no_data"] is False
	assert d["period"]["hours"] == 24, d["period"]
	assert d["period"]["start"].startswith("2025-03-12T00:00:00"), d["period"]
	assert (t["devices"], t["upstreams"], t["samples"], t["hops"]) == (3, 4, 11, 4), t
	assert (t["hopping_upstreams"], t["degraded_upstreams"]) == (2, 2), t
	m = d["modulation"]
	assert [m[k]["samples"] for k in ("QAM64", "QAM16", "QPSK", "UNKNOWN")] == [6, 2, 2, 1], m
	assert m["QAM64"]["pct"] == 54.55, m
	assert [(r["ccap"], r["upstream"], r["hops"]) for r in d["rows"]] == [
	    ("CCAP001", "Upstream 1/0.0", 2), ("CCAP101", "US 2", 2),
	    ("CCAP001", "Upstream 1/1.0", 0), ("CCAP205", "Ux", 0)], d["rows"]
	EOF
'

test_expect_success 'the HTML page embeds the same rows' '
	/usr/bin/python3 - out/modscan-report-2025-03-12.html <<-\EOF
	import json, re, sys
	html = open(sys.argv[1], encoding="utf-8").read()
	data = json.loads(re.search(r"id=\"data\">(.*?)</script>", html, re.S).group(1))
	assert len(data["rows"]) == 4, data["rows"]
	assert "2025-03-12" in html
	EOF
'

test_expect_success CHROMIUM 'the page the applet wrote renders every row in headless Chromium' '
	chromium_dump "file://$TRASH/out/modscan-report-2025-03-12.html#selftest=CCAP101" >dom.html &&
	test_grep "selftest=done" dom.html &&
	test_grep "all_rows=4" dom.html &&
	test_grep "filter=CCAP101 count=1" dom.html
'

test_expect_success 'DST: 2025-03-30 lasts 23 hours in Amsterdam, 2025-10-26 25 hours' '
	sample CCAP001 "Upstream 1/0.0" "2025-03-30 00:30" 4 QAM64 &&
	sample CCAP001 "Upstream 1/0.0" "2025-03-30 01:55" 2 QAM16 &&
	sample CCAP001 "Upstream 1/0.0" "2025-03-30 03:05" 4 QAM64 &&
	sample CCAP001 "Upstream 1/0.0" "2025-03-30 23:59:59" 1 QPSK &&
	sample CCAP001 "Upstream 1/0.0" "2025-03-31 00:00" 4 QAM64 &&
	echo "(\"CCAP001\", \"Upstream 1/0.0\", $(($(at "2025-10-26 00:00") + 90000 - 1)), 2, \"QAM16\")," >>rows.sql &&
	sample CCAP001 "Upstream 1/0.0" "2025-10-26 00:00" 4 QAM64 &&
	sample CCAP001 "Upstream 1/0.0" "2025-10-27 00:00" 1 QPSK &&
	load_rows &&
	printf "%s\n" "CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen" \
		"CCAP001;Upstream 1/0.0;3;50.0;25.0;25.0;4" >expect-dst.csv &&
	modscan report --date 2025-03-30 --stdout >dst.csv &&
	test_cmp expect-dst.csv dst.csv &&
	modscan report --date 2025-03-30 --json-only --dir dst >/dev/null &&
	test_grep "\"hours\":23[,}]" dst/modscan-report-2025-03-30.json &&
	printf "%s\n" "CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen" \
		"CCAP001;Upstream 1/0.0;1;50.0;50.0;0.0;2" >expect-dst2.csv &&
	modscan report --date 2025-10-26 --stdout >dst2.csv &&
	test_cmp expect-dst2.csv dst2.csv &&
	modscan report --date 2025-10-26 --json-only --dir dst >/dev/null &&
	test_grep "\"hours\":25[,}]" dst/modscan-report-2025-10-26.json
'

test_expect_success '--from/--to: one report over both days, labelled with the range' '
	modscan report --from 2025-03-11 --to 2025-03-12 --csv-only --dir range >stdout &&
	test_grep "modscan-report-2025-03-11_2025-03-12.csv$" stdout &&
	test_grep "^CCAP001;Upstream 1/0.0;3;60.0;20.0;20.0;5$" range/modscan-report-2025-03-11_2025-03-12.csv
'

test_expect_success 'a day without data: a clear message, exit 0, a report that says so' '
	modscan report --date 2025-01-01 --dir empty >stdout 2>err &&
	test_grep "^modscan report: no samples for 2025-01-01" err &&
	test_line_count = 3 stdout &&
	echo "CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen" >expect-empty.csv &&
	test_cmp expect-empty.csv empty/modscan-report-2025-01-01.csv &&
	test_grep "\"no_data\":true" empty/modscan-report-2025-01-01.json &&
	test_grep "id=\"nodata\"" empty/modscan-report-2025-01-01.html
'

test_expect_success 'bad dates and options: exit 2, one line, nothing written' '
	for d in 2025-02-30 2025-13-01 20250312 yesterday 2025-3-12 ""; do
		test_expect_code 2 modscan report --date "$d" --dir bad 2>err &&
		test_line_count = 1 err || return 1
	done &&
	test_grep "is not a date" err &&
	tomorrow=$(date -d "tomorrow" +%Y-%m-%d) &&
	test_expect_code 2 modscan report --date "$tomorrow" --dir bad 2>err &&
	test_grep "in the future" err &&
	test_expect_code 2 modscan report --from 2025-03-12 --dir bad 2>err &&
	test_grep "go together" err &&
	test_expect_code 2 modscan report --today --date 2025-03-12 2>err &&
	test_expect_code 2 modscan report --csv-format excel 2>err &&
	test_grep "not legacy or rfc4180" err &&
	test_expect_code 2 modscan report --bogus 2>err &&
	test ! -e bad
'

test_expect_success 'default: yesterday; --today: today (both empty here, still exit 0)' '
	y=$(date -d yesterday +%Y-%m-%d) && t=$(date +%Y-%m-%d) &&
	modscan report --csv-only --dir def >stdout 2>err &&
	test_grep "modscan-report-$y.csv$" stdout &&
	modscan report --today --csv-only --dir def >stdout 2>err &&
	test_grep "modscan-report-$t.csv$" stdout
'

test_expect_success 'database down: exit 1 naming it, no file' '
	DB_PORT=$(test_free_port) DB_SOCKET= \
		test_expect_code 1 modscan report --date 2025-03-12 --dir down 2>err &&
	test_grep "^modscan report: database: cannot connect to 127.0.0.1:" err &&
	test_line_count = 1 err &&
	test ! -e down/modscan-report-2025-03-12.csv
'

test_expect_success 'a missing DB_OPTION_FILE is a config error: exit 2, one line' '
	DB_OPTION_FILE=$TRASH/nope.cnf \
		test_expect_code 2 modscan report --date 2025-03-12 --dir nocnf 2>err &&
	test_grep "^modscan report: database: option file .*nope.cnf" err &&
	test_line_count = 1 err &&
	test ! -e nocnf/modscan-report-2025-03-12.csv
'

test_expect_success 'the samples query reads the key in order (no filesort)' '
	mariadb_sql "EXPLAIN SELECT device, upstream, ts, code, modulation FROM modscan.samples WHERE ts >= 0 AND ts < 1 ORDER BY device, upstream, ts" >plan &&
	! test_grep -q filesort plan
'

test_done
