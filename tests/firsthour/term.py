#!/usr/bin/python3
"""Drive a command on a pseudo-terminal, as a user at a terminal would.

usage: term.py LOG TIMEOUT STEP... -- COMMAND [ARG...]
  STEP is "expect:REGEX" (wait until the output so far, since the last
  expect, matches), "send:TEXT" (type TEXT; \\xNN escapes, e.g. \\x03 for
  Ctrl-C, \\x01 for Ctrl-a, \\r for Enter) or "sleep:SECONDS".
Everything the command prints goes to LOG. Exit status: the command's
(128 + N if killed by signal N), or 99 if an expect timed out (the command
is then killed), or 98 if the command did not end within TIMEOUT seconds
after the last step.
"""
import os
import pty
import re
import select
import signal
import sys
import time


def main():
    log_path, timeout = sys.argv[1], float(sys.argv[2])
    i = sys.argv.index("--")
    steps, cmd = sys.argv[3:i], sys.argv[i + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    log = open(log_path, "wb")
    buf = b""
    deadline = time.time() + timeout
    status = None

    def pump(wait):
        nonlocal buf, status
        r, _, _ = select.select([fd], [], [], wait)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if data:
                buf += data
                log.write(data)
                log.flush()
                return True
        if status is None:
            p, st = os.waitpid(pid, os.WNOHANG)
            if p == pid:
                status = st
        return False

    def finish(code):
        if status is None:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
        log.close()
        sys.exit(code)

    for step in steps:
        kind, _, arg = step.partition(":")
        if kind == "expect":
            pat = re.compile(arg.encode())
            while not pat.search(buf):
                if time.time() > deadline or (status is not None and
                                               not pump(0)):
                    log.write(("\n[term.py: no match for %r]\n" % arg).encode())
                    finish(99)
                pump(0.2)
            buf = buf[pat.search(buf).end():]
        elif kind == "send":
            os.write(fd, arg.encode().decode("unicode_escape").encode("latin-1"))
        elif kind == "sleep":
            end = time.time() + float(arg)
            while time.time() < end:
                pump(0.1)
    while status is None and time.time() < deadline:
        pump(0.2)
    while pump(0):
        pass
    if status is None:
        finish(98)
    log.close()
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


main()
