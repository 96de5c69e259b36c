#!/usr/bin/env bash
# World switch between two domains on one CPU, on both architectures,
# measured by the guests (tests/bench/switch.c) under QEMU with
# -icount shift=0,sleep=off -smp 1 (1 ns of virtual time per instruction:
# the figures are instruction counts and do not depend on the host).
# Prints
#   BENCH <arch>.world_switch_ns <n> ns   two 1-vCPU domains on CPU 0 that
#                                          take turns by blocking in WFI
#                                          with a timer deadline: one switch
#   BENCH <arch>.vcpu_switch_ns <n> ns    the same between the two vCPUs of
#                                          one domain on CPU 0 (no stage-2
#                                          or VMID change)
#   BENCH <arch>.wfi_resume_ns <n> ns     baseline: one domain alone, WFI
#                                          with its timer already due (the
#                                          exit and the resume, no switch)
#
# usage: tests/bench/world-switch.sh [ARCH...]   (default: riscv64 arm64)
set -uo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/bench/lib/guest.sh
. "$srctree/tests/bench/lib/guest.sh"
bench_setup world-switch "$@"
iters=2000

# cfg FILE NAME ARCH CMDLINE [VCPUS]
cfg() {
	cat >"$1" <<EOC
name = "$2"
kernel = "switch-$3.bin"
memory = 8
vcpus = ${5:-1}
cmdline = "$4 iters=$iters shutdown=std"
EOC
}

# switch_figure NAME AWAY1 BUSY1 AWAY2 BUSY2: each away span holds two
# switches and the other side's busy span.
switch_figure() {
	if [ -n "$2" ] && [ -n "$3" ] && [ -n "$4" ] && [ -n "$5" ]; then
		echo "# $arch $1: away $2 + $4 ns, busy $3 + $5 ns, $iters iterations each"
		echo "BENCH $arch.$1 $((($2 + $4 - $3 - $5) / (4 * iters))) ns"
	else
		echo "world-switch: $arch $1: missing figures in ${txt#"$srctree"/}" >&2
		rc=1
	fi
}

# boot ARCH RUN CFG...: run the domains on one CPU; sets $txt.
boot() {
	local arch=$1 run=$2 st
	shift 2
	"$srctree/xen-lite" run --arch "$arch" --smp 1 --mem 256M \
		--qemu-arg -icount --qemu-arg shift=0,sleep=off \
		--timeout 300 "$@" </dev/null >"$out/$run-$arch.log" 2>&1
	st=$?
	txt=$out/$run-$arch.txt
	tr -d '\r' <"$out/$run-$arch.log" >"$txt"
	if [ "$st" -ne 0 ] || grep -q '^\[[^]]*\] FAIL' "$txt"; then
		echo "world-switch: $arch $run: exit status $st; see ${txt#"$srctree"/}" >&2
		grep -a 'FAIL\|crashed\|PANIC' "$txt" | head -5 >&2
		rc=1
		return 1
	fi
}

# value DOMAIN NAME: the guest's "SWITCH NAME value" line.
value() {
	sed -n "s/^\[$1\] SWITCH $2 \([0-9]*\)\$/\1/p" "$txt" | tail -1
}

for arch in "${arches[@]}"; do
	bench_guest "$arch" "$srctree/tests/bench/switch.c" "$out" || {
		rc=1
		continue
	}
	cfg "$out/pp-a-$arch.cfg" pp-a "$arch" "mode=pingpong"
	cfg "$out/pp-b-$arch.cfg" pp-b "$arch" "mode=pingpong"
	if boot "$arch" pingpong "$out/pp-a-$arch.cfg" "$out/pp-b-$arch.cfg"; then
		switch_figure world_switch_ns \
			"$(value pp-a pingpong_away_ns)" \
			"$(value pp-a pingpong_busy_ns)" \
			"$(value pp-b pingpong_away_ns)" \
			"$(value pp-b pingpong_busy_ns)"
	fi
	cfg "$out/pp-v-$arch.cfg" pp-v "$arch" "mode=pingpong-vcpus" 2
	if boot "$arch" pingpong-vcpus "$out/pp-v-$arch.cfg"; then
		switch_figure vcpu_switch_ns \
			"$(value pp-v vcpu0_away_ns)" \
			"$(value pp-v vcpu0_busy_ns)" \
			"$(value pp-v vcpu1_away_ns)" \
			"$(value pp-v vcpu1_busy_ns)"
	fi
	cfg "$out/wfi-$arch.cfg" wfi "$arch" "mode=wfi"
	if boot "$arch" wfi "$out/wfi-$arch.cfg"; then
		v=$(value wfi wfi_resume_ns)
		if [ -n "$v" ]; then
			echo "BENCH $arch.wfi_resume_ns $v ns"
		else
			echo "world-switch: $arch wfi: no figure" >&2
			rc=1
		fi
	fi
done
exit $rc
