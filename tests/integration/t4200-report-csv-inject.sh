#!/bin/sh
test_description='report CSV: names that start with = + - @ TAB or CR are neutralised with a quote mark in both formats; the HTML shows hostile names as text'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-chromium.sh"

command -v chromium >/dev/null 2>&1 && test_set_prereq CHROMIUM

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }

TAB=$(printf "\t")
CR=$(printf "\r")
T=$(date -d "2025-03-12 08:00" +%s)

# sample DEVICE UPSTREAM: one QAM64 sample at 08:00 (SQL-escaped by python)
sample() {
	/usr/bin/python3 -c 'import sys
q = lambda s: "\x27" + s.replace("\\\\", "\\\\\\\\").replace("\x27", "\x27\x27") + "\x27"
print("(%s, %s, %s, 4, \x27QAM64\x27)," % (q(sys.argv[1]), q(sys.argv[2]), sys.argv[3]))' \
		"$1" "$2" "$T" >>rows.sql
}

test_expect_success 'set up: samples under hostile device and upstream names' '
	modscan maintain --init >/dev/null &&
	sample "=CCAP001" "US 1" &&
	sample "+CCAP002" "US 1" &&
	sample "-CCAP003" "US 1" &&
	sample "@CCAP004" "US 1" &&
	sample "${TAB}CCAP005" "US 1" &&
	sample "${CR}CCAP006" "US 1" &&
	sample "CCAP007" "=HYPERLINK(\"http://x\")" &&
	sample "CCAP008" "US -1" &&
	sample "<img src=x onerror=document.title=1>" "<svg onload=alert(2)>" &&
	{ printf "INSERT INTO modscan.samples VALUES "; sed "\$ s/,\$/;/" rows.sql; } >ins.sql &&
	mariadb_sql "$(cat ins.sql)" &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = 9
'

test_expect_success 'legacy CSV: a quote mark before each such cell, quoted only where the format quotes' '
	{
		printf "%s\n" "CMTS;upstream;hops;%QAM64;%QAM16;%QPSK;Metingen" \
			"'"'"'=CCAP001;US 1;0;100.0;0.0;0.0;1" \
			"'"'"'+CCAP002;US 1;0;100.0;0.0;0.0;1" \
			"'"'"'-CCAP003;US 1;0;100.0;0.0;0.0;1" \
			"'"'"'@CCAP004;US 1;0;100.0;0.0;0.0;1" \
			"'"'"'${TAB}CCAP005;US 1;0;100.0;0.0;0.0;1" \
			"\"'"'"'${CR}CCAP006\";US 1;0;100.0;0.0;0.0;1" \
			"CCAP007;\"'"'"'=HYPERLINK(\"\"http://x\"\")\";0;100.0;0.0;0.0;1" \
			"CCAP008;US -1;0;100.0;0.0;0.0;1" \
			"<img src=x onerror=document.title=1>;<svg onload=alert(2)>;0;100.0;0.0;0.0;1"
	} | sort >expect.csv &&
	modscan report --date 2025-03-12 --stdout >out.csv &&
	sort out.csv >got.csv &&
	test_cmp expect.csv got.csv
'

# The family column: drv.def's rule CCAP0## matches anywhere in the
# upper-cased name, as the scanner resolves it, so =CCAP001 is e6000.
test_expect_success 'rfc4180 CSV: such cells quoted with the quote mark inside' '
	{
		printf "%s\r\n" "CMTS,upstream,family,hops,%QAM64,%QAM16,%QPSK,%UNKNOWN,samples,seconds_below_QAM64,node" \
			"\"'"'"'=CCAP001\",US 1,e6000,0,100.0,0.0,0.0,0.0,1,0," \
			"\"'"'"'+CCAP002\",US 1,e6000,0,100.0,0.0,0.0,0.0,1,0," \
			"\"'"'"'-CCAP003\",US 1,e6000,0,100.0,0.0,0.0,0.0,1,0," \
			"\"'"'"'@CCAP004\",US 1,e6000,0,100.0,0.0,0.0,0.0,1,0," \
			"\"'"'"'${TAB}CCAP005\",US 1,e6000,0,100.0,0.0,0.0,0.0,1,0," \
			"\"'"'"'${CR}CCAP006\",US 1,e6000,0,100.0,0.0,0.0,0.0,1,0," \
			"CCAP007,\"'"'"'=HYPERLINK(\"\"http://x\"\")\",e6000,0,100.0,0.0,0.0,0.0,1,0," \
			"CCAP008,US -1,e6000,0,100.0,0.0,0.0,0.0,1,0," \
			"<img src=x onerror=document.title=1>,<svg onload=alert(2)>,other,0,100.0,0.0,0.0,0.0,1,0,"
	} | sort >expect-rfc.csv &&
	modscan report --date 2025-03-12 --csv-format rfc4180 --stdout >rfc.csv &&
	sort rfc.csv >got-rfc.csv &&
	test_cmp expect-rfc.csv got-rfc.csv
'

test_expect_success 'Python csv reads no cell that a spreadsheet would run as a formula' '
	/usr/bin/python3 -c "import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline=\"\")))[1:]
bad = [c for r in rows for c in r[:2] if c[:1] in (\"=\", \"+\", \"-\", \"@\", \"\\t\", \"\\r\")]
assert len(rows) == 9, rows
assert not bad, bad
assert sum(1 for r in rows if r[0].startswith(\"\x27\") or r[1].startswith(\"\x27\")) == 7
" rfc.csv
'

test_expect_success CHROMIUM 'HTML: hostile names are text in the DOM, never markup that runs' '
	modscan report --date 2025-03-12 --dir out >/dev/null &&
	chromium_dump "file://$TRASH/out/modscan-report-2025-03-12.html" >dom.html &&
	test_grep "&lt;img src=x onerror=document.title=1&gt;" dom.html &&
	test_grep "&lt;svg onload=alert(2)&gt;" dom.html &&
	! grep -q "<img src=x" dom.html &&
	! grep -q "<svg onload" dom.html &&
	! grep -q "<title>1</title>" dom.html
'

test_done
