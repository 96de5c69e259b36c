// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated IMSIC interrupt files (asm/vimsic.h): one per vCPU of a domain
 * with an AIA, for the vCPUs whose hart has no guest interrupt file left
 * (and all of them where the hart has none). Identities 1..63 (the
 * smallest file the AIA allows: riscv,num-ids >= 63), so eip0 and eie0
 * are the whole state on RV64.
 *
 * The file's interrupt line is
 *   eidelivery = 1 and some identity pending, enabled and (with a
 *   threshold) below eithreshold
 * (AIA 1.0, 3.8 "Interrupt delivery and handling"), folded into the
 * vCPU's VSEIP like the vPLIC's output (eip_level). stopei reports the
 * lowest such identity as (id << 16) | id and a write claims it
 * (3.9 "Top external interrupt CSR").
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/vmmio.h>
#include <asm/aia.h>
#include <asm/csr.h>
#include <asm/inject.h>
#include <asm/vcpu.h>
#include <asm/vimsic.h>

#define INSN_OPC_SYSTEM 0x73
#define ID_MASK (~1ULL) /* identity 0 does not exist */

static const struct vmmio_ops vimsic_ops = { "vimsic", vimsic_mmio };

static inline struct vimsic *file_of(struct vcpu *v)
{
	return &v->arch.vimsic;
}

void vimsic_vcpu_init(struct vcpu *v)
{
	struct vimsic *f = file_of(v);

	memset(f, 0, sizeof(*f));
	spin_lock_init(&f->lock);
}

int vimsic_init(struct domain *d)
{
	/* Before the vCPUs exist (d->nr_vcpus counts them as they come). */
	return vmmio_register(d, VIMSIC_BASE,
			      (paddr_t)d->cfg.vcpus * IMSIC_PAGE_SIZE,
			      &vimsic_ops, NULL);
}

/* The identity stopei would report, or 0. Lock held. */
static unsigned int top_id(const struct vimsic *f)
{
	u64 cand = f->eip & f->eie & ID_MASK;

	if (f->eithreshold) {
		cand &= (1ULL << f->eithreshold) - 1;
	}
	return cand ? (unsigned int)__builtin_ctzll(cand) : 0;
}

/* Drive the vCPU's VSEIP from the file. Lock held. */
static void update(struct vcpu *v)
{
	struct vimsic *f = file_of(v);
	bool level = f->eidelivery == 1 && top_id(f);

	if (READ_ONCE(v->arch.eip_level) != level) {
		WRITE_ONCE(v->arch.eip_level, level);
		riscv_vcpu_notify(v);
	}
}

void vimsic_send(struct vcpu *v, unsigned int id)
{
	struct vimsic *f = file_of(v);
	unsigned long flags;

	if (!id || id > VIMSIC_NR_IDS) {
		return;
	}
	spin_lock_irqsave(&f->lock, flags);
	if (f->hw_file) {
		vimsic_hw_send(f->hw_pa, id);
	} else {
		f->eip |= 1ULL << id;
		update(v);
	}
	spin_unlock_irqrestore(&f->lock, flags);
}

int vimsic_mmio(struct vcpu *v, void *priv, paddr_t off, unsigned int size,
		bool is_write, u64 *val)
{
	struct domain *d = v->domain;
	unsigned long page = off / IMSIC_PAGE_SIZE;
	unsigned int reg = off % IMSIC_PAGE_SIZE;
	u32 w;

	if (size != 4 || (off & 3)) {
		return -EINVAL;
	}
	if (!is_write) {
		/* seteipnum reads zero; the rest of the page is reserved. */
		*val = 0;
		return 0;
	}
	if (page >= d->nr_vcpus || !d->vcpus[page]) {
		return 0;
	}
	w = (u32)*val;
	if (reg == IMSIC_SETEIPNUM_LE) {
		vimsic_send(d->vcpus[page], w);
	} else if (reg == IMSIC_SETEIPNUM_BE) {
		vimsic_send(d->vcpus[page], __builtin_bswap32(w));
	}
	return 0;
}

static unsigned long merge(unsigned long old, unsigned long new_val,
			   unsigned long mask)
{
	return (old & ~mask) | (new_val & mask);
}

int vimsic_csr(struct vcpu *v, unsigned int csr, unsigned long isel,
	       unsigned long *old, bool write, unsigned long new_val,
	       unsigned long mask)
{
	struct vimsic *f = file_of(v);
	unsigned long flags;
	int rc = 0;

	spin_lock_irqsave(&f->lock, flags);
	if (csr == CSR_STOPEI) {
		unsigned int id = top_id(f);

		*old = id ? ((unsigned long)id << IMSIC_TOPEI_ID_SHIFT) | id :
			    0;
		/* Any write claims what was read (3.9). */
		if (write && id) {
			f->eip &= ~(1ULL << id);
		}
	} else if (csr != CSR_SIREG) {
		rc = -EINVAL;
	} else if (isel == IMSIC_EIDELIVERY) {
		*old = f->eidelivery;
		/* 0 or 1; 0x40000000 (an APLIC in direct mode) is not here. */
		f->eidelivery = merge(*old, new_val, mask) & 1;
	} else if (isel == IMSIC_EITHRESHOLD) {
		*old = f->eithreshold;
		f->eithreshold = merge(*old, new_val, mask) & VIMSIC_NR_IDS;
	} else if (isel >= IMSIC_EIP0 && isel <= IMSIC_ISEL_LAST) {
		u64 *reg = isel >= IMSIC_EIE0 ? &f->eie : &f->eip;
		unsigned long base = isel >= IMSIC_EIE0 ? IMSIC_EIE0 :
							  IMSIC_EIP0;

		if (isel & 1) {
			/* RV64: the odd-numbered registers do not exist. */
			rc = -EINVAL;
		} else if (isel == base) {
			*old = *reg;
			*reg = merge(*old, new_val, mask) & ID_MASK;
		} else {
			/* Identities above 63: not implemented, read zero. */
			*old = 0;
		}
	} else {
		rc = -EINVAL;
	}
	if (!rc) {
		update(v);
	}
	spin_unlock_irqrestore(&f->lock, flags);
	return rc;
}

bool vimsic_virtual_insn(struct vcpu *v, unsigned long insn, unsigned long isel)
{
	struct cpu_regs *r = &v->arch.gregs;
	unsigned int funct3 = (insn >> 12) & 7;
	unsigned int rd = (insn >> 7) & 0x1f;
	unsigned int rs1 = (insn >> 15) & 0x1f;
	unsigned int csr = (insn >> 20) & 0xfff;
	unsigned long src, old = 0, new_val, mask;
	bool write = true;

	if ((insn & 0x7f) != INSN_OPC_SYSTEM || !(funct3 & 3) ||
	    (csr != CSR_SIREG && csr != CSR_STOPEI)) {
		return false;
	}
	/* funct3 bit 2: the immediate forms, rs1 is a 5-bit zimm. */
	src = (funct3 & 4) ? rs1 : cpu_regs_get(r, rs1);
	switch (funct3 & 3) {
	case 1: /* csrrw: always writes */
		new_val = src;
		mask = ~0UL;
		break;
	case 2: /* csrrs: no write at all with x0 / zimm 0 */
		new_val = ~0UL;
		mask = src;
		write = rs1 != 0;
		break;
	default: /* csrrc */
		new_val = 0;
		mask = src;
		write = rs1 != 0;
		break;
	}
	if (!write) {
		mask = 0;
	}
	if (vimsic_csr(v, csr, isel, &old, write, new_val, mask)) {
		riscv_vcpu_inject_exception(v, EXC_ILLEGAL_INST, insn);
		return true;
	}
	if (rd) {
		cpu_regs_set(r, rd, old);
	}
	r->sepc += 4;
	return true;
}
