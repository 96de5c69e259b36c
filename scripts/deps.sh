#!/usr/bin/env bash
# 'make deps': install the Debian packages xen-lite needs (idempotent) and
# fetch Debian's libfdt-dev for the target architectures into build/debian.
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
