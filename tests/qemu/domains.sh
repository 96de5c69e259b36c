#!/usr/bin/env bash
# Domain lifecycle under the hypervisor, both architectures:
#   leak:       two domains run and exit; every frame comes back (the free
#               count at power-off plus the object caches equals the free
#               count at boot complete) and QEMU exits 0.
#   alloc_enomem: a domain larger than the RAM left (let through by
#               --overcommit) fails to build with -ENOMEM when the frame
#               allocator runs dry; nothing of it is left, the other
#               domain passes, QEMU exits non-zero.
#   pool_enomem: (RISC-V) a domain whose p2m pool (20 KiB: the 16 KiB
#               Sv48x4 root and one table) cannot hold its tables fails to
#               build with -ENOMEM; nothing of it is left, the other domain
#               runs, QEMU exits non-zero (a failed build is not clean).
#               On Arm the smallest pool the CLI accepts (16 KiB) already
#               holds the tables of a small domain; the host unit tests
#               drive both formats' pools to empty.
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
suite=domains
cfg=$srctree/tests/qemu/cfg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$srctree/tests/lib/result.sh"

. "$srctree/tests/lib/leak.sh"

# One domain (BAD) fails to build with -ENOMEM, hello-b must pass next to
# it, QEMU must exit non-zero and every frame must come back.
build_enomem() { # check bad [run options] cfg...
	local check=$1 bad=$2 log=$tmp/$arch-$1.log rc
	shift 2
	timeout 300 "$srctree/xen-lite" run --arch $arch --smp 2 --mem 256M \
		--timeout 240 "$@" </dev/null >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		result "$arch.$check" fail "QEMU exited 0 although a domain failed to build"
	elif ! grep -q "domain [0-9]* ($bad): build failed (-12)" "$log"; then
		result "$arch.$check" fail "no -ENOMEM build failure: $(grep -a "$bad" "$log" | head -n 3 | tr '\n' '|')"
	elif ! grep -q '^\[hello-b\] hello: [0-9]* passed, 0 failed' "$log"; then
		result "$arch.$check" fail "the other domain did not pass"
	elif ! no_leak "$log"; then
		result "$arch.$check" fail "frames leaked: $leak_why"
	elif [ -n "$(stall_lines "$log")" ]; then
		result "$arch.$check" fail "$(stall_lines "$log")"
	else
		result "$arch.$check" ok
	fi
}

for arch in riscv64 arm64; do
	make -s -C "$srctree/tests/guests" ARCH=$arch >/dev/null 2>&1 ||
		{ result "$arch.build" fail "test guests do not build"; continue; }
	log=$tmp/$arch-leak.log
	timeout 300 "$srctree/xen-lite" run --arch $arch --smp 2 --mem 256M \
		--timeout 240 "$cfg/hello-a.cfg" "$cfg/hello-b.cfg" </dev/null >"$log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		result "$arch.leak" fail "exit status $rc: $(grep -a 'xl)' "$log" | tail -n 3 | tr '\n' '|')"
	elif ! grep -q '^\[hello-a\]' "$log" || ! grep -q '^\[hello-b\]' "$log"; then
		result "$arch.leak" fail "a domain printed nothing"
	elif ! no_leak "$log"; then
		result "$arch.leak" fail "frames leaked: $leak_why"
	elif [ -n "$(stall_lines "$log")" ]; then
		result "$arch.leak" fail "$(stall_lines "$log")"
	else
		result "$arch.leak" ok
	fi
	# hello-b cannot restart (on_reboot = "destroy"): its kernel is mapped
	# from the boot module, not copied; hello-a (default: restart) is
	# copied. The donated frames come back with hello-b (no_leak above).
	if ! grep -aq 'domain [0-9]* (hello-b):.*kernel entry [0-9a-fx]* (in place)' "$log"; then
		result "$arch.kernel_in_place" fail "hello-b's kernel was not mapped in place: $(grep -a '(hello-b): [0-9]* MiB' "$log")"
	elif grep -aq 'domain [0-9]* (hello-a):.*(in place)' "$log"; then
		result "$arch.kernel_in_place" fail "hello-a (on_reboot = restart) was built in place"
	elif ! grep -aq 'free pages at power-off, [0-9]* in object caches, [1-9][0-9]* from boot modules' "$log"; then
		result "$arch.kernel_in_place" fail "no boot-module frames counted at power-off"
	else
		result "$arch.kernel_in_place" ok
	fi

	# The frame allocator runs dry in the middle of a build (the CLI
	# would refuse the domain; --overcommit lets it through).
	build_enomem alloc_enomem too-big --overcommit "$cfg/hello-b.cfg" \
		"$cfg/too-big.cfg"
	[ $arch = riscv64 ] || continue
	build_enomem pool_enomem small-pool "$cfg/small-pool.cfg" \
		"$cfg/hello-b.cfg"
done
echo "$suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
