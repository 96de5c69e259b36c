/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AArch64 entry: the arm64 Image header, then the boot CPU's path to
 * start_xen() and each secondary CPU's path to start_secondary().
 *
 * QEMU's -kernel loader enters at EL2 (virtualization=on) with the MMU and
 * caches off, x0 = device tree. Secondary CPUs arrive through PSCI CPU_ON
 * at secondary_entry with x0 = their logical CPU number (the context ID).
 */
#include <asm/sysregs.h>

#define STACK_SIZE (CONFIG_STACK_SIZE_KB * 1024)

/* Level-1 block descriptor bits (Arm ARM (DDI 0487 K.a) VMSAv8-64). */
#define PTE_BLOCK 0x1
#define PTE_ATTRIDX(i) ((i) << 2)
#define PTE_AP_RES1 (1 << 6)
#define PTE_SH_INNER (3 << 8)
#define PTE_AF (1 << 10)
#define PTE_XN (1 << 54)

#define PTE_DEVICE (PTE_BLOCK | PTE_ATTRIDX(MT_DEVICE_nGnRE) | PTE_AP_RES1 | \
		    PTE_AF | PTE_XN)
#define PTE_NORMAL (PTE_BLOCK | PTE_ATTRIDX(MT_NORMAL) | PTE_AP_RES1 | \
		    PTE_SH_INNER | PTE_AF)

/* 39-bit identity map starting at level 1: 512 entries of 1 GiB. */
#define VA_BITS 39
#define MAP_NORMAL_GIB 256

	.section .text.head, "ax"
	.global _start
_start:
	/* Image header, see Linux Documentation/arch/arm64/booting.rst */
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	CONFIG_ARM_LOAD_ADDR & 0x3fffffff	/* text_offset */
	.quad	_image_size		/* image_size */
	.quad	(1 << 1)		/* flags: LE, 4K pages, low */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

primary_entry:
	msr	daifset, #0xf
	mov	x21, x0			/* device tree */
	mrs	x22, mpidr_el1
	mrs	x0, CurrentEL
	ldr	x1, =arm_boot_el
	str	x0, [x1]
	cmp	x0, #CURRENTEL_EL2
	b.ne	primary_not_el2

	mov	x5, #~0
	bl	build_boot_pgtable
	bl	el2_setup
	bl	el2_mmu_on

	/* Caches are on: clear BSS, then take the first stack. */
	bl	clear_bss
	ldr	x0, =cpu_stacks
	add	x0, x0, #STACK_SIZE
	mov	sp, x0
	mov	x29, xzr
	ldr	x0, =pcpu_info
	msr	tpidr_el2, x0
	ldr	x0, =MPIDR_AFF_MASK
	and	x0, x22, x0
	mov	x1, x21
	bl	arm_boot_c
3:	wfi
	b	3b

/*
 * Entered at EL1 (no virtualization extensions enabled in QEMU): there is
 * no hypervisor to be, but the common code still needs a console to say
 * so. Turn on the EL1 MMU with the same tables, then let arch_setup()
 * panic with a clear message.
 */
primary_not_el2:
	/* AP[1] would make the EL1 mappings EL0-writable, hence PXN. */
	mov	x5, #~PTE_AP_RES1
	bl	build_boot_pgtable
	ldr	x0, =MAIR_EL2_VAL
	msr	mair_el1, x0
	mrs	x1, id_aa64mmfr0_el1
	and	x1, x1, #0xf
	cmp	x1, #5
	mov	x2, #5
	csel	x1, x1, x2, ls
	ldr	x0, =(TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | \
		      TCR_SH0_IS | TCR_TG0_4K | (1 << 23) | (2 << 30))
	orr	x0, x0, x1, lsl #32
	msr	tcr_el1, x0
	ldr	x0, =boot_pgtable
	msr	ttbr0_el1, x0
	mov	x0, #(3 << CPACR_FPEN_SHIFT)
	msr	cpacr_el1, x0
	ldr	x0, =el1_vectors
	msr	vbar_el1, x0
	isb
	tlbi	vmalle1
	dsb	ish
	isb
	ldr	x0, =(0x30d00800 | SCTLR_M | SCTLR_C | SCTLR_I)
	msr	sctlr_el1, x0
	isb
	bl	clear_bss
	ldr	x0, =cpu_stacks
	add	x0, x0, #STACK_SIZE
	mov	sp, x0
	ldr	x0, =pcpu_info
	msr	tpidr_el1, x0
	ldr	x0, =MPIDR_AFF_MASK
	and	x0, x22, x0
	mov	x1, x21
	bl	arm_boot_c
3:	wfi
	b	3b

/*
 * Secondary CPUs: x0 = logical CPU number. Nothing written by the boot
 * CPU with its caches on is read before this CPU's MMU is on, except
 * the page table, which was written with the MMU off.
 */
	.global secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	bl	el2_setup
	bl	el2_mmu_on
	ldr	x0, =cpu_stacks
	mov	x1, #STACK_SIZE
	add	x2, x19, #1
	madd	x0, x1, x2, x0
	mov	sp, x0
	mov	x29, xzr
	mov	x0, x19
	bl	arm_secondary_c
1:	wfi
	b	1b

/*
 * Fill boot_pgtable (written with the MMU off, before any CPU uses it).
 * x5 = mask applied to the attribute bits.
 */
build_boot_pgtable:
	ldr	x0, =boot_pgtable
	ldr	x1, =PTE_DEVICE
	and	x1, x1, x5
	str	x1, [x0]
	ldr	x3, =PTE_NORMAL
	and	x3, x3, x5
	mov	x2, #1
1:	lsl	x1, x2, #30
	orr	x1, x1, x3
	str	x1, [x0, x2, lsl #3]
	add	x2, x2, #1
	cmp	x2, #MAP_NORMAL_GIB
	b.lo	1b
	/* Drop any stale cache lines over the table. */
	add	x1, x0, #4096
2:	dc	ivac, x0
	add	x0, x0, #64
	cmp	x0, x1
	b.lo	2b
	dsb	sy
	ret

/*
 * Zero [__bss_start, __bss_end) with the MMU and caches on. Both ends are
 * 64-byte aligned (the linker script); DC ZVA clears a DCZID_EL0-sized
 * block per instruction when the block size divides 64 and DC ZVA is
 * permitted, STP clears 16 bytes otherwise.
 */
clear_bss:
	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
	mrs	x2, dczid_el0
	tbnz	x2, #4, 2f		/* DZP: prohibited */
	and	x2, x2, #0xf
	cmp	x2, #4
	b.hi	2f			/* blocks larger than 64 bytes */
	mov	x3, #4
	lsl	x2, x3, x2		/* block size in bytes */
1:	cmp	x0, x1
	b.hs	3f
	dc	zva, x0
	add	x0, x0, x2
	b	1b
2:	cmp	x0, x1
	b.hs	3f
	stp	xzr, xzr, [x0], #16
	b	2b
3:	ret

/* EL2 control registers with safe values; guests set their own later. */
el2_setup:
	ldr	x0, =HCR_HOST
	msr	hcr_el2, x0
	ldr	x0, =CPTR_EL2_RES1
	msr	cptr_el2, x0
	mov	x0, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	msr	vttbr_el2, xzr
	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0
	ldr	x0, =hyp_vectors
	msr	vbar_el2, x0
	isb
	/*
	 * EL1 may use the GICv3 system register interface. Without one
	 * (ID_AA64PFR0_EL1.GIC == 0, e.g. QEMU's gic-version=2) the ICC_*
	 * registers are UNDEFINED (GICv3 spec IHI 0069, ICC_SRE_EL2): leave
	 * them alone so that arch_setup() can say what is missing instead
	 * of taking an exception before there is a console.
	 */
	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #24, #4
	cbz	x0, 1f
	mrs	x0, ICC_SRE_EL2
	mov	x1, #0x9		/* SRE | Enable */
	orr	x0, x0, x1
	msr	ICC_SRE_EL2, x0
	isb
1:	ret

el2_mmu_on:
	ldr	x0, =MAIR_EL2_VAL
	msr	mair_el2, x0
	/* Output size: the CPU's PARange, at most 48 bits. */
	mrs	x1, id_aa64mmfr0_el1
	and	x1, x1, #0xf
	cmp	x1, #5
	mov	x2, #5
	csel	x1, x1, x2, ls
	ldr	x0, =(TCR_EL2_RES1 | TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA | \
		      TCR_ORGN0_WBWA | TCR_SH0_IS | TCR_TG0_4K)
	orr	x0, x0, x1, lsl #TCR_PS_SHIFT
	msr	tcr_el2, x0
	ldr	x0, =boot_pgtable
	msr	ttbr0_el2, x0
	isb
	tlbi	alle2
	dsb	ish
	isb
	ldr	x0, =(SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_I | \
		  SCTLR_SA)
	msr	sctlr_el2, x0
	isb
	ret

/*
 * EL1 fallback vectors. The only instruction the common code runs here
 * that EL1 cannot execute is this_cpu()'s "mrs xN, tpidr_el2": emulate it
 * from TPIDR_EL1 so that the EL2 check can print its panic. Anything else
 * parks the CPU.
 */
#define MRS_TPIDR_EL2 0xd53cd040

	.align	11
el1_vectors:
	.rept	4
	.align	7
1:	wfe
	b	1b
	.endr
	.align	7
	b	el1_sync
	.rept	11
	.align	7
1:	wfe
	b	1b
	.endr

el1_sync:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, esr_el1
	lsr	x0, x0, #26
	cbnz	x0, el1_park
	mrs	x0, elr_el1
	ldr	w1, [x0]
	and	w0, w1, #0xffffffe0
	ldr	w2, =MRS_TPIDR_EL2
	cmp	w0, w2
	b.ne	el1_park
	and	x1, x1, #0x1f
	mrs	x0, elr_el1
	add	x0, x0, #4
	msr	elr_el1, x0
	cmp	x1, #1
	b.hi	1f
	mrs	x0, tpidr_el1
	str	x0, [sp, x1, lsl #3]
	ldp	x0, x1, [sp], #16
	eret
1:	adr	x0, 2f
	add	x0, x0, x1, lsl #3
	br	x0
2:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,\
		16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	mrs	x\n, tpidr_el1
	b	3f
	.endr
3:	ldp	x0, x1, [sp], #16
	eret
el1_park:
	wfe
	b	el1_park

	.section .data.page_aligned, "aw"
	.align	12
	.global boot_pgtable
boot_pgtable:
	.fill	512, 8, 0

	/* After __bss_end (linker script): stacks need no zeroing. */
	.section .stacks, "aw", %nobits
	.align	12
	.global cpu_stacks
cpu_stacks:
	.space	STACK_SIZE * CONFIG_NR_CPUS

	.section .data, "aw"
	.align	3
	.global arm_boot_el
arm_boot_el:
	.quad	0
