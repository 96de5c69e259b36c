#!/usr/bin/python3
# Print the interrupt-controller and CPU nodes of a device tree source
# (dtc -I dtb -O dts output), one "PATH: PROPERTY = VALUE" line each, in
# order: every node under /cpus, every node with an interrupt-controller
# or msi-controller property, and the nodes under those. Two trees
# describe the same interrupt controllers and CPUs when these lines are
# equal (tests/platforms/run.sh).
#
# usage: tests/platforms/dtnodes.py FILE.dts
import re
import sys


def parse(text):
    nodes = {}  # path -> list of property lines
    stack = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("/dts-v1/") or line.startswith("/memreserve/"):
            continue
        m = re.match(r"^(?:[\w-]+:\s*)?([^\s=]+)\s*\{$", line)
        if m:
            name = m.group(1)
            path = "/" if name == "/" else (stack[-1].rstrip("/") + "/" + name)
            stack.append(path)
            nodes.setdefault(path, [])
            continue
        if line == "};":
            stack.pop()
            continue
        if stack:
            nodes[stack[-1]].append(line.rstrip(";"))
    return nodes


def main():
    nodes = parse(open(sys.argv[1]).read())
    intc = [p for p, props in nodes.items()
            if any(re.match(r"^(interrupt|msi)-controller\b", x) for x in props)
            and not p.startswith("/cpus")]
    for path, props in nodes.items():
        keep = path == "/cpus" or path.startswith("/cpus/")
        keep = keep or any(path == p or path.startswith(p + "/") for p in intc)
        if keep:
            for prop in props:
                print(f"{path}: {prop}")


main()
