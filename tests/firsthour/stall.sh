#!/usr/bin/env bash
# A host stall during CPU bring-up (riscv64): the machine must still boot.
#
# QEMU's counter is wall-clock time, and a loaded host can stop the whole
# machine for seconds. To make that happen at the worst moment, gdb stops
# the machine when CPU2 enters xen-lite (riscv_secondary_entry),
# parks that hart in a one-instruction loop ("j .", written below its
# stack; a busy loop, as a WFI would leave the hart halted) and lets the
# machine run: the boot CPU now
# waits for CPU2. Then QEMU is stopped (SIGSTOP) for 12 s, as a loaded
# host would; QEMU's clock does not know, so the counter jumps by 12 s.
# gdb then puts CPU2 back at its entry point and lets it go. A bring-up
# that waits a fixed 10 s of counter time fails ("CPU2 (hwid 0x2) did not
# come up"); one that counts only its own running time boots.
#
# usage: tests/firsthour/stall.sh LOG   (exit 0 if the machine booted)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srctree=$(cd "$here/../.." && pwd)
log=$1
tmp=$(mktemp -d)
trap 'kill -CONT $qpid 2>/dev/null; kill $qpid 2>/dev/null; rm -rf "$tmp"' EXIT
elf=$srctree/build/riscv64/xen-lite.elf
port=$((20000 + $$ % 20000))
"$srctree/build/tools/xen-lite-cli" --root "$srctree" build --arch riscv64 \
	--smp 4 --mem 256M --gdb-port $port -o "$tmp/b" >"$log" 2>&1 || exit 2
"$tmp/b/run.sh" </dev/null >"$tmp/qemu.log" 2>&1 &
qpid=$!
sleep 0.5
# The helper runs while gdb waits in 'continue': after 1 s of the boot
# CPU waiting for the parked CPU2, QEMU stops for 12 s, then gdb is
# interrupted (which stops the machine again).
cat >"$tmp/stall" <<SH
sleep 1
kill -STOP $qpid
sleep 12
kill -CONT $qpid
sleep 2
kill -INT \$(cat $tmp/gdbpid)
SH
# gdb itself gets the one SIGINT (timeout(1) would pass it on to gdb's
# whole process group as well, and a second SIGINT makes gdb give up).
gdb-multiarch -q -batch -nx \
	-ex 'set architecture riscv:rv64' -ex "file $elf" \
	-ex 'set remotetimeout 60' \
	-ex "target remote localhost:$port" \
	-ex 'break riscv_secondary_entry if self == &pcpu_info[2]' -ex 'continue' \
	-ex 'delete' -ex 'set $entry = $pc' -ex 'set $hart = $a0' \
	-ex 'set $loop = $sp - 4096' \
	-ex 'set *(unsigned int *)$loop = 0x6f' -ex 'set $pc = $loop' \
	-ex "shell sh $tmp/stall &" -ex 'continue' \
	-ex 'eval "thread %d", $hart + 1' -ex 'set $pc = $entry' -ex 'detach' \
	>>"$log" 2>&1 &
gdbpid=$!
echo $gdbpid >"$tmp/gdbpid"
(sleep 120 && kill $gdbpid 2>/dev/null) &
watchdog=$!
wait $gdbpid
kill $watchdog 2>/dev/null
# Whatever gdb managed, QEMU must not outlive the test.
for _ in $(seq 1 600); do
	kill -0 $qpid 2>/dev/null || break
	sleep 0.1
done
kill $qpid 2>/dev/null
wait $qpid
rc=$?
cat "$tmp/qemu.log" >>"$log"
# The stall happened while CPU2 was held, and the machine still booted.
grep -q "hit Breakpoint 1, riscv_secondary_entry" "$log" &&
	grep -q "received signal SIGINT" "$log" &&
	grep -q "CPU3 online" "$log" && [ $rc = 0 ]
