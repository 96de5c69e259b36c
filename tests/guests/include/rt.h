/* SPDX-License-Identifier: MIT */
/*
 * The test-guest runtime: a freestanding environment for tiny guests of
 * xen-lite on RISC-V (VS-mode) and AArch64 (EL1), MMU off, so a pointer
 * is a guest physical address.
 *
 * A program defines rt_suite (the prefix of its result lines) and
 * test_main(), which runs on vCPU 0. When test_main() returns, the
 * runtime prints "<suite>: N passed, N failed" and shuts the domain down:
 * poweroff with code 0 when nothing failed, otherwise crash with the
 * number of failures as the code.
 */
#ifndef RT_H
#define RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/xen-lite.h>

#define RT_MAX_CPUS 8
#define RT_STACK_SIZE 16384
#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define __aligned(n) __attribute__((aligned(n)))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))

/* Defined by each program. */
extern const char rt_suite[];
int test_main(void);

/* Image layout (linker script). */
extern char _start[], _end[];

/* ---- hypercalls and firmware calls (rt/<arch>/arch.c) ---- */

/*
 * RT_BARE builds run without xen-lite (on plain firmware, or with RT_XEN
 * as a dom0less domain of Xen, tests/bench/xen.sh): console on the UART
 * at RT_UART_BASE, standard shutdown.
 */
#ifndef RT_UART_BASE
#ifdef RT_XEN
#define RT_UART_BASE 0x22000000UL /* Xen's vpl011 for dom0less domains */
#else
#define RT_UART_BASE 0x09000000UL /* QEMU virt's PL011 */
#endif
#endif

/* A xen-lite hypercall. Return: its result, or -XL_ENOSYS if unknown. */
long xl_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
		  unsigned long a2, unsigned long a3, unsigned long a4);

#ifdef RT_XEN
/*
 * A Xen hypercall (Arm: HVC #0xEA1, x16 = @nr, arguments in x0-x4;
 * Xen's public ABI, docs/benchmarks.md "Xen side by side").
 */
long xen_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
		   unsigned long a2, unsigned long a3, unsigned long a4);
#endif

struct fw_ret {
	long error; /* RISC-V: SBI error (a0); Arm: x0 */
	long value; /* RISC-V: a1; Arm: x1 */
};

/*
 * A raw firmware call: RISC-V ecall with a7 = @ext, a6 = @fn; Arm HVC #0
 * with x0 = @fn (@ext is ignored).
 */
struct fw_ret fw_call(unsigned long ext, unsigned long fn, unsigned long a0,
		      unsigned long a1, unsigned long a2, unsigned long a3,
		      unsigned long a4, unsigned long a5);

/* Standard shutdown (SBI SRST / PSCI SYSTEM_OFF or SYSTEM_RESET). */
void arch_std_shutdown(bool reboot, bool failure);
/* Start CPU @hwid at the runtime's secondary entry with @ctx. Return: 0 or
 * the firmware's error. */
long arch_cpu_on(unsigned long hwid, unsigned long ctx);
/* Stop the calling vCPU (HSM hart_stop / PSCI CPU_OFF). */
__noreturn void arch_cpu_off(void);
/* Counter value and frequency. */
uint64_t arch_counter(void);
uint64_t arch_counter_freq(void);
/* Make @len bytes just written at @p executable. */
void arch_sync_icache(void *p, size_t len);
/* The calling vCPU's index (set at entry). */
unsigned int rt_cpu(void);
/* Spin-loop hint. */
void arch_relax(void);

/* ---- console and results (rt/lib.c) ---- */
int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int rt_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
/* Print (one console write per call, serialised between vCPUs). */
void rt_printf(const char *fmt, ...) __printf(1, 2);

void rt_ok(const char *name);
void rt_fail(const char *name, const char *fmt, ...) __printf(2, 3);
/* rt_ok() or rt_fail() with the message. Return: @cond. */
bool rt_check(bool cond, const char *name, const char *fmt, ...) __printf(3, 4);
extern unsigned int rt_passed, rt_failed;

/* Summary line, then shut down (does not return). */
__noreturn void rt_finish(void);
/* XL_HC_DOMAIN_SHUTDOWN; does not return. */
__noreturn void rt_shutdown(unsigned int reason, int code);
/* Fatal runtime error: print, then crash the domain with code 99. */
__noreturn void rt_panic(const char *fmt, ...) __printf(1, 2);

/* ---- memory, strings, numbers ---- */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
unsigned long rt_strtoul(const char *s, const char **end);

/* xorshift64* pseudo-random numbers (per caller state). */
uint64_t rt_rand(uint64_t *state);
/* A 64-bit mix of @x (splitmix64 finaliser). */
uint64_t rt_mix(uint64_t x);
/* FNV-1a style 64-bit checksum of @len bytes (8-byte words). */
uint64_t rt_checksum(const void *p, size_t len, uint64_t seed);

/* ---- time ---- */
uint64_t rt_now_us(void);
void rt_udelay(uint64_t us);

/* ---- the guest's environment (parsed at boot) ---- */
struct rt_env {
	uint64_t dtb; /* guest physical address of the DTB */
	uint64_t ram_base; /* from /memory */
	uint64_t ram_size;
	unsigned int nr_cpus; /* /cpus/cpu@* nodes */
	uint64_t cpu_hwid[RT_MAX_CPUS]; /* their "reg" */
	uint64_t boot_hwid; /* the boot vCPU's (vCPU 0) */
	uint64_t timebase; /* RISC-V /cpus timebase-frequency */
	bool hypervisor_node; /* /hypervisor compatible "xen-lite,hypervisor" */
	unsigned int dt_domid; /* /hypervisor xen-lite,domid */
	unsigned int gic; /* Arm: GIC version of /interrupt-controller@*: 2, 3 */
	char bootargs[512]; /* /chosen bootargs */
	char isa[1024]; /* RISC-V /cpus/cpu@0 riscv,isa */
	uint32_t cboz_block; /* RISC-V /cpus/cpu@0 riscv,cboz-block-size */
	uint32_t cbom_block; /* RISC-V /cpus/cpu@0 riscv,cbom-block-size */
	struct xl_domain_info info; /* XL_HC_DOMAIN_INFO at boot */
	long info_rc;
};
extern struct rt_env rt_env;

#ifdef __aarch64__
/*
 * The guest's GIC (rt/arm64/arch.c), GICv3 or GICv2 as the device tree
 * says (rt_env.gic), at QEMU virt's addresses: distributor 0x08000000,
 * GICv3 redistributors 0x080a0000 + 128 KiB per vCPU, GICv2 CPU
 * interface 0x08010000. One security state, Group 1 on GICv3 (as Linux),
 * Group 0 on GICv2 (as Linux), EOImode 0 (EOI drops and deactivates).
 */
/* This vCPU's interface on, priority mask open; the distributor on. */
void rt_gic_cpu_init(void);
/* Enable or disable INTID @intid (private ones for this vCPU), @prio. */
void rt_gic_enable(unsigned int intid, unsigned int prio, bool on);
/* Acknowledge: the IAR value (GICv2: source CPU of an SGI in [12:10]). */
unsigned int rt_gic_ack(void);
/* End of interrupt for IAR value @iar. */
void rt_gic_eoi(unsigned int iar);
/* SGI @sgi to vCPU @cpu (an index into /cpus). */
void rt_gic_send_sgi(unsigned int cpu, unsigned int sgi);
#endif

/* "key=value" from the command line. Return: the value or NULL. */
const char *rt_arg(const char *key, char *buf, size_t size);
unsigned long rt_arg_ul(const char *key, unsigned long def);
bool rt_arg_is(const char *key, const char *value);

/* ---- vCPUs ---- */
/*
 * Start vCPU @cpu (an index into /cpus) running @fn(@arg) on its own
 * stack; the vCPU stops itself when @fn returns. Return: 0 or a negative
 * firmware error.
 */
long rt_cpu_start(unsigned int cpu, void (*fn)(unsigned long),
		  unsigned long arg);
/* The hardware ID (hart ID, MPIDR affinity) of vCPU @cpu. */
uint64_t rt_cpu_hwid(unsigned int cpu);
/* Number of secondary vCPUs that have entered their function. */
extern volatile unsigned int rt_cpus_entered;

/* A test-and-set spinlock. */
typedef struct {
	volatile int locked;
} rt_lock_t;
void rt_lock(rt_lock_t *l);
void rt_unlock(rt_lock_t *l);

/* ---- hypercall helpers ---- */
long xl_console_write(const void *buf, size_t len);
/*
 * rt_printf() writes through SBI DBCN console_write instead of the
 * hypercall when set (RISC-V). Either way it writes again what a short
 * count left (the domain's console budget): rt_console_short counts them.
 */
extern bool rt_console_dbcn;
extern unsigned long rt_console_short;
long xl_domain_info(struct xl_domain_info *info);
long xl_memory_op(unsigned long cmd, void *arg);
/* decrease (or populate) @nr single extents of order @order at @gfns. */
long xl_reservation(unsigned long cmd, uint64_t *gfns, unsigned int nr,
		    unsigned int order);
long xl_map_foreign(uint64_t gfn, unsigned int domid, uint64_t foreign_gfn,
		    bool readonly);
long xl_unmap_foreign(uint64_t gfn);

/* ---- catching an exception (rt/lib.c + rt/<arch>/head.S) ---- */
struct rt_fault {
	unsigned long kind; /* arch-defined, as for rt_trap() */
	unsigned long cause; /* RISC-V scause; Arm ESR_EL1 */
	unsigned long pc; /* faulting instruction */
	unsigned long addr; /* RISC-V stval; Arm FAR_EL1 */
};
/*
 * Run @fn(@arg) on the calling vCPU. If it takes a synchronous exception,
 * unwind to here instead of failing the suite. Return: true (and fill
 * @f when not NULL) if it trapped, false if @fn returned.
 */
bool rt_catch(void (*fn)(void *), void *arg, struct rt_fault *f);

/* setjmp-style context, callee-saved registers + sp + return address. */
typedef struct {
	unsigned long regs[14];
} rt_jmp_buf;
/* Return: 0 when saving, @v (non-zero) when rt_longjmp()ed to. */
__attribute__((returns_twice)) int arch_setjmp(rt_jmp_buf *b);
__noreturn void arch_longjmp(rt_jmp_buf *b, int v);

/* ---- stage-1 page tables for the PV MMU suite (rt/<arch>/arch.c) ---- */
#define RT_PT_R 1U /* leaf permissions */
#define RT_PT_W 2U
#define RT_PT_X 4U
#define RT_PT_DEV 8U /* device memory (Arm attribute index; RISC-V: none) */

/* The architecture's default XL_PT_FORMAT_* and the other one it has. */
unsigned int arch_pt_format(void);
unsigned int arch_pt_format_alt(void);
/* Number of levels (root level) of XL_PT_FORMAT_* @format. */
unsigned int arch_pt_levels(unsigned int format);
/* Entry of a level-@level table (1 = 4 KiB leaves) pointing to the table at @pa. */
uint64_t arch_pte_table(uint64_t pa, unsigned int level);
/*
 * Leaf at @level mapping @pa (aligned to the level's size) with RT_PT_*
 * @perms for the guest kernel (RISC-V S-mode, U clear; Arm EL1 only),
 * accessed (and dirty when writable) already set, normal memory unless
 * RT_PT_DEV.
 */
uint64_t arch_pte_leaf(uint64_t pa, unsigned int level, unsigned int perms);
/* A valid entry at @level whose encoding is reserved (pv decode: -EINVAL). */
uint64_t arch_pte_reserved(unsigned int level);
/*
 * Stage-1 translation on for the tables of @format whose root the
 * hypervisor installed with XL_MMUEXT_NEW_BASEPTR (RISC-V: already on once
 * vsatp is set, only fences; Arm: MAIR, TCR (T0SZ for the format), then
 * SCTLR_EL1.M, C, I). arch_mmu_off(): back to no translation (Arm: SCTLR.M
 * clear; RISC-V: nothing, the caller drops the base pointer with
 * XL_BASEPTR_NONE).
 */
void arch_mmu_on(unsigned int format);
void arch_mmu_off(void);
/* Local stage-1 TLB flush (RISC-V sfence.vma, Arm TLBI VMALLE1 + DSB + ISB). */
void arch_tlb_flush_local(void);
/*
 * Write @val to the stage-1 root register directly (RISC-V satp, Arm
 * TTBR0_EL1): a PV domain must get an exception (illegal instruction /
 * UNDEF) from the hypervisor. Use under rt_catch().
 */
void arch_write_root(uint64_t val);
/* Read it back (RISC-V satp, trapped and emulated under PV; Arm TTBR0_EL1). */
uint64_t arch_read_root(void);

/* ---- entry points used by the arch code ---- */
__noreturn void rt_start(unsigned long hwid, unsigned long dtb);
__noreturn void rt_secondary(unsigned long ctx);
__noreturn void rt_trap(unsigned long kind, unsigned long cause,
			unsigned long pc, unsigned long addr);

#endif /* RT_H */
