#!/usr/bin/env bash
# Prepare the Debian Linux guest of './xen-lite demo' for ARCH: Debian's
# kernel and busybox-static fetched with scripts/debfetch.sh (private apt
# state), the marker initramfs, both copied to build/debian/ARCH/linux/
# (Image, initrd.img) where configs/domains/demo-3-linux.cfg finds them,
# and the disk example of docs/devices.md (initrd-disk.img, rootfs.img).
# The same preparation as the Linux tests and benchmarks
# (tests/lib/linux.sh).
#
# usage: scripts/linux-images.sh riscv64|arm64
set -euo pipefail
srctree=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:-}
case $arch in
riscv64 | arm64) ;;
*)
	echo "usage: $0 riscv64|arm64" >&2
	exit 2
	;;
esac
. "$srctree/tests/lib/linux.sh"
linux_prepare "$arch"
echo "linux-images: build/debian/$arch/linux/{Image,initrd.img,initrd-disk.img,rootfs.img} ready"
