#!/usr/bin/env bash
# Debian Linux with passed-through devices (docs/passthrough.md), on each
# architecture given (default: riscv64 arm64): two Linux domains at once,
# each with its own disk and NIC, and a third that touches their MMIO.
#   - io: its root filesystem is an ext4 image the test makes
#     (mkfs.ext4 -d), a read-only second disk and a NIC with a loopback
#     port forward;
#   - io2: its own root image and NIC (on arm64 its transports share a
#     page with io's: both are trapped sub-page windows) and
#     on_reboot = "restart": its first boot writes a file and reboots, the
#     second finds the file (pt2_restart_disk_intact), serves a page
#     (pt2_http) and powers off when told;
#   - mmiofault (a test guest): reads and writes io's and io2's first
#     transports and must get a fault for each (pt_third_faults).
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

# The root filesystem (ext4, mkfs.ext4 -d): busybox, /sbin/init, a file
# from the host and the page httpd serves. ROLE io2: the init first
# reboots once (its domain is restarted), leaving a file for the second
# boot to find, and does without the read-only disk.
make_rootfs() { # debroot dir img [role]
	local debroot=$1 dir=$2 img=$3 role=${4:-io} p bb=""
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
	{
		cat <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
INIT
		[ "$role" != io2 ] || cat <<'INIT'
if [ ! -e /data/boot1 ]; then
	echo "first boot $(cat /proc/sys/kernel/random/boot_id)" >/data/boot1
	sync
	mount -o remount,ro /
	echo "XL-PT2-REBOOT"
	reboot -f
fi
echo "XL-PT2-INTACT $(md5sum /data/boot1 | cut -d' ' -f1)"
INIT
		cat <<'INIT'
echo "XL-PT-ROOT $(grep ' / ' /proc/mounts | cut -d' ' -f1-3)"
echo "XL-PT-HOST-FILE $(md5sum /data/host.bin | cut -d' ' -f1)"
echo "written by the guest, boot $(cat /proc/sys/kernel/random/boot_id)" >/data/guest.txt
sync
echo "XL-PT-GUEST-FILE $(md5sum /data/guest.txt | cut -d' ' -f1)"
if [ -b /dev/vdb ]; then
	echo "XL-PT-RO-DATA $(head -c 16 /dev/vdb)"
	if dd if=/dev/zero of=/dev/vdb bs=512 count=1 conv=fsync 2>/dev/null; then
		echo "XL-PT-RO-WRITTEN"
	else
		echo "XL-PT-RO-REFUSED"
	fi
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
	} >"$dir/sbin/init"
	chmod +x "$dir/sbin/init"
	mkfs.ext4 -q -F -L xlroot -d "$dir" "$img" 32M
}

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The lines of domain NAME in log LOG, without the "[NAME] " prefix.
dom_lines() { # log name
	grep -a "^\[$2\] " "$1" | sed "s/^\[$2\] //" | tr -d '\r'
}

# Fetch http://127.0.0.1:PORT/index.html (Python's urllib: curl is not
# among 'make deps' packages).
fetch() { # port
	/usr/bin/python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=30).read().decode())' \
		"http://127.0.0.1:$1/index.html" 2>&1
}

# http_check NAME DOMAIN ROOTFS PORT: once DOMAIN said XL-PT-HTTPD-UP, the
# page fetched through PORT must be ROOTFS's www/index.html (uses $log and
# $why of the caller).
http_check() {
	local want got
	if dom_lines "$log" "$2" | grep -q 'XL-PT-HTTPD-UP'; then
		want=$(cat "$3/www/index.html")
		got=$(fetch "$4")
		check "$1" "$([ "$got" = "$want" ]; echo $?)" \
			"fetched '$got', want '$want'"
	else
		fail "$1" "${why:-httpd did not start}" "$log"
	fi
}

run_arch() { # arch
	local arch=$1 out=$srctree/build/linux-passthrough-$1 deb
	local log fifo pid rc why port port2 console=ttyS0 want got ro_sum
	local dev2=0x10004000 guests=$srctree/build/guests/$1
	deb=$srctree/build/debian/$arch/root
	mkdir -p "$out"
	log=$out/boot.log
	{ linux_prepare "$arch" && xl_hyp_build "$arch" &&
		make -C "$srctree/tests/guests" ARCH="$arch" &&
		linux_disk_initramfs "$arch" "$deb" "$out/initrd.gz" &&
		make_rootfs "$deb" "$out/rootfs" "$out/rootfs.img" &&
		make_rootfs "$deb" "$out/rootfs2" "$out/rootfs2.img" io2; } \
		2>"$out/prepare.log" >&2 ||
		{
			fail "$arch.prepare" "kernel, initramfs, root filesystems or test guests" "$out/prepare.log"
			return
		}
	printf 'XLPT-READ-ONLY!!' >"$out/ro.img"
	truncate -s 1M "$out/ro.img"
	ro_sum=$(md5sum <"$out/ro.img")
	# io's disks and NIC on transports 0-2, io2's on 3-4: arm64 packs
	# all five in one page of eight (trapped for both domains).
	[ "$arch" != arm64 ] || console=ttyAMA0 dev2=0x0a000600
	port=$(free_port)
	port2=$(free_port)
	while [ "$port2" = "$port" ]; do port2=$(free_port); done
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
	cat >"$out/io2.cfg" <<CFG
name = "io2"
kernel = "$lx_kernel"
ramdisk = "$out/initrd.gz"
cmdline = "console=$console quiet"
memory = 128
vcpus = 1
disk = [ "$out/rootfs2.img" ]
vif = [ "type=user, hostfwd=tcp:127.0.0.1:$port2-:80" ]
on_reboot = "restart"
CFG
	cat >"$out/third.cfg" <<CFG
name = "mmiofault"
kernel = "$guests/mmiofault.bin"
memory = 8
vcpus = 1
cmdline = "rounds=5 dev=$dev2"
CFG
	fifo=$out/console.fifo
	rm -f "$fifo"
	mkfifo "$fifo"
	(cd "$srctree" && exec ./xen-lite run --arch "$arch" --smp 2 --mem 768M \
		--timeout "$timeout" "$out/io.cfg" "$out/io2.cfg" "$out/third.cfg") \
		<"$fifo" >"$log" 2>&1 &
	pid=$!
	exec 9>"$fifo"
	why=""
	wait_for "$log" '\[io\] XL-PT-HTTPD-UP\|XL-PT-MOUNT-FAILED\|Kernel panic\|all domains have exited' "$timeout" &&
		wait_for "$log" '\[io2\] XL-PT-HTTPD-UP\|XL-PT-MOUNT-FAILED\|Kernel panic\|all domains have exited' "$timeout" ||
		why="no XL-PT-HTTPD-UP from both in $timeout s"
	http_check "$arch.pt_http" io "$out/rootfs" "$port"
	http_check "$arch.pt2_http" io2 "$out/rootfs2" "$port2"
	# io has the console input: "off" powers it off, then the input
	# moves to io2 (mmiofault is gone by then), which the next "off"
	# powers off.
	printf 'off\n' >&9
	wait_for "$log" 'console input: io2' 60 ||
		why="${why:-the console input did not move to io2 when io was gone}"
	printf 'off\n' >&9
	exec 9>&-
	# A guest that never got to its prompt is not waited for.
	[ -z "$why" ] || kill $pid 2>/dev/null
	wait $pid
	rc=$?
	rm -f "$fifo"
	check "$arch.pt_poweroff" \
		"$([ $rc -eq 0 ] && dom_lines "$log" io | grep -q 'XL-PT-OFF' &&
			dom_lines "$log" io2 | grep -q 'XL-PT-OFF'; echo $?)" \
		"exit status $rc${why:+ ($why)} (log: $log)"
	want=$(md5sum <"$out/rootfs/data/host.bin" | cut -d' ' -f1)
	got=$(dom_lines "$log" io | grep -a 'XL-PT-HOST-FILE' | head -1 | awk '{print $NF}')
	check "$arch.pt_root_read" \
		"$(dom_lines "$log" io | grep -q 'XL-PT-ROOT /dev/vda / ext4' && [ "$got" = "$want" ]; echo $?)" \
		"root '$(dom_lines "$log" io | grep -a XL-PT-ROOT | head -1)', host file checksum '$got', want '$want'"
	want=$(dom_lines "$log" io | grep -a 'XL-PT-GUEST-FILE' | head -1 | awk '{print $NF}')
	got=$(debugfs -R 'cat /data/guest.txt' "$out/rootfs.img" 2>/dev/null | md5sum | cut -d' ' -f1)
	check "$arch.pt_root_write" "$([ -n "$want" ] && [ "$got" = "$want" ]; echo $?)" \
		"image has checksum '$got' for /data/guest.txt, the guest wrote '$want'"
	check "$arch.pt_disk_ro" \
		"$(dom_lines "$log" io | grep -aq 'XL-PT-RO-DATA XLPT-READ-ONLY!!' &&
			dom_lines "$log" io | grep -aq 'XL-PT-RO-REFUSED' &&
			[ "$(md5sum <"$out/ro.img")" = "$ro_sum" ]; echo $?)" \
		"$(dom_lines "$log" io | grep -a 'XL-PT-RO' | tr '\n' ' ')"
	# io2: restarted once by its own reboot; the second boot found the
	# first boot's file, which is in its image, and its own root is its
	# own disk (the host file of its image, not io's).
	want=$(debugfs -R 'cat /data/boot1' "$out/rootfs2.img" 2>/dev/null | md5sum | cut -d' ' -f1)
	got=$(dom_lines "$log" io2 | grep -a 'XL-PT2-INTACT' | head -1 | awk '{print $NF}')
	check "$arch.pt2_restart_disk_intact" \
		"$(dom_lines "$log" io2 | grep -q 'XL-PT2-REBOOT' &&
			grep -aqE 'domain [0-9]+ \(io2\) destroyed, restarting' "$log" &&
			[ "$got" = "$want" ]; echo $?)" \
		"reboot: '$(dom_lines "$log" io2 | grep -a XL-PT2-REBOOT)', after it '$got', image '$want'"
	want=$(md5sum <"$out/rootfs2/data/host.bin" | cut -d' ' -f1)
	got=$(dom_lines "$log" io2 | grep -a 'XL-PT-HOST-FILE' | head -1 | awk '{print $NF}')
	check "$arch.pt2_root_own_disk" \
		"$(dom_lines "$log" io2 | grep -q 'XL-PT-ROOT /dev/vda / ext4' && [ "$got" = "$want" ]; echo $?)" \
		"host file checksum '$got', want '$want' (its own image)"
	# The third domain: a fault for each access to io's and io2's MMIO,
	# and not crashed for them (mmio_fault = "inject").
	check "$arch.pt_third_faults" \
		"$(dom_lines "$log" mmiofault | grep -q '^ok mmiofault.read_device_hole' &&
			dom_lines "$log" mmiofault | grep -q '^ok mmiofault.write_device_hole' &&
			dom_lines "$log" mmiofault | grep -q '^ok mmiofault.read_dev' &&
			dom_lines "$log" mmiofault | grep -q '^ok mmiofault.write_dev' &&
			dom_lines "$log" mmiofault | grep -q '^mmiofault: [1-9][0-9]* passed, 0 failed' &&
			! grep -aq '(mmiofault) crashed' "$log"; echo $?)" \
		"$(dom_lines "$log" mmiofault | grep -a 'FAIL\|passed' | tr '\n' ' ')"
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
