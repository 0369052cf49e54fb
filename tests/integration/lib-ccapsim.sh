# A ccapsim fleet for one test, stopped at exit.  Sourced after
# test-lib.sh; call ccapsim_start at the top level of the test script.
#
#   ccapsim_start [ccapsim options]   start, wait for the inventory
#                                     (CCAPSIM_INV; CCAPSIM_WAIT seconds,
#                                     default 60), truth log
#                                     (CCAPSIM_TRUTH), pid (CCAPSIM_PID)
#   ccapsim_stop                      SIGTERM and wait

CCAPSIM_INV=$TRASH/ccapsim.inv
CCAPSIM_TRUTH=$TRASH/ccapsim.truth
CCAPSIM_LOG=$TRASH/ccapsim.log

ccapsim_start() {
	rm -f "$CCAPSIM_INV"
	"$CCAPSIM" --inventory "$CCAPSIM_INV" --truth-log "$CCAPSIM_TRUTH" \
		--host-key-dir "$TRASH/ccapsim-keys" "$@" \
		>>"$CCAPSIM_LOG" 2>&1 &
	CCAPSIM_PID=$!
	test_atexit "ccapsim_stop"
	if ! test_wait_for "${CCAPSIM_WAIT:-60}" test -s "$CCAPSIM_INV"; then
		echo "ccapsim did not come up:" >&2
		cat "$CCAPSIM_LOG" >&2
		return 1
	fi
}

ccapsim_stop() {
	[ -n "${CCAPSIM_PID:-}" ] || return 0
	kill -TERM "$CCAPSIM_PID" 2>/dev/null
	wait "$CCAPSIM_PID" 2>/dev/null
	CCAPSIM_PID=
}

# A config for the scanner against this fleet and the test's database.
scan_config() {
	mkdir -p run &&
	chmod 700 run &&
	cat >scan.conf <<EOC &&
RUN_DIR=$TRASH/run
DEVICES_FILE=$CCAPSIM_INV
SSH_USER=modscan
SSH_PASSWORD=modscan
LOG_FILE=$TRASH/scan.log
LOG_LEVEL=info
CONNECT_TIMEOUT=5
LOGIN_TIMEOUT=5
COMMAND_TIMEOUT=5
DEVICE_TIMEOUT=20
EOC
	chmod 600 scan.conf
}
