/* SPDX-License-Identifier: GPL-2.0 */
/* Virtio-input power button of a RISC-V domain (arch/riscv/vinput.c). */
#ifndef ASM_RISCV_VINPUT_H
#define ASM_RISCV_VINPUT_H

#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>
#include <public/boot_schema.h>

#define VINPUT_NR_QUEUES 2 /* eventq, statusq */
#define VINPUT_QUEUE_MAX 64

struct vqueue {
	u32 num, ready;
	u64 desc, driver, device; /* guest physical addresses */
	u16 last_avail, used_idx;
};

/* struct virtio_input_event, little-endian like the CPU. */
struct vinput_event {
	u16 type, code;
	u32 value;
};

struct vinput {
	spinlock_t lock;
	u32 status, isr, qsel, dfsel, drv_fsel;
	u32 drv_features[2];
	u8 cfg[136]; /* struct virtio_input_config */
	struct vqueue q[VINPUT_NR_QUEUES];
	struct vinput_event pending[8];
	unsigned int nr_pending;
	u32 presses;
};

struct domain;

/**
 * vinput_init() - reset @d's power button and register its window
 * (common/vmmio.c). Return: 0 or vmmio_register()'s error.
 */
int vinput_init(struct domain *d);

#endif /* ASM_RISCV_VINPUT_H */
