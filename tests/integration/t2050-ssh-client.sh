#!/bin/sh
test_description='the SSH client (lib/ssh) against a private OpenSSH sshd'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-sshd.sh"

T_SSH=$SRC_DIR/build/asan/tests/t_ssh
SSH_USER=modscantest
SSH_PW=Ms-t2050-pw

# The unit binary is the same for both flavors: run it once, under ASan.
if [ "$MODSCAN_FLAVOR" = asan ] && [ -x "$T_SSH" ] &&
   [ -x /usr/sbin/sshd ] && [ "$(id -u)" = 0 ]; then
	test_set_prereq SSHD
fi

port_open() {
	ss -Hltn "sport = :$1" | grep -q .
}

# start_sshd: sshd on $PORT (all methods) and $KBD_PORT (keyboard-
# interactive only), with the host keys in host_key (ed25519) and
# host_key_rsa.
start_sshd() {
	cat >sshd_config <<EOC
Port $PORT
Port $KBD_PORT
ListenAddress 127.0.0.1
HostKey $TRASH/host_key
HostKey $TRASH/host_key_rsa
PidFile $TRASH/sshd.pid
UsePAM yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PubkeyAuthentication yes
AuthorizedKeysFile none
AuthorizedKeysCommand /bin/cat $TRASH/authorized_keys
AuthorizedKeysCommandUser root
StrictModes no
PermitRootLogin no
LogLevel VERBOSE
Match LocalPort $KBD_PORT
	AuthenticationMethods keyboard-interactive
EOC
	/usr/sbin/sshd -D -e -f "$TRASH/sshd_config" 2>>"$TRASH/sshd.log" &
	echo $! >sshd.bgpid
	test_wait_for 10 port_open "$PORT" &&
	test_wait_for 10 port_open "$KBD_PORT"
}

# start_legacy_sshd: an old-CCAP-like sshd on $LEGACY_PORT that speaks only
# diffie-hellman-group14-sha1, ssh-rsa host keys and aes128-cbc.
start_legacy_sshd() {
	cat >sshd_legacy_config <<EOC
Port $LEGACY_PORT
ListenAddress 127.0.0.1
HostKey $TRASH/legacy_host_key
HostKeyAlgorithms ssh-rsa
KexAlgorithms diffie-hellman-group14-sha1
Ciphers aes128-cbc
PidFile $TRASH/sshd-legacy.pid
UsePAM yes
PasswordAuthentication yes
PermitRootLogin no
EOC
	/usr/sbin/sshd -D -e -f "$TRASH/sshd_legacy_config" \
		2>>"$TRASH/sshd-legacy.log" &
	echo $! >sshd-legacy.bgpid
	test_wait_for 10 port_open "$LEGACY_PORT"
}

stop_sshd() {
	[ -f sshd.bgpid ] || return 0
	kill "$(cat sshd.bgpid)" 2>/dev/null
	test_wait_for 10 sh -c "! kill -0 $(cat sshd.bgpid)"
	rm -f sshd.bgpid
}

# No HOME, USER or LOGNAME: the client must not need them.
run_t_ssh() {
	env -u HOME -u USER -u LOGNAME \
	MS_TEST_SSH_PORT=$PORT MS_TEST_SSH_KBD_PORT=$KBD_PORT \
	MS_TEST_SSH_HOLE_PORT=$HOLE_PORT \
	MS_TEST_SSH_LEGACY_PORT=$LEGACY_PORT \
	MS_TEST_SSH_DIR=$TRASH MS_TEST_SSH_USER=$SSH_USER \
	MS_TEST_SSH_PASSWORD=$SSH_PW MS_TEST_SSH_KEY=$TRASH/client_key \
	MS_TEST_SSH_RSA_PUB=$TRASH/host_key_rsa.pub \
		"$T_SSH" "$@"
}

# tap_clean FILE: every case passed, none skipped, the plan was reached.
tap_clean() {
	test_grep -q '^1\.\.[0-9]' "$1" &&
	test_grep -v '^not ok' "$1" &&
	test_grep -v '# skip' "$1"
}

test_expect_success SSHD 'set up: test user, keys, sshd, silent listener' '
	sshd_prepare "$SSH_USER" "$SSH_PW" &&
	ssh-keygen -q -t rsa -b 2048 -N "" -f host_key_rsa &&
	/usr/bin/python3 -c "
import os, socket, sys
s = socket.socket()
s.bind((\"127.0.0.1\", 0))
s.listen(64)
with open(\"hole.port.tmp\", \"w\") as f:
    f.write(str(s.getsockname()[1]))
os.rename(\"hole.port.tmp\", \"hole.port\")
conns = []
while True:
    conns.append(s.accept()[0])
" &
	echo $! >hole.pid &&
	test_wait_for 10 test -s hole.port &&
	tries=0 &&
	until PORT=$(test_free_port) && KBD_PORT=$(test_free_port) &&
	      export PORT KBD_PORT && start_sshd; do
		stop_sshd
		tries=$((tries + 1))
		test $tries -lt 3 || return 1
	done &&
	ssh-keygen -q -t rsa -b 2048 -N "" -f legacy_host_key &&
	tries=0 &&
	until LEGACY_PORT=$(test_free_port) && start_legacy_sshd; do
		kill "$(cat sshd-legacy.bgpid)" 2>/dev/null
		tries=$((tries + 1))
		test $tries -lt 3 || return 1
	done &&
	echo "PORT=$PORT KBD_PORT=$KBD_PORT LEGACY_PORT=$LEGACY_PORT" >ports
'
test_atexit 'kill $(cat "$TRASH/hole.pid") 2>/dev/null'
test_atexit 'stop_sshd'
test_atexit 'kill $(cat "$TRASH/sshd-legacy.bgpid") 2>/dev/null'
[ -f "$TRASH/ports" ] && . "$TRASH/ports"
HOLE_PORT=$(cat "$TRASH/hole.port" 2>/dev/null)

test_expect_success SSHD 'the client passes its cases against sshd' '
	run_t_ssh >tap 2>&1;
	rc=$? && cat tap &&
	test $rc = 0 &&
	tap_clean tap
'

test_expect_success SSHD 'a changed host key is refused with its fingerprint' '
	stop_sshd &&
	rm -f host_key host_key.pub &&
	ssh-keygen -q -t ed25519 -N "" -f host_key &&
	start_sshd &&
	MS_TEST_SSH_PHASE=changed run_t_ssh >tap2 2>&1;
	rc=$? && cat tap2 &&
	test $rc = 0 &&
	tap_clean tap2 &&
	new=$(ssh-keygen -lf host_key.pub | cut -d" " -f2) &&
	test_grep -F "now $new)" tap2
'

test_expect_success 'without MS_TEST_SSH_PORT every case is a TAP skip' '
	test -x "$T_SSH" || return 0
	env -u MS_TEST_SSH_PORT "$T_SSH" >skip.tap &&
	test_grep -q "^ok [0-9]* # skip" skip.tap &&
	test_grep -v "^not ok" skip.tap
'

test_done
