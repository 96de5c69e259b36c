#!/usr/bin/env bash
# Debian's arm64 Linux under xen-lite: a 2-vCPU domain with the marker
# initramfs (marker, both CPUs, workload, clean power-off), the same on a
# GICv2 host, then two such domains at once on a 4-CPU host.
#
# usage: tests/linux/arm64.sh
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
suite=linux-arm64
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
. "$srctree/tests/lib/result.sh"
. "$srctree/tests/lib/linux.sh"
. "$srctree/tests/lib/qemu.sh"

# check_domain LOG NAME VCPUS: Return 0 when NAME booted and finished.
check_domain() {
	local f=$1 n=$2 c=$3
	grep -q "^\[$n\] XL-LINUX-UP " "$f" || { why="[$n] no XL-LINUX-UP marker"; return 1; }
	grep -q "^\[$n\] XL-LINUX-CPUS $c\b" "$f" || { why="[$n] not $c CPUs"; return 1; }
	grep -q "^\[$n\] XL-LINUX-WORKLOAD " "$f" || { why="[$n] no workload time"; return 1; }
	grep -q "^\[$n\] XL-LINUX-DONE " "$f" || { why="[$n] no XL-LINUX-DONE"; return 1; }
	grep -q "domain [0-9]* ($n): shutdown: poweroff, code 0" "$f" || { why="[$n] no clean poweroff"; return 1; }
	return 0
}

# Debian's kernel and the marker initramfs (tests/lib/linux.sh).
if ! linux_prepare arm64 >"$log/prepare" 2>&1 || ! xl_hyp_build arm64 >>"$log/prepare" 2>&1; then
	fail fetch "cannot fetch or prepare the Debian kernel/busybox" "$log/prepare"
	summary
	exit 1
fi

# The domain also reads an unassigned guest physical address (QEMU's
# virtio-mmio window, not given to guests) with busybox devmem: the
# injected external abort must kill devmem with SIGBUS ("Bus error",
# status 128 + 7) and the domain keep running to XL-LINUX-DONE.
name=one_domain_2vcpus
linux_cfg "$log/linux.cfg" linux 2 256 restart xl_devmem=0x0a000000
xl_boot 300 "$log/$name" --arch arm64 --smp 2 --mem 1G "$log/linux.cfg"
rc=$?
why=""
check_domain "$log/$name" linux 2
[ -n "$why" ] || [ $rc -eq 0 ] || why="QEMU exit status $rc"
[ -n "$why" ] || why=$(stall_lines "$log/$name")
if [ -z "$why" ]; then
	result $name ok
	grep -E "XL-LINUX-(UP|WORKLOAD|DONE)" "$log/$name" | sed 's/^/    /'
else
	result $name fail "$why"
	sed 's/^/    /' "$log/$name" | tail -30
fi
why=""
if ! grep -aq '^\[linux\] XL-LINUX-DEVMEM status 135' "$log/$name"; then
	why="no 'XL-LINUX-DEVMEM status 135' (SIGBUS): $(grep -a 'XL-LINUX-DEVMEM status' "$log/$name" | head -1)"
elif ! grep -aq '^\[linux\] .*Bus error' "$log/$name"; then
	why="no 'Bus error' from the shell"
elif ! grep -aq '^\[linux\] XL-LINUX-DONE' "$log/$name"; then
	why="the domain did not go on after the fault"
elif grep -aq 'domain [0-9]* (linux) crashed' "$log/$name"; then
	why="the domain was crashed"
fi
if [ -z "$why" ]; then
	result devmem_unassigned_sigbus ok
	grep -aE "XL-LINUX-DEVMEM|Bus error" "$log/$name" | sed 's/^/    /'
else
	result devmem_unassigned_sigbus fail "$why"
	grep -a "^\[linux\]" "$log/$name" | tail -15 | sed 's/^/    /'
fi

# XL_LINUX_ONE=1 (tests/platforms on QEMU 10 in 'make test'): the first
# boot only.
if [ -n "${XL_LINUX_ONE:-}" ]; then
	summary
	exit
fi

# A GICv2 host (QEMU -machine virt,gic-version=2, tests/guests run
# gicv2): the domain gets a GICv2 (GICV mapped as its GICC), boots SMP
# through it, and its IPIs arrive (Linux counts them per type).
name=gicv2_host_2vcpus
linux_cfg "$log/v2.cfg" linux 2 256 restart
xl_boot 300 "$log/$name" --arch arm64 --smp 2 --mem 1G \
	--machine-opt gic-version=2 "$log/v2.cfg"
rc=$?
why=""
check_domain "$log/$name" linux 2
[ -n "$why" ] || [ $rc -eq 0 ] || why="QEMU exit status $rc"
[ -n "$why" ] || grep -aq '^(xl) .*gicv2: dist' "$log/$name" ||
	why="the hypervisor did not drive a GICv2"
[ -n "$why" ] || grep -aqE '^\[linux\] XL-LINUX-IRQCHIP GIC-0[[:space:]]*$' "$log/$name" ||
	why="Linux's timer is not on a GICv2: $(grep -a XL-LINUX-IRQCHIP "$log/$name")"
[ -n "$why" ] || grep -aqE '^\[linux\] XL-LINUX-IPIS [1-9]' "$log/$name" ||
	why="no IPI reached Linux: $(grep -a XL-LINUX-IPIS "$log/$name")"
[ -n "$why" ] || why=$(stall_lines "$log/$name")
if [ -z "$why" ]; then
	result $name ok
	grep -aE "XL-LINUX-(UP|IRQCHIP|IPIS|DONE)" "$log/$name" | sed 's/^/    /'
else
	result $name fail "$why"
	sed 's/^/    /' "$log/$name" | tail -30
fi

name=two_domains_smp4
linux_cfg "$log/a.cfg" linux-a 2 256 destroy
linux_cfg "$log/b.cfg" linux-b 2 256 restart
xl_boot 400 "$log/$name" --arch arm64 --smp 4 --mem 1G "$log/a.cfg" "$log/b.cfg"
rc=$?
why=""
check_domain "$log/$name" linux-a 2 && check_domain "$log/$name" linux-b 2
[ -n "$why" ] || [ $rc -eq 0 ] || why="QEMU exit status $rc"
[ -n "$why" ] || why=$(stall_lines "$log/$name")
# linux-a cannot restart: its kernel is mapped in place; linux-b copied.
if [ -z "$why" ]; then
	grep -aq '(linux-a):.*kernel entry [0-9a-fx]* (in place)' "$log/$name" ||
		why="linux-a: kernel not mapped in place"
	! grep -aq '(linux-b):.*(in place)' "$log/$name" ||
		why="linux-b (on_reboot = restart) was built in place"
fi
if [ -z "$why" ]; then
	result $name ok
else
	result $name fail "$why"
	sed 's/^/    /' "$log/$name" | tail -30
fi

summary
