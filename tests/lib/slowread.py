#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A slow console backend: copy standard input to standard output at RATE
bytes per second (default 1500), with the input pipe shrunk to two pages,
so that whatever writes into the pipe (QEMU's serial chardev) finds it
full as soon as it writes faster than that: the host side of a slow UART
(tests/guests/run.sh, run console_slow).

usage: slowread.py [RATE]
"""
import fcntl
import os
import sys
import time

F_SETPIPE_SZ = 1031


def main():
    rate = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    try:
        fcntl.fcntl(0, F_SETPIPE_SZ, 8192)
    except OSError:
        pass  # not a pipe: still slow, only with more buffer
    step = 0.02
    chunk = max(1, int(rate * step))
    nxt = time.monotonic()
    while True:
        data = os.read(0, chunk)
        if not data:
            return 0
        os.write(1, data)
        nxt += step * len(data) / chunk
        delay = nxt - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            nxt = time.monotonic()


if __name__ == "__main__":
    sys.exit(main())
