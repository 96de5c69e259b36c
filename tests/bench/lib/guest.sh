# shellcheck shell=bash disable=SC2154
# Sourced by the on-target benchmark scripts (tests/bench/*.sh): build a
# benchmark guest program from tests/bench/ against the runtime of
# tests/guests. Not a benchmark itself (it lives outside tests/bench/*.sh,
# so tests/bench.sh does not run it).
#
#   bench_setup NAME [ARCH...]  a script's arguments: $arches (default
#                               riscv64 arm64), $out ($BENCH_OUT or
#                               build/bench/NAME, created), $rc = 0
#   bench_guest ARCH SRC OUT    build OUT/<name>-ARCH.bin from SRC (a .c
#                               file; <name> is its base name); return 1
#                               and print why on failure
#   bench_guest_bare ARCH SRC OUT VARIANT
#                               build OUT/<name>-VARIANT-ARCH.bin from SRC
#                               with the runtime built to run without
#                               xen-lite (RT_BARE): VARIANT native (on the
#                               bare machine: QEMU's UART, firmware
#                               shutdown) or xen (arm64: a dom0less domain
#                               of Xen, console on its vpl011, Xen
#                               hypercalls; tests/bench/xen-arm64.sh)
#   bench_run ARCH OUT NAME KERNEL MIB CMDLINE TIMEOUT
#                               boot one 1-vCPU domain NAME (KERNEL, MIB
#                               MiB, on CPU 0) on a 1-CPU host under
#                               -icount shift=0; its console goes to
#                               OUT/run-ARCH.txt (CRs removed), QEMU's
#                               exit status to $bench_status
# Needs $srctree.

bench_setup() { # name arch...
	local name=$1
	shift
	out=${BENCH_OUT:-$srctree/build/bench/$name}
	arches=("$@")
	[ ${#arches[@]} -gt 0 ] || arches=(riscv64 arm64)
	mkdir -p "$out"
	rc=0
}

bench_guest() { # arch src out
	local arch=$1 src=$2 out=$3 name cross cflags ldflags gobj
	name=$(basename "$src" .c)
	case $arch in
	riscv64)
		cross=riscv64-linux-gnu-
		cflags="-march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mno-relax"
		ldflags="-m elf64lriscv --no-relax"
		;;
	arm64)
		cross=aarch64-linux-gnu-
		cflags="-march=armv8-a -mgeneral-regs-only -mstrict-align -mno-outline-atomics -mcmodel=small"
		ldflags="-m aarch64elf"
		;;
	*)
		echo "bench: unknown architecture $arch" >&2
		return 1
		;;
	esac
	mkdir -p "$out"
	gobj=$srctree/build/guests/$arch/obj
	if ! make -s -C "$srctree/tests/guests" ARCH="$arch" \
		>"$out/guests-$arch.log" 2>&1; then
		echo "bench: building the $arch test-guest runtime failed" >&2
		cat "$out/guests-$arch.log" >&2
		return 1
	fi
	# shellcheck disable=SC2086
	if ! ${cross}gcc -std=gnu11 -O2 -Wall -Wextra -Werror \
		-Wno-unused-parameter -ffreestanding -fno-builtin -fno-common \
		-fno-stack-protector -fno-pie -fno-pic -fno-strict-aliasing \
		-fno-tree-loop-distribute-patterns \
		-fno-asynchronous-unwind-tables -nostdinc \
		-isystem "$(${cross}gcc -print-file-name=include)" \
		-I"$srctree/tests/guests/include" -I"$srctree/include" $cflags \
		-c "$src" -o "$out/$name-$arch.o" ||
	   ! ${cross}ld -nostdlib -static --build-id=none -z noexecstack \
		--no-warn-rwx-segments $ldflags -T "$gobj/guest.lds" \
		-o "$out/$name-$arch.elf" "$gobj/rt/$arch/head.o" \
		"$gobj/rt/$arch/arch.o" "$gobj/rt/lib.o" "$out/$name-$arch.o" ||
	   ! ${cross}objcopy -O binary "$out/$name-$arch.elf" \
		"$out/$name-$arch.bin"; then
		echo "bench: building $name for $arch failed" >&2
		return 1
	fi
}

bench_guest_bare() { # arch src out variant
	local arch=$1 src=$2 out=$3 variant=$4 name o objs=() asm cross
	local g=$srctree/tests/guests cflags=() ldm load tag
	name=$(basename "$src" .c)
	case $arch in
	riscv64)
		cross=riscv64-linux-gnu-
		cflags=(-march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mno-relax)
		ldm=(-m elf64lriscv --no-relax)
		load=0x80200000
		;;
	arm64)
		cross=aarch64-linux-gnu-
		cflags=(-march=armv8-a -mgeneral-regs-only -mstrict-align -mno-outline-atomics -mcmodel=small)
		ldm=(-m aarch64elf)
		load=0x40200000
		;;
	esac
	case $variant in
	native) cflags+=(-DRT_BARE -DRT_NATIVE) ;;
	xen) cflags+=(-DRT_BARE -DRT_XEN) ;;
	*)
		echo "bench: unknown guest variant $variant" >&2
		return 1
		;;
	esac
	tag=$variant-$arch
	local cc=("${cross}gcc" -std=gnu11 -O2 -Wall -Wextra -Werror
		-Wno-unused-parameter -Wno-sign-compare -ffreestanding
		-fno-builtin -fno-common -fno-stack-protector -fno-pie -fno-pic
		-fno-strict-aliasing -fno-tree-loop-distribute-patterns
		-fno-asynchronous-unwind-tables -nostdinc
		-isystem "$("${cross}gcc" -print-file-name=include)"
		-I"$g/include" -I"$srctree/include" "${cflags[@]}")
	mkdir -p "$out/rt-$tag"
	for o in "rt/$arch/head.S" "rt/$arch/arch.c" rt/lib.c; do
		objs+=("$out/rt-$tag/$(basename "$o" | tr . _).o")
		asm=()
		[ "${o##*.}" = S ] && asm=(-D__ASSEMBLY__)
		"${cc[@]}" "${asm[@]}" -c "$g/$o" -o "${objs[-1]}" || {
			echo "bench: building the $tag test-guest runtime ($o) failed" >&2
			return 1
		}
	done
	if ! "${cross}gcc" -E -P -x c -DLOAD_ADDR=$load "$g/guest.lds.S" \
		-o "$out/rt-$tag/guest.lds" ||
	   ! "${cc[@]}" -c "$src" -o "$out/$name-$tag.o" ||
	   ! "${cross}ld" -nostdlib -static --build-id=none -z noexecstack \
		--no-warn-rwx-segments "${ldm[@]}" -T "$out/rt-$tag/guest.lds" \
		-o "$out/$name-$tag.elf" "${objs[@]}" "$out/$name-$tag.o" ||
	   ! "${cross}objcopy" -O binary "$out/$name-$tag.elf" \
		"$out/$name-$tag.bin"; then
		echo "bench: building $name ($tag) failed" >&2
		return 1
	fi
}

bench_run() { # arch out name kernel mib cmdline timeout
	local arch=$1 out=$2 name=$3 kernel=$4 mib=$5 cmdline=$6 timeout=$7
	cat >"$out/$name-$arch.cfg" <<EOC
name = "$name"
kernel = "$kernel"
memory = $mib
vcpus = 1
cpus = [0]
cmdline = "$cmdline"
EOC
	"$srctree/xen-lite" run --arch "$arch" --smp 1 --mem 256M --icount \
		--timeout "$timeout" "$out/$name-$arch.cfg" </dev/null \
		>"$out/run-$arch.log" 2>&1
	bench_status=$?
	tr -d '\r' <"$out/run-$arch.log" >"$out/run-$arch.txt"
}
