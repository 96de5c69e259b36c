// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the RISC-V virtual PLIC, virtual AIA (vAPLIC, emulated
 * IMSIC files), virtual 16550 and MMIO decoding and emulation
 * (arch/riscv/vplic.c, vaplic.c, vimsic.c, vuart.c, insn.c, exit.c) with
 * fake domains, vCPUs and console.
 */
#include <string.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <asm/csr.h>
#include <asm/exit.h>
#include <asm/riscv.h>
#include <asm/vcpu.h>
#include <asm/vector.h>
#include <asm/aia.h>
#include <asm/aplic.h>
#include <asm/vaplic.h>
#include <asm/vimsic.h>
#include <asm/vplic.h>
#include <asm/vuart.h>
#include "harness.h"

static struct domain dom;
static struct vcpu vcpus[2];
static int notified[2];
static char out[256];
static unsigned int out_len;
static const char *in;
static int crashed;
static unsigned long fake_insn;
static struct {
	int count;
	unsigned long cause, tval;
} injected;

void riscv_vcpu_notify(struct vcpu *v)
{
	notified[v->id]++;
}

void domain_console_putc(struct domain *d, char c)
{
	if (out_len < sizeof(out) - 1) {
		out[out_len++] = c;
	}
}

/* The console has no room for the domain's output (budget, ring share). */
static bool console_full;

/* As common/domain_console.c: a check that finds no room is remembered. */
bool domain_console_tx_ready(struct domain *d, size_t more)
{
	if (console_full)
		d->out_tx_wait = true;
	return !console_full;
}

/* What CPU0's console poll does once there is room again. */
static void console_poll_finds_room(void)
{
	console_full = false;
	dom.out_tx_wait = false;
	vuart_tx_ready(&dom);
}

/*
 * The console input @s for dom: domain_console_has_input() is inline
 * (xen-lite/domain.h) and reads the ring's head and tail, kept here as
 * the count of bytes given and taken.
 */
static void set_input(const char *s)
{
	in = s;
	dom.in_tail = 0;
	dom.in_head = s ? (u32)strlen(s) : 0;
}

int domain_console_getc(struct domain *d)
{
	if (!in || !*in) {
		return -1;
	}
	d->in_tail++;
	return (unsigned char)*in++;
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	crashed++;
}

void printk(const char *fmt, ...)
{
}

void riscv_vcpu_inject_exception(struct vcpu *v, unsigned long cause,
				 unsigned long tval)
{
	injected.count++;
	injected.cause = cause;
	injected.tval = tval;
}

unsigned long riscv_guest_load_insn(unsigned long gva)
{
	return fake_insn;
}

struct riscv_features riscv_features;
static int claimed, yielded;

void sched_yield(void)
{
	yielded++;
}

/* vcpu.c's lazy vector load: counted. */
void riscv_vector_claim(struct vcpu *v)
{
	claimed++;
	v->arch.gregs.sstatus |= SSTATUS_VS_CLEAN;
}

/* The PV MMU's exit of exit.c: no test here reaches it. */
bool riscv_pv_virtual_insn(struct vcpu *v, unsigned long insn)
{
	xl_test_failed = 1;
	return false;
}

static void setup(void)
{
	memset(&dom, 0, sizeof(dom));
	memset(vcpus, 0, sizeof(vcpus));
	memset(notified, 0, sizeof(notified));
	out_len = 0;
	set_input(NULL);
	console_full = false;
	dom.out_tx_wait = false;
	crashed = 0;
	memset(&injected, 0, sizeof(injected));
	memset(&riscv_features, 0, sizeof(riscv_features));
	claimed = yielded = 0;
	dom.nr_vcpus = 2;
	for (unsigned int i = 0; i < 2; i++) {
		vcpus[i].id = i;
		vcpus[i].domain = &dom;
		dom.vcpus[i] = &vcpus[i];
	}
	vplic_init(&dom, 2);
	vuart_init(&dom);
}

/* Device accesses that must succeed; a failure fails the running test. */
static void must(int rc)
{
	if (rc) {
		fprintf(stderr, "  device access failed: %d\n", rc);
		xl_test_failed = 1;
	}
}

static u32 plic_rd(unsigned int cpu, u64 off)
{
	u64 v = 0xdead;

	must(vplic_mmio(&vcpus[cpu], NULL, off, 4, false, &v));
	return (u32)v;
}

static void plic_wr(unsigned int cpu, u64 off, u32 val)
{
	u64 v = val;

	must(vplic_mmio(&vcpus[cpu], NULL, off, 4, true, &v));
}

static u8 uart_rd(u64 off)
{
	u64 v = 0xdead;

	must(vuart_mmio(&vcpus[0], NULL, off, 1, false, &v));
	return (u8)v;
}

static void uart_wr(u64 off, u8 val)
{
	u64 v = val;

	must(vuart_mmio(&vcpus[0], NULL, off, 1, true, &v));
}

TEST(vplic_claim_complete_priority_threshold)
{
	setup();
	plic_wr(0, 4 * 3, 2); /* priority of source 3 */
	plic_wr(0, 4 * 5, 6); /* priority of source 5 */
	plic_wr(0, 0x2000, (1 << 3) | (1 << 5)); /* context 0 enables */
	vplic_set_level(&dom, 3, true);
	CHECK(vcpus[0].arch.eip_level);
	CHECK(!vcpus[1].arch.eip_level);
	CHECK_EQ(plic_rd(0, 0x1000), 1U << 3);
	vplic_set_level(&dom, 5, true);
	/* highest priority first */
	CHECK_EQ(plic_rd(0, 0x200004), 5U);
	CHECK_EQ(plic_rd(0, 0x200004), 3U);
	CHECK_EQ(plic_rd(0, 0x200004), 0U);
	CHECK(!vcpus[0].arch.eip_level);
	/* still high at completion: pending again */
	plic_wr(0, 0x200004, 5);
	CHECK(vcpus[0].arch.eip_level);
	vplic_set_level(&dom, 5, false);
	CHECK(!vcpus[0].arch.eip_level);
	/* threshold masks priorities at or below it */
	plic_wr(0, 0x200004, 3);
	plic_wr(0, 0x200000, 2);
	CHECK_EQ(plic_rd(0, 0x200000), 2U);
	CHECK(!vcpus[0].arch.eip_level);
	plic_wr(0, 0x200000, 1);
	CHECK(vcpus[0].arch.eip_level);
	CHECK(notified[0] > 0);
	CHECK_EQ(notified[1], 0);
}

/*
 * Every source at one priority: claims in source order (ties go to the
 * lowest ID, PLIC spec 1.0.0, "Interrupt Priorities"), through every bit
 * position of vplic.c's lowest_bit(); then a higher priority at the top
 * and at the bottom first. A line set again at its level changes nothing.
 */
TEST(vplic_claim_order_every_source)
{
	u32 all = ~1U;

	setup();
	for (unsigned int src = 1; src < 32; src++) {
		plic_wr(0, 4 * src, 1);
	}
	plic_wr(0, 0x2000, all);
	for (unsigned int src = 1; src < 32; src++) {
		vplic_set_level(&dom, src, true);
	}
	CHECK_EQ(plic_rd(0, 0x1000), all);
	for (unsigned int src = 1; src < 32; src++) {
		CHECK_EQ(plic_rd(0, 0x200004), src);
		/* Still high and claimed: setting it again pends nothing. */
		vplic_set_level(&dom, src, true);
	}
	CHECK_EQ(plic_rd(0, 0x200004), 0U);
	CHECK_EQ(plic_rd(0, 0x1000), 0U);
	CHECK(!vcpus[0].arch.eip_level);
	for (unsigned int src = 1; src < 32; src++) {
		plic_wr(0, 0x200004, src); /* complete: high, pending again */
	}
	CHECK_EQ(plic_rd(0, 0x1000), all);
	plic_wr(0, 4 * 31, 3);
	plic_wr(0, 4 * 1, 2);
	CHECK_EQ(plic_rd(0, 0x200004), 31U);
	CHECK_EQ(plic_rd(0, 0x200004), 1U);
	CHECK_EQ(plic_rd(0, 0x200004), 2U);
}

TEST(vplic_contexts_and_bad_accesses)
{
	u64 v = 0;

	setup();
	plic_wr(1, 4 * 7, 1);
	plic_wr(1, 0x2080, 1 << 7); /* context 1 */
	vplic_set_level(&dom, 7, true);
	CHECK(vcpus[1].arch.eip_level);
	CHECK(!vcpus[0].arch.eip_level);
	CHECK_EQ(plic_rd(1, 0x201004), 7U);
	/* source 0 does not exist; out-of-range sources are ignored */
	plic_wr(0, 0, 7);
	CHECK_EQ(plic_rd(0, 0), 0U);
	vplic_set_level(&dom, 0, true);
	vplic_set_level(&dom, 99, true);
	/* a context that does not exist, a byte access */
	CHECK(vplic_mmio(&vcpus[0], NULL, 0x200000 + 5 * 0x1000, 4, false,
			 &v) != 0);
	CHECK(vplic_mmio(&vcpus[0], NULL, 4, 1, false, &v) != 0);
	/* completing a source that is not enabled is ignored */
	plic_wr(0, 0x200004, 7);
	CHECK(!vcpus[0].arch.eip_level);
}

TEST(vuart_transmit_and_thre_interrupt)
{
	setup();
	plic_wr(0, 4 * VUART_IRQ, 1);
	plic_wr(0, 0x2000, 1 << VUART_IRQ);
	CHECK_EQ(uart_rd(5) & 0x60, 0x60); /* THRE | TEMT */
	uart_wr(0, 'o');
	uart_wr(0, 'k');
	CHECK_EQ(out_len, 2U);
	CHECK(!memcmp(out, "ok", 2));
	CHECK_EQ(uart_rd(2) & 0x0f, 0x01); /* no interrupt: IER is 0 */
	uart_wr(1, 0x02); /* IER.THRI */
	CHECK(vcpus[0].arch.eip_level);
	CHECK_EQ(uart_rd(2) & 0x0f, 0x02); /* THRI reported ... */
	CHECK_EQ(uart_rd(2) & 0x0f, 0x01); /* ... and cleared by the read */
	CHECK(!vcpus[0].arch.eip_level);
	/* scratch register and divisor latch */
	uart_wr(7, 0x5a);
	CHECK_EQ(uart_rd(7), 0x5a);
	uart_wr(3, 0x83);
	uart_wr(0, 0x01);
	CHECK_EQ(uart_rd(0), 0x01);
	CHECK_EQ(out_len, 2U);
	uart_wr(3, 0x03);
}

/*
 * While the domain's console output has no room, LSR says THR is full and
 * no THR-empty interrupt comes; once there is room (vuart_tx_ready(), from
 * the console poll) THRE is back and so is the interrupt. LSR shows what
 * the last write found (the console is not asked on every LSR read).
 */
TEST(vuart_full_while_console_has_no_room)
{
	setup();
	plic_wr(0, 4 * VUART_IRQ, 1);
	plic_wr(0, 0x2000, 1 << VUART_IRQ);
	console_full = true;
	CHECK_EQ(uart_rd(5) & 0x60, 0x60); /* nothing has found it full yet */
	uart_wr(0, 'x');
	CHECK_EQ(uart_rd(5) & 0x60, 0x00); /* neither THRE nor TEMT */
	uart_wr(1, 0x02); /* IER.THRI: THR is not empty, no interrupt */
	CHECK(!vcpus[0].arch.eip_level);
	CHECK_EQ(uart_rd(2) & 0x0f, 0x01);
	console_poll_finds_room();
	CHECK(vcpus[0].arch.eip_level);
	CHECK_EQ(uart_rd(5) & 0x60, 0x60);
	CHECK_EQ(uart_rd(2) & 0x0f, 0x02);
	/* A write that leaves the console full: no THR-empty interrupt. */
	console_full = true;
	uart_wr(0, 'x');
	CHECK(!vcpus[0].arch.eip_level);
	CHECK_EQ(uart_rd(2) & 0x0f, 0x01);
	console_full = false;
	uart_wr(1, 0x00);
}

TEST(vuart_receive_interrupt)
{
	setup();
	plic_wr(0, 4 * VUART_IRQ, 1);
	plic_wr(0, 0x2000, 1 << VUART_IRQ);
	uart_wr(1, 0x01); /* IER.RDI */
	CHECK(!vcpus[0].arch.eip_level);
	set_input("hi");
	vuart_input(&dom);
	CHECK(vcpus[0].arch.eip_level);
	CHECK_EQ(uart_rd(2) & 0x0f, 0x04);
	CHECK_EQ(uart_rd(5) & 1, 1);
	CHECK_EQ(uart_rd(0), 'h');
	CHECK_EQ(uart_rd(0), 'i');
	CHECK_EQ(uart_rd(5) & 1, 0);
	CHECK(!vcpus[0].arch.eip_level);
}

/* A guest-page fault at @gpa by instruction @insn (htinst 0: fetched). */
static enum exit_action fault(u64 gpa, u32 insn, bool store)
{
	struct cpu_regs *r = &vcpus[0].arch.gregs;

	fake_insn = insn;
	r->htinst = 0;
	r->sepc = 0x1000;
	r->scause = store ? EXC_STORE_GUEST_PAGE_FAULT :
			    EXC_LOAD_GUEST_PAGE_FAULT;
	return riscv_mmio_fault(&vcpus[0], gpa);
}

TEST(mmio_decode_loads_stores)
{
	struct cpu_regs *r = &vcpus[0].arch.gregs;

	setup();
	/* sb a1, 0(a0) -> THR */
	cpu_regs_set(r, REG_A1, 'x');
	CHECK_EQ(fault(VUART_BASE, 0x00b50023, true), EXIT_RESUME);
	CHECK_EQ(r->sepc, 0x1004UL);
	CHECK_EQ(out_len, 1U);
	CHECK_EQ(out[0], 'x');
	/* lbu a2, 5(a0) -> LSR, zero-extended */
	CHECK_EQ(fault(VUART_BASE + 5, 0x00554603, false), EXIT_RESUME);
	CHECK_EQ(cpu_regs_get(r, REG_A2), 0x60UL);
	/* lw a3, 0(a0) from a priority register holding 7: sign ext. */
	plic_wr(0, 4, 7);
	CHECK_EQ(fault(VPLIC_BASE + 4, 0x00052683, false), EXIT_RESUME);
	CHECK_EQ(cpu_regs_get(r, REG_A3), 7UL);
	/* c.lw a4, 0(a5) (compressed): 2-byte instruction */
	CHECK_EQ(fault(VPLIC_BASE + 4, 0x4398, false), EXIT_RESUME);
	CHECK_EQ(r->sepc, 0x1002UL);
	CHECK_EQ(cpu_regs_get(r, REG_A4), 7UL);
	/* c.sw a4, 0(a5) */
	cpu_regs_set(r, REG_A4, 3);
	CHECK_EQ(fault(VPLIC_BASE + 4, 0xc398, true), EXIT_RESUME);
	CHECK_EQ(plic_rd(0, 4), 3U);
	/* a transformed instruction in htinst is used without a fetch */
	r->htinst = 0x00052683 & ~(0x1fU << 15);
	fake_insn = 0;
	r->sepc = 0x2000;
	r->scause = EXC_LOAD_GUEST_PAGE_FAULT;
	CHECK_EQ(riscv_mmio_fault(&vcpus[0], VPLIC_BASE + 4), EXIT_RESUME);
	CHECK_EQ(r->sepc, 0x2004UL);
	CHECK_EQ(cpu_regs_get(r, REG_A3), 3UL);
	CHECK_EQ(crashed, 0);
}

/*
 * Illegal-instruction exits come only while a vCPU's vector state is not
 * live (hedeleg, vcpu.c): with V switched and the HS-level sstatus.VS
 * Off, the state is loaded and the instruction runs again (sepc kept, no
 * injection); otherwise it is the guest's, injected with its stval.
 */
TEST(illegal_insn_loads_vector_state_lazily)
{
	struct cpu_regs *r = &vcpus[0].arch.gregs;

	setup();
	riscv_features.vector = true;
	riscv_features.vlenb = 16;
	r->scause = EXC_ILLEGAL_INST;
	r->sepc = 0x1000;
	r->stval = 0x02008057; /* vadd.vv v0, v0, v0 */
	r->sstatus = SSTATUS_SPP | SSTATUS_FS_CLEAN | SSTATUS_VS_OFF;
	CHECK_EQ(riscv_exit_illegal_insn(&vcpus[0]), EXIT_RESUME);
	CHECK_EQ(claimed, 1);
	CHECK_EQ(injected.count, 0);
	CHECK_EQ(r->sepc, 0x1000UL);
	/* Live (VS Clean or Dirty): an illegal instruction of the guest. */
	CHECK_EQ(riscv_exit_illegal_insn(&vcpus[0]), EXIT_RESUME);
	CHECK_EQ(claimed, 1);
	CHECK_EQ(injected.count, 1);
	CHECK_EQ(injected.cause, (unsigned long)EXC_ILLEGAL_INST);
	CHECK_EQ(injected.tval, 0x02008057UL);
	r->sstatus |= SSTATUS_VS_DIRTY;
	CHECK_EQ(riscv_exit_illegal_insn(&vcpus[0]), EXIT_RESUME);
	CHECK_EQ(claimed, 1);
	CHECK_EQ(injected.count, 2);
}

TEST(illegal_insn_without_vector_is_injected)
{
	struct cpu_regs *r = &vcpus[0].arch.gregs;

	setup();
	/* V hidden (no V, or not switched): VS Off says nothing. */
	r->scause = EXC_ILLEGAL_INST;
	r->sepc = 0x1000;
	r->stval = 0xffffffff;
	r->sstatus = SSTATUS_SPP;
	CHECK_EQ(riscv_exit_illegal_insn(&vcpus[0]), EXIT_RESUME);
	CHECK_EQ(claimed, 0);
	CHECK_EQ(injected.count, 1);
	CHECK_EQ(injected.tval, 0xffffffffUL);
	CHECK_EQ(r->sepc, 0x1000UL);
}

/* Zawrs: WRS.NTO's virtual-instruction exit completes it; WRS.STO and
 * other unknown instructions are illegal to the guest. */
TEST(virtual_insn_wrs_nto_completes)
{
	struct cpu_regs *r = &vcpus[0].arch.gregs;

	setup();
	r->scause = EXC_VIRTUAL_INST;
	r->sepc = 0x1000;
	r->sstatus = 0; /* from VU-mode as well */
	CHECK_EQ(riscv_exit_virtual_insn(&vcpus[0], INSN_WRS_NTO), EXIT_RESUME);
	CHECK_EQ(r->sepc, 0x1004UL);
	CHECK_EQ(injected.count, 0);
	CHECK_EQ(yielded, 1);
	/* wrs.sto never traps (bounded): not expected here */
	CHECK_EQ(riscv_exit_virtual_insn(&vcpus[0], 0x01d00073), EXIT_RESUME);
	CHECK_EQ(r->sepc, 0x1004UL);
	CHECK_EQ(injected.count, 1);
	CHECK_EQ(injected.cause, (unsigned long)EXC_ILLEGAL_INST);
}

TEST(mmio_unowned_crashes_domain_under_crash_policy)
{
	struct cpu_regs *r = &vcpus[0].arch.gregs;

	setup();
	dom.cfg.mmio_fault_crash = true;
	/* outside every device: the domain is crashed, nothing emulated */
	CHECK_EQ(fault(0x20000000, 0x00052683, false), EXIT_LEAVE);
	CHECK_EQ(crashed, 1);
	CHECK_EQ(injected.count, 0);
	CHECK_EQ(r->sepc, 0x1000UL);
	/* an AMO on a device register is not emulated */
	CHECK_EQ(fault(VPLIC_BASE, 0x00b5202f, true), EXIT_LEAVE);
	CHECK_EQ(crashed, 2);
}

TEST(mmio_unowned_injects_access_fault_by_default)
{
	struct cpu_regs *r = &vcpus[0].arch.gregs;

	setup();
	/* lw a3, 0(a0) outside every device: load access fault (5) */
	r->stval = 0xffffffc000001234UL; /* the guest virtual address */
	CHECK_EQ(fault(0x20000000, 0x00052683, false), EXIT_RESUME);
	CHECK_EQ(crashed, 0);
	CHECK_EQ(injected.count, 1);
	CHECK_EQ(injected.cause, (unsigned long)EXC_LOAD_ACCESS);
	CHECK_EQ(injected.tval, 0xffffffc000001234UL);
	/* not emulated: the instruction is not skipped by the handler */
	CHECK_EQ(r->sepc, 0x1000UL);
	/* a store: store/AMO access fault (7), even if undecodable */
	CHECK_EQ(fault(0x20000008, 0x00b5202f, true), EXIT_RESUME);
	CHECK_EQ(injected.count, 2);
	CHECK_EQ(injected.cause, (unsigned long)EXC_STORE_ACCESS);
	/* a fetch: instruction access fault (1) */
	r->scause = EXC_INST_GUEST_PAGE_FAULT;
	CHECK_EQ(riscv_unassigned_access(&vcpus[0], 0x20000000), EXIT_RESUME);
	CHECK_EQ(injected.cause, (unsigned long)EXC_INST_ACCESS);
	CHECK_EQ(crashed, 0);
	/* an AMO on a device register is still not emulated: crash */
	CHECK_EQ(fault(VPLIC_BASE, 0x00b5202f, true), EXIT_LEAVE);
	CHECK_EQ(crashed, 1);
}

/* ---- virtual AIA: vAPLIC (MSI mode) and emulated IMSIC files ---- */

unsigned long vimsic_test_vsiselect;
static unsigned int hw_sends;

void vimsic_hw_send(paddr_t pa, unsigned int id)
{
	hw_sends++;
}

/* A 2-vCPU domain with an AIA instead of the vPLIC. */
static void setup_aia(void)
{
	setup();
	memset(&dom.vmmio, 0, sizeof(dom.vmmio));
	dom.arch.aia = true;
	dom.cfg.vcpus = 2;
	hw_sends = 0;
	must(vuart_init(&dom));
	must(vaplic_init(&dom));
	must(vimsic_init(&dom));
	for (unsigned int i = 0; i < 2; i++) {
		vimsic_vcpu_init(&vcpus[i]);
	}
}

static unsigned long ireg(unsigned int cpu, unsigned long isel)
{
	unsigned long old = 0xdead;

	must(vimsic_csr(&vcpus[cpu], CSR_SIREG, isel, &old, false, 0, 0));
	return old;
}

static void ireg_wr(unsigned int cpu, unsigned long isel, unsigned long v)
{
	unsigned long old;

	must(vimsic_csr(&vcpus[cpu], CSR_SIREG, isel, &old, true, v, ~0UL));
}

static unsigned long topei(unsigned int cpu, bool claim)
{
	unsigned long old = 0xdead;

	must(vimsic_csr(&vcpus[cpu], CSR_STOPEI, 0, &old, claim, 0, ~0UL));
	return old;
}

static u32 aplic_rd(u64 off)
{
	u64 v = 0xdead;

	must(vaplic_mmio(&vcpus[0], NULL, off, 4, false, &v));
	return (u32)v;
}

static void aplic_wr(u64 off, u32 val)
{
	u64 v = val;

	must(vaplic_mmio(&vcpus[0], NULL, off, 4, true, &v));
}

static void imsic_wr(unsigned int from, u64 off, u32 val)
{
	u64 v = val;

	must(vimsic_mmio(&vcpus[from], NULL, off, 4, true, &v));
}

TEST(vimsic_file_registers)
{
	unsigned long old;

	setup_aia();
	CHECK_EQ(ireg(0, IMSIC_EIDELIVERY), 0UL);
	ireg_wr(0, IMSIC_EIDELIVERY, ~0UL);
	/* Only 0 and 1: 0x40000000 (direct-mode APLIC) is not there. */
	CHECK_EQ(ireg(0, IMSIC_EIDELIVERY), 1UL);
	ireg_wr(0, IMSIC_EITHRESHOLD, 0x1ff);
	CHECK_EQ(ireg(0, IMSIC_EITHRESHOLD), (unsigned long)VIMSIC_NR_IDS);
	ireg_wr(0, IMSIC_EIE0, ~0UL);
	/* Identity 0 does not exist: bit 0 reads zero. */
	CHECK_EQ(ireg(0, IMSIC_EIE0), ~1UL);
	ireg_wr(0, IMSIC_EIP0, 0x11);
	CHECK_EQ(ireg(0, IMSIC_EIP0), 0x10UL);
	/* Identities above 63 are not implemented: read zero. */
	ireg_wr(0, IMSIC_EIE0 + 2, ~0UL);
	CHECK_EQ(ireg(0, IMSIC_EIE0 + 2), 0UL);
	CHECK_EQ(ireg(0, IMSIC_EIP0 + 0x3e), 0UL);
	/* The other vCPU's file is its own. */
	CHECK_EQ(ireg(1, IMSIC_EIE0), 0UL);
	/* RV64: odd registers and the reserved ones do not exist. */
	CHECK(vimsic_csr(&vcpus[0], CSR_SIREG, IMSIC_EIE0 + 1, &old, false, 0,
			 0) == -EINVAL);
	CHECK(vimsic_csr(&vcpus[0], CSR_SIREG, 0x71, &old, false, 0, 0) ==
	      -EINVAL);
	CHECK(vimsic_csr(&vcpus[0], CSR_SIREG, 0x30, &old, false, 0, 0) ==
	      -EINVAL);
	CHECK(vimsic_csr(&vcpus[0], CSR_SATP, 0, &old, false, 0, 0) == -EINVAL);
}

TEST(vimsic_topei_threshold_delivery_and_claim)
{
	setup_aia();
	ireg_wr(1, IMSIC_EIE0, (1UL << 3) | (1UL << 5));
	imsic_wr(0, IMSIC_PAGE_SIZE + IMSIC_SETEIPNUM_LE, 5);
	imsic_wr(0, IMSIC_PAGE_SIZE + IMSIC_SETEIPNUM_BE, __builtin_bswap32(3));
	/* Pending and enabled, but eidelivery 0: no line, topei reports. */
	CHECK(!vcpus[1].arch.eip_level);
	CHECK_EQ(topei(1, false), (3UL << 16) | 3);
	ireg_wr(1, IMSIC_EIDELIVERY, 1);
	CHECK(vcpus[1].arch.eip_level);
	CHECK(notified[1] >= 1);
	CHECK(!vcpus[0].arch.eip_level);
	/* A threshold of 4 hides 5 (only identities below it). */
	ireg_wr(1, IMSIC_EITHRESHOLD, 4);
	CHECK_EQ(topei(1, true), (3UL << 16) | 3);
	CHECK_EQ(topei(1, false), 0UL);
	CHECK(!vcpus[1].arch.eip_level);
	ireg_wr(1, IMSIC_EITHRESHOLD, 0);
	CHECK(vcpus[1].arch.eip_level);
	CHECK_EQ(topei(1, true), (5UL << 16) | 5);
	CHECK(!vcpus[1].arch.eip_level);
	CHECK_EQ(ireg(1, IMSIC_EIP0), 0UL);
	/* An identity not enabled stays pending, interrupting nobody. */
	imsic_wr(1, IMSIC_PAGE_SIZE, 9);
	CHECK_EQ(ireg(1, IMSIC_EIP0), 1UL << 9);
	CHECK(!vcpus[1].arch.eip_level);
}

TEST(vimsic_page_writes_and_bad_accesses)
{
	u64 v = 0xdead;

	setup_aia();
	imsic_wr(1, 0, 0); /* identity 0: nothing */
	imsic_wr(1, 0, 64); /* not implemented */
	imsic_wr(1, 0, 0x10000 | 2); /* not an identity */
	imsic_wr(1, 8, 2); /* reserved register */
	CHECK_EQ(ireg(0, IMSIC_EIP0), 0UL);
	imsic_wr(1, 0, 63);
	CHECK_EQ(ireg(0, IMSIC_EIP0), 1UL << 63);
	/* Beyond the last vCPU's page: ignored. */
	imsic_wr(0, 2 * IMSIC_PAGE_SIZE, 4);
	must(vimsic_mmio(&vcpus[0], NULL, 0, 4, false, &v));
	CHECK_EQ(v, 0ULL);
	CHECK(vimsic_mmio(&vcpus[0], NULL, 0, 8, true, &v) == -EINVAL);
	CHECK(vimsic_mmio(&vcpus[0], NULL, 2, 4, true, &v) == -EINVAL);
	/* A vCPU with a hardware guest file gets the identity there. */
	vcpus[1].arch.vimsic.hw_file = 1;
	imsic_wr(0, IMSIC_PAGE_SIZE, 6);
	CHECK_EQ(hw_sends, 1U);
	CHECK_EQ(vcpus[1].arch.vimsic.eip, 0ULL);
}

/* csr{rw,rs,rc}[i] rd, csr, rs1 */
static unsigned long csr_insn(unsigned int funct3, unsigned int csr,
			      unsigned int rd, unsigned int rs1)
{
	return ((unsigned long)csr << 20) | (rs1 << 15) | (funct3 << 12) |
	       (rd << 7) | 0x73;
}

TEST(vimsic_csr_instructions)
{
	struct cpu_regs *r = &vcpus[0].arch.gregs;

	setup_aia();
	r->sepc = 0x1000;
	vimsic_test_vsiselect = IMSIC_EIE0;
	/* csrrw x0, sireg, a1 */
	cpu_regs_set(r, REG_A1, 0xf0);
	CHECK(vimsic_virtual_insn(&vcpus[0], csr_insn(1, CSR_SIREG, 0, REG_A1),
				  vimsic_test_vsiselect));
	CHECK_EQ(vcpus[0].arch.vimsic.eie, 0xf0ULL);
	CHECK_EQ(r->sepc, 0x1004UL);
	/* csrrc a0, sireg, a1 with a1 = 0x10: reads, then clears */
	cpu_regs_set(r, REG_A1, 0x10);
	CHECK(vimsic_virtual_insn(&vcpus[0],
				  csr_insn(3, CSR_SIREG, REG_A0, REG_A1),
				  vimsic_test_vsiselect));
	CHECK_EQ(cpu_regs_get(r, REG_A0), 0xf0UL);
	CHECK_EQ(vcpus[0].arch.vimsic.eie, 0xe0ULL);
	/* csrrsi a0, sireg, 1: bit 0 stays zero */
	CHECK(vimsic_virtual_insn(&vcpus[0], csr_insn(6, CSR_SIREG, REG_A0, 1),
				  vimsic_test_vsiselect));
	CHECK_EQ(vcpus[0].arch.vimsic.eie, 0xe0ULL);
	/* csrrs a0, stopei, x0 reads without claiming; csrrs with a
	 * register (even one holding 0) writes, and claims. */
	vimsic_send(&vcpus[0], 5);
	CHECK(vimsic_virtual_insn(&vcpus[0], csr_insn(2, CSR_STOPEI, REG_A0, 0),
				  0));
	CHECK_EQ(cpu_regs_get(r, REG_A0), (5UL << 16) | 5);
	CHECK_EQ(vcpus[0].arch.vimsic.eip, 1ULL << 5);
	cpu_regs_set(r, REG_A1, 0);
	CHECK(vimsic_virtual_insn(&vcpus[0],
				  csr_insn(2, CSR_STOPEI, REG_A0, REG_A1), 0));
	CHECK_EQ(cpu_regs_get(r, REG_A0), (5UL << 16) | 5);
	CHECK_EQ(vcpus[0].arch.vimsic.eip, 0ULL);
	CHECK_EQ(injected.count, 0);
	/* An odd eie register: illegal instruction, sepc unchanged. */
	r->sepc = 0x2000;
	CHECK(vimsic_virtual_insn(&vcpus[0], csr_insn(2, CSR_SIREG, REG_A0, 0),
				  IMSIC_EIE0 + 1));
	CHECK_EQ(injected.count, 1);
	CHECK_EQ(injected.cause, (unsigned long)EXC_ILLEGAL_INST);
	CHECK_EQ(r->sepc, 0x2000UL);
	/* Not sireg or stopei, or not a CSR instruction: not the file's. */
	CHECK(!vimsic_virtual_insn(&vcpus[0], csr_insn(2, CSR_SATP, REG_A0, 0),
				   0));
	CHECK(!vimsic_virtual_insn(&vcpus[0], 0x10500073UL, 0));
	CHECK(!vimsic_virtual_insn(&vcpus[0], csr_insn(4, CSR_SIREG, REG_A0, 0),
				   0));
}

#define SRCCFG(s) (APLIC_SOURCECFG + 4 * ((s)-1))
#define TARGET(s) (APLIC_TARGET + 4 * ((s)-1))

/* Source @src: level-high, to vCPU @hart's identity @eiid, enabled. */
static void aplic_source(unsigned int src, unsigned int mode, unsigned int hart,
			 unsigned int eiid)
{
	aplic_wr(SRCCFG(src), mode);
	aplic_wr(TARGET(src), (hart << APLIC_TARGET_HART_SHIFT) | eiid);
	aplic_wr(APLIC_SETIENUM, src);
}

TEST(vaplic_level_source_msi_and_retrigger)
{
	setup_aia();
	CHECK_EQ(aplic_rd(APLIC_DOMAINCFG),
		 APLIC_DOMAINCFG_RDONLY | APLIC_DOMAINCFG_DM);
	aplic_source(10, APLIC_SM_LEVEL1, 1, 7);
	CHECK_EQ(aplic_rd(TARGET(10)), (1U << 18) | 7);
	/* IE clear: the source pends, no MSI. */
	vplic_set_level(&dom, 10, true);
	CHECK_EQ(aplic_rd(APLIC_SETIP), 1U << 10);
	CHECK_EQ(aplic_rd(APLIC_IN_CLRIP), 1U << 10);
	CHECK_EQ(vcpus[1].arch.vimsic.eip, 0ULL);
	aplic_wr(APLIC_DOMAINCFG, APLIC_DOMAINCFG_IE | APLIC_DOMAINCFG_BE);
	CHECK_EQ(aplic_rd(APLIC_DOMAINCFG), APLIC_DOMAINCFG_RDONLY |
						    APLIC_DOMAINCFG_IE |
						    APLIC_DOMAINCFG_DM);
	/* Forwarded to vCPU 1's file as identity 7; pending cleared. */
	CHECK_EQ(vcpus[1].arch.vimsic.eip, 1ULL << 7);
	CHECK_EQ(aplic_rd(APLIC_SETIP), 0U);
	vcpus[1].arch.vimsic.eip = 0;
	/* Still high: no second MSI by itself; setipnum re-pends it. */
	vplic_set_level(&dom, 10, true);
	CHECK_EQ(vcpus[1].arch.vimsic.eip, 0ULL);
	aplic_wr(APLIC_SETIPNUM_LE, 10);
	CHECK_EQ(vcpus[1].arch.vimsic.eip, 1ULL << 7);
	vcpus[1].arch.vimsic.eip = 0;
	/* Low: setipnum does nothing for a level source. */
	vplic_set_level(&dom, 10, false);
	aplic_wr(APLIC_SETIPNUM, 10);
	CHECK_EQ(vcpus[1].arch.vimsic.eip, 0ULL);
	/* Level0 inverts: low is asserted. */
	aplic_wr(SRCCFG(10), APLIC_SM_LEVEL0);
	aplic_wr(APLIC_SETIPNUM, 10);
	CHECK_EQ(vcpus[1].arch.vimsic.eip, 1ULL << 7);
	/* Masked: pends, delivered at setienum. */
	vcpus[1].arch.vimsic.eip = 0;
	aplic_wr(APLIC_CLRIENUM, 10);
	vplic_set_level(&dom, 10, true);
	vplic_set_level(&dom, 10, false);
	CHECK_EQ(aplic_rd(APLIC_SETIP), 1U << 10);
	CHECK_EQ(vcpus[1].arch.vimsic.eip, 0ULL);
	aplic_wr(APLIC_SETIE, 1U << 10);
	CHECK_EQ(vcpus[1].arch.vimsic.eip, 1ULL << 7);
}

TEST(vaplic_edge_detached_inactive_and_targets)
{
	setup_aia();
	aplic_wr(APLIC_DOMAINCFG, APLIC_DOMAINCFG_IE);
	aplic_source(3, APLIC_SM_EDGE1, 0, 4);
	vplic_set_level(&dom, 3, true);
	CHECK_EQ(vcpus[0].arch.vimsic.eip, 1ULL << 4);
	vcpus[0].arch.vimsic.eip = 0;
	vplic_set_level(&dom, 3, true); /* no edge */
	CHECK_EQ(vcpus[0].arch.vimsic.eip, 0ULL);
	vplic_set_level(&dom, 3, false);
	vplic_set_level(&dom, 3, true);
	CHECK_EQ(vcpus[0].arch.vimsic.eip, 1ULL << 4);
	/* Detached: the line means nothing, setip pends. */
	vcpus[0].arch.vimsic.eip = 0;
	aplic_source(4, APLIC_SM_DETACHED, 0, 8);
	vplic_set_level(&dom, 4, true);
	CHECK_EQ(vcpus[0].arch.vimsic.eip, 0ULL);
	aplic_wr(APLIC_SETIP, 1U << 4);
	CHECK_EQ(vcpus[0].arch.vimsic.eip, 1ULL << 8);
	/* Inactive (and the reserved modes, and D without children):
	 * pending and enable read zero, setienum refused. */
	aplic_wr(SRCCFG(4), APLIC_SOURCECFG_D | APLIC_SM_EDGE1);
	CHECK_EQ(aplic_rd(SRCCFG(4)), 0U);
	aplic_wr(SRCCFG(5), 2);
	CHECK_EQ(aplic_rd(SRCCFG(5)), 0U);
	aplic_wr(APLIC_SETIENUM, 5);
	aplic_wr(APLIC_SETIPNUM, 5);
	CHECK_EQ(aplic_rd(APLIC_SETIE) & (1U << 5), 0U);
	CHECK_EQ(aplic_rd(APLIC_SETIP) & (1U << 5), 0U);
	/* A guest index or a hart beyond the vCPUs reaches nothing. */
	vcpus[0].arch.vimsic.eip = vcpus[1].arch.vimsic.eip = 0;
	aplic_wr(SRCCFG(6), APLIC_SM_DETACHED);
	aplic_wr(TARGET(6), (1U << 18) | (1U << 12) | 9);
	aplic_wr(APLIC_SETIENUM, 6);
	aplic_wr(APLIC_SETIPNUM, 6);
	aplic_wr(TARGET(6), (2U << 18) | 9);
	aplic_wr(APLIC_SETIPNUM, 6);
	CHECK_EQ(vcpus[0].arch.vimsic.eip | vcpus[1].arch.vimsic.eip, 0ULL);
	/* genmsi: at once, never busy. */
	aplic_wr(APLIC_GENMSI, (1U << 18) | 11);
	CHECK_EQ(vcpus[1].arch.vimsic.eip, 1ULL << 11);
	CHECK_EQ(aplic_rd(APLIC_GENMSI) & APLIC_GENMSI_BUSY, 0U);
	/* Sources 0 and 32.. do not exist; only aligned 32-bit accesses. */
	vplic_set_level(&dom, 0, true);
	vplic_set_level(&dom, 40, true);
	aplic_wr(APLIC_SETIPNUM, 0);
	aplic_wr(APLIC_SETIPNUM, 40);
	CHECK_EQ(aplic_rd(APLIC_SETIP + 4), 0U);
	{
		u64 v = 0;

		CHECK(vaplic_mmio(&vcpus[0], NULL, 0, 2, false, &v) == -EINVAL);
		CHECK(vaplic_mmio(&vcpus[0], NULL, 1, 4, true, &v) == -EINVAL);
	}
}

int main(void)
{
	return run_tests("riscv_vdev");
}
