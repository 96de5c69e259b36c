/* SPDX-License-Identifier: MIT */
/*
 * Test guests run with the MMU off at the address xen-lite loads them:
 * guest RAM base + text_offset (0x200000). LOAD_ADDR comes from the
 * Makefile (RISC-V 0x80200000, Arm 0x40200000).
 */
ENTRY(_start)

SECTIONS
{
	. = LOAD_ADDR;
	.text : {
		KEEP(*(.head.text))
		*(.text .text.*)
	}
	. = ALIGN(16);
	.rodata : { *(.rodata .rodata.* .srodata .srodata.*) }
	. = ALIGN(16);
	.data : { *(.data .data.* .sdata .sdata.*) }
	. = ALIGN(16);
	__bss_start = .;
	.bss : { *(.bss .bss.* .sbss .sbss.* COMMON) }
	. = ALIGN(16);
	__bss_end = .;
	. = ALIGN(4096);
	_end = .;
	_image_size = _end - _start;
	/DISCARD/ : { *(.comment) *(.note .note.*) *(.eh_frame*) }
}
