# Helpers for the ccapsim integration tests (sourced after test-lib.sh):
# start the simulator, log into a device with OpenSSH + sshpass, and pick
# records out of a listing.

test_have_prereq_cmd() {
	command -v "$1" >/dev/null 2>&1 && test_set_prereq "$2"
}
test_have_prereq_cmd sshpass SSHPASS
[ -x "$CCAPSIM" ] && test_set_prereq CCAPSIM

# sim_start DIR ARGS...: run ccapsim in the background until the test ends;
# returns once the inventory is written.
sim_start() {
	_d=$1
	shift
	mkdir -p "$_d"
	"$CCAPSIM" --inventory "$_d/inv.txt" --truth-log "$_d/truth.log" "$@" \
		>"$_d/out" 2>"$_d/err" &
	echo $! >"$_d/pid"
	test_atexit "kill $! 2>/dev/null; wait $! 2>/dev/null"
	test_wait_for 30 test -s "$_d/inv.txt"
}

# sim_port DIR NAME
sim_port() {
	awk -v n="$2" '$1 == n { print $3 }' "$1/inv.txt"
}

# sim_ssh PORT INPUT [PASSWORD]: log in, type INPUT, print the session with
# CRs removed.  $SIM_SSH_OPTS adds ssh options.
sim_ssh() {
	printf "$2" | timeout 30 sshpass -p "${3:-modscan}" ssh -tt -q ${SIM_SSH_OPTS:-} \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o ConnectTimeout=10 -o LogLevel=ERROR -p "$1" modscan@127.0.0.1 |
		tr -d '\r'
}

# Records of a truth log for one device: "UPSTREAM CODE MODULATION", sorted.
truth_of() {
	awk -v n="$2" '$2 == n && $3 != "-" { print $3, $4, $5 }' "$1" | sort -u
}
