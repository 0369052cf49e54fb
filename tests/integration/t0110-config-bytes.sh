#!/bin/sh
test_description='config values holding a NUL byte or bytes that are not UTF-8: exit 2, one line'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'a NUL byte in a value: exit 2, one line naming file:line and key' '
	printf "DB_HOST=h\nDB_NAME=mod\000scan\n" >nul.conf &&
	test_expect_code 2 modscan --check-config --config nul.conf >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan --check-config: nul.conf:2: DB_NAME: the value holds a NUL byte$" err
'

test_expect_success 'a NUL byte in a quoted secret: exit 2, the secret not echoed' '
	printf "DB_PASSWORD=\"s3c\000ret\"\n" >nuls.conf && chmod 600 nuls.conf &&
	test_expect_code 2 modscan --check-config --config nuls.conf >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan --check-config: nuls.conf:1: DB_PASSWORD: the value holds a NUL byte$" err &&
	! grep -q s3c err
'

test_expect_success 'a value that is not UTF-8 (Latin-1 e-acute): exit 2, one line' '
	printf "DB_HOST=h\nDB_NAME=caf\351\n" >latin1.conf &&
	test_expect_code 2 modscan --check-config --config latin1.conf >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan --check-config: latin1.conf:2: DB_NAME: the value is not valid UTF-8$" err
'

test_expect_success 'overlong, surrogate and truncated sequences are refused too' '
	for v in "\300\257" "\355\240\200" "\342\202" "\370\210\200\200\200" "\364\220\200\200"; do
		printf "DB_NAME=a${v}b\n" >bad.conf &&
		test_expect_code 2 modscan --check-config --config bad.conf 2>err &&
		test_grep "DB_NAME: the value is not valid UTF-8$" err || return 1
	done
'

test_expect_success 'a value from the environment that is not UTF-8: exit 2' '
	DB_NAME=$(printf "caf\351") &&
	export DB_NAME &&
	test_expect_code 2 modscan --check-config >out 2>err &&
	unset DB_NAME &&
	test_line_count = 1 err &&
	test_grep "^modscan --check-config: environment: DB_NAME: the value is not valid UTF-8$" err
'

test_expect_success 'valid UTF-8 of every length is accepted' '
	printf "DB_NAME=\"caf\303\251 \342\202\254 \360\237\223\241\"\n" >utf8.conf &&
	modscan --check-config --config utf8.conf >out 2>err &&
	test_line_count = 0 err &&
	test_grep "^DB_NAME=" out
'

test_done
