#!/usr/bin/env bash
# No import cycles among the .c files of a source tree other than through
# declared hooks (scripts/import-cycles.py: "A imports B" when A's object
# refers to a function or global variable B's object defines (--data), read
# with the cross nm from the objects of build/ARCH; arch_* and the hooks
# listed in the script are seams, not imports).
#
# IMPORT_CYCLE_SCOPES: the ARCH:DIR pairs checked (both arch trees are
# clean since the mirrored file map of issue 15).
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
suite=format.import_cycles
scopes=${IMPORT_CYCLE_SCOPES:-"riscv64:common arm64:common riscv64:arch/riscv arm64:arch/arm"}
. "$srctree/tests/lib/result.sh"
checker=$srctree/scripts/import-cycles.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The checker itself: a cycle between two objects is found and named; a
# call through a declared hook is not an import.
printf 'void b(void);\nvoid a(void) { b(); }\n' >"$tmp/a.c"
printf 'void a(void);\nvoid arch_x(void);\nvoid b(void) { a(); arch_x(); }\n' >"$tmp/b.c"
printf 'void b(void);\nvoid arch_x(void) { b(); }\n' >"$tmp/c.c"
mkdir -p "$tmp/cyc" "$tmp/hook"
for f in a b c; do
	gcc -c -o "$tmp/cyc/$f.o" "$tmp/$f.c" || exit 1
done
cp "$tmp/cyc/b.o" "$tmp/cyc/c.o" "$tmp/hook/"
out=$(/usr/bin/python3 "$checker" "$tmp/cyc" 2>&1)
rc=$?
if [ $rc -eq 1 ] && grep -q 'import cycle among a.c, b.c:' <<<"$out" &&
	! grep -qF 'c.c' <<<"$out" &&
	/usr/bin/python3 "$checker" "$tmp/hook" >/dev/null 2>&1; then
	result checker ok
else
	result checker fail "expected the a.c/b.c cycle alone (got status $rc: $out)"
fi

for scope in $scopes; do
	arch=${scope%%:*}
	dir=${scope#*:}
	case $arch in
	riscv64) nm=riscv64-linux-gnu-nm ;;
	arm64) nm=aarch64-linux-gnu-nm ;;
	*)
		result "$scope" fail "unknown architecture $arch"
		continue
		;;
	esac
	out_dir=$srctree/build/$arch
	name=$arch.${dir//\//.}
	if [ ! -f "$out_dir/.config" ] &&
		! make -C "$srctree" O="$out_dir" "qemu-${arch}_defconfig" >"$tmp/build.log" 2>&1; then
		result "$name" fail "cannot configure build/$arch: $(tail -1 "$tmp/build.log")"
		continue
	fi
	if ! make -C "$srctree" O="$out_dir" >"$tmp/build.log" 2>&1; then
		result "$name" fail "build/$arch does not build: $(tail -1 "$tmp/build.log")"
		continue
	fi
	if /usr/bin/python3 "$checker" --nm "$nm" --src "$srctree/$dir" --data \
		"$out_dir/$dir" >"$tmp/out" 2>&1; then
		result "$name" ok
	else
		result "$name" fail "$(head -1 "$tmp/out") (scripts/import-cycles.py)"
		sed 's/^/    /' "$tmp/out"
	fi
done
echo "import-cycles: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
