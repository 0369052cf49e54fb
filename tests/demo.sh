#!/bin/sh
# make demo: the whole job end to end on this machine.  Starts a private
# MariaDB and a simulated CCAP fleet in a fresh directory, creates the
# schema, scans once, then lets the scanner run a few sweeps while the
# simulated time runs fast (so channels hop), writes the report, prints a
# summary and where everything is, and stops what it started.
set -u

SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
MODSCAN=$SRC_DIR/modscan
CCAPSIM=$SRC_DIR/tests/ccapsim/ccapsim
DEMO=$(mktemp -d /tmp/modscan-demo.XXXXXX) || exit 1
TRASH=$DEMO
TEST_ROOT=$DEMO
DEVICES=${DEMO_DEVICES:-36}
SWEEPS=${DEMO_SWEEPS:-3}
export TZ=${TZ:-UTC}

. "$SRC_DIR/tests/integration/lib-common.sh"

step() { printf '==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

. "$SRC_DIR/tests/integration/lib-mariadb.sh"
. "$SRC_DIR/tests/integration/lib-ccapsim.sh"

cd "$DEMO" || exit 1
step "private MariaDB in $DEMO/db"
mariadb_start >"$DEMO/mariadb.log" 2>&1 || die "MariaDB did not start (see $DEMO/mariadb.log)"
step "ccapsim: $DEVICES simulated CCAPs (E6000, Casa, cBR-8), time x120"
ccapsim_start --devices "$DEVICES" --family mix --upstreams 16 \
	--time-scale 120 || die "ccapsim did not start"

cat >modscan.conf <<EOC
# written by make demo
RUN_DIR=$DEMO/run
LOG_FILE=$DEMO/modscan.log
DEVICES_FILE=$CCAPSIM_INV
DB_HOST=127.0.0.1
DB_PORT=$DB_PORT
DB_NAME=$DB_NAME
DB_USER=$DB_USER
DB_PASSWORD=$DB_PASSWORD
SSH_USER=modscan
SSH_PASSWORD=modscan
SCAN_INTERVAL=10
CHECK_INTERVAL=1
REPORT_DIR=$DEMO/report
EOC
chmod 600 modscan.conf

step "modscan maintain --init"
"$MODSCAN" maintain --init --config modscan.conf || die "maintain --init failed"
step "modscan scan --once"
"$MODSCAN" scan --once --config modscan.conf || echo "   (some devices failed; see $DEMO/modscan.log)"
step "modscan scan, continuous, for $SWEEPS sweeps of 10 s"
"$MODSCAN" scan --config modscan.conf &
scan_pid=$!
test_atexit "kill $scan_pid"
sleep $((SWEEPS * 10 + 2))
kill -TERM $scan_pid
wait $scan_pid

q() { mariadb_sql "$1" ; }
devices=$(q "SELECT COUNT(DISTINCT device) FROM modscan.samples")
channels=$(q "SELECT COUNT(DISTINCT device, upstream) FROM modscan.samples")
samples=$(q "SELECT COUNT(*) FROM modscan.samples")
hops=$(q "SELECT COUNT(*) FROM (SELECT modulation, LAG(modulation) OVER
	(PARTITION BY device, upstream ORDER BY ts) AS prev
	FROM modscan.samples) h WHERE prev IS NOT NULL AND prev <> modulation")

if "$MODSCAN" report --help >/dev/null 2>&1 &&
   "$MODSCAN" report --today --config modscan.conf >report.out 2>&1; then
	html=$(ls "$DEMO"/report/*.html 2>/dev/null | head -n 1)
else
	html=
fi

echo
echo "modscan demo"
echo "  devices scanned:   $devices"
echo "  upstream channels: $channels"
echo "  samples stored:    $samples"
echo "  modulation hops:   $hops"
echo
echo "  files:             $DEMO"
echo "  configuration:     $DEMO/modscan.conf"
echo "  log:               $DEMO/modscan.log"
echo "  status file:       $DEMO/run/status.json"
[ -n "$html" ] && echo "  report (HTML):     $html"
[ -n "$html" ] || echo "  report:            see $DEMO/report.out"
echo
echo "MariaDB and ccapsim are stopped; the files stay for a look."
