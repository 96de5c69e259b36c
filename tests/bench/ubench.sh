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
out=${BENCH_OUT:-$srctree/build/bench/ubench}
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(riscv64 arm64)
mkdir -p "$out"
rc=0

# shellcheck source=tests/bench/lib/guest.sh
. "$srctree/tests/bench/lib/guest.sh"

for arch in "${arches[@]}"; do
	bench_guest "$arch" "$srctree/tests/bench/ubench.c" "$out" || {
		rc=1
		continue
	}
	cat >"$out/ubench-$arch.cfg" <<EOC
name = "ubench"
kernel = "ubench-$arch.bin"
memory = 8
vcpus = 1
cpus = [0]
cmdline = "shutdown=std"
EOC
	"$srctree/xen-lite" run --arch "$arch" --smp 1 --mem 256M --icount \
		--timeout 300 "$out/ubench-$arch.cfg" </dev/null \
		>"$out/run-$arch.log" 2>&1
	st=$?
	tr -d '\r' <"$out/run-$arch.log" >"$out/run-$arch.txt"
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
