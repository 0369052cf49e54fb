#!/bin/sh
# The /health and /metrics endpoint under 64 parallel clients and a
# slowloris crowd of 200 idle connections: every request answered; the
# slowest /health answer among the crowd is a figure (target 50 ms).
. "$(dirname "$0")/../integration/test-lib.sh"
. "$TEST_DIR/lib-watch.sh"
. "$SRC_DIR/tests/chaos/lib-chaos.sh"

CONF=$TRASH/s.conf
watch_conf "$CONF"
port=$(test_free_port)
"$MODSCAN" status --serve "127.0.0.1:$port" --config "$CONF" >serve.out 2>&1 &
srv=$!
test_atexit "kill $srv"
test_wait_for 10 grep -q "^serving " serve.out ||
	chaos_result http-load "the server did not start" 0
reqs=$(chaos_n 100 10)
/usr/bin/python3 "$TEST_DIR/http-load.py" "$port" load 64 "$reqs" >load.out
/usr/bin/python3 "$TEST_DIR/http-load.py" "$port" slowloris 200 \
	"$(chaos_n 100 10)" >slow.out
cat load.out slow.out
# load.out: sent= answered= failed= max_ms=; slow.out: idle= held= checks=
# answered= max_ms=
eval "$(sed 's/ /\n/g' load.out | sed 's/^/L_/')"
eval "$(sed 's/ /\n/g' slow.out | sed 's/^/S_/')"
ok=0
[ "$L_failed" = 0 ] && [ "$S_answered" = "$S_checks" ] &&
	kill -0 "$srv" && ok=1
chaos_result http-load "64 clients: $L_answered/$L_sent answered, slowest ${L_max_ms} ms; slowloris $S_idle idle: /health $S_answered/$S_checks answered, slowest ${S_max_ms} ms (target 50 ms: $([ "$S_max_ms" -le 50 ] && echo met || echo missed))" $ok
