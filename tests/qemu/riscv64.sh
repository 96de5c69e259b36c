#!/usr/bin/env bash
# RISC-V boot tests: xen-lite alone on QEMU virt with 1 and 4 harts (every
# CPU must come online and QEMU must exit 0), and a hart without the H
# extension (a clear panic and a non-zero exit).
#
# usage: tests/qemu/riscv64.sh [xen-lite.bin]
#   Builds build/riscv64 when no image is given.
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
suite=riscv64
bin=${1:-}
if [ -z "$bin" ]; then
	out=$srctree/build/riscv64
	if [ ! -f "$out/.config" ]; then
		make -C "$srctree" O="$out" qemu-riscv64_defconfig >/dev/null || exit 1
	fi
	make -C "$srctree" O="$out" >/dev/null || exit 1
	bin=$out/xen-lite.bin
fi
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
. "$srctree/tests/lib/result.sh"

run_qemu() { # cpu smp logfile
	timeout 60 qemu-system-riscv64 -machine virt -cpu "$1" -smp "$2" \
		-m 256M -nodefaults -nographic -serial stdio -monitor none \
		-bios "$fw" -kernel "$bin" </dev/null >"$3" 2>&1
}

for smp in 1 4; do
	name=boot_smp$smp
	run_qemu rv64 $smp "$log/$name"
	rc=$?
	why=""
	for ((c = 0; c < smp; c++)); do
		grep -q "CPU$c online" "$log/$name" || why="CPU$c not online"
	done
	grep -q "$smp CPUs online" "$log/$name" || why="${why:-no '$smp CPUs online' line}"
	grep -q "boot complete" "$log/$name" || why="${why:-no boot complete line}"
	[ $rc -eq 0 ] || why="${why:-QEMU exit status $rc}"
	[ -z "$(stall_lines "$log/$name")" ] || why="${why:-$(stall_lines "$log/$name")}"
	if [ -z "$why" ]; then
		result $name ok
	else
		result $name fail "$why"
		sed 's/^/    /' "$log/$name" | tail -20
	fi
done

name=no_h_extension
run_qemu rv64,h=false 1 "$log/$name"
rc=$?
if grep -q "H extension not present" "$log/$name" && [ $rc -ne 0 ]; then
	result $name ok
else
	result $name fail "expected the H panic and a non-zero exit (got $rc)"
	sed 's/^/    /' "$log/$name" | tail -5
fi

echo "$suite: $passed passed, $failed failed"
[ $failed -eq 0 ]
