#!/usr/bin/env bash
# Every C source and header in the tree is clang-format clean
# (.clang-format: Linux kernel style). 'make format' fixes them.
# Then: no import cycles among the .c files of common/ (import-cycles.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
bad=()
while IFS= read -r f; do
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files '*.c' '*.h')
passed=0
failed=0
if [ ${#bad[@]} -eq 0 ]; then
	echo "ok format.clang-format"
	passed=1
else
	echo "FAIL format.clang-format: ${#bad[@]} files need 'make format': ${bad[*]:0:10}"
	failed=1
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
tests/format/import-cycles.sh | tee "$out"
passed=$((passed + $(grep -c '^ok ' "$out")))
failed=$((failed + $(grep -c '^FAIL ' "$out")))
echo "format: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
