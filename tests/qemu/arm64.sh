#!/usr/bin/env bash
# Arm boot tests: xen-lite alone on QEMU virt (GICv3, EL2) with 1 and 4
# CPUs (every CPU must come online and QEMU must exit 0), and a machine
# without EL2 (a clear panic and a non-zero exit through semihosting).
#
# usage: tests/qemu/arm64.sh [xen-lite.bin]
#   Builds build/arm64 when no image is given.
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
suite=arm64
bin=${1:-}
if [ -z "$bin" ]; then
	out=$srctree/build/arm64
	if [ ! -f "$out/.config" ]; then
		make -C "$srctree" O="$out" qemu-arm64_defconfig >/dev/null || exit 1
	fi
	make -C "$srctree" O="$out" >/dev/null || exit 1
	bin=$out/xen-lite.bin
fi
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
. "$srctree/tests/lib/result.sh"

run_qemu() { # virtualization smp logfile
	timeout 60 qemu-system-aarch64 \
		-machine virt,virtualization="$1",gic-version=3 \
		-cpu cortex-a72 -smp "$2" -m 512M \
		-nodefaults -nographic -serial stdio -monitor none \
		-semihosting-config enable=on,target=native \
		-kernel "$bin" </dev/null >"$3" 2>&1
}

for smp in 1 4; do
	name=boot_smp$smp
	run_qemu on $smp "$log/$name"
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

name=no_el2
run_qemu off 1 "$log/$name"
rc=$?
if grep -q "must be entered at EL2" "$log/$name" && [ $rc -ne 0 ]; then
	result $name ok
else
	result $name fail "expected the EL2 panic and a non-zero exit (got $rc)"
	sed 's/^/    /' "$log/$name" | tail -5
fi

echo "$suite: $passed passed, $failed failed"
[ $failed -eq 0 ]
