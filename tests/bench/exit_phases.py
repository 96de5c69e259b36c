#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where the instructions of one null hypercall go (tests/bench/exit-phases.sh).

Reads a QEMU execution trace (-d exec,nochain with one instruction per
translation block: one "Trace" line per instruction executed, its PC and
TB flags) of the ubench guest under xen-lite, finds the round trips that
start at the guest's hypercall instruction (the guest's TB flags differ
from the hypervisor's: another privilege level or virtualization mode),
takes the most frequent length (the null hypercall loop; the other calls
of xl_hypercall() differ), maps each hypervisor PC to its symbol and
splits the trip into phases by position:

  entry     the trap vector and the register save, up to the first
            instruction of the run loop (ENTRY symbols)
  exit      the run loop after the guest's exit, before the handler:
            stall detector, vGIC list-register sync (LOOP symbols)
  dispatch  from the first to the last instruction of the handlers (any
            symbol that is not ENTRY, LOOP or RESTORE)
  checks    the run loop again, before the next entry: reschedule and
            pause checks, vGIC list-register flush, stall detector
  restore   the register restore and the return to the guest (RESTORE,
            and ENTRY code after the run loop: RISC-V's exit path calls
            the run loop and returns to the guest from the same symbol)

usage: exit_phases.py ARCH TRACE HYP_ELF GUEST_ELF
Prints "BENCH <arch>.null_hypercall_<phase>_instr N instr" per phase and
the total, and the symbol sequence as '#' comments.
"""
import bisect
import collections
import re
import subprocess
import sys

from elfsyms import text_symbols

ARCHES = {
    "arm64": {
        "cross": "aarch64-linux-gnu-",
        "trap": re.compile(r"\shvc\s"),
        "entry": {"hyp_vectors", "guest_exit", "hyp_sync"},
        "restore": {"__guest_enter"},
    },
    "riscv64": {
        "cross": "riscv64-linux-gnu-",
        "trap": re.compile(r"\secall\b"),
        # guest.S: exit_partial / exit_full hold the call of the handler;
        # exit_ecall, exit_hypercall and hypercall_done (the hypercall
        # dispatch in assembly) count as dispatch, exit_partial_resume
        # (the checks before the entry) as run loop.
        "entry": {"guest_exit", "exit_partial", "exit_full"},
        "restore": {"guest_resume", "guest_resume_full"},
    },
}
LOOP = {
    "arch_vcpu_run", "arch_counter_read", "vgic_sync_lrs", "vgic_flush_lrs",
    "sched_need_resched", "arm_pv_sync", "stall_enter", "stall_leave",
    "vcpu_must_leave", "riscv_vcpu_exit", "entry_work", "vcpu_run_loop",
    "exit_partial_done", "exit_partial_resume", "riscv_vcpu_entry",
}
PHASES = ("entry", "exit", "dispatch", "checks", "restore")


def trap_pc(cross, elf, trap):
    """The hypercall instruction of xl_hypercall() in the guest."""
    out = subprocess.run([cross + "objdump", "-d", elf], capture_output=True,
                         text=True, check=True).stdout
    inside = False
    for line in out.splitlines():
        if re.match(r"^[0-9a-f]+ <xl_hypercall>:", line):
            inside = True
        elif inside and re.match(r"^[0-9a-f]+ <", line):
            break
        elif inside and trap.search(line):
            return int(line.split(":")[0], 16)
    sys.exit("exit_phases: no hypercall instruction in xl_hypercall()")


def main():
    arch, trace, hyp_elf, guest_elf = sys.argv[1:5]
    a = ARCHES[arch]
    syms = text_symbols(a["cross"] + "nm", hyp_elf)
    addrs = [s[0] for s in syms]

    def sym(pc):
        i = bisect.bisect_right(addrs, pc) - 1
        return syms[i][1] if i >= 0 else "?"

    tpc = trap_pc(a["cross"], guest_elf, a["trap"])
    rx = re.compile(r"Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/([0-9a-f]+)/")
    lines = []
    guest_flags = set()
    with open(trace, errors="replace") as f:
        for line in f:
            m = rx.match(line)
            if m:
                pc = int(m.group(1), 16)
                lines.append((pc, m.group(2)))
    # The guest's flags: those of its hypercall instruction (the hypervisor
    # has code at the same address but runs with other flags). The
    # instruction after it in the guest has the same flags.
    counts = collections.Counter(fl for pc, fl in lines if pc == tpc)
    trips, cur, gflags = [], None, None
    for pc, fl in lines:
        if gflags is None and pc == tpc:
            # The first time: the guest runs with the flags seen at least
            # as often as its calls; the hypervisor's image at the same
            # address runs once at boot at most.
            gflags = counts.most_common(1)[0][0]
        if gflags is None:
            continue
        if fl == gflags:
            if cur is not None:
                trips.append(tuple(cur))
            cur = [] if pc == tpc else None
        elif cur is not None:
            cur.append(pc)
    if not trips:
        sys.exit("exit_phases: no round trip found in the trace")
    length = collections.Counter(len(t) for t in trips).most_common(1)[0][0]
    trip = next(t for t in trips if len(t) == length)
    names = [sym(pc) for pc in trip]
    n = collections.Counter(len(t) == length for t in trips)[True]
    print(f"# {arch}: {len(trips)} round trips through xl_hypercall(), "
          f"{n} of {length} hypervisor instructions (the null hypercall)")
    seq = []
    for s in names:
        if seq and seq[-1][0] == s:
            seq[-1][1] += 1
        else:
            seq.append([s, 1])
    for s, k in seq:
        print(f"#   {k:4d} {s}")
    kind = []
    for s in names:
        if s in a["entry"]:
            kind.append("E")
        elif s in a["restore"]:
            kind.append("R")
        elif s in LOOP:
            kind.append("L")
        else:
            kind.append("D")
    first_d = kind.index("D") if "D" in kind else len(kind)
    last_d = len(kind) - 1 - kind[::-1].index("D") if "D" in kind else -1
    first_l = next((i for i, k in enumerate(kind) if k != "E"), len(kind))
    # The restore: the entry and restore code after the last instruction
    # of the run loop or a handler.
    first_r = len(kind)
    while first_r > first_l and kind[first_r - 1] in "ER":
        first_r -= 1
    phase = {p: 0 for p in PHASES}
    for i, k in enumerate(kind):
        if i < first_l:
            phase["entry"] += 1
        elif i >= first_r:
            phase["restore"] += 1
        elif i < first_d:
            phase["exit"] += 1
        elif i <= last_d:
            phase["dispatch"] += 1
        else:
            phase["checks"] += 1
    for p in PHASES:
        print(f"BENCH {arch}.null_hypercall_{p}_instr {phase[p]} instr")
    print(f"BENCH {arch}.null_hypercall_hyp_instr {length} instr")


if __name__ == "__main__":
    main()
