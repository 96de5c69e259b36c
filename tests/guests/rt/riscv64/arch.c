// SPDX-License-Identifier: MIT
/*
 * RISC-V half of the test-guest runtime: ecall wrappers for xen-lite
 * hypercalls (a7 = XL_SBI_EXT, a6 = number) and standard SBI extensions
 * (HSM, SRST), the time CSR, fence.i.
 */
#include <rt.h>

#define SBI_EXT_HSM 0x48534DUL
#define SBI_EXT_SRST 0x53525354UL
#define SBI_ERR_NOT_SUPPORTED (-2L)

extern char rt_secondary_entry[];

struct fw_ret fw_call(unsigned long ext, unsigned long fn, unsigned long a0,
		      unsigned long a1, unsigned long a2, unsigned long a3,
		      unsigned long a4, unsigned long a5)
{
	register unsigned long r0 asm("a0") = a0;
	register unsigned long r1 asm("a1") = a1;
	register unsigned long r2 asm("a2") = a2;
	register unsigned long r3 asm("a3") = a3;
	register unsigned long r4 asm("a4") = a4;
	register unsigned long r5 asm("a5") = a5;
	register unsigned long r6 asm("a6") = fn;
	register unsigned long r7 asm("a7") = ext;
	struct fw_ret ret;

	asm volatile("ecall"
		     : "+r"(r0), "+r"(r1)
		     : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
		     : "memory");
	ret.error = (long)r0;
	ret.value = (long)r1;
	return ret;
}

long xl_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
		  unsigned long a2, unsigned long a3, unsigned long a4)
{
	struct fw_ret r = fw_call(XL_SBI_EXT, nr, a0, a1, a2, a3, a4, 0);

	if (r.error == SBI_ERR_NOT_SUPPORTED)
		return -XL_ENOSYS;
	if (r.error)
		return r.error < 0 ? r.error : -XL_EINVAL;
	return r.value;
}

void arch_std_shutdown(bool reboot, bool failure)
{
	/* SRST system_reset(type, reason): 0 shutdown, 1 cold reboot. */
	fw_call(SBI_EXT_SRST, 0, reboot ? 1 : 0, failure ? 1 : 0, 0, 0, 0, 0);
}

long arch_cpu_on(unsigned long hwid, unsigned long ctx)
{
	return fw_call(SBI_EXT_HSM, 0, hwid, (unsigned long)rt_secondary_entry,
		       ctx, 0, 0, 0)
		.error;
}

__noreturn void arch_cpu_off(void)
{
	fw_call(SBI_EXT_HSM, 1, 0, 0, 0, 0, 0, 0);
	rt_panic("HSM hart_stop returned on vCPU%u", rt_cpu());
}

uint64_t arch_counter(void)
{
	uint64_t t;

	asm volatile("csrr %0, time" : "=r"(t));
	return t;
}

uint64_t arch_counter_freq(void)
{
	return rt_env.timebase ? rt_env.timebase : 10000000;
}

void arch_sync_icache(void *p, size_t len)
{
	asm volatile("fence.i" ::: "memory");
}

unsigned int rt_cpu(void)
{
	unsigned long tp;

	asm("mv %0, tp" : "=r"(tp));
	return (unsigned int)tp;
}

void arch_relax(void)
{
	asm volatile("nop" ::: "memory");
}

/* ---- Sv39 / Sv48 stage-1 tables (PV MMU suite) ---- */

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10

unsigned int arch_pt_format(void)
{
	return XL_PT_FORMAT_SV39;
}

unsigned int arch_pt_format_alt(void)
{
	return XL_PT_FORMAT_SV48;
}

unsigned int arch_pt_levels(unsigned int format)
{
	return format == XL_PT_FORMAT_SV48 ? 4 : 3;
}

uint64_t arch_pte_table(uint64_t pa, unsigned int level)
{
	return (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V;
}

uint64_t arch_pte_leaf(uint64_t pa, unsigned int level, unsigned int perms)
{
	/*
	 * A and D set: the hypervisor leaves hardware A/D updates off for
	 * PV domains (a clear bit faults), and QEMU 7.2, which always
	 * updates them, would write them into a read-only pinned table.
	 */
	uint64_t pte = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V | PTE_R |
		       PTE_A | PTE_D;

	if (perms & RT_PT_W)
		pte |= PTE_W;
	if (perms & RT_PT_X)
		pte |= PTE_X;
	return pte;
}

uint64_t arch_pte_reserved(unsigned int level)
{
	/* W without R is a reserved encoding. */
	return PTE_V | PTE_W;
}

void arch_mmu_on(unsigned int format)
{
	/* vsatp was written by XL_MMUEXT_NEW_BASEPTR: translation is on. */
	arch_tlb_flush_local();
}

void arch_mmu_off(void)
{
}

void arch_tlb_flush_local(void)
{
	asm volatile("sfence.vma" ::: "memory");
}

void arch_write_root(uint64_t val)
{
	asm volatile("csrw satp, %0" : : "r"(val) : "memory");
}

uint64_t arch_read_root(void)
{
	uint64_t v;

	asm volatile("csrr %0, satp" : "=r"(v) : : "memory");
	return v;
}
