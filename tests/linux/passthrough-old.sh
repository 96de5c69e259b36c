#!/usr/bin/env bash
# Debian Linux with passed-through devices (docs/passthrough.md), on each
# architecture given (default: riscv64 arm64): one domain whose root
# filesystem is an ext4 image the test makes (mkfs.ext4 -d), a read-only
# second disk and a NIC with a loopback port forward.
#
# The initramfs (Debian's kernel modules: virtio_mmio, virtio_blk, ext4 and
# what they need, virtio_net) mounts /dev/vda and switch_roots to it. The
# root filesystem's /sbin/init then:
#   - prints the checksum of a file the host wrote (pt_root_read),
#   - writes a file and syncs (pt_root_write: the host reads it from the
#     image with debugfs after the run, and compares),
#   - fails to write the read-only disk (pt_disk_ro; the host checks the
#     image unchanged too),
#   - serves a page from its disk with busybox httpd on port 80, which the
#     test fetches through the forward on 127.0.0.1 (pt_http),
#   - powers off when told "off" on its console (pt_poweroff).
# Every request of the disks and the NIC ends with the device's interrupt,
# forwarded by the hypervisor: nothing would complete without.
#
# usage: tests/linux/passthrough.sh [ARCH...]
# Environment: XL_LINUX_TIMEOUT (seconds per boot, default 600).
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
suite=linux-passthrough
timeout=${XL_LINUX_TIMEOUT:-600}
. "$srctree/tests/lib/result.sh"
. "$srctree/tests/lib/linux.sh"
. "$srctree/tests/lib/qemu.sh"

wait_for() { # log pattern seconds
	local i
	for ((i = 0; i < $3 * 2; i++)); do
		grep -aq "$2" "$1" && return 0
		sleep 0.5
	done
	return 1
}

# The initramfs: busybox, the modules, an /init that loads them, mounts
# /dev/vda and switch_roots to it.
make_initramfs() { # arch debroot out
	local arch=$1 debroot=$2 out=$3 work n p bb=""
	for p in "$debroot/bin/busybox" "$debroot/usr/bin/busybox"; do
		[ -x "$p" ] && bb=$p && break
	done
	[ -n "$bb" ] || return 1
	work=$(mktemp -d)
	mkdir -p "$work"/{bin,dev,proc,sys,newroot,lib/modules}
	cp "$bb" "$work/bin/busybox"
	ln -s busybox "$work/bin/sh"
	mknod "$work/dev/console" c 5 1
	linux_modules "$debroot" "$work" virtio_mmio virtio_blk crc32c_generic \
		ext4 virtio_net || {
		rm -rf "$work"
		return 1
	}
	cat >"$work/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /lib/modules/order); do
	insmod /lib/modules/$m.ko || echo "XL-PT-INSMOD-FAILED $m"
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if ! mount -t ext4 /dev/vda /newroot; then
	echo "XL-PT-MOUNT-FAILED"
	dmesg | tail -n 15
	od -A d -t x1 -j 1024 -N 128 /dev/vda
	poweroff -f
fi
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
INIT
	chmod +x "$work/init"
	(cd "$work" && find . | cpio -o -H newc --quiet | gzip -9) >"$out"
	n=$?
	rm -rf "$work"
	return $n
}

# The root filesystem (ext4, mkfs.ext4 -d): busybox, /sbin/init, a file
# from the host and the page httpd serves.
make_rootfs() { # debroot dir img
	local debroot=$1 dir=$2 img=$3 p bb=""
	for p in "$debroot/bin/busybox" "$debroot/usr/bin/busybox"; do
		[ -x "$p" ] && bb=$p && break
	done
	rm -rf "$dir" "$img"
	mkdir -p "$dir"/{bin,sbin,dev,proc,sys,tmp,data,www}
	cp "$bb" "$dir/bin/busybox"
	ln -s busybox "$dir/bin/sh"
	head -c 65536 /dev/urandom >"$dir/data/host.bin"
	echo "<html><body>xen-lite passthrough $(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')</body></html>" \
		>"$dir/www/index.html"
	cat >"$dir/sbin/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "XL-PT-ROOT $(grep ' / ' /proc/mounts | cut -d' ' -f1-3)"
echo "XL-PT-HOST-FILE $(md5sum /data/host.bin | cut -d' ' -f1)"
echo "written by the guest, boot $(cat /proc/sys/kernel/random/boot_id)" >/data/guest.txt
sync
echo "XL-PT-GUEST-FILE $(md5sum /data/guest.txt | cut -d' ' -f1)"
echo "XL-PT-RO-DATA $(head -c 16 /dev/vdb)"
if dd if=/dev/zero of=/dev/vdb bs=512 count=1 conv=fsync 2>/dev/null; then
	echo "XL-PT-RO-WRITTEN"
else
	echo "XL-PT-RO-REFUSED"
fi
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
httpd -p 80 -h /www && echo "XL-PT-HTTPD-UP"
while read cmd; do
	[ "$cmd" = off ] && break
done
echo "XL-PT-OFF"
sync
mount -o remount,ro /
poweroff -f
INIT
	chmod +x "$dir/sbin/init"
	mkfs.ext4 -q -F -L xlroot -d "$dir" "$img" 32M
}

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

run_arch() { # arch
	local arch=$1 out=$srctree/build/linux-passthrough-$1 deb
	local log fifo pid rc why port console=ttyS0 want got ro_sum
	deb=$srctree/build/debian/$arch/root
	mkdir -p "$out"
	log=$out/boot.log
	{ linux_prepare "$arch" && xl_hyp_build "$arch" &&
		make_initramfs "$arch" "$deb" "$out/initrd.gz" &&
		make_rootfs "$deb" "$out/rootfs" "$out/rootfs.img"; } \
		2>"$out/prepare.log" >&2 ||
		{
			fail "$arch.prepare" "kernel, initramfs or root filesystem" "$out/prepare.log"
			return
		}
	printf 'XLPT-READ-ONLY!!' >"$out/ro.img"
	truncate -s 1M "$out/ro.img"
	ro_sum=$(md5sum <"$out/ro.img")
	[ "$arch" != arm64 ] || console=ttyAMA0
	port=$(free_port)
	cat >"$out/io.cfg" <<CFG
name = "io"
kernel = "$lx_kernel"
ramdisk = "$out/initrd.gz"
cmdline = "console=$console quiet"
memory = 128
vcpus = 1
disk = [ "$out/rootfs.img", "target=$out/ro.img, vdev=vdb, access=ro" ]
vif = [ "type=user, hostfwd=tcp:127.0.0.1:$port-:80" ]
CFG
	fifo=$out/console.fifo
	rm -f "$fifo"
	mkfifo "$fifo"
	(cd "$srctree" && exec ./xen-lite run --arch "$arch" --smp 2 --mem 512M \
		--timeout "$timeout" "$out/io.cfg") <"$fifo" >"$log" 2>&1 &
	pid=$!
	exec 9>"$fifo"
	why=""
	wait_for "$log" 'XL-PT-HTTPD-UP\|XL-PT-MOUNT-FAILED\|Kernel panic\|all domains have exited' "$timeout" ||
		why="no XL-PT-HTTPD-UP in $timeout s"
	if grep -aq 'XL-PT-HTTPD-UP' "$log"; then
		want=$(cat "$out/rootfs/www/index.html")
		# Python's urllib: curl is not among 'make deps' packages.
		got=$(/usr/bin/python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=30).read().decode())' \
			"http://127.0.0.1:$port/index.html" 2>&1)
		check "$arch.pt_http" "$([ "$got" = "$want" ]; echo $?)" \
			"fetched '$got', want '$want'"
	else
		fail "$arch.pt_http" "${why:-httpd did not start}" "$log"
	fi
	printf 'off\n' >&9
	exec 9>&-
	# A guest that never got to its prompt is not waited for.
	grep -aq 'XL-PT-HTTPD-UP' "$log" || kill $pid 2>/dev/null
	wait $pid
	rc=$?
	rm -f "$fifo"
	check "$arch.pt_poweroff" \
		"$([ $rc -eq 0 ] && grep -aq 'XL-PT-OFF' "$log"; echo $?)" \
		"exit status $rc (log: $log)"
	want=$(md5sum <"$out/rootfs/data/host.bin" | cut -d' ' -f1)
	got=$(grep -a 'XL-PT-HOST-FILE' "$log" | head -1 | tr -d '\r' | awk '{print $NF}')
	check "$arch.pt_root_read" \
		"$(grep -aq 'XL-PT-ROOT /dev/vda / ext4' "$log" && [ "$got" = "$want" ]; echo $?)" \
		"root '$(grep -a XL-PT-ROOT "$log" | head -1)', host file checksum '$got', want '$want'"
	want=$(grep -a 'XL-PT-GUEST-FILE' "$log" | head -1 | tr -d '\r' | awk '{print $NF}')
	got=$(debugfs -R 'cat /data/guest.txt' "$out/rootfs.img" 2>/dev/null | md5sum | cut -d' ' -f1)
	check "$arch.pt_root_write" "$([ -n "$want" ] && [ "$got" = "$want" ]; echo $?)" \
		"image has checksum '$got' for /data/guest.txt, the guest wrote '$want'"
	check "$arch.pt_disk_ro" \
		"$(grep -aq 'XL-PT-RO-DATA XLPT-READ-ONLY!!' "$log" &&
			grep -aq 'XL-PT-RO-REFUSED' "$log" &&
			[ "$(md5sum <"$out/ro.img")" = "$ro_sum" ]; echo $?)" \
		"$(grep -a 'XL-PT-RO' "$log" | tr -d '\r' | tr '\n' ' ')"
	local st
	st=$(stall_lines "$log")
	check "$arch.no_stall" "$([ -z "$st" ]; echo $?)" "$st"
}

arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(riscv64 arm64)
for a in "${arches[@]}"; do
	run_arch "$a"
done
summary
