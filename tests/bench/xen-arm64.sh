#!/usr/bin/env bash
# Xen side by side (arm64): the exit, switch and timer figures of
# xen-lite's benchmarks measured under Debian's Xen 4.17
# (xen-hypervisor-4.17-arm64, fetched by 'make deps' into build/debian/xen),
# booted by QEMU as xen-lite is, with the same test guests built for Xen
# (the tests/guests runtime with RT_XEN: console on Xen's vpl011, Xen's
# hypercall ABI) as dom0less domains: QEMU virt (GICv3,
# virtualization=on), cortex-a72, -smp 1, -icount shift=0,sleep=off, so
# every figure is an instruction count (tests/bench/lib/xen.sh).
#
# Prints, for each figure F that xen-lite's scripts print as arm64.F:
#   BENCH arm64.xen.F <n> ns        under Xen
#   BENCH arm64.xen.F_ratio <r> x   Xen over xen-lite, in the same run
# with F = null_hypercall_ns (Xen: xen_version, HVC #0xEA1; xen-lite:
# XL_HC_VERSION), fw_call_ns (PSCI_VERSION), mmio_read_ns (PL011 FR: Xen's
# vpl011, xen-lite's vPL011), world_switch_ns, vcpu_switch_ns,
# wfi_resume_ns (tests/bench/switch.c) and timer_irq_latency_ns
# (tests/bench/tlat.c). The xen-lite figures come from this 'make bench'
# run (build/bench/results.txt: ubench, world-switch and timer-latency run
# before this script); run alone, this script runs those three for arm64
# first.
#
# usage: tests/bench/xen-arm64.sh
set -uo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/bench/lib/guest.sh
. "$srctree/tests/bench/lib/guest.sh"
# shellcheck source=tests/lib/qemu.sh
. "$srctree/tests/lib/qemu.sh"
# shellcheck source=tests/bench/lib/xen.sh
. "$srctree/tests/bench/lib/xen.sh"
bench_setup xen-arm64
iters=2000

xen_image >/dev/null || exit 1
for p in ubench switch tlat; do
	bench_guest_bare arm64 "$srctree/tests/bench/$p.c" "$out" xen || exit 1
done

declare -A xen
# figure NAME VALUE: record a Xen figure (or fail without one).
figure() {
	if [ -n "$2" ]; then
		xen[$1]=$2
	else
		echo "xen-arm64: no Xen figure $1" >&2
		rc=1
	fi
}

if xen_boot "$out" ubench 1 300 1 "$out/ubench-xen-arm64.bin|16|1|"; then
	for f in null_hypercall fw_call mmio_read; do
		figure "${f}_ns" "$(xen_value "$out" ubench 1 UBENCH $f)"
	done
else
	rc=1
fi

# switch_ns AWAY1 BUSY1 AWAY2 BUSY2: as tests/bench/world-switch.sh.
switch_ns() {
	[ -n "$1" ] && [ -n "$2" ] && [ -n "$3" ] && [ -n "$4" ] &&
		echo $((($1 + $3 - $2 - $4) / (4 * iters)))
}
sw="|16|1|mode=pingpong iters=$iters"
if xen_boot "$out" pingpong 1 600 2 "$out/switch-xen-arm64.bin$sw" \
	"$out/switch-xen-arm64.bin$sw"; then
	figure world_switch_ns "$(switch_ns \
		"$(xen_value "$out" pingpong 1 SWITCH pingpong_away_ns)" \
		"$(xen_value "$out" pingpong 1 SWITCH pingpong_busy_ns)" \
		"$(xen_value "$out" pingpong 2 SWITCH pingpong_away_ns)" \
		"$(xen_value "$out" pingpong 2 SWITCH pingpong_busy_ns)")"
else
	rc=1
fi
if xen_boot "$out" pingpong-vcpus 1 600 1 \
	"$out/switch-xen-arm64.bin|16|2|mode=pingpong-vcpus iters=$iters"; then
	figure vcpu_switch_ns "$(switch_ns \
		"$(xen_value "$out" pingpong-vcpus 1 SWITCH vcpu0_away_ns)" \
		"$(xen_value "$out" pingpong-vcpus 1 SWITCH vcpu0_busy_ns)" \
		"$(xen_value "$out" pingpong-vcpus 1 SWITCH vcpu1_away_ns)" \
		"$(xen_value "$out" pingpong-vcpus 1 SWITCH vcpu1_busy_ns)")"
else
	rc=1
fi
if xen_boot "$out" wfi 1 300 1 \
	"$out/switch-xen-arm64.bin|16|1|mode=wfi iters=$iters"; then
	figure wfi_resume_ns "$(xen_value "$out" wfi 1 SWITCH wfi_resume_ns)"
else
	rc=1
fi
if xen_boot "$out" tlat 1 300 1 "$out/tlat-xen-arm64.bin|16|1|iters=500"; then
	figure timer_irq_latency_ns "$(xen_value "$out" tlat 1 TLAT median_ns)"
else
	rc=1
fi

# The xen-lite figures of this run, or (run alone) of a run of their
# scripts now.
results=$srctree/build/bench/results.txt
lite() {
	local f files=()
	for f in "$results" "$out/xen-lite.txt"; do
		[ -f "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] &&
		awk -v n="arm64.$1" '$2 == n { v = $3 } END { if (v != "") print v }' \
			"${files[@]}"
}
: >"$out/xen-lite.txt"
if [ -z "$(lite null_hypercall_ns)" ] || [ -z "$(lite world_switch_ns)" ] ||
	[ -z "$(lite timer_irq_latency_ns)" ]; then
	echo "# xen-lite figures not in build/bench/results.txt: running ubench, world-switch, timer-latency for arm64"
	for s in ubench world-switch timer-latency; do
		BENCH_OUT=$out/xen-lite-$s bash "$srctree/tests/bench/$s.sh" arm64 \
			2>&1 | grep '^BENCH' >>"$out/xen-lite.txt"
	done
fi

for f in null_hypercall_ns fw_call_ns mmio_read_ns world_switch_ns \
	vcpu_switch_ns wfi_resume_ns timer_irq_latency_ns; do
	[ -n "${xen[$f]:-}" ] || continue
	echo "BENCH arm64.xen.$f ${xen[$f]} ns"
	l=$(lite "$f")
	if [ -n "$l" ] && [ "$l" -gt 0 ]; then
		echo "# arm64.$f: xen-lite $l ns, Xen ${xen[$f]} ns"
		awk -v x="${xen[$f]}" -v l="$l" -v f="$f" \
			'BEGIN { sub(/_ns$/, "", f); printf "BENCH arm64.xen.%s_ratio %.2f x\n", f, x / l }'
	else
		echo "xen-arm64: no xen-lite figure arm64.$f to compare with" >&2
		rc=1
	fi
done
exit $rc
