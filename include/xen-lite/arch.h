/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between common code and each architecture (arch/<arch>/).
 * Every hook here is implemented once per architecture.
 *
 * Boot flow:
 *   arch entry (boot CPU): stack, BSS, identity-mapped MMU, trap vector
 *     -> start_xen(hwid, dtb)                      common/setup.c
 *        bootfdt_parse, console_init, page_alloc_init
 *        -> arch_setup(bi)                        interrupt controller,
 *                                                 timer, feature checks
 *        -> arch_cpu_up(cpu, hwid) per secondary  SBI HSM / PSCI CPU_ON
 *             secondary arch entry -> start_secondary(cpu)
 *        domains are built, CPUs enter the scheduler
 *   no domain left -> arch_machine_poweroff(clean)
 */
#ifndef XL_ARCH_H
#define XL_ARCH_H

#include <xen-lite/compiler.h>
#include <xen-lite/types.h>

struct bootinfo;

/**
 * start_xen() - common boot entry on the boot CPU.
 * @boot_hwid: hart ID (RISC-V) or MPIDR affinity bits (Arm) of this CPU.
 * @dtb_pa: physical address of the host device tree.
 *
 * Called by arch code with a stack, a cleared BSS, this_cpu() pointing at
 * pcpu_info[0], traps vectored and the identity map active.
 */
void start_xen(unsigned long boot_hwid, paddr_t dtb_pa) __noreturn;

/**
 * start_secondary() - common entry of a secondary CPU, called by arch code
 * once that CPU has its stack, MMU, traps and this_cpu() set up.
 */
void start_secondary(unsigned int cpu) __noreturn;

/**
 * arch_setup() - architecture setup on the boot CPU after the console and
 * the page allocator work: feature checks (a missing H extension or EL2
 * panics with a clear message), interrupt controller, timer, stage-2
 * probing (VMID width, translation modes).
 * Return: 0, or a negative errno that stops the boot.
 */
int arch_setup(const struct bootinfo *bi);

/**
 * arch_cpu_up() - start secondary CPU @cpu whose hardware ID is @hwid.
 * The new CPU must end in start_secondary(@cpu).
 * Return: 0 when the firmware accepted the request, else a negative errno.
 */
int arch_cpu_up(unsigned int cpu, unsigned long hwid);

/**
 * arch_cpu_up_poke() - a started CPU shows no progress: look again
 * @cpu: the CPU passed to arch_cpu_up()
 * @hwid: its hardware ID
 * @why: receives what the firmware says about it (a static string)
 *
 * Asks the firmware for the CPU's state (SBI HSM hart_get_status, PSCI
 * AFFINITY_INFO) and, where a start request can be waiting for a wake-up
 * the CPU missed, wakes it again.
 */
void arch_cpu_up_poke(unsigned int cpu, unsigned long hwid, const char **why);

/**
 * arch_machine_poweroff() - power the machine off. QEMU exits with status 0
 * when @clean is true, non-zero otherwise.
 */
void arch_machine_poweroff(bool clean) __noreturn;

/**
 * arch_counter_read() - the platform counter (ticks since reset). An arch
 * may define it inline in <asm/counter.h> (it is read on every guest exit
 * by the stall detector; both do); host test builds keep the function.
 */
#if !defined(XL_HOST_TEST) && __has_include(<asm/counter.h>)
#include <asm/counter.h>
#else
u64 arch_counter_read(void);
#endif

/** arch_counter_freq() - platform counter frequency in Hz (non-zero). */
u64 arch_counter_freq(void);

/** arch_cpu_idle() - wait for an interrupt (wfi), with interrupts enabled. */
void arch_cpu_idle(void);

/** arch_dump_state() - print the calling CPU's registers (panic path). */
void arch_dump_state(void);

/** arch_stop_other_cpus() - best effort: halt every other CPU (panic). */
void arch_stop_other_cpus(void);

/** arch_send_ipi() - interrupt CPU @cpu so it reschedules / checks work. */
void arch_send_ipi(unsigned int cpu);

#endif /* XL_ARCH_H */
