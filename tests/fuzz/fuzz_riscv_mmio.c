// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: RISC-V guest-page-fault MMIO emulation (linked as
 * it is: the instruction decoders of arch/riscv/insn.c for htinst
 * (transformed instructions) and for instructions fetched from the guest
 * (32-bit and compressed), and riscv_mmio_fault() of arch/riscv/exit.c
 * around them).
 *
 * The decoders are compared with a reference decoder written from the
 * ISA manual (unprivileged spec, RV64I loads/stores and RVC quadrants 0
 * and 2; privileged spec, transformed instructions in htinst). After each
 * fault: only the destination register of a load changes, x0 stays zero,
 * sepc moves by the instruction's length, the device sees an offset
 * inside its window and a size of 1, 2, 4 or 8, and a store hands the
 * device the source register's value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen-lite/domain.h>
#include <xen-lite/vmmio.h>
#include <asm/csr.h>
#include <asm/exit.h>
#include <asm/insn.h>
#include <asm/riscv.h>
#include <asm/vector.h>
#include <asm/vplic.h>
#include <asm/vuart.h>

#include "fuzz_check.h"

static struct domain dom;
static struct vcpu vcpu;
static u32 guest_insn;
static bool guest_insn_faults;
static u64 device_val;
static struct {
	int calls;
	u64 off, size, val;
	bool write;
} dev;
static int crashes;
static int injections;
static unsigned long injected_cause;

void riscv_vcpu_inject_exception(struct vcpu *v, unsigned long cause,
				 unsigned long tval)
{
	CHECK(v == &vcpu);
	CHECK(tval == v->arch.gregs.stval);
	injections++;
	injected_cause = cause;
}

void printk(const char *fmt, ...)
{
}

/* exit.c's other exits: no fault here reaches them. */
bool riscv_pv_virtual_insn(struct vcpu *v, unsigned long insn)
{
	abort();
}

/*
 * The illegal-instruction exit (V is not switched here: never claimed) and
 * WRS.NTO's exit (which only offers the CPU).
 */
struct riscv_features riscv_features;
void riscv_vector_claim(struct vcpu *v)
{
	abort();
}

void sched_yield(void)
{
}

/* The emulated IMSIC's CSR exits: no domain here has an AIA. */
unsigned long vimsic_test_vsiselect;
bool vimsic_virtual_insn(struct vcpu *v, unsigned long insn, unsigned long isel)
{
	abort();
}

unsigned long riscv_guest_load_insn(unsigned long gva)
{
	return guest_insn_faults ? 0 : guest_insn;
}

/* What a device stand-in saw; a read returns device_val. */
static int device_access(u64 off, bool is_write, u64 *val, unsigned int size)
{
	dev.calls++;
	dev.off = off;
	dev.size = size;
	dev.write = is_write;
	if (is_write)
		dev.val = *val;
	else
		*val = device_val;
	return 0;
}

/* Two windows in the registry (common/vmmio.c), as the vPLIC and vUART. */
static int fake_access(struct vcpu *v, void *priv, paddr_t off,
		       unsigned int size, bool is_write, u64 *val)
{
	CHECK(v == &vcpu);
	CHECK(off < (paddr_t)(uintptr_t)priv);
	return device_access(off, is_write, val, size);
}

static const struct vmmio_ops fake_ops = { "fake", fake_access };

void domain_crash(struct domain *d, const char *fmt, ...)
{
	CHECK(d == &dom);
	crashes++;
}

/* The reference: what a load or store instruction does, from the ISA. */
struct ref {
	bool ok;
	unsigned int len, size, reg;
	bool write, sign;
	bool reserved; /* a reserved encoding: any outcome is acceptable */
};

static struct ref ref32(u32 insn)
{
	struct ref r = { .len = 4 };
	unsigned int f3 = (insn >> 12) & 7;

	if ((insn & 0x7f) == 0x03 && f3 != 7) {
		r.ok = true;
		r.size = 1U << (f3 & 3);
		r.sign = f3 < 4; /* LB LH LW LD; LBU LHU LWU are not */
		r.reg = (insn >> 7) & 31;
	} else if ((insn & 0x7f) == 0x23 && f3 < 4) {
		r.ok = true;
		r.write = true;
		r.size = 1U << f3;
		r.reg = (insn >> 20) & 31;
	}
	return r;
}

static struct ref ref16(u16 insn)
{
	struct ref r = { .len = 2 };
	unsigned int f3 = insn >> 13;

	switch ((insn & 3) << 3 | f3) {
	case 0 << 3 | 2: /* C.LW */
	case 0 << 3 | 3: /* C.LD */
		r.ok = true;
		r.sign = true;
		r.reg = 8 + ((insn >> 2) & 7);
		break;
	case 0 << 3 | 6: /* C.SW */
	case 0 << 3 | 7: /* C.SD */
		r.ok = r.write = true;
		r.reg = 8 + ((insn >> 2) & 7);
		break;
	case 2 << 3 | 2: /* C.LWSP */
	case 2 << 3 | 3: /* C.LDSP */
		r.ok = true;
		r.sign = true;
		r.reg = (insn >> 7) & 31;
		r.reserved = r.reg == 0; /* rd = 0 is reserved */
		break;
	case 2 << 3 | 6: /* C.SWSP */
	case 2 << 3 | 7: /* C.SDSP */
		r.ok = r.write = true;
		r.reg = (insn >> 2) & 31;
		break;
	default:
		break;
	}
	r.size = (f3 & 1) ? 8 : 4;
	return r;
}

static void compare(const struct ref *want, int rc, const struct mmio_insn *m)
{
	if (want->reserved)
		return;
	CHECK((rc == 0) == want->ok);
	if (rc)
		return;
	CHECK(m->len == want->len);
	CHECK(m->size == want->size);
	CHECK(m->is_write == want->write);
	CHECK(m->reg == want->reg);
	if (!m->is_write && m->size < 8)
		CHECK(m->sign_extend == want->sign);
}

static u64 rd64(const uint8_t **p, const uint8_t *end)
{
	u64 v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | (*p < end ? *(*p)++ : 0);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct cpu_regs *r = &vcpu.arch.gregs, before;
	struct mmio_insn m;
	struct ref want;
	u64 htinst, sel, gpa;
	int rc;

	if (size < 13)
		return -1;
	htinst = rd64(&p, end);
	guest_insn = (u32)rd64(&p, end);
	sel = rd64(&p, end);
	device_val = rd64(&p, end);
	guest_insn_faults = (sel >> 8 & 0xff) == 0xff;

	/* 1. The decoders alone, against the reference. */
	memset(&m, 0, sizeof(m));
	rc = riscv_insn_decode32(guest_insn, &m);
	compare((want = ref32(guest_insn), &want), rc, &m);
	memset(&m, 0, sizeof(m));
	rc = riscv_insn_decode16((u16)guest_insn, &m);
	compare((want = ref16((u16)guest_insn), &want), rc, &m);

	/* 2. A whole fault. */
	memset(&dom, 0, sizeof(dom));
	memset(&vcpu, 0, sizeof(vcpu));
	memset(&dev, 0, sizeof(dev));
	crashes = 0;
	injections = 0;
	vcpu.domain = &dom;
	/* Either policy for an address outside every device. */
	dom.cfg.mmio_fault_crash = (sel >> 4) & 1;
	dom.vcpus[0] = &vcpu;
	dom.nr_vcpus = 1;
	CHECK(!vmmio_register(&dom, VPLIC_BASE, VPLIC_SIZE, &fake_ops,
			      (void *)(uintptr_t)VPLIC_SIZE));
	CHECK(!vmmio_register(&dom, VUART_BASE, VUART_SIZE, &fake_ops,
			      (void *)(uintptr_t)VUART_SIZE));
	for (int i = 0; i < 31; i++)
		r->x[i] = 0x0101010101010101ULL * (i + 1);
	r->sepc = 0x80001000;
	r->scause = EXC_LOAD_GUEST_PAGE_FAULT;
	/* Most faults carry no htinst; some a transformed instruction. */
	r->htinst = (sel & 3) == 0 ? htinst : 0;
	switch ((sel >> 2) & 3) {
	case 0:
		gpa = VUART_BASE + (sel >> 16) % VUART_SIZE;
		break;
	case 1:
		gpa = VPLIC_BASE + (sel >> 16) % VPLIC_SIZE;
		break;
	default:
		gpa = sel >> 16;
		break;
	}
	before = *r;
	(void)riscv_mmio_fault(&vcpu, gpa);

	if (crashes) {
		/* Nothing emulated and the registers left alone. */
		CHECK(!injections);
		CHECK(!memcmp(r, &before, sizeof(*r)));
		return 0;
	}
	if (injections) {
		/*
		 * Only for an address no device claims, under the inject
		 * policy: a load access fault (scause was a load guest-page
		 * fault), nothing emulated, the registers left to the
		 * (stubbed) injection.
		 */
		CHECK(injections == 1 && !dev.calls);
		CHECK(!vmmio_find(&dom, gpa) && !dom.cfg.mmio_fault_crash);
		CHECK(injected_cause == EXC_LOAD_ACCESS);
		CHECK(!memcmp(r, &before, sizeof(*r)));
		return 0;
	}
	/* An unclaimed address is never emulated. */
	CHECK(vmmio_find(&dom, gpa));
	CHECK(dev.calls == 1);
	CHECK(dev.size == 1 || dev.size == 2 || dev.size == 4 || dev.size == 8);
	CHECK(r->sepc == before.sepc + 2 || r->sepc == before.sepc + 4);
	if (!r->htinst) {
		u32 insn = guest_insn;

		want = (insn & 3) == 3 ? ref32(insn) : ref16((u16)insn);
		if (!want.reserved) {
			CHECK(want.ok);
			CHECK(r->sepc == before.sepc + want.len);
			CHECK(dev.size == want.size && dev.write == want.write);
		}
	} else {
		/* Transformed: bit 1 clear means a 16-bit original. */
		want = ref32((u32)(r->htinst | 2));
		CHECK(want.ok);
		CHECK(r->sepc == before.sepc + ((r->htinst & 2) ? 4 : 2));
		CHECK(dev.size == want.size && dev.write == want.write);
	}
	for (unsigned int n = 1; n < 32; n++) {
		if (!dev.write && n == want.reg)
			continue;
		CHECK(cpu_regs_get(r, n) == cpu_regs_get(&before, n));
	}
	if (dev.write) {
		CHECK(dev.val == cpu_regs_get(&before, want.reg));
	} else if (want.reg && !want.reserved) {
		u64 v = device_val, got = cpu_regs_get(r, want.reg);
		unsigned int bits = 8 * dev.size;

		if (bits < 64) {
			v &= (1ULL << bits) - 1;
			if (want.sign && (v >> (bits - 1)))
				v |= ~0ULL << bits;
		}
		CHECK(got == v ||
		      (bits < 64 && !want.sign && got == device_val));
	}
	return 0;
}
