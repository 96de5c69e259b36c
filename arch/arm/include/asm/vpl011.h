/* SPDX-License-Identifier: GPL-2.0 */
/* Virtual PL011 UART: the guest console. */
#ifndef ASM_ARM_VPL011_H
#define ASM_ARM_VPL011_H

#include <xen-lite/types.h>

#define VPL011_BASE 0x09000000ULL
#define VPL011_SIZE 0x1000ULL
#define VPL011_SPI 1 /* INTID 33, as QEMU's virt machine */
#define VPL011_IRQ (32 + VPL011_SPI)

struct vpl011 {
	u32 cr, lcr_h, ibrd, fbrd, ifls;
	u32 imsc;
	u32 tx_cleared; /* TX interrupt acknowledged until the next write */
	u32 txff; /* the console had no room (FR.TXFF) at the last look */
	u32 dmacr;
};

struct domain;
struct vcpu;

/**
 * vpl011_init() - reset @d's UART and register its window
 * (common/vmmio.c). Return: 0 or vmmio_register()'s error.
 */
int vpl011_init(struct domain *d);

/** vpl011_update() - recompute the interrupt line (input arrived). */
void vpl011_update(struct domain *d);

/**
 * vpl011_tx_ready() - @d's console output has room again after FR said
 * TXFF: the FIFO is empty, the TX interrupt condition back.
 */
void vpl011_tx_ready(struct domain *d);

#endif /* ASM_ARM_VPL011_H */
