#!/bin/sh
test_description='report with the node map from MariaDB: node column in CSV, JSON and HTML, nodes to visit ranked with ties broken by hops, a map change in the middle of the day, legacy files unchanged, the mail section, headless Chromium'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-smtp.sh"
. "$TEST_DIR/lib-chromium.sh"

command -v chromium >/dev/null 2>&1 && test_set_prereq CHROMIUM

TZ=UTC
export TZ

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
smtp_start && test_set_prereq SMTPD

D=2025-03-12
at() {
	date -d "$1" +%s
}

# sample DEVICE UPSTREAM HH:MM MODULATION (on day D)
sample() {
	echo "('$1', '$2', $(at "$D $3"), 4, '$4')," >>rows.sql
}

# node DEVICE UPSTREAM NODE FROM TO ('NULL': in force)
node() {
	echo "('$1', '$2', '$3', '', 'file', $4, $5)," >>nodes.sql
}

load() {
	mariadb_sql "INSERT INTO modscan.$1 VALUES $(sed '$ s/,$/;/' "$2")" &&
	rm -f "$2"
}

# The day's samples, worked out by hand (REPORT_MAX_GAP 1200 s: a sample
# holds until the next one, at most 1200 s).
#   CCAP001 1/0 moves from FN-0412 to FN-0413 at 12:00:
#     11:30 QAM64, 11:45 QAM16 (600 s), 11:55 QPSK (900 s: 300 s before
#     12:00 on FN-0412, 600 s after on FN-0413), 12:10 QAM64; hops at
#     11:45 and 11:55 (FN-0412) and 12:10 (FN-0413).
#     FN-0412: 900 s, 2 hops, worst QPSK; FN-0413: 600 s, 1 hop, QPSK.
#   CCAP001 1/1 on FN-0412: 08:00 and 08:10 QAM16, 08:20 QAM64: 1200 s,
#     1 hop, worst QAM16.
#   CCAP002 2/0 on FN-0413: 14:00 QPSK, 14:05 QAM64: 300 s, 1 hop.
#   CCAP002 2/1: its row starts tomorrow, so no node today: 09:00 QAM16,
#     09:05 QAM64: 300 s, 1 hop under "no node (CCAP002)".
#   CCAP002 2/2: its row ended five days ago: one clean sample.
#   CCAP003 3/0 on FN-0100: 16:00 QAM16, 16:15 QAM64: 900 s, 1 hop.
# Nodes: FN-0412 2100 s 3 hops; FN-0413 900 s 2 hops; FN-0100 900 s
# 1 hop (after FN-0413 although its name sorts first: hops break the
# tie); no node (CCAP002) 300 s 1 hop.
test_expect_success 'set up: schema, samples of 2025-03-12 and the node map' '
	modscan maintain --init >/dev/null &&
	sample CCAP001 1/0 11:30 QAM64 && sample CCAP001 1/0 11:45 QAM16 &&
	sample CCAP001 1/0 11:55 QPSK && sample CCAP001 1/0 12:10 QAM64 &&
	sample CCAP001 1/1 08:00 QAM16 && sample CCAP001 1/1 08:10 QAM16 &&
	sample CCAP001 1/1 08:20 QAM64 &&
	sample CCAP002 2/0 14:00 QPSK && sample CCAP002 2/0 14:05 QAM64 &&
	sample CCAP002 2/1 09:00 QAM16 && sample CCAP002 2/1 09:05 QAM64 &&
	sample CCAP002 2/2 10:00 QAM64 &&
	sample CCAP003 3/0 16:00 QAM16 && sample CCAP003 3/0 16:15 QAM64 &&
	load samples rows.sql &&
	modscan report --date $D --legacy --dir before >/dev/null &&
	old=$(at "2025-03-02 00:00") &&
	node CCAP001 1/0 FN-0412 "$old" "$(at "$D 12:00")" &&
	node CCAP001 1/0 FN-0413 "$(at "$D 12:00")" NULL &&
	node CCAP001 1/1 FN-0412 "$old" NULL &&
	node CCAP002 2/0 FN-0413 "$old" NULL &&
	node CCAP002 2/1 FN-0500 "$(at "2025-03-13 00:00")" NULL &&
	node CCAP002 2/2 FN-0999 "$(at "2025-02-20 00:00")" "$(at "2025-03-07 00:00")" &&
	node CCAP003 3/0 FN-0100 "$old" NULL &&
	load upstream_nodes nodes.sql &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes")" = 7
'

test_expect_success 'rfc4180 CSV: the node column, both nodes of the upstream that moved' '
	printf "%s\r\n" "CMTS,upstream,family,hops,%QAM64,%QAM16,%QPSK,%UNKNOWN,samples,seconds_below_QAM64,node" \
		"CCAP001,1/0,e6000,3,50.0,25.0,25.0,0.0,4,1500,\"FN-0412, FN-0413\"" \
		"CCAP001,1/1,e6000,1,33.33,66.67,0.0,0.0,3,1200,FN-0412" \
		"CCAP002,2/0,e6000,1,50.0,0.0,50.0,0.0,2,300,FN-0413" \
		"CCAP002,2/1,e6000,1,50.0,50.0,0.0,0.0,2,300," \
		"CCAP003,3/0,e6000,1,50.0,50.0,0.0,0.0,2,900,FN-0100" \
		"CCAP002,2/2,e6000,0,100.0,0.0,0.0,0.0,1,0," >expect.csv &&
	modscan report --date $D --legacy --csv-format rfc4180 --dir out >/dev/null 2>err &&
	test ! -s err &&
	test_cmp expect.csv out/modscan-report-$D.csv
'

test_expect_success 'the legacy files are the same with the node map as without' '
	test_cmp before/modulation_report_$D.csv out/modulation_report_$D.csv &&
	grep -v generated_at before/modulation_report_${D}_web.json >a.json &&
	grep -v generated_at out/modulation_report_${D}_web.json >b.json &&
	test_cmp a.json b.json &&
	! grep -q FN- out/modulation_report_$D.csv out/modulation_report_${D}_web.json
'

test_expect_success 'JSON: rows carry the node; nodes to visit as computed by hand' '
	/usr/bin/python3 - out/modscan-report-$D.json <<-\EOF
	import json, sys
	d = json.load(open(sys.argv[1]))
	nodes = {(r["ccap"], r["upstream"]): r["node"] for r in d["rows"]}
	assert nodes == {("CCAP001", "1/0"): "FN-0412, FN-0413",
	                 ("CCAP001", "1/1"): "FN-0412",
	                 ("CCAP002", "2/0"): "FN-0413", ("CCAP002", "2/1"): "",
	                 ("CCAP002", "2/2"): "", ("CCAP003", "3/0"): "FN-0100"}, nodes
	assert d["node_map"] is True and d["nodes_degraded"] == 4, d
	got = [(n["node"], n.get("ccap"), n["seconds_below_qam64"], n["hops"],
	        [(u["ccap"], u["upstream"], u["seconds_below_qam64"], u["hops"],
	          u["worst"]) for u in n["upstreams"]])
	       for n in d["nodes_to_visit"]]
	want = [
	    ("FN-0412", None, 2100, 3, [("CCAP001", "1/1", 1200, 1, "QAM16"),
	                                ("CCAP001", "1/0", 900, 2, "QPSK")]),
	    ("FN-0413", None, 900, 2, [("CCAP001", "1/0", 600, 1, "QPSK"),
	                               ("CCAP002", "2/0", 300, 1, "QPSK")]),
	    ("FN-0100", None, 900, 1, [("CCAP003", "3/0", 900, 1, "QAM16")]),
	    (None, "CCAP002", 300, 1, [("CCAP002", "2/1", 300, 1, "QAM16")]),
	]
	assert got == want, got
	# the split adds up: every second below QAM64 is on one node
	assert sum(n["seconds_below_qam64"] for n in d["nodes_to_visit"]) == \
	    d["totals"]["seconds_below_qam64"] == 4200, d["totals"]
	EOF
'

test_expect_success 'HTML: the nodes to visit table in rank order, before the top hoppers' '
	/usr/bin/python3 - out/modscan-report-$D.html <<-\EOF
	import re, sys
	html = open(sys.argv[1], encoding="utf-8").read()
	sec = re.search(r"<section id=\"nodes\">(.*?)</section>", html, re.S).group(1)
	rows = re.findall(r"<tr class=\"(nd|nu)\"><td>(.*?)</td><td>(.*?)</td>"
	                  r"<td class=\"n\" data-s=\"(\d+)\">.*?</td>"
	                  r"<td class=\"n\">(\d+)</td><td>(.*?)</td></tr>", sec)
	got = [(k, re.sub("<.*?>", "", a) or b, int(s), int(h), w)
	       for k, a, b, s, h, w in rows]
	want = [("nd", "FN-0412", 2100, 3, ""),
	        ("nu", "CCAP001 1/1", 1200, 1, "QAM16"),
	        ("nu", "CCAP001 1/0", 900, 2, "QPSK"),
	        ("nd", "FN-0413", 900, 2, ""),
	        ("nu", "CCAP001 1/0", 600, 1, "QPSK"),
	        ("nu", "CCAP002 2/0", 300, 1, "QPSK"),
	        ("nd", "FN-0100", 900, 1, ""),
	        ("nu", "CCAP003 3/0", 900, 1, "QAM16"),
	        ("nd", "no node (CCAP002)", 300, 1, ""),
	        ("nu", "CCAP002 2/1", 300, 1, "QAM16")]
	assert got == want, got
	assert html.index("id=\"nodes\"") < html.index("<h2>Top hoppers")
	EOF
'

test_expect_success 'the index of the days names the node to visit first' '
	test_grep "<td>FN-0412 (0.6 h)</td></tr>" out/index.html
'

test_expect_success 'REPORT_TOP_N=2: two nodes shown and a line for the rest' '
	REPORT_TOP_N=2 modscan report --date $D --html-only --dir top2 >/dev/null &&
	test "$(grep -o "<tr class=\"nd\">" top2/modscan-report-$D.html | wc -l)" = 2 &&
	test_grep "id=\"nodes-more\">2 more nodes degraded" top2/modscan-report-$D.html
'

test_expect_success 'a clean day with a map: the section says so in one line' '
	mariadb_sql "INSERT INTO modscan.samples VALUES
		(\"CCAP001\", \"1/0\", $(at "2025-03-13 10:00"), 4, \"QAM64\"),
		(\"CCAP001\", \"1/0\", $(at "2025-03-13 10:05"), 4, \"QAM64\")" &&
	modscan report --date 2025-03-13 --dir clean >/dev/null &&
	test_grep "id=\"nodes-none\">No node degraded" clean/modscan-report-2025-03-13.html &&
	! grep -q "id=.nodes-table" clean/modscan-report-2025-03-13.html &&
	test_grep "\"node\":\"FN-0413\"" clean/modscan-report-2025-03-13.json
'

test_expect_success 'a day no map row covers: one line, no node column values' '
	mariadb_sql "INSERT INTO modscan.samples VALUES
		(\"CCAP001\", \"1/0\", $(at "2025-02-01 10:00"), 4, \"QPSK\")" &&
	modscan report --date 2025-02-01 --csv-format rfc4180 --dir nomap >/dev/null &&
	test_grep "id=\"nodes-none\">No node map covers" nomap/modscan-report-2025-02-01.html &&
	printf "%s\r\n" "CCAP001,1/0,e6000,0,0.0,0.0,100.0,0.0,1,1200," >expect-nomap &&
	tail -n 1 nomap/modscan-report-2025-02-01.csv >got-nomap &&
	test_cmp expect-nomap got-nomap
'

test_expect_success SMTPD 'the mail body lists the nodes to visit with their upstreams' '
	modscan report --date $D --mail --csv-only --dir mailed --config "$SMTP_CONF" >/dev/null &&
	smtp_body "$SMTP_DIR/0001.eml" >body.txt &&
	sed -n "/^Nodes to visit (time below QAM64, hops):$/,/^$/p" body.txt >section &&
	test_grep "^  FN-0412  *35m  *3 hops$" section &&
	test_grep "^    CCAP001  *1/1  *20m  *1 hops  worst QAM16$" section &&
	test_grep "^    CCAP001  *1/0  *15m  *2 hops  worst QPSK$" section &&
	grep "^  [^ ]" section | awk "{ print \$1, \$2 }" >order &&
	printf "%s\n" "FN-0412 35m" "FN-0413 15m" "FN-0100 15m" "no node" >expect-order &&
	test_cmp expect-order order
'

test_expect_success SMTPD 'a mail for a clean day says so in one line' '
	modscan report --date 2025-03-13 --mail --csv-only --dir mailed2 --config "$SMTP_CONF" >/dev/null &&
	smtp_body "$SMTP_DIR/0002.eml" >body2.txt &&
	test_grep "^Nodes to visit: none, no node degraded.$" body2.txt
'

test_expect_success CHROMIUM 'headless Chromium: the nodes table shows, the search box finds a node' '
	chromium_dump "file://$TRASH/out/modscan-report-$D.html#selftest=FN-0413" >dom.html &&
	test_grep "selftest=done" dom.html &&
	test_grep "id=\"nodes-table\"" dom.html &&
	test_grep "filter=FN-0413 count=2" dom.html &&
	test_grep "filter_rows=CCAP002|2/0,CCAP001|1/0" dom.html
'

test_expect_success 'a database without the upstream_nodes table: the report runs, without nodes' '
	mariadb_sql "DROP TABLE modscan.upstream_nodes" &&
	modscan report --date $D --csv-format rfc4180 --dir notable >/dev/null 2>err &&
	test ! -s err &&
	test_grep "id=\"nodes-none\">No node map covers" notable/modscan-report-$D.html &&
	test_grep "^CCAP001,1/0,e6000,3,50.0,25.0,25.0,0.0,4,1500,.$" notable/modscan-report-$D.csv
'

test_done
