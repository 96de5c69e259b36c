#!/usr/bin/env bash
# On-target micro-benchmarks (tests/bench/ubench.c): null hypercall,
# firmware call (SBI / PSCI) and MMIO emulation round trips, measured by a
# 1-vCPU test guest with the platform counter, on both architectures,
# under QEMU with -icount shift=0 (1 ns of virtual time per instruction, so
# the figures are instruction counts and do not depend on the host).
# Prints
#   BENCH <arch>.null_hypercall_ns <n> ns
#   BENCH <arch>.fw_call_ns <n> ns
#   BENCH <arch>.mmio_read_ns <n> ns
# The guest is linked with the runtime of tests/guests (built with
# 'make -C tests/guests ARCH=<arch>'); the hypervisor with 'make'.
#
# usage: tests/bench/ubench.sh [ARCH...]   (default: riscv64 arm64)
set -uo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/bench/lib/guest.sh
. "$srctree/tests/bench/lib/guest.sh"
bench_setup ubench "$@"

for arch in "${arches[@]}"; do
	bench_guest "$arch" "$srctree/tests/bench/ubench.c" "$out" || {
		rc=1
		continue
	}
	bench_run "$arch" "$out" ubench "ubench-$arch.bin" 8 shutdown=std 300
	st=$bench_status
	n=0
	while read -r name val; do
		echo "BENCH $arch.${name}_ns $val ns"
		n=$((n + 1))
	done < <(sed -n 's/.*UBENCH \([a-z_]*\) \([0-9]*\).*/\1 \2/p' \
		"$out/run-$arch.txt")
	if [ "$n" -ne 3 ] || [ "$st" -ne 0 ]; then
		echo "ubench: $arch run: exit status $st, $n figures; see ${out#"$srctree"/}/run-$arch.txt" >&2
		tail -n 20 "$out/run-$arch.txt" >&2
		rc=1
	fi
done
exit $rc
