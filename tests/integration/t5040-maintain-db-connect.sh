#!/bin/sh
test_description='database connection: TCP, socket, TLS required and verified, TLS refused'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
SOCK=$DB_SOCKET
unset DB_SOCKET

test_expect_success 'TCP to 127.0.0.1 (forced, not the socket)' '
	modscan maintain --status >out 2>err &&
	test_grep "^database: 127.0.0.1:$DB_PORT, no TLS" out &&
	test_grep "^schema version: 0" out
'

test_expect_success 'the Unix socket when DB_SOCKET is set' '
	DB_SOCKET=$SOCK modscan maintain --status >out &&
	test_grep "^database: socket $SOCK, no TLS" out
'

test_expect_success 'TLS required by a server without TLS: one clear line, exit 1' '
	DB_TLS=required test_expect_code 1 modscan maintain --status >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan maintain: database: cannot connect to 127.0.0.1:$DB_PORT: .*\(SSL\|TLS\)" err
'

mariadb_tls_files && mariadb_restart || { echo "Bail out! no TLS server"; exit 1; }

test_expect_success 'TLS required: the session is encrypted' '
	DB_TLS=required modscan maintain --status >out &&
	test_grep "^database: 127.0.0.1:$DB_PORT, TLS [A-Z0-9_-]" out
'

test_expect_success 'TLS verified against the CA the test made' '
	DB_TLS=verify DB_TLS_CA=$MS_DB_TLS_CA modscan maintain --status >out &&
	test_grep "TLS [A-Z0-9_-]" out
'

test_expect_success 'TLS verify against another CA fails with one line' '
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other \
		-keyout other.key -out other.pem 2>/dev/null &&
	DB_TLS=verify DB_TLS_CA=$TRASH/other.pem \
		test_expect_code 1 modscan maintain --status >out 2>err &&
	test_line_count = 1 err &&
	test_grep "cannot connect to 127.0.0.1:$DB_PORT: .*" err
'

test_expect_success 'TLS off still works where the server offers TLS' '
	DB_TLS=off modscan maintain --status >out &&
	test_grep "no TLS" out
'

test_expect_success 'a CA file that does not exist is a configuration error' '
	DB_TLS=verify DB_TLS_CA=$TRASH/nope.pem \
		test_expect_code 2 modscan maintain --status 2>err &&
	test_line_count = 1 err &&
	test_grep "TLS CA file .*nope.pem" err
'

test_done
