#!/usr/bin/env bash
# PV MMU host benchmark (tests/bench/pv_mm_bench.c): pinning a table set
# that maps 1 GiB, and mmu_update as one 512-entry batch versus 512
# single-entry calls, all through do_hypercall(): the C path only, in
# host wall-clock time (pv-guest.sh measures the trap in a guest). The
# real common/pv_mm.c, arch/riscv/pv_format.c and common/hypercall.c,
# -O2, no sanitizers.
# Prints "BENCH <name> <value> <unit>" lines (docs/benchmarks.md).
set -euo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
out=${BENCH_OUT:-$srctree/build/bench/pv_mm}
mkdir -p "$out"
cc=${HOSTCC:-gcc}
$cc -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
	-DXL_HOST_TEST -DCONFIG_PV_MMU=1 \
	-include "$srctree/tests/unit/host/autoconf.h" \
	-I"$srctree/tests/unit/host" -I"$srctree/include" \
	-I"$srctree/tests/unit" \
	-o "$out/pv_mm_bench" \
	"$srctree/tests/bench/pv_mm_bench.c" \
	"$srctree/tests/unit/pv_mm_env.c" \
	"$srctree/tests/unit/host/xl_host_lib.c" \
	"$srctree/common/pv_mm.c" "$srctree/arch/riscv/pv_format.c" \
	"$srctree/arch/arm/pv_format.c" "$srctree/common/hypercall.c"
exec "$out/pv_mm_bench"
