#!/usr/bin/env bash
# CLI tests: every domain-file diagnostic (crafted files in bad/, each
# starting with "# expect: LINE: MESSAGE", optionally "# args: ..." for
# check's host options and "# with: FILE" for a file checked before it),
# good files, bundles for both architectures (checked with fdtget),
# inspect, run --dry-run, --timeout and --help.
#
# One line per case: "ok cli.NAME" or "FAIL cli.NAME"; last line
# "cli: N passed, N failed". Run by 'make test-cli'.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srctree=$(cd "$here/../.." && pwd)
cli=${XL_CLI:-$srctree/build/tools/xen-lite-cli}
suite=cli
. "$srctree/tests/lib/result.sh"
result_lines=200 # a failing case shows the whole of what it got

make -s -C "$srctree/tools" O="$srctree/build/tools" >/dev/null || {
	fail build "the CLI does not build"
	summary
	exit 1
}
# What the shipped examples and the bundles refer to, as on a fresh clone
# where this part runs before the ones that build them: the hypervisor of
# each architecture (a bundle carries build/ARCH/xen-lite.bin), the test
# guests and the Debian Linux images (configs/domains/*.cfg).
for a in riscv64 arm64; do
	{ [ -f "$srctree/build/$a/.config" ] ||
		make -s -C "$srctree" O="$srctree/build/$a" "qemu-${a}_defconfig"; } &&
		make -s -C "$srctree" O="$srctree/build/$a" >/dev/null &&
		make -s -C "$srctree/tests/guests" ARCH=$a >/dev/null 2>&1 || {
		fail build.$a "the hypervisor or the test guests do not build"
		summary
		exit 1
	}
done
# (rootfs.img: the last file it makes, docs/devices.md's example disk.)
[ -f "$srctree/build/debian/riscv64/linux/Image" ] &&
	[ -f "$srctree/build/debian/riscv64/linux/rootfs.img" ] ||
	"$srctree/scripts/linux-images.sh" riscv64 >/dev/null ||
	fail linux-images "scripts/linux-images.sh riscv64 failed: the Linux examples cannot be checked"
cd "$here" || exit 1
# A kernel larger than half of a 2 MiB domain (not kept in git).
[ -f files/big.bin ] ||
	head -c 1048577 /dev/zero | tr '\0' B >"$here/files/big.bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp # bundles --dry-run keeps
export XEN_LITE_ROOT=$srctree
# The expected command lines are the system QEMU's (tests/platforms sets
# XL_QEMU=10 for its own runs).
unset XL_QEMU XL_MACHINE_OPTS XL_CPU
# Expected messages quote the Kconfig defaults: check against a root
# without a configured build (build/ARCH/.config) unless a test says so.
plain=$tmp/plain-root
mkdir -p "$plain"

# expect_error NAME WANT-STDERR CLI-ARGS...: exit 2, stderr exactly WANT.
expect_error() {
	local name=$1 want=$2 rc
	shift 2
	"$cli" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ]; then
		fail "$name" "exit status $rc, want 2" "$tmp/err"
	elif [ "$(cat "$tmp/err")" != "$want" ]; then
		fail "$name" "want: $want" "$tmp/err"
	elif [ -s "$tmp/out" ]; then
		fail "$name" "unexpected output on stdout" "$tmp/out"
	else
		ok "$name"
	fi
}

# --- every diagnostic, from the crafted files -------------------------------
for f in bad/*.cfg; do
	name=error.$(basename "$f" .cfg)
	want=$(sed -n '1s/^# expect: //p' "$f")
	args=$(sed -n 's/^# args: //p' "$f")
	with=$(sed -n 's/^# with: //p' "$f")
	if [ -z "$want" ]; then
		fail "$name" "no '# expect:' line"
		continue
	fi
	files=()
	[ -n "$with" ] && files+=("bad/$with")
	files+=("$f")
	# shellcheck disable=SC2086
	expect_error "$name" "$f:$want" --root "$plain" check $args "${files[@]}"
done

# Diagnostics that need generated files.
printf 'name = "nul"\nkernel = "%s"\ncmdline = "a\0b"\n' \
	"$here/files/kernel.bin" >"$tmp/nul.cfg"
expect_error error.nul-byte "$tmp/nul.cfg:3: NUL byte in the file" \
	check "$tmp/nul.cfg"

{
	echo 'name = "long"'
	echo "kernel = \"$here/files/kernel.bin\""
	printf 'cmdline = "%05000d"\n' 0
} >"$tmp/long.cfg"
expect_error error.string-too-long \
	"$tmp/long.cfg:3: string longer than 4095 bytes" check "$tmp/long.cfg"

mkdir -p "$tmp/many"
for i in $(seq 1 65); do
	printf 'name = "d%d"\nkernel = "%s"\nmemory = 2\n' "$i" \
		"$here/files/kernel.bin" >"$tmp/many/d$i.cfg"
done
# shellcheck disable=SC2046
expect_error error.too-many-domains \
	"$tmp/many/d33.cfg:1: too many domains (xen-lite boots at most 32)" \
	check --mem 4G $(for i in $(seq 1 33); do echo "$tmp/many/d$i.cfg"; done)

# Every limit comes from the .config of the build the domains boot on
# (build/ARCH/.config under the root), named in the message.
limroot=$tmp/limit-root
mkdir -p "$limroot/build/riscv64"
printf 'CONFIG_MAX_VCPUS=2\nCONFIG_MAX_DOMAINS=3\nCONFIG_NR_CPUS=2\n' \
	>"$limroot/build/riscv64/.config"
printf 'name = "v3"\nkernel = "%s"\nvcpus = 3\n' "$here/files/kernel.bin" \
	>"$tmp/v3.cfg"
expect_error error.limit-from-config \
	"$tmp/v3.cfg:3: vcpus: must be between 1 and 2 (got 3; CONFIG_MAX_VCPUS=2 in $limroot/build/riscv64/.config)" \
	--root "$limroot" check "$tmp/v3.cfg"
# shellcheck disable=SC2046
expect_error error.max-domains-from-config \
	"$tmp/many/d4.cfg:1: too many domains (at most 3: CONFIG_MAX_DOMAINS=3 in $limroot/build/riscv64/.config)" \
	--root "$limroot" check $(for i in $(seq 1 4); do echo "$tmp/many/d$i.cfg"; done)
printf 'name = "p"\nkernel = "%s"\ncpus = [2]\n' "$here/files/kernel.bin" \
	>"$tmp/pin2.cfg"
expect_error error.nr-cpus-from-config \
	"$tmp/pin2.cfg:3: cpus: CPU 2 stays offline: the hypervisor brings up 2 CPUs (CONFIG_NR_CPUS=2 in $limroot/build/riscv64/.config)" \
	--root "$limroot" check --smp 4 "$tmp/pin2.cfg"
if "$cli" --root "$limroot" check --arch arm64 "$tmp/v3.cfg" >/dev/null 2>&1; then
	ok limit.per-arch
else
	fail limit.per-arch "arm64 (no .config: defaults) refused 3 vCPUs"
fi
printf 'CONFIG_MAX_VCPUS=many\n' >"$limroot/build/riscv64/.config"
if ! "$cli" --root "$limroot" check "$tmp/v3.cfg" >/dev/null 2>"$tmp/err" &&
	grep -q "build/riscv64/.config:1: CONFIG_MAX_VCPUS: expected 1..64" "$tmp/err"; then
	ok limit.bad-config
else
	fail limit.bad-config "a malformed .config was not reported" "$tmp/err"
fi

expect_error error.no-such-domain-file \
	"bad/does-not-exist.cfg:1: cannot open: No such file or directory" \
	check bad/does-not-exist.cfg

# A Linux kernel (Image header magic) with on_crash set and no panic=:
# a warning (not an error); panic=N, or no on_crash, silences it.
for m in riscv arm; do
	head -c 64 /dev/zero >"$tmp/$m.Image"
	if [ $m = riscv ]; then
		printf 'RSC\005' | dd of="$tmp/$m.Image" bs=1 seek=56 conv=notrunc 2>/dev/null
	else
		printf 'ARM\144' | dd of="$tmp/$m.Image" bs=1 seek=56 conv=notrunc 2>/dev/null
	fi
	head -c 70000 /dev/zero >>"$tmp/$m.Image"
	printf 'Linux version 6.1.0 (test)\n' >>"$tmp/$m.Image"
	# The same header without Linux's banner (as the test guests have).
	head -c 64 "$tmp/$m.Image" >"$tmp/$m-other.Image"
	head -c 4096 /dev/zero >>"$tmp/$m-other.Image"
	printf 'name = "o"\nkernel = "%s"\non_crash = "restart"\n' \
		"$tmp/$m-other.Image" >"$tmp/other-$m.cfg"
	if "$cli" check "$tmp/other-$m.cfg" >/dev/null 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
		ok warn.image-not-linux.$m
	else
		fail warn.image-not-linux.$m "warned about an Image that is not Linux" "$tmp/err"
	fi
	printf 'name = "lx"\nkernel = "%s"\ncmdline = "quiet"\non_crash = "restart"\n' \
		"$tmp/$m.Image" >"$tmp/lx-$m.cfg"
	if "$cli" check "$tmp/lx-$m.cfg" >/dev/null 2>"$tmp/err" &&
		[ "$(cat "$tmp/err")" = "$tmp/lx-$m.cfg:4: warning: on_crash does not see a Linux panic: the kernel spins for ever; add panic=N to cmdline (it then reboots N s after a panic and on_reboot applies)" ]; then
		ok warn.linux-panic.$m
	else
		fail warn.linux-panic.$m "no panic= warning" "$tmp/err"
	fi
	sed -i 's/"quiet"/"quiet panic=5"/' "$tmp/lx-$m.cfg"
	if "$cli" check "$tmp/lx-$m.cfg" >/dev/null 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
		ok warn.linux-panic-set.$m
	else
		fail warn.linux-panic-set.$m "warned although panic= is set" "$tmp/err"
	fi
done
# Not Linux: no warning.
printf 'name = "h"\nkernel = "%s"\non_crash = "restart"\n' \
	"$here/files/kernel.bin" >"$tmp/h.cfg"
if "$cli" check "$tmp/h.cfg" >/dev/null 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
	ok warn.not-linux
else
	fail warn.not-linux "warned about a kernel that is not Linux" "$tmp/err"
fi
# The shipped examples validate together (their names differ).
if "$cli" check "$srctree"/configs/domains/*.cfg >"$tmp/out" 2>"$tmp/err" &&
	! grep -q warning "$tmp/err"; then
	ok examples.check
else
	fail examples.check "configs/domains/*.cfg" "$tmp/err"
fi

# Several errors in one file are all reported, in order.
printf 'name = web\nfoo = 1\nvcpus = 99\n' >"$tmp/multi.cfg"
expect_error error.all-reported "$(printf '%s\n' \
	"$tmp/multi.cfg:1: name: expected a string in quotes, got a bare word" \
	"$tmp/multi.cfg:2: unknown key 'foo'" \
	"$tmp/multi.cfg:3: vcpus: must be between 1 and 8 (got 99; CONFIG_MAX_VCPUS=8, the Kconfig default)" \
	"$tmp/multi.cfg:3: missing required key 'kernel'")" --root "$plain" check "$tmp/multi.cfg"

# Errors stop build and run too: nothing is written or launched.
expect_error error.build-refuses "bad/unknown-key.cfg:4: unknown key 'colour'" \
	build -o "$tmp/never" bad/unknown-key.cfg
if [ -e "$tmp/never" ]; then
	fail error.build-writes-nothing "$tmp/never exists"
else
	ok error.build-writes-nothing
fi
expect_error error.run-refuses "bad/vcpus-too-many.cfg:4: vcpus: must be between 1 and 8 (got 9; CONFIG_MAX_VCPUS=8, the Kconfig default)" \
	--root "$plain" run --dry-run bad/vcpus-too-many.cfg

# Usage errors exit 2 as well.
for args in "check" "build good/web.cfg" "run --arch mips" "run --smp 0" \
	"run --mem 3M" "check --bogus good/web.cfg" "inspect" "frobnicate" \
	"check --timeout 5 good/web.cfg"; do
	# shellcheck disable=SC2086
	"$cli" $args >/dev/null 2>"$tmp/err"
	rc=$?
	n=usage.$(echo "$args" | tr ' ' '_' | tr -cd 'A-Za-z0-9_.-')
	if [ $rc -eq 2 ] && [ -s "$tmp/err" ]; then
		ok "$n"
	else
		fail "$n" "exit status $rc, want 2 with a message" "$tmp/err"
	fi
done

# --- good files ------------------------------------------------------------
for f in good/*.cfg; do
	n=check.$(basename "$f" .cfg)
	if "$cli" check "$f" >"$tmp/out" 2>&1 && grep -q "^$f: ok" "$tmp/out"; then
		ok "$n"
	else
		fail "$n" "check failed" "$tmp/out"
	fi
done
if "$cli" check good/web.cfg good/minimal.cfg good/styles.cfg >"$tmp/out" 2>&1 &&
	[ "$(wc -l <"$tmp/out")" -eq 3 ]; then
	ok check.together
else
	fail check.together "three good files together" "$tmp/out"
fi
# Shared memory: a borrower is valid with its owner (docs/shared-memory.md).
if "$cli" check good/shm-owner.cfg sets/shm-borrower.cfg >"$tmp/out" 2>&1 &&
	[ "$(wc -l <"$tmp/out")" -eq 2 ]; then
	ok check.shm-set
else
	fail check.shm-set "an owner and its borrower together" "$tmp/out"
fi
# A region has at most 16 participants (XL_BOOT_SHM_MAX_PEERS): the owner
# and 15 borrowers pass, a 16th borrower is refused at its line.
mkdir -p "$tmp/peers"
for i in $(seq 0 16); do
	role=borrower
	[ "$i" -gt 0 ] || role=owner
	printf 'name = "p%d"\nkernel = "%s"\nmemory = 2\nshm = [ "id=wide, size=4K, role=%s" ]\n' \
		"$i" "$here/files/kernel.bin" "$role" >"$tmp/peers/p$i.cfg"
done
# shellcheck disable=SC2046
if "$cli" check $(for i in $(seq 0 15); do echo "$tmp/peers/p$i.cfg"; done) \
	>"$tmp/out" 2>&1; then
	ok check.shm-16-participants
else
	fail check.shm-16-participants "an owner and 15 borrowers" "$tmp/out"
fi
# shellcheck disable=SC2046
expect_error error.shm-17-participants \
	"$tmp/peers/p16.cfg:4: shm: region 'wide' has more than 16 participants" \
	check $(for i in $(seq 0 16); do echo "$tmp/peers/p$i.cfg"; done)

# --- build for both architectures -------------------------------------------
# get FILE NODE PROP [TYPE]: fdtget, or "" if absent.
get() { fdtget -t "${4:-s}" "$1" "$2" "$3" 2>/dev/null; }

check_bundle() { # name dir arch
	local n=$1 d=$2 arch=$3 dtb=$2/host.dtb k r
	local ksize rsize
	ksize=$(stat -c %s files/kernel.bin)
	rsize=$(stat -c %s files/ramdisk.img)
	local -a errs=()
	[ -f "$dtb" ] || errs+=("no host.dtb")
	[ "$(get "$dtb" /chosen/domain@0 compatible)" = xen-lite,domain ] ||
		errs+=("domain@0 compatible")
	[ "$(get "$dtb" /chosen '#address-cells' u)" = 2 ] ||
		errs+=("/chosen #address-cells")
	[ "$(get "$dtb" /chosen/domain@0 xen-lite,name)" = web ] ||
		errs+=("domain@0 name")
	[ "$(get "$dtb" /chosen/domain@1 xen-lite,name)" = db ] ||
		errs+=("domain@1 name")
	[ "$(get "$dtb" /chosen/domain@0 xen-lite,memory x)" = "0 8000000" ] ||
		errs+=("domain@0 memory")
	[ "$(get "$dtb" /chosen/domain@1 xen-lite,memory x)" = "0 4000000" ] ||
		errs+=("domain@1 memory (default 64M)")
	[ "$(get "$dtb" /chosen/domain@0 xen-lite,vcpus u)" = 2 ] ||
		errs+=("vcpus")
	[ "$(get "$dtb" /chosen/domain@0 xen-lite,cpu-affinity u)" = "0 1" ] ||
		errs+=("cpu-affinity")
	[ -z "$(get "$dtb" /chosen/domain@1 xen-lite,cpu-affinity u)" ] ||
		errs+=("domain@1 has cpu-affinity")
	[ "$(get "$dtb" /chosen/domain@0 xen-lite,p2m-pool-kb u)" = 512 ] ||
		errs+=("p2m-pool-kb")
	fdtget "$dtb" /chosen/domain@0 xen-lite,privileged >/dev/null 2>&1 ||
		errs+=("privileged")
	! fdtget "$dtb" /chosen/domain@1 xen-lite,privileged >/dev/null 2>&1 ||
		errs+=("domain@1 privileged")
	[ "$(get "$dtb" /chosen/domain@0 xen-lite,on-crash)" = preserve ] ||
		errs+=("on-crash")
	[ "$(get "$dtb" /chosen/domain@1 xen-lite,on-reboot)" = restart ] ||
		errs+=("on-reboot default")
	[ "$(get "$dtb" /chosen/domain@0 xen-lite,pv-mmu-policy)" = no-wx ] ||
		errs+=("pv-mmu-policy")
	[ "$(get "$dtb" /chosen/domain@0 xen-lite,mmio-fault)" = crash ] ||
		errs+=("mmio-fault")
	[ "$(get "$dtb" /chosen/domain@1 xen-lite,mmio-fault)" = inject ] ||
		errs+=("mmio-fault default")
	[ "$(get "$dtb" /chosen/domain@0 bootargs)" = 'console=hvc0 quiet msg="hi"' ] ||
		errs+=("bootargs")
	# Modules: kernel then ramdisk, 2 MiB aligned, sizes exact, files copied.
	k=$(fdtget -l "$dtb" /chosen/domain@0 | sed -n 1p)
	r=$(fdtget -l "$dtb" /chosen/domain@0 | sed -n 2p)
	[ "$(get "$dtb" "/chosen/domain@0/$k" compatible)" = "xen-lite,kernel multiboot,module" ] ||
		errs+=("kernel module compatible")
	[ "$(get "$dtb" "/chosen/domain@0/$r" compatible)" = "xen-lite,ramdisk multiboot,module" ] ||
		errs+=("ramdisk module compatible")
	local reg
	reg=$(get "$dtb" "/chosen/domain@0/$k" reg x)
	# shellcheck disable=SC2086
	set -- $reg
	[ "$#" -eq 4 ] && [ "module@$2" = "$k" ] && [ $((0x$4)) -eq "$ksize" ] &&
		[ $((0x$2 % 0x200000)) -eq 0 ] || errs+=("kernel reg '$reg'")
	reg=$(get "$dtb" "/chosen/domain@0/$r" reg x)
	# shellcheck disable=SC2086
	set -- $reg
	[ "$#" -eq 4 ] && [ $((0x$4)) -eq "$rsize" ] || errs+=("ramdisk reg")
	cmp -s "$d/web.kernel" files/kernel.bin || errs+=("web.kernel copy")
	cmp -s "$d/web.ramdisk" files/ramdisk.img || errs+=("web.ramdisk copy")
	cmp -s "$d/db.kernel" files/kernel.bin || errs+=("db.kernel copy")
	# QEMU's own nodes survive.
	[ -n "$(fdtget -t s "$dtb" /chosen stdout-path 2>/dev/null)" ] ||
		errs+=("stdout-path lost")
	[ -x "$d/run.sh" ] || errs+=("run.sh")
	if [ ${#errs[@]} -eq 0 ]; then
		ok "$n"
	else
		fail "$n" "${errs[*]}"
	fi
}

for arch in riscv64 arm64; do
	d=$tmp/bundle-$arch
	if "$cli" build --arch $arch --smp 2 --mem 512M -o "$d" good/web.cfg \
		good/minimal.cfg >"$tmp/out" 2>&1; then
		ok build.$arch
		check_bundle build.$arch.dtb "$d" $arch
	else
		fail build.$arch "build failed" "$tmp/out"
		continue
	fi
	c=$(cat "$d/qemu.cmdline")
	case $arch in
	riscv64)
		want="qemu-system-riscv64 -machine virt -cpu rv64 -smp 2 -m 512M -nodefaults -nographic -serial stdio -monitor none -bios /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin -kernel xen-lite.bin -dtb host.dtb" ;;
	arm64)
		want="qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 -cpu cortex-a72 -smp 2 -m 512M -nodefaults -nographic -serial stdio -monitor none -semihosting-config enable=on,target=native -kernel xen-lite.bin -dtb host.dtb" ;;
	esac
	# Paths are relative to the bundle, which carries the hypervisor.
	if [[ "$c" == "$want -device loader,file=web.kernel,addr=0x"*",force-raw=on -device loader,file=web.ramdisk,addr=0x"*",force-raw=on -device loader,file=db.kernel,addr=0x"*",force-raw=on" ]] &&
		cmp -s "$d/xen-lite.bin" "$srctree/build/$arch/xen-lite.bin"; then
		ok build.$arch.cmdline
	else
		fail build.$arch.cmdline "got: $c"
	fi
	# The DTB is QEMU's for these options: memory and CPU count.
	n=$(fdtget -l "$d/host.dtb" /cpus | grep -c '^cpu@')
	m=$(fdtget -l "$d/host.dtb" / | grep '^memory@')
	if [ "$n" = 2 ] && [ "$(get "$d/host.dtb" "/$m" reg x | awk '{print $4}')" = 20000000 ]; then
		ok build.$arch.machine
	else
		fail build.$arch.machine "cpus=$n memory node $m"
	fi
	# Modules stay out of the top 2 MiB and of QEMU's DTB window.
	# shellcheck disable=SC2046
	set -- $(get "$d/host.dtb" "/$m" reg x)
	top=$((0x$2 + 0x$4))
	bad=0
	for mod in $(fdtget -l "$d/host.dtb" /chosen/domain@0) \
		$(fdtget -l "$d/host.dtb" /chosen/domain@1); do
		a=$((0x${mod#module@}))
		[ $a -lt $((top - 0x200000)) ] || bad=1
	done
	if [ $bad = 0 ]; then ok build.$arch.placement; else fail build.$arch.placement "module in the top 2 MiB"; fi

	if "$cli" inspect "$d" >"$tmp/out" 2>&1 &&
		grep -q '^domain 1: web (/chosen/domain@0)$' "$tmp/out" &&
		grep -q '^domain 2: db (/chosen/domain@1)$' "$tmp/out" &&
		grep -q '^  memory: *128 MiB' "$tmp/out" &&
		grep -q '^  cpus: *0 1' "$tmp/out" &&
		grep -q '^  on_crash: *preserve' "$tmp/out" &&
		grep -q '^  mmio_fault: *crash' "$tmp/out" &&
		grep -q "^  kernel .*($(stat -c %s files/kernel.bin) bytes) web.kernel" "$tmp/out" &&
		grep -q "^  ramdisk .* web.ramdisk" "$tmp/out" &&
		grep -q '^cpus: *2' "$tmp/out" &&
		grep -qF "  $c" "$tmp/out"; then
		ok inspect.$arch
	else
		fail inspect.$arch "inspect output" "$tmp/out"
	fi
done

# --- passthrough (docs/passthrough.md) ---------------------------------------
# Disks and NICs on the transports the CLI picks: each named by its bus in
# the QEMU command line, and its node, MMIO and interrupt in the bundle.
for arch in riscv64 arm64; do
	d=$tmp/pt-$arch
	# Plus irqs: a PLIC source on riscv64 (1..31), an SPI on arm64.
	cfg=$tmp/passthrough-$arch.cfg
	sed "s|\.\./files/|$here/files/|g" good/passthrough.cfg >"$cfg"
	if [ $arch = arm64 ]; then irq=40; else irq=20; fi
	echo "irqs = [ $irq ]" >>"$cfg"
	if ! "$cli" build --arch $arch -o "$d" "$cfg" >"$tmp/out" 2>&1; then
		fail pt.build.$arch "build failed" "$tmp/out"
		continue
	fi
	c=$(cat "$d/qemu.cmdline")
	img=$here/files/ramdisk.img
	emp=$here/files/empty.bin
	# vda (empty.bin, read-only) on the first transport, vdb next, the NIC
	# after.
	want="-drive if=none,id=xl-io-disk0,file=$img,format=raw -device virtio-blk-device,drive=xl-io-disk0,bus=virtio-mmio-bus.1 -drive if=none,id=xl-io-disk1,file=$emp,format=raw,readonly=on -device virtio-blk-device,drive=xl-io-disk1,bus=virtio-mmio-bus.0 -netdev user,id=xl-io-net0,hostfwd=tcp:127.0.0.1:8080-:80 -device virtio-net-device,netdev=xl-io-net0,bus=virtio-mmio-bus.2,mac=52:54:00:12:34:56"
	if [[ "$c" == *" $want"* ]]; then
		ok pt.cmdline.$arch
	else
		fail pt.cmdline.$arch "want ... $want ...; got: $c"
	fi
	case $arch in
	riscv64)
		want_dt="/soc/virtio_mmio@10001000 /soc/virtio_mmio@10002000 /soc/virtio_mmio@10003000"
		want_io="0 30000000 0 30000000 0 1000 0 10001000 0 10001000 0 1000 0 10002000 0 10002000 0 1000 0 10003000 0 10003000 0 1000"
		want_irq="20 1 2 3" ;;
	arm64)
		want_dt="/virtio_mmio@a000000 /virtio_mmio@a000200 /virtio_mmio@a000400"
		# Its three transports, and the rest of their page (the
		# domain is alone in it: pt.transport-whole-page).
		want_io="0 30000000 0 30000000 0 1000$(for n in 0 2 4 6 8 a c e; do printf ' 0 a000%s00 0 a000%s00 0 200' $n $n; done)"
		want_irq="40 48 49 50" ;;
	esac
	nio=$(($(echo "$want_io" | wc -w) / 6))
	dtb=$d/host.dtb
	got_dt=$(fdtget "$dtb" /chosen/domain@0 xen-lite,dtdev 2>&1)
	got_io=$(fdtget -t x "$dtb" /chosen/domain@0 xen-lite,iomem 2>&1)
	got_irq=$(fdtget "$dtb" /chosen/domain@0 xen-lite,irqs 2>&1)
	if [ "$got_dt" = "$want_dt" ] && [ "$got_io" = "$want_io" ] &&
		[ "$got_irq" = "$want_irq" ] &&
		fdtget "$dtb" /chosen/domain@0 xen-lite,direct-map >/dev/null 2>&1; then
		# Every dtdev is a node of the machine's own tree.
		bad=
		for n in $got_dt; do
			fdtget -l "$dtb" "$n" >/dev/null 2>&1 || bad="$bad $n"
		done
		if [ -z "$bad" ]; then
			ok pt.bundle.$arch
		else
			fail pt.bundle.$arch "not in the host tree:$bad"
		fi
	else
		fail pt.bundle.$arch "dtdev '$got_dt' (want '$want_dt'), iomem '$got_io' (want '$want_io'), irqs '$got_irq' (want '$want_irq')"
	fi
	first=${want_dt%% *}
	if "$cli" inspect "$d" >"$tmp/out" 2>&1 &&
		grep -q "^  irqs: *$want_irq\$" "$tmp/out" &&
		grep -q "^  dtdev: *$first\$" "$tmp/out" &&
		[ "$(grep -c '^  iomem: ' "$tmp/out")" = "$nio" ] &&
		grep -q '^  iomem: *0x30000000-0x30000fff at guest 0x30000000$' "$tmp/out" &&
		grep -q '^  direct_map: *yes$' "$tmp/out"; then
		ok pt.inspect.$arch
	else
		fail pt.inspect.$arch "inspect output" "$tmp/out"
	fi
done
# A disk without vdev takes the first name the others leave: vda here, on
# the first transport, before the vdb one.
printf 'name = "v"\nkernel = "%s"\ndisk = [ "%s", "target=%s, vdev=vdb, access=ro" ]\n' \
	"$here/files/kernel.bin" "$here/files/ramdisk.img" "$here/files/empty.bin" \
	>"$tmp/vdev.cfg"
if "$cli" build -o "$tmp/vdev" "$tmp/vdev.cfg" >"$tmp/out" 2>&1 &&
	[[ "$(cat "$tmp/vdev/qemu.cmdline")" == *"file=$here/files/ramdisk.img,format=raw -device virtio-blk-device,drive=xl-v-disk0,bus=virtio-mmio-bus.0 "*"file=$here/files/empty.bin,format=raw,readonly=on -device virtio-blk-device,drive=xl-v-disk1,bus=virtio-mmio-bus.1"* ]]; then
	ok pt.vdev-implicit
else
	fail pt.vdev-implicit "the disk without vdev is not vda" "$tmp/vdev/qemu.cmdline"
fi
# Transports go one at a time, the lowest free first (arm64: two domains
# share a page of eight, the hypervisor traps it). Arm's last page is the
# management channel's; riscv64 has eight transports, the last the
# management channel's. One disk more than the board can take is refused.
mkdir -p "$tmp/ptn"
for i in $(seq 1 25); do
	head -c 512 /dev/zero >"$tmp/ptn/$i.img"
	printf 'name = "p%d"\nkernel = "%s"\ndisk = [ "%s" ]\nmemory = 16\n' "$i" \
		"$here/files/kernel.bin" "$tmp/ptn/$i.img" >"$tmp/ptn/p$i.cfg"
done
# shellcheck disable=SC2046
expect_error error.pt-transports-riscv64 \
	"$tmp/ptn/p8.cfg:3: disk: no free virtio-mmio transport: the riscv64 board has 7 for domains" \
	check $(for i in $(seq 1 8); do echo "$tmp/ptn/p$i.cfg"; done)
# shellcheck disable=SC2046
expect_error error.pt-transports-arm64 \
	"$tmp/ptn/p25.cfg:3: disk: no free virtio-mmio transport: the arm64 board has 24 for domains" \
	check --arch arm64 $(for i in $(seq 1 25); do echo "$tmp/ptn/p$i.cfg"; done)
# Two domains' disks in one page: transports 0 and 1, each domain its own.
if "$cli" build --arch arm64 -o "$tmp/ptshare" "$tmp/ptn/p1.cfg" "$tmp/ptn/p2.cfg" >"$tmp/out" 2>&1 &&
	[ "$(fdtget -t x "$tmp/ptshare/host.dtb" /chosen/domain@0 xen-lite,iomem)" = "0 a000000 0 a000000 0 200" ] &&
	[ "$(fdtget -t x "$tmp/ptshare/host.dtb" /chosen/domain@1 xen-lite,iomem)" = "0 a000200 0 a000200 0 200" ] &&
	[ "$(fdtget "$tmp/ptshare/host.dtb" /chosen/domain@1 xen-lite,irqs)" = 49 ]; then
	ok pt.transport-shared-page
else
	fail pt.transport-shared-page "not transports 0 and 1" "$tmp/out"
fi
# One domain alone in its page gets the page whole (the seven free
# transports as iomem too), so that the hypervisor maps it rather than
# trapping each access; its device tree still names its own transport only.
if "$cli" build --arch arm64 -o "$tmp/ptwhole" "$tmp/ptn/p1.cfg" >"$tmp/out" 2>&1 &&
	[ "$(fdtget -t x "$tmp/ptwhole/host.dtb" /chosen/domain@0 xen-lite,iomem)" = \
		"$(for n in 0 2 4 6 8 a c e; do printf '0 a000%s00 0 a000%s00 0 200 ' $n $n; done | sed 's/ $//')" ] &&
	[ "$(fdtget "$tmp/ptwhole/host.dtb" /chosen/domain@0 xen-lite,dtdev)" = /virtio_mmio@a000000 ] &&
	[ "$(fdtget "$tmp/ptwhole/host.dtb" /chosen/domain@0 xen-lite,irqs)" = 48 ]; then
	ok pt.transport-whole-page
else
	fail pt.transport-whole-page "not the whole page 0xa000000 (iomem: $(fdtget -t x "$tmp/ptwhole/host.dtb" /chosen/domain@0 xen-lite,iomem 2>&1))" "$tmp/out"
fi
# A dtdev the machine's tree lacks: check (bad/pt-dtdev-missing*.cfg) and
# build refuse it alike (exit 2); the node exists on the default arm64
# machine, whose tree check then dumps (one for several files).
printf 'name = "dt"\nkernel = "%s"\ndtdev = [ "/soc/nonexistent@0" ]\n' \
	"$here/files/kernel.bin" >"$tmp/dtdev.cfg"
"$cli" build -o "$tmp/dtdev-b" "$tmp/dtdev.cfg" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 2 ] &&
	grep -qxF "xen-lite: $tmp/dtdev.cfg:3: dtdev: the host device tree has no node /soc/nonexistent@0" "$tmp/out"; then
	ok pt.dtdev-missing-build
else
	fail pt.dtdev-missing-build "build did not refuse it so (exit $rc)" "$tmp/out"
fi
printf 'name = "its"\nkernel = "%s"\ndtdev = [ "/intc@8000000/its@8080000" ]\ndirect_map = true\n' \
	"$here/files/kernel.bin" >"$tmp/its.cfg"
if "$cli" check --arch arm64 "$tmp/its.cfg" >"$tmp/out" 2>&1; then
	ok pt.dtdev-present
else
	fail pt.dtdev-present "check refused a node of the machine's tree" "$tmp/out"
fi

# --- QEMU selection and machine options (docs/platforms.md) -----------------
q10=$srctree/build/debian/qemu10/root
fw10=$q10/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
if "$cli" build --qemu 10 --smp 2 --mem 512M -o "$tmp/q10" good/minimal.cfg >"$tmp/out" 2>&1 &&
	[[ "$(cat "$tmp/q10/qemu.cmdline")" == "$q10/usr/bin/qemu-system-riscv64 -L $q10/usr/share/qemu -machine virt -cpu rv64 -smp 2 -m 512M -nodefaults -nographic -serial stdio -monitor none -bios $fw10 -kernel xen-lite.bin "* ]] &&
	# QEMU 10 describes the ISA extension by extension (7.2 does not).
	fdtget "$tmp/q10/host.dtb" /cpus/cpu@0 riscv,isa-extensions >/dev/null 2>&1; then
	ok qemu10.build
else
	fail qemu10.build "no QEMU 10 bundle (make deps fetches it)" "$tmp/out"
	cat "$tmp/q10/qemu.cmdline" >&2 2>/dev/null
fi
if XL_QEMU=10 "$cli" build --arch arm64 -o "$tmp/q10a" good/minimal.cfg >/dev/null 2>&1 &&
	grep -q "^$q10/usr/bin/qemu-system-aarch64 -L $q10/usr/share/qemu -machine " "$tmp/q10a/qemu.cmdline" &&
	XL_QEMU=10 "$cli" build --qemu 7 --arch arm64 -o "$tmp/q7a" good/minimal.cfg >/dev/null 2>&1 &&
	grep -q "^qemu-system-aarch64 -machine " "$tmp/q7a/qemu.cmdline"; then
	ok qemu10.env
else
	fail qemu10.env "XL_QEMU=10 / --qemu 7 not honoured"
fi
fake_q=$tmp/root-q
mkdir -p "$fake_q/build/riscv64"
head -c 4096 /dev/zero >"$fake_q/build/riscv64/xen-lite.bin"
if "$cli" --root "$fake_q" run --qemu 10 --dry-run >"$tmp/out" 2>"$tmp/err"; then
	fail qemu10.missing "a root without build/debian/qemu10 was accepted" "$tmp/err"
elif grep -q "qemu-system-riscv64 is missing; 'make deps' fetches QEMU 10.0.2" "$tmp/err"; then
	ok qemu10.missing
else
	fail qemu10.missing "no clear message" "$tmp/err"
fi
expect_error qemu.bad-version "xen-lite run: --qemu: expected 7 or 10, got '9'
Try 'xen-lite run --help'." run --qemu 9 --dry-run
for bad in dumpdtb=x a=b,c=d novalue= =x 'a=b c' gic-version; do
	expect_error "machine-opt.bad.$bad" "xen-lite build: --machine-opt: expected KEY=VALUE (one property; letters, digits, '-', '_', '.'; not dumpdtb), got '$bad'
Try 'xen-lite build --help'." build -o "$tmp/x" --machine-opt "$bad"
done
expect_error cpu.bad "xen-lite build: --cpu: expected a QEMU CPU model (with ,PROP=VAL properties), got 'max -S'
Try 'xen-lite build --help'." build -o "$tmp/x" --cpu 'max -S'
# A --machine-opt replaces the default's own property (Arm's
# gic-version=3) or is added; --cpu replaces the model; both reach the
# device tree (a GICv2, an AIA, the CPU's ISA).
if "$cli" build --arch arm64 --machine-opt gic-version=2 --machine-opt its=off \
	--cpu max -o "$tmp/v2" good/minimal.cfg >"$tmp/out" 2>&1 &&
	grep -q "^qemu-system-aarch64 -machine virt,virtualization=on,gic-version=2,its=off -cpu max " "$tmp/v2/qemu.cmdline" &&
	[ -n "$(fdtget -l "$tmp/v2/host.dtb" / | grep '^intc@')" ] &&
	fdtget "$tmp/v2/host.dtb" "/$(fdtget -l "$tmp/v2/host.dtb" / | grep '^intc@')" compatible | grep -q 'arm,cortex-a15-gic'; then
	ok machine-opt.gicv2
else
	fail machine-opt.gicv2 "gic-version=2 not in the command line or the tree" "$tmp/out"
fi
if "$cli" build --machine-opt aia=aplic-imsic --cpu rv64,sstc=false \
	-o "$tmp/aia" good/minimal.cfg >"$tmp/out" 2>&1 &&
	grep -q "^qemu-system-riscv64 -machine virt,aia=aplic-imsic -cpu rv64,sstc=false " "$tmp/aia/qemu.cmdline" &&
	fdtget -l "$tmp/aia/host.dtb" /soc | grep -q '^imsics@' &&
	! fdtget -l "$tmp/aia/host.dtb" /soc | grep -q '^plic@' &&
	! fdtget "$tmp/aia/host.dtb" /cpus/cpu@0 riscv,isa | grep -q sstc; then
	ok machine-opt.aia
else
	fail machine-opt.aia "aia=aplic-imsic / sstc=false not in the command line or the tree" "$tmp/out"
fi
# Matrix rows set them from the environment; the options come after.
if XL_MACHINE_OPTS="gic-version=2 its=off" XL_CPU=max "$cli" build --arch arm64 \
	--machine-opt gic-version=3 -o "$tmp/envm" good/minimal.cfg >"$tmp/out" 2>&1 &&
	grep -q "^qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3,its=off -cpu max " "$tmp/envm/qemu.cmdline"; then
	ok machine-opt.env
else
	fail machine-opt.env "XL_MACHINE_OPTS / XL_CPU not honoured" "$tmp/out"
fi
if XL_MACHINE_OPTS="a=b,c=d" "$cli" build -o "$tmp/x" >/dev/null 2>"$tmp/err" ||
	! grep -q "XL_MACHINE_OPTS: expected KEY=VALUE words, got 'a=b,c=d'" "$tmp/err"; then
	fail machine-opt.env-bad "a bad XL_MACHINE_OPTS was not refused" "$tmp/err"
else
	ok machine-opt.env-bad
fi
if "$cli" inspect "$tmp/aia" 2>&1 | grep -q -- "-machine virt,aia=aplic-imsic -cpu rv64,sstc=false"; then
	ok machine-opt.inspect
else
	fail machine-opt.inspect "inspect does not show the machine options"
fi

# A damaged bundle is refused, not misread.
mkdir -p "$tmp/broken"
head -c 3000 "$tmp/bundle-riscv64/host.dtb" >"$tmp/broken/host.dtb"
if ! "$cli" inspect "$tmp/broken" >/dev/null 2>"$tmp/err" &&
	grep -q 'not a device tree' "$tmp/err"; then
	ok inspect.truncated
else
	fail inspect.truncated "a truncated host.dtb was accepted" "$tmp/err"
fi
if "$cli" inspect "$tmp/nonexistent" >/dev/null 2>&1; then
	fail inspect.missing "inspect of a missing bundle succeeded"
else
	ok inspect.missing
fi

# --- run ---------------------------------------------------------------------
# With a stand-in repository root the hypervisor image is a dummy file;
# --dry-run prints the command line without launching.
fake=$tmp/root
mkdir -p "$fake/build/riscv64"
head -c 4096 /dev/zero >"$fake/build/riscv64/xen-lite.bin"
out=$("$cli" --root "$fake" run --dry-run --icount --gdb --qemu-arg=-d \
	--qemu-arg=guest_errors good/minimal.cfg 2>"$tmp/err")
cp "$tmp/err" "$tmp/dry-err"
if [[ "$out" == "cd /"*" && qemu-system-riscv64 -machine virt "*" -kernel xen-lite.bin -dtb host.dtb -device loader,file=db.kernel,addr=0x"*",force-raw=on -icount shift=0 -s -S -d guest_errors" ]]; then
	ok run.dry-run
else
	fail run.dry-run "got: $out" "$tmp/err"
fi
if grep -qxF "  gdb-multiarch -q -ex 'set architecture riscv:rv64' -ex 'target remote localhost:1234' $fake/build/riscv64/xen-lite.elf" "$tmp/err"; then
	ok run.gdb-hint
else
	fail run.gdb-hint "no gdb-multiarch line" "$tmp/err"
fi
# --overcommit lets a domain that does not fit through (the hypervisor
# then fails its build); without it the same file is refused.
if "$cli" --root "$fake" run --dry-run bad/memory-too-big.cfg \
	>/dev/null 2>&1; then
	fail run.no-overcommit "a domain larger than the host was accepted"
else
	ok run.no-overcommit
fi
if "$cli" --root "$fake" run --dry-run --overcommit bad/memory-too-big.cfg \
	>/dev/null 2>"$tmp/err"; then
	ok run.overcommit
else
	fail run.overcommit "--overcommit still refused the domain" "$tmp/err"
fi
# --dry-run keeps the bundle its command boots (and says where): the
# printed command works.
d=$(echo "$out" | sed -n 's/^cd \([^ ]*\) && .*/\1/p')
if [ -n "$d" ] && [ -f "$d/host.dtb" ] && [ -f "$d/db.kernel" ] &&
	cmp -s "$d/xen-lite.bin" "$fake/build/riscv64/xen-lite.bin" &&
	grep -qF "the bundle is kept in $d" "$tmp/dry-err"; then
	ok run.dry-run-keeps-bundle
else
	fail run.dry-run-keeps-bundle "bundle '$d' not kept" "$tmp/dry-err"
fi
[ -n "$d" ] && rm -rf "$d"
# --gdb-port PORT: QEMU's gdb stub on that port, and the hint says so.
out=$("$cli" --root "$fake" run --dry-run -o "$tmp/gdbport" --gdb-port 4321 \
	good/minimal.cfg 2>"$tmp/err")
if [[ "$out" == *" -gdb tcp::4321 -S"* ]] && [[ "$out" != *" -s "* ]] &&
	grep -q "target remote localhost:4321" "$tmp/err"; then
	ok run.gdb-port
else
	fail run.gdb-port "got: $out" "$tmp/err"
fi
expect_error error.gdb-port "xen-lite run: --gdb-port: expected a TCP port (1..65535), got '70000'
Try 'xen-lite run --help'." run --dry-run --gdb-port 70000 good/minimal.cfg
if "$cli" --root "$tmp/empty-root" run good/minimal.cfg >/dev/null 2>"$tmp/err"; then
	fail run.no-image "ran without a hypervisor image"
elif grep -q 'xen-lite.bin: not built' "$tmp/err"; then
	ok run.no-image
else
	fail run.no-image "message" "$tmp/err"
fi
# --timeout: QEMU stopped at reset (-S) never exits by itself.
start=$(date +%s)
"$cli" --root "$fake" run --timeout 1 --qemu-arg=-S good/minimal.cfg \
	</dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 124 ] && grep -q 'timeout: QEMU was still running after 1 seconds' "$tmp/err" &&
	[ $(($(date +%s) - start)) -lt 10 ]; then
	ok run.timeout
else
	fail run.timeout "exit status $rc" "$tmp/err"
fi

# stdin, stdout and the exit status pass through QEMU: a stand-in image
# prints "hi", reads one byte from the UART and exits with it (arm64
# semihosting), so typing "A" makes run exit with 65.
if command -v aarch64-linux-gnu-as >/dev/null &&
	command -v qemu-system-aarch64 >/dev/null; then
	mkdir -p "$tmp/echo/build/arm64"
	aarch64-linux-gnu-as -o "$tmp/echo.o" files/echo-arm64.S &&
		aarch64-linux-gnu-ld -Ttext=0x40200000 -o \
			"$tmp/echo/build/arm64/xen-lite.bin" "$tmp/echo.o"
	printf A | "$cli" --root "$tmp/echo" run --arch arm64 --timeout 20 \
		>"$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 65 ] && [ "$(cat "$tmp/out")" = hi ]; then
		ok run.stdio-and-status
	else
		fail run.stdio-and-status "exit status $rc (want 65)" "$tmp/out"
	fi
else
	fail run.stdio-and-status "aarch64-linux-gnu-as or qemu-system-aarch64 missing"
fi

# QEMU (arm64, direct kernel boot of an Image) puts the DTB at RAM base +
# min(RAM / 2, 128 MiB): the window bundle.c keeps free of modules.
if command -v aarch64-linux-gnu-as >/dev/null; then
	mkdir -p "$tmp/pos/build/arm64"
	aarch64-linux-gnu-as -o "$tmp/pos.o" files/dtbpos-arm64.S &&
		aarch64-linux-gnu-ld -e _head -Ttext=0x40000000 -o "$tmp/pos.elf" \
			"$tmp/pos.o" &&
		aarch64-linux-gnu-objcopy -O binary "$tmp/pos.elf" \
			"$tmp/pos/build/arm64/xen-lite.bin"
	res=""
	for m in 128M 1G; do
		"$cli" --root "$tmp/pos" run --arch arm64 --mem $m --timeout 20 \
			</dev/null >/dev/null 2>&1
		res="$res $?"
	done
	if [ "$res" = " 32 64" ]; then
		ok run.arm64-dtb-window
	else
		fail run.arm64-dtb-window "DTB at 2 MiB units:$res (want 32 64)"
	fi
fi

# RISC-V: QEMU puts the DTB below min(RAM end, 3 GiB); OpenSBI reports
# where. With 2 GiB that is 0xbfe00000, not the top of RAM.
mkdir -p "$tmp/rv/build/riscv64"
head -c 4096 /dev/zero >"$tmp/rv/build/riscv64/xen-lite.bin"
"$cli" --root "$tmp/rv" run --mem 2G --timeout 2 -o "$tmp/rv/bundle" \
	good/web.cfg </dev/null >"$tmp/out" 2>&1
inwin=0
for mod in $(fdtget -l "$tmp/rv/bundle/host.dtb" /chosen/domain@0 2>/dev/null); do
	a=$((0x${mod#module@}))
	[ $a -ge $((0xbfe00000)) ] && [ $a -lt $((0xc0000000)) ] && inwin=1
done
if grep -q 'Next Arg1 *: 0x00000000bfe00000' "$tmp/out" && [ $inwin = 0 ] &&
	[ -f "$tmp/rv/bundle/host.dtb" ]; then
	ok run.riscv64-dtb-window
else
	fail run.riscv64-dtb-window "DTB not at 0xbfe00000 or a module there" "$tmp/out"
fi

# --- configs and demo ---------------------------------------------------------
# The shipped domain files are valid (their images may not be built yet).
for f in "$srctree"/configs/domains/*.cfg; do
	if "$cli" check --no-files "$f" >"$tmp/out" 2>&1; then
		ok "configs.$(basename "$f" .cfg)"
	else
		fail "configs.$(basename "$f" .cfg)" "$f" "$tmp/out"
	fi
done
if "$cli" check --no-files "$srctree"/configs/domains/demo-*.cfg >"$tmp/out" 2>&1; then
	ok configs.demo-together
else
	fail configs.demo-together "the demo files do not fit together" "$tmp/out"
fi
expect_error error.no-files-still-checks \
	"bad/unknown-key.cfg:4: unknown key 'colour'" \
	check --no-files bad/unknown-key.cfg
if "$cli" check --no-files bad/missing-kernel-file.cfg >/dev/null 2>&1; then
	ok check.no-files
else
	fail check.no-files "a missing kernel is not an error with --no-files"
fi
# demo: with the guest images present (a stand-in root), every demo file
# becomes a domain; without them xen-lite boots alone and says why.
mkdir -p "$fake/configs/domains"
cp "$srctree"/configs/domains/demo-*.cfg "$fake/configs/domains/"
out=$("$cli" --root "$fake" demo --dry-run 2>"$tmp/err")
n=$(find "$fake"/configs/domains -name 'demo-*.cfg' | wc -l)
if grep -q 'booting xen-lite without domains' "$tmp/err" &&
	grep -q "demo: skipping $fake/configs/domains/demo-1-hello.cfg (kernel: cannot open" "$tmp/err" &&
	! grep -q 'loader,file=' <<<"$out"; then
	ok demo.no-images
else
	fail demo.no-images "$out" "$tmp/err"
fi
for k in $(sed -n 's/^\(kernel\|ramdisk\) *= *"\(.*\)".*/\2/p' \
	"$fake"/configs/domains/demo-*.cfg | sed 's/\${arch}/riscv64/'); do
	mkdir -p "$(dirname "$fake/configs/domains/$k")"
	cp files/kernel.bin "$fake/configs/domains/$k"
done
out=$("$cli" --root "$fake" demo --dry-run 2>"$tmp/err")
mods=$(grep -cE '^(kernel|ramdisk) *=' "$fake"/configs/domains/demo-*.cfg |
	awk -F: '{ s += $2 } END { print s }')
if [ "$(grep -o 'loader,file=' <<<"$out" | wc -l)" -eq "$mods" ] &&
	grep -q "demo: riscv64 with $n domains" "$tmp/err"; then
	ok demo.dry-run
else
	fail demo.dry-run "$out" "$tmp/err"
fi

# Stopping xen-lite (SIGTERM, as timeout(1) does) stops QEMU too.
timeout 2 "$cli" --root "$fake" run --qemu-arg=-S good/minimal.cfg \
	</dev/null >/dev/null 2>&1
rc=$?
sleep 0.5
if [ $rc -eq 124 ] && ! pgrep -f -- "-kernel $fake/build/riscv64/xen-lite.bin" >/dev/null; then
	ok run.sigterm-stops-qemu
else
	fail run.sigterm-stops-qemu "exit status $rc or QEMU still running"
	for p in $(pgrep -f -- "-kernel $fake/build/riscv64/xen-lite.bin"); do
		kill "$p"
	done
fi

# The top-level script: builds the CLI, passes arguments and the exit
# status through (check and inspect need no hypervisor build).
if "$srctree/xen-lite" check good/web.cfg >"$tmp/out" 2>&1 &&
	grep -q '^good/web.cfg: ok' "$tmp/out"; then
	ok wrapper.check
else
	fail wrapper.check "./xen-lite check" "$tmp/out"
fi
"$srctree/xen-lite" check bad/vcpus-zero.cfg >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q '^bad/vcpus-zero.cfg:4: vcpus' "$tmp/err"; then
	ok wrapper.exit-status
else
	fail wrapper.exit-status "exit status $rc" "$tmp/err"
fi

# --- one boot schema (include/public/boot_schema.h) ---------------------------
# The Kconfig ranges and defaults the CLI repeats are the Kconfig files'.
if /usr/bin/python3 "$here/schema-kconfig.py" "$srctree" >"$tmp/out" 2>&1; then
	ok schema.kconfig-numbers
else
	fail schema.kconfig-numbers "boot_schema.h and the Kconfig files differ" "$tmp/out"
fi

# Every limit from the build's .config, copied and edited as 'make
# menuconfig' does: check's verdict follows it.
mc=$tmp/menuconfig-root
for a in riscv64 arm64; do
	mkdir -p "$mc/build/$a"
	cp "$srctree/build/$a/.config" "$mc/build/$a/.config"
done
setcfg() { # ARCH SYMBOL VALUE
	sed -i "s/^CONFIG_$2=.*/CONFIG_$2=$3/" "$mc/build/$1/.config"
	grep -q "^CONFIG_$2=$3\$" "$mc/build/$1/.config"
}
# A guest physical address space of 32 bits (RAM at 1 GiB) holds 3 GiB.
printf 'name = "big"\nkernel = "%s"\nmemory = 4G\n' "$here/files/kernel.bin" \
	>"$tmp/big4g.cfg"
if "$cli" --root "$mc" check --arch arm64 --mem 8G "$tmp/big4g.cfg" >/dev/null 2>"$tmp/err"; then
	ok limit.ipa-bits-defconfig
else
	fail limit.ipa-bits-defconfig "4G refused with the defconfig's 40 bits" "$tmp/err"
fi
setcfg arm64 ARM_IPA_BITS_MAX 32
expect_error limit.ipa-bits-from-config \
	"$tmp/big4g.cfg:3: memory: at most 3072M on arm64 (got '4G'; guest RAM starts at 1G in a 32-bit guest physical address space: CONFIG_ARM_IPA_BITS_MAX=32 in $mc/build/arm64/.config)" \
	--root "$mc" check --arch arm64 --mem 8G "$tmp/big4g.cfg"
# More vCPUs than the Kconfig default, through the hypervisor's parser.
printf 'name = "v12"\nkernel = "%s"\nvcpus = 12\n' "$here/files/kernel.bin" \
	>"$tmp/v12.cfg"
setcfg riscv64 MAX_VCPUS 16
if "$cli" --root "$mc" check "$tmp/v12.cfg" >"$tmp/out" 2>"$tmp/err" &&
	grep -q "ok (domain 'v12', 64 MiB, 12 vCPUs)" "$tmp/out" &&
	! "$cli" --root "$plain" check "$tmp/v12.cfg" >/dev/null 2>&1; then
	ok limit.max-vcpus-raised
else
	fail limit.max-vcpus-raised "12 vCPUs with CONFIG_MAX_VCPUS=16" "$tmp/err"
fi
# The default p2m pool counts in the host memory check.
printf 'name = "pool"\nkernel = "%s"\nmemory = 200\n' "$here/files/kernel.bin" \
	>"$tmp/pool.cfg"
if "$cli" --root "$mc" check --mem 256M "$tmp/pool.cfg" >/dev/null 2>"$tmp/err"; then
	ok limit.pool-default-defconfig
else
	fail limit.pool-default-defconfig "200M refused in 256M" "$tmp/err"
fi
setcfg riscv64 P2M_POOL_DEFAULT_KB 65536
if ! "$cli" --root "$mc" check --mem 256M "$tmp/pool.cfg" >/dev/null 2>"$tmp/err" &&
	grep -q "^$tmp/pool.cfg:3: memory: 200 MiB does not fit" "$tmp/err"; then
	ok limit.pool-default-from-config
else
	fail limit.pool-default-from-config "a 64 MiB default pool was not counted" "$tmp/err"
fi

# Round trip: every good domain file in the tree (tests, examples, the
# docs' samples) written as a bundle node, read back by the hypervisor's
# common/domain_fdt.c and compared field by field with what tools/domcfg.c
# parsed; every field changed in turn must be noticed.
if make -s -C "$srctree/tools" O="$srctree/build/tools" roundtrip >"$tmp/out" 2>&1; then
	ok schema.roundtrip-build
else
	fail schema.roundtrip-build "tests/cli/roundtrip.c does not build" "$tmp/out"
fi
# The docs' samples name their files as if in configs/domains/.
mkdir -p "$tmp/rt/a/b"
ln -s "$srctree/build" "$tmp/rt/build"
/usr/bin/python3 "$srctree/tests/lib/docs-domains.py" "$srctree" "$tmp/rt/a/b"
good=(good/*.cfg sets/*.cfg "$srctree"/tests/qemu/cfg/*.cfg "$srctree"/tests/guests/cfg/*.cfg
	"$srctree"/configs/domains/*.cfg "$tmp"/rt/a/b/*.cfg)
# riscv64 with the files (this part built them), arm64 without.
for a in riscv64 arm64; do
	flags=()
	[ $a = arm64 ] && flags=(--no-files)
	"$srctree/build/tools/schema-roundtrip" --arch $a "${flags[@]}" "${good[@]}" \
		>"$tmp/out" 2>&1
	rc=$?
	n=$(grep -c '^ok ' "$tmp/out")
	if [ $rc -eq 0 ] && [ "$n" -eq ${#good[@]} ] && [ "$n" -gt 60 ]; then
		ok schema.roundtrip.$a
	else
		fail schema.roundtrip.$a "$n of ${#good[@]} files round-trip" "$tmp/out"
	fi
done

# --- help --------------------------------------------------------------------
for c in check build run inspect demo; do
	if "$cli" $c --help >"$tmp/out" 2>&1 && grep -q "^Usage: xen-lite $c" "$tmp/out"; then
		ok help.$c
	else
		fail help.$c "no usage" "$tmp/out"
	fi
done
if "$cli" --help >"$tmp/out" 2>&1 && grep -q '^Usage: xen-lite' "$tmp/out" &&
	"$cli" help >/dev/null 2>&1; then
	ok help.main
else
	fail help.main "no usage" "$tmp/out"
fi
# The man page renders without groff warnings.
if [ ! -f "$srctree/docs/xen-lite.1" ]; then
	fail help.manpage "docs/xen-lite.1 missing"
elif ! command -v groff >/dev/null; then
	grep -q '^\.TH XEN-LITE 1' "$srctree/docs/xen-lite.1" &&
		ok help.manpage || fail help.manpage "no .TH line"
elif groff -man -ww -z "$srctree/docs/xen-lite.1" >"$tmp/err" 2>&1 &&
	[ ! -s "$tmp/err" ]; then
	ok help.manpage
else
	fail help.manpage "groff warnings" "$tmp/err"
fi

summary
