#!/usr/bin/python3
"""The Kconfig matrix of tests/kconfig/run.sh, from the Kconfig files.

usage: variants.py SRCTREE ARCH list [short|full]
         print the variants, one per line: NAME FLIP... where each FLIP
         is SYMBOL=y|n (a choice flip names the member set to y);
         config also takes SYMBOL=NUMBER for an int
       variants.py SRCTREE ARCH config OUT FLIP...
         write OUT (a .config fragment for 'make olddefconfig'): the
         board's defconfig, then FLIP...

The options come from the Kconfig files, so a new bool or choice is in
the matrix without editing this file:
  * every visible bool outside a choice (not the ARCH_* selectors) is
    flipped from the value the board's defconfig gives it;
  * every choice gets, in turn, each member the defconfig does not
    select, except UART drivers the board does not have (a console that
    cannot print cannot be tested).

short: two variants, "flipped" (every bool flipped, CONFIG_PV_MMU=n
among them, each choice at its first other member) and "flipped-pv"
(the same with PV_MMU back at its default, so the PV MMU suite runs with
the other flips). full: one variant per single flip.
"""
import os
import sys

import kconfiglib

# UART drivers a board cannot use as its console (see the docstring).
NOT_ON_BOARD = {
    "riscv64": {"CONSOLE_UART_PL011"},
    "arm64": {"CONSOLE_UART_NS16550"},
}


def load(srctree, arch):
    os.environ["srctree"] = srctree
    os.environ.setdefault("XL_VERSION", "0.1")
    kconf = kconfiglib.Kconfig(os.path.join(srctree, "Kconfig"),
                               warn_to_stderr=False)
    kconf.load_config(os.path.join(srctree, "configs",
                                   "qemu-%s_defconfig" % arch))
    return kconf


def flips(kconf, arch):
    """([(sym, value)] for the bools, [[(member, 'y')...] per choice])."""
    bools = []
    for sym in kconf.unique_defined_syms:
        if sym.type != kconfiglib.BOOL or sym.choice is not None:
            continue
        if sym.name.startswith("ARCH_") or not sym.visibility:
            continue
        bools.append((sym.name, "n" if sym.str_value == "y" else "y"))
    choices = []
    for ch in kconf.unique_choices:
        if not ch.visibility:
            continue
        others = [(m.name, "y") for m in ch.syms
                  if m is not ch.selection and m.visibility and
                  not m.name.startswith("ARCH_") and
                  m.name not in NOT_ON_BOARD.get(arch, ())]
        if others:
            choices.append(others)
    return bools, choices


def variants(kconf, arch, kind):
    bools, choices = flips(kconf, arch)
    if kind == "full":
        out = [("%s-%s" % (n.lower(), v), [(n, v)]) for n, v in bools]
        for others in choices:
            out += [("%s-y" % n.lower(), [(n, v)]) for n, v in others]
        return out
    every = bools + [others[0] for others in choices]
    out = [("flipped", every)]
    if any(n == "PV_MMU" for n, _ in bools):
        out.append(("flipped-pv", [(n, v) for n, v in every
                                   if n != "PV_MMU"]))
    return out


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    srctree, arch, cmd = sys.argv[1:4]
    kconf = load(srctree, arch)
    if cmd == "list":
        kind = sys.argv[4] if len(sys.argv) > 4 else "short"
        for name, fl in variants(kconf, arch, kind):
            print(name, " ".join("%s=%s" % f for f in fl))
    elif cmd == "config":
        out = sys.argv[4]
        with open(os.path.join(srctree, "configs",
                               "qemu-%s_defconfig" % arch)) as f:
            text = f.read()
        for fl in sys.argv[5:]:
            name, val = fl.split("=", 1)
            if val not in ("y", "n"):
                text += "CONFIG_%s=%s\n" % (name, val)  # an int
                continue
            text += ("CONFIG_%s=y\n" % name if val == "y" else
                     "# CONFIG_%s is not set\n" % name)
        with open(out, "w") as f:
            f.write(text)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
