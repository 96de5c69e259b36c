/*
 * A stand-in arm64 Image for tests/cli: exits QEMU (semihosting SYS_EXIT)
 * with (x0 - RAM base) >> 21, i.e. where QEMU put the DTB in 2 MiB units.
 * tests/cli/run.sh checks the window bundle.c keeps free of modules.
 */
	.globl _head
_head:
	b	_start
	.long	0
	.quad	0
	.quad	_end - _head
	.quad	0xa
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0
_start:
	mov	x3, x0
	movz	x4, #0x4000, lsl #16
	sub	x3, x3, x4
	lsr	x3, x3, #21
	adr	x1, block
	str	x3, [x1, #8]
	mov	x0, #0x18
	hlt	#0xf000
	b	.
	.align	3
block:	.quad	0x20026
	.quad	0
_end:
