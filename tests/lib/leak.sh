# shellcheck shell=bash
# no_leak LOG: every frame came back by power-off. The hypervisor prints
#   xen-lite: boot complete at T us, F free pages, C in object caches
#   xen-lite: F' free pages at power-off, C' in object caches[, D from boot modules]
# and nothing leaked when F + D == F' + C' - C (object caches keep their
# pages; D frames of boot modules were given to domains built in place and
# freed with them). Sets leak_why to the figures either way.
no_leak() {
	local boot off don
	boot=$(sed -n 's/.*boot complete at .* us, \([0-9]*\) free pages, \([0-9]*\) in object caches.*/\1 \2/p' "$1")
	off=$(sed -n 's/.*: \([0-9]*\) free pages at power-off, \([0-9]*\) in object caches.*/\1 \2/p' "$1")
	don=$(sed -n 's/.*free pages at power-off, .*, \([0-9]*\) from boot modules.*/\1/p' "$1")
	leak_why="boot: $boot, power-off: $off (free, object caches), boot modules: ${don:-0}"
	[ -n "$boot" ] && [ -n "$off" ] || return 1
	# shellcheck disable=SC2086
	set -- $boot $off
	[ $(($1 + ${don:-0})) -eq $(($3 + $4 - $2)) ]
}
