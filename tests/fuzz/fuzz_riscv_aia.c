// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the virtual AIA of a 2-vCPU RISC-V domain (linked as
 * it is: arch/riscv/vaplic.c, vimsic.c and the MMIO registry), driven by
 * an input read as a sequence of operations: vAPLIC and IMSIC-page
 * accesses of any offset, size and value, device line changes (through
 * vplic_set_level(), the devices' entry), sireg/stopei accesses with any
 * selector, and CSR instructions of any encoding through
 * vimsic_virtual_insn().
 *
 * After each operation, against the AIA specification 1.0:
 * - each file: identity 0 never pending or enabled, eidelivery 0 or 1,
 *   eithreshold within the identities, and the vCPU's VSEIP line equal to
 *   "eidelivery = 1 and an identity pending, enabled, below a non-zero
 *   threshold" (3.8), computed here on its own;
 * - the vAPLIC: only active sources have pending or enable bits (4.5.2),
 *   a level source is pending only while its rectified input is high
 *   (4.7), and with domaincfg.IE set nothing pending and enabled is left
 *   unforwarded (4.9.3); source modes are only the defined ones; reads of
 *   domaincfg show DM = 1 and bits 31:24 = 0x80;
 * - accesses: -EINVAL exactly for a size other than 4 or a misaligned
 *   offset; stopei reads (id << 16) | id of the file's top identity;
 *   an instruction vimsic_virtual_insn() declines changes no register, one
 *   it takes advances sepc by 4 (or injects an illegal-instruction
 *   exception and leaves sepc) and changes at most its rd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/smp.h>
#include <xen-lite/vmmio.h>
#include <asm/aia.h>
#include <asm/aplic.h>
#include <asm/csr.h>
#include <asm/vaplic.h>
#include <asm/vimsic.h>

#include "fuzz_check.h"
#include "fuzz_input.h"

/* vplic.c's forwarding side asks which CPU it runs on. */
struct pcpu pcpu_info[CONFIG_NR_CPUS];
struct pcpu *fuzz_this_cpu = &pcpu_info[0];

static struct domain dom;
static struct vcpu vcpus[2];
static int injections;
unsigned long vimsic_test_vsiselect;

void riscv_vcpu_notify(struct vcpu *v)
{
	CHECK(v == &vcpus[0] || v == &vcpus[1]);
}

void riscv_vcpu_inject_exception(struct vcpu *v, unsigned long cause,
				 unsigned long tval)
{
	CHECK(cause == EXC_ILLEGAL_INST);
	injections++;
}

void vimsic_hw_send(paddr_t pa, unsigned int id)
{
	/* No vCPU of this harness has a hardware guest file. */
	abort();
}

void printk(const char *fmt, ...)
{
}

static unsigned int top_ref(const struct vimsic *f)
{
	for (unsigned int id = 1; id <= VIMSIC_NR_IDS; id++) {
		if (f->eithreshold && id >= f->eithreshold)
			break;
		if ((f->eip & f->eie) & (1ULL << id))
			return id;
	}
	return 0;
}

static bool rectified_ref(const struct vaplic *a, unsigned int s)
{
	bool in = a->level & (1U << s);

	switch (a->sourcecfg[s]) {
	case APLIC_SM_EDGE1:
	case APLIC_SM_LEVEL1:
		return in;
	case APLIC_SM_EDGE0:
	case APLIC_SM_LEVEL0:
		return !in;
	default:
		return false;
	}
}

static void check_state(void)
{
	const struct vaplic *a = &dom.arch.vaplic;
	u32 active = 0;

	for (unsigned int i = 0; i < 2; i++) {
		const struct vimsic *f = &vcpus[i].arch.vimsic;
		bool line = f->eidelivery == 1 && top_ref(f);

		CHECK(!(f->eip & 1) && !(f->eie & 1));
		CHECK(f->eidelivery <= 1);
		CHECK(f->eithreshold <= VIMSIC_NR_IDS);
		CHECK(vcpus[i].arch.eip_level == line);
		CHECK(!f->hw_file);
	}
	for (unsigned int s = 1; s < VAPLIC_NR_SOURCES; s++) {
		u32 sm = a->sourcecfg[s];

		CHECK(sm == 0 || sm == 1 || (sm >= 4 && sm <= 7));
		if (sm)
			active |= 1U << s;
		if ((sm == APLIC_SM_LEVEL1 || sm == APLIC_SM_LEVEL0) &&
		    (a->pending & (1U << s)))
			CHECK(rectified_ref(a, s));
		CHECK(!(a->target[s] & (1U << 11)));
	}
	CHECK(!a->sourcecfg[0] && !a->target[0]);
	CHECK(!(a->pending & ~active) && !(a->enable & ~active));
	if (a->domaincfg & APLIC_DOMAINCFG_IE)
		CHECK(!(a->pending & a->enable));
}

static unsigned int pick_size(uint8_t b)
{
	static const unsigned int sizes[] = { 4, 4, 4, 1, 2, 8 };

	return sizes[b % 6];
}

static void op_mmio(bool aplic)
{
	struct vcpu *v = &vcpus[in8() & 1];
	uint8_t b = in8();
	unsigned int size = pick_size(b);
	bool write = b & 0x80;
	u64 off = ((u64)in8() << 8 | in8());
	u64 val = in64(), before = val;
	int rc;

	if (aplic) {
		/* Mostly the defined registers, aligned. */
		off = (b & 0x40) ? off % VAPLIC_SIZE : (off * 4) % 0x3100;
		rc = vaplic_mmio(v, NULL, off, size, write, &val);
	} else {
		off %= 3 * IMSIC_PAGE_SIZE;
		if (b & 0x40)
			off &= ~0xff8ULL;
		rc = vimsic_mmio(v, NULL, off, size, write, &val);
	}
	CHECK((rc == -EINVAL) == (size != 4 || (off & 3)));
	CHECK(rc == 0 || rc == -EINVAL);
	if (rc || write)
		CHECK(val == before);
	if (!rc && !write && aplic && off == APLIC_DOMAINCFG)
		CHECK((val & 0xff000004) == 0x80000004);
	if (!rc && !write && !aplic)
		CHECK(val == 0);
}

static void op_csr(void)
{
	struct vcpu *v = &vcpus[in8() & 1];
	uint8_t b = in8();
	unsigned int csr = (b & 3) == 0 ? CSR_STOPEI :
			   (b & 3) == 3 ? CSR_SATP :
					  CSR_SIREG;
	unsigned long isel = in8(), old = 0xdead, nv = in64(), mask = in64();
	unsigned int top = top_ref(&v->arch.vimsic);
	u64 eip = v->arch.vimsic.eip;
	int rc = vimsic_csr(v, csr, isel, &old, b & 4, nv, mask);

	if (csr == CSR_STOPEI) {
		CHECK(rc == 0);
		CHECK(old == (top ? ((unsigned long)top << 16) | top : 0));
		CHECK(v->arch.vimsic.eip ==
		      ((b & 4) && top ? eip & ~(1ULL << top) : eip));
	} else if (csr == CSR_SATP) {
		CHECK(rc == -EINVAL);
	}
}

static void op_insn(void)
{
	struct vcpu *v = &vcpus[in8() & 1];
	struct cpu_regs *r = &v->arch.gregs, before;
	uint8_t b = in8();
	unsigned long insn = (unsigned long)in8() << 24 | in8() << 16 |
			     in8() << 8 | in8();
	int inj = injections;

	if (b & 1) {
		/* A SYSTEM instruction on sireg or stopei. */
		insn = (insn & 0x000ff000UL) | 0x73 | ((insn & 0xf80UL)) |
		       ((unsigned long)((b & 2) ? CSR_SIREG : CSR_STOPEI)
			<< 20);
	}
	for (unsigned int i = 1; i < 32; i++)
		cpu_regs_set(r, i, in64());
	r->sepc = 0x80000000UL;
	before = *r;
	if (!vimsic_virtual_insn(v, insn, in8())) {
		CHECK(!memcmp(&before, r, sizeof(before)));
		return;
	}
	if (injections != inj) {
		CHECK(r->sepc == before.sepc);
		CHECK(!memcmp(before.x, r->x, sizeof(before.x)));
		return;
	}
	CHECK(r->sepc == before.sepc + 4);
	for (unsigned int i = 1; i < 32; i++)
		if (i != ((insn >> 7) & 0x1f))
			CHECK(cpu_regs_get(r, i) == cpu_regs_get(&before, i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in_p = data;
	in_end = data + size;
	memset(&dom, 0, sizeof(dom));
	memset(vcpus, 0, sizeof(vcpus));
	dom.nr_vcpus = 2;
	dom.cfg.vcpus = 2;
	dom.arch.aia = true;
	for (unsigned int i = 0; i < 2; i++) {
		vcpus[i].id = i;
		vcpus[i].domain = &dom;
		dom.vcpus[i] = &vcpus[i];
		vimsic_vcpu_init(&vcpus[i]);
	}
	CHECK(!vaplic_init(&dom));
	CHECK(!vimsic_init(&dom));
	for (int n = 0; n < 256 && in_p < in_end; n++) {
		switch (in8() % 5) {
		case 0:
			op_mmio(true);
			break;
		case 1:
			op_mmio(false);
			break;
		case 2: {
			unsigned int src = in8() % 40;

			vplic_set_level(&dom, src, in8() & 1);
			break;
		}
		case 3:
			op_csr();
			break;
		default:
			op_insn();
			break;
		}
		check_state();
	}
	return 0;
}
