#!/usr/bin/env python3
# usage: trunc.py IN.dtb OUT.dtb: strings block moved before the structure
# block, and the structure block cut right after its last property (the
# END_NODE and END tags dropped), so that property ends the blob.
import struct, sys
b = open(sys.argv[1], 'rb').read()
magic, total, ost, ostr, orsv, ver, lcv, boot, sstr, sst = struct.unpack('>10I', b[:40])
st = b[ost:ost + sst]
while st[-4:] in (b'\0\0\0\x02', b'\0\0\0\x09'):
    st = st[:-4]
# drop the alignment padding after the last property value too
strs = b[ostr:ostr + sstr]
strs += b'\0' * ((-len(strs)) % 4)
rsv = b[orsv:ost]
nrsv = 40; nstr = nrsv + len(rsv); nst = nstr + len(strs); tot = nst + len(st)
h = struct.pack('>10I', magic, tot, nst, nstr, nrsv, ver, lcv, boot, len(strs), len(st))
open(sys.argv[2], 'wb').write(h + rsv + strs + st)
