#!/usr/bin/env bash
# Two Debian Linux domains share a region (docs/shared-memory.md, issue
# 17): stock Debian kernels and busybox, the test initramfs of
# tests/lib/linux.sh with xl_shm= on the command line
# (tests/linux/shm-guest.sh). On a 2-CPU host, one 1-vCPU domain per CPU:
#   linux_shm_owner     writes 1 MiB of random data and its SHA-256 into
#                       the region through /dev/mem, rings the borrower
#                       with busybox devmem, polls its COUNT register and
#                       finds the borrower's checksum equal to its own
#   linux_shm_borrower  polls COUNT until the owner rang, reads the data
#                       through /dev/mem, verifies the checksum, answers
#                       and rings back
# Both must then power off cleanly; every frame comes back.
#
# usage: tests/linux/shm.sh [ARCH...]   (default: riscv64 arm64)
# Environment: XL_LINUX_TIMEOUT (seconds per boot, default 300).
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
timeout=${XL_LINUX_TIMEOUT:-300}
. "$srctree/tests/lib/result.sh"
. "$srctree/tests/lib/linux.sh"
. "$srctree/tests/lib/qemu.sh"
. "$srctree/tests/lib/leak.sh"
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(riscv64 arm64)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
suite=linux-shm

for arch in "${arches[@]}"; do
	p=$arch
	if ! linux_prepare "$arch" >"$tmp/prepare-$arch" 2>&1 ||
		! xl_hyp_build "$arch" >>"$tmp/prepare-$arch" 2>&1; then
		fail "$p.prepare" "cannot fetch or prepare the Debian kernel/busybox" \
			"$tmp/prepare-$arch"
		continue
	fi
	# The default placement: the bottom of the shared-memory area, the
	# doorbell of slot 0 (include/public/boot_schema.h).
	case $arch in
	riscv64) gpa=0x40000000 ;;
	arm64) gpa=0x10000000 ;;
	esac
	bell=0x3f000000
	cpu=0
	for role in owner borrower; do
		linux_cfg "$tmp/$role-$arch.cfg" "lx-$role" 1 128 destroy \
			"xl_shm=$role,$gpa,$bell"
		cat >>"$tmp/$role-$arch.cfg" <<EOF
cpus = [$cpu]
shm = [ "id=linux, size=2M, role=$role" ]
EOF
		cpu=1
	done
	log=$tmp/$arch.log
	t0=$(date +%s)
	xl_boot "$timeout" "$log" --arch "$arch" --smp 2 --mem 512M \
		"$tmp/owner-$arch.cfg" "$tmp/borrower-$arch.cfg"
	rc=$?
	tr -d '\r' <"$log" >"$log.txt"
	log=$log.txt
	echo "# $arch: exit status $rc after $(($(date +%s) - t0)) s"
	for role in owner borrower; do
		n=lx-$role
		why=""
		if grep -aq "^\[$n\] XL-SHM-FAIL" "$log"; then
			why=$(grep -a "^\[$n\] XL-SHM-FAIL" "$log" | head -1)
		elif ! grep -aq "^\[$n\] XL-SHM-OK" "$log"; then
			why="no XL-SHM-OK from $n"
		elif ! grep -aq "^\[$n\] XL-SHM status 0" "$log"; then
			why="$n: $(grep -a "^\[$n\] XL-SHM status" "$log" | head -1)"
		elif ! grep -aq "domain [0-9]* ($n): shutdown: poweroff, code 0" "$log"; then
			why="$n: no clean poweroff"
		fi
		if [ -z "$why" ]; then
			ok "$p.linux_shm_$role"
			grep -a "^\[$n\] XL-SHM" "$log" | sed 's/^/    /'
		else
			fail "$p.linux_shm_$role" "$why"
			grep -a "^\[$n\]" "$log" | tail -15 | sed 's/^/    /'
		fi
	done
	why=""
	[ $rc -eq 0 ] || why="QEMU exit status $rc"
	[ -n "$why" ] || no_leak "$log" || why=$leak_why
	check "$p.linux_shm_exit_no_leak" "$([ -z "$why" ] && echo 0 || echo 1)" "$why"
done
summary
