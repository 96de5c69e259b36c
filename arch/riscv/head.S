/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot entry of the RISC-V hypervisor.
 *
 * OpenSBI's fw_dynamic jumps here in HS-mode with the MMU off, a0 = hart ID
 * and a1 = physical address of the device tree. Only the boot hart arrives
 * here: the others stay stopped in OpenSBI until arch_cpu_up() starts them
 * through SBI HSM at riscv_secondary_start.
 */
#include <asm/asm.h>
#include <asm/csr.h>

#define STACK_SIZE (CONFIG_STACK_SIZE_KB * 1024)

	.section .text.head, "ax"
ENTRY(_start)
	/* No interrupts and no FP until the hypervisor asks for them. */
	csrw	CSR_SIE, zero
	csrci	CSR_SSTATUS, SSTATUS_SIE
	li	t0, SSTATUS_FS
	csrc	CSR_SSTATUS, t0

	/*
	 * Any extra hart that enters here (a loader that starts every hart)
	 * loses the lottery and parks for good, unless it is the hart that
	 * arch_cpu_up() is starting (late_secondary below).
	 */
	lla	t0, boot_lottery
	li	t1, 1
	amoadd.w t1, t1, (t0)
	bnez	t1, late_secondary

	/* BSS is 8-byte aligned by the linker script. */
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	/* Stack of CPU 0: the top of boot_stack. */
	lla	sp, boot_stack
	li	t0, STACK_SIZE
	add	sp, sp, t0
	lla	tp, pcpu_info

	mv	s0, a0
	mv	s1, a1
	/* Trap vector, H extension check, identity map. */
	call	riscv_boot_early
	mv	a0, s0
	mv	a1, s1
	call	start_xen
	j	park
END(_start)

/*
 * Secondary harts, started by sbi_hart_start(hartid, riscv_secondary_start,
 * &pcpu_info[cpu]): a0 = hart ID, a1 = this CPU's struct pcpu, whose
 * stack_top common code filled in before arch_cpu_up(). The MMU is off.
 */
	.text
ENTRY(riscv_secondary_start)
	csrw	CSR_SIE, zero
	csrci	CSR_SSTATUS, SSTATUS_SIE
	li	t0, SSTATUS_FS
	csrc	CSR_SSTATUS, t0

	mv	tp, a1
	ld	sp, PCPU_STACK_TOP_OFF(tp)
	call	riscv_secondary_entry
	j	park
END(riscv_secondary_start)

/*
 * A secondary hart that arrives at the image's start instead of at
 * riscv_secondary_start (a0 = hart ID). OpenSBI up to 1.2 publishes
 * START_PENDING in sbi_hsm_hart_start() before it stores the start address;
 * a hart whose wait loop wakes in that window (WFI may return at any time,
 * privileged spec 20211203 3.3.3) returns to the stale address in its
 * scratch area, which fw_dynamic set to this image's entry for every hart.
 * The boot CPU names the hart it is starting (riscv_cpu_up_hartid/_pcpu,
 * written before the SBI call): that hart goes on as the secondary and
 * records that it came this way; any other hart parks.
 */
late_secondary:
	lla	t0, riscv_cpu_up_hartid
	ld	t1, 0(t0)
	bne	t1, a0, park
	lla	t0, riscv_cpu_up_pcpu
	ld	a1, 0(t0)
	beqz	a1, park
	lla	t0, riscv_cpu_up_late
	sd	a0, 0(t0)
	j	riscv_secondary_start

ENTRY(park)
	csrw	CSR_SIE, zero
1:	wfi
	j	1b
END(park)

	.data
	.align	3
boot_lottery:
	.word	0
