#!/usr/bin/env bash
# libFuzzer harnesses (tests/fuzz/fuzz_*.c, clang, ASan + UBSan).
#
# usage: tests/fuzz/run.sh [SECONDS] [HARNESS...]
#        FUZZ_EXECS=N tests/fuzz/run.sh [HARNESS...]
#
# With FUZZ_EXECS, each harness runs for N executions instead of a time
# ('make fuzz-long': 10^7 each, the long campaign of docs/robustness.md),
# capped at FUZZ_SECONDS_CAP seconds when that is set (the result line
# then says how many it got through).
#
# Builds every harness into build/fuzz/bin/, then runs each one for
# SECONDS (default 15, what 'make test' uses; 'make fuzz' passes
# FUZZ_SECONDS, default 600) on its working corpus build/fuzz/corpus/NAME/,
# seeded from tests/fuzz/corpus/NAME/ and kept between runs so long runs
# accumulate coverage; with FUZZ_EXECS also from tests/fuzz/campaign/NAME/,
# the merged corpus a long campaign left when it stopped short of 10^7 (the
# next run resumes from it). Harnesses run FUZZ_JOBS at a time (default:
# one per CPU, at most 4). Each harness prints "ok fuzz.NAME (...)" with its
# execution count, or "FAIL fuzz.NAME" with the path of the input that
# crashed it, kept in build/fuzz/crashes/NAME/. Logs: build/fuzz/logs/.
# Reproduce a crash with: build/fuzz/bin/fuzz_NAME CRASH-FILE
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srctree=$(cd "$here/../.." && pwd)
secs=15
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
	secs=$1
	shift
fi
out=$srctree/build/fuzz
mkdir -p "$out/logs" "$out/corpus" "$out/crashes"

suite=fuzz
. "$srctree/tests/lib/result.sh"

if ! command -v "${FUZZCC:-clang}" >/dev/null; then
	fail build "${FUZZCC:-clang} not found (apt-get install clang libclang-rt-dev)"
	summary
	exit 1
fi
if ! make -s -C "$here" OUT="$out/bin" all >"$out/logs/build.log" 2>&1; then
	cat "$out/logs/build.log"
	fail build "see build/fuzz/logs/build.log"
	summary
	exit 1
fi

harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || read -r -a harnesses <<<"$(make -s -C "$here" list)"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# One harness; its result line (and details) go to build/fuzz/logs/NAME.result
# (it runs in a subshell: the lines are counted below).
run_one() {
	local h=$1 bin=$out/bin/fuzz_$1 log=$out/logs/$1.log
	local work=$out/corpus/$1 crashes=$out/crashes/$1
	local opts extra t0 rc t execs files crash where

	if [ ! -x "$bin" ]; then
		fail "$h" "no harness build/fuzz/bin/fuzz_$h"
		return
	fi
	mkdir -p "$work" "$crashes"
	[ -d "$here/corpus/$h" ] && cp -n "$here/corpus/$h"/* "$work"/ 2>/dev/null
	# A long campaign resumes from the corpus an earlier one left
	# (tests/fuzz/campaign/NAME/, docs/robustness.md "Long campaign").
	[ -n "${FUZZ_EXECS:-}" ] && [ -d "$here/campaign/$h" ] &&
		cp -n "$here/campaign/$h"/* "$work"/ 2>/dev/null
	local limit=$((secs + 120))
	if [ -n "${FUZZ_EXECS:-}" ]; then
		opts=(-runs="$FUZZ_EXECS")
		limit=$((${FUZZ_SECONDS_CAP:-864000} + 120))
		[ -z "${FUZZ_SECONDS_CAP:-}" ] ||
			opts+=(-max_total_time="$FUZZ_SECONDS_CAP")
	else
		opts=(-max_total_time="$secs")
	fi
	opts+=(-print_final_stats=1
	      -artifact_prefix="$crashes/" -timeout=10 -rss_limit_mb=2048)
	[ -f "$here/$h.dict" ] && opts+=(-dict="$here/$h.dict")
	if [ -f "$here/$h.options" ]; then
		read -r -a extra <"$here/$h.options"
		opts+=("${extra[@]}")
	fi
	t0=$(date +%s)
	timeout -k 10 "$limit" "$bin" "${opts[@]}" "$work" >"$log" 2>&1
	rc=$?
	t=$(($(date +%s) - t0))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	files=$(ls "$work" | wc -l)
	if [ "$rc" -eq 0 ]; then
		ok "$h (${execs:-?} executions in $t s, corpus $files inputs)"
		return
	fi
	# libFuzzer names the input it saved ("Test unit written to ...").
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
	if [ -n "$crash" ] && [ -f "$crash" ]; then
		where=${crash#"$srctree"/}
	else
		where="no crash file (exit status $rc)"
	fi
	fail "$h (${execs:-?} executions in $t s)" "$where"
	grep -m 3 -E 'ERROR: |SUMMARY: |check failed|not in a reserved|more than' "$log" |
		sed 's/^/    /'
	echo "    log: build/fuzz/logs/$h.log; reproduce: build/fuzz/bin/fuzz_$h $where"
}

# FUZZ_JOBS harnesses at a time (default: the number of CPUs, at most 4).
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -gt 4 ] && jobs=4
[ "$jobs" -ge 1 ] || jobs=1
pids=()
for h in "${harnesses[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	run_one "$h" >"$out/logs/$h.result" 2>&1 &
	pids+=($!)
done
wait
for h in "${harnesses[@]}"; do
	cat "$out/logs/$h.result"
	if grep -q '^ok ' "$out/logs/$h.result"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
summary
