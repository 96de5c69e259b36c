#!/usr/bin/env bash
# Benchmark (not a test): domain build time for a 1 GiB and a 4 GiB domain
# on both architectures, under QEMU with -icount shift=0 -smp 1 (virtual
# time = instructions, so the figures do not depend on the host). The
# figure is the hypervisor's own uptime between "boot complete" and "domain
# started" (p2m, RAM, kernel, device tree, vCPU). Baseline in the same run:
# the same build with CONFIG_RAM_ZEROED_AT_RESET=n, which clears every
# frame given to the domain.
# Prints
#   BENCH <arch>.domain_build_1g_ms <n> ms        (and _4g_)
#   BENCH <arch>.domain_build_1g_cleared_ms <n> ms (baseline, and _4g_)
#
# usage: tests/bench/domain-build.sh [ARCH...]   (default: riscv64 arm64)
set -uo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/bench/lib/guest.sh
. "$srctree/tests/bench/lib/guest.sh"
bench_setup domain-build "$@"

# build_dir ARCH DIR ZEROED(y|n)
build_hyp() {
	local arch=$1 dir=$2 zeroed=$3
	make -s -C "$srctree" O="$dir" "qemu-${arch}_defconfig" >/dev/null &&
		sed -i "s/^CONFIG_RAM_ZEROED_AT_RESET=.*/CONFIG_RAM_ZEROED_AT_RESET=$zeroed/; s/^# CONFIG_RAM_ZEROED_AT_RESET is not set/CONFIG_RAM_ZEROED_AT_RESET=$zeroed/" "$dir/.config" &&
		make -s -C "$srctree" O="$dir" olddefconfig >/dev/null &&
		make -s -C "$srctree" O="$dir" >/dev/null
}

# one ARCH BIN SIZE_MIB -> prints build time in ms (3 decimals)
one() {
	local arch=$1 bin=$2 mib=$3 log
	log=$out/$arch-$mib-$(basename "$(dirname "$bin")").log
	cat >"$out/big.cfg" <<CFG
name = "big"
kernel = "$srctree/build/guests/$arch/hello.bin"
memory = $mib
vcpus = 1
cmdline = "shutdown=xl"
CFG
	"$srctree/build/tools/xen-lite-cli" --root "$srctree" build --arch "$arch" \
		--smp 1 --mem $((mib + 1024))M -o "$out/bundle" "$out/big.cfg" >/dev/null || return 1
	# The bundle carries its hypervisor (paths relative to the bundle).
	cp "$bin" "$out/bundle/xen-lite.bin"
	(cd "$out/bundle" && timeout 600 $(cat qemu.cmdline) -icount shift=0) </dev/null >"$log" 2>&1
	awk '/boot complete at/ { for (i = 1; i <= NF; i++) if ($i == "at") b = $(i + 1) }
	     /\(big\) started at/ { for (i = 1; i <= NF; i++) if ($i == "at") s = $(i + 1) }
	     END { if (b == "" || s == "") exit 1; printf "%.3f\n", (s - b) / 1000 }' "$log"
}

"$srctree/xen-lite" --help >/dev/null 2>&1 # builds the CLI
for arch in "${arches[@]}"; do
	make -s -C "$srctree/tests/guests" ARCH="$arch" >/dev/null 2>&1 || { rc=1; continue; }
	for z in y n; do
		build_hyp "$arch" "$out/hyp-$arch-$z" $z || { rc=1; continue 2; }
	done
	for mib in 1024 4096; do
		g=$((mib / 1024))
		t=$(one "$arch" "$out/hyp-$arch-y/xen-lite.bin" $mib) || { rc=1; continue; }
		echo "BENCH $arch.domain_build_${g}g_ms $t ms"
		t=$(one "$arch" "$out/hyp-$arch-n/xen-lite.bin" $mib) || { rc=1; continue; }
		echo "BENCH $arch.domain_build_${g}g_cleared_ms $t ms"
	done
done
exit $rc
