# shellcheck shell=bash
# Sourced by tests/platforms/run.sh: with XL_QEMU=10, every test that runs
# QEMU boots QEMU 10.0.2 from build/debian/qemu10 ('make deps'). The
# './xen-lite' runs read XL_QEMU themselves (docs/cli.md); the scripts
# that start qemu-system-riscv64/-aarch64 by name find wrappers first on
# PATH that run QEMU 10 with -L naming its data directory, and replace
# Debian 12's OpenSBI 1.1 (-bios) with the backports' OpenSBI 1.5.1.
#
# qemu10_env DIR: write the wrappers into DIR and put it first on PATH;
# returns 1 (saying why) when QEMU 10 is not there.
qemu10_env() {
	local dir=$1 q10=$srctree/build/debian/qemu10/root b
	local fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
	for b in qemu-system-riscv64 qemu-system-aarch64; do
		if [ ! -x "$q10/usr/bin/$b" ]; then
			echo "qemu10: $q10/usr/bin/$b missing; run 'make deps'" >&2
			return 1
		fi
	done
	mkdir -p "$dir"
	for b in qemu-system-riscv64 qemu-system-aarch64; do
		cat >"$dir/$b" <<EOS
#!/usr/bin/env bash
# QEMU 10 in place of the system's (tests/lib/qemu10.sh).
args=()
for a in "\$@"; do
	[ "\$a" = "$fw" ] && a="$q10$fw"
	args+=("\$a")
done
exec "$q10/usr/bin/$b" -L "$q10/usr/share/qemu" "\${args[@]}"
EOS
		chmod +x "$dir/$b"
	done
	export PATH="$dir:$PATH" XL_QEMU=10
}
