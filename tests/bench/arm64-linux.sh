#!/usr/bin/env bash
# Benchmark (not a test): Debian's arm64 kernel with the marker initramfs,
# natively and as a 1-vCPU domain under xen-lite, on the same QEMU with
# -icount shift=0,sleep=off -smp 1 (virtual time advances with instructions, so the
# figures are deterministic and independent of the host's load).
#
# Prints
#   BENCH arm64.linux_boot_ratio  machine uptime at the guest's marker
#                                 (hypervisor boot + domain build + guest
#                                 boot) / native guest uptime at it
#   BENCH arm64.linux_run_ratio   machine uptime at power-off / native
#                                 guest uptime at its power-off (its
#                                 "reboot: Power down" line)
#   BENCH arm64.workload_ratio    guest-measured workload time ratio
#   BENCH arm64.linux_{boot,run}_ratio_machine  the same two ratios with
#                                 machine time on the native side too (the
#                                 kernel before its clock starts counts on
#                                 both sides)
# and the raw figures as "# ..." lines. The domain has on_reboot =
# "destroy", so its kernel and ramdisk are mapped in place;
# XL_BENCH_ON_REBOOT=restart measures the copying build.
#
# Natively the guest's counter (/bin/cntvct next to its markers) is the
# machine's. Under xen-lite the guest's counter starts with the domain, so
# the machine time at the marker is the domain's start, plus the time the
# kernel ran before its clock started (the machine time of its power-off,
# which the hypervisor logs, minus the start and its uptime then), plus its
# uptime at the marker.
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
. "$srctree/tests/lib/linux.sh"
. "$srctree/tests/lib/qemu.sh"
# The logs stay in build/bench-arm64 (as the riscv64 script's do).
log=$srctree/build/bench-arm64
mkdir -p "$log"

# Debian's kernel and the marker initramfs (tests/lib/linux.sh).
{ linux_prepare arm64 && xl_hyp_build arm64; } >"$log/prepare" 2>&1 || {
	cat "$log/prepare" >&2
	echo "arm64-linux bench: cannot prepare the kernel" >&2
	exit 1
}
cmdline="console=ttyAMA0 quiet"
mem=256

# Native: the same machine (the CLI's command line, tests/lib/qemu.sh),
# kernel and initramfs, no hypervisor.
qemu_machine arm64 --smp 1 --mem ${mem}M || exit 1
timeout 900 "${qemu_cmd[@]}" -icount shift=0,sleep=off \
	-kernel "$lx_kernel" -initrd "$lx_initrd" \
	-append "$cmdline" </dev/null >"$log/native" 2>&1
tr -d '\r' <"$log/native" >"$log/native.txt"

linux_cfg "$log/linux.cfg" linux 1 $mem "${XL_BENCH_ON_REBOOT:-destroy}"
xl_boot 900 "$log/xl" --arch arm64 --smp 1 --mem 512M \
	--qemu-arg -icount --qemu-arg shift=0,sleep=off "$log/linux.cfg"
tr -d '\r' <"$log/xl" >"$log/xl.txt"

val() { # FILE REGEX: the first number after REGEX
	grep -oE "$2 *[0-9.]+" "$1" | head -n 1 | grep -oE '[0-9.]+$'
}

n_up=$(val "$log/native.txt" 'XL-LINUX-UP')
n_wl=$(val "$log/native.txt" 'XL-LINUX-WORKLOAD')
n_off=$(grep -oE '\[ *[0-9.]+\] reboot: Power down' "$log/native.txt" |
	grep -oE '[0-9]+\.[0-9]+' | head -n 1)
[ -n "$n_off" ] || n_off=$(val "$log/native.txt" 'XL-LINUX-DONE')
# The native counter is the machine's (since reset): at the marker and at
# DONE, with the guest's uptime next to it.
n_uctr=$(grep -a 'XL-LINUX-UP' "$log/native.txt" | head -n 1 | awk '{ print $3 }')
n_dup=$(val "$log/native.txt" 'XL-LINUX-DONE')
n_dctr=$(grep -a 'XL-LINUX-DONE' "$log/native.txt" | head -n 1 | awk '{ print $3 }')
x_start=$(grep -oE 'domain [0-9]+ \(linux\) started at [0-9]+ us' "$log/xl.txt" |
	grep -oE '[0-9]+ us' | grep -oE '[0-9]+')
x_up=$(val "$log/xl.txt" '\[linux\] XL-LINUX-UP')
x_wl=$(val "$log/xl.txt" '\[linux\] XL-LINUX-WORKLOAD')
x_off=$(grep -oE 'powering off at [0-9]+ us' "$log/xl.txt" | grep -oE '[0-9]+' | head -n 1)
x_pd=$(grep -oE '\[linux\] \[ *[0-9.]+\] reboot: Power down' "$log/xl.txt" |
	grep -oE '[0-9]+\.[0-9]+' | head -n 1)
# Machine time when the guest powered off (its PSCI SYSTEM_OFF).
x_sd=$(grep -a '(linux): shutdown: poweroff' "$log/xl.txt" | head -n 1 |
	sed 's/.*\[ *\([0-9.]*\)\].*/\1/')

for v in n_up n_wl n_off n_uctr n_dup n_dctr x_start x_up x_wl x_off x_pd x_sd; do
	if [ -z "${!v}" ]; then
		echo "arm64-linux bench: $v missing; logs in $log" >&2
		tail -15 "$log/native.txt" >&2
		tail -15 "$log/xl.txt" >&2
		exit 1
	fi
done
freq=62500000 # QEMU virt's counter (CNTFRQ_EL0)
awk -v ns="$n_up" -v nw="$n_wl" -v no="$n_off" -v xs="$x_start" \
	-v xu="$x_up" -v xw="$x_wl" -v xo="$x_off" -v xp="$x_pd" -v xd="$x_sd" \
	-v nuc="$n_uctr" -v ndu="$n_dup" -v ndc="$n_dctr" -v hz="$freq" 'BEGIN {
	# Time each kernel ran before its clock started: under xen-lite
	# from the machine time at its power-off, natively from the
	# counter next to DONE.
	xe = xd - xs / 1e6 - xp
	ne = ndc / hz - ndu
	xm = xs / 1e6 + xe + xu      # machine time at the marker
	nm = nuc / hz                # the same natively
	printf "# native: marker %.2f s (machine %.3f s), workload %.2f s, power-off %.3f s (machine %.3f s)\n", ns, nm, nw, no, no + ne
	printf "# xen-lite: domain started %.4f s, marker %.3f s machine (guest %.2f s), workload %.2f s, guest power-off %.4f s, machine power-off %.4f s\n", xs / 1e6, xm, xu, xw, xd, xo / 1e6
	printf "# kernel time before its clock starts: %.4f s under xen-lite, %.4f s native\n", xe, ne
	printf "BENCH arm64.linux_boot_ratio %.3f x\n", xm / ns
	printf "BENCH arm64.linux_run_ratio %.3f x\n", (xo / 1e6) / no
	printf "BENCH arm64.workload_ratio %.3f x\n", xw / nw
	printf "BENCH arm64.linux_boot_ratio_machine %.3f x\n", xm / nm
	printf "BENCH arm64.linux_run_ratio_machine %.3f x\n", (xo / 1e6) / (no + ne)
}'
