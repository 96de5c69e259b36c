# SPDX-License-Identifier: GPL-2.0
"""Function symbols of an ELF image, for the scripts that cut QEMU's
execution traces by function (tests/bench/exit_phases.py,
tests/bench/disk_trace.py)."""
import subprocess


def text_symbols(nm, elf):
    """(address, name) of every text symbol of ELF, by address, read with
    the cross binutils' NM."""
    out = subprocess.run([nm, "-n", elf], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in "tTwW":
            syms.append((int(p[0], 16), p[2]))
    return syms
