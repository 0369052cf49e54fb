# OpenSSH server pieces shared by the tests that need a real sshd
# (t2050 for the client, t4030 for the SFTP deploy).  Sourced after
# test-lib.sh.
#
#   sshd_prepare USER PASSWORD   the throwaway login user (created once,
#                                password set each time), host_key and a
#                                client key pair in the current directory,
#                                the client's key in authorized_keys

sshd_prepare() {
	mkdir -p /run/sshd &&
	{ id "$1" >/dev/null 2>&1 || useradd -M -s /bin/sh "$1"; } &&
	echo "$1:$2" | chpasswd &&
	ssh-keygen -q -t ed25519 -N "" -f host_key &&
	ssh-keygen -q -t ed25519 -N "" -f client_key &&
	cp client_key.pub authorized_keys
}
