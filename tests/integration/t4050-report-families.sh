#!/bin/sh
test_description='report: the per-family summary resolves families as the scanner does (devices file, HOSTNAME_RULES, drv.def defaults)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }

# sample DEVICE UPSTREAM HH:MM MODULATION: one sample of 2025-03-12 (UTC).
sample() {
	echo "('$1', '$2', $(date -u -d "2025-03-12 $3" +%s), 4, '$4')," >>rows.sql
}

# families JSON: "family devices upstreams samples hops hopping degraded",
# one line per family of the report's summary, in its order.
families() {
	/usr/bin/python3 - "$1" <<-\EOF
	import json, sys
	for f in json.load(open(sys.argv[1]))["families"]:
	    print(f["family"], f["devices"], f["upstreams"], f["samples"],
	          f["hops"], f["hopping_upstreams"], f["degraded_upstreams"])
	EOF
}

test_expect_success 'set up: schema, samples of six devices, a devices file' '
	modscan maintain --init >/dev/null &&
	sample cmts-east1 U0 00:00 QAM64 &&
	sample cmts-east1 U0 00:05 QAM16 &&
	sample cmts-east1 U0 00:10 QAM64 &&
	sample cmts-east2 A 00:00 QAM64 &&
	sample cmts-east2 A 00:05 QAM64 &&
	sample cmts-east2 B 00:00 QPSK &&
	sample cmts-east2 B 00:05 QAM64 &&
	sample cmts-west U 00:00 QAM64 &&
	sample CCAP104 U 00:00 QAM64 &&
	sample CCAP104 U 00:05 QAM64 &&
	sample lab-7 1/0 00:00 QAM16 &&
	sample lab-7 1/0 00:05 QAM16 &&
	sample CCAP003 1/1 00:00 QAM64 &&
	sample CCAP003 1/1 00:05 QPSK &&
	sample CCAP003 1/1 00:10 QPSK &&
	{ printf "INSERT INTO modscan.samples VALUES " &&
	  sed "\$ s/,\$/;/" rows.sql; } >ins.sql &&
	mariadb_sql "$(cat ins.sql)" &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = 15 &&
	cat >devices.txt <<-\EOT
	# the devices file names a family for these two
	lab-7 10.0.0.7 22 e6000
	cmts-east1 10.0.0.8 22 casa
	cmts-west 10.0.0.9
	EOT
'

# By hand: the rules send cmts-east* to cbr8, cmts-west to casa, CCAP0##
# to e6000; the devices file overrides them for cmts-east1 (casa) and
# gives lab-7 (e6000); CCAP104 matches no rule (the default rules do not
# apply once HOSTNAME_RULES is set): other.  Hops are modulation changes.
#   casa:  cmts-east1 U0 (64,16,64: 2 hops), cmts-west U (64)
#   cbr8:  cmts-east2 A (64,64), B (QPSK,64: 1 hop)
#   e6000: lab-7 1/0 (16,16), CCAP003 1/1 (64,QPSK,QPSK: 1 hop)
#   other: CCAP104 U (64,64)
test_expect_success 'HOSTNAME_RULES and the devices file decide the family summary' '
	cat >expect <<-\EOT &&
	casa 2 2 4 2 1 1
	cbr8 1 2 4 1 1 1
	e6000 2 2 5 1 1 2
	other 1 1 2 0 0 0
	EOT
	HOSTNAME_RULES="EAST#=cbr8, West=casa, CCAP0##=e6000" \
	DEVICES_FILE=devices.txt \
		modscan report --date 2025-03-12 --json-only --dir rules \
		>/dev/null 2>err &&
	test ! -s err &&
	families rules/modscan-report-2025-03-12.json >actual &&
	test_cmp expect actual
'

test_expect_success 'the rows name the same families' '
	HOSTNAME_RULES="EAST#=cbr8, West=casa, CCAP0##=e6000" \
	DEVICES_FILE=devices.txt REPORT_CSV_FORMAT=rfc4180 \
		modscan report --date 2025-03-12 --stdout >out.csv &&
	cut -d, -f1,3 out.csv | sort -u >actual &&
	printf "%s\n" CCAP003,e6000 CCAP104,other CMTS,family \
		cmts-east1,casa cmts-east2,cbr8 cmts-west,casa lab-7,e6000 |
		sort >expect &&
	test_cmp expect actual
'

# Without either: the name rules of lib/drv.def, CCAP0## e6000, CCAP1##
# casa, CCAP2## cbr8; the cmts-* and lab-7 names match none.
test_expect_success 'without rules or devices file: the default rules' '
	cat >expect <<-\EOT &&
	casa 1 1 2 0 0 0
	e6000 1 1 3 1 1 1
	other 4 5 10 3 2 3
	EOT
	modscan report --date 2025-03-12 --json-only --dir default \
		>/dev/null 2>err &&
	test ! -s err &&
	families default/modscan-report-2025-03-12.json >actual &&
	test_cmp expect actual
'

test_expect_success 'bad HOSTNAME_RULES: one line, exit 2, no report' '
	HOSTNAME_RULES="EAST#=cbr8,WEST" test_expect_code 2 \
		modscan report --date 2025-03-12 --dir bad >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan report: HOSTNAME_RULES: .WEST.: expected PATTERN=FAMILY$" err &&
	test ! -e bad
'

test_expect_success 'a devices file that does not exist: one line, exit 2, no report' '
	DEVICES_FILE=nosuch.txt test_expect_code 2 \
		modscan report --date 2025-03-12 --dir bad >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan report: DEVICES_FILE: cannot open .nosuch.txt.: No such file" err &&
	test ! -e bad
'

test_done
