# shellcheck shell=bash
# Sourced by every part of 'make test': one result line per check, in the
# format tests/run-all.sh counts, and the part's closing line.
#
#   ok NAME                    prints "ok $suite.NAME"
#   fail NAME REASON [FILE]    prints "FAIL $suite.NAME: REASON", then the
#                              last $result_lines (default 20) lines of
#                              FILE indented by four spaces
#   check NAME STATUS REASON   ok NAME when STATUS is 0, else fail
#   result NAME ok             the same as ok NAME
#   result NAME fail REASON    the same as fail NAME REASON
#   tally FILE                 counts the "ok "/"FAIL " lines of FILE (the
#                              renamed lines of another part run inside)
#   summary                    prints "$suite: N passed, N failed"; its
#                              status is 0 when nothing failed
# ok and fail count in $passed / $failed. Needs $suite (set it before or
# after sourcing; it is read when a line is printed).
passed=0
failed=0

ok() {
	echo "ok $suite.$1"
	passed=$((passed + 1))
}

fail() { # name reason [file]
	echo "FAIL $suite.$1: $2"
	[ -z "${3:-}" ] || [ ! -f "$3" ] ||
		tail -n "${result_lines:-20}" "$3" | sed 's/^/    /'
	failed=$((failed + 1))
}

check() { # name status reason
	if [ "$2" = 0 ]; then ok "$1"; else fail "$1" "$3"; fi
}

result() { # name ok|fail [reason]
	if [ "$2" = ok ]; then ok "$1"; else fail "$1" "${3:-}"; fi
}

tally() {
	passed=$((passed + $(grep -cE '^ok ' "$1")))
	failed=$((failed + $(grep -cE '^FAIL ' "$1")))
}

summary() {
	echo "$suite: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# stall_lines LOG: the hypervisor's stall reports in LOG (CONFIG_STALL_
# DETECT_US, docs/robustness.md), and the use-after-free reports of a
# build with CONFIG_DEBUG_RACE_WINDOW_US (include/xen-lite/race_window.h),
# empty if none; a QEMU-driven check fails on any.
stall_lines() {
	grep -aE 'xen-lite: stall:|race window: use after free' "$1" |
		head -n 2 | tr -d '\r' | tr '\n' ' '
}
