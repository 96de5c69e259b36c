#!/bin/sh
# xl-shm ROLE GPA DOORBELL: the Linux side of tests/linux/shm.sh, run by
# the test initramfs' /init for xl_shm=ROLE,GPA,DOORBELL on the kernel
# command line (tests/lib/linux.sh). Busybox sh, devmem and sha256sum;
# xl-shmcp (tests/linux/shmcp.c) moves the bulk data through an mmap() of
# /dev/mem. The registers are those of docs/shared-memory.md.
#   owner     writes 1 MiB of random data at GPA + 4096 and a header line
#             "XLSHM LEN SHA256" at GPA, rings peer 1, waits until its
#             COUNT says peer 1 rang back, and checks the answer line
#             "ANSWER SHA256" at GPA + 2048
#   borrower  polls its COUNT until the owner rang, reads the header and
#             the data, checks the checksum, writes the answer, rings 0
# Prints XL-SHM-* lines; exit status 0 when its side passed.
role=$1
gpa=$(($2))
bell=$(($3))
RING=$((bell + 0x08))
STATUS=$((bell + 0x0c))
COUNT=$((bell + 0x10))
FROM0=$((bell + 0x100))
FROM1=$((bell + 0x104))
len=1048576

rd() {
	echo $(($(devmem "$1" 32)))
}

# now: whole seconds of uptime.
now() {
	read up idle </proc/uptime
	echo ${up%%.*}
}

# wait_count N: until COUNT reaches N, polling every 50 ms for at most 60 s.
wait_count() {
	end=$(($(now) + 60))
	while [ "$(rd $COUNT)" -lt "$1" ]; do
		[ "$(now)" -lt $end ] || return 1
		usleep 50000
	done
}

fail() {
	echo "XL-SHM-FAIL $*"
	exit 1
}

echo "XL-SHM $role: peer $(rd $bell) of $(rd $((bell + 4))), region $(printf %#x $gpa)"
case $role in
owner)
	[ "$(rd $bell)" = 0 ] || fail "PEER_ID is not 0"
	read t0 idle </proc/uptime
	dd if=/dev/urandom of=/tmp/data bs=4096 count=$((len / 4096)) 2>/dev/null
	sum=$(sha256sum /tmp/data)
	sum=${sum%% *}
	printf 'XLSHM %s %s\n' $len "$sum" | xl-shmcp $gpa 2048 in || fail "header"
	xl-shmcp $((gpa + 4096)) $len in </tmp/data || fail "data"
	devmem $RING 32 1
	echo "XL-SHM-SENT $len $sum"
	wait_count 1 || fail "no answer in 60 s (COUNT $(rd $COUNT))"
	st=$(rd $STATUS)
	devmem $STATUS 32 $st
	ans=$(xl-shmcp $((gpa + 2048)) 2048 out | head -n 1)
	read t1 idle </proc/uptime
	[ "$ans" = "ANSWER $sum" ] || fail "answer '$ans', want 'ANSWER $sum'"
	[ "$st" = 2 ] && [ "$(rd $FROM1)" = 1 ] && [ "$(rd $STATUS)" = 0 ] ||
		fail "STATUS $st FROM[1] $(rd $FROM1) after the answer"
	echo "XL-SHM-OK the borrower's checksum matches ($(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s)"
	;;
borrower)
	[ "$(rd $bell)" = 1 ] || fail "PEER_ID is not 1"
	wait_count 1 || fail "no ring from the owner in 60 s"
	st=$(rd $STATUS)
	[ "$st" = 1 ] && [ "$(rd $FROM0)" = 1 ] ||
		fail "STATUS $st FROM[0] $(rd $FROM0) after the owner's ring"
	devmem $STATUS 32 $st
	[ "$(rd $STATUS)" = 0 ] || fail "STATUS not cleared"
	set -- $(xl-shmcp $gpa 2048 out | head -n 1)
	[ "$1" = XLSHM ] && [ "$2" = $len ] || fail "header '$*'"
	xl-shmcp $((gpa + 4096)) "$2" out >/tmp/data || fail "data"
	got=$(sha256sum /tmp/data)
	got=${got%% *}
	[ "$got" = "$3" ] || fail "checksum $got, the header says $3"
	echo "XL-SHM-VERIFIED $2 $got"
	printf 'ANSWER %s\n' "$got" | xl-shmcp $((gpa + 2048)) 2048 in || fail "answer"
	devmem $RING 32 0
	echo "XL-SHM-OK answered"
	;;
*)
	fail "role '$role'"
	;;
esac
