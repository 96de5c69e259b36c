# shellcheck shell=bash
# The Debian Linux guest of the tests, benchmarks and demo, prepared one
# way for both architectures (sourced; needs $srctree).
#
# linux_prepare ARCH
#     Debian's kernel and busybox-static for ARCH (riscv64: trixie, arm64:
#     bookworm), fetched with scripts/debfetch.sh (private apt state) into
#     build/debian/ARCH when missing; the kernel as a raw Image and the
#     marker initramfs in build/linux-ARCH/ (sets lx_arch, lx_dir,
#     lx_kernel, lx_initrd); both also copied to build/debian/ARCH/linux/{Image,
#     initrd.img}, where configs/domains/demo-3-linux.cfg ('xen-lite demo')
#     finds them. Messages go to stderr; returns non-zero on failure.
# linux_initramfs ARCH DEBROOT OUT
#     the marker initramfs alone (below).
#
# The initramfs' /init prints "XL-LINUX-UP <uptime> <counter>", the number
# of CPUs ("XL-LINUX-CPUS N"), runs a short CPU + memory workload and
# prints its time ("XL-LINUX-WORKLOAD <seconds>", from the counter, six
# decimals), then "XL-LINUX-DONE
# <uptime> <counter>" and powers off (SBI SRST / PSCI SYSTEM_OFF). The
# counter is read by a tiny static program (tests/linux/riscv64-rdtime.S:
# the platform counter, the machine's uptime in ticks; tests/linux/
# arm64-cntvct.S: the virtual counter, the machine's natively, the
# domain's under xen-lite). With xl_devmem=ADDR on the kernel command line
# it first reads ADDR with busybox devmem and prints "XL-LINUX-DEVMEM
# status N"; with xl_shm=ROLE,GPA,DOORBELL it runs the shared-memory test's
# side ROLE (tests/linux/shm-guest.sh, with tests/linux/shmcp.c as
# xl-shmcp) and prints "XL-SHM status N". With xl_pwrbtn it loads the
# power button's modules (arm64: gpio_keys, evdev; riscv64: virtio_mmio,
# virtio_input, evdev), prints "XL-LINUX-PWRBTN-WAIT DEVS", waits for
# KEY_POWER (tests/linux/pwrbtn.c as xl-pwrbtn: what systemd-logind does on
# a Debian install), prints "XL-LINUX-PWRBTN-PRESSED" and powers off
# (tests/runtime, 'xen-lite shutdown').
# linux_busybox DEBROOT DIR, linux_init_disk TAG
#     busybox and the start of a disk-waiting /init for an initramfs (below).
# linux_modules DEBROOT DIR MODULE...
#     kernel modules for an initramfs (below).
# linux_tool ARCH OUT SOURCE
#     a static helper program (below).
# linux_disk_initramfs ARCH DEBROOT OUT
#     an initramfs that boots from a disk (below).
# linux_disk_example ARCH
#     the files of docs/devices.md's example (below); linux_prepare makes
#     them when missing.

# linux_busybox DEBROOT DIR: Debian's static busybox from DEBROOT as
# DIR/bin/busybox, with DIR/bin/sh linked to it: what every initramfs and
# root file system here starts from. 1, with a message, without busybox.
linux_busybox() {
	local p
	for p in "$1/bin/busybox" "$1/usr/bin/busybox"; do
		[ -x "$p" ] || continue
		mkdir -p "$2/bin" && cp "$p" "$2/bin/busybox" &&
			ln -s busybox "$2/bin/sh"
		return
	done
	echo "linux: busybox missing under $1 (run scripts/debfetch.sh)" >&2
	return 1
}

# linux_init_disk TAG: the first lines of an /init that mounts proc, sys
# and devtmpfs, loads the modules linux_modules put in the initramfs (in
# their order; "TAG-INSMOD-FAILED NAME" for one that fails) and waits up
# to 10 s for /dev/vda.
linux_init_disk() {
	cat <<INIT
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in \$(cat /lib/modules/order); do
	insmod /lib/modules/\$m.ko || echo "$1-INSMOD-FAILED \$m"
done
i=0
while [ ! -b /dev/vda ] && [ \$i -lt 100 ]; do
	sleep 0.1
	i=\$((i + 1))
done
INIT
}

linux_initramfs() { # arch debroot out
	local arch=$1 debroot=$2 out=$3 work counter hz devtmpfs="" m ko
	work=$(mktemp -d)
	mkdir -p "$work"/{bin,dev,proc,sys,tmp}
	linux_busybox "$debroot" "$work" || {
		rm -rf "$work"
		return 1
	}
	# The power button's modules (none depends on another module).
	local mods=(gpio_keys evdev)
	[ "$arch" = arm64 ] || mods=(virtio_mmio virtio_input evdev)
	mkdir -p "$work/lib/modules"
	for m in "${mods[@]}"; do
		ko=$(find "$debroot/lib/modules" "$debroot/usr/lib/modules" \
			\( -name "$m.ko" -o -name "$m.ko.xz" \) 2>/dev/null | head -n 1)
		case $ko in
		*.xz) xz -dc "$ko" >"$work/lib/modules/$m.ko" ;;
		?*) cp "$ko" "$work/lib/modules/$m.ko" ;;
		*) false ;;
		esac || {
			echo "initramfs: module $m missing under $debroot" >&2
			rm -rf "$work"
			return 1
		}
	done
	case $arch in
	riscv64)
		counter=rdtime
		# QEMU virt's timebase (/cpus/timebase-frequency, the same
		# in a domain's tree).
		hz=10000000
		devtmpfs="mount -t devtmpfs dev /dev"
		riscv64-linux-gnu-gcc -nostdlib -static -no-pie -march=rv64gc \
			-o "$work/bin/rdtime" "$srctree/tests/linux/riscv64-rdtime.S" &&
			linux_tool "$arch" "$work/bin/xl-vcheck" \
				"$srctree/tests/linux/riscv64-vcheck.c"
		;;
	arm64)
		counter=cntvct
		hz='$(/bin/cntvct freq)'
		aarch64-linux-gnu-gcc -nostdlib -static -no-pie -Wl,--build-id=none \
			-o "$work/bin/cntvct" "$srctree/tests/linux/arm64-cntvct.S"
		;;
	esac && linux_tool "$arch" "$work/bin/xl-shmcp" "$srctree/tests/linux/shmcp.c" &&
		linux_tool "$arch" "$work/bin/xl-pwrbtn" "$srctree/tests/linux/pwrbtn.c" &&
		cp "$srctree/tests/linux/shm-guest.sh" "$work/bin/xl-shm" &&
		chmod +x "$work/bin/xl-shm" || {
		rm -rf "$work"
		return 1
	}
	mknod "$work/dev/console" c 5 1
	mknod "$work/dev/null" c 1 3
	if [ "$arch" = arm64 ]; then
		# No devtmpfs mounted there: what /init and devmem open.
		mknod "$work/dev/zero" c 1 5
		mknod "$work/dev/mem" c 1 1
		mknod "$work/dev/urandom" c 1 9
	fi
	{
		printf '#!/bin/sh\n/bin/busybox --install -s /bin\n'
		[ -z "$devtmpfs" ] || echo "$devtmpfs"
		sed "s|@COUNTER@|/bin/$counter|; s|@HZ@|$hz|" <<'INIT'
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
read up idle </proc/uptime
echo "XL-LINUX-UP $up $(@COUNTER@)"
echo "XL-LINUX-CPUS $(grep -c ^processor /proc/cpuinfo)"
# The interrupt controller driving the timer (Arm: "GICv3", or "GIC-0"
# for Linux's GICv2 driver), and the IPIs received so far (Arm).
echo "XL-LINUX-IRQCHIP $(grep -m1 -o 'GIC[^ ]*' /proc/interrupts)"
echo "XL-LINUX-IPIS $(awk '/^ *IPI/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' /proc/interrupts)"
# RISC-V: the ISA Linux found (/proc/cpuinfo); with V, three processes at
# once check their vector state across context switches (xl-vcheck).
isa=$(grep -m1 '^isa' /proc/cpuinfo | sed 's/^isa[^:]*: *//')
if [ -n "$isa" ]; then
	echo "XL-LINUX-ISA $isa"
	case ${isa%%_*} in
	rv64*v*)
		for i in 1 2 3; do /bin/xl-vcheck 300 >/tmp/vcheck.$i 2>&1 & done
		wait
		echo "XL-LINUX-VECTOR $(cat /tmp/vcheck.1 /tmp/vcheck.2 /tmp/vcheck.3 | tr '\n' ' ')"
		;;
	esac
fi
# xl_devmem=ADDR on the command line (tests/linux): read ADDR, a guest
# physical address that is neither RAM nor a device of the domain, with
# busybox devmem through /dev/mem. xen-lite injects the fault an
# unanswered access gets on hardware (mmio_fault = "inject"), the kernel
# kills devmem with a signal, the shell says so and /init goes on.
for a in $(cat /proc/cmdline); do
	case $a in
	xl_devmem=*)
		echo "XL-LINUX-DEVMEM reading ${a#xl_devmem=}"
		devmem "${a#xl_devmem=}" 32
		echo "XL-LINUX-DEVMEM status $?"
		;;
	xl_shm=*)
		# tests/linux/shm.sh: one side of the shared-memory test.
		/bin/xl-shm $(echo "${a#xl_shm=}" | tr , ' ')
		echo "XL-SHM status $?"
		;;
	xl_pwrbtn)
		# tests/runtime: the power button ('xen-lite shutdown').
		for m in /lib/modules/*.ko; do insmod $m; done
		devs="" i=0
		while [ -z "$devs" ] && [ $i -lt 50 ]; do
			mkdir -p /dev/input
			for e in /sys/class/input/event*/dev; do
				[ -e "$e" ] || continue
				n=${e%/dev}
				n=/dev/input/${n##*/}
				IFS=: read maj min <"$e"
				[ -e $n ] || mknod $n c $maj $min
				devs="$devs $n"
			done
			[ -n "$devs" ] || sleep 0.1
			i=$((i + 1))
		done
		echo "XL-LINUX-PWRBTN-WAIT$devs"
		/bin/xl-pwrbtn $devs && echo "XL-LINUX-PWRBTN-PRESSED"
		poweroff -f
		;;
	esac
done
# The workload is timed with the counter (to the microsecond; /proc/uptime
# has two decimals, a step of 1.4% of a 0.7 s workload).
c0=$(@COUNTER@)
# CPU: checksum 8 MiB; memory: copy it around in tmpfs.
dd if=/dev/zero of=/tmp/a bs=64k count=128 2>/dev/null
i=0
while [ $i -lt 3 ]; do
	cp /tmp/a /tmp/b
	md5sum /tmp/b >/dev/null
	i=$((i + 1))
done
n=0
while [ $n -lt 20000 ]; do n=$((n + 1)); done
c1=$(@COUNTER@)
echo "XL-LINUX-WORKLOAD $(awk "BEGIN { printf \"%.6f\", ($c1 - $c0) / @HZ@ }")"
read up idle </proc/uptime
echo "XL-LINUX-DONE $up $(@COUNTER@)"
poweroff -f
INIT
	} >"$work/init"
	chmod +x "$work/init"
	(cd "$work" && find . | cpio -o -H newc --quiet | gzip -9) >"$out"
	c=$?
	rm -rf "$work"
	return $c
}

# linux_tool ARCH OUT SOURCE: a freestanding static Linux program for ARCH
# from one C file without libc (raw system calls, no builtins):
# tests/linux/shmcp.c, pwrbtn.c and diskbench.c, with what they share in
# tests/linux/xl_tool.h.
linux_tool() {
	local f=(-O2 -Wall -Wextra -nostdlib -static -no-pie -ffreestanding
		-fno-builtin -fno-stack-protector -fno-tree-loop-distribute-patterns
		-o "$2" "$3")
	case $1 in
	riscv64) riscv64-linux-gnu-gcc -march=rv64gc -mno-relax -Wl,--no-relax "${f[@]}" ;;
	arm64) aarch64-linux-gnu-gcc -mstrict-align -mgeneral-regs-only -Wl,--build-id=none "${f[@]}" ;;
	*) return 2 ;;
	esac
}

linux_prepare() { # arch
	local arch=$1 deb=$srctree/build/debian/$1 suite kpkg k
	lx_arch=$arch
	lx_dir=$srctree/build/linux-$arch
	lx_kernel=$lx_dir/Image
	lx_initrd=$lx_dir/initrd.gz
	case $arch in
	riscv64) suite=trixie kpkg=linux-image-riscv64 ;;
	arm64) suite=bookworm kpkg=linux-image-arm64 ;;
	*)
		echo "linux_prepare: unknown architecture '$arch'" >&2
		return 2
		;;
	esac
	mkdir -p "$lx_dir"
	# None yet is not an error: callers run under 'set -e -o pipefail'
	# (scripts/linux-images.sh), where a failing ls would end them.
	linux_kernel_file() {
		case $arch in
		riscv64) { ls "$deb"/root/boot/vmlinux-* 2>/dev/null || true; } | sort -V | tail -n 1 ;;
		arm64) { ls "$deb"/root/boot/vmlinuz-*-arm64 2>/dev/null || true; } | sort -V | tail -n 1 ;;
		esac
	}
	k=$(linux_kernel_file)
	if [ -z "$k" ] || { [ ! -x "$deb/root/usr/bin/busybox" ] &&
		[ ! -x "$deb/root/bin/busybox" ]; }; then
		"$srctree/scripts/debfetch.sh" "$arch" "$suite" "$deb" busybox-static \
			"meta:$kpkg:linux-image-" >"$lx_dir/fetch.log" 2>&1 || {
			cat "$lx_dir/fetch.log" >&2
			return 1
		}
		k=$(linux_kernel_file)
	fi
	[ -n "$k" ] || {
		echo "linux_prepare: no kernel in $deb/root/boot" >&2
		return 1
	}
	# Debian's arm64 vmlinuz is an Image, gzip-compressed on some
	# releases; riscv64's vmlinux is the raw Image.
	if gzip -t "$k" 2>/dev/null; then
		zcat "$k" >"$lx_kernel.tmp"
	else
		cp "$k" "$lx_kernel.tmp"
	fi &&
		mv "$lx_kernel.tmp" "$lx_kernel" &&
		linux_initramfs "$arch" "$deb/root" "$lx_initrd" || return 1
	mkdir -p "$deb/linux"
	cp "$lx_kernel" "$deb/linux/Image" &&
		cp "$lx_initrd" "$deb/linux/initrd.img" &&
		linux_disk_example "$arch"
}

# linux_disk_initramfs ARCH DEBROOT OUT: an initramfs that loads Debian's
# virtio_mmio, virtio_blk, ext4 (and what they need) and virtio_net
# modules, mounts /dev/vda (ext4) and switch_roots to it, running its
# /sbin/init (tests/linux/passthrough.sh, docs/devices.md). On a failed
# mount it prints XL-PT-MOUNT-FAILED and powers off.
linux_disk_initramfs() {
	local arch=$1 debroot=$2 out=$3 work n
	work=$(mktemp -d)
	mkdir -p "$work"/{bin,dev,proc,sys,newroot,lib/modules}
	mknod "$work/dev/console" c 5 1
	linux_busybox "$debroot" "$work" &&
		linux_modules "$debroot" "$work" virtio_mmio virtio_blk \
			crc32c_generic ext4 virtio_net || {
		rm -rf "$work"
		return 1
	}
	{
		linux_init_disk XL-PT
		cat <<'INIT'
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
	} >"$work/init"
	chmod +x "$work/init"
	(cd "$work" && find . | cpio -o -H newc --quiet | gzip -9) >"$out"
	n=$?
	rm -rf "$work"
	return $n
}

# linux_disk_example ARCH: the files docs/devices.md's example boots, in
# build/debian/ARCH/linux/: initrd-disk.img (linux_disk_initramfs) and
# rootfs.img, a 64 MiB ext4 image (mkfs.ext4 -d) with busybox and an
# /sbin/init that brings up eth0 (QEMU's user network: 10.0.2.15, gateway
# 10.0.2.2, DNS 10.0.2.3), serves /www on port 80 with busybox httpd and
# offers a shell on the console for 15 s; it powers off when that shell
# exits or nobody took it. Made when missing or older than this file (the
# image is the guest's to write: it is not remade otherwise).
linux_disk_example() {
	local arch=$1 dir=$srctree/build/debian/$1/linux root work
	root=$srctree/build/debian/$arch/root
	mkdir -p "$dir"
	if [ ! -s "$dir/initrd-disk.img" ] ||
		[ "$srctree/tests/lib/linux.sh" -nt "$dir/initrd-disk.img" ]; then
		linux_disk_initramfs "$arch" "$root" "$dir/initrd-disk.img.tmp.$$" &&
			mv "$dir/initrd-disk.img.tmp.$$" "$dir/initrd-disk.img" || return 1
	fi
	[ ! -s "$dir/rootfs.img" ] ||
		[ "$srctree/tests/lib/linux.sh" -nt "$dir/rootfs.img" ] || return 0
	work=$(mktemp -d)
	mkdir -p "$work"/{bin,sbin,dev,proc,sys,tmp,etc,root,www}
	linux_busybox "$root" "$work" || {
		rm -rf "$work"
		return 1
	}
	echo "<html><body><p>Served by busybox httpd from the ext4 disk of a xen-lite domain ($arch).</p></body></html>" \
		>"$work/www/index.html"
	cat >"$work/sbin/init" <<'INIT'
#!/bin/sh
# docs/devices.md's example: the root filesystem on /dev/vda.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
hostname xen-lite
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
echo "nameserver 10.0.2.3" >/etc/resolv.conf
httpd -p 80 -h /www
echo "xen-lite example: root $(grep ' / ' /proc/mounts | cut -d' ' -f1-3), eth0 $(ip -4 -o addr show eth0 | awk '{ print $4 }'), httpd on port 80"
echo "xen-lite example: press Enter within 15 s for a shell; the guest powers off when it exits (or without one)"
if read -t 15 line; then
	setsid cttyhack sh
fi
echo "xen-lite example: powering off"
sync
mount -o remount,ro /
poweroff -f
INIT
	chmod +x "$work/sbin/init"
	rm -f "$dir/rootfs.img.tmp.$$"
	mkfs.ext4 -q -F -L xlroot -d "$work" "$dir/rootfs.img.tmp.$$" 64M >/dev/null &&
		mv "$dir/rootfs.img.tmp.$$" "$dir/rootfs.img"
	p=$?
	rm -rf "$work"
	return $p
}

# linux_cfg FILE NAME VCPUS MEMORY_MIB ON_REBOOT [CMDLINE_EXTRA]: a domain
# file for the prepared guest (linux_prepare first) on the architecture's
# console. With ON_REBOOT "destroy" no policy restarts the domain and the
# hypervisor maps its kernel and ramdisk in place; with "restart" it copies
# them.
linux_cfg() {
	local console=ttyS0
	[ "$lx_arch" != arm64 ] || console=ttyAMA0
	cat >"$1" <<CFG
name = "$2"
kernel = "$lx_kernel"
ramdisk = "$lx_initrd"
cmdline = "console=$console quiet${6:+ $6}"
memory = $4
vcpus = $3
on_reboot = "$5"
CFG
}

# linux_modules DEBROOT DIR MODULE...: the MODULEs of the kernel package
# under DEBROOT and the modules they need, uncompressed into
# DIR/lib/modules/NAME.ko, with DIR/lib/modules/order listing them in
# loading order (each after what it depends on) for an /init that runs
#   for m in $(cat /lib/modules/order); do insmod /lib/modules/$m.ko; done
# (tests/linux/passthrough.sh, tests/bench/disk.sh). The order comes from
# each module's own "depends=" (its .modinfo section): there is no
# modules.dep (the package's postinst makes it) and no host modinfo.
linux_modules() {
	local debroot=$1 dir=$2 list line n p
	shift 2
	mkdir -p "$dir/lib/modules" || return 1
	list=$(/usr/bin/python3 - "$debroot" "$@" <<'PY'
import lzma, os, sys
root, want = sys.argv[1], sys.argv[2:]
paths = {}
for top in ("lib/modules", "usr/lib/modules"):
    for d, _, files in os.walk(os.path.join(root, top)):
        for f in files:
            for ext in (".ko.xz", ".ko"):
                if f.endswith(ext):
                    paths.setdefault(f[: -len(ext)].replace("-", "_"),
                                     os.path.join(d, f))
def deps(name):
    p = paths[name]
    data = open(p, "rb").read()
    if p.endswith(".xz"):
        data = lzma.decompress(data)
    for field in data.split(b"\0"):
        if field.startswith(b"depends="):
            return [x.replace("-", "_") for x in
                    field[8:].decode().split(",") if x]
    return []
order, seen = [], set()
def visit(name):
    if name in seen:
        return
    seen.add(name)
    if name not in paths:
        sys.exit("module %s not in the kernel package" % name)
    for d in deps(name):
        visit(d)
    order.append(name)
for w in want:
    visit(w)
for n in order:
    print("%s=%s" % (n, paths[n]))
PY
	) || return 1
	: >"$dir/lib/modules/order"
	while IFS= read -r line; do
		n=${line%%=*}
		p=${line#*=}
		case $p in
		*.xz) xz -dc "$p" >"$dir/lib/modules/$n.ko" ;;
		*) cp "$p" "$dir/lib/modules/$n.ko" ;;
		esac || return 1
		echo "$n" >>"$dir/lib/modules/order"
	done <<<"$list"
}
