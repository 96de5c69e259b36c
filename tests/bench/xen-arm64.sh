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
# Linux side by side: the kernel, initramfs and workload of
# tests/bench/arm64-linux.sh as a dom0less domU of Xen (1 vCPU, 256 MiB,
# the same command line, its console on Xen's vpl011), on the same machine
# as xen-lite's run, against the same like-for-like native run (that
# script's; run alone, this script runs it first):
#   BENCH arm64.xen.linux_boot_ratio   machine time when the domU prints
#                                      its marker / native uptime at it
#   BENCH arm64.xen.linux_run_ratio    machine time at the domU's power-off
#                                      ("reboot: Power down") / native
#                                      uptime at its power-off
#   BENCH arm64.xen.workload_ratio     workload time, both timed with the
#                                      guest's counter
#   BENCH arm64.xen.linux_{boot,run}_ratio_machine  with machine time on
#                                      the native side too
#   BENCH arm64.xen.{linux_run,workload}_ratio_unseeded  against the same
#                                      native run without rng-seed and
#                                      kaslr-seed, as Xen's domU tree is
# each with xen-lite's figure of the same run beside it ("# ..." line).
# The machine time under Xen is the timestamp Xen's console puts on the
# domU's line (console_timestamps=boot): Xen's system time, which starts
# at Xen's timer initialisation a little after reset, so the Xen figures
# are lower bounds (in Xen's favour by at most that early boot). Xen gives
# a dom0less domU no rng-seed or kaslr-seed (xen-lite's domain and the
# native run have both): Linux then starts with its entropy pool empty and
# runs this workload about 9% slower, which is part of what the first
# figures measure; the _unseeded ones leave it out.
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

# lite NAME: xen-lite's figure arm64.NAME of this run (results of
# 'make bench' so far, or of the scripts this one ran itself).
lite() {
	local f files=()
	for f in "$srctree/build/bench/results.txt" "$out/xen-lite.txt"; do
		[ -f "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] &&
		awk -v n="arm64.$1" '$2 == n { v = $3 } END { if (v != "") print v }' \
			"${files[@]}"
}
: >"$out/xen-lite.txt"

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

# Linux as a dom0less domU (see the top). The console line timestamps
# are Xen's system time in seconds.
lx_out=$srctree/build/bench-arm64
# In 'make bench' arm64-linux.sh ran before this script (its figures are in
# the results, its native run in build/bench-arm64/); alone, run it now.
if [ -z "$(lite linux_run_ratio)" ] || [ ! -f "$lx_out/native.txt" ] ||
	[ "$lx_out/native.txt" -ot "$srctree/build/linux-arm64/initrd.gz" ]; then
	echo "# xen-lite's Linux figures not in build/bench/results.txt: running tests/bench/arm64-linux.sh"
	bash "$srctree/tests/bench/arm64-linux.sh" 2>&1 | grep '^BENCH' >>"$out/xen-lite.txt"
fi
if [ -f "$lx_out/native.txt" ] &&
	xen_bootargs="console_timestamps=boot guest_loglvl=all" \
		xen_done_re='DOM1: \[ *[0-9.]+\] reboot: Power down' \
		xen_boot "$out" linux 1 900 1 \
		"$srctree/build/linux-arm64/Image|256|1|console=ttyAMA0 quiet|$srctree/build/linux-arm64/initrd.gz"; then
	xts() { # the Xen timestamp of the domU's first line matching $1
		grep -aE "^\(XEN\) \[ *[0-9.]+\] DOM1: $1" "$out/linux.txt" | head -n 1 |
			sed 's/^(XEN) \[ *\([0-9.]*\)\].*/\1/'
	}
	nval() { # the first number after $1 in the native log
		grep -oE "$1 *[0-9.]+" "$lx_out/native.txt" | head -n 1 | grep -oE '[0-9.]+$'
	}
	x_up=$(xts XL-LINUX-UP)
	x_off=$(xts '\[ *[0-9.]+\] reboot: Power down')
	x_wl=$(grep -aoE 'DOM1: XL-LINUX-WORKLOAD [0-9.]+' "$out/linux.txt" | head -n 1 |
		grep -oE '[0-9.]+$')
	n_up=$(nval XL-LINUX-UP)
	n_wl=$(nval XL-LINUX-WORKLOAD)
	n_off=$(grep -oE '\[ *[0-9.]+\] reboot: Power down' "$lx_out/native.txt" |
		grep -oE '[0-9]+\.[0-9]+' | head -n 1)
	n_uctr=$(grep -a 'XL-LINUX-UP' "$lx_out/native.txt" | head -n 1 | awk '{ print $3 }')
	n_dup=$(nval XL-LINUX-DONE)
	n_dctr=$(grep -a 'XL-LINUX-DONE' "$lx_out/native.txt" | head -n 1 | awk '{ print $3 }')
	miss=""
	for v in x_up x_off x_wl n_up n_wl n_off n_uctr n_dup n_dctr; do
		[ -n "${!v}" ] || miss="$miss $v"
	done
	if [ -n "$miss" ]; then
		echo "xen-arm64: Linux figures missing:$miss; see ${out#"$srctree"/}/linux.txt" >&2
		rc=1
	else
		awk -v xu="$x_up" -v xo="$x_off" -v xw="$x_wl" -v nu="$n_up" \
			-v nw="$n_wl" -v no="$n_off" -v nuc="$n_uctr" -v ndu="$n_dup" \
			-v ndc="$n_dctr" -v hz=62500000 'BEGIN {
			ne = ndc / hz - ndu   # native kernel before its clock
			printf "# Xen: domU marker at %.4f s, power-off at %.4f s (Xen time), workload %.6f s\n", xu, xo, xw
			printf "BENCH arm64.xen.linux_boot_ratio %.3f x\n", xu / nu
			printf "BENCH arm64.xen.linux_run_ratio %.3f x\n", xo / no
			printf "BENCH arm64.xen.workload_ratio %.3f x\n", xw / nw
			printf "BENCH arm64.xen.linux_boot_ratio_machine %.3f x\n", xu / (nuc / hz)
			printf "BENCH arm64.xen.linux_run_ratio_machine %.3f x\n", xo / (no + ne)
		}' | tee "$out/linux-xen.txt"
		# Xen gives the domU no rng-seed or kaslr-seed; Linux without them
		# runs this workload about 9% slower. The same native run without
		# the seeds (arm64-linux.sh's machine line and tree, minus
		# the two properties) tells that apart from Xen's own cost.
		cp "$lx_out/native.dtb" "$out/native-unseeded.dtb" &&
			fdtput -d "$out/native-unseeded.dtb" /chosen rng-seed &&
			fdtput -d "$out/native-unseeded.dtb" /chosen kaslr-seed &&
			qemu_machine arm64 --smp 1 --mem 256M --machine-opt virtualization=off &&
			timeout 900 "${qemu_cmd[@]}" -icount shift=0,sleep=off -seed 1 \
				-kernel "$srctree/build/linux-arm64/Image" \
				-initrd "$srctree/build/linux-arm64/initrd.gz" \
				-append "console=ttyAMA0 quiet" -dtb "$out/native-unseeded.dtb" \
				</dev/null 2>&1 | tr -d '\r' >"$out/native-unseeded.txt"
		u_off=$(grep -oE '\[ *[0-9.]+\] reboot: Power down' "$out/native-unseeded.txt" |
			grep -oE '[0-9]+\.[0-9]+' | head -n 1)
		u_wl=$(grep -aoE 'XL-LINUX-WORKLOAD [0-9.]+' "$out/native-unseeded.txt" |
			head -n 1 | grep -oE '[0-9.]+$')
		if [ -n "$u_off" ] && [ -n "$u_wl" ]; then
			awk -v xo="$x_off" -v xw="$x_wl" -v uo="$u_off" -v uw="$u_wl" 'BEGIN {
				printf "# native without seeds: power-off %.4f s, workload %.6f s\n", uo, uw
				printf "BENCH arm64.xen.linux_run_ratio_unseeded %.3f x\n", xo / uo
				printf "BENCH arm64.xen.workload_ratio_unseeded %.3f x\n", xw / uw
			}'
		else
			echo "xen-arm64: the native run without seeds failed; see ${out#"$srctree"/}/native-unseeded.txt" >&2
			rc=1
		fi
		for f in linux_boot_ratio linux_run_ratio workload_ratio \
			linux_boot_ratio_machine linux_run_ratio_machine; do
			echo "# arm64.$f: xen-lite $(lite "$f"), Xen $(awk -v n="arm64.xen.$f" '$2 == n { print $3 }' "$out/linux-xen.txt")"
		done
	fi
else
	rc=1
fi

# The xen-lite figures of this run, or (run alone) of a run of their
# scripts now.
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
