#!/bin/sh
test_description='status --serve :PORT: every interface, / links /health and /metrics, modscan_build_info'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-watch.sh"

CONF=$TRASH/s.conf
watch_conf "$CONF"
PORT=$(test_free_port)
{ "$MODSCAN" status --serve ":$PORT" --config "$CONF" >serve.out 2>&1 & } 
SRV=$!
test_atexit "kill $SRV"
test_atexit 'test -s "$TRASH/nrpe.pid" && kill $(cat "$TRASH/nrpe.pid")'
test_atexit 'test -s "$TRASH/nrpe.dir" && rm -rf "$(cat "$TRASH/nrpe.dir")"' 

test_expect_success ':PORT listens on every interface, IPv4 and IPv6' '
	test_wait_for 10 grep -q "^serving /health and /metrics on http://" serve.out &&
	ss -Hltn "sport = :$PORT" >listen &&
	test_line_count = 1 listen &&
	awk "{ print \$4 }" listen >local &&
	grep -qx -e "\*:$PORT" -e "\[::\]:$PORT" -e "0.0.0.0:$PORT" local &&
	curl -s -m 5 -o /dev/null -w "%{http_code}" "http://127.0.0.1:$PORT/health" >code4 &&
	test "$(cat code4)" = 503 &&
	if [ -e /proc/net/if_inet6 ]; then
		curl -s -m 5 -o /dev/null -w "%{http_code}" "http://[::1]:$PORT/health" >code6 &&
		test "$(cat code6)" = 503
	fi
'

test_expect_success '/ is a small page linking /health and /metrics' '
	curl -s -m 5 -o page -w "%{http_code} %{content_type}" "http://127.0.0.1:$PORT/" >code &&
	test "$(cat code)" = "200 text/html; charset=utf-8" &&
	test_grep "<a href=\"/health\">" page &&
	test_grep "<a href=\"/metrics\">" page
'

test_expect_success '/metrics has modscan_build_info with the version of --version' '
	curl -sf -m 5 "http://127.0.0.1:$PORT/metrics" >metrics &&
	v=$(modscan --version | sed -n "1s/^modscan \([^ ]*\) .*/\1/p") &&
	test -n "$v" &&
	test_grep "^# TYPE modscan_build_info gauge$" metrics &&
	test_grep "^modscan_build_info{version=\"$v\"} 1$" metrics &&
	modscan status --prometheus --config "$CONF" >prom &&
	test_grep "^modscan_build_info{version=\"$v\"} 1$" prom
'

test_expect_success 'PORT alone stays on 127.0.0.1' '
	p2=$(test_free_port) &&
	{ "$MODSCAN" status --serve "$p2" --config "$CONF" >serve2.out 2>&1 & } &&
	srv2=$! &&
	test_wait_for 10 grep -q "^serving /health and /metrics on http://127.0.0.1:$p2$" serve2.out &&
	kill -TERM "$srv2" && wait "$srv2"
'

test_expect_success 'the status text says why it stopped, never "stopped: stopped"' '
	echo "D1 127.0.0.1 $(test_free_port) e6000" >closed.devices &&
	RUN_DIR=$TRASH/once test_expect_code 1 modscan scan --once --quiet \
		--devices closed.devices --config "$CONF" 2>/dev/null &&
	RUN_DIR=$TRASH/once test_expect_code 1 modscan status --config "$CONF" >st &&
	test_grep "^state: *stopped: after one sweep$" st &&
	test_grep -v "stopped: stopped" st
'

test_expect_success 'the NRPE way under the units: another user in the status group reads that directory as its RUN_DIR, RUN_DIR stays 0700' '
	snippet=$SRC_DIR/contrib/nagios/modscan-nrpe.cfg &&
	test_grep "^command\[check_modscan\]=/usr/bin/modscan status --nagios --config /etc/modscan/nagios.conf$" "$snippet" &&
	# the test root is private: another user needs a directory of its own
	d=$(mktemp -d /tmp/modscan-nrpe.XXXXXX) &&
	echo "$d" >nrpe.dir && chmod 755 "$d" &&
	cp "$MODSCAN" "$d/modscan" &&
	mkdir -m 0700 "$d/run" && mkdir -m 0750 "$d/st" && chgrp nogroup "$d/st" &&
	printf "RUN_DIR=%s\nSTATUS_FILE=%s\nPID_FILE=%s\nDEVICES_FILE=/dev/null\n" \
		"$d/run" "$d/st/status.json" "$d/st/scan.pid" >"$d/n.conf" &&
	chmod 644 "$d/n.conf" &&
	test_grep "^#  *RUN_DIR=/var/lib/modscan-status$" "$snippet" &&
	printf "RUN_DIR=%s\n" "$d/st" >"$d/nagios.conf" &&
	chmod 644 "$d/nagios.conf" &&
	{ env -u RUN_DIR "$MODSCAN" scan --config "$d/n.conf" >nscan.out 2>&1 & } &&
	pid=$! && echo $pid >nrpe.pid &&
	test_wait_for 20 test -s "$d/st/status.json" &&
	# no device: WARNING (exit 1); what counts is that it could read
	test_wait_for 20 sh -c "setpriv --reuid=65534 --regid=65534 \
		--clear-groups env -u RUN_DIR \"$d/modscan\" status --nagios \
		--config \"$d/nagios.conf\" >nagios.out; \
		grep -q \"^MODSCAN [A-Z]* - .*pid $pid is \" nagios.out" &&
	test "$(stat -c %a "$d/run")" = 700 &&
	kill -TERM "$pid" && wait "$pid"
'

test_done
