#!/usr/bin/env bash
# CPU bring-up under load: boot the 4-CPU configuration N times in a row
# on each architecture while LOAD busy loops compete for the host's
# cores, and require every boot to bring all 4 CPUs online and end
# cleanly (exit status 0). 'make test-bringup' runs 50 per architecture;
# 'make test' (tests/firsthour) runs a short version.
#
# usage: tests/firsthour/bringup.sh [N] [LOAD]   (defaults: 50, 3)
#   XL_BRINGUP_ARCHES="riscv64 arm64"  architectures
# One line per architecture: "ok bringup.ARCH.N_boots" or "FAIL ..." with
# the first failing boot's log lines; the logs are kept in
# build/test-logs/bringup-ARCH-I.log when a boot fails.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srctree=$(cd "$here/../.." && pwd)
n=${1:-50}
load=${2:-3}
arches=${XL_BRINGUP_ARCHES:-riscv64 arm64}
logdir=$srctree/build/test-logs
suite=bringup
. "$srctree/tests/lib/result.sh"
mkdir -p "$logdir"
tmp=$(mktemp -d)
hogs=()
cleanup() {
	for h in "${hogs[@]}"; do kill "$h" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
rc=0
for arch in $arches; do
	# Build first (not under load, not timed).
	"$srctree/xen-lite" run --arch "$arch" --dry-run -o "$tmp/warm" \
		>/dev/null 2>&1 || true
	make -s -C "$srctree/tests/guests" ARCH="$arch" >/dev/null 2>&1
	for _ in $(seq 1 "$load"); do
		(while :; do :; done) &
		hogs+=($!)
	done
	bad=0
	late=0
	t0=$(date +%s)
	for i in $(seq 1 "$n"); do
		log=$tmp/$arch-$i.log
		"$srctree/xen-lite" run --arch "$arch" --smp 4 --mem 512M \
			--timeout 120 "$srctree/configs/domains/demo-1-hello.cfg" \
			"$srctree/configs/domains/demo-2-smp.cfg" </dev/null >"$log" 2>&1
		st=$?
		# A secondary the firmware sent to the image's entry (the
		# OpenSBI <= 1.2 hart-start race, arch/riscv/head.S) and that
		# came up all the same.
		grep -q 'hart-start race' "$log" && late=$((late + 1))
		if [ $st -ne 0 ] || ! grep -q '4 CPUs online' "$log"; then
			bad=$((bad + 1))
			cp "$log" "$logdir/bringup-$arch-$i.log"
			[ $bad -eq 1 ] && first="boot $i: exit status $st: $(grep -a 'boot failed\|did not come up\|timeout' "$log" | head -n 2 | tr '\n' '|')"
		fi
	done
	for h in "${hogs[@]}"; do kill "$h" 2>/dev/null; done
	hogs=()
	secs=$(($(date +%s) - t0))
	if [ $bad -eq 0 ]; then
		ok "$arch.${n}_boots ($n of $n clean under $load busy loops, ${secs}s; $late with a late-entry secondary)"
	else
		fail "$arch.${n}_boots" "$bad of $n failed ($late with a late-entry secondary); $first (logs: build/test-logs/bringup-$arch-*.log)"
		rc=1
	fi
done
exit $rc
