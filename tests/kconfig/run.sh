#!/usr/bin/env bash
# The Kconfig matrix ('make test-kconfig', part of 'make test'): the
# hypervisor built with other values of its Kconfig bools and choices,
# each build booted with test guests. The variants come from the Kconfig
# files (tests/kconfig/variants.py), so a new bool is covered without
# editing this script. See docs/kconfig.md.
#
# usage: tests/kconfig/run.sh [--full] [ARCH...]
#   default (short): per architecture two builds,
#     flipped     every bool flipped from the defconfig (CONFIG_PV_MMU=n
#                 among them) and every choice at another member; boots
#                 the guest suite's basic, memory and faults runs;
#     flipped-pv  the same with PV_MMU at its default (y); boots the PV
#                 MMU run, so the PV MMU is exercised with the other flips;
#     race-windows  PV_MMU=n and DEBUG_RACE_WINDOW_US=1000 (the race
#                 windows of issue 14 widened); boots the race_windows
#                 run (decrease vs decrease of one extent; balloon-out vs
#                 result writes into the same page).
#   --full ('make test-kconfig-full'): one build per single flip, each
#     booting the basic and faults runs (and the PV MMU run when PV_MMU
#     is on); about 25 s per variant and architecture on 2 cores.
#   XL_KCONFIG_ARCHES="riscv64 arm64"  architectures (default: both)
#
# Builds are out of tree: build/kconfig/<variant>/build/<arch>, booted
# with 'xen-lite --root build/kconfig/<variant>' (XL_GUESTS_ROOT of
# tests/guests/run.sh). One line per check: "ok kconfig.<arch>.<variant>.
# <check>" or "FAIL ...", last line "kconfig: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srctree=$(cd "$here/../.." && pwd)
kind=short
if [ "${1:-}" = --full ]; then
	kind=full
	shift
fi
if [ $# -gt 0 ]; then
	arches="$*"
else
	arches=${XL_KCONFIG_ARCHES:-riscv64 arm64}
fi
suite=kconfig
. "$srctree/tests/lib/result.sh"
py=/usr/bin/python3
jobs=$(nproc 2>/dev/null || echo 2)

# variant ARCH NAME FLIP...: configure, build and boot one variant.
variant() {
	local a=$1 v=$2
	shift 2
	local root=$srctree/build/kconfig/$v p=$a.$v f n want runs
	local obj=$root/build/$a log=$root/$a.log
	mkdir -p "$obj"
	echo "# $p: $*" >&2
	# The defconfig plus the flips, completed by olddefconfig.
	if ! "$py" "$here/variants.py" "$srctree" "$a" config "$obj/.config" "$@" ||
		! make -s -C "$srctree" O="$obj" olddefconfig >"$log" 2>&1; then
		fail "$p.config" "cannot configure: $(tail -2 "$log" | tr '\n' ' ')"
		return
	fi
	# Every flip must have taken (a dependency may silently undo one).
	for f in "$@"; do
		n=${f%=*}
		want=${f#*=}
		if [ "$want" = y ] && ! grep -qx "CONFIG_$n=y" "$obj/.config"; then
			fail "$p.config" "CONFIG_$n=y did not take (a dependency?)"
			return
		fi
		if [ "$want" = n ] && grep -qx "CONFIG_$n=y" "$obj/.config"; then
			fail "$p.config" "CONFIG_$n=n did not take (selected?)"
			return
		fi
		if [ "$want" != y ] && [ "$want" != n ] &&
			! grep -qx "CONFIG_$n=$want" "$obj/.config"; then
			fail "$p.config" "CONFIG_$n=$want did not take"
			return
		fi
	done
	ok "$p.config"
	if ! make -s -C "$srctree" O="$obj" -j"$jobs" >>"$log" 2>&1; then
		fail "$p.build" "$(grep -m3 -E 'error|Error' "$log" | tr '\n' ' ')"
		return
	fi
	ok "$p.build"
	# What to boot: PV MMU off cannot run the PV MMU suite.
	if [ "$v" = race-windows ]; then
		runs="race_windows"
	elif grep -qx "CONFIG_PV_MMU=y" "$obj/.config"; then
		runs="pvmmu"
		[ "$kind" = full ] && runs="basic faults pvmmu"
	else
		runs="basic memory faults hcrace"
		[ "$kind" = full ] && runs="basic faults"
	fi
	XL_GUESTS_ROOT=$root XL_GUESTS_RUNS=$runs "$srctree/tests/guests/run.sh" \
		"$a" >"$root/$a.guests.log" 2>&1
	# The guest suite's lines, renamed under this variant (its "build"
	# is the guests' build: "guests_build").
	sed -n -e "s/^\(ok\|FAIL\) guests\.$a\.build/\1 kconfig.$p.guests_build/p" \
		-e "s/^\(ok\|FAIL\) guests\.$a\./\1 kconfig.$p./p" \
		"$root/$a.guests.log" >"$root/$a.results"
	cat "$root/$a.results"
	tally "$root/$a.results"
	if ! grep -q "^ok kconfig\.$p\.[a-z_0-9]*\.exit_status" "$root/$a.results"; then
		fail "$p.guests" "no run finished: $(tail -3 "$root/$a.guests.log" | tr '\n' ' ')"
	fi
}

t0=$(date +%s)
for a in $arches; do
	case $a in
	riscv64 | arm64) ;;
	*)
		fail "$a" "unknown architecture"
		continue
		;;
	esac
	while read -r v flips; do
		# shellcheck disable=SC2086
		variant "$a" "$v" $flips
	done < <("$py" "$here/variants.py" "$srctree" "$a" list "$kind")
	# The race windows of issue 14 (CONFIG_DEBUG_RACE_WINDOW_US, 1 ms)
	# with the PV MMU off (its lock would serialise the balloon-outs):
	# decrease vs decrease of one extent, and balloon-out vs result
	# writes into the same page, which the code before the fixes fails
	# every time so built (docs/robustness.md, "Race windows").
	[ "$kind" = short ] &&
		variant "$a" race-windows PV_MMU=n DEBUG_RACE_WINDOW_US=1000
done
echo "# kconfig ($kind): $(($(date +%s) - t0)) s" >&2
summary
