#!/usr/bin/env bash
# PV MMU measured inside a guest (tests/guests/progs/pvmmu.c, mode=bench),
# both architectures, QEMU -icount shift=0 (1 ns of virtual time per
# instruction: the figures are instruction counts, identical run to run):
#   BENCH <arch>.pv_pin_1g_ns_per_entry   pinning a table set that maps
#                                         1 GiB with 4 KiB leaves, per
#                                         validated entry (512 L1 tables)
#   BENCH <arch>.pv_pin_1g_ms             the whole pin
#   BENCH <arch>.pv_unpin_1g_ms           unpinning it
#   BENCH <arch>.pv_batch512_ns_per_entry one 512-entry mmu_update
#   BENCH <arch>.pv_single_ns_per_entry   512 single-entry mmu_update calls
#   BENCH <arch>.pv_batch_speedup         the two above, single / batch
#   BENCH <arch>.pv_direct_write_ns       a direct store to a pinned table
#                                         (stage-2 fault, emulated update)
# usage: tests/bench/pv-guest.sh [ARCH...]   (default: riscv64 arm64)
set -uo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/bench/lib/guest.sh
. "$srctree/tests/bench/lib/guest.sh"
bench_setup pv-guest "$@"

for arch in "${arches[@]}"; do
	if ! make -s -C "$srctree/tests/guests" ARCH="$arch" \
		>"$out/guests-$arch.log" 2>&1; then
		echo "pv-guest: building the $arch test guests failed" >&2
		cat "$out/guests-$arch.log" >&2
		rc=1
		continue
	fi
	bench_run "$arch" "$out" pvbench "$srctree/build/guests/$arch/pvmmu.bin" \
		16 mode=bench 600
	st=$bench_status
	n=0
	while read -r name val; do
		case $name in
		pin_1g_tables) continue ;;
		pin_1g_ns | unpin_1g_ns)
			# Whole operations: in ms.
			name=${name%_ns}_ms
			val=$(awk -v v="$val" 'BEGIN { printf "%.3f", v / 1e6 }')
			unit=ms
			;;
		*_ns | *_ns_per_entry) unit=ns ;;
		*_speedup) unit=x ;;
		*) unit=- ;;
		esac
		echo "BENCH $arch.pv_$name $val $unit"
		n=$((n + 1))
	done < <(sed -n 's/.*PVBENCH \([a-z0-9_]*\) \([0-9.]*\).*/\1 \2/p' \
		"$out/run-$arch.txt")
	if [ "$n" -ne 7 ] || [ "$st" -ne 0 ] ||
		grep -aq '^\[pvbench\] FAIL' "$out/run-$arch.txt"; then
		echo "pv-guest: $arch run: exit status $st, $n figures; see ${out#"$srctree"/}/run-$arch.txt" >&2
		tail -n 20 "$out/run-$arch.txt" >&2
		rc=1
	fi
done
exit $rc
