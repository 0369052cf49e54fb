# Shared scanners (SCAN_SHARED) for one test: configs, background starts
# and the waits on the database.  Sourced after lib-mariadb.sh and
# lib-ccapsim.sh; scan_config writes the base scan.conf first.
#
#   shared_atexit NAME...          kill -9 those scanners at exit (call it
#                                  at the top level: test bodies run in
#                                  subshells)
#   shared_conf NAME [LINE...]     NAME.conf: scan.conf with its own log,
#                                  SCAN_SHARED, INSTANCE_NAME=NAME,
#                                  CHECK_INTERVAL=1 and the lines given
#   shared_start NAME              scan -c NAME.conf in the background with
#                                  RUN_DIR run-NAME (the environment's
#                                  RUN_DIR overrides a file's); pid in
#                                  NAME.pid, stderr in NAME.err
#   shared_live N                  N instances are live in scan_instances
#   scanned_after MS               a stored scan started at or after MS
#   now_ms                         the wall clock in milliseconds

SHARED_CHECK=$TEST_DIR/shared-check.py

shared_atexit() {
	for _n in "$@"; do
		test_atexit "kill -9 \$(cat $TRASH/$_n.pid 2>/dev/null) \
			2>/dev/null"
	done
}

shared_conf() {
	_n=$1
	shift
	mkdir -p "run-$_n" && chmod 700 "run-$_n" &&
	sed -e "s|^LOG_FILE=.*|LOG_FILE=$TRASH/$_n.log|" scan.conf >"$_n.conf" &&
	printf '%s\n' SCAN_SHARED=yes "INSTANCE_NAME=$_n" CHECK_INTERVAL=1 \
		"$@" >>"$_n.conf" &&
	chmod 600 "$_n.conf"
}

shared_start() {
	RUN_DIR=$TRASH/run-$1 "$MODSCAN" scan -c "$1.conf" 2>"$1.err" &
	echo $! >"$1.pid"
}

shared_live() {
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.scan_instances
		WHERE stopped = 0 AND seen_ms + lapse_ms >=
		UNIX_TIMESTAMP(NOW(3)) * 1000")" = "$1"
}

scanned_after() {
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans
		WHERE started_ms >= $1")" -gt 0
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
