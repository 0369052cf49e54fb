#!/bin/sh
test_description='maintain --import-legacy: legacy rows move into samples, the old table is kept, the view replaces it'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }

test_expect_success 'setup: a legacy modulation_new table with 3 days of rows' '
	mariadb_sql "CREATE TABLE modscan.modulation_new (
		id INT AUTO_INCREMENT PRIMARY KEY, cmts VARCHAR(50),
		upstream VARCHAR(50), modulation VARCHAR(10), timestamp DATETIME);
		CREATE TABLE modscan.lastupdatemodulation (stamp INT);
		INSERT INTO modscan.lastupdatemodulation VALUES (1700000000);
		INSERT INTO modscan.modulation_new (cmts, upstream, modulation, timestamp) VALUES
		(\"CCAP001\", \"1/0/0\", \"QAM64\", NOW() - INTERVAL 2 DAY),
		(\"CCAP001\", \"1/0/0\", \"QAM16\", NOW() - INTERVAL 1 DAY),
		(\"CCAP101\", \"upstream 3\", \"QPSK\", NOW() - INTERVAL 1 DAY),
		(\"CCAP201\", \"Cable1/0/0-us0\", \"weird\", NOW() - INTERVAL 30 MINUTE)"
'

test_expect_success '--init leaves the legacy table alone and says why' '
	modscan maintain --init >out &&
	test_grep "legacy table modulation_new exists; run --import-legacy" out &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.modulation_new")" = 4
'

test_expect_success '--import-legacy --dry-run prints the rename and copy only' '
	modscan maintain --import-legacy --dry-run >out &&
	test_grep "^RENAME TABLE .modulation_new. TO .modulation_new_legacy_[0-9]*." out &&
	test_grep "^INSERT INTO samples" out &&
	test "$(mariadb_sql "SELECT TABLE_TYPE FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = '\''modscan'\'' AND TABLE_NAME = '\''modulation_new'\''")" = "BASE TABLE"
'

test_expect_success '--import-legacy moves the rows and keeps the table' '
	modscan maintain --import-legacy >out &&
	test_grep "imported 4 legacy rows" out &&
	legacy=$(mariadb_sql "SELECT TABLE_NAME FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = '\''modscan'\'' AND TABLE_NAME LIKE '\''modulation_new_legacy_%'\''") &&
	test -n "$legacy" &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.$legacy")" = 4 &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = 4 &&
	test "$(mariadb_sql "SELECT TABLE_TYPE FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = '\''modscan'\'' AND TABLE_NAME = '\''modulation_new'\''")" = VIEW
'

test_expect_success 'the view shows the legacy rows as they were (UNKNOWN for junk)' '
	mariadb_sql "SELECT cmts, upstream, modulation, timestamp FROM modscan.modulation_new
		ORDER BY cmts, timestamp" >new &&
	legacy=$(mariadb_sql "SELECT TABLE_NAME FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = '\''modscan'\'' AND TABLE_NAME LIKE '\''modulation_new_legacy_%'\''") &&
	mariadb_sql "SELECT cmts, upstream, IF(modulation = \"weird\", \"UNKNOWN\", modulation),
		timestamp FROM modscan.$legacy ORDER BY cmts, timestamp" >old &&
	test_cmp old new
'

test_expect_success 'day partitions were made for the imported days' '
	d=$(date -u -d "-2 days" +%Y%m%d) &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM information_schema.PARTITIONS
		WHERE TABLE_SCHEMA = '\''modscan'\'' AND TABLE_NAME = '\''samples'\''
		AND PARTITION_NAME = '\''p$d'\''")" = 1
'

test_expect_success 'the legacy lastupdatemodulation table is kept as it was' '
	test "$(mariadb_sql "SELECT stamp FROM modscan.lastupdatemodulation")" = 1700000000
'

test_expect_success 'a second --import-legacy finds nothing to move' '
	modscan maintain --import-legacy >out &&
	test_grep "imported 0 legacy rows" out &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = 4
'

test_done
