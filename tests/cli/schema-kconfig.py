#!/usr/bin/python3
"""The boot schema's Kconfig numbers against the Kconfig files.

usage: schema-kconfig.py SRCTREE

include/public/boot_schema.h repeats, for the CLI, the range and default
of every Kconfig symbol a domain file is checked against
(XL_KCONFIG_<SYMBOL>_MIN, _MAX, _DEFAULT): the CLI uses them to read a
build's .config and when no build is configured. Prints one line per
symbol, "ok SYMBOL" or "FAIL SYMBOL: why"; exit status 1 on a mismatch.
"""
import os
import re
import sys

import kconfiglib

src = sys.argv[1]
os.environ["srctree"] = src
os.environ.setdefault("XL_VERSION", "0.1")
kconf = kconfiglib.Kconfig(os.path.join(src, "Kconfig"), warn_to_stderr=False)
hdr = open(os.path.join(src, "include/public/boot_schema.h")).read()
want = {}
for sym, what, val in re.findall(
        r"^#define XL_KCONFIG_(\w+)_(MIN|MAX|DEFAULT) (\d+)\b", hdr, re.M):
    want.setdefault(sym, {})[what] = int(val)
if not want:
    print("FAIL no XL_KCONFIG_ numbers in boot_schema.h")
    sys.exit(1)
bad = 0
for sym, w in sorted(want.items()):
    s = kconf.syms.get(sym)
    if s is None or not s.ranges or not s.defaults:
        print("FAIL %s: not an int symbol with a range and a default" % sym)
        bad += 1
        continue
    got = {
        "MIN": int(s.ranges[0][0].str_value, 0),
        "MAX": int(s.ranges[0][1].str_value, 0),
        "DEFAULT": int(s.defaults[0][0].str_value, 0),
    }
    diff = ["%s %s in the header, %s in Kconfig" % (k, w.get(k), got[k])
            for k in ("MIN", "MAX", "DEFAULT") if w.get(k) != got[k]]
    if diff:
        print("FAIL %s: %s" % (sym, "; ".join(diff)))
        bad += 1
    else:
        print("ok %s" % sym)
sys.exit(1 if bad else 0)
