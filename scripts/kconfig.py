#!/usr/bin/python3
"""Kconfig front end for xen-lite, on Debian's python3-kconfiglib.

usage: kconfig.py SRCTREE OBJTREE COMMAND [ARG]
  COMMAND: defconfig FILE | olddefconfig | savedefconfig FILE |
           menuconfig | syncconfig
syncconfig writes OBJTREE/include/config/auto.conf and
OBJTREE/include/generated/autoconf.h, each only when its contents change,
so that a changed .config rebuilds exactly once.
"""
import os
import sys

import kconfiglib


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def load(srctree, objtree, need_config=True):
    os.environ["srctree"] = srctree
    os.environ.setdefault("XL_VERSION", "0.1")
    kconf = kconfiglib.Kconfig(os.path.join(srctree, "Kconfig"),
                               warn_to_stderr=True)
    cfg = os.path.join(objtree, ".config")
    if os.path.exists(cfg):
        kconf.load_config(cfg)
    elif need_config:
        sys.exit("xen-lite: no .config in %s: run 'make qemu-riscv64_defconfig'"
                 " or 'make qemu-arm64_defconfig' first" % objtree)
    return kconf, cfg


def syncconfig(kconf, objtree):
    lines = []
    hdr = ["/* Generated from .config by scripts/kconfig.py; do not edit. */",
           "#ifndef XL_AUTOCONF_H", "#define XL_AUTOCONF_H"]
    for sym in kconf.unique_defined_syms:
        val = sym.str_value
        if sym.type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            if val == "y":
                lines.append("CONFIG_%s=y" % sym.name)
                hdr.append("#define CONFIG_%s 1" % sym.name)
        elif sym.type == kconfiglib.STRING:
            esc = kconfiglib.escape(val)
            lines.append('CONFIG_%s="%s"' % (sym.name, esc))
            hdr.append('#define CONFIG_%s "%s"' % (sym.name, esc))
        elif sym.type in (kconfiglib.INT, kconfiglib.HEX) and val:
            if sym.type == kconfiglib.HEX and not val.startswith("0x"):
                val = "0x" + val
            lines.append("CONFIG_%s=%s" % (sym.name, val))
            hdr.append("#define CONFIG_%s %s" % (sym.name, val))
    hdr.append("#endif")
    write_if_changed(os.path.join(objtree, "include/config/auto.conf"),
                     "\n".join(lines) + "\n")
    write_if_changed(os.path.join(objtree, "include/generated/autoconf.h"),
                     "\n".join(hdr) + "\n")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    srctree, objtree, cmd = sys.argv[1:4]
    arg = sys.argv[4] if len(sys.argv) > 4 else None
    os.makedirs(objtree, exist_ok=True)
    if cmd == "defconfig":
        kconf, cfg = load(srctree, objtree, need_config=False)
        kconf.load_config(arg)
        print(kconf.write_config(cfg))
    elif cmd == "olddefconfig":
        kconf, cfg = load(srctree, objtree)
        print(kconf.write_config(cfg))
    elif cmd == "savedefconfig":
        kconf, cfg = load(srctree, objtree)
        print(kconf.write_min_config(arg))
    elif cmd == "menuconfig":
        os.environ["KCONFIG_CONFIG"] = os.path.join(objtree, ".config")
        kconf, cfg = load(srctree, objtree, need_config=False)
        import menuconfig
        menuconfig.menuconfig(kconf)
        return
    elif cmd == "syncconfig":
        kconf, cfg = load(srctree, objtree)
        syncconfig(kconf, objtree)
    else:
        sys.exit("kconfig.py: unknown command " + cmd)


if __name__ == "__main__":
    main()
