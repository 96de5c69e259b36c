# shellcheck shell=bash
# The one way the tests start QEMU: through the CLI, whose machine_args()
# (tools/bundle.c) is the one place that knows QEMU's command line (binary,
# -machine, -cpu, -smp, -m, -nodefaults, console, firmware; QEMU 10 with
# XL_QEMU=10 or --qemu 10). Needs $srctree.
#
# xl_boot TIMEOUT LOG [run options...] [DOMAIN-FILE...]
#     'xen-lite run --timeout TIMEOUT' with the options (--arch, --smp,
#     --mem, --cpu, --machine-opt, --qemu-arg, ...), standard input
#     /dev/null, everything it prints in LOG; returns its exit status (124
#     when TIMEOUT expired). Without domain files: the hypervisor alone.
#     --dtb FILE (here, not a CLI option) boots on FILE instead of the
#     CLI's tree (a later -dtb replaces QEMU's earlier one).
# qemu_machine ARCH [machine options...] [DOMAIN-FILE...]
#     sets the array qemu_cmd to the QEMU command line the CLI boots for
#     this machine (--smp, --mem, --cpu, --machine-opt, --qemu ...),
#     without the hypervisor, the tree and the modules: for what is not a
#     hypervisor boot (a kernel alone, a tree dump). Appending
#     "-machine dumpdtb=FILE" dumps QEMU's tree of that machine. With
#     domain files, their disks and NICs stay (the CLI's -drive, -netdev
#     and -device arguments, on the same transports): a kernel booted
#     alone on that line finds the devices the domain gets.
# qemu_tree ARCH OUT [machine options...]
#     QEMU's own device tree for the machine (the bundle's qemu.dtb).
# xl_cli ARGS...
#     the CLI itself (build/tools/xen-lite-cli --root $srctree), built on
#     first use.
# xl_hyp_build ARCH
#     configures (defconfig) and builds build/ARCH.

xl_cli_path=$srctree/build/tools/xen-lite-cli
xl_cli_built=""

xl_cli_build() {
	[ -n "$xl_cli_built" ] ||
		make -s -C "$srctree/tools" O="$srctree/build/tools" >/dev/null ||
		return 1
	xl_cli_built=1
}

xl_cli() {
	xl_cli_build || return 1
	"$xl_cli_path" --root "$srctree" "$@"
}

xl_hyp_build() {
	local out=$srctree/build/$1
	{ [ -f "$out/.config" ] ||
		make -s -C "$srctree" O="$out" "qemu-${1}_defconfig" >/dev/null; } &&
		make -s -C "$srctree" O="$out" >/dev/null
}

xl_boot() { # timeout log [options...]
	local t=$1 log=$2 a args=()
	shift 2
	while [ $# -gt 0 ]; do
		a=$1
		shift
		if [ "$a" = --dtb ]; then
			args+=(--qemu-arg -dtb --qemu-arg "$1")
			shift
		else
			args+=("$a")
		fi
	done
	xl_cli_build || return 1
	# The outer timeout only in case the CLI itself hangs.
	timeout -k 5 $((t + 30)) "$xl_cli_path" --root "$srctree" run \
		--timeout "$t" "${args[@]}" </dev/null >"$log" 2>&1
}

qemu_machine() { # arch [options...]
	local arch=$1 d a
	shift
	d=$(mktemp -d "${TMPDIR:-/tmp}/xl-qemu.XXXXXX")
	if ! xl_cli run --arch "$arch" --dry-run -o "$d/b" "$@" >/dev/null 2>"$d/err"; then
		cat "$d/err" >&2
		rm -rf "$d"
		return 1
	fi
	eval "set -- $(cat "$d/b/qemu.cmdline")"
	rm -rf "$d"
	qemu_cmd=()
	while [ $# -gt 0 ]; do
		a=$1
		shift
		case $a in
		-kernel | -dtb) shift ;;
		-device)
			# The boot modules' loaders go; devices stay.
			case ${1:-} in
			loader,*) shift ;;
			*) qemu_cmd+=("$a") ;;
			esac
			;;
		*) qemu_cmd+=("$a") ;;
		esac
	done
}

qemu_tree() { # arch out [options...]
	local arch=$1 out=$2 d
	shift 2
	d=$(mktemp -d "${TMPDIR:-/tmp}/xl-qemu.XXXXXX")
	if ! xl_cli build --arch "$arch" -o "$d/b" "$@" >"$d/err" 2>&1; then
		cat "$d/err" >&2
		rm -rf "$d"
		return 1
	fi
	cp "$d/b/qemu.dtb" "$out"
	rm -rf "$d"
}
