#!/usr/bin/env bash
# Model checking of the PV MMU page-type state machine (pv_mm.pml) with
# Debian's spin: every property must hold exhaustively, and every
# deliberately broken variant (-DBUGGY=n) must be caught. Prints one
# "ok spin.NAME" / "FAIL spin.NAME" line per check, then the summary.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${SPIN_WORK:-$here/../../build/spin}
mkdir -p "$work"
suite=spin
. "$here/../lib/result.sh"

if ! command -v spin >/dev/null; then
	fail tool "spin is not installed (apt-get install spin)"
	summary
	exit 1
fi

# build NAME [cpp flags] -> $work/NAME/pan
build() {
	local name=$1
	shift
	mkdir -p "$work/$name"
	(cd "$work/$name" && spin "$@" -a "$here/pv_mm.pml" >spin.log 2>&1 &&
		gcc -O2 -DVECTORSZ=2048 "$@" -o pan pan.c >>spin.log 2>&1)
}

# check NAME DIR expect(pass|fail) pan-args... -> $work/NAME.res
check() {
	local name=$1 dir=$2 expect=$3 log errs
	shift 3
	log="$work/$dir/$name.log"
	(cd "$work/$dir" && ./pan -m2000000 "$@" >"$log" 2>&1)
	errs=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$log" | tail -1)
	if [ -z "$errs" ]; then
		fail "$name" "pan did not finish (see $log)"
	elif { [ "$expect" = pass ] && [ "$errs" = 0 ] &&
		! grep -q "search not completed\|max search depth too small" \
			"$log"; } ||
		{ [ "$expect" = fail ] && [ "$errs" != 0 ]; }; then
		ok "$name"
	else
		fail "$name" "errors=$errs, expected $expect (see $log)"
	fi >"$work/$name.res"
}

for b in main:"" noclaim:-DNOCLAIM buggy1:-DBUGGY=1 buggy2:-DBUGGY=2 \
	buggy3:-DBUGGY=3; do
	# shellcheck disable=SC2086
	build "${b%%:*}" ${b#*:} || {
		fail build "spin or gcc failed on ${b%%:*} (see $work/${b%%:*}/spin.log)"
		summary
		exit 1
	}
done

names=(no_writable_table no_use_after_free counts_in_range
	teardown_and_assertions buggy_writable_table_found
	buggy_balloon_use_after_free_found buggy_count_underflow_found)
rm -f "$work"/*.res
# Two at a time (the runner has two CPUs).
check no_writable_table main pass -N no_writable_table &
check no_use_after_free main pass -N no_use_after_free &
wait
check counts_in_range main pass -N counts_in_range &
# Assertions (no count below zero, teardown returns every count to zero
# and frees every frame) and no invalid end state (teardown completes).
check teardown_and_assertions noclaim pass &
wait
# A checker that cannot fail proves nothing: the broken variants.
check buggy_writable_table_found buggy1 fail -N no_writable_table &
check buggy_balloon_use_after_free_found buggy2 fail -N no_use_after_free &
wait
check buggy_count_underflow_found buggy3 fail -N counts_in_range

# Count the checks by their result files (most ran in subshells).
passed=0
failed=0
for n in "${names[@]}"; do
	if [ -f "$work/$n.res" ]; then
		cat "$work/$n.res"
		tally "$work/$n.res"
	else
		fail "$n" "no result"
	fi
done
summary
