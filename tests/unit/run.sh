#!/usr/bin/env bash
# Host unit tests (ASan + UBSan).
set -uo pipefail
cd "$(dirname "$0")"
make -s all || { echo "FAIL unit.build"; exit 1; }
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
rc=0
for t in $(make -s list); do
	../../build/unit/"$t" || { rc=1; echo "FAIL unit.$t.exit"; }
done
exit $rc
