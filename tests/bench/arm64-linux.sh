#!/usr/bin/env bash
# Benchmark (not a test): Debian's arm64 kernel with the marker initramfs,
# natively and as a 1-vCPU domain under xen-lite, on the same QEMU with
# -icount shift=0 -smp 1 (virtual time advances with instructions, so the
# figures are deterministic and independent of the host's load).
#
# Prints
#   BENCH arm64.linux_boot_ratio  (xen-lite boot + domain build + guest
#                                  boot up to the marker) / (native uptime
#                                  at the marker)
#   BENCH arm64.linux_run_ratio   machine uptime at power-off, xen-lite
#                                  over native
#   BENCH arm64.workload_ratio    the guest-measured workload time, xen-lite
#                                  over native
# and the raw figures as "# ..." lines.
#
# Under xen-lite the machine uptime at the marker is the hypervisor's
# "domain ... started at" time plus the guest's own uptime at the marker
# (both kernels count uptime from their timekeeping start, a few
# milliseconds after they are entered).
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
. "$srctree/tests/linux/arm64-common.sh"
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

arm64_linux_prepare >"$log/prepare" 2>&1 || {
	cat "$log/prepare" >&2
	echo "arm64-linux bench: cannot prepare the kernel" >&2
	exit 1
}
cmdline="console=ttyAMA0 quiet"
mem=256

# Native: the same machine, kernel and initramfs, no hypervisor.
timeout 900 qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 \
	-cpu cortex-a72 -smp 1 -m ${mem}M -nographic -icount shift=0 \
	-kernel "$lx/Image" -initrd "$lx/initramfs.cpio.gz" \
	-append "$cmdline" </dev/null >"$log/native" 2>&1
tr -d '\r' <"$log/native" >"$log/native.txt"

write_cfg "$log/linux.cfg" linux 1 $mem
XL_QEMU_EXTRA="-icount shift=0" run_bundle 900 "$log/xl" --smp 1 --mem 512M \
	"$log/linux.cfg"
tr -d '\r' <"$log/xl" >"$log/xl.txt"

val() { # FILE REGEX: the first number after REGEX
	grep -oE "$2 *[0-9.]+" "$1" | head -n 1 | grep -oE '[0-9.]+$'
}

n_up=$(val "$log/native.txt" 'XL-LINUX-UP')
n_wl=$(val "$log/native.txt" 'XL-LINUX-WORKLOAD')
n_off=$(grep -oE '\[ *[0-9.]+\] reboot: Power down' "$log/native.txt" |
	grep -oE '[0-9]+\.[0-9]+' | head -n 1)
[ -n "$n_off" ] || n_off=$(val "$log/native.txt" 'XL-LINUX-DONE')
x_start=$(grep -oE 'domain [0-9]+ \(linux\) started at [0-9]+ us' "$log/xl.txt" |
	grep -oE '[0-9]+ us' | grep -oE '[0-9]+')
x_up=$(val "$log/xl.txt" '\[linux\] XL-LINUX-UP')
x_wl=$(val "$log/xl.txt" '\[linux\] XL-LINUX-WORKLOAD')
x_off=$(grep -oE 'powering off at [0-9]+ us' "$log/xl.txt" | grep -oE '[0-9]+' | head -n 1)
x_pd=$(grep -oE '\[linux\] \[ *[0-9.]+\] reboot: Power down' "$log/xl.txt" |
	grep -oE '[0-9]+\.[0-9]+' | head -n 1)

if [ -z "$n_up" ] || [ -z "$n_wl" ] || [ -z "$n_off" ] || [ -z "$x_start" ] ||
	[ -z "$x_up" ] || [ -z "$x_wl" ] || [ -z "$x_off" ]; then
	echo "arm64-linux bench: a run did not finish; logs:" >&2
	tail -15 "$log/native.txt" >&2
	tail -15 "$log/xl.txt" >&2
	exit 1
fi
awk -v ns="$n_up" -v nw="$n_wl" -v no="$n_off" -v xs="$x_start" \
	-v xu="$x_up" -v xw="$x_wl" -v xo="$x_off" -v xp="${x_pd:-0}" 'BEGIN {
	xb = xs / 1e6 + xu
	printf "# native: marker %.2f s, workload %.2f s, power-off %.2f s\n", ns, nw, no
	printf "# xen-lite: domain started %.3f s, marker %.2f s (guest %.2f s), workload %.2f s, power-off %.2f s\n", xs / 1e6, xb, xu, xw, xo / 1e6
	if (xp > 0) {
		# Time the guest ran before its clock started (from the host
		# clock at power-off); the native kernel spends it too, but
		# outside its uptime.
		early = xo / 1e6 - xs / 1e6 - xp
		printf "# guest time before its clock starts: %.3f s; counted for native too, the run ratio would be %.3f\n", early, (xo / 1e6) / (no + early)
	}
	printf "BENCH arm64.linux_boot_ratio %.3f x\n", xb / ns
	printf "BENCH arm64.linux_run_ratio %.3f x\n", (xo / 1e6) / no
	printf "BENCH arm64.workload_ratio %.3f x\n", xw / nw
}'
