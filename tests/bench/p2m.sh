#!/usr/bin/env bash
# p2m host benchmark: the real common/p2m*.c and PTE formats, built with
# -O2 and no sanitizers against the host page-allocator stand-in. Prints
# "BENCH <name> <value> <unit>" lines (see docs/benchmarks.md).
set -euo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
out=${BENCH_OUT:-$srctree/build/bench/p2m}
mkdir -p "$out"
cc=${HOSTCC:-gcc}
$cc -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
	-DXL_HOST_TEST -DCONFIG_NR_CPUS=8 -DCONFIG_P2M_POOL_DEFAULT_KB=0 \
	-I"$srctree/tests/unit/host" -I"$srctree/include" \
	-I"$srctree/tests/unit" \
	-o "$out/p2m_bench" \
	"$srctree/tests/bench/p2m_bench.c" \
	"$srctree/tests/unit/p2m_check.c" \
	"$srctree/tests/unit/host/p2m_fake.c" \
	"$srctree/common/p2m.c" "$srctree/common/p2m_pool.c" \
	"$srctree/common/p2m_types.c" "$srctree/common/p2m_vmid.c" \
	"$srctree/arch/riscv/p2m_format.c" "$srctree/arch/arm/p2m_format.c"
exec "$out/p2m_bench" "$@"
