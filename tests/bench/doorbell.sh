#!/usr/bin/env bash
# Shared-memory doorbell round trip (docs/shared-memory.md, issue 17): two
# 1-vCPU domains share a region; the owner rings the borrower, which
# sleeps in WFI until the doorbell's interrupt, acknowledges it (claim /
# IAR, STATUS cleared, complete / EOI) and rings back; the owner times
# each round trip the same way (the test guest's mode=pingpong,
# tests/guests/progs/shm.c). Prints
#   BENCH <arch>.doorbell_rtt_ns <n> ns        both domains on one CPU under
#                                              -icount shift=0 (instructions:
#                                              does not depend on the host),
#                                              mean of 2000 round trips
#   BENCH <arch>.doorbell_rtt_world_switches <x> -  that round trip in units of
#                                              <arch>.world_switch_ns measured
#                                              by world-switch.sh in this run
#   BENCH <arch>.doorbell_rtt_wall_median_ns <n> ns  one domain per CPU on a
#                                              2-CPU host, wall-clock time:
#                                              the median of the per-run
#                                              medians of 3 runs of 2000
#   BENCH <arch>.doorbell_rtt_wall_p90_ns <n> ns     the largest of the
#                                              per-run 90th percentiles
# and, as comments, every run's median, 10th and 90th percentiles.
#
# usage: tests/bench/doorbell.sh [ARCH...]   (default: riscv64 arm64)
set -uo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/bench/lib/guest.sh
. "$srctree/tests/bench/lib/guest.sh"
bench_setup doorbell "$@"
iters=2000
wall_runs=3

# cfg FILE ROLE ARCH CPU
cfg() {
	cat >"$1" <<EOC
name = "pp-$2"
kernel = "$srctree/build/guests/$3/shm.bin"
memory = 8
vcpus = 1
cpus = [$4]
cmdline = "role=$2 mode=pingpong iters=$iters timeout_ms=120000 gpa=0x100000000 size=0x10000"
shm = [ "id=pingpong, size=64K, role=$2, gpa=0x100000000" ]
EOC
}

# boot ARCH RUN SMP [CLI options...]: the pair; sets $txt.
boot() {
	local arch=$1 run=$2 smp=$3 st
	shift 3
	"$srctree/xen-lite" run --arch "$arch" --smp "$smp" --mem 256M \
		--timeout 300 "$@" "$out/owner-$run-$arch.cfg" \
		"$out/borrower-$run-$arch.cfg" </dev/null >"$out/$run-$arch.log" 2>&1
	st=$?
	txt=$out/$run-$arch.txt
	tr -d '\r' <"$out/$run-$arch.log" >"$txt"
	if [ "$st" -ne 0 ] || grep -q '^\[[^]]*\] FAIL' "$txt"; then
		echo "doorbell: $arch $run: exit status $st; see ${txt#"$srctree"/}" >&2
		grep -a 'FAIL\|crashed\|PANIC' "$txt" | head -5 >&2
		rc=1
		return 1
	fi
}

# value NAME: the owner's "SHM NAME value" line.
value() {
	sed -n "s/^\[pp-owner\] SHM $1 \([0-9]*\)\$/\1/p" "$txt" | tail -1
}

for arch in "${arches[@]}"; do
	if ! make -s -C "$srctree/tests/guests" ARCH="$arch" >"$out/guests-$arch.log" 2>&1; then
		echo "doorbell: building the $arch test guests failed" >&2
		cat "$out/guests-$arch.log" >&2
		rc=1
		continue
	fi
	# One CPU, icount: both domains on CPU 0.
	cfg "$out/owner-icount-$arch.cfg" owner "$arch" 0
	cfg "$out/borrower-icount-$arch.cfg" borrower "$arch" 0
	rtt=""
	if boot "$arch" icount 1 --icount; then
		rtt=$(value rtt_mean_ns)
		if [ -n "$rtt" ]; then
			echo "# $arch icount: median $(value rtt_median_ns), p10 $(value rtt_p10_ns), p90 $(value rtt_p90_ns) ns"
			echo "BENCH $arch.doorbell_rtt_ns $rtt ns"
		else
			echo "doorbell: $arch icount: no figure in ${txt#"$srctree"/}" >&2
			rc=1
		fi
	fi
	# The world switch of this run, for the comparison.
	ws=$(BENCH_OUT=$out/world-switch bash "$srctree/tests/bench/world-switch.sh" "$arch" 2>&1 |
		sed -n "s/^BENCH $arch.world_switch_ns \([0-9]*\) ns\$/\1/p")
	if [ -n "$rtt" ] && [ -n "$ws" ] && [ "$ws" -gt 0 ]; then
		echo "# $arch: world_switch_ns $ws in this run"
		echo "BENCH $arch.doorbell_rtt_world_switches $(awk "BEGIN { printf \"%.1f\", $rtt / $ws }") -"
	else
		echo "doorbell: $arch: no world-switch figure to compare with" >&2
		rc=1
	fi
	# Two CPUs, wall-clock time: one domain per CPU.
	cfg "$out/owner-wall-$arch.cfg" owner "$arch" 0
	cfg "$out/borrower-wall-$arch.cfg" borrower "$arch" 1
	meds=() p90=0
	for r in $(seq "$wall_runs"); do
		boot "$arch" wall 2 || continue
		m=$(value rtt_median_ns)
		q=$(value rtt_p90_ns)
		[ -n "$m" ] && [ -n "$q" ] || continue
		echo "# $arch wall run $r: median $m, p10 $(value rtt_p10_ns), p90 $q, mean $(value rtt_mean_ns) ns"
		meds+=("$m")
		[ "$q" -le "$p90" ] || p90=$q
	done
	if [ ${#meds[@]} -eq "$wall_runs" ]; then
		med=$(printf '%s\n' "${meds[@]}" | sort -n | sed -n "$(((wall_runs + 1) / 2))p")
		echo "BENCH $arch.doorbell_rtt_wall_median_ns $med ns"
		echo "BENCH $arch.doorbell_rtt_wall_p90_ns $p90 ns"
	else
		echo "doorbell: $arch wall: ${#meds[@]} of $wall_runs runs gave figures" >&2
		rc=1
	fi
done
exit $rc
