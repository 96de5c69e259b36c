#!/usr/bin/env bash
# 'make deps': install the Debian packages xen-lite needs (idempotent),
# fetch Debian's libfdt-dev for the target architectures into build/debian,
# and QEMU 10.0.2 with OpenSBI 1.5.1 from Debian 12's bookworm-backports into
# build/debian/qemu10 ('xen-lite run --qemu 10', docs/platforms.md), and
# Debian 12's Xen 4.17 for arm64 into build/debian/xen (the hypervisor
# image only, measured side by side by tests/bench/xen-arm64.sh). The
# backports QEMU runs on Debian 12's own shared libraries, all of them in the
# closure of qemu-system-arm/-misc 7.2 below; the ldd check at the end names
# any that a later backports build might add, so it can be listed here.
# Without Recommends: whatever the tests need must be named here (the tests
# run in a view that hides every other package's files, tests/lib/fresh-ns.sh,
# which reads the list below).
#
# usage: scripts/deps.sh           install what is missing
#        scripts/deps.sh --check   exit 1 (naming them) if packages are missing
set -euo pipefail
srctree=$(cd "$(dirname "$0")/.." && pwd)

pkgs=(
	make gcc libc6-dev git python3 python3-kconfiglib
	gcc-riscv64-linux-gnu gcc-aarch64-linux-gnu
	qemu-system-misc qemu-system-arm opensbi u-boot-qemu
	libfdt-dev device-tree-compiler
	clang libclang-rt-14-dev clang-format
	spin gnuplot-nox gdb-multiarch cpio xz-utils zstd procps
	apt dpkg ca-certificates
)

qemu10=$srctree/build/debian/qemu10
qemu10_bins=(qemu-system-riscv64 qemu-system-aarch64)
qemu10_fw=usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

installed=" $(dpkg-query -W -f='${Package}:${Status} ' "${pkgs[@]}" 2>/dev/null |
	sed 's/:install ok installed / /g' || true) "
missing=()
for p in "${pkgs[@]}"; do
	[[ $installed == *" $p "* ]] || missing+=("$p")
done
if [ "${1:-}" = --check ]; then
	[ ${#missing[@]} -eq 0 ] || {
		echo "deps: missing ${missing[*]}"
		exit 1
	}
	for a in arm64 riscv64; do
		compgen -G "$srctree/build/debian/$a/root/usr/lib/*/libfdt.a" >/dev/null || {
			echo "deps: libfdt for $a missing"
			exit 1
		}
	done
	for b in "${qemu10_bins[@]}"; do
		[ -x "$qemu10/root/usr/bin/$b" ] || {
			echo "deps: QEMU 10 ($qemu10/root/usr/bin/$b) missing"
			exit 1
		}
	done
	[ -f "$qemu10/root/$qemu10_fw" ] || {
		echo "deps: OpenSBI 1.5.1 ($qemu10/root/$qemu10_fw) missing"
		exit 1
	}
	[ -f "$srctree/build/debian/xen/root/boot/xen-4.17-arm64" ] || {
		echo "deps: Xen 4.17 for arm64 (build/debian/xen) missing"
		exit 1
	}
	exit 0
fi
if [ ${#missing[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "deps: installing ${missing[*]}"
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
else
	echo "deps: Debian packages present"
fi

"$srctree/scripts/debfetch.sh" arm64 bookworm "$srctree/build/debian/arm64" libfdt-dev
"$srctree/scripts/debfetch.sh" riscv64 trixie "$srctree/build/debian/riscv64" libfdt-dev

# QEMU 10 for the platform matrix. CI reaches Debian's archive, so this is a
# hard dependency; without the network 'make deps' stops here, saying so.
"$srctree/scripts/debfetch.sh" "$(dpkg --print-architecture)" bookworm-backports "$qemu10" \
	qemu-system-riscv qemu-system-arm qemu-system-common qemu-system-data \
	opensbi || {
	echo "deps: fetching QEMU 10 and OpenSBI 1.5.1 from bookworm-backports failed (network to the Debian archive needed; see above)" >&2
	exit 1
}
# Xen 4.17 for arm64, the thing 'make bench' compares with (booted
# dom0less by QEMU: the image is all it needs).
"$srctree/scripts/debfetch.sh" arm64 bookworm "$srctree/build/debian/xen" \
	xen-hypervisor-4.17-arm64 || {
	echo "deps: fetching Debian's xen-hypervisor-4.17-arm64 failed (network to the Debian archive needed; see above)" >&2
	exit 1
}

for b in "${qemu10_bins[@]}"; do
	libs=$(ldd "$qemu10/root/usr/bin/$b" 2>&1 | awk '/not found/ { print $1 }')
	[ -z "$libs" ] || {
		echo "deps: $b (QEMU 10) needs shared libraries Debian 12 lacks here: $libs" >&2
		exit 1
	}
done
