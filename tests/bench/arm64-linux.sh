#!/usr/bin/env bash
# Benchmark (not a test): Debian's arm64 kernel with the marker initramfs,
# natively and as a 1-vCPU domain under xen-lite, on the same QEMU with
# -icount shift=0,sleep=off -smp 1 (virtual time advances with instructions, so the
# figures are deterministic and independent of the host's load).
#
# The native run is like for like (issue 20): the same 256 MiB, and a
# device tree with the devices the domain has and no others (CPU, memory,
# PSCI, GICv3 without its ITS, timer, PL011 and its clock, the PL061 GPIO
# and its gpio-keys power button, which a domain has too: QEMU's own tree
# with the PCIe host, the 32 virtio-mmio transports, fw-cfg, the PL031
# RTC, flash, the PMU and the platform bus deleted,
# tests/bench/lib/native-tree.sh), /chosen rng-seed (64 bytes) and
# kaslr-seed as the domain's tree has them, and virtualization=off: the
# domain's kernel is entered at EL1 and sees no EL2, while natively with
# virtualization=on it would be entered at EL2 and set up KVM first (about
# 15 ms of its boot), which the domain never does. QEMU's whole board
# (virtualization=on, every device) stays as a second, labelled figure.
#
# Prints
#   BENCH arm64.linux_boot_ratio  machine uptime at the guest's marker
#                                 (hypervisor boot + domain build + guest
#                                 boot) / native guest uptime at it
#   BENCH arm64.linux_run_ratio   machine uptime at power-off / native
#                                 guest uptime at its power-off (its
#                                 "reboot: Power down" line)
#   BENCH arm64.workload_ratio    workload time under xen-lite / natively,
#                                 both timed with the guest's counter
#                                 (CNTVCT_EL0, to the microsecond)
#   BENCH arm64.linux_{boot,run}_ratio_machine  the same two ratios with
#                                 machine time on the native side too (the
#                                 kernel before its clock starts counts on
#                                 both sides)
#   BENCH arm64.linux_run_ratio_full_board  run ratio against a native
#                                 guest on QEMU's whole board (the figure
#                                 before issue 20; not like for like)
# and the raw figures as "# ..." lines. The domain has on_reboot =
# "destroy", so its kernel and ramdisk are mapped in place;
# XL_BENCH_ON_REBOOT=restart measures the copying build.
# XL_BENCH_NATIVE_VIRT=on runs the like-for-like native guest with
# virtualization=on instead (entered at EL2, KVM set up), for comparison.
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

# Native, like for like: the CLI's machine line (tests/lib/qemu.sh) with
# virtualization=off, the same kernel and initramfs, no hypervisor, on
# QEMU's tree stripped to the domain's devices. -seed: anything QEMU
# itself draws at random for the guest repeats from run to run.
. "$srctree/tests/bench/lib/native-tree.sh"
qemu_machine arm64 --smp 1 --mem ${mem}M \
	--machine-opt "virtualization=${XL_BENCH_NATIVE_VIRT:-off}" || exit 1
native=("${qemu_cmd[@]}" -icount shift=0,sleep=off -seed 1
	-kernel "$lx_kernel" -initrd "$lx_initrd" -append "$cmdline")
rm -f "$log/native.dtb"
"${native[@]}" -machine dumpdtb="$log/native.dtb" >/dev/null 2>&1
{ native_tree_keep "$log/native.dtb" / chosen memory cpus psci intc timer \
	apb-pclk pl011 pl061 gpio-keys &&
	native_tree_keep "$log/native.dtb" /intc@8000000 &&
	native_tree_keep "$log/native.dtb" /cpus cpu &&
	fdtput -d "$log/native.dtb" /chosen rng-seed &&
	fdtput -d "$log/native.dtb" /chosen kaslr-seed &&
	native_tree_seeds "$log/native.dtb"; } || {
	echo "arm64-linux bench: cannot make the native device tree" >&2
	exit 1
}
timeout 900 "${native[@]}" -dtb "$log/native.dtb" </dev/null >"$log/native" 2>&1
tr -d '\r' <"$log/native" >"$log/native.txt"

# Native on QEMU's whole board, as before issue 20 (second figure only).
qemu_machine arm64 --smp 1 --mem ${mem}M || exit 1
timeout 900 "${qemu_cmd[@]}" -icount shift=0,sleep=off -seed 1 \
	-kernel "$lx_kernel" -initrd "$lx_initrd" \
	-append "$cmdline" </dev/null >"$log/native-board" 2>&1
tr -d '\r' <"$log/native-board" >"$log/native-board.txt"

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
f_off=$(grep -oE '\[ *[0-9.]+\] reboot: Power down' "$log/native-board.txt" |
	grep -oE '[0-9]+\.[0-9]+' | head -n 1)
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

for v in n_up n_wl n_off f_off n_uctr n_dup n_dctr x_start x_up x_wl x_off x_pd x_sd; do
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
	-v fo="$f_off" -v nuc="$n_uctr" -v ndu="$n_dup" -v ndc="$n_dctr" -v hz="$freq" 'BEGIN {
	# Time each kernel ran before its clock started: under xen-lite
	# from the machine time at its power-off, natively from the
	# counter next to DONE.
	xe = xd - xs / 1e6 - xp
	ne = ndc / hz - ndu
	xm = xs / 1e6 + xe + xu      # machine time at the marker
	nm = nuc / hz                # the same natively
	printf "# native: marker %.2f s (machine %.3f s), workload %.6f s, power-off %.4f s (machine %.3f s)\n", ns, nm, nw, no, no + ne
	printf "# xen-lite: domain started %.4f s, marker %.3f s machine (guest %.2f s), workload %.6f s, guest power-off %.4f s, machine power-off %.4f s\n", xs / 1e6, xm, xu, xw, xd, xo / 1e6
	printf "# kernel time before its clock starts: %.4f s under xen-lite, %.4f s native\n", xe, ne
	printf "BENCH arm64.linux_boot_ratio %.3f x\n", xm / ns
	printf "BENCH arm64.linux_run_ratio %.3f x\n", (xo / 1e6) / no
	printf "BENCH arm64.workload_ratio %.3f x\n", xw / nw
	printf "BENCH arm64.linux_boot_ratio_machine %.3f x\n", xm / nm
	printf "BENCH arm64.linux_run_ratio_machine %.3f x\n", (xo / 1e6) / (no + ne)
	printf "# native on QEMU'"'"'s whole board: power-off %.4f s\n", fo
	printf "BENCH arm64.linux_run_ratio_full_board %.3f x\n", (xo / 1e6) / fo
}'
