#!/usr/bin/env bash
# Run race domains of the guest suite alone, many times, and count how
# often each passes: the figures of docs/robustness.md ("Race windows")
# for a hypervisor built with CONFIG_DEBUG_RACE_WINDOW_US, fixed or not.
#
# usage: tests/guests/race-repeat.sh [-n N] [--root DIR] ARCH CFG...
#   -n N        runs per domain file (default 10)
#   --root DIR  boot DIR/build/ARCH/xen-lite.bin (xen-lite --root DIR),
#               e.g. a worktree of older code with the same option
#   CFG         domain files, e.g. tests/guests/cfg/race-decrease.cfg;
#               each run boots that one domain (--smp 4 --mem 256M), or
#               the domains of a comma-separated list together (named
#               after the first), e.g. the race_batch run's nine
#
# A run passes when QEMU exits with status 0, the hypervisor did not
# panic nor report a use after free ("race window: use after free", a
# build with the option), no domain printed a FAIL line and each printed
# its "race: N passed, 0 failed" summary. Prints one line per run ("# CFG
# run K: pass" or "... FAIL: why") and "race-repeat CFG: P/N passed" per
# file. Logs are kept in build/race-repeat/. Exit status 0.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srctree=$(cd "$here/../.." && pwd)
n=10
xl=("$srctree/xen-lite")
while [ $# -gt 0 ]; do
	case $1 in
	-n)
		n=$2
		shift 2
		;;
	--root)
		xl+=(--root "$2")
		shift 2
		;;
	*) break ;;
	esac
done
if [ $# -lt 2 ]; then
	sed -n '2,19p' "$0" >&2
	exit 2
fi
arch=$1
shift
out=$srctree/build/race-repeat
mkdir -p "$out"
make -s -C "$here" ARCH="$arch" >"$out/guests-$arch.log" 2>&1 || {
	echo "race-repeat: building the $arch guests failed" >&2
	exit 1
}
for group in "$@"; do
	IFS=, read -r -a cfgs <<<"$group"
	name=$(basename "${cfgs[0]}" .cfg)
	pass=0
	for k in $(seq 1 "$n"); do
		log=$out/$arch-$name-$k.log
		"${xl[@]}" run --arch "$arch" --smp 4 --mem 256M --timeout 180 \
			"${cfgs[@]}" </dev/null 2>&1 | tr -d '\r' >"$log"
		st=${PIPESTATUS[0]}
		why=
		if grep -aq 'PANIC' "$log"; then
			why=$(grep -a -m1 'PANIC' "$log")
		elif grep -aq 'race window: use after free' "$log"; then
			why="$(grep -ac 'race window: use after free' "$log") x $(grep -a -m1 'race window: use after free' "$log")"
		elif grep -aq '^\[[^]]*\] FAIL' "$log"; then
			why=$(grep -a -m1 '^\[[^]]*\] FAIL' "$log")
		elif [ "$st" -ne 0 ]; then
			why="exit status $st"
		else
			for cfg in "${cfgs[@]}"; do
				d=$(basename "$cfg" .cfg)
				grep -aq "^\[$d\] race: [0-9]* passed, 0 failed" "$log" ||
					why="no 'race: N passed, 0 failed' line from $d"
			done
		fi
		if [ -z "$why" ]; then
			pass=$((pass + 1))
			echo "# $name run $k: pass"
		else
			echo "# $name run $k: FAIL: $why"
		fi
	done
	echo "race-repeat $arch $name: $pass/$n passed"
done
