#!/usr/bin/env bash
# Benchmark (not a test): Debian's riscv64 kernel and the test initramfs,
# natively and as one 1-vCPU domain under xen-lite, on the same QEMU with
# -icount shift=0,sleep=off -smp 1 (deterministic virtual time: 1 ns per
# instruction; sleep=off: idle time does not follow the host clock). Prints
#   BENCH riscv64.linux_boot_ratio  machine uptime at the guest's marker
#                                   (hypervisor boot + domain build + guest
#                                   boot) / native guest uptime at it
#   BENCH riscv64.linux_run_ratio   machine uptime at power-off / native
#                                   guest uptime at its power-off (its
#                                   "reboot: Power down" line)
#   BENCH riscv64.workload_ratio    workload time under xen-lite / natively,
#                                   both timed with the platform counter
#                                   (rdtime, 100 ns ticks)
#   BENCH riscv64.linux_{boot,run}_ratio_machine  the same two ratios
#                                   with machine time on the native side
#                                   too (OpenSBI and the kernel before its
#                                   clock starts count on both sides)
#   BENCH riscv64.linux_run_ratio_full_board  run ratio against a native
#                                   guest on QEMU's whole board (the
#                                   figure before issue 20; not like for
#                                   like)
# The machine uptime at the marker is the platform counter the guest's
# /init reads with /bin/rdtime next to the marker (guests see the machine
# counter: htimedelta is 0), over /cpus/timebase-frequency (10 MHz on
# QEMU virt).
#
# The domain has on_reboot = "destroy", so its kernel and ramdisk are
# mapped in place; XL_BENCH_ON_REBOOT=restart measures the copying build.
#
# usage: tests/bench/riscv64-linux.sh
set -euo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
. "$srctree/tests/lib/linux.sh"
. "$srctree/tests/lib/qemu.sh"
out=$srctree/build/bench-riscv64
mkdir -p "$out"

# Debian's kernel and the marker initramfs (tests/lib/linux.sh).
linux_prepare riscv64
xl_hyp_build riscv64
cmdline="console=ttyS0 quiet"

# Native, like for like (issue 20): the kernel straight on OpenSBI, on the
# machine the CLI boots (tests/lib/qemu.sh) with the domain's 256 MiB, on
# QEMU's tree stripped to what the domain's tree has (CPU with Sv39 and the
# domain's ISA string, i.e. without H; memory; PLIC; NS16550 UART; one
# virtio-mmio transport, as the domain's power button is one (QEMU's has
# no device behind it; the benchmark's Linux loads no virtio-mmio driver
# either way, virtio_mmio is a module); tests/bench/lib/native-tree.sh):
# the PCIe host, the other 7 virtio-mmio transports, fw-cfg, flash, the
# Goldfish RTC, the PMU node and the platform bus go. OpenSBI runs before
# Linux natively and needs the CLINT (its timer and IPIs) and the SiFive
# test device with the syscon power-off and reboot nodes that point at it
# (its system reset: OpenSBI 1.5 on QEMU 10 finds it only through those
# two nodes and halts instead of powering off without them), so these
# stay, and are the only nodes natively that the domain's tree lacks:
# Linux in S-mode has no CLINT driver, and binds its syscon power-off and
# reboot drivers to the other two (two small platform drivers, which may
# then power it off through the test device rather than SBI). /chosen gets rng-seed (64 bytes) and
# kaslr-seed as the domain's tree has them (common/domain_build.c,
# guest_seed_props()), with fixed values instead of QEMU's random rng-seed
# (-seed: anything else QEMU draws at random for the guest repeats too);
# runs still differ a little inside (docs/benchmarks.md, "Linux on
# RISC-V"). QEMU's whole board stays as a second,
# labelled figure.
. "$srctree/tests/bench/lib/native-tree.sh"
qemu_machine riscv64 --smp 1 --mem 256M
native=("${qemu_cmd[@]}" -kernel "$lx_kernel" -initrd "$lx_initrd"
	-append "$cmdline" -icount shift=0,sleep=off -seed 1)
rm -f "$out/native.dtb" "$out/board.dtb"
"${native[@]}" -machine dumpdtb="$out/native.dtb" >/dev/null 2>&1
cp "$out/native.dtb" "$out/board.dtb"
fdtput -d "$out/board.dtb" /chosen rng-seed 2>/dev/null || true
isa=$(fdtget "$out/native.dtb" /cpus/cpu@0 riscv,isa)
isa_base=${isa%%_*}
native_tree_keep "$out/native.dtb" / chosen memory cpus soc poweroff reboot
native_tree_keep "$out/native.dtb" /soc serial plic clint test virtio_mmio@10008000
native_tree_keep "$out/native.dtb" /cpus cpu
fdtput -t s "$out/native.dtb" /cpus/cpu@0 riscv,isa \
	"${isa_base//h/}${isa#"$isa_base"}"
fdtput -t s "$out/native.dtb" /cpus/cpu@0 mmu-type riscv,sv39
fdtput -d "$out/native.dtb" /chosen rng-seed 2>/dev/null || true
native_tree_seeds "$out/native.dtb"
timeout 900 "${native[@]}" -dtb "$out/native.dtb" </dev/null >"$out/native.log" 2>&1
# QEMU's whole board (its tree without the random rng-seed, so that it
# repeats), as before issue 20: the second figure only.
timeout 900 "${native[@]}" -dtb "$out/board.dtb" </dev/null >"$out/native-board.log" 2>&1

# Under xen-lite: one 1-vCPU domain.
linux_cfg "$out/bench.cfg" bench 1 256 "${XL_BENCH_ON_REBOOT:-destroy}"
xl_boot 900 "$out/xen-lite.log" --arch riscv64 --smp 1 --mem 512M \
	--qemu-arg -icount --qemu-arg shift=0,sleep=off "$out/bench.cfg"

field() { # file pattern -> the number after the pattern
	grep -a "$2" "$1" | head -n 1 | sed "s/.*$2 *//" | awk '{ print $1 }'
}

n_up=$(field "$out/native.log" "XL-LINUX-UP")
n_done=$(grep -a "reboot: Power down" "$out/native.log" | head -n 1 |
	sed 's/^\[ *\([0-9.]*\)\].*/\1/')
[ -n "$n_done" ] || n_done=$(field "$out/native.log" "XL-LINUX-DONE")
n_work=$(field "$out/native.log" "XL-LINUX-WORKLOAD")
f_done=$(grep -a "reboot: Power down" "$out/native-board.log" | head -n 1 |
	sed 's/^\[ *\([0-9.]*\)\].*/\1/')
x_up=$(field "$out/xen-lite.log" "XL-LINUX-UP")
x_mark=$(grep -a "XL-LINUX-UP" "$out/xen-lite.log" | head -n 1 | awk '{ print $NF }')
n_mark=$(grep -a "XL-LINUX-UP" "$out/native.log" | head -n 1 | awk '{ print $NF }')
n_dup=$(field "$out/native.log" "XL-LINUX-DONE")
n_dctr=$(grep -a "XL-LINUX-DONE" "$out/native.log" | head -n 1 | awk '{ print $NF }')
x_work=$(field "$out/xen-lite.log" "XL-LINUX-WORKLOAD")
x_start=$(grep -a "domain [0-9]* (bench) started at" "$out/xen-lite.log" |
	sed 's/.*started at \([0-9]*\) us.*/\1/')
x_off=$(grep -a "powering off at" "$out/xen-lite.log" |
	sed 's/.*powering off at \([0-9]*\) us.*/\1/')
for v in n_up n_done f_done n_work x_up x_work x_start x_off x_mark n_mark n_dup n_dctr; do
	if [ -z "${!v}" ]; then
		echo "bench: $v missing; see $out/native.log and $out/xen-lite.log" >&2
		exit 1
	fi
done

awk -v nu="$n_up" -v nd="$n_done" -v nw="$n_work" -v xu="$x_up" \
	-v xw="$x_work" -v xs="$x_start" -v xo="$x_off" -v xm="$x_mark" \
	-v nm="$n_mark" -v fd="$f_done" -v ndu="$n_dup" -v ndc="$n_dctr" 'BEGIN {
	hz = 10000000
	printf "native: marker %.3f s guest uptime (machine %.3f s), power-off %.4f s, workload %.6f s\n",
		nu, nm / hz, nd, nw
	printf "xen-lite: domain start %.3f s, marker %.3f s machine (guest %.2f s), power-off %.4f s, workload %.6f s\n",
		xs / 1e6, xm / hz, xu, xo / 1e6, xw
	printf "BENCH riscv64.linux_boot_ratio %.3f x\n", (xm / hz) / nu
	printf "BENCH riscv64.linux_run_ratio %.3f x\n", (xo / 1e6) / nd
	printf "BENCH riscv64.workload_ratio %.3f x\n", xw / nw
	# Machine time on both sides (native includes OpenSBI and the
	# kernel before its clock starts, as xen-lite does).
	noff = ndc / hz + (nd - ndu)
	printf "BENCH riscv64.linux_boot_ratio_machine %.3f x\n", (xm / hz) / (nm / hz)
	printf "BENCH riscv64.linux_run_ratio_machine %.3f x\n", (xo / 1e6) / noff
	printf "native on QEMU'"'"'s whole board: power-off %.4f s\n", fd
	printf "BENCH riscv64.linux_run_ratio_full_board %.3f x\n", (xo / 1e6) / fd
}'
