#!/usr/bin/env bash
# The hypervisor on a device tree with a broken memory description: it must
# stop with one clear line naming the problem and QEMU must exit non-zero
# (never hang). The trees are QEMU's own with one property changed.
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
suite=baddtb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$srctree/tests/lib/result.sh"
. "$srctree/tests/lib/qemu.sh"

# case name, arch, dtc edit (sed on the source), expected message
check_tree() {
	local name=$1 arch=$2 edit=$3 expect=$4
	local base=$tmp/$arch.dtb
	if [ ! -f "$base" ]; then
		qemu_tree "$arch" "$base" --smp 2 --mem 256M 2>"$tmp/$arch.err" || {
			fail "$arch.$name" "no tree from QEMU: $(tr '\n' ' ' <"$tmp/$arch.err")"
			return
		}
	fi
	dtc -q -I dtb -O dts -o "$tmp/$name.dts" "$base" 2>/dev/null
	sed -i "$edit" "$tmp/$name.dts"
	dtc -q -I dts -O dtb -o "$tmp/$name.dtb" "$tmp/$name.dts" 2>/dev/null
	xl_boot 60 "$tmp/$name.log" --arch "$arch" --smp 2 --mem 256M \
		--dtb "$tmp/$name.dtb"
	local rc=$?
	if [ $rc -eq 124 ]; then
		fail "$arch.$name" "hung (timeout)"
	elif [ $rc -eq 0 ]; then
		fail "$arch.$name" "QEMU exited 0"
	elif ! grep -q "boot failed: $expect" "$tmp/$name.log"; then
		fail "$arch.$name" "no '$expect' line: $(tail -n 2 "$tmp/$name.log" | tr '\n' ' ')"
	else
		ok "$arch.$name"
	fi
}

# QEMU's Arm loader rewrites /memory itself, and OpenSBI needs /cpus, so
# some cases exist on one architecture only.
for arch in riscv64 arm64; do
	xl_hyp_build "$arch" || { fail "$arch.build" "build failed"; continue; }
	case $arch in
	riscv64) ram=0x88000000 ;;
	arm64) ram=0x48000000 ;;
	esac
	check_tree overlapping-reserved "$arch" \
		"s|^/dts-v1/;|/dts-v1/;\\n/memreserve/ $ram 0x10000;\\n/memreserve/ $((ram + 0x8000)) 0x10000;|" \
		"device tree: overlapping reserved regions"
	if [ "$arch" = riscv64 ]; then
		check_tree no-memory "$arch" 's/device_type = "memory";/device_type = "notmemory";/' \
			"device tree: no memory node in the device tree"
		check_tree bad-reg "$arch" '/memory@/,/}/ s/reg = <\(.*\)>;/reg = <0x00 0x01>;/' \
			"device tree: malformed reg in memory node"
	else
		check_tree no-cpus "$arch" 's/device_type = "cpu";/device_type = "nocpu";/' \
			"device tree: no enabled CPU in /cpus"
	fi
done
summary
