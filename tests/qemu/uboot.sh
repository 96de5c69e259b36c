#!/usr/bin/env bash
# A real client nobody here wrote: Debian's S-mode U-Boot (package
# u-boot-qemu) as a xen-lite domain on RISC-V, as the raw u-boot.bin (placed
# where QEMU's own -kernel puts a raw image, RAM base + 2 MiB) and as the
# ELF. Each case reaches the prompt, runs 'sbi' (it must list every SBI
# extension arch/riscv/vsbi.c serves whose name this U-Boot knows),
# 'version', and 'poweroff' (QEMU must exit 0).
#
# Arm: Debian's qemu_arm64 U-Boot is a -bios firmware that reads its device
# tree from the start of RAM; it fails the same way under QEMU's own -kernel
# ("No valid device tree binary found at 0x40000000"), so it is no case here.
#
# The console is driven like 'expect' does: QEMU's standard input is a FIFO
# that this script writes a command to once the output shows the prompt.
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
suite=uboot
dir=/usr/lib/u-boot/qemu-riscv64_smode
tmp=$(mktemp -d)
. "$srctree/tests/lib/result.sh"

pid=""
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	exec 3>&- 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# U-Boot's names of the SBI extensions (cmd/riscv/sbi.c), by our macro.
declare -A uboot_name=(
	[BASE]="SBI Base Functionality"
	[TIME]="Timer Extension"
	[IPI]="IPI Extension"
	[RFENCE]="RFENCE Extension"
	[HSM]="Hart State Management Extension"
	[SRST]="System Reset Extension"
	[PMU]="Performance Monitoring Unit Extension"
	[DBCN]="Debug Console Extension"
	[SUSP]="System Suspend Extension"
	[CPPC]="Collaborative Processor Performance Control Extension"
)

# The extensions the hypervisor says it has: the SBI_EXT_* labels of the
# probe_extension switch in vsbi.c.
served=$(sed -n '/case SBI_BASE_PROBE_EXT:/,/case SBI_BASE_GET_MVENDORID:/p' \
	"$srctree/arch/riscv/vsbi.c" | grep -oE 'case SBI_EXT_[A-Z0-9_]+' |
	sed 's/case SBI_EXT_//')

# wait_for PATTERN SECONDS: until the log past $mark has PATTERN (fixed
# string); sets $mark past it. Fails if QEMU exits or time runs out.
wait_for() {
	local t=$(($2 * 10)) off
	while [ $t -gt 0 ]; do
		off=$(tail -c +$((mark + 1)) "$log" | grep -abo -F -- "$1" | head -n 1 | cut -d: -f1)
		if [ -n "$off" ]; then
			mark=$((mark + off + ${#1}))
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

send() { printf '%s\n' "$1" >&3; }

check() { # name kernel
	local name=$1 kernel=$2 why="" rc out
	if [ ! -f "$kernel" ]; then
		result "$name" fail "$kernel missing (make deps installs u-boot-qemu)"
		return
	fi
	cat >"$tmp/$name.cfg" <<EOF
name = "uboot"
kernel = "$kernel"
memory = 128
vcpus = 1
EOF
	log=$tmp/$name.log
	mark=0
	rm -f "$tmp/in"
	mkfifo "$tmp/in"
	timeout 120 "$srctree/xen-lite" run --arch riscv64 --smp 2 \
		"$tmp/$name.cfg" <"$tmp/in" >"$log" 2>&1 &
	pid=$!
	exec 3>"$tmp/in"
	if ! wait_for "Hit any key to stop autoboot" 60; then
		why="no autoboot prompt"
	else
		send ""
		wait_for "=> " 20 || why="no prompt"
	fi
	if [ -z "$why" ]; then
		send sbi
		if wait_for "=> " 20; then
			out=$(sed -n '/=> sbi/,$p' "$log")
			for e in $served; do
				[ -n "${uboot_name[$e]:-}" ] || continue
				# Only what this U-Boot has a name for.
				grep -aqF "${uboot_name[$e]}" "$kernel" || continue
				grep -qF "${uboot_name[$e]}" <<<"$out" ||
					why="${why:-'sbi' does not list ${uboot_name[$e]}}"
			done
			grep -qE "SBI [0-9]+\.[0-9]+" <<<"$out" ||
				why="${why:-'sbi' printed no SBI version}"
		else
			why="'sbi' did not return to the prompt"
		fi
	fi
	if [ -z "$why" ]; then
		send version
		if wait_for "=> " 20; then
			sed -n '/=> version/,$p' "$log" | grep "^\[uboot\] U-Boot 20" >/dev/null ||
				why="'version' printed no U-Boot version"
		else
			why="'version' did not return to the prompt"
		fi
	fi
	if [ -z "$why" ]; then
		send poweroff
	else
		kill "$pid" 2>/dev/null
	fi
	exec 3>&-
	wait "$pid"
	rc=$?
	pid=""
	if [ -z "$why" ]; then
		grep -q "shutdown: poweroff, code 0" "$log" || why="no poweroff shutdown"
		[ $rc -eq 0 ] || why="${why:-QEMU exit status $rc}"
	fi
	if [ -z "$why" ]; then
		result "$name" ok
	else
		result "$name" fail "$why"
		sed 's/^/    /' "$log" | tail -n 15
	fi
}

check riscv64.raw "$dir/u-boot.bin"
check riscv64.elf "$dir/uboot.elf"

echo "$suite: $passed passed, $failed failed"
[ $failed -eq 0 ]
