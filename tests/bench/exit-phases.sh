#!/usr/bin/env bash
# Where the instructions of a null hypercall go, per phase (entry, exit,
# dispatch, checks, restore), both architectures: the ubench guest
# (tests/bench/ubench.c, 20 calls) under xen-lite with QEMU's execution
# trace of every instruction (-d exec,nochain -singlestep, -icount
# shift=0), cut into round trips and phases by tests/bench/exit_phases.py
# with the hypervisor's symbols. Prints per architecture
#   BENCH <arch>.null_hypercall_{entry,exit,dispatch,checks,restore}_instr
#   BENCH <arch>.null_hypercall_hyp_instr    the hypervisor's instructions
#                                            of one round trip
# and the symbol sequence of one round trip as '#' lines (in its log).
# The trace is large (about 70 MB on arm64) and deleted afterwards.
#
# usage: tests/bench/exit-phases.sh [ARCH...]   (default: riscv64 arm64)
set -uo pipefail
srctree=${srctree:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/bench/lib/guest.sh
. "$srctree/tests/bench/lib/guest.sh"
bench_setup exit-phases "$@"

for arch in "${arches[@]}"; do
	bench_guest "$arch" "$srctree/tests/bench/ubench.c" "$out" || {
		rc=1
		continue
	}
	case $arch in
	riscv64) range=0x80200000..0x80400000 ;;
	arm64) range=0x40200000..0x40400000 ;;
	esac
	cat >"$out/ubench-$arch.cfg" <<EOC
name = "ubench"
kernel = "ubench-$arch.bin"
memory = 8
vcpus = 1
cpus = [0]
cmdline = "n=20 shutdown=std"
EOC
	trace=$out/trace-$arch.log
	rm -f "$trace"
	# The hypervisor and the guest both run from the range traced (the
	# guest's RAM starts where the hypervisor is loaded, at another
	# physical address): the trace tells them apart by their TB flags.
	"$srctree/xen-lite" run --arch "$arch" --smp 1 --mem 256M --icount \
		--timeout 600 --qemu-arg -singlestep \
		--qemu-arg -d --qemu-arg exec,nochain --qemu-arg -D \
		--qemu-arg "$trace" --qemu-arg -dfilter --qemu-arg "$range" \
		"$out/ubench-$arch.cfg" </dev/null >"$out/run-$arch.log" 2>&1
	st=$?
	if [ "$st" -ne 0 ] || [ ! -s "$trace" ]; then
		echo "exit-phases: $arch run: exit status $st; see ${out#"$srctree"/}/run-$arch.log" >&2
		rc=1
		continue
	fi
	python3 "$srctree/tests/bench/exit_phases.py" "$arch" "$trace" \
		"$srctree/build/$arch/xen-lite.elf" "$out/ubench-$arch.elf" || rc=1
	rm -f "$trace"
done
exit $rc
