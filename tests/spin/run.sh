#!/usr/bin/env bash
# Model checking of the PV MMU page-type state machine (pv_mm.pml) and of
# its validations in pieces (pv_partial.pml: partial validation and the
# devalidation queue) with Debian's spin: every property must hold
# exhaustively, and every deliberately broken variant (-DBUGGY=n) must be
# caught. Prints one "ok spin.NAME" / "FAIL spin.NAME" line per check,
# then the summary.
#
# pv_partial.pml runs in its short configuration (-DSHORT: fixed roles
# for the two table frames, budgets of 1, 2 or unlimited checkpoints;
# about 670,000 states, 11 s). SPIN_LONG=1 ('make test-spin-long') runs
# the whole configuration instead (every value in every entry, budgets
# of 1 to 4 checkpoints or unlimited).
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

# build NAME MODEL [cpp flags] -> $work/NAME/pan
build() {
	local name=$1 model=$2 safety=
	shift 2
	# No LTL claim in pv_partial.pml: assertions only, a faster search.
	[ "$model" = pv_partial ] && safety=-DSAFETY
	mkdir -p "$work/$name"
	(cd "$work/$name" && spin "$@" -a "$here/$model.pml" >spin.log 2>&1 &&
		gcc -O2 -DVECTORSZ=2048 $safety "$@" -o pan pan.c >>spin.log 2>&1)
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

short=-DSHORT
[ "${SPIN_LONG:-0}" = 1 ] && short=
for b in main:pv_mm: noclaim:pv_mm:-DNOCLAIM buggy1:pv_mm:-DBUGGY=1 \
	buggy2:pv_mm:-DBUGGY=2 buggy3:pv_mm:-DBUGGY=3 \
	partial:pv_partial:$short \
	partial_buggy1:pv_partial:"-DSHORT -DBUGGY=1" \
	partial_buggy2:pv_partial:"-DSHORT -DBUGGY=2" \
	partial_buggy3:pv_partial:"-DSHORT -DBUGGY=3" \
	partial_buggy4:pv_partial:"-DSHORT -DBUGGY=4"; do
	IFS=: read -r name model flags <<<"$b"
	# shellcheck disable=SC2086
	build "$name" "$model" $flags || {
		fail build "spin or gcc failed on $name (see $work/$name/spin.log)"
		summary
		exit 1
	}
done

names=(no_writable_table no_use_after_free counts_in_range
	teardown_and_assertions buggy_writable_table_found
	buggy_balloon_use_after_free_found buggy_count_underflow_found
	partial_counts_tables_termination partial_buggy_abandon_leak_found
	partial_buggy_writable_queued_found partial_buggy_no_drain_found
	partial_buggy_resume_from_start_found)
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
check buggy_count_underflow_found buggy3 fail -N counts_in_range &
# Partial validation and the devalidation queue: every assertion (exact
# counts, no writable table, progress), teardown from every state.
check partial_counts_tables_termination partial pass
# Its broken variants (each found within a few hundred steps).
check partial_buggy_abandon_leak_found partial_buggy1 fail
check partial_buggy_writable_queued_found partial_buggy2 fail
check partial_buggy_no_drain_found partial_buggy3 fail
check partial_buggy_resume_from_start_found partial_buggy4 fail
wait

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
