#!/usr/bin/env bash
# The hypervisor on a device tree with a broken memory description: it must
# stop with one clear line naming the problem and QEMU must exit non-zero
# (never hang). The trees are QEMU's own with one property changed.
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
suite=baddtb
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$srctree/tests/lib/result.sh"

build() {
	local arch=$1
	local out=$srctree/build/$arch
	[ -f "$out/.config" ] || make -s -C "$srctree" O="$out" "qemu-${arch}_defconfig" >/dev/null
	make -s -C "$srctree" O="$out" >/dev/null
}

qemu_args() {
	case $1 in
	riscv64) echo "qemu-system-riscv64 -machine virt -cpu rv64 -smp 2 -m 256M -nodefaults -nographic -serial stdio -monitor none -bios $fw" ;;
	arm64) echo "qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 -cpu cortex-a72 -smp 2 -m 256M -nodefaults -nographic -serial stdio -monitor none -semihosting-config enable=on,target=native" ;;
	esac
}

# case name, arch, dtc edit (sed on the source), expected message
check() {
	local name=$1 arch=$2 edit=$3 expect=$4
	local base=$tmp/$arch.dtb
	local args
	args=$(qemu_args "$arch")
	if [ ! -f "$base" ]; then
		${args/virt/virt,dumpdtb=$base} >/dev/null 2>&1
		if [ "$arch" = arm64 ]; then
			${args/virtualization=on/virtualization=on,dumpdtb=$base} >/dev/null 2>&1
		fi
	fi
	dtc -q -I dtb -O dts -o "$tmp/$name.dts" "$base" 2>/dev/null
	sed -i "$edit" "$tmp/$name.dts"
	dtc -q -I dts -O dtb -o "$tmp/$name.dtb" "$tmp/$name.dts" 2>/dev/null
	timeout 60 $args -kernel "$srctree/build/$arch/xen-lite.bin" \
		-dtb "$tmp/$name.dtb" </dev/null >"$tmp/$name.log" 2>&1
	local rc=$?
	if [ $rc -eq 124 ]; then
		result "$arch.$name" fail "hung (timeout)"
	elif [ $rc -eq 0 ]; then
		result "$arch.$name" fail "QEMU exited 0"
	elif ! grep -q "boot failed: $expect" "$tmp/$name.log"; then
		result "$arch.$name" fail "no '$expect' line: $(tail -n 2 "$tmp/$name.log" | tr '\n' ' ')"
	else
		result "$arch.$name" ok
	fi
}

# QEMU's Arm loader rewrites /memory itself, and OpenSBI needs /cpus, so
# some cases exist on one architecture only.
for arch in riscv64 arm64; do
	build "$arch" || { result "$arch.build" fail "build failed"; continue; }
	case $arch in
	riscv64) ram=0x88000000 ;;
	arm64) ram=0x48000000 ;;
	esac
	check overlapping-reserved "$arch" \
		"s|^/dts-v1/;|/dts-v1/;\\n/memreserve/ $ram 0x10000;\\n/memreserve/ $((ram + 0x8000)) 0x10000;|" \
		"device tree: overlapping reserved regions"
	if [ "$arch" = riscv64 ]; then
		check no-memory "$arch" 's/device_type = "memory";/device_type = "notmemory";/' \
			"device tree: no memory node in the device tree"
		check bad-reg "$arch" '/memory@/,/}/ s/reg = <\(.*\)>;/reg = <0x00 0x01>;/' \
			"device tree: malformed reg in memory node"
	else
		check no-cpus "$arch" 's/device_type = "cpu";/device_type = "nocpu";/' \
			"device tree: no enabled CPU in /cpus"
	fi
done
echo "$suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
