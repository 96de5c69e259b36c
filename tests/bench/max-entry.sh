#!/usr/bin/env bash
# The longest hypervisor entry under the hostile-guest workloads of
# issue 14 (tests/bench/attack.c: PV MMU flip batches and multicalls over
# an L2 of 512 2 MiB leaves, 2 MiB balloon extents, a teardown of four
# such L2s), both architectures, one CPU, QEMU -icount shift=0 (1 ns of
# virtual time per instruction: the figure is an instruction count). The
# hypervisor's stall detector keeps the longest entry (a guest exit until
# the guest runs again, or one teardown step) and prints it at power-off.
#   BENCH <arch>.max_entry_us   target: under 1,000 (exit status 1 if not)
# usage: tests/bench/max-entry.sh [ARCH...]   (default: riscv64 arm64)
set -uo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/bench/lib/guest.sh
. "$srctree/tests/bench/lib/guest.sh"
bench_setup max-entry "$@"

for arch in "${arches[@]}"; do
	if ! bench_guest "$arch" "$srctree/tests/bench/attack.c" "$out"; then
		rc=1
		continue
	fi
	bench_run "$arch" "$out" attack "$out/attack-$arch.bin" 64 "" 600
	line=$(grep -a 'longest hypervisor entry:' "$out/run-$arch.txt" | tail -n 1)
	us=$(echo "$line" | sed -n 's/.*longest hypervisor entry: \([0-9]*\) us.*/\1/p')
	if [ "$bench_status" -ne 0 ] || [ -z "$us" ] ||
		grep -aq '^\[attack\] FAIL' "$out/run-$arch.txt" ||
		! grep -aq '^\[attack\] attack: [0-9]* passed, 0 failed' "$out/run-$arch.txt"; then
		echo "max-entry: $arch run: exit status $bench_status; see ${out#"$srctree"/}/run-$arch.txt" >&2
		tail -n 20 "$out/run-$arch.txt" >&2
		rc=1
		continue
	fi
	echo "# $arch: ${line#*\] }"
	echo "BENCH $arch.max_entry_us $us us"
	# Under icount the counter counts instructions: no host noise, so
	# the target is a hard limit here.
	if [ "$us" -ge 1000 ]; then
		echo "max-entry: $arch: the longest entry took $us us (target: under 1000)" >&2
		rc=1
	fi
done
exit $rc
