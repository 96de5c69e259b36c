#!/usr/bin/env bash
# 'make deps': install the Debian packages xen-lite needs (idempotent) and
# fetch Debian's libfdt-dev for the target architectures into build/debian.
set -euo pipefail
srctree=$(cd "$(dirname "$0")/.." && pwd)

pkgs=(
	make gcc libc6-dev git python3 python3-kconfiglib
	gcc-riscv64-linux-gnu gcc-aarch64-linux-gnu
	qemu-system-misc qemu-system-arm opensbi
	libfdt-dev device-tree-compiler
	clang libclang-rt-14-dev clang-format
	spin gnuplot-nox gdb-multiarch cpio xz-utils zstd
	apt dpkg ca-certificates
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
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
