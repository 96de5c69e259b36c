#!/usr/bin/env bash
# 'make bench-qemu10': the Linux ratio benchmarks (tests/bench/riscv64-linux.sh
# and arm64-linux.sh: Debian's Linux natively vs as a 1-vCPU domain, under
# -icount) on QEMU 10.0.2 and OpenSBI 1.5.1 (tests/lib/qemu10.sh). Prints
# their BENCH lines with the names prefixed "qemu10." and keeps each
# script's output in build/bench/logs/qemu10-<script>.log. Does not touch
# build/bench/results.txt or docs/benchmarks.png ('make bench', QEMU 7.2).
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
. "$srctree/tests/lib/qemu10.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
qemu10_env || exit 1
suite=bench.qemu10
. "$srctree/tests/lib/result.sh"
export srctree
mkdir -p "$srctree/build/bench/logs"
rc=0
for b in riscv64-linux arm64-linux; do
	log=$srctree/build/bench/logs/qemu10-$b.log
	mkdir -p "$tmp/$b"
	BENCH_OUT=$tmp/$b "$srctree/tests/bench/$b.sh" >"$log" 2>&1
	st=$?
	if [ $st -ne 0 ] || ! grep -q '^BENCH ' "$log"; then
		fail "$b" "status $st (log: $log)"
		rc=1
		continue
	fi
	ok "$b"
	sed -n 's/^BENCH /BENCH qemu10./p' "$log"
done
exit $rc
