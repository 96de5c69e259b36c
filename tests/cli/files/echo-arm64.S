/*
 * A stand-in "hypervisor" for tests/cli: prints "hi" on the PL011, waits
 * for one byte of input and exits QEMU (semihosting SYS_EXIT) with that
 * byte as the status. Proves run passes stdout, stdin and the status.
 */
	.globl _start
_start:
	ldr	x2, =0x09000000
	mov	w3, #'h'
	str	w3, [x2]
	mov	w3, #'i'
	str	w3, [x2]
	mov	w3, #'\n'
	str	w3, [x2]
1:	ldr	w3, [x2, #0x18]
	tbnz	w3, #4, 1b
	ldr	w3, [x2]
	and	x3, x3, #0xff
	adr	x1, block
	str	x3, [x1, #8]
	mov	x0, #0x18
	hlt	#0xf000
	b	.
	.ltorg
	.align	3
block:	.quad	0x20026
	.quad	0
