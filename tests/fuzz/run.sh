#!/usr/bin/env bash
# libFuzzer harnesses (tests/fuzz/fuzz_*.c, clang, ASan + UBSan).
#
# usage: tests/fuzz/run.sh [SECONDS] [HARNESS...]
#
# Builds every harness into build/fuzz/bin/, then runs each one for
# SECONDS (default 15, what 'make test' uses; 'make fuzz' passes
# FUZZ_SECONDS, default 600) on its working corpus build/fuzz/corpus/NAME/,
# seeded from tests/fuzz/corpus/NAME/ and kept between runs so long runs
# accumulate coverage. Each harness prints "ok fuzz.NAME (...)" with its
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

passed=0
failed=0
report() {
	echo "fuzz: $passed passed, $failed failed"
}

if ! command -v "${FUZZCC:-clang}" >/dev/null; then
	echo "FAIL fuzz.build: ${FUZZCC:-clang} not found (apt-get install clang libclang-rt-dev)"
	failed=1
	report
	exit 1
fi
if ! make -s -C "$here" OUT="$out/bin" all >"$out/logs/build.log" 2>&1; then
	cat "$out/logs/build.log"
	echo "FAIL fuzz.build: see build/fuzz/logs/build.log"
	failed=1
	report
	exit 1
fi

harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || read -r -a harnesses <<<"$(make -s -C "$here" list)"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for h in "${harnesses[@]}"; do
	bin=$out/bin/fuzz_$h
	log=$out/logs/$h.log
	work=$out/corpus/$h
	crashes=$out/crashes/$h
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz.$h: no harness build/fuzz/bin/fuzz_$h"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$work" "$crashes"
	[ -d "$here/corpus/$h" ] && cp -n "$here/corpus/$h"/* "$work"/ 2>/dev/null
	opts=(-max_total_time="$secs" -print_final_stats=1
	      -artifact_prefix="$crashes/" -timeout=10 -rss_limit_mb=2048)
	[ -f "$here/$h.dict" ] && opts+=(-dict="$here/$h.dict")
	[ -f "$here/$h.options" ] && read -r -a extra <"$here/$h.options" &&
		opts+=("${extra[@]}")
	before=$(ls "$crashes" | wc -l)
	t0=$(date +%s)
	timeout -k 10 $((secs + 120)) "$bin" "${opts[@]}" "$work" >"$log" 2>&1
	rc=$?
	t=$(($(date +%s) - t0))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	files=$(ls "$work" | wc -l)
	crash=$(ls -t "$crashes" 2>/dev/null | head -1)
	if [ "$rc" -eq 0 ]; then
		echo "ok fuzz.$h (${execs:-?} executions in $t s, corpus $files inputs)"
		passed=$((passed + 1))
	else
		if [ "$(ls "$crashes" | wc -l)" -gt "$before" ] && [ -n "$crash" ]; then
			where="build/fuzz/crashes/$h/$crash"
		else
			where="no crash file (exit status $rc)"
		fi
		echo "FAIL fuzz.$h (${execs:-?} executions in $t s): $where"
		grep -m 3 -E 'ERROR: |SUMMARY: |check failed|runtime error|not in a reserved' "$log" |
			sed 's/^/    /'
		echo "    log: build/fuzz/logs/$h.log; reproduce: build/fuzz/bin/fuzz_$h $where"
		failed=$((failed + 1))
	fi
done
report
[ "$failed" -eq 0 ]
