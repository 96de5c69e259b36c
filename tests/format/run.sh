#!/usr/bin/env bash
# Every C source and header in the tree is clang-format clean
# (.clang-format: Linux kernel style). 'make format' fixes them.
# Then: no import cycles among the .c files of common/ (import-cycles.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
suite=format
. tests/lib/result.sh
bad=()
while IFS= read -r f; do
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files '*.c' '*.h')
if [ ${#bad[@]} -eq 0 ]; then
	ok clang-format
else
	fail clang-format "${#bad[@]} files need 'make format': ${bad[*]:0:10}"
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
tests/format/import-cycles.sh | tee "$out"
tally "$out"
summary
