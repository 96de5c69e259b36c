# shellcheck shell=bash
# Sourced by tests/platforms/run.sh: with XL_QEMU=10, every test that runs
# QEMU boots QEMU 10.0.2 from build/debian/qemu10 ('make deps'). The tests
# start QEMU only through the CLI (tests/lib/qemu.sh), which reads XL_QEMU
# (docs/cli.md): QEMU 10's binary, -L naming its data directory, and the
# backports' OpenSBI 1.5.1 in place of Debian 12's 1.1 (-bios).
#
# qemu10_env: export XL_QEMU=10; returns 1 (saying why) when QEMU 10 is not
# there.
qemu10_env() {
	local q10=$srctree/build/debian/qemu10/root b
	for b in qemu-system-riscv64 qemu-system-aarch64; do
		if [ ! -x "$q10/usr/bin/$b" ]; then
			echo "qemu10: $q10/usr/bin/$b missing; run 'make deps'" >&2
			return 1
		fi
	done
	export XL_QEMU=10
}
