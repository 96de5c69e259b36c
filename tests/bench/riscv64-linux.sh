#!/usr/bin/env bash
# Benchmark (not a test): Debian's riscv64 kernel and the test initramfs,
# natively and as one 1-vCPU domain under xen-lite, on the same QEMU with
# -icount shift=0 -smp 1 (deterministic virtual time: 1 ns per
# instruction). Prints
#   BENCH riscv64.linux_boot_ratio  machine uptime at the guest's marker
#                                   (hypervisor boot + domain build + guest
#                                   boot) / native guest uptime at it
#   BENCH riscv64.linux_run_ratio   machine uptime at power-off / native
#                                   guest uptime at its power-off (its
#                                   "reboot: Power down" line)
#   BENCH riscv64.workload_ratio    guest-measured workload time ratio
# The machine uptime at the marker is the hypervisor's "domain started"
# time plus the guest's own uptime at the marker (the guest clock starts
# with the guest kernel).
#
# usage: tests/bench/riscv64-linux.sh
set -euo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
debdir=$srctree/build/debian/riscv64
out=$srctree/build/bench-riscv64
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
mkdir -p "$out"

kernel=$(ls "$debdir"/root/boot/vmlinux-* 2>/dev/null | head -n 1 || true)
if [ -z "$kernel" ] || [ ! -x "$debdir/root/usr/bin/busybox" ]; then
	"$srctree/scripts/debfetch.sh" riscv64 trixie "$debdir" busybox-static \
		'meta:linux-image-riscv64:linux-image-' >"$out/fetch.log" 2>&1
	kernel=$(ls "$debdir"/root/boot/vmlinux-* | head -n 1)
fi
"$srctree/tests/linux/riscv64-initramfs.sh" "$debdir/root" "$out/initrd.gz"
cp "$kernel" "$out/Image"
cmdline="console=ttyS0 quiet"

# Native: the kernel straight on OpenSBI.
timeout 900 qemu-system-riscv64 -machine virt -cpu rv64 -smp 1 -m 512M \
	-nographic -bios "$fw" -kernel "$out/Image" -initrd "$out/initrd.gz" \
	-append "$cmdline" -icount shift=0 </dev/null >"$out/native.log" 2>&1

# Under xen-lite: one 1-vCPU domain.
cat >"$out/bench.cfg" <<CFG
name = "bench"
kernel = "Image"
ramdisk = "initrd.gz"
cmdline = "$cmdline"
memory = 256
vcpus = 1
CFG
(cd "$srctree" && ./xen-lite run --arch riscv64 --smp 1 --mem 512M --icount \
	--timeout 900 "$out/bench.cfg") </dev/null >"$out/xen-lite.log" 2>&1

field() { # file pattern -> the number after the pattern
	grep -a "$2" "$1" | head -n 1 | sed "s/.*$2 *//" | awk '{ print $1 }'
}

n_up=$(field "$out/native.log" "XL-LINUX-UP")
n_done=$(grep -a "reboot: Power down" "$out/native.log" | head -n 1 |
	sed 's/^\[ *\([0-9.]*\)\].*/\1/')
[ -n "$n_done" ] || n_done=$(field "$out/native.log" "XL-LINUX-DONE")
n_work=$(field "$out/native.log" "XL-LINUX-WORKLOAD")
x_up=$(field "$out/xen-lite.log" "XL-LINUX-UP")
x_work=$(field "$out/xen-lite.log" "XL-LINUX-WORKLOAD")
x_start=$(grep -a "domain [0-9]* (bench) started at" "$out/xen-lite.log" |
	sed 's/.*started at \([0-9]*\) us.*/\1/')
x_off=$(grep -a "powering off at" "$out/xen-lite.log" |
	sed 's/.*powering off at \([0-9]*\) us.*/\1/')
for v in n_up n_done n_work x_up x_work x_start x_off; do
	if [ -z "${!v}" ]; then
		echo "bench: $v missing; see $out/native.log and $out/xen-lite.log" >&2
		exit 1
	fi
done

awk -v nu="$n_up" -v nd="$n_done" -v nw="$n_work" -v xu="$x_up" \
	-v xw="$x_work" -v xs="$x_start" -v xo="$x_off" 'BEGIN {
	printf "native: marker %.2f s, power-off %.2f s, workload %.2f s\n", nu, nd, nw
	printf "xen-lite: domain start %.3f s, marker %.2f s (guest %.2f s), power-off %.3f s, workload %.2f s\n",
		xs / 1e6, xs / 1e6 + xu, xu, xo / 1e6, xw
	printf "BENCH riscv64.linux_boot_ratio %.3f\n", (xs / 1e6 + xu) / nu
	printf "BENCH riscv64.linux_run_ratio %.3f\n", (xo / 1e6) / nd
	printf "BENCH riscv64.workload_ratio %.3f\n", xw / nw
}'
