# shellcheck shell=bash
# Sourced by the Linux benchmarks (tests/bench/<arch>-linux.sh): turn
# QEMU's own device tree of a machine into the tree of a native run that
# has the devices a xen-lite domain has, and no others (issue 20: a native
# guest probing PCIe, 32 virtio-mmio transports, fw-cfg, an RTC, flash and
# GPIO boots slower than the domain for reasons that have nothing to do with
# the hypervisor). Not a benchmark itself (it lives outside tests/bench/*.sh).
#
# native_tree_keep DTB PARENT NODE...
#     delete every subnode of PARENT in DTB whose name is not one of NODE
#     (a name matches with or without its unit address: "memory" keeps
#     "memory@40000000")
# native_tree_seeds DTB
#     /chosen gets rng-seed (64 bytes) and kaslr-seed (8 bytes) as the
#     domain's tree has them (common/domain_build.c, guest_seed_props()):
#     fixed values, so native runs repeat (the domain's are drawn from the
#     platform counter at build, which icount makes the same every run)

native_tree_keep() { # dtb parent node...
	local dtb=$1 parent=$2 n k keep
	shift 2
	while read -r n; do
		[ -n "$n" ] || continue
		keep=0
		for k in "$@"; do
			if [ "$n" = "$k" ] || [ "${n%%@*}" = "$k" ]; then
				keep=1
			fi
		done
		[ $keep = 1 ] && continue
		fdtput -r "$dtb" "${parent%/}/$n" || return 1
	done < <(fdtget -l "$dtb" "$parent")
}

native_tree_seeds() { # dtb
	fdtput -t x "$1" /chosen rng-seed \
		0x6a09e667 0xf3bcc908 0xbb67ae85 0x84caa73b 0x3c6ef372 0xfe94f82b \
		0xa54ff53a 0x5f1d36f1 0x510e527f 0xade682d1 0x9b05688c 0x2b3e6c1f \
		0x1f83d9ab 0xfb41bd6b 0x5be0cd19 0x137e2179 &&
		fdtput -t x "$1" /chosen kaslr-seed 0x243f6a88 0x85a308d3
}
