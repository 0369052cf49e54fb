#!/bin/sh
test_description='maintain --init: versioned, idempotent, safe when two run at once; --dry-run'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }

schema() {
	for t in $(mariadb_sql "SELECT TABLE_NAME FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = 'modscan' ORDER BY TABLE_NAME"); do
		mariadb_sql "SHOW CREATE TABLE modscan.$t" |
			sed 's/AUTO_INCREMENT=[0-9]* //'
	done
}

test_expect_success '--dry-run on an empty database prints the DDL, changes nothing' '
	modscan maintain --init --dry-run >out &&
	test_grep "^CREATE TABLE IF NOT EXISTS samples" out &&
	test_grep "PARTITION BY RANGE (ts)" out &&
	test_grep "PARTITION p_future VALUES LESS THAN MAXVALUE" out &&
	test_grep "CREATE OR REPLACE SQL SECURITY INVOKER VIEW modulation_new" out &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = '\''modscan'\''")" = 0
'

test_expect_success '--init creates the schema at version 3' '
	modscan maintain --init >out &&
	test_grep "^schema version 3 (was 0)" out &&
	test "$(mariadb_sql "SELECT GROUP_CONCAT(version ORDER BY version)
		FROM modscan.schema_version")" = 1,2,3 &&
	for t in samples device_scans schema_version lastupdatemodulation \
		 modulation_new upstream_nodes scan_instances scan_leases; do
		mariadb_sql "SELECT 1 FROM modscan.$t LIMIT 0" || return 1
	done &&
	test "$(mariadb_sql "SELECT TABLE_TYPE FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = '\''modscan'\'' AND TABLE_NAME = '\''modulation_new'\''")" = VIEW
'

test_expect_success 'partitions for today and the next 3 days, plus catch-alls' '
	today=$(date -u +%Y%m%d) &&
	mariadb_sql "SELECT PARTITION_NAME FROM information_schema.PARTITIONS
		WHERE TABLE_SCHEMA = '\''modscan'\'' AND TABLE_NAME = '\''samples'\''
		ORDER BY PARTITION_ORDINAL_POSITION" >parts &&
	test_line_count = 6 parts &&
	test "$(sed -n 1p parts)" = p_old &&
	test "$(sed -n 2p parts)" = "p$today" &&
	test "$(sed -n 6p parts)" = p_future
'

test_expect_success '--init twice gives the same schema' '
	schema >before &&
	modscan maintain --init >out &&
	test_grep "^schema version 3 (was 3)" out &&
	schema >after &&
	test_cmp before after
'

test_expect_success 'an insert far in the future or past still lands (catch-alls)' '
	mariadb_sql "INSERT INTO modscan.samples VALUES
		(\"A\", \"u\", 4102444800, 1, \"QAM64\"),
		(\"A\", \"u\", 86400, 1, \"QPSK\")" &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.modulation_new")" = 2
'

test_expect_success 'two --init at once on a fresh database both succeed' '
	mariadb_sql "CREATE DATABASE m2;
		GRANT ALL ON m2.* TO modscan@127.0.0.1, modscan@localhost" &&
	{ DB_NAME=m2 modscan maintain --init >o1 2>e1 & } &&
	p1=$! &&
	{ DB_NAME=m2 modscan maintain --init >o2 2>e2 & } &&
	p2=$! &&
	wait $p1 && wait $p2 &&
	cat o1 o2 e1 e2 &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM m2.schema_version")" = 3 &&
	DB_NAME=m2 schema_db=m2 modscan maintain --status >st &&
	test_grep "^schema version: 3" st
'

test_expect_success '--init brings a version 1 database to version 3' '
	mariadb_sql "CREATE DATABASE m3;
		GRANT ALL ON m3.* TO modscan@127.0.0.1, modscan@localhost" &&
	DB_NAME=m3 modscan maintain --init >/dev/null &&
	mariadb_sql "DROP TABLE m3.upstream_nodes, m3.scan_instances,
			m3.scan_leases;
		ALTER TABLE m3.device_scans DROP COLUMN instance;
		DELETE FROM m3.schema_version WHERE version > 1" &&
	DB_NAME=m3 modscan maintain --init >out &&
	test_grep "^schema version 3 (was 1)" out &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = '\''m3'\'' AND TABLE_NAME = '\''device_scans'\''
		AND COLUMN_NAME = '\''instance'\''")" = 1 &&
	mariadb_sql "SELECT 1 FROM m3.scan_leases LIMIT 0"
'

test_expect_success '--dry-run on an initialised database prints nothing to change' '
	modscan maintain --init --dry-run >out &&
	test_grep -v "CREATE TABLE" out &&
	test_grep -v "REORGANIZE" out
'

test_expect_success 'a new day: --init adds the partition ahead, in a dry run too' '
	mariadb_sql "ALTER TABLE modscan.samples DROP PARTITION p$(date -u -d +3days +%Y%m%d)" &&
	modscan maintain --init --dry-run >out &&
	test_grep "REORGANIZE PARTITION p_future INTO (PARTITION p$(date -u -d +3days +%Y%m%d) " out &&
	modscan maintain --init &&
	schema >again &&
	test_cmp before again
'

test_done
