#!/bin/sh
test_description='status --serve: 64 parallel clients lose no request; 200 slowloris connections do not lock out /health'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-watch.sh"

CONF=$TRASH/s.conf
watch_conf "$CONF"
LOAD=$TEST_DIR/http-load.py

test_expect_success 'start status --serve' '
	port=$(test_free_port) &&
	echo "$port" >port &&
	{ "$MODSCAN" status --serve "127.0.0.1:$port" --config "$CONF" >serve.out 2>&1 & } &&
	echo $! >serve.pid &&
	test_wait_for 10 grep -q "^serving /health and /metrics on http://127.0.0.1:$port$" serve.out
'
PORT=$(cat port 2>/dev/null || echo 0)
test_atexit "kill $(cat serve.pid 2>/dev/null || echo 0)"

test_expect_success '64 parallel clients x 100 requests: every one answered' '
	/usr/bin/python3 "$LOAD" "$PORT" load 64 100 >load.out &&
	cat load.out &&
	test_grep "^sent=6400 answered=6400 failed=0 " load.out
'

test_expect_success '200 idle slowloris connections: /health still answers' '
	/usr/bin/python3 "$LOAD" "$PORT" slowloris 200 20 >slow.out &&
	cat slow.out &&
	test_grep "^idle=200 held=[0-9]* checks=20 answered=20 " slow.out
'

test_expect_success 'the server is still running and answering' '
	kill -0 "$(cat serve.pid)" &&
	/usr/bin/python3 "$LOAD" "$PORT" load 1 1 >one.out &&
	test_grep "^sent=1 answered=1 failed=0 " one.out
'

test_done
