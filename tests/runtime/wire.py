# SPDX-License-Identifier: GPL-2.0
"""The management channel's messages, raw, for the tests that must send
what the CLI never would (tests/runtime/run.sh): a 24-byte header (magic,
version, type, sequence number, status, payload length; docs/runtime.md)
and the payload."""
import socket
import struct

MAGIC = 0x4d4c5821
HEADER = '<IHHIiQ'


def connect(path, timeout=None):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    if timeout is not None:
        s.settimeout(timeout)
    return s


def recv_exact(s, n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def send(s, typ, payload=b'', seq=0, magic=MAGIC, ver=1, status=0,
         length=None):
    """One message; LENGTH overrides the header's payload length."""
    n = len(payload) if length is None else length
    s.sendall(struct.pack(HEADER, magic, ver, typ, seq, status, n) + payload)


def answer(s):
    """The next message: (type, sequence number, status, payload)."""
    _, _, typ, seq, status, n = struct.unpack(HEADER, recv_exact(s, 24))
    return typ, seq, status, recv_exact(s, n)
