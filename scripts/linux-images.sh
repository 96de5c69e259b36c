#!/usr/bin/env bash
# Prepare the Debian Linux guest of './xen-lite demo' for ARCH: Debian's
# kernel and busybox-static fetched with scripts/debfetch.sh (private apt
# state), the marker initramfs, both copied to build/debian/ARCH/linux/
# (Image, initrd.img) where configs/domains/demo-3-linux.cfg finds them.
# The tests in tests/linux/ do the same as their first step.
#
# usage: scripts/linux-images.sh riscv64|arm64
set -euo pipefail
srctree=$(cd "$(dirname "$0")/.." && pwd)
arch=$1
case $arch in
riscv64)
	deb=$srctree/build/debian/riscv64
	out=$srctree/build/linux-riscv64
	mkdir -p "$out" "$deb/linux"
	kernel=$(ls "$deb"/root/boot/vmlinux-* 2>/dev/null | head -n 1 || true)
	if [ -z "$kernel" ] || [ ! -x "$deb/root/usr/bin/busybox" ]; then
		"$srctree/scripts/debfetch.sh" riscv64 trixie "$deb" busybox-static \
			'meta:linux-image-riscv64:linux-image-' >"$out/fetch.log" 2>&1 || {
			cat "$out/fetch.log" >&2
			exit 1
		}
		kernel=$(ls "$deb"/root/boot/vmlinux-* | head -n 1)
	fi
	"$srctree/tests/linux/riscv64-initramfs.sh" "$deb/root" "$out/initrd.gz"
	cp "$kernel" "$deb/linux/Image"
	cp "$out/initrd.gz" "$deb/linux/initrd.img"
	;;
arm64)
	. "$srctree/tests/linux/arm64-common.sh"
	arm64_linux_prepare
	;;
*)
	echo "usage: $0 riscv64|arm64" >&2
	exit 2
	;;
esac
echo "linux-images: build/debian/$arch/linux/{Image,initrd.img} ready"
