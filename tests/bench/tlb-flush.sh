#!/usr/bin/env bash
# Balloon-out round trip with the stage-2 flush it implies, on a 4-vCPU
# domain, measured by the guest (tests/bench/flush.c) under QEMU with
# -icount shift=0,sleep=off (1 ns of virtual time per instruction).
# Prints, for each architecture,
#   BENCH <arch>.balloon_out_ns <n> ns         decrease of one page, only
#                                               vCPU0 ever ran (the flush
#                                               is local; baseline)
#   BENCH <arch>.balloon_out_shared_cpu_ns <n> ns
#                                               the same after vCPUs 1-3
#                                               touched the page, the four
#                                               vCPUs time-sharing one CPU
#                                               (-smp 1)
#   BENCH <arch>.balloon_out_16_pages_ns <n> ns
#                                               decrease of 16 pages in one
#                                               call (one flush), only
#                                               vCPU0 ever ran (-smp 1)
# and on Arm, where QEMU runs -smp 4 under icount (vCPUs pinned to CPUs 0-3),
#   BENCH arm64.balloon_out_smp4_ns <n> ns     only vCPU0 ever ran (baseline
#                                               of the same run)
#   BENCH arm64.balloon_out_remote_ns <n> ns   after vCPUs 1-3 touched the
#                                               page on CPUs 1-3
# With icount, QEMU 7.2 does not start the secondary RISC-V harts (xen-lite
# reports "CPU1 did not come up" after 10 s of virtual time), so RISC-V has
# -smp 4 figures (riscv64.balloon_out_smp4_ns, riscv64.balloon_out_remote_ns)
# only on QEMU 10 (XL_QEMU=10); see docs/benchmarks.md.
#
# usage: tests/bench/tlb-flush.sh [ARCH...]   (default: riscv64 arm64)
set -uo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/bench/lib/guest.sh
. "$srctree/tests/bench/lib/guest.sh"
bench_setup tlb-flush "$@"
rounds=200

# run ARCH SMP CPUS: one 4-vCPU domain; sets $txt.
run() {
	local arch=$1 smp=$2 cpus=$3 st
	cat >"$out/flush-$arch-smp$smp.cfg" <<EOC
name = "flush"
kernel = "flush-$arch.bin"
memory = 8
vcpus = 4
cpus = $cpus
cmdline = "rounds=$rounds shutdown=std"
EOC
	"$srctree/xen-lite" run --arch "$arch" --smp "$smp" --mem 256M \
		--qemu-arg -icount --qemu-arg shift=0,sleep=off \
		--timeout 600 "$out/flush-$arch-smp$smp.cfg" </dev/null \
		>"$out/run-$arch-smp$smp.log" 2>&1
	st=$?
	txt=$out/run-$arch-smp$smp.txt
	tr -d '\r' <"$out/run-$arch-smp$smp.log" >"$txt"
	if [ "$st" -ne 0 ] || grep -q '^\[flush\] FAIL' "$txt"; then
		echo "tlb-flush: $arch -smp $smp: exit status $st; see ${txt#"$srctree"/}" >&2
		grep -a 'FAIL\|crashed\|PANIC\|did not' "$txt" | head -5 >&2
		rc=1
		return 1
	fi
}

# figure NAME KEY: "BENCH <arch>.NAME" from the guest's "FLUSH KEY" line.
figure() {
	local v
	v=$(sed -n "s/^\[flush\] FLUSH $2 \([0-9]*\)\$/\1/p" "$txt" | tail -1)
	if [ -n "$v" ]; then
		echo "BENCH $arch.$1 $v ns"
	else
		echo "tlb-flush: $arch: no '$2' in ${txt#"$srctree"/}" >&2
		rc=1
	fi
}

# The spread of a phase, as a comment.
spread() { # key
	echo "# $arch $2 $1: min $(sed -n "s/^\[flush\] FLUSH $1_min_ns //p" "$txt") ns, max $(sed -n "s/^\[flush\] FLUSH $1_max_ns //p" "$txt") ns over $rounds calls"
}

for arch in "${arches[@]}"; do
	bench_guest "$arch" "$srctree/tests/bench/flush.c" "$out" || {
		rc=1
		continue
	}
	if run "$arch" 1 '"all"'; then
		figure balloon_out_ns local_ns
		figure balloon_out_shared_cpu_ns others_ns
		figure balloon_out_16_pages_ns batch16_ns
		spread local "-smp 1"
		spread batch16 "-smp 1"
		spread others "-smp 1"
	fi
	# RISC-V -smp 4 only on QEMU 10: 7.2 does not start the secondary
	# harts under icount (above).
	[ "$arch" = arm64 ] || [ "${XL_QEMU:-}" = 10 ] || continue
	if run "$arch" 4 '[0, 1, 2, 3]'; then
		figure balloon_out_smp4_ns local_ns
		figure balloon_out_remote_ns others_ns
		spread local "-smp 4"
		spread others "-smp 4"
	fi
done
exit $rc
