#!/bin/sh
# core dump check (SIGSEGV, SIGABRT, RLIMIT_CORE, MODSCAN_COREDUMP): the
# integration test t2300-scan-coredump, as an experiment.
. "$(dirname "$0")/../integration/test-lib.sh"
. "$SRC_DIR/tests/chaos/lib-chaos.sh"

if cases=$(chaos_integration t2300-scan-coredump); then ok=1; else ok=0; fi
chaos_result coredump "$cases cases of t2300-scan-coredump passed" $ok
