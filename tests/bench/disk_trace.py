#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where a disk request's hypervisor instructions go (tests/bench/disk.sh --trace).

  disk_trace.py count HYP_ELF TRACE OUT
      TRACE: QEMU's execution trace (-d exec,nochain -singlestep, filtered
      to the hypervisor's image with -dfilter: one "Trace" line per
      instruction executed there). Writes OUT: per hypervisor symbol, the
      instructions executed in it and the times its first instruction ran
      (calls, or trap entries for a vector), as "INSNS CALLS SYMBOL" lines.
  disk_trace.py ranges HYP_ELF
      QEMU's -dfilter ranges: the hypervisor's text less its bulk helpers
      (memset, memcpy, memmove, zero_dirty), which the domain build runs
      for millions of instructions and a request does not.
  disk_trace.py diff A B N ARCH
      The counts of run B less those of run A, over N (the extra requests
      of run B): per request, the symbols with at least 5 instructions,
      most first, and
        BENCH ARCH.disk_4k_hyp_instr   the hypervisor's instructions
        BENCH ARCH.disk_4k_hyp_entries trap entries (exits to the hypervisor)
      per 4 KiB read.
"""
import bisect
import collections
import re
import subprocess
import sys

from elfsyms import text_symbols

CROSS = {"riscv64": "riscv64-linux-gnu-", "arm64": "aarch64-linux-gnu-"}
# The first symbol of every exit from the guest (arch/riscv/guest.S,
# arch/arm/entry.S).
ENTRY = {"riscv64": ("guest_exit",), "arm64": ("guest_exit",)}


def symbols(elf):
    arch = "riscv64" if "riscv" in subprocess.run(
        ["file", "-L", elf], capture_output=True, text=True).stdout.lower() \
        else "arm64"
    return text_symbols(CROSS[arch] + "nm", elf)


def count(elf, trace, out):
    syms = symbols(elf)
    addrs = [s[0] for s in syms]
    starts = set(addrs)
    rx = re.compile(r"Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")
    insns = collections.Counter()
    calls = collections.Counter()
    per_pc = collections.Counter()
    with open(trace, errors="replace") as f:
        for line in f:
            m = rx.match(line)
            if m:
                per_pc[int(m.group(1), 16)] += 1
    for pc, k in per_pc.items():
        i = bisect.bisect_right(addrs, pc) - 1
        name = syms[i][1] if i >= 0 else "?"
        insns[name] += k
        if pc in starts:
            calls[name] += k
    with open(out, "w") as f:
        for name, k in insns.most_common():
            f.write(f"{k} {calls[name]} {name}\n")


BULK = {"memset", "memcpy", "memmove", "zero_dirty"}


def ranges(elf):
    syms = symbols(elf)
    start = next(a for a, n in syms if n == "__image_start")
    end = next(a for a, n in syms if n == "_etext")
    cut = []
    for i, (a, n) in enumerate(syms):
        if n in BULK:
            nxt = next(b for b, _ in syms[i + 1:] if b > a)
            cut.append((a, nxt))
    out, pos = [], start
    for a, b in sorted(cut):
        if a > pos:
            out.append(f"0x{pos:x}..0x{a - 1:x}")
        pos = max(pos, b)
    out.append(f"0x{pos:x}..0x{end - 1:x}")
    print(",".join(out))


def load(path):
    d = {}
    with open(path) as f:
        for line in f:
            k, c, name = line.split()
            d[name] = (int(k), int(c))
    return d


def diff(a, b, n, arch):
    A, B = load(a), load(b)
    rows = []
    for name in set(A) | set(B):
        ka, ca = A.get(name, (0, 0))
        kb, cb = B.get(name, (0, 0))
        rows.append(((kb - ka) / n, (cb - ca) / n, name))
    rows.sort(reverse=True)
    total = sum(r[0] for r in rows)
    entries = sum(r[1] for r in rows if r[2] in ENTRY[arch])
    print(f"# {arch}: hypervisor instructions per 4 KiB read "
          f"(runs of {n} more reads compared), symbols with >= 5:")
    print("#   instr  calls  symbol")
    for k, c, name in rows:
        if k >= 5:
            print(f"#   {k:5.0f}  {c:5.1f}  {name}")
    print(f"BENCH {arch}.disk_4k_hyp_instr {total:.0f} instr")
    print(f"BENCH {arch}.disk_4k_hyp_entries {entries:.2f} -")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "ranges":
        ranges(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "count":
        count(*sys.argv[2:5])
    elif len(sys.argv) == 6 and sys.argv[1] == "diff":
        diff(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
