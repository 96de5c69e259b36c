#!/usr/bin/env bash
# Virtual timer interrupt latency, guest-measured from the deadline the
# guest programmed to the first instruction of its interrupt handler
# (tests/bench/tlat.c), natively and under xen-lite, both architectures.
#
# icount figures (-icount shift=0,sleep=off -smp 1: 1 ns = 1 instruction,
# exact, identical on every run), the median of 500 samples:
#   BENCH <arch>.timer_irq_latency_native_ns   the guest alone on QEMU
#                                               (RISC-V S-mode on OpenSBI,
#                                               Arm EL1 without EL2)
#   BENCH <arch>.timer_irq_latency_ns          the same guest as a
#                                               1-vCPU domain of xen-lite
#   BENCH <arch>.timer_irq_overhead_ns         the difference
# Wall-clock figures (no icount, 2 host CPUs: host-dependent and noisy;
# 2000 samples each, median and 90th percentile):
#   BENCH <arch>.timer_irq_latency_native_wall_{median,p90}_ns
#                                               the guest alone on QEMU
#   BENCH <arch>.timer_irq_latency_wall_{median,p90}_ns
#                                               the domain on CPU 0, CPU 1
#                                               idle
#   BENCH <arch>.timer_irq_latency_loaded_{median,p90}_ns
#                                               the same while a second
#                                               domain on CPU 1 streams
#                                               through 2 MiB of memory
#                                               (tlat.c mode=load)
# IPI latency between two vCPUs of one domain on two CPUs (tlat.c
# mode=ipi: vCPU0 reads the counter and sends an IPI, Arm SGI / RISC-V
# SBI send_ipi; vCPU1 spins with interrupts on, its handler reads the
# counter; 2000 samples, wall clock, no icount):
#   BENCH <arch>.ipi_latency_native_wall_{median,p90}_ns
#                                               two CPUs of the bare
#                                               machine
#   BENCH <arch>.ipi_latency_wall_{median,p90}_ns
#                                               a 2-vCPU domain on CPUs 0
#                                               and 1
# (and a comment line: the most iterations vCPU1's loop made after a send
# had returned: 1 when each kick stops it at once, millions for a kick
# seen only at a later exit)
# and the same with vCPU1 waiting in WFI (idle=1: under xen-lite its CPU
# idles in the hypervisor, the IPI wakes it; 1000 samples):
#   BENCH <arch>.ipi_latency_idle_native_wall_{median,p90}_ns
#   BENCH <arch>.ipi_latency_idle_wall_{median,p90}_ns
#
# usage: tests/bench/timer-latency.sh [ARCH...]   (default: riscv64 arm64)
set -uo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/bench/lib/guest.sh
. "$srctree/tests/bench/lib/guest.sh"
# shellcheck source=tests/lib/qemu.sh
. "$srctree/tests/lib/qemu.sh"
bench_setup timer-latency "$@"
iters=500

# tlat_value FILE NAME: the guest's "TLAT NAME value" line.
tlat_value() {
	sed -n "s/.*TLAT $2 \([0-9]*\)\$/\1/p" "$1" | tail -1
}

# native ARCH [wall|ipi [ARGS]]: the guest on the bare machine (with a
# mode: 2 CPUs, no icount, that mode, ARGS added to its command line, the
# run's name with them); sets $txt.
native() {
	local arch=$1 tag=native${2:-}${3:+-${3%%=*}} log qa
	log=$out/$tag-$1.log
	qa=(-append "iters=$iters" -icount shift=0,sleep=off)
	[ -n "${2:-}" ] && qa=(-append "mode=$2 iters=${ipi_iters:-2000} ${3:-}")
	local mo=() smp=1
	[ -n "${2:-}" ] && smp=2
	# Arm natively: EL1 without EL2 (the guest is an EL1 program).
	[ "$arch" = arm64 ] && mo=(--machine-opt virtualization=off)
	qemu_machine "$arch" --smp "$smp" --mem 256M "${mo[@]}" ||
		return 1
	timeout 300 "${qemu_cmd[@]}" -kernel "$out/tlat-native-$arch.bin" \
		"${qa[@]}" </dev/null >"$log" 2>&1
	txt=$out/$tag-$arch.txt
	tr -d '\r' <"$log" >"$txt"
}

# wall ARCH RUN LOAD: two host CPUs, no icount; the tlat domain on CPU 0,
# with LOAD=1 the load domain on CPU 1. Sets $txt.
wall() {
	local arch=$1 run=$2 load=$3 cfgs=()
	cat >"$out/$run-$arch-tlat.cfg" <<EOC
name = "tlat"
kernel = "tlat-$arch.bin"
memory = 8
vcpus = 1
cpus = [0]
cmdline = "mode=wall iters=2000 start_ms=200 shutdown=std"
EOC
	cfgs=("$out/$run-$arch-tlat.cfg")
	if [ "$load" = 1 ]; then
		cat >"$out/$run-$arch-load.cfg" <<EOC
name = "load"
kernel = "tlat-$arch.bin"
memory = 8
vcpus = 1
cpus = [1]
cmdline = "mode=load load_ms=3000 shutdown=std"
EOC
		cfgs+=("$out/$run-$arch-load.cfg")
	fi
	"$srctree/xen-lite" run --arch "$arch" --smp 2 --mem 256M \
		--timeout 300 "${cfgs[@]}" </dev/null >"$out/$run-$arch.log" 2>&1
	txt=$out/$run-$arch.txt
	tr -d '\r' <"$out/$run-$arch.log" >"$txt"
}

for arch in "${arches[@]}"; do
	bench_guest "$arch" "$srctree/tests/bench/tlat.c" "$out" &&
		bench_guest_bare "$arch" "$srctree/tests/bench/tlat.c" "$out" native || {
		rc=1
		continue
	}
	native "$arch"
	n=$(tlat_value "$txt" median_ns)
	bench_run "$arch" "$out" tlat "tlat-$arch.bin" 8 \
		"iters=$iters shutdown=std" 300
	x=$(tlat_value "$out/run-$arch.txt" median_ns)
	if [ -z "$n" ] || [ -z "$x" ] || [ "$bench_status" -ne 0 ] ||
		grep -q 'FAIL' "$txt" "$out/run-$arch.txt"; then
		echo "timer-latency: $arch: no figure (native '$n', xen-lite '$x', status $bench_status); see ${out#"$srctree"/}/" >&2
		rc=1
	else
		echo "# $arch icount: native min/max $(tlat_value "$txt" min_ns)/$(tlat_value "$txt" max_ns), xen-lite min/max $(tlat_value "$out/run-$arch.txt" min_ns)/$(tlat_value "$out/run-$arch.txt" max_ns) ns"
		echo "BENCH $arch.timer_irq_latency_native_ns $n ns"
		echo "BENCH $arch.timer_irq_latency_ns $x ns"
		echo "BENCH $arch.timer_irq_overhead_ns $((x - n)) ns"
	fi
	native "$arch" wall
	m=$(tlat_value "$txt" median_ns)
	p=$(tlat_value "$txt" p90_ns)
	if [ -n "$m" ] && [ -n "$p" ]; then
		echo "# $arch native wall: min $(tlat_value "$txt" min_ns) mean $(tlat_value "$txt" mean_ns) max $(tlat_value "$txt" max_ns) ns"
		echo "BENCH $arch.timer_irq_latency_native_wall_median_ns $m ns"
		echo "BENCH $arch.timer_irq_latency_native_wall_p90_ns $p ns"
	else
		echo "timer-latency: $arch native wall-clock run: no figure; see ${txt#"$srctree"/}" >&2
		rc=1
	fi
	for l in 0 1; do
		wall "$arch" "wall$l" "$l"
		m=$(tlat_value "$txt" median_ns)
		p=$(tlat_value "$txt" p90_ns)
		if [ -z "$m" ] || [ -z "$p" ] || grep -q 'FAIL' "$txt" ||
			{ [ "$l" = 1 ] && ! grep -q 'TLAT load_passes' "$txt"; }; then
			echo "timer-latency: $arch wall-clock run $l: no figure; see ${txt#"$srctree"/}" >&2
			rc=1
			continue
		fi
		[ "$l" = 1 ] && what=loaded || what=wall
		echo "# $arch $what: min $(tlat_value "$txt" min_ns) mean $(tlat_value "$txt" mean_ns) max $(tlat_value "$txt" max_ns) ns; load passes $(tlat_value "$txt" load_passes)"
		echo "BENCH $arch.timer_irq_latency_${what}_median_ns $m ns"
		echo "BENCH $arch.timer_irq_latency_${what}_p90_ns $p ns"
	done
done

# report FILE NAME WHAT: median and p90 of a wall-clock run as NAME.
report() {
	local m p
	m=$(tlat_value "$1" median_ns)
	p=$(tlat_value "$1" p90_ns)
	if [ -n "$m" ] && [ -n "$p" ] && ! grep -q FAIL "$1"; then
		echo "# $2: min $(tlat_value "$1" min_ns) mean $(tlat_value "$1" mean_ns) max $(tlat_value "$1" max_ns) ns"
		echo "BENCH $2_median_ns $m ns"
		echo "BENCH $2_p90_ns $p ns"
	else
		echo "timer-latency: $2: no figure; see ${1#"$srctree"/}" >&2
		rc=1
	fi
}

# ipi_domain ARCH NAME ITERS [ARGS]: the 2-vCPU domain of mode=ipi on
# CPUs 0 and 1; sets $txt.
ipi_domain() {
	cat >"$out/$2-$1.cfg" <<EOC
name = "ipi"
kernel = "tlat-$1.bin"
memory = 8
vcpus = 2
cpus = [0, 1]
cmdline = "mode=ipi iters=$3 shutdown=std ${4:-}"
EOC
	"$srctree/xen-lite" run --arch "$1" --smp 2 --mem 256M \
		--timeout 300 "$out/$2-$1.cfg" </dev/null >"$out/$2-$1.log" 2>&1
	txt=$out/$2-$1.txt
	tr -d '\r' <"$out/$2-$1.log" >"$txt"
}

for arch in "${arches[@]}"; do
	[ -f "$out/tlat-native-$arch.bin" ] || continue
	native "$arch" ipi
	report "$txt" "$arch.ipi_latency_native_wall"
	ipi_domain "$arch" ipi 2000
	report "$txt" "$arch.ipi_latency_wall"
	r=$(tlat_value "$txt" ipi_run_after_send_max)
	# Not a figure: 1 when every kick stops the running target at once.
	[ -n "$r" ] && echo "# $arch ipi: vCPU1 ran at most $r loop iterations after a send returned"
	ipi_iters=1000 native "$arch" ipi idle=1
	report "$txt" "$arch.ipi_latency_idle_native_wall"
	ipi_domain "$arch" ipi-idle 1000 idle=1
	report "$txt" "$arch.ipi_latency_idle_wall"
done
exit $rc
