#!/usr/bin/env bash
# 'make test' and its parts. Each part is tests/<part>/run.sh; every test
# case prints "ok NAME" or "FAIL NAME" on a line of its own. This script
# runs the parts, keeps their logs in build/test-logs/, and ends with the
# plain line "N passed, N failed".
#
# Every part runs in the "fresh machine" view of tests/lib/fresh-ns.sh:
# files of installed packages that 'make deps' does not install are hidden,
# and the case "fresh.namespace" checks that the view is in place.
#
# usage: tests/run-all.sh [PART...]   (default: every part, in order)
set -uo pipefail
srctree=$(cd "$(dirname "$0")/.." && pwd)
cd "$srctree"
if [ -z "${XL_FRESH_NS:-}" ] && [ -z "${XL_FRESH_NS_ERR:-}" ]; then
	exec "$srctree/tests/lib/fresh-ns.sh" "$srctree/tests/run-all.sh" "$@"
fi
all_parts=(format unit cli spin qemu guests kconfig linux runtime platforms firsthour fuzz)
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=("${all_parts[@]}")
# Each part's limit: about four times the longest part's time on an idle
# 2-core machine (firsthour, ~200 s).
part_limit=${XL_PART_TIMEOUT:-900}
logdir=$srctree/build/test-logs
mkdir -p "$logdir"

passed=0
failed=0
t_all=$(date +%s)
if "$srctree/tests/lib/fresh-ns.sh" --check >"$logdir/fresh.log" 2>&1; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi
grep -E '^(ok|FAIL) ' "$logdir/fresh.log"
for part in "${parts[@]}"; do
	script=$srctree/tests/$part/run.sh
	if [ ! -x "$script" ]; then
		echo "FAIL $part.missing: tests/$part/run.sh does not exist"
		failed=$((failed + 1))
		continue
	fi
	echo "== $part"
	t0=$(date +%s)
	# A part that hangs fails here, and the other parts still run.
	timeout -k 30 "$part_limit" "$script" 2>&1 | tee "$logdir/$part.log"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok ' "$logdir/$part.log")
	f=$(grep -cE '^FAIL ' "$logdir/$part.log")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "FAIL $part.timeout: tests/$part/run.sh still ran after $part_limit s (XL_PART_TIMEOUT); stopped"
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
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
