#!/bin/sh
# RUN_DIR on a 1 MiB tmpfs, database down and up: the integration test
# t2320-scan-full-disk, as an experiment.
. "$(dirname "$0")/../integration/test-lib.sh"
. "$SRC_DIR/tests/chaos/lib-chaos.sh"

if cases=$(chaos_integration t2320-scan-full-disk); then ok=1; else ok=0; fi
chaos_result full-disk "$cases cases of t2320-scan-full-disk passed" $ok
