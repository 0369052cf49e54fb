# Helpers for the plant alert tests (source after test-lib.sh and
# lib-watch.sh): the T_ALERT prereq when tests/unit/t_alertsend is built
# (it queues events as the scanner does, ms_alert_events), $RUN made 0700,
# and ./hook, an ALERT_COMMAND that appends its stdin to $TRASH/got.
#
#   alert_queue CONF    events from stdin, one a line: KIND DEVICE UPSTREAM
#                       NODE MOD SINCE AT VALUE ("-" for an empty field)
#   alert_age           as if the last digest went out an interval ago

T_ALERT=$SRC_DIR/build/asan/tests/t_alertsend
test -x "$T_ALERT" && test_set_prereq T_ALERT
mkdir -m 700 "$RUN"
printf '#!/bin/sh\ncat >>"$HOME/got"\n' >"$TRASH/hook"
chmod +x "$TRASH/hook"

alert_queue() {
	"$T_ALERT" --config "$1" --queue
}

alert_age() {
	echo "$(( ($(date +%s) - 3601) * 1000 )) 0" >"$RUN/alerts/.rate-digest"
}
