# Helpers of the chaos experiments (source after test-lib.sh).
#
#   chaos_n FULL SMOKE     the count for this mode ($CHAOS_MODE)
#   chaos_result NAME FIGURES OK   print the RESULT line, exit 0 or 1
#   chaos_rand LO HI       a random integer in [LO, HI]
#   chaos_integration TEST run an integration test, "N/M" of its cases

chaos_n() {
	[ "${CHAOS_MODE:-full}" = smoke ] && echo "$2" || echo "$1"
}

chaos_result() {
	if [ "$3" = 1 ]; then
		echo "RESULT $1: $2 PASS"
		exit 0
	fi
	echo "RESULT $1: $2 FAIL"
	exit 1
}

chaos_rand() {
	echo $(($1 + $(od -An -N2 -tu2 /dev/urandom) % ($2 - $1 + 1)))
}

# chaos_integration TEST: run tests/integration/TEST.sh; prints
# "passed/total" and succeeds when none failed.
chaos_integration() {
	_out=$TRASH/$1.tap
	TEST_ROOT=$TRASH/it "$TEST_DIR/$1.sh" >"$_out" 2>&1
	_rc=$?
	_ok=$(grep -c '^ok ' "$_out")
	_all=$(grep -c '^\(not \)\?ok ' "$_out")
	echo "$_ok/$_all"
	[ "$_rc" = 0 ] && [ "$_all" -gt 0 ]
}

# chaos_fleet NAME: MariaDB, a ccapsim fleet of 24 devices, scan.conf for
# a continuous scanner sweeping every 10 s, the schema (sources
# lib-mariadb.sh and lib-ccapsim.sh first).
chaos_fleet() {
	mariadb_start || chaos_result "$1" "no MariaDB" 0
	ccapsim_start --devices 24 --upstreams 8 --seed 31
	scan_config
	printf "SCAN_INTERVAL=10\nCHECK_INTERVAL=1\n" >>scan.conf
	modscan maintain --init --config scan.conf >/dev/null ||
		chaos_result "$1" "maintain --init failed" 0
}

# chaos_kills N LO HI: start a scanner, kill -9 it after LO..HI seconds,
# N times.
chaos_kills() {
	_i=0
	while [ $_i -lt "$1" ]; do
		"$MODSCAN" scan --config scan.conf >>scan.out 2>&1 &
		_pid=$!
		sleep "$(chaos_rand "$2" "$3").$(chaos_rand 0 9)"
		kill -9 "$_pid"
		wait "$_pid" 2>/dev/null
		_i=$((_i + 1))
	done
}

# chaos_db_figures: sets samples, dups (duplicate samples), scans (ok
# device scans stored) and short (of those, missing samples).
chaos_db_figures() {
	samples=$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")
	dups=$(mariadb_sql "SELECT COUNT(*) -
		COUNT(DISTINCT device, upstream, ts) FROM modscan.samples")
	scans=$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans
		WHERE outcome = 'ok'")
	short=$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans d
		WHERE d.outcome = 'ok' AND d.channels <> (SELECT COUNT(*)
		FROM modscan.samples s WHERE s.device = d.device
		AND s.ts = d.started_ms DIV 1000)")
}
