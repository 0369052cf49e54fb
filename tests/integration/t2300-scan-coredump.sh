#!/bin/sh
test_description='scan keeps its secrets out of core dumps: RLIMIT_CORE 0 and no core on SIGSEGV/SIGABRT unless MODSCAN_COREDUMP=1'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-watch.sh"

CONF=$TRASH/s.conf
watch_conf "$CONF" "DB_PASSWORD=core-secret-4711" "SSH_PASSWORD=core-secret-4712"

# A real crash writes a core only where core_pattern is a plain file name
# (a pipe to a collector would take it elsewhere); it is global, so it is
# read, never changed.
case $(cat /proc/sys/kernel/core_pattern) in
'|'*|/*) ;;
*) [ "$MODSCAN_FLAVOR" = static ] && test_set_prereq COREFILE ;;
esac

# start_scanner DIR [ENV...]: a scanner running in DIR with a soft core
# limit of unlimited; its pid in DIR/pid.
start_scanner() {
	_d=$1
	shift
	mkdir -p "$_d" && rm -f "$RUN/status.json" || return 1
	(cd "$_d" && ulimit -c unlimited &&
		exec env "$@" "$MODSCAN" scan --config "$CONF" >out 2>&1) &
	echo $! >"$_d/pid" &&
	test_wait_for 20 scanner_healthy "$(cat "$_d/pid")"
}

# core_limit PID: the soft and hard "Max core file size" of PID.
core_limit() {
	sed -n "s/^Max core file size  *\([a-z0-9]*\)  *\([a-z0-9]*\) .*/\1 \2/p" \
		"/proc/$1/limits"
}

test_expect_success 'a running scanner has a core limit of 0, soft and hard' '
	start_scanner a &&
	test "$(core_limit "$(cat a/pid)")" = "0 0" &&
	kill "$(cat a/pid)" &&
	test_wait_for 20 gone "$(cat a/pid)"
'

test_expect_success COREFILE 'SIGSEGV: the scanner dies by the signal and leaves no core' '
	start_scanner a &&
	pid=$(cat a/pid) &&
	kill -SEGV "$pid" &&
	test_wait_for 20 gone "$pid" &&
	wait "$pid"; rc=$? &&
	test "$rc" = 139 &&
	test -z "$(ls a | grep "^core")" &&
	test "$(grep -rl core-secret-47 a | wc -l)" = 0
'
kill "$(cat a/pid)" 2>/dev/null

test_expect_success COREFILE 'SIGABRT: no core either' '
	start_scanner b &&
	pid=$(cat b/pid) &&
	kill -ABRT "$pid" &&
	test_wait_for 20 gone "$pid" &&
	wait "$pid"; rc=$? &&
	test "$rc" = 134 &&
	test -z "$(ls b | grep "^core")"
'
kill "$(cat b/pid)" 2>/dev/null

test_expect_success COREFILE 'MODSCAN_COREDUMP=1: the limit is left alone and SIGABRT writes a core holding the secret' '
	start_scanner c MODSCAN_COREDUMP=1 &&
	pid=$(cat c/pid) &&
	test "$(core_limit "$pid")" = "unlimited unlimited" &&
	kill -ABRT "$pid" &&
	test_wait_for 20 gone "$pid" &&
	wait "$pid";
	core=$(ls c | grep "^core") &&
	test -n "$core" &&
	grep -q core-secret-4711 "c/$core"
'
kill "$(cat c/pid)" 2>/dev/null

test_expect_success 'status --serve, which loads the same config, has a core limit of 0 too' '
	(ulimit -c unlimited && exec "$MODSCAN" status --serve 127.0.0.1:0 --config "$CONF" >serve.out 2>&1) &
	srv=$! &&
	test_wait_for 10 grep -q "^serving " serve.out &&
	test "$(core_limit "$srv")" = "0 0" &&
	kill "$srv"
'

test_done
