#!/usr/bin/env bash
# Integration boot tests under QEMU: both architectures, 1 and 4 CPUs, plus
# a host device tree the hypervisor must refuse with a clear error, and
# Debian's S-mode U-Boot as a domain, and unsupported platforms (a clear
# line and a non-zero exit).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rc=0
"$here/boot.sh" riscv64 || rc=1
"$here/boot.sh" arm64 || rc=1
"$here/baddtb.sh" || rc=1
"$here/domains.sh" || rc=1
"$here/uboot.sh" || rc=1
"$here/platform.sh" || rc=1
exit $rc
