#!/usr/bin/env python3
# Regenerates tests/cli/bad/*.cfg: one crafted domain file per diagnostic.
# Each file starts with "# expect: LINE: MESSAGE" (and optionally
# "# args: ..." / "# with: FILE"), which tests/cli/run.sh checks against
# 'xen-lite check'. Edit the table below, run this, commit the files.
import os
os.chdir(os.path.dirname(os.path.abspath(__file__)))
N='name = "vm"'
K='kernel = "../files/kernel.bin"'
cases = [
 # file, args, with, body, err_body_line (None=last), message
 ("unknown-key", "", "", [N, K, 'colour = "blue"'], 3, "unknown key 'colour'"),
 ("syntax-no-key", "", "", [N, K, '= 5'], 3, "syntax error: expected 'key = value'"),
 ("syntax-no-equals", "", "", [N, K, 'memory 64'], 3, "syntax error: expected '=' after 'memory'"),
 ("missing-value", "", "", [N, K, 'memory =   # nothing'], 3, "memory: missing value"),
 ("bad-value-char", "", "", [N, K, 'memory = @64'], 3, "memory: bad value starting with '@'"),
 ("trailing-text", "", "", [N, K, 'cmdline = "a" "b"'], 3, "cmdline: unexpected text after the value"),
 ("duplicate-key", "", "", [N, K, 'memory = 64', 'vcpus = 1', 'memory = 128'], 5, "duplicate key 'memory' (first set on line 4)"),
 ("unterminated-string", "", "", [N, K, 'cmdline = "console=hvc0'], 3, "unterminated string"),
 ("bad-escape", "", "", [N, K, 'cmdline = "a\\qb"'], 3, "unknown escape '\\q' in string (only \\\\, \\\" and \\' are allowed)"),
 ("name-not-string", "", "", ['name = web', K], 1, "name: expected a string in quotes, got a bare word"),
 ("kernel-list", "", "", [N, 'kernel = ["../files/kernel.bin"]'], 2, "kernel: expected a string in quotes, got a list"),
 ("bad-name", "", "", ['name = "my web"', K], 1, 'name: "my web" is not a valid name (1 to 31 characters of A-Z a-z 0-9 _ -)'),
 ("long-name", "", "", ['name = "' + "a"*32 + '"', K], 1, 'name: "' + "a"*32 + '" is not a valid name (1 to 31 characters of A-Z a-z 0-9 _ -)'),
 ("empty-name", "", "", ['name = ""', K], 1, 'name: "" is not a valid name (1 to 31 characters of A-Z a-z 0-9 _ -)'),
 ("missing-kernel-file", "", "", [N, 'kernel = "nonexistent.bin"'], 2, "kernel: cannot open 'bad/nonexistent.bin': No such file or directory"),
 ("missing-ramdisk-file", "", "", [N, K, 'ramdisk = "../files/nonexistent.img"'], 3, "ramdisk: cannot open 'bad/../files/nonexistent.img': No such file or directory"),
 ("empty-kernel", "", "", [N, 'kernel = "../files/empty.bin"'], 2, "kernel: 'bad/../files/empty.bin' is empty"),
 ("kernel-directory", "", "", [N, 'kernel = "../files"'], 2, "kernel: 'bad/../files' is not a regular file"),
 ("empty-path", "", "", [N, 'kernel = ""'], 2, "kernel: empty path"),
 ("missing-name", "", "", ['# no name here', K, 'memory = 64'], None, "missing required key 'name'"),
 ("missing-kernel", "", "", [N, 'memory = 64', ''], None, "missing required key 'kernel'"),
 ("bad-size", "", "", [N, K, 'memory = 12X'], 3, "memory: bad size '12X' (expected a number with an optional K, M or G suffix)"),
 ("size-list", "", "", [N, K, 'memory = [64]'], 3, "memory: expected a size, got a list"),
 ("size-too-large", "", "", [N, K, 'memory = 99999999999999999999'], 3, "memory: size '99999999999999999999' is too large"),
 ("size-overflow-suffix", "", "", [N, K, 'memory = 99999999999G'], 3, "memory: size '99999999999G' is too large"),
 ("memory-not-2m", "", "", [N, K, 'memory = 3'], 3, "memory: must be a non-zero multiple of 2M (got '3')"),
 ("memory-zero", "", "", [N, K, 'memory = "0M"'], 3, "memory: must be a non-zero multiple of 2M (got '0M')"),
 ("memory-too-big", "", "", [N, K, 'memory = 2G'], 3, "memory: 2048 MiB does not fit: only 977 MiB of the host's 1024 MiB are left (give the host more with --mem, e.g. --mem 2128M)"),
 ("memory-too-big-smallhost", "--mem 128M", "", [N, K, 'memory = 106'], 3, "memory: 106 MiB does not fit: only 103 MiB of the host's 128 MiB are left (give the host more with --mem, e.g. --mem 132M)"),
 ("vcpus-string", "", "", [N, K, 'vcpus = "2"'], 3, "vcpus: expected an integer, got a string"),
 ("vcpus-word", "", "", [N, K, 'vcpus = two'], 3, "vcpus: expected an integer, got 'two'"),
 ("vcpus-too-many", "", "", [N, K, 'vcpus = 9'], 3, "vcpus: must be between 1 and 8 (got 9; CONFIG_MAX_VCPUS=8, the Kconfig default)"),
 ("vcpus-zero", "", "", [N, K, 'vcpus = 0'], 3, "vcpus: must be between 1 and 8 (got 0; CONFIG_MAX_VCPUS=8, the Kconfig default)"),
 ("cpus-word", "", "", [N, K, 'cpus = 3'], 3, 'cpus: expected a list of CPU numbers or "all"'),
 ("cpus-empty", "", "", [N, K, 'cpus = []'], 3, "cpus: empty list"),
 ("cpus-string-element", "", "", [N, K, 'cpus = ["0"]'], 3, "cpus: bad list: element 1 is not a CPU number"),
 ("cpus-bad-element", "", "", [N, K, 'vcpus = 2', 'cpus = [0, x]'], 4, "cpus: bad list: 'x' is not a CPU number"),
 ("cpus-count", "", "", [N, K, 'vcpus = 2', 'cpus = [0]'], 4, 'cpus: the list has 1 entry but vcpus is 2 (one CPU per vCPU, or "all")'),
 ("too-many-pinned", "--smp 2", "", [N, K, 'vcpus = 4', 'cpus = [0, 1, 0, 1]'], 4, "cpus: 4 pinned vCPUs but the host has only 2 CPUs"),
 ("cpu-offline-nr-cpus", "--smp 10", "", [N, K, 'cpus = [9]'], 3, "cpus: CPU 9 stays offline: the hypervisor brings up 8 CPUs (CONFIG_NR_CPUS=8, the Kconfig default)"),
 ("cpu-does-not-exist", "--smp 2", "", [N, K, 'cpus = [5]'], 3, "cpus: CPU 5 does not exist (the host has 2 CPUs: 0-1)"),
 ("unterminated-list", "", "", [N, K, 'vcpus = 2', 'cpus = [0, 1'], 4, "cpus: unterminated list (a list must end with ']' on the same line)"),
 ("unterminated-list-multiline", "", "", [N, K, 'cpus = ['], 3, "cpus: unterminated list (a list must end with ']' on the same line)"),
 ("list-missing-comma", "", "", [N, K, 'vcpus = 2', 'cpus = [0 1]'], 4, "cpus: bad list: expected ',' or ']' after an element"),
 ("list-empty-element", "", "", [N, K, 'vcpus = 2', 'cpus = [0,,1]'], 4, "cpus: bad list: empty element"),
 ("list-nested", "", "", [N, K, 'cpus = [[0]]'], 3, "cpus: nested lists are not allowed"),
 ("list-bad-char", "", "", [N, K, 'cpus = [0, @]'], 3, "cpus: bad list: unexpected '@'"),
 ("list-too-long", "", "", [N, K, 'cpus = [' + ", ".join(["0"]*65) + ']'], 3, "cpus: list longer than 64 elements"),
 ("pool-not-4k", "", "", [N, K, 'p2m_pool = 1001'], 3, "p2m_pool: must be a multiple of 4K (got '1001')"),
 ("pool-too-small", "", "", [N, K, 'p2m_pool = 8'], 3, "p2m_pool: must be between 16K and 4G (got '8')"),
 ("pool-too-large", "", "", [N, K, 'p2m_pool = 5G'], 3, "p2m_pool: must be between 16K and 4G (got '5G')"),
 ("memory-over-64g", "", "", [N, K, 'memory = 65G'], 3, "memory: must be at most 64G (got '65G')"),
 ("cmdline-too-long", "", "", [N, K, 'cmdline = "' + "x"*512 + '"'], 3, "cmdline: longer than 511 bytes"),
 ("kernel-too-big", "", "", [N, 'kernel = "../files/big.bin"', 'memory = 2'], 2, "kernel: 'bad/../files/big.bin' (1048577 bytes) is larger than half of memory (2 MiB)"),
 ("ramdisk-too-big", "", "", [N, K, 'ramdisk = "../files/big.bin"', 'memory = 2'], 3, "ramdisk: 'bad/../files/big.bin' (1048577 bytes) is larger than half of memory (2 MiB)"),
 ("pool-bad-size", "", "", [N, K, 'p2m_pool = lots'], 3, "p2m_pool: bad size 'lots' (expected a number with an optional K, M or G suffix)"),
 ("privileged-string", "", "", [N, K, 'privileged = "yes"'], 3, "privileged: expected true or false"),
 ("privileged-bad", "", "", [N, K, 'privileged = maybe'], 3, "privileged: expected true or false"),
 ("on-crash-bad", "", "", [N, K, 'on_crash = "explode"'], 3, 'on_crash: bad value "explode" (expected "destroy", "restart" or "preserve")'),
 ("on-poweroff-bad", "", "", [N, K, 'on_poweroff = "rename-restart"'], 3, 'on_poweroff: bad value "rename-restart" (expected "destroy", "restart" or "preserve")'),
 ("on-reboot-list", "", "", [N, K, 'on_reboot = ["restart"]'], 3, "on_reboot: expected a string in quotes, got a list"),
 ("pv-mmu-bad", "", "", [N, K, 'pv_mmu_policy = "strict"'], 3, 'pv_mmu_policy: expected "none" or "no-wx"'),
 ("mmio-fault-bad", "", "", [N, K, 'mmio_fault = "ignore"'], 3, 'mmio_fault: expected "inject" or "crash"'),
 ("mmio-fault-list", "", "", [N, K, 'memory = 16', 'mmio_fault = ["crash"]'], 4, 'mmio_fault: expected "inject" or "crash"'),
 ("duplicate-name", "", "aux/twin.cfg", ['name = "twin"', K], 1, "duplicate domain name 'twin' (also used by bad/aux/twin.cfg:2)"),
]
os.makedirs("bad/aux", exist_ok=True)
for f, args, with_, body, ln, m in cases:
    hdr = []
    hdr.append(None)
    if args: hdr.append("# args: " + args)
    if with_: hdr.append("# with: " + with_)
    H = len(hdr)
    if ln is None: ln = len(body)
    hdr[0] = "# expect: %d: %s" % (H + ln, m)
    open("bad/%s.cfg" % f, "w").write("\n".join(hdr + body) + "\n")
open("bad/aux/twin.cfg","w").write('# A valid domain that bad/duplicate-name.cfg collides with.\nname = "twin"\nkernel = "../../files/kernel.bin"\n')
