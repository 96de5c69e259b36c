#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Report import cycles among the .c files of a source directory.

"A imports B" when A.o has an undefined reference to a function that B.o
defines (the symbol tables of the built objects, read with nm: what the
compiler and linker see, macros and inlines already resolved). A call
through a declared hook is not an import: the hook is the seam the
caller was given. Declared hooks: the arch_* hooks (called by common
code, defined by the arch tree), HOOKS below, and the names given with
--hook. Calls the compiler emits by itself (COMPILER below) are no
imports either.

usage: scripts/import-cycles.py [--nm NM] [--hook NAME]... [--src SRCDIR]
                                [--data] [-v] OBJDIR...
  OBJDIR: a directory of built objects, e.g. build/riscv64/common (one
  scope: only its own *.o, not those of its subdirectories, and only
  edges between them). With --src, only the objects of a SRCDIR/NAME.c
  count (not those of assembly sources: entry code and the C it calls
  are one unit however they are split). With --data, referring to
  another file's global variables is an import too. -v prints every
  edge. Exit status 1 if any scope has a cycle, printed as the files of
  each strongly connected component and the calls that tie them; 2 on a
  usage error or a missing object.
"""
import argparse
import glob
import os
import subprocess
import sys

HOOK_PREFIXES = ("arch_",)
# name: where it is declared as a hook, and why it is one.
HOOKS = {
    # include/xen-lite/domain.h: the scheduler loop gives the domain
    # lifecycle its turn between two vCPU runs; the lifecycle uses the
    # scheduler (run queues), the scheduler decides nothing about domains.
    "domain_reap",
    # The same seam: whether that turn would do nothing, for the
    # scheduler's direct hand-over (sched_handover()).
    "domain_reap_idle",
    # include/xen-lite/mgmt.h: CPU0's scheduler loop and tick give the
    # management channel its turn (docs/runtime.md); its commands use the
    # domain lifecycle, which uses the scheduler.
    "mgmt_poll",
    "mgmt_pending",
}
# Emitted by the compiler, not called by the source (-fstack-protector).
COMPILER = {"__stack_chk_fail", "__stack_chk_guard"}


FUNC_KINDS = ("T", "W", "i")
DATA_KINDS = ("D", "B", "R", "G", "S", "C", "V")


def symbols(nm, obj, kinds):
    """Return (symbols of @kinds defined, symbols referenced) of @obj."""
    out = subprocess.run([nm, "-P", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, undef = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        name, kind = f[0], f[1]
        if kind in kinds:
            defined.add(name)
        elif kind in ("U", "w"):
            undef.add(name)
    return defined, undef


def sccs(nodes, edges):
    """Tarjan's strongly connected components, each sorted, in order."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def check(objdir, nm, hooks, verbose, src, kinds):
    objs = sorted(glob.glob(os.path.join(objdir, "*.o")))
    if src:
        objs = [o for o in objs if os.path.exists(
            os.path.join(src, os.path.basename(o)[:-2] + ".c"))]
    if not objs:
        print(f"import-cycles: no objects in {objdir} (build it first)",
              file=sys.stderr)
        sys.exit(2)
    owner, refs = {}, {}
    for o in objs:
        unit = os.path.basename(o)[:-2] + ".c"
        defined, undef = symbols(nm, o, kinds)
        refs[unit] = undef
        for s in defined:
            owner[s] = unit
    edges, why = {}, {}
    for unit, undef in refs.items():
        for s in sorted(undef):
            dst = owner.get(s)
            if (not dst or dst == unit or s.startswith(HOOK_PREFIXES)
                    or s in hooks or s in COMPILER):
                continue
            edges.setdefault(unit, set()).add(dst)
            why.setdefault((unit, dst), []).append(s)
    if verbose:
        for (a, b), syms in sorted(why.items()):
            print(f"  {objdir}: {a} -> {b}: {', '.join(syms)}")
    cycles = [c for c in sccs(refs.keys(), edges) if len(c) > 1]
    for comp in cycles:
        print(f"{objdir}: import cycle among {', '.join(comp)}:")
        for a in comp:
            for b in comp:
                if (a, b) in why:
                    print(f"    {a} -> {b}: {', '.join(why[(a, b)])}")
    return not cycles


def main():
    ap = argparse.ArgumentParser(
        description="import cycles among the objects of a directory")
    ap.add_argument("--nm", default="nm", help="nm of the objects' target")
    ap.add_argument("--hook", action="append", default=[],
                    help="another declared hook (arch_* and HOOKS always are)")
    ap.add_argument("--src", help="the sources: only objects of a .c count")
    ap.add_argument("--data", action="store_true",
                    help="a reference to another file's global data is an "
                    "import too")
    ap.add_argument("-v", action="store_true", help="print every edge")
    ap.add_argument("objdirs", nargs="+")
    a = ap.parse_args()
    hooks = HOOKS | set(a.hook)
    ok = True
    for d in a.objdirs:
        kinds = FUNC_KINDS + (DATA_KINDS if a.data else ())
        ok = check(d, a.nm, hooks, a.v, a.src, kinds) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
