#!/bin/sh
test_description='ALERT_COMMAND: JSON lines on stdin without SMTP, exit 0 delivers, a failure is retried, the time cap kills the process group'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-watch.sh"
. "$TEST_DIR/lib-alert.sh"

# failhook: fails while ./fail exists, else appends stdin to the file
# named by its argument (no shell between modscan and it: the argument
# with a blank arrives as one word).
cat >failhook <<'EOF2'
#!/bin/sh
if [ -e "$HOME/fail" ]; then
	cat >/dev/null
	echo "hook: told to fail" >&2
	exit 1
fi
cat >>"$1"
EOF2
chmod +x failhook
CONF=$TRASH/c.conf
watch_conf "$CONF" "ALERT_COMMAND=$TRASH/failhook '$TRASH/got lines'"
cat >events <<'EOF2'
upstream_below_qam64 CCAP004 5/3/1 FN-0412 QPSK 1764609600 1764610800 20
device_recovered CCAP010 - - - 1764609000 1764615600 3
EOF2

queue() {
	alert_queue "$CONF"
}

# check_lines FILE: every line is a JSON object with the keys and values
# of the events above (and the process alert), ISO times computed here.
check_lines() {
	/usr/bin/python3 - "$1" <<-\EOF2
	import datetime, json, sys
	want = [l.split() for l in open("events")]
	got = [json.loads(l) for l in open(sys.argv[1])]
	assert len(got) == 3, got
	def iso(t):
	    return datetime.datetime.fromtimestamp(
	        t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
	for w, g in zip(want, got):
	    keys = ["kind", "device", "upstream", "node", "modulation"]
	    for k, v in zip(keys, w):
	        assert g[k] == ("" if v == "-" else v), (k, g)
	    assert [g["since"], g["at"], g["value"]] == [int(x) for x in w[5:]]
	    assert g["since_iso"] == iso(g["since"]) and g["at_iso"] == iso(g["at"])
	p = got[2]
	assert p["kind"] == "restart" and p["subject"] == "scanner restarted", p
	assert p["text"] == "from t_alertsend\n" and p["device"] == "", p
	assert p["at_iso"] == iso(p["at"]) and p["since"] == p["at"], p
	EOF2
}

test_expect_success T_ALERT 'with ALERT_COMMAND and no SMTP_HOST, alerts are queued' '
	test_grep -v "^SMTP_HOST" "$CONF" &&
	queue <events >out &&
	test_grep "^queued 2$" out &&
	"$T_ALERT" --config "$CONF" --process restart "scanner restarted" &&
	test "$(ls "$RUN/alerts/cmd" | wc -l)" = 2
'

test_expect_success T_ALERT 'a failing command keeps them, says so, exit 1' '
	: >fail &&
	test_expect_code 1 modscan watchdog --flush-alerts --config "$CONF" &&
	test ! -e "got lines" &&
	test "$(ls "$RUN/alerts/cmd" | wc -l)" = 2 &&
	test_grep "alerts not sent, kept for the next try: ALERT_COMMAND: exit status 1: hook: told to fail" "$WATCH_LOG"
'

test_expect_success T_ALERT 'the next flush delivers: one JSON object a line, read by python' '
	rm fail &&
	modscan watchdog --flush-alerts --config "$CONF" &&
	check_lines "got lines" &&
	test "$(ls "$RUN/alerts/cmd" | wc -l)" = 0 &&
	test_grep "ALERT_COMMAND took 3 alerts" "$WATCH_LOG"
'

test_expect_success T_ALERT 'delivered once: a further flush does not run it again' '
	modscan watchdog --flush-alerts --config "$CONF" &&
	test_line_count = 3 "got lines"
'

test_expect_success T_ALERT 'over ALERT_COMMAND_TIMEOUT its process group is killed, the alerts kept' '
	cat >slow <<-EOF2 &&
	#!/bin/sh
	sleep 300 &
	echo \$! >"$TRASH/bg.pid"
	wait
	EOF2
	chmod +x slow &&
	watch_conf slow.conf "ALERT_COMMAND=$TRASH/slow" \
		ALERT_COMMAND_TIMEOUT=2 &&
	queue <events &&
	queue <events &&
	echo "device_failing X - - - 1 2 3" |
		"$T_ALERT" --config slow.conf --queue &&
	# 2 s cap, bounded at 30x for a loaded machine
	test_expect_code 1 timeout 60 "$MODSCAN" watchdog --flush-alerts \
		--config slow.conf &&
	test_grep "ALERT_COMMAND: no end within 2 s, its process group killed" \
		"$WATCH_LOG" &&
	test -s bg.pid &&
	test_wait_for 10 gone "$(cat bg.pid)" &&
	test "$(ls "$RUN/alerts/cmd" | wc -l)" = 3
'

test_expect_success T_ALERT 'an ALERT_COMMAND that is not a program: one line, kept' '
	watch_conf bad.conf "ALERT_COMMAND=no-such-hook-anywhere" &&
	test_expect_code 1 modscan watchdog --flush-alerts --config bad.conf &&
	test_grep "ALERT_COMMAND: .no-such-hook-anywhere. is not a program on PATH" "$WATCH_LOG" &&
	test "$(ls "$RUN/alerts/cmd" | wc -l)" = 3
'

test_expect_success T_ALERT 'the command does not see the secrets of the configuration' '
	printf "#!/bin/sh\ncat >/dev/null\nenv >\"\$HOME/env.out\"\n" >envhook &&
	chmod +x envhook &&
	watch_conf env.conf "ALERT_COMMAND=$TRASH/envhook" &&
	echo "device_failing X - - - 1 2 3" | "$T_ALERT" --config env.conf \
		--queue &&
	DB_PASSWORD=s3cret-db ACCESS_PASSWORD=s3cret-legacy \
	PROFILE_CASA_SSH_PASSWORD=s3cret-profile ALERT_WEBHOOK_URL=http://x/y \
		modscan watchdog --flush-alerts --config env.conf &&
	test_grep "^ALERT_WEBHOOK_URL=http://x/y$" env.out &&
	test_grep -v "s3cret" env.out
'

test_expect_success 'an ALERT_COMMAND with an open quote is a config error: one line, exit 2' '
	watch_conf quote.conf "ALERT_COMMAND=$TRASH/failhook '\''x" &&
	line=$(grep -n "^ALERT_COMMAND=" quote.conf | cut -d: -f1) &&
	test_expect_code 2 modscan --check-config --config quote.conf \
		>out 2>err &&
	test_grep "^modscan --check-config: quote.conf:$line: ALERT_COMMAND: a quote is not closed$" err &&
	test_line_count = 1 err &&
	test_expect_code 2 modscan watchdog --flush-alerts --config quote.conf \
		2>err &&
	test_grep "ALERT_COMMAND: a quote is not closed" err &&
	test_expect_code 2 modscan scan --once --config quote.conf 2>err &&
	test_grep "^modscan scan: .*ALERT_COMMAND: a quote is not closed$" err
'

test_done
