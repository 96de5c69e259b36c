// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-page faults: MMIO emulation of the virtual devices; any other
 * address the domain does not own is an access fault injected into the
 * guest, or a domain crash under mmio_fault = "crash".
 *
 * The faulting load/store is decoded from htinst when the hart provides a
 * transformed instruction there (privileged spec, "Transformed Instruction
 * or Pseudoinstruction for mtinst or htinst"), otherwise fetched from the
 * guest with HLVX. Only plain integer loads and stores (and their
 * compressed forms) are emulated: that is how a kernel touches device
 * registers.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/vmmio.h>
#include <asm/csr.h>
#include <asm/riscv.h>
#include <asm/vcpu.h>
#include <asm/vplic.h>
#include <asm/vuart.h>

#define OPC_LOAD 0x03
#define OPC_STORE 0x23

/* Return: 0 and *m, or -EINVAL for anything but a plain load/store. */
static int decode32(u32 insn, struct mmio_insn *m)
{
	unsigned int funct3 = (insn >> 12) & 7;

	m->len = 4;
	switch (insn & 0x7f) {
	case OPC_LOAD:
		if (funct3 == 7) {
			return -EINVAL;
		}
		m->is_write = false;
		m->size = 1U << (funct3 & 3);
		m->sign_extend = !(funct3 & 4);
		m->reg = (insn >> 7) & 0x1f;
		return 0;
	case OPC_STORE:
		if (funct3 > 3) {
			return -EINVAL;
		}
		m->is_write = true;
		m->size = 1U << funct3;
		m->sign_extend = false;
		m->reg = (insn >> 20) & 0x1f;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Compressed loads and stores (RVC quadrants 0 and 2). */
static int decode16(u16 insn, struct mmio_insn *m)
{
	unsigned int funct3 = (insn >> 13) & 7;
	unsigned int quadrant = insn & 3;

	m->len = 2;
	m->sign_extend = true;
	if (quadrant == 0) {
		switch (funct3) {
		case 2: /* c.lw */
		case 3: /* c.ld */
			m->is_write = false;
			m->reg = 8 + ((insn >> 2) & 7);
			break;
		case 6: /* c.sw */
		case 7: /* c.sd */
			m->is_write = true;
			m->reg = 8 + ((insn >> 2) & 7);
			break;
		default:
			return -EINVAL;
		}
	} else if (quadrant == 2) {
		switch (funct3) {
		case 2: /* c.lwsp */
		case 3: /* c.ldsp */
			m->is_write = false;
			m->reg = (insn >> 7) & 0x1f;
			break;
		case 6: /* c.swsp */
		case 7: /* c.sdsp */
			m->is_write = true;
			m->reg = (insn >> 2) & 0x1f;
			break;
		default:
			return -EINVAL;
		}
	} else {
		return -EINVAL;
	}
	m->size = (funct3 & 1) ? 8 : 4;
	return 0;
}

int riscv_mmio_decode(struct vcpu *v, struct mmio_insn *m)
{
	struct cpu_regs *r = &v->arch.gregs;
	unsigned long insn = r->htinst;

	/*
	 * A transformed instruction has bit 0 set; bit 1 clear means the
	 * original was a 16-bit one (the transform is its 32-bit
	 * equivalent). Pseudoinstructions (implicit accesses of the guest's
	 * own page-table walk) are not loads or stores of the guest.
	 */
	if (insn & 1) {
		int rc = decode32((u32)(insn | 2), m);

		if (!rc && !(insn & 2)) {
			m->len = 2;
		}
		return rc;
	}
	if (insn) {
		return -EINVAL;
	}
	if (riscv_guest_load_insn(r->sepc, &insn)) {
		return -EFAULT;
	}
	if ((insn & 3) == 3) {
		return decode32((u32)insn, m);
	}
	return decode16((u16)insn, m);
}

static u64 sign_extend(u64 val, unsigned int size)
{
	unsigned int shift = 64 - size * 8;

	return (u64)((s64)(val << shift) >> shift);
}

enum exit_action riscv_unassigned_access(struct vcpu *v, paddr_t gpa)
{
	struct cpu_regs *r = &v->arch.gregs;
	unsigned long cause;
	const char *what;

	switch (r->scause) {
	case EXC_STORE_GUEST_PAGE_FAULT:
		cause = EXC_STORE_ACCESS;
		what = "wrote to";
		break;
	case EXC_INST_GUEST_PAGE_FAULT:
		cause = EXC_INST_ACCESS;
		what = "fetched from";
		break;
	default:
		cause = EXC_LOAD_ACCESS;
		what = "read from";
		break;
	}
	if (v->domain->cfg.mmio_fault_crash) {
		domain_crash(
			v->domain,
			"vCPU%u %s unmapped guest physical %#llx (pc %#lx)",
			v->id, what, (unsigned long long)gpa, r->sepc);
		return EXIT_LEAVE;
	}
	/*
	 * What a hart does for an access no device answers: an access
	 * fault (privileged spec 20211203, 3.6 "Physical Memory
	 * Attributes": a failed PMA check raises an access-fault exception)
	 * at the faulting instruction, with stval the virtual address of
	 * the access (4.1.9 "Supervisor Trap Value"). The guest-page fault
	 * left that address in stval (hstatus.GVA): it becomes vstval. The
	 * guest physical address (htval) is the hypervisor's, not the
	 * guest's, and is not shown to it.
	 */
	printk(XL_DEBUG "d%u v%u: %s unassigned guest physical %#llx "
			"(pc %#lx): access fault injected\n",
	       v->domain->id, v->id, what, (unsigned long long)gpa, r->sepc);
	riscv_vcpu_inject_exception(v, cause, r->stval);
	return EXIT_RESUME;
}

enum exit_action riscv_mmio_fault(struct vcpu *v, paddr_t gpa)
{
	struct domain *d = v->domain;
	struct cpu_regs *r = &v->arch.gregs;
	const struct vmmio_region *dev = vmmio_find(d, gpa);
	struct mmio_insn m;
	u64 val = 0;
	int rc;

	if (!dev) {
		return riscv_unassigned_access(v, gpa);
	}
	rc = riscv_mmio_decode(v, &m);
	if (!rc) {
		if (m.is_write) {
			val = cpu_regs_get(r, m.reg);
		}
		/*
		 * An access the device does not implement reads as zero and
		 * writes are ignored, as on the PLIC and UART of the
		 * machine: the device's error is not the guest's fault.
		 */
		(void)vmmio_emulate(v, dev, gpa, m.size, m.is_write, &val);
	}
	if (rc) {
		domain_crash(
			d,
			"vCPU%u: cannot decode the MMIO access at pc %#lx to %#llx",
			v->id, r->sepc, (unsigned long long)gpa);
		return EXIT_LEAVE;
	}
	if (!m.is_write) {
		if (m.size < 8 && m.sign_extend) {
			val = sign_extend(val, m.size);
		}
		cpu_regs_set(r, m.reg, val);
	}
	r->sepc += m.len;
	return EXIT_RESUME;
}
