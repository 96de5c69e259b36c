// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware interfaces served to guests over HVC (and trapped SMC): PSCI
 * 1.1 (Arm DEN 0022), the SMCCC architecture calls (DEN 0028) and the
 * xen-lite hypercalls in the vendor-specific hypervisor service range.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/lib.h>
#include <xen-lite/sched.h>
#include <public/xen-lite.h>
#include <asm/psci.h>
#include <asm/sysregs.h>
#include <asm/inject.h>
#include <asm/vcpu.h>

static struct vcpu *vcpu_by_mpidr(struct domain *d, u64 mpidr)
{
	unsigned int n;

	for (n = 0; n < d->nr_vcpus; n++) {
		if ((d->vcpus[n]->arch.vmpidr & MPIDR_AFF_MASK) ==
		    (mpidr & MPIDR_AFF_MASK)) {
			return d->vcpus[n];
		}
	}
	return NULL;
}

static bool psci_supported(u32 fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return true;
	default:
		return false;
	}
}

static long psci_cpu_on(struct vcpu *v, u64 target, u64 entry, u64 ctx)
{
	struct domain *d = v->domain;
	struct vcpu *t = vcpu_by_mpidr(d, target);
	int rc;

	if (!t || (target & ~MPIDR_AFF_MASK)) {
		return PSCI_RET_INVALID_PARAMS;
	}
	if (entry < d->ram_gpa || entry - d->ram_gpa >= d->ram_bytes ||
	    (entry & 3)) {
		return PSCI_RET_INVALID_ADDRESS;
	}
	rc = vcpu_up(t, entry, ctx);
	if (rc == -EBUSY) {
		return PSCI_RET_ALREADY_ON;
	}
	return rc ? PSCI_RET_INTERNAL_FAILURE : PSCI_RET_SUCCESS;
}

static long psci_affinity_info(struct vcpu *v, u64 target, u64 level)
{
	struct vcpu *t = vcpu_by_mpidr(v->domain, target);

	if (!t || level != 0) {
		return PSCI_RET_INVALID_PARAMS;
	}
	return READ_ONCE(t->state) == VCPU_DOWN ? PSCI_AFF_OFF : PSCI_AFF_ON;
}

bool vcpu_handle_smccc(struct vcpu *v)
{
	struct cpu_regs *r = &v->arch.regs;
	u64 fid = r->x[0];
	u32 fid32 = (u32)fid;
	long ret = SMCCC_RET_NOT_SUPPORTED;
	bool stay = true;

	if ((fid >> 32) == 0 &&
	    (fid32 & ~XL_SMCCC_FN_MASK) == (u32)XL_SMCCC_FN(0)) {
		v->hc_work = 0; /* a new hypervisor entry: a new budget */
		ret = do_hypercall(v, fid32 & XL_SMCCC_FN_MASK, r->x[1],
				   r->x[2], r->x[3], r->x[4], r->x[5]);
		if (ret == -ERESTART) {
			/*
			 * A continuation: back to the HVC / SMC (the return
			 * address is past it, A64: 4 bytes) with x0 unchanged
			 * and the advanced arguments in x1..x5.
			 */
			for (unsigned int i = 0; i < 5; i++) {
				r->x[1 + i] = v->hc_cont[i];
			}
			r->pc -= 4;
			return true;
		}
		r->x[0] = (u64)ret;
		/*
		 * A hypercall that paused the vCPU (a shutdown) kicked it:
		 * the run loop's checks see it (xen-lite/work.h).
		 */
		return true;
	}
	/* SMC32 calls take 32-bit arguments (DEN 0028 2.4). */
	if (!(fid32 & SMCCC_64)) {
		r->x[1] &= 0xffffffffULL;
		r->x[2] &= 0xffffffffULL;
		r->x[3] &= 0xffffffffULL;
	}
	switch (fid32) {
	case PSCI_VERSION:
		ret = PSCI_VERSION_1_1;
		break;
	case PSCI_CPU_ON:
	case PSCI_CPU_ON_64:
		ret = psci_cpu_on(v, r->x[1], r->x[2], r->x[3]);
		break;
	case PSCI_CPU_OFF:
		vcpu_down(v);
		return false;
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_SUSPEND_64:
		/*
		 * Every state is entered as standby: wait for an interrupt
		 * and return success, which PSCI allows for powerdown
		 * states too (DEN 0022 5.4.2).
		 */
		r->x[0] = PSCI_RET_SUCCESS;
		return arm_vcpu_wait(v);
	case PSCI_AFFINITY_INFO:
	case PSCI_AFFINITY_INFO_64:
		ret = psci_affinity_info(v, r->x[1], r->x[2]);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = PSCI_TOS_NOT_PRESENT_MP;
		break;
	case PSCI_SYSTEM_OFF:
		domain_shutdown(v->domain, SHUTDOWN_POWEROFF, 0);
		stay = false;
		ret = PSCI_RET_INTERNAL_FAILURE;
		break;
	case PSCI_SYSTEM_RESET:
		domain_shutdown(v->domain, SHUTDOWN_REBOOT, 0);
		stay = false;
		ret = PSCI_RET_INTERNAL_FAILURE;
		break;
	case PSCI_FEATURES:
		ret = psci_supported((u32)r->x[1]) ? PSCI_RET_SUCCESS :
						     PSCI_RET_NOT_SUPPORTED;
		break;
	case SMCCC_VERSION:
		ret = SMCCC_VERSION_1_1;
		break;
	case SMCCC_ARCH_FEATURES:
		/*
		 * Only the discovery calls themselves exist: no Spectre
		 * workaround calls are offered, so say so.
		 */
		ret = ((u32)r->x[1] == SMCCC_ARCH_FEATURES ||
		       (u32)r->x[1] == SMCCC_VERSION) ?
			      0 :
			      SMCCC_RET_NOT_SUPPORTED;
		break;
	default:
		ret = (fid32 & SMCCC_FAST_CALL) ? SMCCC_RET_NOT_SUPPORTED :
						  PSCI_RET_NOT_SUPPORTED;
		break;
	}
	r->x[0] = (u64)ret;
	return stay;
}
