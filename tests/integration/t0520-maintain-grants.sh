#!/bin/sh
test_description='maintain --init checks its grants first and lists every missing one in one message'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }

test_expect_success 'a user with SELECT and INSERT only: one line naming the rest, nothing changed, exit 1' '
	mariadb_sql "CREATE USER '\''few'\''@'\''127.0.0.1'\'' IDENTIFIED BY '\''pw'\'';
		GRANT SELECT, INSERT ON modscan.* TO '\''few'\''@'\''127.0.0.1'\''" &&
	DB_USER=few DB_PASSWORD=pw DB_SOCKET= \
		test_expect_code 1 modscan maintain --init >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan maintain: database user .few.@.127.0.0.1. lacks UPDATE, DELETE, CREATE, DROP, ALTER, CREATE VIEW on .modscan. (nothing was changed); as an administrator: GRANT UPDATE, DELETE, CREATE, DROP, ALTER, CREATE VIEW ON \`modscan\`.\* TO .few.@.127.0.0.1.$" err &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = '\''modscan'\''")" = 0
'

test_expect_success 'the GRANT it names is enough: --init then succeeds' '
	grant=$(sed -n "s/.*as an administrator: //p" err) &&
	mariadb_sql "$grant" &&
	DB_USER=few DB_PASSWORD=pw DB_SOCKET= modscan maintain --init >out &&
	test_grep "^schema version 3 (was 0)$" out
'

test_expect_success 'a user with ALL PRIVILEGES on the database passes the check' '
	modscan maintain --init >out &&
	test_grep "^schema version 3 (was 3)$" out
'

test_done
