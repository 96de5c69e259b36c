#!/usr/bin/env bash
# 'make test' and its parts. Each part is tests/<part>/run.sh; every test
# case prints "ok NAME" or "FAIL NAME" on a line of its own. This script
# runs the parts, keeps their logs in build/test-logs/, and ends with the
# plain line "N passed, N failed".
#
# usage: tests/run-all.sh [PART...]   (default: every part, in order)
set -uo pipefail
srctree=$(cd "$(dirname "$0")/.." && pwd)
cd "$srctree"
all_parts=(format unit cli spin qemu guests linux fuzz)
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=("${all_parts[@]}")
logdir=$srctree/build/test-logs
mkdir -p "$logdir"

passed=0
failed=0
t_all=$(date +%s)
for part in "${parts[@]}"; do
	script=$srctree/tests/$part/run.sh
	if [ ! -x "$script" ]; then
		echo "FAIL $part.missing: tests/$part/run.sh does not exist"
		failed=$((failed + 1))
		continue
	fi
	echo "== $part"
	t0=$(date +%s)
	"$script" 2>&1 | tee "$logdir/$part.log"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok ' "$logdir/$part.log")
	f=$(grep -cE '^FAIL ' "$logdir/$part.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $part.exit: tests/$part/run.sh exited with status $rc"
		f=1
	fi
	echo "== $part: $p passed, $f failed ($(($(date +%s) - t0)) s)"
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "== total time $(($(date +%s) - t_all)) s, logs in build/test-logs/"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
