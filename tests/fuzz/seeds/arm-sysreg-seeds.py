#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeds of the arm_sysreg harness: the trapped system-register accesses
Linux makes (ID registers under HCR_EL2.TID3/TID1, the EL1 virtual-memory
controls under TVM, GICv3 SGIs, debug/PMU/timer probing) plus a few it
must be refused, in the input format of tests/fuzz/fuzz_arm_sysreg.c.

usage: tests/fuzz/seeds/arm-sysreg-seeds.py [DIR]   (default: the corpus)
"""
import os
import struct
import sys

READ, WRITE = 1, 0


def iss(op0, op1, crn, crm, op2, rt, d):
    return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | \
        (rt << 5) | (crm << 1) | d


def seed(flags, accesses, s=0x0123456789abcdef):
    """accesses: (op0, op1, crn, crm, op2, rt, dir, mode, value)"""
    out = struct.pack(">BQ", flags, s)
    for a in accesses[:16]:
        out += struct.pack(">IBQ", iss(*a[:7]), a[7], a[8])
    return out


EL1H, EL0T, EL1T = 2, 0, 1
ID = [(1, 0), (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7),
      (2, 0), (2, 1), (2, 2), (2, 3), (2, 4), (2, 5), (2, 6), (2, 7),
      (3, 0), (3, 1), (3, 2), (4, 0), (4, 1), (4, 4), (4, 5), (5, 0),
      (5, 1), (5, 4), (5, 5), (6, 0), (6, 1), (6, 2), (7, 0), (7, 1),
      (7, 2)]
seeds = {
    # cpufeature.c's boot-time probe, into x0..x30 and XZR.
    "id-aa64": [(3, 0, 0, crm, op2, (crm * 8 + op2) % 32, READ, EL1H, 0)
                for crm, op2 in ID if crm >= 4][:16],
    "id-aarch32": [(3, 0, 0, crm, op2, 1, READ, EL1H, 0)
                   for crm, op2 in ID if crm < 4][:16],
    "id-all-ones": [(3, 0, 0, 4, 0, 0, READ, EL1H, 0),
                    (3, 0, 0, 5, 0, 2, READ, EL1H, 0),
                    (3, 0, 0, 1, 2, 3, READ, EL1H, 0),
                    (3, 0, 0, 4, 0, 31, READ, EL1H, 0),
                    (3, 0, 0, 4, 0, 5, WRITE, EL1H, ~0 & (2**64 - 1))],
    # EL0 reads that Linux emulates (mrs from userspace) never get here,
    # the EL1 physical timer and ACTLR/AIDR/REVIDR do.
    "tid1-tacr-timer": [(3, 0, 1, 0, 1, 0, READ, EL1H, 0),
                        (3, 0, 1, 0, 1, 0, WRITE, EL1H, 0x1234),
                        (3, 1, 0, 0, 7, 4, READ, EL1H, 0),
                        (3, 0, 0, 0, 6, 5, READ, EL1H, 0),
                        (3, 3, 14, 2, 1, 6, READ, EL0T, 0),
                        (3, 3, 14, 2, 1, 6, WRITE, EL1H, 1),
                        (3, 3, 14, 2, 2, 7, WRITE, EL1H, 2**63),
                        (3, 3, 14, 2, 0, 8, READ, EL1T, 0)],
    # PV MMU domain (TVM): __cpu_setup / cpu_do_switch_mm / context.c.
    "tvm-linux": [(3, 0, 10, 2, 0, 5, WRITE, EL1H, 0x000000040044ffff),
                  (3, 0, 10, 3, 0, 0, WRITE, EL1H, 0),
                  (3, 0, 2, 0, 2, 10, WRITE, EL1H, 0x00000034b5193519),
                  (3, 0, 2, 0, 0, 1, WRITE, EL1H, 0x40001000),
                  (3, 0, 2, 0, 1, 2, WRITE, EL1H, 0x0001000040002000),
                  (3, 0, 1, 0, 0, 0, WRITE, EL1H, 0x34d5d91d),
                  (3, 0, 13, 0, 1, 3, WRITE, EL1H, 42),
                  (3, 0, 5, 2, 0, 4, WRITE, EL1H, 0x96000045),
                  (3, 0, 6, 0, 0, 4, WRITE, EL1H, 0xffff000012345678),
                  (3, 0, 5, 1, 0, 6, WRITE, EL1H, 0),
                  (3, 0, 5, 1, 1, 31, WRITE, EL1H, 0),
                  (3, 0, 1, 0, 0, 9, READ, EL1H, 0),
                  (3, 0, 2, 0, 0, 9, READ, EL1H, 0)],
    # TCR_EL1 with 64 KiB / 16 KiB granules, HA/HD, DS, small TnSZ.
    "tvm-tcr": [(3, 0, 2, 0, 2, 1, WRITE, EL1H, 0x0000019f_b5103510),
                (3, 0, 2, 0, 2, 1, WRITE, EL1H, 0x08000000_40004000),
                (3, 0, 2, 0, 2, 1, WRITE, EL1H, 0x000000000000003f),
                (3, 0, 2, 0, 2, 31, WRITE, EL1H, 0),
                (3, 0, 1, 0, 0, 2, WRITE, EL1H, 0x02000000)],
    # GICv3 SGIs (smp_cross_call) and the group 0 / alias encodings.
    "icc-sgi": [(3, 0, 12, 11, 5, 0, WRITE, EL1H, 0x0000000000010001),
                (3, 0, 12, 11, 5, 0, WRITE, EL1H, 0x000000000100ffff),
                (3, 0, 12, 11, 5, 31, WRITE, EL1H, 0),
                (3, 0, 12, 11, 5, 3, READ, EL1H, 0),
                (3, 0, 12, 11, 6, 3, WRITE, EL1H, 1),
                (3, 0, 12, 11, 7, 3, WRITE, EL1H, 1),
                (3, 0, 12, 11, 7, 3, READ, EL1H, 0)],
    # Debug (hw_breakpoint, OS lock) and PMU probing: RAZ/WI.
    "debug-pmu": [(2, 0, 1, 0, 4, 0, WRITE, EL1H, 0),  # OSLAR_EL1
                  (2, 0, 1, 1, 4, 1, READ, EL1H, 0),  # OSLSR_EL1
                  (2, 0, 0, 2, 2, 2, READ, EL1H, 0),  # MDSCR_EL1
                  (2, 0, 0, 2, 2, 2, WRITE, EL1H, 0x8000),
                  (2, 0, 0, 0, 5, 3, WRITE, EL1H, 0x1e7),  # DBGBCR0_EL1
                  (2, 3, 0, 4, 0, 4, READ, EL0T, 0),  # DBGDTR_EL0
                  (3, 3, 9, 12, 0, 5, READ, EL1H, 0),  # PMCR_EL0
                  (3, 3, 9, 14, 0, 6, WRITE, EL1H, 0),  # PMUSERENR_EL0
                  (3, 0, 9, 14, 2, 7, WRITE, EL1H, ~0 & (2**64 - 1)),
                  (3, 3, 14, 8, 0, 8, READ, EL1H, 0)],  # PMEVCNTR0_EL0
    # Refused: IMPDEF (TIDCP), set/way, EL2 registers, SPE.
    "undef": [(3, 1, 15, 2, 0, 0, READ, EL1H, 0),  # CPUECTLR_EL1
              (3, 1, 11, 0, 2, 0, WRITE, EL1H, 0),  # L2CTLR_EL1
              (1, 0, 7, 14, 2, 0, WRITE, EL1H, 0),  # DC CISW
              (3, 4, 1, 1, 0, 0, WRITE, EL1H, 0),  # HCR_EL2
              (3, 0, 9, 10, 0, 0, READ, EL1H, 0),  # PMBLIMITR_EL1
              (0, 0, 0, 0, 0, 0, READ, EL0T, 0),
              (3, 7, 15, 15, 7, 31, READ, EL1T, 0)],
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "corpus", "arm_sysreg")
os.makedirs(out, exist_ok=True)
for name, acc in seeds.items():
    flags = 0x10 if name == "id-all-ones" else 0
    if name.startswith("tvm"):
        flags |= 1 << 2 | 2  # TTBR0 root of 4 levels, TTBR1 of 3
    with open(os.path.join(out, name), "wb") as f:
        f.write(seed(flags, acc))
