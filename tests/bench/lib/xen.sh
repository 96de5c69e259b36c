# shellcheck shell=bash disable=SC2154
# Sourced by tests/bench/xen-arm64.sh: boot Debian's Xen 4.17 (package
# xen-hypervisor-4.17-arm64, unpacked into build/debian/xen by 'make
# deps') directly from QEMU with dom0less domains, the way xen-lite's
# benchmarks boot xen-lite: same machine (virt, GICv3, virtualization=on,
# cortex-a72, 512 MiB), -icount shift=0,sleep=off. No dom0: Xen builds
# the domains described under /chosen of the device tree it is given
# (Xen's dom0less bindings, "xen,domain" nodes with "multiboot,kernel"
# modules) and gives each a virtual PL011 ("vpl011"), whose output it
# prints on its own console as "(XEN) DOM<n>: ...".
#
#   xen_image                   the Xen image, or "" (and why on stderr)
#   xen_boot OUT RUN SMP TIMEOUT DONE DOMAIN...
#                               DOMAIN = "KERNEL|MIB|VCPUS|BOOTARGS[|RAMDISK]";
#                               boots them on an SMP-CPU machine and waits
#                               until DONE lines "<suite>: N passed, N
#                               failed" (or lines matching the extended
#                               regular expression $xen_done_re) appeared
#                               (one per domain) or TIMEOUT seconds
#                               passed, then stops QEMU
#                               (domains that power off leave Xen idle, it
#                               does not power the machine off). Console
#                               in OUT/RUN.txt (CRs removed); returns 1 on
#                               a timeout or a FAIL line.
#   xen_value OUT RUN DOM TAG NAME
#                               the value of the line "TAG NAME value"
#                               that domain DOM (1, 2, ...) printed
# Needs $srctree and tests/lib/qemu.sh (the machine's command line comes
# from the CLI, as for every QEMU the tests start). Extra QEMU arguments
# instead of -icount: $xen_qemu_extra (an array), e.g. for wall clock.

xen_image() {
	local x=$srctree/build/debian/xen/root/boot/xen-4.17-arm64
	if [ ! -f "$x" ]; then
		echo "bench: no Xen image ($x); run 'make deps'" >&2
		echo ""
		return 1
	fi
	echo "$x"
}

xen_boot() { # out run smp timeout done domain...
	local out=$1 run=$2 smp=$3 timeout=$4 done=$5 xen dtb i=0 spec
	local kernel mib vcpus args ramdisk addr=0x50000000 size n loaders=() pid
	local m done_re=${xen_done_re:-': [0-9]* passed, [0-9]* failed'}
	local extra=(-icount shift=0,sleep=off)
	[ -n "${xen_qemu_extra+x}" ] && extra=("${xen_qemu_extra[@]}")
	shift 5
	xen=$(xen_image) || return 1
	dtb=$out/$run.dtb
	# The machine xen-lite's benchmarks boot (tests/lib/qemu.sh).
	qemu_machine arm64 --smp "$smp" --mem 512M || return 1
	"${qemu_cmd[@]}" -machine "dumpdtb=$dtb" >/dev/null 2>&1
	[ -f "$dtb" ] || {
		echo "bench: QEMU did not dump its device tree" >&2
		return 1
	}
	# Xen's command line: its console on QEMU's PL011; timer_slop=0 so
	# Xen's timers (a blocked vCPU's virtual timer deadline among them)
	# fire at their deadline rather than up to 50 us later.
	fdtput "$dtb" -t s /chosen xen,xen-bootargs \
		"console=dtuart dtuart=/pl011@9000000 timer_slop=0 ${xen_bootargs:-}"
	fdtput "$dtb" -t x /chosen '#address-cells' 1
	fdtput "$dtb" -t x /chosen '#size-cells' 1
	for spec in "$@"; do
		i=$((i + 1))
		ramdisk=""
		IFS='|' read -r kernel mib vcpus args ramdisk <<<"$spec"
		size=$(stat -c %s "$kernel")
		n=/chosen/domU$i
		fdtput "$dtb" -c "$n"
		fdtput "$dtb" -t s "$n" compatible xen,domain
		fdtput "$dtb" -t x "$n" '#address-cells' 1
		fdtput "$dtb" -t x "$n" '#size-cells' 1
		# memory: KiB as a 64-bit number (two cells, hexadecimal here).
		fdtput "$dtb" -t x "$n" memory 0 "$(printf %x $((mib * 1024)))"
		fdtput "$dtb" -t x "$n" cpus "$vcpus"
		fdtput "$dtb" -t s "$n" vpl011 ""
		fdtput "$dtb" -c "$n/module@${addr#0x}"
		fdtput "$dtb" -t s "$n/module@${addr#0x}" compatible \
			multiboot,kernel multiboot,module
		fdtput "$dtb" -t x "$n/module@${addr#0x}" reg "$addr" \
			"$(printf %x "$size")"
		fdtput "$dtb" -t s "$n/module@${addr#0x}" bootargs "$args"
		loaders+=(-device "loader,file=$kernel,addr=$addr,force-raw=on")
		# The next module 2 MiB-aligned after this one; the next
		# domain's first on a 16 MiB boundary (the test guests' spacing).
		addr=$(printf 0x%x $((addr + ((size + 0x1fffff) & ~0x1fffff))))
		if [ -n "$ramdisk" ]; then
			size=$(stat -c %s "$ramdisk")
			m=$n/module@${addr#0x}
			fdtput "$dtb" -c "$m"
			fdtput "$dtb" -t s "$m" compatible multiboot,ramdisk \
				multiboot,module
			fdtput "$dtb" -t x "$m" reg "$addr" "$(printf %x "$size")"
			loaders+=(-device "loader,file=$ramdisk,addr=$addr,force-raw=on")
			addr=$(printf 0x%x $((addr + ((size + 0x1fffff) & ~0x1fffff))))
		fi
		[ $((addr & 0xffffff)) = 0 ] || addr=$(printf 0x%x $(((addr | 0xffffff) + 1)))
	done
	: >"$out/$run.log"
	"${qemu_cmd[@]}" -kernel "$xen" -dtb "$dtb" "${loaders[@]}" \
		"${extra[@]}" \
		</dev/null >"$out/$run.log" 2>&1 &
	pid=$!
	local t0=$SECONDS st=0
	while :; do
		if [ "$(grep -acE "$done_re" "$out/$run.log")" -ge "$done" ]; then
			break
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			st=1
			break
		fi
		if [ $((SECONDS - t0)) -ge "$timeout" ]; then
			echo "bench: Xen run $run timed out after $timeout s" >&2
			st=1
			break
		fi
		sleep 0.5
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	tr -d '\r' <"$out/$run.log" >"$out/$run.txt"
	if grep -q 'DOM[0-9]*: FAIL' "$out/$run.txt"; then
		st=1
	fi
	if [ "$st" -ne 0 ]; then
		echo "bench: Xen run $run failed; see ${out#"$srctree"/}/$run.txt" >&2
		grep -a 'FAIL\|Panic\|crash' "$out/$run.txt" | head -5 >&2
	fi
	return "$st"
}

xen_value() { # out run dom tag name
	sed -n "s/^(XEN) DOM$3: $4 $5 \([0-9]*\)\$/\1/p" "$1/$2.txt" | tail -1
}
