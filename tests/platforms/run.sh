#!/usr/bin/env bash
# The platform matrix (docs/platforms.md): QEMU 7.2 (Debian 12's) and QEMU
# 10.0.2 with OpenSBI 1.5.1 (bookworm-backports, fetched by 'make deps'),
# with the machine options of each row.
#
#   tree.*      the device tree a bundle carries describes the machine that
#               boots it: for each (QEMU, arch, --machine-opt/--cpu) row,
#               the interrupt-controller and CPU nodes of the bundle's
#               host.dtb equal those of a dump (-machine dumpdtb=) of the
#               bundle's own boot command line (without its -dtb).
#   qemu10.*    the boot (tests/qemu), guests and Linux suites on QEMU 10
#               (XL_QEMU=10, tests/lib/qemu10.sh: every QEMU the tests
#               start comes from the CLI, tests/lib/qemu.sh), their case
#               names prefixed with qemu10.
#
# usage: tests/platforms/run.sh          make test's share: tree.*, the
#                                        basic boots, the guests runs in
#                                        XL_PLATFORMS_GUESTS, one Linux boot
#                                        per architecture and the riscv64
#                                        one on aia=aplic-imsic
#        tests/platforms/run.sh --full   'make test-platforms': every tree
#                                        row, every tests/qemu script, all
#                                        guests runs, every Linux case
# A case that fails on QEMU 10 for a known, documented reason is printed as
# "known-failure NAME: why" (not counted) and listed in docs/platforms.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srctree=$(cd "$here/../.." && pwd)
. "$srctree/tests/lib/qemu10.sh"
. "$srctree/tests/lib/qemu.sh"
suite=platforms
. "$srctree/tests/lib/result.sh"
full=0
[ "${1:-}" = --full ] || [ -n "${XL_PLATFORMS_FULL:-}" ] && full=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# tree NAME ARCH QEMU [build options...]
tree() {
	local name=tree.$1 arch=$2 ver=$3 d=$tmp/$1 cmd a skip=0
	shift 3
	if ! XL_QEMU=$ver "$srctree/xen-lite" build --arch "$arch" --smp 2 \
		--mem 512M -o "$d" "$@" >"$tmp/out" 2>&1; then
		fail "$name" "xen-lite build failed" "$tmp/out"
		return
	fi
	# The boot command line, less what the dump must not see: the
	# bundle's -dtb (QEMU would dump that file back), the hypervisor
	# and the modules.
	cmd=$(cat "$d/qemu.cmdline")
	eval "set -- $cmd"
	local argv=()
	for a in "$@"; do
		if [ $skip = 1 ]; then
			skip=0
			continue
		fi
		case $a in
		-dtb | -kernel | -device) skip=1 ;;
		-s | -S) ;;
		*) argv+=("$a") ;;
		esac
	done
	if ! (cd "$d" && timeout 60 "${argv[@]}" -machine dumpdtb="$d/booted.dtb" \
		-display none </dev/null) >"$tmp/out" 2>&1; then
		fail "$name" "dumping the boot command line's tree failed" "$tmp/out"
		return
	fi
	dtc -q -I dtb -O dts "$d/host.dtb" >"$d/host.dts" &&
		dtc -q -I dtb -O dts "$d/booted.dtb" >"$d/booted.dts" || {
		fail "$name" "dtc failed"
		return
	}
	"$here/dtnodes.py" "$d/host.dts" >"$d/host.nodes"
	"$here/dtnodes.py" "$d/booted.dts" >"$d/booted.nodes"
	if ! grep -q '^/cpus/cpu@0: ' "$d/host.nodes" ||
		! grep -q ': interrupt-controller$' "$d/host.nodes"; then
		fail "$name" "no CPU or interrupt-controller nodes found" "$d/host.nodes"
	elif diff -u "$d/booted.nodes" "$d/host.nodes" >"$tmp/diff"; then
		ok "$name"
	else
		fail "$name" "the bundle's tree differs from the booted machine's (- booted, + bundle)" "$tmp/diff"
	fi
}

tree q7-riscv64 riscv64 7
tree q7-riscv64-aia riscv64 7 --machine-opt aia=aplic-imsic
tree q7-arm64 arm64 7
tree q7-arm64-gicv2 arm64 7 --machine-opt gic-version=2
tree q7-arm64-qemu-arg arm64 7 --qemu-arg -machine --qemu-arg gic-version=2 \
	--qemu-arg -smp --qemu-arg 3
if ! qemu10_env 2>"$tmp/out"; then
	fail qemu10.present "QEMU 10 is missing (make deps)" "$tmp/out"
	summary
	exit 1
fi
# The suites below really run QEMU 10: every QEMU they start comes from
# the CLI (tests/lib/qemu.sh), which names QEMU 10's binary.
q10=$srctree/build/debian/qemu10/root/usr/bin
if qemu_machine arm64 2>"$tmp/out" && [ "${qemu_cmd[0]}" = "$q10/qemu-system-aarch64" ] &&
	"${qemu_cmd[0]}" --version | grep 'version 10\.0\.' >/dev/null &&
	TMPDIR=$tmp "$srctree/xen-lite" run --arch arm64 --dry-run 2>>"$tmp/out" |
	grep -q " $q10/qemu-system-aarch64 -L "; then
	ok qemu10.selected
else
	fail qemu10.selected "QEMU 10 is not what the suites would run (${qemu_cmd[0]:-no command line})" "$tmp/out"
fi
tree q10-riscv64 riscv64 10
tree q10-riscv64-aia riscv64 10 --machine-opt aia=aplic-imsic --machine-opt aia-guests=2
tree q10-riscv64-max riscv64 10 --cpu max
tree q10-arm64 arm64 10
tree q10-arm64-gicv2 arm64 10 --machine-opt gic-version=2 --cpu max
if [ $full = 1 ]; then
	tree q7-riscv64-aplic riscv64 7 --machine-opt aia=aplic
	tree q7-riscv64-nosstc riscv64 7 --cpu rv64,sstc=false
	tree q10-riscv64-aplic riscv64 10 --machine-opt aia=aplic
	tree q10-arm64-max arm64 10 --cpu max
	tree q10-arm64-gicv4 arm64 10 --machine-opt gic-version=4 --cpu max
fi

# A hypervisor that fails exits QEMU non-zero, every time: QEMU 10's
# sifive,test finisher only requests the shutdown (7.2 exited at once), and
# xen-lite used to go on to an SRST whose FINISHER_PASS won about one run in
# three (arch/riscv/setup.c arch_machine_poweroff). Twenty boots on a tree
# without a memory node (a one-line boot failure).
fail_exit_status() {
	local name=qemu10.riscv64.fail_exit_status i rc bad=""
	xl_hyp_build riscv64 2>/dev/null || {
		fail "$name" "building build/riscv64 failed"
		return
	}
	# The CLI's command line for the machine, started directly: twenty
	# boots through 'xen-lite run' would dump the tree twenty times.
	qemu_machine riscv64 --smp 1 --mem 256M 2>"$tmp/fail.log" &&
		qemu_tree riscv64 "$tmp/q10.dtb" --smp 1 --mem 256M 2>"$tmp/fail.log" &&
		dtc -q -I dtb -O dts "$tmp/q10.dtb" |
		sed 's/device_type = "memory";/device_type = "notmemory";/' |
		dtc -q -I dts -O dtb -o "$tmp/nomem.dtb" || {
		fail "$name" "could not make the tree" "$tmp/fail.log"
		return
	}
	for ((i = 1; i <= 20; i++)); do
		timeout 60 "${qemu_cmd[@]}" -kernel \
			"$srctree/build/riscv64/xen-lite.bin" -dtb "$tmp/nomem.dtb" \
			</dev/null >"$tmp/fail.log" 2>&1
		rc=$?
		if ! grep -q 'boot failed: device tree: no memory node' "$tmp/fail.log"; then
			bad="boot $i: no 'boot failed' line"
		elif [ $rc -eq 0 ] || [ $rc -eq 124 ]; then
			bad="boot $i: QEMU exit status $rc"
		fi
		[ -z "$bad" ] || break
	done
	if [ -z "$bad" ]; then
		ok "$name"
	else
		fail "$name" "$bad" "$tmp/fail.log"
	fi
}
fail_exit_status

# sub NAME CMD...: run a suite on QEMU 10, its cases renamed qemu10.*.
sub() {
	local name=$1 rc
	shift
	"$@" 2>&1 | tee "$tmp/$name.log" | sed -E "s/^(ok|FAIL) /\1 $suite.${prefix:-qemu10.}/"
	rc=${PIPESTATUS[0]}
	tally "$tmp/$name.log"
	if [ "$rc" -ne 0 ] && ! grep -qE '^FAIL ' "$tmp/$name.log"; then
		fail "qemu10.$name.exit" "exit status $rc"
	fi
}

# row NAME ARCH MACHINE-OPTS CPU: the guests runs basic and faults and
# the first Linux boot on QEMU 10 with these machine options (through
# XL_MACHINE_OPTS and XL_CPU, which ./xen-lite reads: bundle tree and boot
# alike).
row() {
	local name=$1 arch=$2 prefix=qemu10.$1.
	XL_MACHINE_OPTS=$3 XL_CPU=$4 XL_GUESTS_ARCHES=$arch \
		XL_GUESTS_RUNS="basic faults" sub "$name.guests" "$srctree/tests/guests/run.sh"
	XL_MACHINE_OPTS=$3 XL_CPU=$4 XL_LINUX_ONE=1 \
		sub "$name.linux" "$srctree/tests/linux/$arch.sh"
}

if [ $full = 1 ]; then
	row riscv64-aia riscv64 aia=aplic-imsic ""
	row riscv64-aplic riscv64 aia=aplic ""
	# Smstateen (-cpu max) gates the AIA CSRs a guest's IMSIC driver uses.
	row riscv64-aia-max riscv64 aia=aplic-imsic max
	row riscv64-max riscv64 "" max
	row arm64-max arm64 "" max
	row arm64-gicv2 arm64 gic-version=2 ""
	sub qemu "$srctree/tests/qemu/run.sh"
	XL_GUESTS_KEEP=$tmp/guests-keep sub guests "$srctree/tests/guests/run.sh"
	sub linux "$srctree/tests/linux/run.sh"
else
	sub boot-riscv64 "$srctree/tests/qemu/boot.sh" riscv64
	sub boot-arm64 "$srctree/tests/qemu/boot.sh" arm64
	XL_GUESTS_RUNS=${XL_PLATFORMS_GUESTS:-basic pvmmu faults} \
		XL_GUESTS_KEEP=$tmp/guests-keep sub guests "$srctree/tests/guests/run.sh"
	XL_LINUX_ONE=1 sub linux "$srctree/tests/linux/run.sh"
	# Arm -cpu max: SVE, SME, PAuth and MTE exist there and must stay
	# hidden and UNDEFINED to guests (the cpufeat guest of the basic run).
	prefix=qemu10.arm64-max. XL_CPU=max XL_GUESTS_ARCHES=arm64 \
		XL_GUESTS_RUNS=basic sub arm64-max.guests "$srctree/tests/guests/run.sh"
	# RISC-V -cpu max: the vector unit switched for guests (the vec-a
	# and vec-b guests, tests/guests/progs/vector.c, with want_v=1).
	prefix=qemu10.riscv64-max. XL_CPU=max XL_GUESTS_ARCHES=riscv64 \
		XL_GUESTS_RUNS=cpufeat sub riscv64-max.guests "$srctree/tests/guests/run.sh"
	# And Debian's Linux on it, its processes using V (xl-vcheck): about
	# 40 s.
	prefix=qemu10.riscv64-max. XL_CPU=max XL_LINUX_ONE=1 \
		sub riscv64-max.linux "$srctree/tests/linux/riscv64.sh"
	# The virtual AIA: the riscv64 boot on an IMSIC host, its vCPUs on
	# hardware guest files (linux_aia_3domains is in --full's row).
	XL_MACHINE_OPTS=aia=aplic-imsic XL_LINUX_ONE=1 XL_LINUX_AIA_ONE=1 \
		prefix=qemu10.riscv64-aia. \
		sub riscv64-aia.linux "$srctree/tests/linux/riscv64.sh"
fi

# The PV MMU on QEMU 10 runs on the architecture: a VS-mode satp write with
# hstatus.VTVM set traps, so the fallback for harts that do not trap it
# (QEMU 7.2, arch/riscv/pv_mm.c) never has to undo one. On 7.2 the same
# run prints "wrote satp ... behind the PV MMU" once, and the guest its
# "satp write not trapped" note.
log=$tmp/guests-keep/riscv64-pvmmu.log
if [ ! -f "$log" ]; then
	[[ " ${XL_PLATFORMS_GUESTS:-pvmmu} " != *" pvmmu "* ]] && [ $full = 0 ] || {
		fail qemu10.riscv64.pvmmu_satp_trapped "no pvmmu run log ($log)"
		fail qemu10.riscv64.pvmmu_accessed_fault "no pvmmu run log ($log)"
	}
elif ! grep -q 'pvmmu.*passed\|\[pvmmu\]' "$log"; then
	fail qemu10.riscv64.pvmmu_satp_trapped "the pvmmu guest did not run" "$log"
	fail qemu10.riscv64.pvmmu_accessed_fault "the pvmmu guest did not run" "$log"
else
	if grep -q 'behind the PV MMU' "$log"; then
		fail qemu10.riscv64.pvmmu_satp_trapped "QEMU 10 did not trap a VS-mode satp write under VTVM: $(grep -m1 'behind the PV MMU' "$log")"
	elif grep -q 'satp write not trapped' "$log" ||
		! grep -q '^ok pvmmu\.run\.root_register_refused' <(sed 's/^\[[^]]*\] //' "$log"); then
		fail qemu10.riscv64.pvmmu_satp_trapped "the guest's satp write was not refused by a trap" "$log"
	else
		ok qemu10.riscv64.pvmmu_satp_trapped
	fi
	# A stage-1 leaf with A clear faults (henvcfg.ADUE = 0, Svadu)
	# and the pinned table keeps it clear; QEMU 7.2 sets A through the
	# read-only stage-2 mapping instead (tests/guests/progs/pvmmu.c).
	if grep -q 'accessed bit set by the hart' "$log" ||
		! grep -q '^ok pvmmu\.run\.accessed_fault' <(sed 's/^\[[^]]*\] //' "$log"); then
		fail qemu10.riscv64.pvmmu_accessed_fault "a leaf with A clear did not fault, or A was set in a read-only table: $(grep -m1 'accessed' "$log")" "$log"
	else
		ok qemu10.riscv64.pvmmu_accessed_fault
	fi
fi

# Domain switches on QEMU 10 run without the per-switch guest-TLB fence
# (CONFIG_RISCV_HGATP_SWITCH_FENCE, off by default): the two victims that
# time-share one CPU in the basic run must each see only their own RAM.
log=$tmp/guests-keep/riscv64-basic.log
if [ -f "$log" ]; then
	if grep -q '^CONFIG_RISCV_HGATP_SWITCH_FENCE=y' "$srctree/build/riscv64/.config"; then
		fail qemu10.riscv64.vmid_no_switch_fence "build/riscv64/.config has CONFIG_RISCV_HGATP_SWITCH_FENCE=y: the architectural path was not tested"
	elif [ "$(sed 's/^\[[^]]*\] //' "$log" | grep -c '^victim: [0-9]* passed, 0 failed')" -lt 2 ]; then
		fail qemu10.riscv64.vmid_no_switch_fence "the two victims sharing a CPU did not both pass" "$log"
	else
		ok qemu10.riscv64.vmid_no_switch_fence
	fi
fi

summary
