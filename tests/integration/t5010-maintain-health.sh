#!/bin/sh
test_description='maintain --status, --analyze, --cleanup, --reset-id, --full, --json, --dry-run'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
SPOOL_DIR=$TRASH/spool
export SPOOL_DIR

test_expect_success 'setup: schema, samples of today, a device scan' '
	modscan maintain --init >/dev/null &&
	now=$(date +%s) &&
	mariadb_sql "INSERT INTO modscan.samples VALUES
		(\"CCAP001\", \"us1\", $((now - 100)), 202, \"QAM64\"),
		(\"CCAP001\", \"us1\", $((now - 50)), 204, \"QAM16\");
		INSERT INTO modscan.device_scans (run_id, device, started_ms,
		ended_ms, outcome) VALUES (\"r\", \"CCAP001\", 1, 2, \"ok\")"
'

test_expect_success '--status: version, tables, samples, partitions, spool' '
	mkdir -m 700 spool && printf x >spool/spool-0000000000000001.log &&
	modscan maintain --status >out &&
	test_grep "^schema version: 3" out &&
	test_grep "^table samples .* rows" out &&
	test_grep "^table modulation_new  *view" out &&
	test_grep "^samples: oldest $(date -u +%Y-%m-%d)T" out &&
	test_grep "^partitions: 6 (p_old p" out &&
	test_grep "^spool: 1 files, 1 bytes in $SPOOL_DIR" out
'

test_expect_success '--status --json is valid JSON with the same facts' '
	modscan maintain --status --json >out.json &&
	/usr/bin/python3 -c "import json,sys; d=json.load(open(\"out.json\"))
assert d[\"schema_version\"] == 3, d
assert d[\"spool\"][\"files\"] == 1, d
assert len(d[\"partitions\"]) == 6, d
assert d[\"samples\"][\"oldest\"] > 0, d
assert any(t[\"name\"] == \"samples\" for t in d[\"tables\"]), d"
'

test_expect_success '--analyze: device_scans id usage, ok, exit 0' '
	modscan maintain --analyze >out &&
	test_grep "^auto_increment device_scans.id (bigint(20) unsigned): next 2, 0.00 % used, ok" out
'

test_expect_success '--analyze: 80 % is a warning, exit 0' '
	mariadb_sql "CREATE TABLE modscan.small (id TINYINT UNSIGNED
		AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT=210" &&
	modscan maintain --analyze >out &&
	test_grep "^auto_increment small.id (tinyint(3) unsigned): next 210, 81.96 % used, warning" out
'

test_expect_success '--analyze: 95 % is critical, exit 1; JSON says so' '
	mariadb_sql "ALTER TABLE modscan.small AUTO_INCREMENT=250" &&
	test_expect_code 1 modscan maintain --analyze >out &&
	test_grep "small.id .* critical" out &&
	test_expect_code 1 modscan maintain --analyze --json >out.json &&
	/usr/bin/python3 -c "import json; d=json.load(open(\"out.json\"))
assert d[\"level\"] == \"critical\", d
t = [t for t in d[\"tables\"] if t[\"name\"] == \"small\"][0]
assert t[\"level\"] == \"critical\" and t[\"used_pct\"] > 95, t"
'

test_expect_success '--reset-id refuses a table with rows' '
	test_expect_code 1 modscan maintain --reset-id --table device_scans 2>err &&
	test_grep "device_scans has rows; not resetting" err &&
	test_line_count = 1 err
'

test_expect_success '--reset-id on an empty table, --dry-run first' '
	modscan maintain --reset-id --table small --dry-run >out &&
	test_grep "^ALTER TABLE .small. AUTO_INCREMENT = 1;$" out &&
	test "$(mariadb_sql "SELECT AUTO_INCREMENT FROM information_schema.TABLES
		WHERE TABLE_NAME = '\''small'\''")" = 250 &&
	modscan maintain --reset-id --table small &&
	test "$(mariadb_sql "SELECT AUTO_INCREMENT FROM information_schema.TABLES
		WHERE TABLE_NAME = '\''small'\''")" = 1
'

test_expect_success '--reset-id --force on a table with rows keeps the rows' '
	modscan maintain --reset-id --table device_scans --force &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans")" = 1
'

test_expect_success '--reset-id: bad or unknown table names' '
	test_expect_code 2 modscan maintain --reset-id --table "x;drop" 2>err &&
	test_grep "is not a table name" err &&
	test_expect_code 1 modscan maintain --reset-id --table nosuch 2>err &&
	test_grep "nosuch does not exist" err &&
	test_expect_code 2 modscan maintain --reset-id 2>err &&
	test_grep "needs --table" err
'

test_expect_success 'setup: day partitions for the last 20 days, old samples' '
	today=$(( $(date +%s) / 86400 )) old=$((today - 20)) &&
	parts="PARTITION p_old VALUES LESS THAN ($((old * 86400)))" &&
	for d in $(seq $old $((today - 1))); do
		parts="$parts, PARTITION p$(date -u -d @$((d * 86400)) +%Y%m%d) VALUES LESS THAN ($(((d + 1) * 86400)))"
	done &&
	mariadb_sql "ALTER TABLE modscan.samples REORGANIZE PARTITION p_old INTO ($parts);
		INSERT INTO modscan.samples VALUES
		(\"CCAP002\", \"us1\", $((old * 86400 + 5)), 202, \"QAM64\"),
		(\"CCAP002\", \"us1\", 1000, 202, \"QAM64\");
		INSERT INTO modscan.device_scans (run_id, device, started_ms,
		ended_ms, outcome) VALUES (\"r\", \"CCAP002\", $((old * 86400000)), 2, \"ok\")" &&
	echo $old >old
'

test_expect_success '--cleanup --dry-run prints the drops, changes nothing' '
	old=$(cat old) &&
	modscan maintain --cleanup --dry-run >out &&
	test_grep "^ALTER TABLE samples DROP PARTITION p$(date -u -d @$((old * 86400)) +%Y%m%d), p" out &&
	test_grep "^ALTER TABLE samples TRUNCATE PARTITION p_old;" out &&
	test_grep "^DELETE FROM device_scans WHERE started_ms < [0-9]* LIMIT 10000; -- repeated" out &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = 4
'

test_expect_success '--cleanup drops old day partitions, keeps recent samples' '
	modscan maintain --cleanup >out &&
	test_grep "dropped 12 day partitions, deleted 2 device scans" out &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = 2 &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM information_schema.PARTITIONS
		WHERE TABLE_SCHEMA = '\''modscan'\'' AND TABLE_NAME = '\''samples'\''")" = 14
'

test_expect_success '--cleanup --days 1 keeps today, --days 0 is a usage error' '
	modscan maintain --cleanup --days 1 >out &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = 2 &&
	test_expect_code 2 modscan maintain --cleanup --days 0 2>err &&
	test_grep "days" err
'

test_expect_success '--full: analyze, cleanup, optimize; critical still exits 1' '
	mariadb_sql "ALTER TABLE modscan.small AUTO_INCREMENT=250" &&
	test_expect_code 1 modscan maintain --full >out &&
	test_grep "^cleanup: kept 8 days" out &&
	test_grep "small.id" out &&
	mariadb_sql "DROP TABLE modscan.small" &&
	modscan maintain --full >out
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 modscan maintain --frob 2>err &&
	test_expect_code 2 modscan maintain --status extra 2>err
'

T_MAINTAIN=$SRC_DIR/build/asan/tests/t_maintain
test -x "$T_MAINTAIN" && test_set_prereq T_MAINTAIN

test_expect_success T_MAINTAIN 'lib/maintain unit tests pass against the server' '
	MS_TEST_DB_PORT=$DB_PORT "$T_MAINTAIN" >out 2>&1; rc=$?
	cat out &&
	test_grep -v "^not ok" out &&
	test_grep -v "# skip" out &&
	test_grep "^1\.\.[1-9]" out &&
	test $rc = 0
'

test_done
