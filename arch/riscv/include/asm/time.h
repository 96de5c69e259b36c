/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RISC-V timers (time.c): the host timer of each hart and the virtual
 * timer of a vCPU (SBI TIME, vstimecmp with Sstc).
 */
#ifndef ASM_RISCV_TIME_H
#define ASM_RISCV_TIME_H

#include <xen-lite/types.h>

struct vcpu;

/*
 * The counter's frequency (the time CSR), from the host device tree's
 * /cpus timebase-frequency (setup.c); arch_counter_read() and
 * arch_counter_freq() are in time.c.
 */
extern u64 riscv_timebase_hz;

/** riscv_timer_hart_init() - host timer of this hart off (time.c). */
void riscv_timer_hart_init(void);

/**
 * riscv_timer_guest_deadline() - without Sstc, the host timer also fires
 * at @deadline (~0: not) for the guest timer of the running vCPU.
 */
void riscv_timer_guest_deadline(u64 deadline);

/**
 * riscv_timer_interrupt() - the host S-mode timer fired: disarm it and let
 * common code run its expired events.
 */
void riscv_timer_interrupt(void);

/**
 * riscv_vcpu_set_timer() - SBI TIME set_timer on the current vCPU: its
 * timer interrupt is due at @deadline (the guest's counter value). With
 * Sstc this is the guest's vstimecmp; without it the hypervisor's timer
 * injects VSTIP.
 */
void riscv_vcpu_set_timer(struct vcpu *v, u64 deadline);

#endif /* ASM_RISCV_TIME_H */
