#!/usr/bin/env bash
# Benchmark (not a test): a passed-through disk (docs/devices.md), natively
# and from one 1-vCPU xen-lite domain, on the same QEMU machine with
# -icount shift=0,sleep=off -smp 1: Debian's kernel, the same initramfs and
# the same ext4 image as virtio-blk on the same virtio-mmio transport. The
# guest measures with its own counter (tests/linux/diskbench.c, reading
# /dev/vda with O_DIRECT; under -icount the counter follows instructions):
#   BENCH ARCH.disk_read_native_ms  sequential read of 64 MiB, 1 MiB per
#   BENCH ARCH.disk_read_ms         read() (the fastest of PASSES passes)
#   BENCH ARCH.disk_read_ratio      domain / native (target <= 1.03)
#   BENCH ARCH.disk_4k_native_ns    4 KiB read at a random offset (fixed
#   BENCH ARCH.disk_4k_ns           seed), the median of READS round trips
#   BENCH ARCH.disk_4k_ratio        domain / native (target <= 1.10)
#   BENCH ARCH.disk_4k_mean_ratio   the same with the means
# docs/benchmarks.md "Disk passthrough" explains the figures and where the
# domain's extra instructions go.
#
# usage: tests/bench/disk.sh [ARCH...]    (default: riscv64 arm64)
#        tests/bench/disk.sh --trace [ARCH...]
# Environment: XL_DISK_PASSES (default 3), XL_DISK_READS (default 2000).
#
# --trace: not a 'make bench' figure. The domain alone, twice, with QEMU's
# trace of every instruction the hypervisor executes (-singlestep
# -d exec,nochain -dfilter on its image; slow: a few minutes per run), the
# second run with 1000 more 4 KiB reads than the first; the difference,
# per symbol and per read, is where a request's hypervisor instructions go
# (tests/bench/disk_trace.py): prints those as '#' lines and
#   BENCH ARCH.disk_4k_hyp_instr     hypervisor instructions per read
#   BENCH ARCH.disk_4k_hyp_entries   exits to the hypervisor per read
set -uo pipefail
srctree=$(cd "$(dirname "$0")/../.." && pwd)
. "$srctree/tests/lib/linux.sh"
. "$srctree/tests/lib/qemu.sh"
passes=${XL_DISK_PASSES:-3}
reads=${XL_DISK_READS:-2000}
mib=64
trace=0
if [ "${1:-}" = --trace ]; then
	trace=1
	shift
fi

# The initramfs: busybox, virtio_mmio and virtio_blk, xl-diskbench; /init
# loads the modules, runs the two measurements on /dev/vda and powers off.
make_initramfs() { # arch debroot out
	local arch=$1 debroot=$2 out=$3 work rc
	work=$(mktemp -d)
	mkdir -p "$work"/{bin,dev,proc,sys}
	mknod "$work/dev/console" c 5 1
	linux_busybox "$debroot" "$work" &&
		linux_modules "$debroot" "$work" virtio_mmio virtio_blk &&
		linux_tool "$arch" "$work/bin/xl-diskbench" \
			"$srctree/tests/linux/diskbench.c" || {
		rm -rf "$work"
		return 1
	}
	{
		linux_init_disk XL-DISK
		cat <<'INIT'
echo "XL-DISK-DEV $(cat /sys/block/vda/size 2>/dev/null) sectors"
# Wait until no other task is runnable: the kernel's crypto self-tests
# (cryptomgr_test threads) run for a while after boot and would take the
# CPU while a read waits (xl-diskbench counts the CPU's instructions).
i=0
while [ $i -lt 600 ]; do
	busy=""
	for s in /proc/[0-9]*/stat; do
		read pid comm st rest <$s 2>/dev/null || continue
		[ "$st" = R ] && [ "$pid" != $$ ] && busy="$busy $comm"
	done
	[ -z "$busy" ] && break
	sleep 0.1
	i=$((i + 1))
done
echo "XL-DISK-SETTLED after $i waits:$busy"
# The device's interrupts so far, and how the block layer splits a read.
irqs() {
	echo "XL-DISK-IRQS $1 $(awk '/virtio/ { print $2 }' /proc/interrupts)"
}
q=/sys/block/vda/queue
echo "XL-DISK-QUEUE max_sectors_kb $(cat $q/max_sectors_kb) max_segments $(cat $q/max_segments) max_segment_size $(cat $q/max_segment_size)"
irqs before
xl-diskbench /dev/vda seq @MIB@ @PASSES@ || echo "XL-DISK-FAILED seq"
irqs seq
xl-diskbench /dev/vda rand @READS@ 1 || echo "XL-DISK-FAILED rand"
irqs rand
echo "XL-DISK-DONE"
poweroff -f
INIT
	} | sed -e "s/@PASSES@/$passes/" -e "s/@READS@/$reads/" \
		-e "s/@MIB@/$mib/" >"$work/init"
	chmod +x "$work/init"
	(cd "$work" && find . | cpio -o -H newc --quiet | gzip -9) >"$out"
	rc=$?
	rm -rf "$work"
	return $rc
}

# The disk: an ext4 image (mkfs.ext4 -d) with 64 MiB of random data in a
# file, so that the host reads real blocks; the guest reads the device.
make_image() { # dir img
	rm -rf "$1" "$2"
	mkdir -p "$1/data"
	head -c $((mib << 20)) /dev/urandom >"$1/data/random.bin"
	mkfs.ext4 -q -F -L xldisk -d "$1" "$2" $((mib + 16))M
	rm -rf "$1"
}

# figures LOG PREFIX: "SEQ_PATH SEQ_TIME 4K_MEDIAN 4K_MEAN 4K_TIME" (ns)
# from the guest's lines: the sequential pass with the shortest path, the
# random reads' median and mean path and median time.
figures() {
	tr -d '\r' <"$1" | awk -v p="$2" '
		function f(name, i) {
			for (i = 1; i < NF; i++)
				if ($i == name)
					return $(i + 1)
			return ""
		}
		index($0, p "XL-DISK-SEQ ") == 1 && (sp == "" || f("path_ns") < sp) {
			sp = f("path_ns")
			st = f("time_ns")
		}
		index($0, p "XL-DISK-4K ") == 1 {
			m = f("path_median_ns")
			a = f("path_mean_ns")
			t = f("time_median_ns")
		}
		END { if (sp != "" && m != "") print sp, st, m, a, t }'
}

# trace_arch ARCH OUT: --trace (above).
trace_arch() {
	local arch=$1 out=$2 range n r1=200 r2=1200 rc=0
	# The hypervisor's text less its bulk helpers (the domain build
	# clears and copies hundreds of MiB: gigabytes of trace, none of it
	# per request).
	range=$(python3 "$srctree/tests/bench/disk_trace.py" ranges \
		"$srctree/build/$arch/xen-lite.elf") || return 1
	for n in $r1 $r2; do
		reads=$n passes=1 mib=4 make_initramfs "$arch" \
			"$srctree/build/debian/$arch/root" "$out/trace-$n.gz" || return 1
		sed "s|^ramdisk = .*|ramdisk = \"$out/trace-$n.gz\"|" \
			"$out/disk.cfg" >"$out/trace-$n.cfg"
		rm -f "$out/trace-$n.log"
		xl_boot 3600 "$out/trace-$n.out" --arch "$arch" --smp 1 --mem 1G \
			--qemu-arg -icount --qemu-arg shift=0,sleep=off \
			--qemu-arg -singlestep --qemu-arg -d --qemu-arg exec,nochain \
			--qemu-arg -D --qemu-arg "$out/trace-$n.log" \
			--qemu-arg -dfilter --qemu-arg "$range" "$out/trace-$n.cfg"
		grep -aq "XL-DISK-DONE" "$out/trace-$n.out" || {
			echo "disk bench: traced run of $n reads failed; see ${out#"$srctree"/}/trace-$n.out" >&2
			rm -f "$out/trace-$n.log"
			return 1
		}
		python3 "$srctree/tests/bench/disk_trace.py" count \
			"$srctree/build/$arch/xen-lite.elf" "$out/trace-$n.log" \
			"$out/trace-$n.counts" || rc=1
		rm -f "$out/trace-$n.log"
		[ "$rc" = 0 ] || return 1
	done
	python3 "$srctree/tests/bench/disk_trace.py" diff "$out/trace-$r1.counts" \
		"$out/trace-$r2.counts" $((r2 - r1)) "$arch"
}

run_arch() { # arch
	local arch=$1 out deb console=ttyS0 native xl
	out=$srctree/build/bench-disk-$arch
	deb=$srctree/build/debian/$arch/root
	mkdir -p "$out"
	{ linux_prepare "$arch" && xl_hyp_build "$arch" &&
		make_initramfs "$arch" "$deb" "$out/initrd.gz" &&
		make_image "$out/rootfs" "$out/disk.img"; } >"$out/prepare.log" 2>&1 || {
		cat "$out/prepare.log" >&2
		echo "disk bench: cannot prepare $arch" >&2
		return 1
	}
	[ "$arch" != arm64 ] || console=ttyAMA0
	cat >"$out/disk.cfg" <<CFG
name = "disk"
kernel = "$lx_kernel"
ramdisk = "$out/initrd.gz"
cmdline = "console=$console quiet"
memory = 256
vcpus = 1
on_reboot = "destroy"
disk = [ "$out/disk.img" ]
CFG
	[ "$trace" = 0 ] || {
		trace_arch "$arch" "$out"
		return
	}
	# Native: the kernel alone on the machine the CLI boots, with the
	# disk on the transport the domain gets (tests/lib/qemu.sh), and as
	# much RAM as the domain has (the domain file asks for less, so that
	# the machine the CLI checks it against is no larger).
	sed 's/^memory = .*/memory = 64/' "$out/disk.cfg" >"$out/native.cfg"
	qemu_machine "$arch" --smp 1 --mem 256M "$out/native.cfg" || return 1
	timeout 1800 "${qemu_cmd[@]}" -icount shift=0,sleep=off \
		-kernel "$lx_kernel" -initrd "$out/initrd.gz" \
		-append "console=$console quiet" </dev/null >"$out/native.log" 2>&1
	xl_boot 1800 "$out/xen-lite.log" --arch "$arch" --smp 1 --mem 1G \
		--qemu-arg -icount --qemu-arg shift=0,sleep=off "$out/disk.cfg"
	native=$(figures "$out/native.log" "")
	xl=$(figures "$out/xen-lite.log" "[disk] ")
	if [ -z "$native" ] || [ -z "$xl" ]; then
		echo "disk bench: $arch figures missing; logs in ${out#"$srctree"/}" >&2
		tail -n 15 "$out/native.log" "$out/xen-lite.log" >&2
		return 1
	fi
	echo "# $arch native: $(tr -d '\r' <"$out/native.log" | grep -a 'XL-DISK-' | tr '\n' ' ')"
	echo "# $arch xen-lite: $(tr -d '\r' <"$out/xen-lite.log" | grep -a 'XL-DISK-' | tr '\n' ' ')"
	awk -v a="$arch" -v n="$native" -v x="$xl" 'BEGIN {
		split(n, N, " ")
		split(x, X, " ")
		printf "# %s: sequential read time (with the host'"'"'s reading) %.3f ms native, %.3f ms domain; 4 KiB median time %.0f ns native, %.0f ns domain\n", a, N[2] / 1e6, X[2] / 1e6, N[5], X[5]
		printf "BENCH %s.disk_read_native_ms %.3f ms\n", a, N[1] / 1e6
		printf "BENCH %s.disk_read_ms %.3f ms\n", a, X[1] / 1e6
		printf "BENCH %s.disk_read_ratio %.3f x\n", a, X[1] / N[1]
		printf "BENCH %s.disk_4k_native_ns %.0f ns\n", a, N[3]
		printf "BENCH %s.disk_4k_ns %.0f ns\n", a, X[3]
		printf "BENCH %s.disk_4k_ratio %.3f x\n", a, X[3] / N[3]
		printf "BENCH %s.disk_4k_mean_ratio %.3f x\n", a, X[4] / N[4]
	}'
}

arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(riscv64 arm64)
rc=0
for a in "${arches[@]}"; do
	run_arch "$a" || rc=1
done
exit $rc
