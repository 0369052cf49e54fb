#!/bin/sh
test_description='scan: the node map refreshed with the inventory, a bad line keeps the old map, the database down keeps the map in memory and the history follows when it is back'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

SEED=26
mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
ccapsim_start --devices 2 --family cbr8 --upstreams 8 --seed $SEED ||
	{ echo "Bail out! no ccapsim"; exit 1; }

# The node label of DEVICE UPSTREAM in the metrics now.
node_of() {
	"$MODSCAN" status --prometheus --config "$TRASH/scan.conf" |
		awk -v p="modscan_upstream_modulation{device=\"$1\",upstream=\"$2\",node=\"" \
			'index($0, p) == 1 { s = substr($0, length(p) + 1)
					     sub(/".*/, "", s); print s }'
}

node_is() {
	test "$(node_of "$1" "$2")" = "$3"
}

# The open row of DEVICE UPSTREAM in upstream_nodes: "NODE SOURCE".
open_row() {
	mariadb_sql "SELECT node, source FROM modscan.upstream_nodes WHERE
		     device = \"$1\" AND upstream = \"$2\" AND valid_to IS NULL" |
		tr "\t" " "
}

open_row_is() {
	test "$(open_row "$1" "$2")" = "$3"
}

test_expect_success 'setup: one upstream in the file, the rest described' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	"$CCAPSIM" truth --seed $SEED --upstreams 8 --name CCAP201 --at 0 |
		awk "NR > 1 && \$4 == \"ok\" && \$5 != \"-\" { print \$1, \$5 }" >described &&
	test_line_count -gt 2 described &&
	set -- $(sed -n 1p described) && echo "$1" >up && echo "$2" >dev.node &&
	set -- $(sed -n 2p described) && echo "$1" >up2 && echo "$2" >dev.node2 &&
	echo "CCAP201 $(cat up) FN-F1" >nodes.txt &&
	cat >>scan.conf <<-EOC
	NODES_FILE=$TRASH/nodes.txt
	INVENTORY_REFRESH=1
	SCAN_INTERVAL=10
	CHECK_INTERVAL=1
	EOC
'

"$MODSCAN" scan -c "$TRASH/scan.conf" 2>"$TRASH/scan.err" &
SCAN_PID=$!
test_atexit "kill $SCAN_PID 2>/dev/null"

test_expect_success 'the file and the description: in the metrics and the history' '
	test_wait_for 120 node_is CCAP201 "$(cat up)" FN-F1 &&
	test_wait_for 60 node_is CCAP201 "$(cat up2)" "$(cat dev.node2)" &&
	test_wait_for 60 open_row_is CCAP201 "$(cat up)" "FN-F1 file" &&
	test_wait_for 60 open_row_is CCAP201 "$(cat up2)" "$(cat dev.node2) device"
'

test_expect_success 'the file changes: the next refresh closes the old row, opens the new' '
	date +%s >t.change &&
	echo "CCAP201 $(cat up) FN-F2" >nodes.txt &&
	test_wait_for 60 open_row_is CCAP201 "$(cat up)" "FN-F2 file" &&
	date +%s >t.seen &&
	mariadb_sql "SELECT node, valid_to FROM modscan.upstream_nodes WHERE
		     device = \"CCAP201\" AND upstream = \"$(cat up)\" AND
		     valid_to IS NOT NULL" >closed &&
	test_line_count = 1 closed &&
	set -- $(cat closed) &&
	test "$1" = FN-F1 &&
	test "$2" -ge "$(cat t.change)" && test "$2" -le "$(cat t.seen)" &&
	test "$(mariadb_sql "SELECT valid_from FROM modscan.upstream_nodes
			     WHERE device = \"CCAP201\" AND upstream = \"$(cat up)\"
			     AND valid_to IS NULL")" = "$2" &&
	test_wait_for 60 node_is CCAP201 "$(cat up)" FN-F2 &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes WHERE
			     device = \"CCAP201\" AND upstream = \"$(cat up2)\"")" = 1
'

test_expect_success 'a bad line at a refresh: logged with file and line, the map in force kept' '
	printf "CCAP201 %s FN-F9\nCCAP201\n" "$(cat up)" >nodes.txt &&
	test_wait_for 60 grep -q "nodes: NODES_FILE: $TRASH/nodes.txt:2: expected CCAP UPSTREAM NODE \[DESCRIPTION\]; keeping the last good map (1 upstreams)" scan.log &&
	open_row_is CCAP201 "$(cat up)" "FN-F2 file" &&
	node_is CCAP201 "$(cat up)" FN-F2 &&
	kill -0 $SCAN_PID
'

test_expect_success 'the database down: the new map names the node, the history waits' '
	mariadb_stop &&
	echo "CCAP201 $(cat up) FN-F3" >nodes.txt &&
	test_wait_for 60 grep -q "nodes: history not written: .*; retried at the next refresh" scan.log &&
	test_wait_for 60 node_is CCAP201 "$(cat up)" FN-F3
'

test_expect_success 'the database back: the history catches up' '
	mariadb_restart &&
	test_wait_for 60 open_row_is CCAP201 "$(cat up)" "FN-F3 file" &&
	mariadb_sql "SELECT node FROM modscan.upstream_nodes WHERE
		     device = \"CCAP201\" AND upstream = \"$(cat up)\"
		     ORDER BY valid_from" >nodes &&
	printf "FN-F1\nFN-F2\nFN-F3\n" >expect &&
	test_cmp expect nodes
'

test_expect_success 'SIGTERM: stopped' '
	kill -TERM $SCAN_PID &&
	test_wait_for 60 sh -c "! kill -0 $SCAN_PID"
'

test_done
