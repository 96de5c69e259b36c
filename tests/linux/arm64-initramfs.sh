#!/usr/bin/env bash
# Build the busybox initramfs of the arm64 Linux tests and benchmark.
#
# usage: tests/linux/arm64-initramfs.sh DEBROOT OUT.cpio.gz
#   DEBROOT: where scripts/debfetch.sh unpacked busybox-static (arm64).
# /init prints the marker "XL-LINUX-UP <uptime>", the number of CPUs,
# runs a short CPU + memory workload and prints its time
# ("XL-LINUX-WORKLOAD <seconds>"), then "XL-LINUX-DONE <uptime>" and
# powers off (PSCI SYSTEM_OFF). The markers are the same as the riscv64
# tests' so that both architectures are measured alike. UP and DONE also
# print the virtual counter (/bin/cntvct, tests/linux/arm64-cntvct.S): the
# machine counter natively, the counter since the domain was created
# under xen-lite. With xl_devmem=ADDR on the kernel command line it first
# reads ADDR with busybox devmem and prints "XL-LINUX-DEVMEM status N".
set -euo pipefail
debroot=$1 out=$2
bb=""
for c in "$debroot/bin/busybox" "$debroot/usr/bin/busybox"; do
	[ -x "$c" ] && bb=$c && break
done
[ -n "$bb" ] || { echo "initramfs: busybox missing under $debroot (run scripts/debfetch.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,tmp}
cp "$bb" "$work/bin/busybox"
aarch64-linux-gnu-gcc -nostdlib -static -no-pie -Wl,--build-id=none \
	-o "$work/bin/cntvct" "$(dirname "$0")/arm64-cntvct.S"
ln -s busybox "$work/bin/sh"
mknod "$work/dev/console" c 5 1
mknod "$work/dev/null" c 1 3
mknod "$work/dev/zero" c 1 5
mknod "$work/dev/mem" c 1 1
cat >"$work/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
read up idle </proc/uptime
echo "XL-LINUX-UP $up $(/bin/cntvct)"
echo "XL-LINUX-CPUS $(grep -c ^processor /proc/cpuinfo)"
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
	esac
done
read t0 idle </proc/uptime
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
read t1 idle </proc/uptime
echo "XL-LINUX-WORKLOAD $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")"
read up idle </proc/uptime
echo "XL-LINUX-DONE $up $(/bin/cntvct)"
poweroff -f
INIT
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -9) >"$out"
