#!/usr/bin/env bash
# Boot tests of one architecture: xen-lite alone on QEMU virt with 1 and 4
# CPUs (every CPU must come online and QEMU must exit 0), and a machine
# without the virtualization extension (RISC-V: a hart without H; Arm: no
# EL2): a clear panic and a non-zero exit. Through the CLI
# ('xen-lite run' without domain files, tests/lib/qemu.sh).
#
# usage: tests/qemu/boot.sh riscv64|arm64
#   Builds build/ARCH first. Case names: ARCH.boot_smp1, ARCH.boot_smp4,
#   riscv64.aia_aplic_imsic_console, riscv64.aia_aplic_console,
#   riscv64.no_h_extension, arm64.no_el2.
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
arch=${1:-}
suite=$arch
. "$srctree/tests/lib/result.sh"
. "$srctree/tests/lib/qemu.sh"
case $arch in
riscv64)
	no_virt=no_h_extension
	no_virt_opts=(--cpu rv64,h=false)
	no_virt_panic="H extension not present"
	;;
arm64)
	no_virt=no_el2
	no_virt_opts=(--machine-opt virtualization=off)
	no_virt_panic="must be entered at EL2"
	;;
*)
	echo "usage: $0 riscv64|arm64" >&2
	exit 2
	;;
esac
xl_hyp_build "$arch" || {
	fail build "build/$arch does not build"
	summary
	exit 1
}
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# verdict NAME RC: the case passes if $why (the first thing found wrong)
# is empty once QEMU's status RC and the stall detector are looked at;
# a failure shows the log's tail.
verdict() {
	[ "$2" -eq 0 ] || why="${why:-QEMU exit status $2 (124: the machine hung)}"
	[ -z "$(stall_lines "$log/$1")" ] || why="${why:-$(stall_lines "$log/$1")}"
	check "$1" "$([ -z "$why" ]; echo $?)" "$why"
	[ -z "$why" ] || sed 's/^/    /' "$log/$1" | tail -20
}

for smp in 1 4; do
	name=boot_smp$smp
	xl_boot 60 "$log/$name" --arch "$arch" --smp $smp --mem 256M
	rc=$?
	why=""
	for ((c = 0; c < smp; c++)); do
		grep -q "CPU$c online" "$log/$name" || why="CPU$c not online"
	done
	grep -q "$smp CPUs online" "$log/$name" || why="${why:-no '$smp CPUs online' line}"
	grep -q "boot complete" "$log/$name" || why="${why:-no boot complete line}"
	verdict $name $rc
done

# riscv64: the host's wired interrupts through an APLIC, in MSI mode
# (aia=aplic-imsic) and direct mode (aia=aplic), with a domain flooding
# the console so the UART's transmit interrupt drains the output ring
# for seconds: the domain must get all its lines out and the machine
# power off (the transmit interrupt drains in most runs; a run where
# the writers drained it all themselves says so). In MSI mode QEMU 7.2 pended a level source again on every
# completion whether it still asserted or not, and a hart then took that
# interrupt for ever (arch/riscv/aplic.c, aplic_msi_complete()).
if [ "$arch" = riscv64 ]; then
	make -s -C "$srctree/tests/guests" ARCH=riscv64 >/dev/null 2>&1
	printf 'name = "flood"\nkernel = "%s"\nmemory = 16\nvcpus = 1\ncmdline = "role=flood lines=300 chunk=10 rest_ms=0"\n' \
		"$srctree/build/guests/riscv64/console.bin" >"$log/flood.cfg"
	for aia in aplic-imsic aplic; do
		name=aia_${aia//-/_}_console
		xl_boot 30 "$log/$name" --arch riscv64 --smp 2 --mem 256M \
			--machine-opt aia=$aia "$log/flood.cfg"
		rc=$?
		why=""
		grep -aq "flood done: 300 lines written" "$log/$name" || why="the domain did not get its 300 lines out"
		verdict $name $rc
		# Whether the run took the path at all: the ring needs the
		# interrupt only when a burst outlasts a writer's drain (most
		# runs: 69-113 interrupts; a loaded host's run had none).
		grep -aqE " [1-9][0-9]* transmit interrupts" "$log/$name" ||
			echo "# $arch.$name: no transmit interrupt in this run (the case did not exercise the completion)" >&2
	done
fi

name=$no_virt
xl_boot 60 "$log/$name" --arch "$arch" --smp 1 --mem 256M "${no_virt_opts[@]}"
rc=$?
if grep -q "$no_virt_panic" "$log/$name" && [ $rc -ne 0 ]; then
	ok $name
else
	fail $name "expected the panic '$no_virt_panic' and a non-zero exit (got $rc)" "$log/$name"
fi
summary
