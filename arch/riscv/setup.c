// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V boot and the arch hooks of include/xen-lite/arch.h: early checks,
 * the identity map, per-hart hypervisor CSR setup, secondary harts, power
 * off, counters, idle and IPIs.
 */
#include <libfdt.h>
#include <xen-lite/console.h>
#include <xen-lite/arch.h>
#include <xen-lite/arch/p2m.h>
#include <xen-lite/bootinfo.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/smp.h>
#include <asm/aia.h>
#include <asm/csr.h>
#include <asm/irqchip.h>
#include <asm/riscv.h>
#include <asm/sbi.h>
#include <asm/system.h>
#include <asm/time.h>
#include <asm/traps.h>

#define STACK_SIZE (CONFIG_STACK_SIZE_KB * 1024)

/* QEMU's sifive,test "finisher" commands (hw/misc/sifive_test.c). */
#define FINISHER_FAIL 0x3333
#define FINISHER_PASS 0x5555

/* Stage-1 (Sv39) leaf bits of the boot identity map. */
#define BOOT_PTE_V (1UL << 0)
#define BOOT_PTE_RWX (7UL << 1)
#define BOOT_PTE_G (1UL << 5)
#define BOOT_PTE_AD (3UL << 6)
#define BOOT_PTE_PPN_SHIFT 10

u8 boot_stack[STACK_SIZE] __aligned(16);

/*
 * Sv39 root table of the identity map: 1 GiB leaves for the low 256 GiB
 * (entries 0..255; Sv39 virtual addresses above 2^38 - 1 are not
 * canonical). Covers MMIO and RAM of QEMU virt; PMAs, not the page table,
 * give device regions their I/O attributes.
 */
static u64 boot_pgtable[512] __aligned(PAGE_SIZE);

static const void *boot_fdt;
static volatile u32 *finisher;

/**
 * riscv_boot_early() - boot hart, called by head.S before start_xen():
 * H extension check, trap vector, identity map, early DTB facts.
 * @hartid: this hart. @dtb_pa: the host device tree.
 * Return: only when the hypervisor can go on (else it powers off).
 */
void riscv_boot_early(unsigned long hartid, paddr_t dtb_pa);

/**
 * riscv_secondary_entry() - secondary hart, called by head.S with its
 * stack and tp set: identity map, trap vector, hypervisor CSRs.
 * @hartid: this hart. @self: its struct pcpu.
 * Return: never; ends in start_secondary().
 */
void __noreturn riscv_secondary_entry(unsigned long hartid, struct pcpu *self);

static void early_puts(const char *s)
{
	while (*s) {
		sbi_console_putchar(*s++);
	}
}

/*
 * Before the console exists: print through the SBI legacy console (OpenSBI
 * still implements it for S-mode) and stop with a failure status.
 */
static void __noreturn early_fatal(const char *msg)
{
	early_puts("xen-lite: ");
	early_puts(msg);
	early_puts("\n");
	arch_machine_poweroff(false);
}

static void mmu_enable(void)
{
	csr_write(CSR_SATP,
		  SATP_MODE_SV39 | (virt_to_maddr(boot_pgtable) >> PAGE_SHIFT));
	__asm__ __volatile__("sfence.vma" ::: "memory");
}

static void parse_fdt_early(const void *fdt)
{
	const fdt32_t *p;
	int len, off;

	if (!fdt || fdt_check_header(fdt)) {
		return;
	}
	boot_fdt = fdt;
	off = fdt_path_offset(fdt, "/cpus");
	if (off >= 0) {
		p = fdt_getprop(fdt, off, "timebase-frequency", &len);
		if (p && len == 4) {
			riscv_timebase_hz = fdt32_to_cpu(*p);
		} else if (p && len == 8) {
			riscv_timebase_hz = fdt64_to_cpu(*(const fdt64_t *)p);
		}
	}
	off = fdt_node_offset_by_compatible(fdt, -1, "sifive,test0");
	if (off < 0) {
		off = fdt_node_offset_by_compatible(fdt, -1, "sifive,test1");
	}
	if (off >= 0) {
		p = fdt_getprop(fdt, off, "reg", &len);
		if (p && len >= 8) {
			/* /soc on QEMU virt: #address-cells = 2 */
			finisher =
				(volatile u32 *)(uintptr_t)(((u64)fdt32_to_cpu(
								     p[0])
							     << 32) |
							    fdt32_to_cpu(p[1]));
		}
	}
}

/*
 * Hypervisor CSRs of one hart. What a guest may handle itself goes to it
 * directly through hedeleg/hideleg (privileged spec, "Hypervisor Trap
 * Delegation Registers"): its own page faults, breakpoints, system calls
 * of its user space, misaligned accesses and illegal instructions.
 */
static void hart_init(unsigned int cpu)
{
	csr_write(CSR_HEDELEG, RISCV_HEDELEG);
	csr_write(CSR_HIDELEG, HIDELEG_VS_ALL);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HIE, 0);
	csr_write(CSR_HGEIE, 0);
	if (riscv_features.smstateen) {
		/*
		 * Smstateen: with hstateen0 clear (its reset value) a guest's
		 * siselect, sireg and stopei raise virtual-instruction
		 * exceptions, even with a guest interrupt file behind them
		 * (AIA 1.0, 2.5 "State enables"). Open the AIA's: a domain
		 * with an AIA uses them, one without has no Ssaia in its ISA
		 * and its accesses go nowhere (VGEIN = 0 traps). The rest
		 * (senvcfg, sstateen0, ...) stays closed: not switched per
		 * vCPU. WARL: what the firmware's mstateen0 withholds reads 0.
		 */
		csr_write(CSR_HSTATEEN0,
			  HSTATEEN0_AIA | HSTATEEN0_IMSIC | HSTATEEN0_CSRIND);
	}
	if (riscv_features.ssaia) {
		/* No VS interrupt injected through hvictl, default priorities. */
		csr_write(CSR_HVICTL, 0);
		csr_write(CSR_HVIPRIO1, 0);
		csr_write(CSR_HVIPRIO2, 0);
	}
	/*
	 * The same for every vCPU, so written once per hart, not at each
	 * load (issue 20): cycle, time and instret visible, no time offset.
	 */
	csr_write(CSR_HCOUNTEREN, 0x7);
	csr_write(CSR_HTIMEDELTA, 0);
	csr_write(CSR_HGATP, 0);
	csr_write(CSR_HSTATUS, HSTATUS_VSXL_64 | HSTATUS_SPVP);
	if (riscv_features.henvcfg) {
		csr_write(CSR_HENVCFG, riscv_features.henvcfg);
	}
	riscv_timer_hart_init();
	/*
	 * Supervisor external interrupts: the host interrupt controller's
	 * S-mode context of this hart, for forwarded device interrupts.
	 */
	csr_write(CSR_SIE,
		  SIE_SSIE | SIE_STIE |
			  (riscv_irqchip_cpu_init(cpu) ? SIE_SEIE : 0));
	if (imsic_nr_guest_files()) {
		/* Guest files of blocked vCPUs (vimsic_sgei()). */
		csr_set(CSR_SIE, SIE_SGEIE);
	}
}

void riscv_boot_early(unsigned long hartid, paddr_t dtb_pa)
{
	unsigned long v;

	BUILD_BUG_ON(__builtin_offsetof(struct pcpu, stack_top) !=
		     PCPU_STACK_TOP_OFF);
	BUILD_BUG_ON(sizeof(struct cpu_regs) != REGS_SIZE);
	pcpu_info[0].stack_top = boot_stack + STACK_SIZE;

	/*
	 * misa is M-mode only. hgatp exists exactly when the H extension
	 * does, so a trap-safe read of it is the check.
	 */
	if (!riscv_probe_hgatp(&v)) {
		parse_fdt_early(dtb_pa ? maddr_to_virt(dtb_pa) : NULL);
		early_fatal("panic: H extension not present "
			    "(run QEMU with a CPU that has it, "
			    "e.g. -cpu rv64,h=true)");
	}
	riscv_trap_init();

	for (unsigned int i = 0; i < 256; i++) {
		boot_pgtable[i] = ((u64)i << (18 + BOOT_PTE_PPN_SHIFT)) |
				  BOOT_PTE_V | BOOT_PTE_RWX | BOOT_PTE_AD |
				  BOOT_PTE_G;
	}
	mmu_enable();
	parse_fdt_early(dtb_pa ? maddr_to_virt(dtb_pa) : NULL);
	if (!riscv_timebase_hz) {
		early_fatal("device tree: no /cpus timebase-frequency");
	}
}

/*
 * The hart arch_cpu_up() is starting, for one that OpenSBI <= 1.2 sends to
 * the image's entry instead (head.S, late_secondary). Read there with the
 * MMU off; not in BSS, so that no clearing can race with a late hart.
 */
unsigned long riscv_cpu_up_hartid __section(".data") = ~0UL;
unsigned long riscv_cpu_up_pcpu __section(".data");
unsigned long riscv_cpu_up_late __section(".data") = ~0UL;

void riscv_secondary_entry(unsigned long hartid, struct pcpu *self)
{
	/* @self is a physical address: the same RAM with the MMU off. */
	WRITE_ONCE(self->boot_stage, CPU_STAGE_ENTERED);
	mmu_enable();
	riscv_trap_init();
	WRITE_ONCE(self->boot_stage, CPU_STAGE_MMU);
	hart_init(self->id);
	WRITE_ONCE(self->boot_stage, CPU_STAGE_ARCH);
	if (READ_ONCE(riscv_cpu_up_late) == hartid) {
		printk("riscv: CPU%u (hart %lu) was started at the image's entry "
		       "(OpenSBI <= 1.2 hart-start race), continued as a secondary\n",
		       self->id, hartid);
	}
	start_secondary(self->id);
}

int arch_setup(const struct bootinfo *bi)
{
	int rc;

	if (bi->timebase_hz && bi->timebase_hz != riscv_timebase_hz) {
		riscv_timebase_hz = bi->timebase_hz;
	}
	rc = sbi_init();
	if (rc) {
		return rc;
	}
	if (bi->isa[0]) {
		printk("riscv: ISA %s\n", bi->isa);
	}
	riscv_detect_features(bi->isa);
	printk("riscv: H extension present, Sstc %s, Svpbmt %s, timebase %llu Hz\n",
	       riscv_features.sstc ? "yes" : "no",
	       riscv_features.svpbmt ? "yes" : "no",
	       (unsigned long long)riscv_timebase_hz);
	if (riscv_features.vector) {
		printk("riscv: vector VLEN %lu bits, switched for guests\n",
		       riscv_features.vlenb * 8);
	}
	riscv_irqchip_init(bi->fdt);
	hart_init(0);
	return arch_p2m_setup();
}

int arch_cpu_up(unsigned int cpu, unsigned long hwid)
{
	struct pcpu *p;

	if (cpu >= CONFIG_NR_CPUS) {
		return -EINVAL;
	}
	p = &pcpu_info[cpu];
	if (!p->stack_top) {
		return -EINVAL;
	}
	WRITE_ONCE(riscv_cpu_up_pcpu, virt_to_maddr(p));
	WRITE_ONCE(riscv_cpu_up_hartid, hwid);
	smp_mb();
	return sbi_hart_start(hwid, virt_to_maddr(riscv_secondary_start),
			      virt_to_maddr(p));
}

void arch_cpu_up_poke(unsigned int cpu, unsigned long hwid, const char **why)
{
	long st = sbi_hart_get_status(hwid);

	switch (st) {
	case 0:
		*why = "firmware says started";
		break;
	case 1:
		*why = "firmware says stopped";
		break;
	case 2:
		/*
		 * START_PENDING: the firmware took the request but the hart
		 * has not left its wait loop (SBI v2.0 chapter 9). Its loop
		 * re-checks the state on any wake-up: an IPI is one, in case
		 * the first was missed.
		 */
		*why = "firmware says start pending (woken again)";
		sbi_send_ipi(hwid);
		break;
	default:
		*why = "firmware state unknown";
		break;
	}
}

/*
 * Power off. A clean stop is SRST shutdown with reason "none": OpenSBI
 * writes FINISHER_PASS to the sifive,test device and QEMU exits 0.
 *
 * Reason SYSTEM_FAILURE is no way to fail: Debian's OpenSBI 1.1 ignores
 * the reason in its sifive,test driver and writes FINISHER_PASS for every
 * shutdown (measured: QEMU exits 0). So the unclean path writes
 * FINISHER_FAIL with exit code 1 in bits 31..16 to the device itself (the
 * root OpenSBI domain lets S-mode reach it), and only falls back to SRST
 * when the device tree has no sifive,test node (or the store did not stop
 * the machine).
 */
void arch_machine_poweroff(bool clean)
{
	/* Nothing queued for the UART is lost with the machine. */
	console_sync();
	local_irq_disable();
	if (!clean && finisher) {
		u64 t0 = csr_read(CSR_TIME);

		*finisher = FINISHER_FAIL | (1U << 16);
		mb();
		/*
		 * QEMU 7.2's sifive,test calls exit() on FINISHER_FAIL, so
		 * nothing after the store ran there. Later QEMUs (10.0
		 * measured) only request a shutdown with that code, which
		 * the main loop acts on while this hart runs on: an SRST
		 * now has OpenSBI write FINISHER_PASS and QEMU then exits 0
		 * about one time in three. Wait for the shutdown; fall
		 * through to SRST only when 10 s pass without one (a
		 * sifive,test that is not QEMU's finisher).
		 */
		while (csr_read(CSR_TIME) - t0 < 10 * arch_counter_freq())
			cpu_relax();
	}
	sbi_system_reset(SBI_SRST_TYPE_SHUTDOWN,
			 clean ? SBI_SRST_REASON_NONE :
				 SBI_SRST_REASON_SYSFAIL);
	if (finisher) {
		*finisher = clean ? FINISHER_PASS : FINISHER_FAIL | (1U << 16);
		mb();
	}
	for (;;) {
		__asm__ __volatile__("wfi");
	}
}

void arch_cpu_idle(void)
{
	unsigned long flags = local_irq_save();

	/*
	 * wfi wakes up on any interrupt enabled in sie even with
	 * sstatus.SIE clear; the pending one is taken once SIE is set.
	 */
	__asm__ __volatile__("wfi" ::: "memory");
	local_irq_enable();
	__asm__ __volatile__("nop" ::: "memory");
	if (!flags) {
		local_irq_disable();
	}
}

void arch_dump_state(void)
{
	unsigned long ra = (unsigned long)__builtin_return_address(0);
	unsigned long sp, tp;

	__asm__ __volatile__("mv %0, sp" : "=r"(sp));
	__asm__ __volatile__("mv %0, tp" : "=r"(tp));
	printk(XL_ERR "hart %lu: ra %#lx sp %#lx tp %#lx\n", this_cpu()->hwid,
	       ra, sp, tp);
	printk(XL_ERR "sstatus %#lx sie %#lx sip %#lx stvec %#lx\n",
	       csr_read(CSR_SSTATUS), csr_read(CSR_SIE), csr_read(CSR_SIP),
	       csr_read(CSR_STVEC));
	printk(XL_ERR "sepc %#lx scause %#lx stval %#lx\n", csr_read(CSR_SEPC),
	       csr_read(CSR_SCAUSE), csr_read(CSR_STVAL));
	printk(XL_ERR
	       "hstatus %#lx hgatp %#lx hvip %#lx htval %#lx htinst %#lx\n",
	       csr_read(CSR_HSTATUS), csr_read(CSR_HGATP), csr_read(CSR_HVIP),
	       csr_read(CSR_HTVAL), csr_read(CSR_HTINST));
}

void arch_send_ipi(unsigned int cpu)
{
	if (cpu >= nr_cpu_ids) {
		return;
	}
	/* An MSI to its S-level file costs no trip through the firmware. */
	if (riscv_aia_imsic) {
		imsic_send(cpu, IMSIC_ID_IPI);
	} else {
		sbi_send_ipi(pcpu_info[cpu].hwid);
	}
}
