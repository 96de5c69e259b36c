#!/usr/bin/env bash
# Build the busybox initramfs of the riscv64 Linux tests and benchmark.
#
# usage: tests/linux/riscv64-initramfs.sh DEBROOT OUT.cpio.gz
#   DEBROOT: where scripts/debfetch.sh unpacked busybox-static (riscv64).
# /init prints the marker "XL-LINUX-UP <uptime> <counter>", the number of
# CPUs, runs a short CPU + memory workload and prints its time
# ("XL-LINUX-WORKLOAD <seconds>"), then "XL-LINUX-DONE <uptime> <counter>"
# and powers off (SBI SRST). <counter> is the platform counter read by
# /bin/rdtime (tests/linux/riscv64-rdtime.S): the machine uptime in ticks.
set -euo pipefail
debroot=$1 out=$2
bb=$debroot/usr/bin/busybox
[ -x "$bb" ] || { echo "initramfs: $bb missing (run scripts/debfetch.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,tmp}
cp "$bb" "$work/bin/busybox"
ln -s busybox "$work/bin/sh"
riscv64-linux-gnu-gcc -nostdlib -static -no-pie -march=rv64gc \
	-o "$work/bin/rdtime" "$(dirname "$0")/riscv64-rdtime.S"
mknod "$work/dev/console" c 5 1
mknod "$work/dev/null" c 1 3
cat >"$work/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
read up idle </proc/uptime
echo "XL-LINUX-UP $up $(/bin/rdtime)"
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
echo "XL-LINUX-DONE $up $(/bin/rdtime)"
poweroff -f
INIT
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -9) >"$out"
