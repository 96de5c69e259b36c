#!/usr/bin/env bash
# Debian Linux guests under xen-lite on both architectures ('make
# test-linux'). Each architecture's script fetches Debian's kernel and
# busybox with scripts/debfetch.sh (private apt state, never committed).
# The two architectures run one after the other: each boot uses every core.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rc=0
"$here/riscv64.sh" || rc=1
"$here/arm64.sh" || rc=1
# Two Linux domains sharing a region, both architectures.
"$here/shm.sh" || rc=1
# Two Linux domains at once, each on its own disks and NIC (passthrough;
# one restarted), and a third domain faulting on their MMIO, both
# architectures, 25-75 s each on the shared machine.
"$here/passthrough.sh" || rc=1
exit $rc
