/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual 16550A UART of a domain (byte registers, reg-shift 0). Output
 * goes to the domain console; input comes from it (the console switch in
 * common code decides which domain gets the keyboard).
 */
#ifndef ASM_RISCV_VUART_H
#define ASM_RISCV_VUART_H

#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>

#define VUART_BASE 0x10000000UL
#define VUART_SIZE 0x100UL
#define VUART_IRQ 10
#define VUART_CLOCK 3686400

struct domain;

struct vuart {
	spinlock_t lock;
	u8 ier, lcr, mcr, scr, fcr, dll, dlm;
	u8 msr;
	bool thr_ipending; /* THR-empty interrupt waiting */
	int rx; /* byte read ahead from the console, or -1 */
};

/**
 * vuart_init() - reset the vUART of @d and register its window
 * (common/vmmio.c). Return: 0 or vmmio_register()'s error.
 */
int vuart_init(struct domain *d);

/**
 * vuart_mmio() - emulate a guest access at offset @off of the vUART by
 * @v (the struct vmmio_ops access() of the vUART's window).
 * Return: 0, or -EINVAL for a wider-than-byte access (ignored).
 */
int vuart_mmio(struct vcpu *v, void *priv, paddr_t off, unsigned int size,
	       bool is_write, u64 *val);

/** vuart_input() - console input arrived for @d: update RX and the irq. */
void vuart_input(struct domain *d);

/**
 * vuart_tx_ready() - @d's console output has room again after LSR said
 * THR was full: THR empty, its interrupt if enabled.
 */
void vuart_tx_ready(struct domain *d);

#endif /* ASM_RISCV_VUART_H */
