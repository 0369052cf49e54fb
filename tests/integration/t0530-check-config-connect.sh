#!/bin/sh
test_description='--check-config --connect: the database, one SSH device, the mail server and the deploy target, each said ok or why not'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-smtp.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
ccapsim_start --devices 2 --family mix --upstreams 3 --seed 5
smtp_start --starttls --auth

test_expect_success 'all four answer: four ok lines, exit 0, no mail sent' '
	scan_config && cat "$SMTP_CONF" >>scan.conf &&
	mkdir www && echo "DEPLOY_TARGET=$TRASH/www" >>scan.conf &&
	first=$(awk "NR == 1 { print \$1 }" "$CCAPSIM_INV") &&
	host=$(awk "NR == 1 { print \$2 \":\" \$3 }" "$CCAPSIM_INV") &&
	modscan --check-config --connect --config scan.conf >out 2>err &&
	test_line_count = 0 err &&
	test_line_count = 4 out &&
	test_grep "^database .*: ok: logged in, schema version 0 (run maintain --init)$" out &&
	test_grep "^ssh $first $host: ok: logged in, family [a-z0-9]*, 3 channels$" out &&
	test_grep "^smtp localhost:$SMTP_PORT_N: ok: the server accepts us (AUTH)$" out &&
	test_grep "^deploy $TRASH/www: ok: a writable directory$" out &&
	test "$(ls "$SMTP_DIR" | wc -l)" = 0
'

test_expect_success '--device NAME tries that device' '
	second=$(awk "NR == 2 { print \$1 }" "$CCAPSIM_INV") &&
	modscan --check-config --connect --device "$second" --config scan.conf >out &&
	test_grep "^ssh $second .*: ok: logged in" out
'

test_expect_success 'each failure says which and why: exit 1' '
	closed=$(test_free_port) &&
	sed -e "s/^SMTP_PORT=.*/SMTP_PORT=$closed/" \
	    -e "s|^DEPLOY_TARGET=.*|DEPLOY_TARGET=$TRASH/nowhere|" scan.conf >bad.conf &&
	chmod 600 bad.conf &&
	DB_PORT=$closed DB_SOCKET= test_expect_code 1 modscan --check-config \
		--connect --device NOSUCH --config bad.conf >out 2>err &&
	test_grep "^database 127.0.0.1:$closed: FAILED: database: cannot connect to 127.0.0.1:$closed: connection refused$" out &&
	test_grep "^ssh NOSUCH: FAILED: no device .NOSUCH. in " out &&
	test_grep "^smtp localhost:$closed: FAILED: .*[Cc]onnection refused" out &&
	test_grep "^deploy $TRASH/nowhere: FAILED: .*nowhere. is not a directory we can write: No such file or directory$" out &&
	test_grep "^modscan --check-config: 4 of 4 failed$" err
'

test_expect_success 'a wrong SSH password names the device and the refusal' '
	first=$(awk "NR == 1 { print \$1 }" "$CCAPSIM_INV") &&
	sed "s/^SSH_PASSWORD=.*/SSH_PASSWORD=wrong/" scan.conf >pw.conf &&
	chmod 600 pw.conf &&
	test_expect_code 1 modscan --check-config --connect --config pw.conf >out 2>err &&
	test_grep "^ssh $first .*: FAILED: failed: authentication rejected by " out
'

test_expect_success '--device without --connect is a usage error' '
	test_expect_code 2 modscan --check-config --device x --config scan.conf 2>err &&
	test_grep "device goes with --connect" err
'

test_done
