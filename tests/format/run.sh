#!/usr/bin/env bash
# Every C source and header in the tree is clang-format clean
# (.clang-format: Linux kernel style). 'make format' fixes them.
set -uo pipefail
cd "$(dirname "$0")/../.."
bad=()
while IFS= read -r f; do
	clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files '*.c' '*.h')
if [ ${#bad[@]} -eq 0 ]; then
	echo "ok format.clang-format"
	echo "format: 1 passed, 0 failed"
else
	echo "FAIL format.clang-format: ${#bad[@]} files need 'make format': ${bad[*]:0:10}"
	echo "format: 0 passed, 1 failed"
	exit 1
fi
