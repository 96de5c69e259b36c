#!/usr/bin/env bash
# Host unit tests (ASan + UBSan). Each program prints TAP (harness.h); its
# results become make test's lines: "ok N - NAME" -> "ok NAME", "not ok N -
# NAME" -> "FAIL NAME", diagnostics ("# ...") pass through. A program that
# does not finish its plan (1..N) or exits non-zero adds "FAIL
# unit.PROGRAM.plan" or "FAIL unit.PROGRAM.exit".
set -uo pipefail
cd "$(dirname "$0")" || exit 1
suite=unit
. ../lib/result.sh
make -s all || {
	fail build "the unit tests do not build"
	exit 1
}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
rc=0
for t in $(make -s list); do
	../../build/unit/"$t" | awk -v prog="$t" '
		/^TAP version / { next }
		/^1\.\.[0-9]+$/ { plan = substr($0, 4); next }
		/^ok [0-9]+ - / { sub(/^ok [0-9]+ - /, "ok "); print; n++; fflush(); next }
		/^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, "FAIL "); print; n++; fflush(); next }
		{ print; fflush() }
		END {
			if (plan == "")
				print "FAIL unit." prog ".plan: no TAP plan"
			else if (n != plan)
				print "FAIL unit." prog ".plan: " n " of " plan " tests ran"
			exit !(plan != "" && n == plan)
		}'
	st=("${PIPESTATUS[@]}")
	[ "${st[0]}" -eq 0 ] || echo "FAIL unit.$t.exit: exit status ${st[0]}"
	[ "${st[0]}" -eq 0 ] && [ "${st[1]}" -eq 0 ] || rc=1
done
exit $rc
