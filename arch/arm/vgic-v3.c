// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual GICv3, the CPU interface side (Arm IHI 0069): the guest's CPU
 * interface is the hardware's virtual one (ICV_* registers, fed through
 * the list registers by vgic.c); what is switched per vCPU is its control
 * state (ICH_VMCR_EL2, the active priority registers), and the one CPU
 * interface register that traps, ICC_SGI1R_EL1, becomes SGIs here.
 */
#include <xen-lite/domain.h>
#include <xen-lite/lib.h>
#include <xen-lite/sched.h>
#include <asm/gic-v3.h>
#include <asm/sysregs.h>
#include <asm/vgic.h>

void vgic_sgi1r(struct vcpu *v, u64 val)
{
	struct domain *d = v->domain;
	unsigned int sgi = (val >> 24) & 0xf;
	u64 aff1 = (val >> 16) & 0xff, aff2 = (val >> 32) & 0xff;
	u64 aff3 = (val >> 48) & 0xff, rs = (val >> 44) & 0xf;
	bool all_but_self = val & (1UL << 40);
	u16 targets = val & 0xffff;
	unsigned int n;

	for (n = 0; n < d->nr_vcpus; n++) {
		struct vcpu *t = d->vcpus[n];
		u64 mp = t->arch.vmpidr;
		u64 aff0 = MPIDR_AFF0(mp);

		if (all_but_self) {
			if (t == v) {
				continue;
			}
		} else {
			if (MPIDR_AFF1(mp) != aff1 || MPIDR_AFF2(mp) != aff2 ||
			    MPIDR_AFF3(mp) != aff3 || (aff0 >> 4) != rs ||
			    !(targets & (1U << (aff0 & 0xf)))) {
				continue;
			}
		}
		vgic_inject(d, t, sgi, false);
	}
}
