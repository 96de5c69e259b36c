/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Link map of the RISC-V hypervisor image: loaded and run at
 * CONFIG_RISCV_LOAD_ADDR (identity mapped, so VA == PA).
 */
OUTPUT_ARCH(riscv)
ENTRY(_start)

SECTIONS
{
	. = CONFIG_RISCV_LOAD_ADDR;
	_start_image = .;
	__image_start = .;

	.text : {
		_stext = .;
		*(.text.head)
		*(.text .text.*)
		_etext = .;
	}

	. = ALIGN(4096);
	.rodata : {
		_srodata = .;
		*(.rodata .rodata.*)
		*(.srodata .srodata.*)
		_erodata = .;
	}

	. = ALIGN(4096);
	.data : {
		_sdata = .;
		*(.data .data.*)
		*(.sdata .sdata.*)
		_edata = .;
	}

	. = ALIGN(4096);
	.bss (NOLOAD) : {
		__bss_start = .;
		*(.bss.page_aligned)
		*(.bss .bss.*)
		*(.sbss .sbss.*)
		*(COMMON)
		. = ALIGN(8);
		__bss_end = .;
	}

	. = ALIGN(4096);
	_end = .;
	__image_end = .;

	/DISCARD/ : {
		*(.comment)
		*(.note .note.*)
		*(.eh_frame)
		*(.riscv.attributes)
	}
}
