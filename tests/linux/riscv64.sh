#!/usr/bin/env bash
# Debian Linux guests on RISC-V: Debian's riscv64 kernel (trixie) and
# busybox-static, fetched with scripts/debfetch.sh, booted under xen-lite.
#   linux_2vcpu:   one 2-vCPU domain on a 2-CPU host: marker, 2 CPUs seen,
#                  the workload ran, clean power-off (QEMU exits 0).
#   devmem_unassigned: in that run, busybox devmem on an unassigned guest
#                  physical address gets SIGSEGV and the domain goes on.
#   linux_2domains: two 2-vCPU Linux domains at once on a 4-CPU host.
#   linux_no_sstc: the 2-vCPU domain on harts without Sstc (guest timer
#                  through SBI set_timer and VSTIP injection).
#   On a hart with V (QEMU 10 -cpu max) every domain runs xl-vcheck
#   (tests/linux/riscv64-vcheck.c) in three processes at once, which must
#   keep their vector state; with XL_CPU=max its ISA must list V, and
#   linux_2vcpu's two vCPUs share CPU 1 (xen-lite switches the vector
#   state between them).
#   linux_console_input: a busybox shell as init; commands typed on the
#                  console reach it through the virtual 16550 (receive
#                  interrupts through the virtual PLIC, or on an AIA host
#                  the vAPLIC and the domain's IMSIC file) and it powers off.
#   On an AIA host (XL_MACHINE_OPTS with aia=aplic-imsic), every domain
#   must have been given an AIA (the hypervisor's "AIA: vAPLIC" line; its
#   Linux boots only through it: the tree has no other interrupt
#   controller), and:
#   linux_2vcpu runs with two guest interrupt files per hart
#                  (aia-guests=2): both vCPUs get one (IMSIC files in
#                  hardware, mapped into the domain's stage 2);
#   linux_aia_3domains: three 2-vCPU domains at once on a 2-CPU host with
#                  one guest interrupt file per hart (aia-guests=1): two
#                  vCPUs get the hardware files, the other four emulated
#                  IMSIC files, and all three Linux boots pass.
#
# usage: tests/linux/riscv64.sh
# Environment: XL_LINUX_TIMEOUT (seconds per boot, default 600);
#   XL_LINUX_ONE=1: only the first boot (linux_2vcpu, devmem_unassigned),
#   as tests/platforms runs it on QEMU 10 within 'make test' (on an AIA
#   host also linux_aia_3domains, unless XL_LINUX_AIA_ONE=1).
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
suite=linux-riscv64
out=$srctree/build/linux-riscv64
timeout=${XL_LINUX_TIMEOUT:-600}
. "$srctree/tests/lib/result.sh"
. "$srctree/tests/lib/linux.sh"
. "$srctree/tests/lib/qemu.sh"

finish() {
	summary
	exit
}

# Debian's kernel and the marker initramfs (tests/lib/linux.sh).
{ linux_prepare riscv64 && xl_hyp_build riscv64; } 2>"$out.prepare.log" ||
	{ fail prepare "could not fetch or prepare the kernel and initramfs" "$out.prepare.log"; finish; }

# ON_REBOOT (default destroy): with "destroy" no policy restarts the domain
# and the hypervisor maps its kernel in place; "restart" makes it copy.
domfile() { # name vcpus memory [on_reboot [cmdline_extra]]
	linux_cfg "$out/$1.cfg" "$1" "$2" "$3" "${4:-destroy}" "${5:-}"
}

# check_domain LOG NAME VCPUS: marker, CPU count, workload and done lines.
check_domain() {
	local log=$1 name=$2 vcpus=$3
	grep -aq "\[$name\] XL-LINUX-UP" "$log" || { echo "no marker from $name"; return; }
	grep -aq "\[$name\] XL-LINUX-CPUS $vcpus" "$log" || { echo "$name does not see $vcpus CPUs"; return; }
	grep -aq "\[$name\] XL-LINUX-WORKLOAD" "$log" || { echo "$name did not run the workload"; return; }
	grep -aq "\[$name\] XL-LINUX-DONE" "$log" || { echo "$name did not finish"; return; }
}

# check_in_place LOG DOMAIN...: each domain's kernel was mapped in place
# exactly when its file says on_reboot = "destroy".
check_in_place() {
	local log=$1 d
	shift
	for d in "$@"; do
		if grep -q '^on_reboot = "destroy"' "$out/$d.cfg"; then
			grep -aq "($d):.*kernel entry [0-9a-fx]* (in place)" "$log" ||
				{ echo "$d: kernel not mapped in place"; return; }
		elif grep -aq "($d):.*(in place)" "$log"; then
			echo "$d: kernel mapped in place although it may restart"
			return
		fi
	done
}

# check_vector LOG DOMAIN...: a domain whose ISA has V ran xl-vcheck in
# three processes at once without losing vector state; on -cpu max
# (XL_CPU, QEMU 10) the ISA must have V (docs/riscv.md).
check_vector() {
	local log=$1 d isa
	shift
	for d in "$@"; do
		isa=$(grep -a -m1 "\[$d\] XL-LINUX-ISA" "$log" | sed 's/.*XL-LINUX-ISA //')
		case "${XL_CPU:-}" in
		max | max,*)
			case ${isa%%_*} in rv64*v*) ;; *)
				echo "$d: no V in its ISA on -cpu max: '${isa:0:40}'"
				return ;;
			esac ;;
		esac
		case ${isa%%_*} in rv64*v*)
			[ "$(grep -a "\[$d\] XL-LINUX-VECTOR" "$log" | grep -o '300 rounds ok' | wc -l)" = 3 ] ||
				{ echo "$d: $(grep -a -m1 "\[$d\] XL-LINUX-VECTOR" "$log" || echo "no XL-LINUX-VECTOR line")"; return; }
			;;
		esac
	done
}

# aia_host: does this run's machine have IMSICs (virt,aia=aplic-imsic)?
aia_host() {
	[[ " ${XL_MACHINE_OPTS:-} ${extra[*]} " == *aia=aplic-imsic* ]]
}

# check_aia LOG DOMAIN...: on an AIA host each domain got an AIA.
check_aia() {
	local log=$1 d
	shift
	aia_host || return 0
	for d in "$@"; do
		grep -aq "($d): AIA: vAPLIC" "$log" || { echo "$d: no AIA on an AIA host"; return; }
	done
}

# gfiles_case CASE HW EMULATED: in CASE's log, HW vCPUs took a guest
# interrupt file of their hart and EMULATED found none free.
gfiles_case() {
	local log=$out/$1.log hw emu
	hw=$(grep -ac 'IMSIC guest file [0-9]* of CPU' "$log")
	emu=$(grep -ac 'no guest interrupt file free' "$log")
	if [ "$hw" = "$2" ] && [ "$emu" = "$3" ]; then
		result "$1.guest_files" ok
	else
		result "$1.guest_files" fail "$hw vCPUs with a guest file, $emu emulated; expected $2 and $3 (log: $log)"
	fi
}

run_case() { # case smp mem domain...
	local name=$1 smp=$2 mem=$3
	shift 3
	local log=$out/$name.log files=() why="" d rc
	for d in "$@"; do
		files+=("$out/$d.cfg")
	done
	xl_boot "$timeout" "$log" --arch riscv64 --smp "$smp" --mem "$mem" \
		"${extra[@]}" "${files[@]}"
	rc=$?
	for d in "$@"; do
		[ -n "$why" ] || why=$(check_domain "$log" "$d" 2)
	done
	[ -n "$why" ] || [ $rc -eq 0 ] || why="exit status $rc"
	[ -n "$why" ] || why=$(check_in_place "$log" "$@")
	[ -n "$why" ] || why=$(check_aia "$log" "$@")
	[ -n "$why" ] || why=$(check_vector "$log" "$@")
	[ -n "$why" ] || why=$(stall_lines "$log")
	if [ -z "$why" ]; then
		result "$name" ok
		grep -a "XL-LINUX-UP\|XL-LINUX-WORKLOAD\|XL-LINUX-VECTOR\|powering off" "$log" | sed 's/^/    /'
	else
		result "$name" fail "$why (log: $log)"
		tail -n 25 "$log" | sed 's/^/    /'
	fi
}

# wait_for LOG PATTERN SECONDS: poll the log until PATTERN shows up.
wait_for() {
	local i
	for ((i = 0; i < $3 * 2; i++)); do
		grep -aq "$2" "$1" && return 0
		sleep 0.5
	done
	return 1
}

console_case() {
	local log=$out/linux_console_input.log fifo=$out/console.fifo why="" rc
	linux_cfg "$out/shell.cfg" shell 1 256 restart "rdinit=/bin/sh"
	rm -f "$fifo"
	mkfifo "$fifo"
	(cd "$srctree" && ./xen-lite run --arch riscv64 --smp 1 --mem 512M \
		--timeout "$timeout" "$out/shell.cfg") <"$fifo" >"$log" 2>&1 &
	local pid=$!
	exec 9>"$fifo"
	if ! wait_for "$log" 'job control turned off' "$timeout"; then
		why="no shell prompt"
	else
		sleep 1
		printf 'echo typed-$((40+2))\n' >&9
		wait_for "$log" '\[shell\] typed-42' 60 || why="typed command did not run"
		printf '/bin/busybox poweroff -f\n' >&9
	fi
	exec 9>&-
	wait $pid
	rc=$?
	rm -f "$fifo"
	[ -n "$why" ] || [ $rc -eq 0 ] || why="exit status $rc"
	if [ -z "$why" ]; then
		result linux_console_input ok
	else
		result linux_console_input fail "$why (log: $log)"
		tail -n 15 "$log" | sed 's/^/    /'
	fi
}

# devmem_unassigned: the linux_2vcpu domain reads an unassigned guest
# physical address (QEMU's virtio-mmio window, not given to guests) with
# busybox devmem; the injected load access fault must kill devmem with
# SIGSEGV (what Linux on RISC-V sends for an access fault: "Segmentation
# fault", status 128 + 11) and the domain go on to XL-LINUX-DONE.
devmem_case() {
	local log=$out/linux_2vcpu.log why=""
	if ! grep -aq '^\[linux\] XL-LINUX-DEVMEM status 139' "$log"; then
		why="no 'XL-LINUX-DEVMEM status 139' (SIGSEGV): $(grep -a 'XL-LINUX-DEVMEM status' "$log" | head -1)"
	elif ! grep -aq '^\[linux\] .*Segmentation fault' "$log"; then
		why="no 'Segmentation fault' from the shell"
	elif ! grep -aq '^\[linux\] XL-LINUX-DONE' "$log"; then
		why="the domain did not go on after the fault"
	elif grep -aq 'domain [0-9]* (linux) crashed' "$log"; then
		why="the domain was crashed"
	fi
	if [ -z "$why" ]; then
		result devmem_unassigned ok
		grep -aE "XL-LINUX-DEVMEM|Segmentation fault" "$log" | sed 's/^/    /'
	else
		result devmem_unassigned fail "$why (log: $log)"
		grep -a '^\[linux\]' "$log" | tail -n 15 | sed 's/^/    /'
	fi
}

extra=()
aia_host && extra=(--machine-opt aia-guests=2)
domfile linux 2 256 destroy xl_devmem=0x10001000
# -cpu max: both vCPUs on CPU 1, so that every switch between them moves
# vector state that xl-vcheck's processes are using.
case "${XL_CPU:-}" in max | max,*) echo 'cpus = [1, 1]' >>"$out/linux.cfg" ;; esac
run_case linux_2vcpu 2 1G linux
if aia_host; then
	gfiles_case linux_2vcpu 2 0
fi
extra=()
devmem_case
if aia_host && [ -z "${XL_LINUX_AIA_ONE:-}" ]; then
	domfile aia1 2 256
	domfile aia2 2 256 restart
	domfile aia3 2 256 restart
	extra=(--machine-opt aia-guests=1)
	run_case linux_aia_3domains 2 2G aia1 aia2 aia3
	gfiles_case linux_aia_3domains 2 4
	extra=()
fi
[ -z "${XL_LINUX_ONE:-}" ] || finish

extra=(--qemu-arg -cpu --qemu-arg rv64,sstc=false)
run_case linux_no_sstc 2 1G linux
extra=()

domfile linux1 2 256
domfile linux2 2 256 restart
run_case linux_2domains 4 1G linux1 linux2

console_case

finish
