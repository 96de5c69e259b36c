// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the RISC-V virtual PLIC, virtual 16550 and MMIO decoding
 * and emulation (arch/riscv/vplic.c, vuart.c, insn.c, exit.c) with fake
 * domains, vCPUs and console.
 */
#include <string.h>
#include <xen-lite/domain.h>
#include <asm/csr.h>
#include <asm/exit.h>
#include <asm/vcpu.h>
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

int domain_console_getc(struct domain *d)
{
	return in && *in ? (unsigned char)*in++ : -1;
}

bool domain_console_has_input(struct domain *d)
{
	return in && *in;
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

int riscv_guest_load_insn(unsigned long gva, unsigned long *insn)
{
	*insn = fake_insn;
	return 0;
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
	in = NULL;
	crashed = 0;
	memset(&injected, 0, sizeof(injected));
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

TEST(vuart_receive_interrupt)
{
	setup();
	plic_wr(0, 4 * VUART_IRQ, 1);
	plic_wr(0, 0x2000, 1 << VUART_IRQ);
	uart_wr(1, 0x01); /* IER.RDI */
	CHECK(!vcpus[0].arch.eip_level);
	in = "hi";
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

int main(void)
{
	return run_tests("riscv_vdev");
}
