#!/usr/bin/env python3
# Writes the seed programs of fuzz_fdtgen.c into corpus/fdtgen/. The
# encoding follows fuzz_fdtgen.c: flags, /memreserve/ count, then opcodes
# (0 begin node, 1 end node, 2 property) with their operands.
import os
import sys

NODES = ["memory@80000000", "memory@40000000", "memory", "cpus", "cpu@0",
         "cpu@1", "chosen", "domain@0", "domain@1", "domain@2", "module@0",
         "module@1", "module@2"]
PROPS = ["#address-cells", "#size-cells", "reg", "device_type", "status",
         "compatible", "stdout-path", "bootargs", "riscv,isa",
         "timebase-frequency", "interrupts", "reg-shift", "reg-io-width",
         "clock-frequency", "xen-lite,name", "xen-lite,memory",
         "xen-lite,vcpus", "xen-lite,cpu-affinity", "xen-lite,p2m-pool-kb",
         "xen-lite,privileged", "xen-lite,on-poweroff", "xen-lite,on-reboot",
         "xen-lite,on-crash", "xen-lite,pv-mmu-policy"]
STRS = ["memory", "cpu", "okay", "disabled", "xen-lite,domain",
        "multiboot,module", "kernel+multiboot", "ramdisk+multiboot",
        "xen-lite,kernel", "ns16550a", "arm,pl011", "riscv,plic0",
        "arm,gic-v3", "arm,armv8-timer", "/soc/serial@10000000",
        "/pl011@9000000:115200", "serial0", "serial0:115200n8", "destroy",
        "restart", "preserve", "none", "no-wx", "web", "db"]
CELLS = [0, 1, 2, 3, 4, 8, 0x1000, 0x200000, 0x8000000, 0x80000000,
         0x87c00000, 0x40000000, 0x10000000, 0xffffffff, 0xfffff000]


def begin(n):
    return [0, NODES.index(n)]


def end():
    return [1]


def cells(name, *vals):
    kind = next(k for k in range(256)
                if k % 5 == 0 and (k >> 3) % 8 == len(vals) - 1)
    out = [2, PROPS.index(name), kind]
    for v in vals:
        out.append(CELLS.index(v))
    return out


def string(name, s):
    return [2, PROPS.index(name), 1, STRS.index(s)]


def domain(node, name, mods, ac=2, sc=2):
    p = begin(node) + string("compatible", "xen-lite,domain")
    p += cells("#address-cells", ac) + cells("#size-cells", sc)
    p += string("xen-lite,name", name)
    p += cells("xen-lite,memory", 0, 0x8000000) + cells("xen-lite,vcpus", 1)
    p += string("xen-lite,on-crash", "preserve")
    for i, (kind, regs) in enumerate(mods):
        p += begin("module@%d" % i) + string("compatible", kind)
        p += cells("reg", *regs) + end()
    return p + end()


seeds = {
    "one-domain": [0x13, 0] + begin("chosen") + domain(
        "domain@0", "web", [("kernel+multiboot", (0, 0x87c00000, 0, 0x1000)),
                            ("ramdisk+multiboot", (0, 0x80000000, 0, 0x1000))])
    + end(),
    "two-domains": [0x17, 1, 9, 6] + begin("chosen") + domain(
        "domain@0", "web", [("kernel+multiboot", (0, 0x87c00000, 0, 0x1000))])
    + domain("domain@1", "db", [("kernel+multiboot", (0, 0x80000000, 0, 0x1000))])
    + end(),
    "no-skeleton": [0x00, 0] + begin("memory") + string("device_type", "memory")
    + cells("reg", 0, 0x40000000, 0, 0x8000000) + end(),
}
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "corpus", "fdtgen")
for name, prog in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes(prog))
