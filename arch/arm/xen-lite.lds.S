/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linker script of the AArch64 hypervisor image. The image runs where
 * QEMU's Image loader puts it (CONFIG_ARM_LOAD_ADDR) with an identity map,
 * so the link address is the load address.
 */
OUTPUT_ARCH(aarch64)
ENTRY(_start)

SECTIONS
{
	. = CONFIG_ARM_LOAD_ADDR;
	_start = .;
	__image_start = .;

	.text : {
		_stext = .;
		*(.text.head)
		*(.text .text.*)
		_etext = .;
	}

	. = ALIGN(4096);
	.rodata : {
		*(.rodata .rodata.*)
		/* Host GIC drivers (GIC_DRIVER(), asm/gic.h), for gic.c */
		. = ALIGN(8);
		__gic_drivers_start = .;
		KEEP(*(.gic_drivers))
		__gic_drivers_end = .;
	}

	. = ALIGN(4096);
	.data : {
		*(.data.page_aligned)
		*(.data .data.*)
		*(.sdata .sdata.*)
	}

	. = ALIGN(64);
	.bss (NOLOAD) : {
		__bss_start = .;
		*(.bss.page_aligned)
		*(.bss .bss.*)
		*(.sbss .sbss.*)
		*(COMMON)
		. = ALIGN(64);
		__bss_end = .;
	}

	/* The boot stacks, not cleared by head.S. */
	. = ALIGN(4096);
	.stacks (NOLOAD) : {
		*(.stacks)
	}

	. = ALIGN(4096);
	_end = .;
	__image_end = .;
	_image_size = _end - _start;

	/DISCARD/ : {
		*(.note .note.*)
		*(.comment)
		*(.eh_frame)
	}
}
