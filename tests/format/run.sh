#!/usr/bin/env bash
# Every C source and header in the tree is clang-format clean
# (.clang-format: Linux kernel style; 'make format' fixes them), no
# script starts QEMU but through the CLI, and no import cycles among the .c
# files of common/ (import-cycles.sh).
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
# One place knows how to start QEMU: the CLI (tools/bundle.c
# machine_args()); the tests go through it (tests/lib/qemu.sh). A QEMU
# binary followed by options anywhere else is a second launcher
# (tests/cli checks the CLI's own command lines, so it may spell them).
launchers=$(git ls-files '*.sh' '*.py' 'Makefile' '*.mk' |
	grep -v '^tests/cli/run.sh$' |
	xargs grep -lE '(^|[[:space:]("=])qemu-system-(riscv64|aarch64)"?( +-[a-zA-Z]| +"\$| *\\$)' 2>/dev/null)
if [ -z "$launchers" ]; then
	ok one-qemu-launcher
else
	fail one-qemu-launcher "QEMU started outside the CLI (use tests/lib/qemu.sh): $(echo $launchers)"
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
tests/format/import-cycles.sh | tee "$out"
tally "$out"
summary
