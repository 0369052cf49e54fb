#!/bin/sh
test_description='scan: the upstream to node map from NODES_FILE, NODES_SQL and cBR-8 descriptions, its precedence, the node label and the history in upstream_nodes'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

# mix: CCAP000 e6000, CCAP100 casa, CCAP200 cbr8, CCAP001, CCAP101,
# CCAP201.  Seed 26 with 12 upstreams: CCAP200's MAC domain 4/0/2 has no
# description, its others and CCAP201's have one.
SEED=26
mariadb_start
ccapsim_start --devices 6 --family mix --upstreams 12 --seed $SEED

if command -v promtool >/dev/null 2>&1; then
	test_set_prereq PROMTOOL
fi

# The simulator's channel table of a device: "UPSTREAM STATUS DESCR".
truth_table() {
	"$CCAPSIM" truth --seed $SEED --upstreams 12 --name "$1" \
		--at "$(date +%s)" | awk 'NR > 1 { print $1, $4, $5 }'
}

# The node label of each upstream in a metrics file: "DEVICE UPSTREAM NODE"
# ("-" for an empty label), sorted.
node_labels() {
	sed -n "s/^modscan_upstream_modulation{device=\"\([^\"]*\)\",upstream=\"\([^\"]*\)\",node=\"\([^\"]*\)\"} .*/\1 \2 \3/p" "$1" |
		awk '{ print $1, $2, ($3 == "" ? "-" : $3) }' | sort
}

test_expect_success 'setup: schema, the fleet, a map in a file and in SQL' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	for d in CCAP000 CCAP100 CCAP200 CCAP001 CCAP101 CCAP201; do
		truth_table $d >truth.$d || exit 1
	done &&
	grep -q " ok -$" truth.CCAP200 &&
	grep -q " ok FN-" truth.CCAP201 &&
	u000=$(awk "\$2 == \"ok\" { print \$1; exit }" truth.CCAP000) &&
	u200=$(awk "\$2 == \"ok\" && \$3 != \"-\" { print \$1; exit }" truth.CCAP200) &&
	echo "$u000" >u000 && echo "$u200" >u200 &&
	{
		echo "# every upstream of CCAP000, one of CCAP200"
		awk "{ print \"CCAP000\", \$1, \"FN-A000\", \"Main St cabinet\" }" truth.CCAP000
		echo
		echo "CCAP200 $u200 FN-FILE"
	} >nodes.txt &&
	mariadb_sql "CREATE TABLE modscan.plant_map (ccap VARCHAR(63),
			upstream VARCHAR(31), node VARCHAR(63), descr VARCHAR(255));
		INSERT INTO modscan.plant_map VALUES
			(\"CCAP000\", \"$u000\", \"FN-SQLX\", NULL)" &&
	while read -r u st dsc; do
		echo "INSERT INTO modscan.plant_map VALUES
			(\"CCAP100\", \"$u\", \"FN-S100\", \"ring 2\");"
	done <truth.CCAP100 >sql.txt &&
	mariadb_sql "$(cat sql.txt)" &&
	cat >>scan.conf <<-EOC
	NODES_FILE=$TRASH/nodes.txt
	NODES_SQL="SELECT ccap, upstream, node, descr FROM plant_map ORDER BY ccap, upstream"
	EOC
'

test_expect_success 'check-config: the file read, how many upstreams it maps' '
	modscan --check-config --config scan.conf >out 2>err &&
	test_line_count = 0 err &&
	test "$(tail -n 1 out)" = "# NODES_FILE maps 13 upstreams"
'

test_expect_success 'a bad line: one error naming file and line, exit 2, nothing scanned' '
	cp nodes.txt good.txt &&
	echo "CCAP201 2/0/0/0" >>nodes.txt &&
	test_expect_code 2 modscan --check-config --strict --config scan.conf >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan --check-config: NODES_FILE: $TRASH/nodes.txt:16: expected CCAP UPSTREAM NODE \[DESCRIPTION\]$" err &&
	test_expect_code 2 modscan scan --once --config scan.conf 2>err &&
	test_grep "^modscan scan: NODES_FILE: $TRASH/nodes.txt:16: expected CCAP UPSTREAM NODE" err &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = 0 &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes")" = 0 &&
	cp good.txt nodes.txt
'

test_expect_success 'scan --once: every upstream scanned, the SQL row the file maps already named' '
	date +%s >t1.start &&
	modscan scan --once --config scan.conf 2>err &&
	date +%s >t1.end &&
	test_grep "NODES_SQL: row 1: .CCAP000 $(cat u000). is mapped already, skipping" scan.log &&
	modscan status --prometheus --config scan.conf >prom1 &&
	test_line_count -gt 50 prom1
'

test_expect_success 'node labels: the file (hand-written), then SQL, then the device' '
	test_grep "^modscan_upstream_modulation{device=\"CCAP000\",upstream=\"$(cat u000)\",node=\"FN-A000\"} [0246]$" prom1 &&
	test_grep "^modscan_upstream_modulation{device=\"CCAP200\",upstream=\"$(cat u200)\",node=\"FN-FILE\"} [0246]$" prom1 &&
	test_grep "^modscan_upstream_hops_total{device=\"CCAP100\",upstream=\"[^\"]*\",node=\"FN-S100\"} 0$" prom1 &&
	for d in CCAP000 CCAP100 CCAP200 CCAP001 CCAP101 CCAP201; do
		awk -v d=$d -v u200="$(cat u200)" "\$2 == \"ok\" {
			if (d == \"CCAP000\") n = \"FN-A000\"
			else if (d == \"CCAP100\") n = \"FN-S100\"
			else if (d == \"CCAP200\" && \$1 == u200) n = \"FN-FILE\"
			else if (d ~ /^CCAP2/) n = \$3
			else n = \"-\"
			print d, \$1, n }" truth.$d || exit 1
	done | sort >expect &&
	node_labels prom1 >actual &&
	test_line_count -gt 50 expect &&
	grep -q "^CCAP200 .* -$" expect &&
	test_cmp expect actual
'

test_expect_success PROMTOOL 'promtool check metrics: clean with node labels' '
	promtool check metrics <prom1 >lint 2>&1 &&
	test_line_count = 0 lint
'

test_expect_success 'history: one open row per mapped upstream, source and time of the run' '
	mariadb_sql "SELECT device, upstream, node, source FROM
		     modscan.upstream_nodes WHERE valid_to IS NULL" |
		tr "\t" " " | sort >open1 &&
	{
		awk "{ print \"CCAP000\", \$1, \"FN-A000\", \"file\" }" truth.CCAP000
		echo "CCAP200 $(cat u200) FN-FILE file"
		awk "{ print \"CCAP100\", \$1, \"FN-S100\", \"sql\" }" truth.CCAP100
		awk -v u="$(cat u200)" "\$2 == \"ok\" && \$3 != \"-\" && \$1 != u {
			print \"CCAP200\", \$1, \$3, \"device\" }" truth.CCAP200
		awk "\$2 == \"ok\" && \$3 != \"-\" {
			print \"CCAP201\", \$1, \$3, \"device\" }" truth.CCAP201
	} | sort >expect &&
	test_cmp expect open1 &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes
			     WHERE valid_to IS NOT NULL")" = 0 &&
	mariadb_sql "SELECT MIN(valid_from), MAX(valid_from) FROM
		     modscan.upstream_nodes" >span &&
	set -- $(cat span) &&
	lo=$1 hi=$2 &&
	test "$lo" -ge "$(cat t1.start)" && test "$hi" -le "$(cat t1.end)" &&
	test "$(mariadb_sql "SELECT description FROM modscan.upstream_nodes
			     WHERE device = \"CCAP000\" LIMIT 1")" = "Main St cabinet" &&
	test "$(mariadb_sql "SELECT DISTINCT description FROM modscan.upstream_nodes
			     WHERE device = \"CCAP100\"")" = "ring 2"
'

test_expect_success 'the map changes in the middle of the day: the old row closed, a new one opened' '
	mariadb_sql "SELECT valid_from FROM modscan.upstream_nodes WHERE
		     device = \"CCAP001\" OR device = \"CCAP201\" LIMIT 1" >from1 &&
	test_wait_for 10 sh -c "test \$(date +%s) -gt $(cat t1.end)" &&
	awk -v u="$(cat u000)" "\$1 == \"CCAP000\" && \$2 == u {
		print \$1, \$2, \"FN-B000\", \"moved\"; next } { print }" \
		good.txt >nodes.txt &&
	test "$(grep -c FN-B000 nodes.txt)" = 1 &&
	echo "CCAP001 $(awk "\$2 == \"ok\" { print \$1; exit }" truth.CCAP001) FN-N001" >>nodes.txt &&
	date +%s >t2.start &&
	modscan scan --once --config scan.conf 2>err &&
	date +%s >t2.end &&
	mariadb_sql "SELECT node, valid_from, IFNULL(valid_to, \"open\")
		     FROM modscan.upstream_nodes WHERE device = \"CCAP000\"
		     AND upstream = \"$(cat u000)\" ORDER BY valid_from" >rows &&
	test_line_count = 2 rows &&
	set -- $(cat rows) &&
	n1=$1 f1=$2 t1=$3 n2=$4 f2=$5 t2=$6 &&
	test "$n1" = FN-A000 && test "$n2" = FN-B000 && test "$t2" = open &&
	test "$t1" = "$f2" &&
	test "$f1" -ge "$(cat t1.start)" && test "$f1" -le "$(cat t1.end)" &&
	test "$f2" -ge "$(cat t2.start)" && test "$f2" -le "$(cat t2.end)" &&
	test "$(mariadb_sql "SELECT COUNT(*), MIN(valid_from) FROM modscan.upstream_nodes
			     WHERE device = \"CCAP001\"" | tr "\t" " ")" = "1 $f2"
'

test_expect_success 'unchanged mappings kept their one row' '
	mariadb_sql "SELECT COUNT(*), COUNT(DISTINCT device, upstream),
		     SUM(valid_to IS NULL) FROM modscan.upstream_nodes" |
		tr "\t" " " >counts &&
	n=$(wc -l <open1) &&
	echo "$((n + 2)) $((n + 1)) $((n + 1))" >expect &&
	test_cmp expect counts &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes
			     WHERE device = \"CCAP100\" AND valid_from > $(cat t1.end)")" = 0
'

test_expect_success 'each sample belongs to the row in force at its time' '
	mariadb_sql "SELECT n.node, COUNT(*) FROM modscan.samples s
		     JOIN modscan.upstream_nodes n ON n.device = s.device
		     AND n.upstream = s.upstream AND n.valid_from <= s.ts
		     AND (n.valid_to IS NULL OR s.ts < n.valid_to)
		     WHERE s.device = \"CCAP000\" AND s.upstream = \"$(cat u000)\"
		     GROUP BY n.node ORDER BY n.node" >joined &&
	printf "FN-A000\t1\nFN-B000\t1\n" >expect &&
	test_cmp expect joined
'

test_expect_success 'NODES_FROM_DEVICE=no: the descriptions closed, the file and SQL kept' '
	test_wait_for 10 sh -c "test \$(date +%s) -gt $(cat t2.end)" &&
	echo NODES_FROM_DEVICE=no >>scan.conf &&
	modscan scan --once --config scan.conf 2>err &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes
			     WHERE source = \"device\" AND valid_to IS NULL")" = 0 &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes
			     WHERE source = \"device\"")" -gt 4 &&
	modscan status --prometheus --config scan.conf >prom3 &&
	node_labels prom3 | grep "^CCAP201 " | cut -d" " -f3 | sort -u >n201 &&
	echo - >expect &&
	test_cmp expect n201
'

test_expect_success 'NODES_SQL failing at start: a warning, the file serves, the history untouched' '
	mariadb_sql "SELECT COUNT(*), SUM(valid_to IS NULL) FROM
		     modscan.upstream_nodes" >before &&
	grep -v "^NODES_SQL=" scan.conf >sqlbad.conf &&
	echo "NODES_SQL=\"SELECT ccap, upstream, node FROM no_such_table\"" >>sqlbad.conf &&
	chmod 600 sqlbad.conf &&
	modscan scan --once --config sqlbad.conf 2>err &&
	test_grep "nodes: NODES_SQL: .*no_such_table.*; starting with the 14 upstreams read, the rest at the next refresh" scan.log &&
	modscan status --prometheus --config sqlbad.conf >prom4 &&
	test_grep "^modscan_upstream_modulation{device=\"CCAP000\",upstream=\"$(cat u000)\",node=\"FN-B000\"} " prom4 &&
	node_labels prom4 | grep "^CCAP100 " | cut -d" " -f3 | sort -u >n100 &&
	echo - >expect &&
	test_cmp expect n100 &&
	mariadb_sql "SELECT COUNT(*), SUM(valid_to IS NULL) FROM
		     modscan.upstream_nodes" >after &&
	test_cmp before after
'

test_expect_success 'NODES_SQL runs on the inventory database when DEVICES_DB_HOST is set' '
	mariadb_sql "CREATE DATABASE inv;
		CREATE TABLE inv.inv_map (ccap VARCHAR(63), upstream VARCHAR(31),
			node VARCHAR(63));
		CREATE USER ro@127.0.0.1 IDENTIFIED BY \"ro-pw\";
		GRANT SELECT ON inv.* TO ro@127.0.0.1;" &&
	while read -r u st dsc; do
		mariadb_sql "INSERT INTO inv.inv_map VALUES
			(\"CCAP101\", \"$u\", \"FN-INV\")" || exit 1
	done <truth.CCAP101 &&
	grep -v "^NODES_SQL=" scan.conf >inv.conf &&
	cat >>inv.conf <<-EOC &&
	DEVICES_DB_HOST=127.0.0.1
	DEVICES_DB_PORT=$DB_PORT
	DEVICES_DB_NAME=inv
	DEVICES_DB_USER=ro
	DEVICES_DB_PASSWORD=ro-pw
	NODES_SQL="SELECT ccap, upstream, node FROM inv_map"
	EOC
	chmod 600 inv.conf &&
	modscan scan --once --config inv.conf 2>err &&
	modscan status --prometheus --config inv.conf >prom5 &&
	node_labels prom5 | grep "^CCAP101 " >n101 &&
	awk "\$2 == \"ok\" { print \"CCAP101\", \$1, \"FN-INV\" }" truth.CCAP101 |
		sort >expect &&
	test_cmp expect n101 &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes WHERE
			     device = \"CCAP101\" AND source = \"sql\" AND
			     valid_to IS NULL")" = "$(wc -l <truth.CCAP101)"
'

test_expect_success 'scan --device: a look at one device writes no history' '
	mariadb_sql "SELECT COUNT(*), SUM(valid_to IS NULL) FROM
		     modscan.upstream_nodes" >before &&
	cp nodes.txt nodes.keep &&
	echo "CCAP101 9/9/9 FN-LOOK" >>nodes.txt &&
	modscan scan --device CCAP201 --config scan.conf >found 2>err &&
	test_line_count -gt 4 found &&
	mariadb_sql "SELECT COUNT(*), SUM(valid_to IS NULL) FROM
		     modscan.upstream_nodes" >after2 &&
	test_cmp before after2 &&
	cp nodes.keep nodes.txt
'

# An open row of CCAP000's first upstream written by hand (NODE SOURCE
# VALID_FROM), a scan, then the nodes of its open rows into "open".
hand_row_then_scan() {
	mariadb_sql "INSERT INTO modscan.upstream_nodes (device, upstream,
		     node, source, valid_from) VALUES (\"CCAP000\",
		     \"$(cat u000)\", \"$1\", \"$2\", $3)" &&
	modscan scan --once --config scan.conf 2>err &&
	mariadb_sql "SELECT node FROM modscan.upstream_nodes WHERE
		     device = \"CCAP000\" AND upstream = \"$(cat u000)\"
		     AND valid_to IS NULL" >open
}

test_expect_success 'open rows written by hand, breaking the rules or a second of an upstream, are ended; the upstream keeps one' '
	echo FN-B000 >expect &&
	hand_row_then_scan "FN 1" file 1000 &&
	test_cmp expect open &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes
			     WHERE node = \"FN 1\" AND valid_to IS NOT NULL")" = 1 &&
	hand_row_then_scan FN-TWIN sql 2000 &&
	test_cmp expect open
'

test_expect_success 'an empty NODES_FILE without NODES_SQL ends every mapping in force' '
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes
			     WHERE valid_to IS NULL")" -gt 10 &&
	grep -v "^NODES_SQL=" scan.conf >empty.conf &&
	chmod 600 empty.conf &&
	: >nodes.txt &&
	modscan scan --once --config empty.conf 2>err &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes
			     WHERE valid_to IS NULL")" = 0 &&
	modscan status --prometheus --config empty.conf >prom6 &&
	node_labels prom6 | cut -d" " -f3 | sort -u >labels &&
	echo - >expect &&
	test_cmp expect labels
'

test_expect_success 'a database without upstream_nodes: the scan goes on, the log says what to run' '
	mariadb_sql "DROP TABLE modscan.upstream_nodes" &&
	echo "CCAP000 $(cat u000) FN-C000" >nodes.txt &&
	modscan scan --once --config empty.conf 2>err &&
	test_grep "nodes: history not written: no table upstream_nodes (run .modscan maintain --init.); retried at the next refresh" scan.log &&
	modscan status --prometheus --config empty.conf >prom7 &&
	test_grep "^modscan_upstream_modulation{device=\"CCAP000\",upstream=\"$(cat u000)\",node=\"FN-C000\"} " prom7
'

test_done
