#!/bin/sh
test_description='status: the fleet view (instances, unserved groups, a database that is down) in text, JSON, Prometheus and Nagios, from rows written by SQL'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-watch.sh"

mariadb_start

if command -v promtool >/dev/null 2>&1; then
	test_set_prereq PROMTOOL
fi

CONF=$TRASH/fleet.conf
mkdir -p run && chmod 700 run
printf 'RUN_DIR=%s\nLOG_FILE=%s\n' "$TRASH/run" "$TRASH/fleet.log" >"$CONF"
chmod 600 "$CONF"

NOW='CAST(ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000) AS SIGNED)'

# Four instances, lapse 90 s: alpha (north and the devices without a
# group, "-") and charlie (east,north) renewed seconds ago, bravo (south)
# 10 minutes ago: lapsed; delta (all) left cleanly.  Fourteen devices:
# north N01-N05 (alpha leases two and scanned N03 last, charlie leases
# two), south S01-S04 (bravo leases two and scanned two last), east
# E01-E02 (charlie), no group X01-X03 (alpha, nobody yet, and a holder
# "ghost" with no membership row).
# By hand: south has no live instance, 4 devices unserved; every other
# group is served.  Held (leased or scanned last): alpha 4, bravo 4,
# charlie 4, delta 0.  Devices that would wait for the database: bravo's 4
# and ghost's 1, 5.
test_expect_success 'the schema and the fleet rows' '
	modscan maintain --init --config "$CONF" >/dev/null &&
	mariadb_sql "USE modscan;
	INSERT INTO scan_instances (name, groups, host, pid, started_ms,
		seen_ms, lapse_ms, leased, stopped) VALUES
	(\"alpha\", \"north,-\", \"jh-north\", 101, $NOW - 3600000,
		$NOW - 2000, 90000, 7, 0),
	(\"bravo\", \"south\", \"jh-south\", 102, $NOW - 3600000,
		$NOW - 600000, 90000, 4, 0),
	(\"charlie\", \"east,north\", \"jh-east\", 103, $NOW - 3600000,
		$NOW - 1000, 90000, 5, 0),
	(\"delta\", \"\", \"jh-spare\", 104, $NOW - 3600000,
		$NOW - 1200000, 90000, 0, 1);
	INSERT INTO scan_leases (device, grp, instance, expires_ms,
		scanned_by) VALUES
	(\"N01\", \"north\", \"alpha\", $NOW + 60000, \"\"),
	(\"N02\", \"north\", \"alpha\", $NOW + 60000, \"charlie\"),
	(\"N03\", \"north\", \"\", 0, \"alpha\"),
	(\"N04\", \"north\", \"charlie\", $NOW + 60000, \"\"),
	(\"N05\", \"north\", \"charlie\", $NOW + 60000, \"\"),
	(\"S01\", \"south\", \"bravo\", $NOW - 500000, \"\"),
	(\"S02\", \"south\", \"bravo\", $NOW - 500000, \"\"),
	(\"S03\", \"south\", \"\", 0, \"bravo\"),
	(\"S04\", \"south\", \"\", 0, \"bravo\"),
	(\"E01\", \"east\", \"charlie\", $NOW + 60000, \"\"),
	(\"E02\", \"east\", \"charlie\", $NOW + 60000, \"\"),
	(\"X01\", \"\", \"alpha\", $NOW + 60000, \"\"),
	(\"X02\", \"\", \"\", 0, \"\"),
	(\"X03\", \"\", \"ghost\", $NOW - 500000, \"\");" &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.scan_leases")" = 14
'

test_expect_success 'maintain --fleet writes the view beside the status file and prints it' '
	modscan maintain --fleet --config "$CONF" >out &&
	test -s run/fleet.state &&
	test_grep "^fleet:      4 instances: 2 alive, 1 lapsed, 1 stopped; view of " out &&
	test_grep "^unserved:   group south: 4 devices$" out &&
	test "$(grep -c "^unserved:" out)" = 1
'

test_expect_success 'status: the instances and the unserved group, without a scanner here (exit 1)' '
	test_expect_code 1 modscan status --config "$CONF" >out 2>err &&
	test_grep "^modscan status: the scanner is not running: no status file" err &&
	test_grep "^fleet:      4 instances: 2 alive, 1 lapsed, 1 stopped; " out &&
	test_grep "^  alpha  *alive   groups north,-, host jh-north, seen [0-9]* s before the view, 7 devices leased in the last interval$" out &&
	test_grep "^  bravo  *lapsed  groups south, host jh-south, seen 6[0-9][0-9] s before the view, 4 devices leased in the last interval, 4 devices not taken over yet$" out &&
	test_grep "^  charlie  *alive   groups east,north, host jh-east, seen [0-9]* s before the view, 5 devices leased in the last interval$" out &&
	test_grep "^  delta  *stopped groups all, host jh-spare, seen 1[2-9][0-9][0-9] s before the view, 0 devices leased in the last interval$" out &&
	test_grep "^unserved:   group south: 4 devices$" out &&
	! grep -q "^database:" out
'

# The expected values by hand (above); the seen times from the database.
test_expect_success 'status --json: the fleet object' '
	mariadb_sql "SELECT name, seen_ms FROM modscan.scan_instances" >seen &&
	test_expect_code 1 modscan status --json --config "$CONF" >json &&
	/usr/bin/python3 - json seen <<-\EOP
	import json, sys
	f = json.load(open(sys.argv[1]))["fleet"]
	seen = dict(l.split() for l in open(sys.argv[2]))
	want = {"alpha": ("north,-", "jh-north", 7, 4, "alive"),
	        "bravo": ("south", "jh-south", 4, 4, "lapsed"),
	        "charlie": ("east,north", "jh-east", 5, 4, "alive"),
	        "delta": ("", "jh-spare", 0, 0, "stopped")}
	got = {i["name"]: (i["groups"], i["host"], i["leased"], i["held"],
	                   i["state"]) for i in f["instances"]}
	assert got == want, got
	for i in f["instances"]:
	    assert i["last_seen_ms"] == int(seen[i["name"]]), i
	    assert i["lapse_ms"] == 90000, i
	groups = {g["name"]: (g["devices"], g["unserved"]) for g in f["groups"]}
	assert groups == {"": (3, 0), "east": (2, 0), "north": (5, 0),
	                  "south": (4, 4)}, groups
	assert f["devices_unserved"] == 4, f
	assert f["devices_waiting"] == 5, f
	assert f["database_up"] is True and f["database_down_ms"] == 0, f
	assert f["view_ms"] >= max(int(s) for s in seen.values()), f
	EOP
'

test_expect_success 'status --prometheus: instance and group families' '
	modscan status --prometheus --config "$CONF" >prom &&
	test_grep "^modscan_instance_up{instance=\"alpha\",groups=\"north,-\"} 1$" prom &&
	test_grep "^modscan_instance_up{instance=\"bravo\",groups=\"south\"} 0$" prom &&
	test_grep "^modscan_instance_up{instance=\"charlie\",groups=\"east,north\"} 1$" prom &&
	test_grep "^modscan_instance_up{instance=\"delta\",groups=\"\"} 0$" prom &&
	test_grep "^modscan_instance_leased_devices{instance=\"alpha\"} 7$" prom &&
	test_grep "^modscan_instance_leased_devices{instance=\"charlie\"} 5$" prom &&
	test_grep "^modscan_group_unserved_devices{group=\"south\"} 4$" prom &&
	test_grep "^modscan_group_unserved_devices{group=\"north\"} 0$" prom &&
	test_grep "^modscan_fleet_database_up 1$" prom &&
	test_grep "^modscan_fleet_devices_waiting 5$" prom &&
	mariadb_sql "SELECT seen_ms FROM modscan.scan_instances
		     WHERE name = \"bravo\"" >bravo &&
	/usr/bin/python3 -c "import re, sys
ms = int(open(\"bravo\").read())
v = [float(l.split()[1]) for l in open(\"prom\") if l.startswith(
    \"modscan_instance_last_seen_timestamp_seconds{instance=\\\"bravo\\\"}\")]
assert v == [ms / 1000], (v, ms)" &&
	mkdir textdir && chmod 755 textdir &&
	modscan status --textfile textdir --config "$CONF" &&
	grep "^modscan_instance_\|^modscan_group_\|^modscan_fleet_" prom >a &&
	grep "^modscan_instance_\|^modscan_group_\|^modscan_fleet_" textdir/modscan.prom >b &&
	test_line_count = 19 a &&
	test_cmp a b
'

test_expect_success '/metrics of status --serve: the same fleet families' '
	port=$(test_free_port) &&
	{ "$MODSCAN" status --serve "127.0.0.1:$port" --config "$CONF" >serve.out 2>&1 & } &&
	srv=$! &&
	test_wait_for 10 grep -q "^serving" serve.out &&
	curl -sf -m 10 "http://127.0.0.1:$port/metrics" >http &&
	kill -TERM "$srv" && wait "$srv" &&
	grep "^modscan_instance_\|^modscan_group_\|^modscan_fleet_" http >c &&
	test_cmp a c
'

test_expect_success PROMTOOL 'promtool check metrics: clean' '
	promtool check metrics <prom >lint 2>&1 &&
	test_line_count = 0 lint
'

test_expect_success PROMTOOL 'contrib fleet alert rules: valid, tested, their metrics exported' '
	rules=$SRC_DIR/contrib/prometheus &&
	promtool check rules "$rules/modscan-rules.yml" &&
	(cd "$rules" && promtool test rules modscan-rules.test.yml) &&
	sed -n "/- name: modscan-fleet/,\$p" "$rules/modscan-rules.yml" |
		grep -o "modscan_[a-z0-9_]*" | sort -u >used &&
	test_line_count = 3 used &&
	while read -r m; do
		grep -q "^$m[{ ]" prom || { echo "not exported: $m"; exit 1; }
	done <used
'

test_expect_success 'status --nagios: CRITICAL (2) for the unserved group, the lapsed instance named' '
	test_expect_code 2 modscan status --nagios --config "$CONF" >out &&
	test_line_count = 1 out &&
	test_grep "^MODSCAN CRITICAL - instance bravo lapsed; group south unserved: 4 devices; no scanner here: no status file .* | instances_alive=2;;;0;4 instances_lapsed=1;;;0;4 unserved_devices=4;;;0$" out
'

test_expect_success 'bravo renews: OK (0); a lapsed instance whose group is served: WARNING (1)' '
	mariadb_sql "UPDATE modscan.scan_instances SET seen_ms = $NOW
		     WHERE name = \"bravo\"" &&
	modscan maintain --fleet --config "$CONF" >out &&
	modscan status --nagios --config "$CONF" >out &&
	test_grep "^MODSCAN OK - no scanner here: " out &&
	mariadb_sql "USE modscan;
	INSERT INTO scan_instances (name, groups, host, started_ms, seen_ms,
		lapse_ms, leased) VALUES
	(\"echo\", \"north\", \"jh-echo\", $NOW - 900000, $NOW - 300000,
		90000, 2);
	UPDATE scan_leases SET instance = \"echo\"
		WHERE device IN (\"N04\", \"N05\")" &&
	modscan maintain --fleet --config "$CONF" >out &&
	test_expect_code 1 modscan status --nagios --config "$CONF" >out &&
	test_grep "^MODSCAN WARNING - instance echo lapsed; no scanner here: .* instances_alive=3;;;0;5 instances_lapsed=1;;;0;5 unserved_devices=0;;;0$" out
'

# Waiting at the last view: echo (lapsed) holds N04, N05; ghost X03: 3.
test_expect_success 'the database stops: maintain --fleet fails (1) and marks the last view down' '
	mariadb_stop &&
	test_expect_code 1 modscan maintain --fleet --config "$CONF" >out 2>err &&
	test_grep "^modscan maintain: database: cannot connect to " err &&
	test_expect_code 1 modscan status --config "$CONF" >out 2>err &&
	test_grep "^fleet:      5 instances: 3 alive, 1 lapsed, 1 stopped; " out &&
	test_grep "^database:   down since [0-9T:.+-]* (database: cannot connect to .*); 3 devices wait for it$" out &&
	test_expect_code 1 modscan status --json --config "$CONF" >json &&
	test "$(status_field json fleet.database_up)" = False &&
	test "$(status_field json fleet.devices_waiting)" = 3 &&
	modscan status --prometheus --config "$CONF" >prom &&
	test_grep "^modscan_fleet_database_up 0$" prom &&
	test_grep "^modscan_fleet_devices_waiting 3$" prom &&
	test_expect_code 1 modscan status --nagios --config "$CONF" >out &&
	test_grep "^MODSCAN WARNING - instance echo lapsed; database down: 3 devices wait for it; no scanner here" out
'

test_expect_success 'still down: the time it went down stays' '
	since=$(status_field json fleet.database_down_ms) &&
	test_expect_code 1 modscan maintain --fleet --config "$CONF" 2>err &&
	test_expect_code 1 modscan status --json --config "$CONF" >json2 &&
	test "$(status_field json2 fleet.database_down_ms)" = "$since"
'

test_expect_success 'the database returns: the view is up again' '
	mariadb_restart &&
	modscan maintain --fleet --config "$CONF" >out &&
	! grep -q "^database:" out &&
	test_expect_code 1 modscan status --json --config "$CONF" >json &&
	test "$(status_field json fleet.database_up)" = True &&
	test "$(status_field json fleet.database_down_ms)" = 0
'

test_expect_success 'a damaged view: one error line, exit 1; Nagios UNKNOWN (3)' '
	printf "modscan-fleet 1\nV\tx\n" >run/fleet.state &&
	test_expect_code 1 modscan status --config "$CONF" >out 2>err &&
	test_grep "^modscan status: fleet view: .*fleet.state.: line 2: not a fleet record$" err &&
	test_expect_code 3 modscan status --nagios --config "$CONF" >out &&
	test_grep "^MODSCAN UNKNOWN - fleet view: " out
'

test_done
