#!/bin/sh
test_description='the mail path of the alerts: SMTP plain, STARTTLS, TLS, AUTH, MIME, deadline'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-smtp.sh"

# One server per mode, started here at the top level (see lib-smtp.sh).
smtp_start && PLAIN_CONF=$SMTP_CONF PLAIN_DIR=$SMTP_DIR &&
smtp_start --starttls && STLS_CONF=$SMTP_CONF STLS_DIR=$SMTP_DIR &&
smtp_start --tls && TLS_CONF=$SMTP_CONF TLS_DIR=$SMTP_DIR &&
smtp_start --starttls --auth=plain && PLAINAUTH_CONF=$SMTP_CONF \
	PLAINAUTH_DIR=$SMTP_DIR &&
smtp_start --tls --auth=login && LOGIN_CONF=$SMTP_CONF LOGIN_DIR=$SMTP_DIR &&
smtp_start --blackhole && HOLE_CONF=$SMTP_CONF &&
test_set_prereq SMTPD

# env_field DIR N KEY: one field of the envelope the server saved.
env_field() {
	/usr/bin/python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))[sys.argv[2]]
print(" ".join(v) if isinstance(v, list) else v)' "$1/$(printf %04d "$2").env" "$3"
}

test_expect_success SMTPD 'plain SMTP: the mail arrives with both recipients' '
	modscan --test-mail --config "$PLAIN_CONF" >out 2>err &&
	test_grep "^mail sent to 2 recipients$" out &&
	test ! -s err &&
	test "$(smtp_count "$PLAIN_DIR")" = 1 &&
	test "$(env_field "$PLAIN_DIR" 1 rcpt_tos)" = \
		"ops@example.net noc@example.org" &&
	test "$(env_field "$PLAIN_DIR" 1 tls)" = False &&
	test_grep "^Subject: modscan test mail" "$PLAIN_DIR/0001.eml"
'

test_expect_success SMTPD 'headers: RFC 5322 date with a numeric zone, Message-ID, MIME' '
	f=$PLAIN_DIR/0001.eml &&
	test_grep -E "^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}" "$f" &&
	test_grep -E "^Message-ID: <[0-9a-f]+\.[0-9]+@example\.net>" "$f" &&
	test_grep "^MIME-Version: 1.0" "$f" &&
	test_grep "^From: modscan@example.net" "$f" &&
	/usr/bin/python3 -c "import email.utils, sys, time
d = email.utils.parsedate_to_datetime(sys.argv[1])
assert abs(d.timestamp() - time.time()) < 120, d" \
		"$(sed -n "s/^Date: //p" "$f" | tr -d "\r")"
'

test_expect_success SMTPD 'STARTTLS with the certificate verified' '
	modscan --test-mail --config "$STLS_CONF" >out &&
	test_grep "^mail sent to 2 recipients$" out &&
	test "$(env_field "$STLS_DIR" 1 tls)" = True
'

test_expect_success SMTPD 'implicit TLS' '
	modscan --test-mail --config "$TLS_CONF" >out &&
	test_grep "^mail sent to 2 recipients$" out &&
	test "$(smtp_count "$TLS_DIR")" = 1
'

test_expect_success SMTPD 'a certificate from another CA is refused, one clear line, exit 1' '
	SMTP_CA=$SMTP_PKI/other-ca.pem \
		test_expect_code 1 modscan --test-mail --config "$TLS_CONF" \
		>out 2>err &&
	test_grep "^modscan --test-mail: .localhost:[0-9]*.: certificate verification failed: .*not correctly signed" err &&
	test_line_count = 1 err &&
	test "$(smtp_count "$TLS_DIR")" = 1
'

test_expect_success SMTPD 'the system store does not trust the test CA either' '
	sed "/^SMTP_CA=/d" "$STLS_CONF" >nocafile.conf && chmod 600 nocafile.conf &&
	test_expect_code 1 modscan --test-mail --config nocafile.conf 2>err &&
	test_grep "certificate verification failed" err
'

test_expect_success SMTPD 'STARTTLS required but not offered: no fallback to clear text' '
	sed "s/^SMTP_TLS=.*/SMTP_TLS=starttls/" "$PLAIN_CONF" >strip.conf &&
	test_expect_code 1 modscan --test-mail --config strip.conf 2>err &&
	test_grep "does not offer STARTTLS" err &&
	test "$(smtp_count "$PLAIN_DIR")" = 1
'

test_expect_success SMTPD 'AUTH PLAIN over STARTTLS is accepted' '
	modscan --test-mail --config "$PLAINAUTH_CONF" >out &&
	test_grep "^mail sent to 2" out &&
	test "$(env_field "$PLAINAUTH_DIR" 1 auth_mechanism)" = PLAIN &&
	test "$(env_field "$PLAINAUTH_DIR" 1 auth_user)" = alice
'

test_expect_success SMTPD 'AUTH LOGIN over implicit TLS is accepted' '
	modscan --test-mail --config "$LOGIN_CONF" >out &&
	test_grep "^mail sent to 2" out &&
	test "$(env_field "$LOGIN_DIR" 1 auth_mechanism)" = LOGIN
'

test_expect_success SMTPD 'a wrong password is refused with the server reply, exit 1' '
	SMTP_PASSWORD=wrong test_expect_code 1 \
		modscan --test-mail --config "$PLAINAUTH_CONF" 2>err &&
	test_grep "as user .alice.: .*refused AUTH PLAIN: 535" err &&
	test_grep -v wrong err &&
	test "$(smtp_count "$PLAINAUTH_DIR")" = 1
'

test_expect_success SMTPD 'no AUTH configured on a server that wants it: refused' '
	sed "/^SMTP_USER=/d; /^SMTP_PASSWORD=/d" "$PLAINAUTH_CONF" >noauth.conf &&
	test_expect_code 1 modscan --test-mail --config noauth.conf 2>err &&
	test_grep "refused MAIL FROM: 530" err
'

test_expect_success SMTPD 'attachments (CSV, HTML) arrive byte for byte' '
	printf "CMTS;upstream;hops;%%QAM64;%%QAM16;%%QPSK;Metingen\r\nccap-1;Upstream 1/0.0;3;90,5;9,5;0,0;288\r\n" >report.csv &&
	{ printf "<!doctype html>\n<p>caf\303\251 \342\202\254</p>\n.\n"; head -c 3000 /dev/urandom | base64 -w 0; } >report.html &&
	modscan --test-mail --config "$STLS_CONF" --attach report.csv \
		--attach report.html >out &&
	test_grep "^mail sent" out &&
	/usr/bin/python3 - "$STLS_DIR/0002.eml" <<-\EOF
	import email, email.policy, sys
	msg = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                     policy=email.policy.default)
	assert msg.get_content_type() == "multipart/mixed", msg.get_content_type()
	parts = {p.get_filename(): p for p in msg.iter_attachments()}
	assert sorted(parts) == ["report.csv", "report.html"], parts
	assert parts["report.csv"].get_content_type() == "text/csv"
	assert parts["report.html"].get_content_type() == "text/html"
	for name, p in parts.items():
	    got = p.get_payload(decode=True)
	    assert got == open(name, "rb").read(), name
	EOF
'

test_expect_success SMTPD 'every line of the mail is CRLF and base64 lines are 76 wide' '
	/usr/bin/python3 - "$STLS_DIR/0002.eml" <<-\EOF
	import sys
	data = open(sys.argv[1], "rb").read()
	lines = data.split(b"\r\n")
	assert all(b"\n" not in l and len(l) < 998 for l in lines)
	assert max(len(l) for l in lines) <= 78, max(len(l) for l in lines)
	EOF
'

test_expect_success SMTPD 'non-ASCII subject and a body with leading dots survive' '
	printf "line one\n.\n..two dots\n.leading\ncaf\303\251 na\303\257ve\n" >body.txt &&
	modscan --test-mail --config "$STLS_CONF" --body body.txt \
		--subject "Storing: modulatie gewijzigd op CCAP-Zuid — één upstream" >out &&
	test_grep "^Subject: =?UTF-8?B?" "$STLS_DIR/0003.eml" &&
	/usr/bin/python3 - "$STLS_DIR/0003.eml" <<-\EOF
	import email, email.policy, sys
	msg = email.message_from_binary_file(open(sys.argv[1], "rb"),
	                                     policy=email.policy.default)
	want = "Storing: modulatie gewijzigd op CCAP-Zuid — één upstream"
	assert msg["Subject"] == want, msg["Subject"]
	body = msg.get_content()
	assert body == open("body.txt", encoding="utf-8").read(), repr(body)
	EOF
'

# The deadline is proven by what the error says and by bounding the run
# with 10x SMTP_TIMEOUT, a generous multiple, not by timing it.
test_expect_success SMTPD 'a black-hole server fails by SMTP_TIMEOUT (bound: 10x)' '
	SMTP_TIMEOUT=2 test_expect_code 1 \
		timeout 20 "$MODSCAN" --test-mail --config "$HOLE_CONF" 2>err &&
	test_grep "timed out after 2 s waiting for the reply to the greeting" err
'

test_expect_success SMTPD 'a black hole during the TLS handshake: the same deadline (bound: 10x)' '
	SMTP_TLS=tls SMTP_TIMEOUT=1 test_expect_code 1 \
		timeout 10 "$MODSCAN" --test-mail --config "$HOLE_CONF" 2>err &&
	test_grep "timed out after 1 s waiting for the TLS handshake" err
'

test_expect_success 'unknown --test-mail arguments are a usage error' '
	test_expect_code 2 modscan --test-mail --frob x 2>err &&
	test_grep "unexpected argument .--frob." err
'

test_expect_success 'a closed port: connection refused, exit 1' '
	port=$(test_free_port) &&
	SMTP_HOST=localhost SMTP_PORT=$port SMTP_TLS=none \
	MAIL_FROM=a@example.net MAIL_TO=b@example.net \
		test_expect_code 1 modscan --test-mail 2>err &&
	test_grep "cannot connect to .localhost:$port.: Connection refused" err
'

test_expect_success 'no SMTP_HOST: a clear message, exit 2' '
	MAIL_TO=b@example.net test_expect_code 2 modscan --test-mail 2>err &&
	test_grep "^modscan --test-mail: no mail server configured (SMTP_HOST is empty)$" err
'

test_expect_success 'a bad MAIL_TO is a config error naming the key' '
	SMTP_HOST=localhost MAIL_FROM=a@example.net MAIL_TO="ops@x.net, not-an-address" \
		test_expect_code 2 modscan --test-mail 2>err &&
	test_grep "MAIL_TO: .not-an-address. is not a mail address" err
'

test_expect_success '--help mentions --test-mail' '
	modscan --help >out &&
	test_grep -- "--test-mail" out
'

test_done
