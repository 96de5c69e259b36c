# Shared by tests/linux/arm64.sh and tests/bench/arm64-linux.sh (sourced).
# Fetches Debian bookworm's arm64 kernel and busybox-static, prepares
# $lx/Image and $lx/initramfs.cpio.gz, and offers run_bundle.
#
# XL_ARM64_BIN, when set, replaces build/arm64/xen-lite.bin in the QEMU
# command line (testing a hypervisor built elsewhere); XL_QEMU_EXTRA is
# appended to it (e.g. "-icount shift=0").

deb=$srctree/build/debian/arm64
lx=$srctree/build/linux-arm64

arm64_linux_prepare() {
	local k
	mkdir -p "$lx"
	"$srctree/scripts/debfetch.sh" arm64 bookworm "$deb" busybox-static \
		'meta:linux-image-arm64:linux-image-' >"$lx/fetch.log" 2>&1 || {
		cat "$lx/fetch.log" >&2
		return 1
	}
	k=$(ls "$deb"/root/boot/vmlinuz-*-arm64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$k" ] || { echo "arm64 linux: no vmlinuz in $deb/root/boot" >&2; return 1; }
	# Debian's arm64 vmlinuz is an Image, gzip-compressed on some releases.
	if gzip -t "$k" 2>/dev/null; then
		zcat "$k" >"$lx/Image.tmp"
	else
		cp "$k" "$lx/Image.tmp"
	fi
	mv "$lx/Image.tmp" "$lx/Image"
	"$srctree/tests/linux/arm64-initramfs.sh" "$deb/root" "$lx/initramfs.cpio.gz" ||
		return 1
	# Where configs/domains/demo-3-linux.cfg ('xen-lite demo') looks.
	mkdir -p "$deb/linux"
	cp "$lx/Image" "$deb/linux/Image"
	cp "$lx/initramfs.cpio.gz" "$deb/linux/initrd.img"
}

# write_cfg FILE NAME VCPUS MEMORY_MIB [ON_REBOOT [CMDLINE_EXTRA]]: with
# ON_REBOOT "destroy" no policy restarts the domain and the hypervisor maps
# its kernel in place instead of copying it (default: restart, copied).
write_cfg() {
	cat >"$1" <<CFG
name = "$2"
kernel = "$lx/Image"
ramdisk = "$lx/initramfs.cpio.gz"
cmdline = "console=ttyAMA0 quiet${6:+ $6}"
memory = $4
vcpus = $3
on_reboot = "${5:-restart}"
CFG
}

# run_bundle TIMEOUT LOG BUILD-ARGS... : build a bundle, boot it, log all.
run_bundle() {
	local t=$1 log=$2 dir cmd
	shift 2
	dir=$(mktemp -d)
	"$srctree/xen-lite" build --arch arm64 -o "$dir" "$@" >"$log.build" 2>&1 || {
		rm -rf "$dir"
		cat "$log.build" >"$log"
		return 2
	}
	cmd=$(cat "$dir/qemu.cmdline")
	# The bundle carries its hypervisor; another one replaces that copy.
	if [ -n "${XL_ARM64_BIN:-}" ]; then
		cp "$XL_ARM64_BIN" "$dir/xen-lite.bin"
	fi
	# Its paths are relative to the bundle directory.
	(cd "$dir" && eval "timeout $t $cmd ${XL_QEMU_EXTRA:-}") </dev/null >"$log" 2>&1
	local rc=$?
	rm -rf "$dir"
	return $rc
}
