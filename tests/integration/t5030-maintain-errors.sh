#!/bin/sh
test_description='maintain: wrong credentials, unknown database, option files, server down'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
unset DB_SOCKET

test_expect_success 'wrong password: one line naming the cause, exit 1' '
	DB_PASSWORD=wrong test_expect_code 1 modscan maintain --status 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan maintain: database: cannot connect to 127.0.0.1:$DB_PORT: Access denied for user .modscan.@.127.0.0.1." err
'

test_expect_success 'unknown database: one line, exit 1' '
	DB_NAME=nosuch test_expect_code 1 modscan maintain --status 2>err &&
	test_line_count = 1 err &&
	test_grep "cannot connect to 127.0.0.1:$DB_PORT: .*nosuch" err
'

test_expect_success 'a missing option file: one line, exit 2, no connection tried' '
	DB_OPTION_FILE=$TRASH/nope.cnf test_expect_code 2 modscan maintain --status 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan maintain: database: option file .*nope.cnf: No such file" err
'

test_expect_success 'an option file provides host, port and credentials' '
	printf "[client]\nhost=127.0.0.1\nport=%s\nuser=modscan\npassword=%s\ndatabase=modscan\n" \
		"$DB_PORT" "$DB_PASSWORD" >my.cnf &&
	chmod 600 my.cnf &&
	(unset DB_HOST DB_PORT DB_USER DB_PASSWORD DB_NAME &&
	 DB_OPTION_FILE=$TRASH/my.cnf modscan maintain --status >out) &&
	test_grep "^schema version: 0" out
'

test_expect_success 'an option file group other than [client]' '
	printf "[modscan]\nuser=modscan\npassword=%s\nport=%s\nhost=127.0.0.1\n" \
		"$DB_PASSWORD" "$DB_PORT" >grp.cnf &&
	(unset DB_HOST DB_PORT DB_USER DB_PASSWORD &&
	 DB_OPTION_FILE=$TRASH/grp.cnf DB_OPTION_GROUP=modscan \
		modscan maintain --status >out) &&
	test_grep "^schema version: 0" out
'

test_expect_success 'configuration beats the option file for keys it sets' '
	(unset DB_HOST DB_PORT &&
	 DB_OPTION_FILE=$TRASH/my.cnf DB_PASSWORD=wrong \
		test_expect_code 1 modscan maintain --status 2>err) &&
	test_grep "Access denied" err
'

test_expect_success 'a revoked grant: a clear error, exit 1' '
	modscan maintain --init >/dev/null &&
	mariadb_sql "REVOKE DELETE ON modscan.* FROM modscan@127.0.0.1" &&
	test_expect_code 1 modscan maintain --cleanup --days 1 2>err;
	mariadb_sql "GRANT DELETE ON modscan.* TO modscan@127.0.0.1" &&
	cat err && test_line_count = 1 err &&
	test_grep -i "denied" err
'

test_expect_success 'server down: one line, exit 1, within the connect timeout' '
	mariadb_stop &&
	test_expect_code 1 modscan maintain --status 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan maintain: database: cannot connect to 127.0.0.1:$DB_PORT: " err
'

test_expect_success 'server down over TCP: "connection refused", not an errno number' '
	DB_SOCKET= test_expect_code 1 modscan maintain --status 2>err &&
	test_grep "^modscan maintain: database: cannot connect to 127.0.0.1:$DB_PORT: connection refused$" err
'

test_done
