// SPDX-License-Identifier: GPL-2.0
/*
 * SBI server for guests (RISC-V SBI specification v2.0): BASE, TIME, IPI,
 * RFENCE, HSM, SRST, DBCN and the xen-lite hypercall extension
 * (XL_SBI_EXT, include/public/xen-lite.h). Guest hart IDs are vCPU
 * indices. Every argument comes from the guest and is checked; failures
 * are SBI error codes, never a hypervisor fault.
 */
#include <public/xen-lite.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/lib.h>
#include <xen-lite/p2m.h>
#include <xen-lite/sched.h>
#include <xen-lite/smp.h>
#include <asm/asm.h>
#include <asm/csr.h>
#include <asm/inject.h>
#include <asm/riscv.h>
#include <asm/sbi.h>
#include <asm/time.h>
#include <asm/tlbflush.h>
#include <asm/vcpu.h>

/* SBI implementation ID of xen-lite (not in the SBI spec's registry). */
#define XL_SBI_IMPL_ID 0x584c
#define XL_SBI_SPEC_VERSION ((2UL << SBI_SPEC_VERSION_MAJOR_SHIFT) | 0)

struct sbi_call {
	unsigned long ext, fid;
	/*
	 * a0..a5 where the exit saved them (arch_vcpu.gregs), not a copy
	 * (issue 20): read them before writing the vCPU's registers.
	 */
	const unsigned long *a;
	unsigned long value;
};

static long base_call(struct vcpu *v, struct sbi_call *c)
{
	switch (c->fid) {
	case SBI_BASE_GET_SPEC_VERSION:
		c->value = XL_SBI_SPEC_VERSION;
		return 0;
	case SBI_BASE_GET_IMP_ID:
		c->value = XL_SBI_IMPL_ID;
		return 0;
	case SBI_BASE_GET_IMP_VERSION:
		c->value = (XL_ABI_VERSION_MAJOR << 16) | XL_ABI_VERSION_MINOR;
		return 0;
	case SBI_BASE_PROBE_EXT:
		switch (c->a[0]) {
		case SBI_EXT_BASE:
		case SBI_EXT_TIME:
		case SBI_EXT_IPI:
		case SBI_EXT_RFENCE:
		case SBI_EXT_HSM:
		case SBI_EXT_SRST:
		case SBI_EXT_DBCN:
		case XL_SBI_EXT:
			c->value = 1;
			break;
		default:
			c->value = 0;
			break;
		}
		return 0;
	case SBI_BASE_GET_MVENDORID:
	case SBI_BASE_GET_MARCHID:
	case SBI_BASE_GET_MIMPID:
		c->value = 0;
		return 0;
	default:
		return SBI_ERR_NOT_SUPPORTED;
	}
}

/*
 * Walk the vCPUs named by an SBI hart mask. Return: SBI_SUCCESS, or
 * SBI_ERR_INVALID_PARAM when the mask names a hart that does not exist
 * (checked before anything is done).
 */
static long hart_mask_to_vcpus(struct domain *d, unsigned long mask,
			       unsigned long base, u64 *out)
{
	unsigned int i;

	*out = 0;
	if (base == ~0UL) {
		for (i = 0; i < d->nr_vcpus; i++) {
			*out |= 1ULL << i;
		}
		return SBI_SUCCESS;
	}
	for (i = 0; i < 64 && mask; i++, mask >>= 1) {
		if (!(mask & 1)) {
			continue;
		}
		if (base + i < base || base + i >= d->nr_vcpus) {
			return SBI_ERR_INVALID_PARAM;
		}
		*out |= 1ULL << (base + i);
	}
	return SBI_SUCCESS;
}

static long ipi_call(struct vcpu *v, struct sbi_call *c)
{
	struct domain *d = v->domain;
	u64 targets;
	long err;
	unsigned int i;

	if (c->fid != SBI_IPI_SEND_IPI) {
		return SBI_ERR_NOT_SUPPORTED;
	}
	err = hart_mask_to_vcpus(d, c->a[0], c->a[1], &targets);
	if (err) {
		return err;
	}
	for (i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *t = d->vcpus[i];

		if (!(targets & (1ULL << i)) || !t) {
			continue;
		}
		__atomic_fetch_or(&t->arch.irq_set, HVIP_VSSIP,
				  __ATOMIC_SEQ_CST);
		riscv_vcpu_notify(t);
	}
	return 0;
}

/* hfence.vvma for the VMID in hgatp: this hart only. */
static void local_hfence_vvma(unsigned long vaddr, unsigned long asid,
			      bool all_addr, bool all_asid)
{
	if (all_addr && all_asid) {
		hfence_vvma_all();
	} else if (all_addr) {
		hfence_vvma_asid(asid);
	} else if (all_asid) {
		hfence_vvma_va(vaddr);
	} else {
		hfence_vvma_va_asid(vaddr, asid);
	}
}

unsigned long vsbi_hart_mask(const cpumask_t *cpus, bool *others)
{
	unsigned int me = smp_processor_id(), cpu;
	unsigned long hmask = 0;

	*others = false;
	for_each_cpu(cpu, cpus) {
		if (cpu != me) {
			*others = true;
		}
		if (cpu >= nr_cpu_ids || pcpu_info[cpu].hwid >= 64) {
			*others = true;
			return ~0UL;
		}
		hmask |= 1UL << pcpu_info[cpu].hwid;
	}
	return hmask;
}

void vsbi_remote_fence(unsigned long fid, unsigned long hmask,
		       unsigned long start, unsigned long size,
		       unsigned long asid)
{
	struct sbiret r;

	r = sbi_ecall(SBI_EXT_RFENCE, fid, hmask == ~0UL ? 0 : hmask,
		      hmask == ~0UL ? ~0UL : 0, start, size, asid, 0);
	if (r.error) {
		/* Firmware refused: fall back to fencing all of this hart. */
		hfence_vvma_all();
		local_fence_i();
	}
}

/*
 * Remote fences. The guest's stage-1 TLB entries of this domain may live
 * on every pCPU that ran one of its vCPUs since its VMID was assigned
 * (p2m dirty_cpus), so those harts are fenced, not just the ones running
 * the target vCPUs now. When that is only this hart the fence is local;
 * otherwise OpenSBI's RFENCE HFENCE_VVMA(_ASID) does it synchronously on
 * each of them for the VMID in this hart's hgatp (this domain's).
 */
static long rfence_call(struct vcpu *v, struct sbi_call *c)
{
	struct domain *d = v->domain;
	unsigned long start = c->a[2], size = c->a[3], asid = c->a[4];
	unsigned long hmask;
	bool others;
	u64 targets;
	long err;

	if (c->fid > SBI_RFENCE_SFENCE_VMA_ASID) {
		/* The virtual hart has no H extension. */
		return SBI_ERR_NOT_SUPPORTED;
	}
	err = hart_mask_to_vcpus(d, c->a[0], c->a[1], &targets);
	if (err) {
		return err;
	}
	hmask = vsbi_hart_mask(&d->p2m->dirty_cpus, &others);
	if (!others) {
		/* A range that wraps the address space is a full flush. */
		bool all = size == ~0UL || size > 64 * PAGE_SIZE ||
			   (start == 0 && size == 0) || start + size < start;

		if (c->fid == SBI_RFENCE_FENCE_I) {
			local_fence_i();
		} else if (all) {
			local_hfence_vvma(0, asid, true,
					  c->fid == SBI_RFENCE_SFENCE_VMA);
		} else {
			unsigned long va = start & PAGE_MASK;
			unsigned long pages =
				(start + size - va + PAGE_SIZE - 1) / PAGE_SIZE;

			/* Count pages: va may not wrap (at most 64 here). */
			for (; pages; pages--, va += PAGE_SIZE) {
				local_hfence_vvma(
					va, asid, false,
					c->fid == SBI_RFENCE_SFENCE_VMA);
			}
		}
		return 0;
	}
	switch (c->fid) {
	case SBI_RFENCE_FENCE_I:
		vsbi_remote_fence(SBI_RFENCE_FENCE_I, hmask, 0, 0, 0);
		break;
	case SBI_RFENCE_SFENCE_VMA:
		vsbi_remote_fence(SBI_RFENCE_HFENCE_VVMA, hmask, start, size,
				  0);
		break;
	default:
		vsbi_remote_fence(SBI_RFENCE_HFENCE_VVMA_ASID, hmask, start,
				  size, asid);
		break;
	}
	return 0;
}

static long hsm_call(struct vcpu *v, struct sbi_call *c, enum exit_action *act,
		     bool *regs_set)
{
	struct domain *d = v->domain;
	unsigned long hartid = c->a[0];
	struct vcpu *t;
	int rc;

	switch (c->fid) {
	case SBI_HSM_HART_START:
		if (hartid >= d->nr_vcpus || !d->vcpus[hartid]) {
			return SBI_ERR_INVALID_PARAM;
		}
		if (c->a[1] < d->ram_gpa ||
		    c->a[1] - d->ram_gpa >= d->ram_bytes) {
			return SBI_ERR_INVALID_ADDRESS;
		}
		t = d->vcpus[hartid];
		rc = vcpu_up(t, c->a[1], c->a[2]);
		if (rc == -EBUSY) {
			return SBI_ERR_ALREADY_AVAILABLE;
		}
		return rc ? SBI_ERR_FAILED : 0;
	case SBI_HSM_HART_STOP:
		vcpu_down(v);
		*act = EXIT_LEAVE;
		return 0;
	case SBI_HSM_HART_GET_STATUS:
		if (hartid >= d->nr_vcpus || !d->vcpus[hartid]) {
			return SBI_ERR_INVALID_PARAM;
		}
		t = d->vcpus[hartid];
		if (READ_ONCE(t->state) == VCPU_DOWN) {
			c->value = SBI_HSM_STATE_STOPPED;
		} else if (t->arch.suspend == HSM_SUSPENDED) {
			c->value = SBI_HSM_STATE_SUSPENDED;
		} else {
			c->value = SBI_HSM_STATE_STARTED;
		}
		return 0;
	case SBI_HSM_HART_SUSPEND:
		if (c->a[0] == SBI_HSM_SUSPEND_RET_DEFAULT) {
			*act = riscv_vcpu_wait(v);
			return 0;
		}
		if (c->a[0] == SBI_HSM_SUSPEND_NON_RET_DEFAULT) {
			if (c->a[1] < d->ram_gpa ||
			    c->a[1] - d->ram_gpa >= d->ram_bytes) {
				return SBI_ERR_INVALID_ADDRESS;
			}
			/*
			 * Resume at resume_addr as after hart_start: a0 =
			 * hart ID, a1 = opaque, MMU off, interrupts off.
			 */
			v->arch.gregs.sepc = c->a[1];
			cpu_regs_set(&v->arch.gregs, REG_A0, v->id);
			cpu_regs_set(&v->arch.gregs, REG_A1, c->a[2]);
			riscv_vcpu_resume_reset(v);
			*act = riscv_vcpu_wait(v);
			*regs_set = true;
			return 0;
		}
		return SBI_ERR_INVALID_PARAM;
	default:
		return SBI_ERR_NOT_SUPPORTED;
	}
}

static long srst_call(struct vcpu *v, struct sbi_call *c, enum exit_action *act)
{
	unsigned long type = c->a[0], reason = c->a[1];

	if (c->fid != SBI_SRST_RESET) {
		return SBI_ERR_NOT_SUPPORTED;
	}
	if (reason > SBI_SRST_REASON_SYSFAIL && reason < 0xe0000000UL) {
		return SBI_ERR_INVALID_PARAM;
	}
	switch (type) {
	case SBI_SRST_TYPE_SHUTDOWN:
		if (reason == SBI_SRST_REASON_NONE) {
			domain_shutdown(v->domain, SHUTDOWN_POWEROFF, 0);
		} else {
			domain_shutdown(v->domain, SHUTDOWN_CRASH, (int)reason);
		}
		break;
	case SBI_SRST_TYPE_COLD_REBOOT:
	case SBI_SRST_TYPE_WARM_REBOOT:
		/*
		 * A reboot whose reason is "system failure" (SBI v2.0,
		 * chapter 10, reset_reason 1) is the guest reporting that
		 * it failed: a crash, so on_crash (not on_reboot) decides.
		 */
		domain_shutdown(v->domain,
				reason == SBI_SRST_REASON_SYSFAIL ?
					SHUTDOWN_CRASH :
					SHUTDOWN_REBOOT,
				(int)reason);
		break;
	default:
		return SBI_ERR_INVALID_PARAM;
	}
	*act = EXIT_LEAVE;
	return 0;
}

static long dbcn_call(struct vcpu *v, struct sbi_call *c)
{
	struct domain *d = v->domain;
	unsigned long len = c->a[0];
	paddr_t gpa = c->a[1];
	char buf[DBCN_CHUNK];
	unsigned long i, n;

	switch (c->fid) {
	case SBI_DBCN_WRITE_BYTE:
		domain_console_putc(d, (char)c->a[0]);
		return 0;
	case SBI_DBCN_WRITE:
		if (c->a[2]) {
			return SBI_ERR_INVALID_PARAM;
		}
		n = MIN(len, (unsigned long)DBCN_CHUNK);
		if (copy_from_guest(d, buf, gpa, n)) {
			return SBI_ERR_INVALID_PARAM;
		}
		/*
		 * Over the domain's console budget, fewer bytes than asked,
		 * maybe none: SBI v2.0, chapter 12 (DBCN), Console Write is
		 * non-blocking and "may do partial/no writes", the count in
		 * sbiret.value. The guest's driver writes the rest later
		 * instead of losing it.
		 */
		c->value = domain_console_write_some(d, buf, n);
		return 0;
	case SBI_DBCN_READ:
		if (c->a[2]) {
			return SBI_ERR_INVALID_PARAM;
		}
		n = MIN(len, (unsigned long)DBCN_CHUNK);
		for (i = 0; i < n; i++) {
			int ch = domain_console_getc(d);

			if (ch < 0) {
				break;
			}
			buf[i] = (char)ch;
		}
		if (i && copy_to_guest(d, gpa, buf, i)) {
			return SBI_ERR_INVALID_PARAM;
		}
		c->value = i;
		return 0;
	default:
		return SBI_ERR_NOT_SUPPORTED;
	}
}

/*
 * Every SBI extension but xen-lite's own: guest.S serves those
 * (exit_hypercall: the hot path of every hypercall, in assembly).
 */
enum exit_action vsbi_ecall(struct vcpu *v)
{
	struct cpu_regs *r = &v->arch.gregs;
	enum exit_action act = EXIT_RESUME;
	bool regs_set = false;
	struct sbi_call c;
	long err;

	c.ext = cpu_regs_get(r, REG_A7);
	c.fid = cpu_regs_get(r, REG_A6);
	c.a = &r->x[REG_A0 - 1];
	c.value = 0;

	switch (c.ext) {
	case SBI_EXT_BASE:
		err = base_call(v, &c);
		break;
	case SBI_EXT_TIME:
		if (c.fid != SBI_TIME_SET_TIMER) {
			err = SBI_ERR_NOT_SUPPORTED;
			break;
		}
		riscv_vcpu_set_timer(v, c.a[0]);
		err = 0;
		break;
	case SBI_EXT_IPI:
		err = ipi_call(v, &c);
		break;
	case SBI_EXT_RFENCE:
		err = rfence_call(v, &c);
		break;
	case SBI_EXT_HSM:
		err = hsm_call(v, &c, &act, &regs_set);
		if (regs_set) {
			/* Non-retentive suspend: resumes elsewhere. */
			return act;
		}
		break;
	case SBI_EXT_SRST:
		err = srst_call(v, &c, &act);
		break;
	case SBI_EXT_DBCN:
		err = dbcn_call(v, &c);
		break;
	default:
		err = SBI_ERR_NOT_SUPPORTED;
		break;
	}
	cpu_regs_set(r, REG_A0, err);
	if (!err) {
		cpu_regs_set(r, REG_A1, c.value);
	}
	r->sepc += 4;
	return act;
}

/* guest.S's copies of what its hypercall dispatch uses (asm/asm.h). */
BUILD_BUG_ON(__builtin_offsetof(struct vcpu, hc_work) != VCPU_HC_WORK_OFF);
BUILD_BUG_ON(__builtin_offsetof(struct vcpu, hc_cont) != VCPU_HC_CONT_OFF);
BUILD_BUG_ON(XL_SBI_EXT != ASM_XL_SBI_EXT);
BUILD_BUG_ON(ERESTART != ASM_ERESTART);
BUILD_BUG_ON(ENOSYS != ASM_ENOSYS);
BUILD_BUG_ON(SBI_ERR_NOT_SUPPORTED != ASM_SBI_ERR_NOT_SUPPORTED);
