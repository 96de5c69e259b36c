// SPDX-License-Identifier: GPL-2.0
/*
 * Client side of PSCI (Arm DEN 0022): the hypervisor asks the firmware
 * (QEMU's built-in PSCI at EL3, SMC conduit) to start CPUs and to power
 * the machine off. A non-clean power-off reports its status through Arm
 * semihosting SYS_EXIT (semihosting.c) so QEMU exits non-zero.
 */
#include <xen-lite/arch.h>
#include <xen-lite/console.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mm.h>
#include <xen-lite/smp.h>
#include <asm/psci.h>
#include <asm/setup.h>
#include <asm/sysregs.h>
#include <asm/system.h>

/* A firmware call over the SMC conduit: the firmware's x0. */
static long psci_smc(u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	/*
	 * Entered at EL1 only when the machine has no EL2: QEMU then offers
	 * PSCI over HVC. SMCCC 1.0 allows x4-x17 to be clobbered.
	 */
	if (arm_boot_el != CURRENTEL_EL2) {
		__asm__ __volatile__("hvc #0"
				     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				     :
				     : "x4", "x5", "x6", "x7", "x8", "x9",
				       "x10", "x11", "x12", "x13", "x14", "x15",
				       "x16", "x17", "memory");
	} else {
		__asm__ __volatile__("smc #0"
				     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				     :
				     : "x4", "x5", "x6", "x7", "x8", "x9",
				       "x10", "x11", "x12", "x13", "x14", "x15",
				       "x16", "x17", "memory");
	}
	return (long)x0;
}

static int psci_to_errno(long ret)
{
	switch (ret) {
	case PSCI_RET_SUCCESS:
		return 0;
	case PSCI_RET_INVALID_PARAMS:
	case PSCI_RET_INVALID_ADDRESS:
		return -EINVAL;
	case PSCI_RET_ALREADY_ON:
	case PSCI_RET_ON_PENDING:
		return -EBUSY;
	case PSCI_RET_DENIED:
		return -EPERM;
	case PSCI_RET_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

extern char secondary_entry[];

void arch_cpu_up_poke(unsigned int cpu, unsigned long hwid, const char **why)
{
	/* PSCI 1.1 AFFINITY_INFO: 0 on, 1 off, 2 on pending. */
	long st = psci_smc(PSCI_AFFINITY_INFO_64, hwid & MPIDR_AFF_MASK, 0, 0);

	*why = st == 0 ? "firmware says on" :
	       st == 1 ? "firmware says off" :
	       st == 2 ? "firmware says on pending" :
			 "firmware state unknown";
}

int arch_cpu_up(unsigned int cpu, unsigned long hwid)
{
	long ret;

	if (cpu >= CONFIG_NR_CPUS) {
		return -EINVAL;
	}
	/*
	 * QEMU's PSCI rejects a target with MPIDR bit 31 (RES1) set: pass
	 * only the affinity fields.
	 */
	hwid &= MPIDR_AFF_MASK;
	pcpu_info[cpu].arch.mpidr = hwid;
	/* The new CPU starts with its MMU off: push what it reads. */
	dsb_sy();
	ret = psci_smc(PSCI_CPU_ON_64, hwid, virt_to_maddr(secondary_entry),
		       cpu);
	return psci_to_errno(ret);
}

void arch_machine_poweroff(bool clean)
{
	/* Nothing queued for the UART is lost with the machine. */
	console_sync();
	local_irq_disable();
	if (!clean) {
		if (!arm_semihosting_exit(1)) {
			printk(XL_WARN "semihosting is disabled: the exit "
				       "status cannot report the failure\n");
		}
	}
	psci_smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;) {
		__asm__ __volatile__("wfi");
	}
}
