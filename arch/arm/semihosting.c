// SPDX-License-Identifier: GPL-2.0
/*
 * Arm semihosting, the one call the hypervisor makes: SYS_EXIT, so that a
 * non-clean power-off (psci.c) makes QEMU exit non-zero. With semihosting
 * disabled in QEMU the HLT is an undefined instruction: the hypervisor's
 * own trap handler (traps.c) asks arm_skip_semihosting_trap() and goes on.
 */
#include <xen-lite/types.h>
#include <asm/setup.h>

/* Set when a semihosting call trapped because semihosting is disabled. */
static volatile bool semihosting_absent;

/*
 * Arm semihosting SYS_EXIT (operation 0x18) with the extended
 * ADP_Stopped_ApplicationExit reason: QEMU exits with @code.
 */
bool arm_semihosting_exit(unsigned long code)
{
	u64 block[2] = { 0x20026, code };
	register u64 x0 __asm__("x0") = 0x18;
	register u64 x1 __asm__("x1") = (u64)block;

	__asm__ __volatile__(".global semihosting_hlt\n"
			     "semihosting_hlt:\n\t"
			     "hlt #0xf000"
			     : "+r"(x0)
			     : "r"(x1)
			     : "memory");
	return !semihosting_absent;
}

extern char semihosting_hlt[];

bool arm_skip_semihosting_trap(u64 pc)
{
	if (pc != (u64)semihosting_hlt) {
		return false;
	}
	semihosting_absent = true;
	return true;
}
