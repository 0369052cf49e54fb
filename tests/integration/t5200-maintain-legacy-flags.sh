#!/bin/sh
test_description='maintain: the old maintenance script'\''s command lines (bare, --analyse, --dry-run alone, --force, --table T)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
SPOOL_DIR=$TRASH/spool
export SPOOL_DIR

# partitions: the day partitions of samples, in order.
partitions() {
	mariadb_sql "SELECT PARTITION_NAME FROM information_schema.PARTITIONS
		WHERE TABLE_SCHEMA = 'modscan' AND TABLE_NAME = 'samples'
		ORDER BY PARTITION_ORDINAL_POSITION" | tr '\n' ' '
}

test_expect_success 'setup: a day partition and a device scan 20 days old' '
	modscan maintain --init >/dev/null &&
	today=$(($(date +%s) / 86400 * 86400)) &&
	mariadb_sql "ALTER TABLE modscan.samples REORGANIZE PARTITION p_old INTO
		(PARTITION p_old VALUES LESS THAN ($((today - 21 * 86400))),
		 PARTITION p_twenty VALUES LESS THAN ($((today - 20 * 86400))),
		 PARTITION p_recent VALUES LESS THAN ($today));
		INSERT INTO modscan.samples VALUES
		(\"CCAP001\", \"us1\", $((today - 20 * 86400 - 600)), 202, \"QAM64\");
		INSERT INTO modscan.device_scans (run_id, device, started_ms,
		ended_ms, outcome) VALUES (\"r\", \"CCAP001\",
		$(((today - 20 * 86400) * 1000)), 1, \"ok\")" &&
	partitions >before &&
	test_grep "p_twenty" before
'

test_expect_success 'bare maintain is maintain --status' '
	modscan maintain >bare &&
	modscan maintain --status >status &&
	test_grep "^schema version: 3" bare &&
	test_cmp status bare
'

test_expect_success '--analyse is --analyze' '
	modscan maintain --analyse >analyse &&
	modscan maintain --analyze >analyze &&
	test_grep "^auto_increment device_scans.id" analyze &&
	test_cmp analyze analyse
'

test_expect_success '--dry-run alone: the statements of --full, nothing changed' '
	modscan maintain --dry-run >dry &&
	test_grep "^ALTER TABLE samples DROP PARTITION p_twenty" dry &&
	test_grep "^DELETE FROM device_scans" dry &&
	test_grep "^ANALYZE TABLE samples, device_scans" dry &&
	test_grep "^OPTIMIZE TABLE device_scans" dry &&
	partitions >after &&
	test_cmp before after &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans")" = 1
'

test_expect_success '--status --table T shows T only' '
	modscan maintain --status --table device_scans >one &&
	test_grep "^table device_scans " one &&
	test_grep -v "^table samples " one &&
	test_grep -v "^partitions: [1-9]" one &&
	test_expect_code 1 modscan maintain --status --table nosuch 2>err &&
	test_grep "^modscan maintain: no table .nosuch." err
'

test_expect_success '--full --table T --dry-run: ANALYZE and OPTIMIZE of T' '
	modscan maintain --full --table device_scans --dry-run --days 8 >dry &&
	test_grep "^ANALYZE TABLE device_scans;$" dry &&
	test_grep "^OPTIMIZE TABLE device_scans;$" dry &&
	test_grep -v "DROP PARTITION" dry
'

test_expect_success '--cleanup --table device_scans leaves the samples alone' '
	modscan maintain --cleanup --table device_scans --days 8 >out &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans")" = 0 &&
	partitions >after &&
	test_cmp before after
'

test_expect_success '--cleanup --table of a table without retention: exit 1' '
	test_expect_code 1 modscan maintain --cleanup --table schema_version 2>err &&
	test_grep "schema_version. has no retention" err
'

test_expect_success '--cleanup --force --table samples (the old hour override) drops it' '
	modscan maintain --cleanup --force --table samples --days 8 >out &&
	test_grep "dropped 1 day partitions" out &&
	partitions >after &&
	test_grep -v p_twenty after &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = 0
'

test_expect_success 'the help lists each legacy spelling on one line' '
	modscan maintain --help >help &&
	test_grep "^  maintain  *= maintain --status$" help &&
	test_grep "^  maintain --analyse  *= maintain --analyze$" help &&
	test_grep "^  maintain --dry-run  *= maintain --full --dry-run$" help &&
	test_grep "^  maintain --force " help &&
	test_grep "^  maintain --table T " help &&
	modscan --help >top &&
	test_grep "^  modscan maintain --analyse " top &&
	test_grep "^  modscan watchdog --check " top &&
	test_grep "^  modscan report --web-only " top
'

test_done
