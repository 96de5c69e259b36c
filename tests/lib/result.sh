# shellcheck shell=bash
# Sourced by test scripts: one result line per check, in the format every
# part of 'make test' prints (tests/run-all.sh counts them).
#
#   result NAME ok             prints "ok $suite.NAME"
#   result NAME fail REASON    prints "FAIL $suite.NAME: REASON"
# and counts them in $passed / $failed. Needs $suite.
passed=0
failed=0

result() {
	if [ "$2" = ok ]; then
		echo "ok $suite.$1"
		passed=$((passed + 1))
	else
		echo "FAIL $suite.$1: $3"
		failed=$((failed + 1))
	fi
}

# stall_lines LOG: the hypervisor's stall reports in LOG (CONFIG_STALL_
# DETECT_US, docs/robustness.md), empty if none; a QEMU-driven check
# fails on any.
stall_lines() {
	grep -a 'xen-lite: stall:' "$1" | head -n 2 | tr -d '\r' | tr '\n' ' '
}
