# Local SMTP servers for the integration tests (source after test-lib.sh).
#
#   smtp_start [--starttls|--tls|--blackhole] [--auth[=plain|login]]
#
# starts tests/integration/smtpd.py on a kernel-chosen free port of
# 127.0.0.1, waits for its ready file and stops it at exit.  Call it at the
# top level of a test script (not inside test_expect_success, whose
# subshell would forget it).  Afterwards:
#   $SMTP_DIR     where each received message lands as NNNN.eml (+ .env)
#   $SMTP_CONF    a config file pointing modscan at this server (as
#                 localhost, the name in the certificate; SMTP_CA is the
#                 test CA; alice/s3cret for --auth)
#   $SMTP_PORT_N  the port
# smtp_attachment EML NAME, smtp_body EML and smtp_header EML NAME decode a
# received message as a mail reader would.
# The first call makes the test PKI in $TRASH/pki: ca.pem signs server.pem
# (CN and SAN localhost); other-ca.pem is an unrelated CA.

SMTPD=$TEST_DIR/smtpd.py
SMTP_PKI=$TRASH/pki
_smtp_n=0

_smtp_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign
}

smtp_pki() {
	[ -f "$SMTP_PKI/server.pem" ] && return 0
	mkdir -p "$SMTP_PKI" && (
		cd "$SMTP_PKI" &&
		_smtp_ca ca "modscan test CA" &&
		_smtp_ca other-ca "some other CA" &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -keyout server.key -out server.csr \
			-subj /CN=localhost &&
		printf '%s\n' "subjectAltName=DNS:localhost" \
			"basicConstraints=CA:FALSE" \
			"keyUsage=digitalSignature,keyEncipherment" \
			"extendedKeyUsage=serverAuth" >server.ext &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
			-CAcreateserial -days 2 -extfile server.ext \
			-out server.pem
	) >>"$TEST_LOG" 2>&1
}

smtp_start() {
	_mode=plain _auth=none _tls=none
	for _a; do
		case "$_a" in
		--starttls) _mode=starttls _tls=starttls ;;
		--tls) _mode=tls _tls=tls ;;
		--blackhole) _mode=blackhole ;;
		--auth) _auth=any ;;
		--auth=*) _auth=${_a#--auth=} ;;
		*) echo "smtp_start: unknown option $_a" >&2; return 1 ;;
		esac
	done
	smtp_pki || { echo "smtp_start: cannot make the test PKI" >&2; return 1; }
	_smtp_n=$((_smtp_n + 1))
	_d=$TRASH/smtp$_smtp_n
	mkdir -p "$_d/mail" || return 1
	/usr/bin/python3 "$SMTPD" --mode "$_mode" --auth "$_auth" \
		--dir "$_d/mail" --ready "$_d/ready" \
		--cert "$SMTP_PKI/server.pem" --key "$SMTP_PKI/server.key" \
		>"$_d/log" 2>&1 &
	echo $! >"$_d/pid"
	test_atexit "kill $(cat "$_d/pid")"
	# A deadline for a loaded machine, not a timing: python3 may take
	# seconds to start there.
	if ! test_wait_for 60 test -s "$_d/ready"; then
		echo "smtp_start: server $_smtp_n did not start:" >&2
		cat "$_d/log" >&2
		return 1
	fi
	SMTP_PORT_N=$(cat "$_d/ready")
	SMTP_DIR=$_d/mail
	SMTP_CONF=$_d/mail.conf
	{
		echo "SMTP_HOST=localhost"
		echo "SMTP_PORT=$SMTP_PORT_N"
		echo "SMTP_TLS=$_tls"
		echo "SMTP_CA=$SMTP_PKI/ca.pem"
		echo "SMTP_TIMEOUT=10"
		echo "MAIL_FROM=modscan@example.net"
		echo "MAIL_TO=ops@example.net, noc@example.org"
		if [ "$_auth" != none ]; then
			echo "SMTP_USER=alice"
			echo "SMTP_PASSWORD=s3cret"
		fi
	} >"$SMTP_CONF" && chmod 600 "$SMTP_CONF"
}

# smtp_count DIR: how many messages arrived.
smtp_count() {
	ls "$1" | grep -c '\.eml$'
}

# smtp_attachment EML NAME: the decoded attachment called NAME on stdout.
smtp_attachment() {
	/usr/bin/python3 - "$1" "$2" <<-\EOF
	import email, email.policy, sys
	m = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.default)
	for p in m.iter_attachments():
	    if p.get_filename() == sys.argv[2]:
	        sys.stdout.buffer.write(p.get_payload(decode=True))
	        sys.exit(0)
	sys.exit("no attachment " + sys.argv[2])
	EOF
}

# smtp_body EML: the decoded text body.
smtp_body() {
	/usr/bin/python3 - "$1" <<-\EOF
	import email, email.policy, sys
	m = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.default)
	print(m.get_body(("plain",)).get_content(), end="")
	EOF
}

# smtp_header EML NAME: the decoded header NAME.
smtp_header() {
	/usr/bin/python3 - "$1" "$2" <<-\EOF
	import email, email.policy, sys
	m = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                   policy=email.policy.default)
	print(m[sys.argv[2]])
	EOF
}
