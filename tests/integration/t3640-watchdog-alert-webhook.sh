#!/bin/sh
test_description='contrib/alert-webhook as ALERT_COMMAND: one chat post per alert, a failed post keeps them all; shellcheck-clean'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-watch.sh"
. "$TEST_DIR/lib-alert.sh"

HOOK=$SRC_DIR/contrib/alert-webhook
command -v curl >/dev/null && test_set_prereq CURL
command -v shellcheck >/dev/null && test_set_prereq SHELLCHECK
mkdir hookd
/usr/bin/python3 "$TEST_DIR/webhookd.py" --dir hookd --ready hookd/ready \
	>hookd/log 2>&1 &
test_atexit "kill $!"
test_wait_for 20 test -s hookd/ready && test_set_prereq HOOKD
URL=http://127.0.0.1:$(cat hookd/ready 2>/dev/null)
watch_conf ok.conf "ALERT_COMMAND=$HOOK $URL/hook"
watch_conf down.conf "ALERT_COMMAND=$HOOK $URL/down"

test_expect_success SHELLCHECK 'contrib/alert-webhook is shellcheck-clean (POSIX sh)' '
	shellcheck -s sh "$HOOK"
'

test_expect_success T_ALERT,CURL,HOOKD 'the chat is down: exit 1, every alert kept' '
	alert_queue ok.conf <<-\EOF2 &&
	upstream_below_qam64 CCAP004 5/3/1 FN-0412 QPSK 1764609600 1764610800 20
	device_failing CCAP010 - - - 1764609000 1764612000 3
	EOF2
	"$T_ALERT" --config ok.conf --process restart "scanner \"restarted\"" &&
	test_expect_code 1 modscan watchdog --flush-alerts --config down.conf &&
	test ! -e hookd/posts &&
	test "$(ls "$RUN/alerts/cmd" | wc -l)" = 2
'

test_expect_success T_ALERT,CURL,HOOKD 'up: one JSON post per alert, its text naming what happened' '
	modscan watchdog --flush-alerts --config ok.conf &&
	/usr/bin/python3 - <<-\EOF2
	import json
	got = [json.loads(l)["text"] for l in open("hookd/posts")]
	assert got == [
	    "modscan: upstream_below_qam64 CCAP004 upstream 5/3/1 node FN-0412"
	    " modulation QPSK, since 2025-12-01T17:20:00Z (value 20)",
	    "modscan: device_failing CCAP010, since 2025-12-01T17:10:00Z"
	    " (value 3)",
	    "modscan: scanner \"restarted\"",
	], got
	EOF2
'

test_expect_success CURL 'without a URL it says how to call it, exit 2' '
	test_expect_code 2 "$HOOK" </dev/null 2>err &&
	test_grep "usage: alert-webhook URL" err
'

test_done
