#!/usr/bin/python3
"""Write every domain file shown in the docs to OUTDIR.

usage: docs-domains.py SRCTREE OUTDIR

A domain file in the docs (docs/*.md, README.md) is a fenced block with a
'name =' and a 'kernel =' line. It is written as OUTDIR/<doc>-<n>.cfg.
Their relative paths are written as if the file sat in configs/domains/
(../../build/...): callers give an OUTDIR two levels below a directory
whose build/ is the real one.
"""
import glob
import os
import re
import sys

src, out = sys.argv[1], sys.argv[2]
for md in sorted(glob.glob(src + "/docs/*.md")) + [src + "/README.md"]:
    text = open(md).read()
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text, re.M | re.S)
    for n, block in enumerate(blocks):
        if re.search(r"^name *=", block, re.M) and re.search(
            r"^kernel *=", block, re.M
        ):
            base = os.path.basename(md)[:-3]
            with open("%s/%s-%d.cfg" % (out, base, n), "w") as f:
                f.write(block)
