// SPDX-License-Identifier: GPL-2.0
/*
 * A polled virtio console on a virtio-mmio transport: the hypervisor's
 * management channel (docs/runtime.md). Only port 0 of the device is
 * used (VIRTIO_CONSOLE_F_MULTIPORT is not negotiated), so its receiveq is
 * virtqueue 0 and its transmitq virtqueue 1 (Virtio 1.2, 5.3.2). Both
 * register layouts of virtio-mmio are driven (Virtio 1.2, 4.2.2 and the
 * legacy layout of 4.2.4): QEMU 7.2's transports are legacy unless
 * told otherwise, QEMU 10's too, and a -global can change it, so the
 * Version register decides. Nothing is interrupt driven: the device's
 * interrupts are suppressed (VRING_AVAIL_F_NO_INTERRUPT) and CPU0 polls
 * the used rings (common/mgmt_cmds.c), as it polls the UART.
 *
 * The hypervisor runs with VA == PA, so buffer addresses are virtual
 * addresses; RAM is coherent for QEMU's devices.
 */
#include <xen-lite/arch.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mgmt.h>
#include <xen-lite/mm.h>
#include <asm/system.h>

#define VIRTIO_MMIO_MAGIC 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE 0x028 /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_ALIGN 0x03c /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN 0x040 /* legacy */
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW 0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH 0x0a4

#define VIRTIO_MAGIC 0x74726976 /* "virt" */
#define VIRTIO_ID_CONSOLE 3
#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8
#define VIRTIO_F_VERSION_1 32 /* feature bit */

#define VRING_DESC_F_WRITE 2
#define VRING_AVAIL_F_NO_INTERRUPT 1

/*
 * Receive buffers: QEMU's socket character device hands the port at most
 * 4 KiB per read (CHR_READ_BUF_LEN), each read fills one buffer, so 4 KiB
 * buffers lose nothing; 128 of them (the queue size QEMU gives
 * virtio-serial) keep the device busy between two polls.
 */
#define RX_NUM 128
#define RX_BUF 4096
#define TX_NUM 8
#define TX_BUF 4096

struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct vring_used_elem {
	u32 id;
	u32 len;
};

/* One split virtqueue in two pages: descriptors, avail, (page) used. */
struct vq {
	unsigned int num;
	struct vring_desc *desc;
	volatile u16 *avail; /* flags, idx, ring[num] */
	volatile u16 *used; /* flags, idx, then elems */
	u16 avail_idx; /* ours */
	u16 used_seen;
};

static volatile u8 *vio;
static unsigned int vio_version;
static struct vq rxq, txq;
static u8 *rx_bufs;
static u8 *tx_bufs;

static inline void io_mb(void)
{
#ifdef CONFIG_ARCH_ARM64
	__asm__ __volatile__("dsb sy" ::: "memory");
#else
	__asm__ __volatile__("fence iorw, iorw" ::: "memory");
#endif
}

static u32 rd(unsigned int off)
{
	return *(volatile u32 *)(vio + off);
}

static void wr(unsigned int off, u32 v)
{
	io_mb();
	*(volatile u32 *)(vio + off) = v;
}

static volatile struct vring_used_elem *used_elem(struct vq *q, unsigned int i)
{
	return (volatile struct vring_used_elem *)(q->used + 2) + i;
}

static int vq_setup(unsigned int index, struct vq *q, unsigned int want)
{
	unsigned int max;
	u8 *mem;
	paddr_t pa;

	wr(VIRTIO_MMIO_QUEUE_SEL, index);
	max = rd(VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (!max)
		return -ENODEV;
	q->num = MIN(max, want);
	/* 16 * 128 + 4 + 2 * 128 + 2 < 4096; the used ring on page 2. */
	mem = alloc_xenheap_pages(1);
	if (!mem)
		return -ENOMEM;
	memset(mem, 0, 2 * PAGE_SIZE);
	q->desc = (struct vring_desc *)mem;
	q->avail = (volatile u16 *)(mem + 16 * q->num);
	q->used = (volatile u16 *)(mem + PAGE_SIZE);
	q->avail[0] = VRING_AVAIL_F_NO_INTERRUPT;
	pa = virt_to_maddr(mem);
	wr(VIRTIO_MMIO_QUEUE_NUM, q->num);
	if (vio_version == 1) {
		wr(VIRTIO_MMIO_QUEUE_ALIGN, PAGE_SIZE);
		wr(VIRTIO_MMIO_QUEUE_PFN, (u32)(pa >> PAGE_SHIFT));
	} else {
		paddr_t av = pa + 16 * q->num, us = pa + PAGE_SIZE;

		wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)pa);
		wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (u32)(pa >> 32));
		wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (u32)av);
		wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (u32)(av >> 32));
		wr(VIRTIO_MMIO_QUEUE_USED_LOW, (u32)us);
		wr(VIRTIO_MMIO_QUEUE_USED_HIGH, (u32)(us >> 32));
		wr(VIRTIO_MMIO_QUEUE_READY, 1);
	}
	return 0;
}

/* Offer descriptor @id (a whole buffer) to the device. */
static void vq_post(struct vq *q, u16 id)
{
	q->avail[2 + (q->avail_idx % q->num)] = id;
	io_mb();
	q->avail_idx++;
	q->avail[1] = q->avail_idx;
}

int virtio_console_probe(paddr_t base)
{
	volatile u8 *b = (volatile u8 *)(uintptr_t)base;
	u32 st;
	int rc;

	if (*(volatile u32 *)(b + VIRTIO_MMIO_MAGIC) != VIRTIO_MAGIC)
		return -ENODEV;
	vio = b;
	vio_version = rd(VIRTIO_MMIO_VERSION);
	if ((vio_version != 1 && vio_version != 2) ||
	    rd(VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_CONSOLE) {
		vio = NULL;
		return -ENODEV; /* an empty transport reads device ID 0 */
	}
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, STATUS_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	/* No feature of the console (no MULTIPORT, no SIZE, no EMERG_WRITE). */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	if (vio_version == 2) {
		wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
		if (!(rd(VIRTIO_MMIO_DEVICE_FEATURES) &
		      (1U << (VIRTIO_F_VERSION_1 - 32))))
			goto fail;
		wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
		wr(VIRTIO_MMIO_DRIVER_FEATURES,
		   1U << (VIRTIO_F_VERSION_1 - 32));
		wr(VIRTIO_MMIO_STATUS,
		   STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
		st = rd(VIRTIO_MMIO_STATUS);
		if (!(st & STATUS_FEATURES_OK))
			goto fail;
	} else {
		wr(VIRTIO_MMIO_GUEST_PAGE_SIZE, PAGE_SIZE);
	}
	rc = vq_setup(0, &rxq, RX_NUM);
	if (!rc)
		rc = vq_setup(1, &txq, TX_NUM);
	if (rc)
		goto fail;
	/* 128 * 4 KiB: order 7. */
	rx_bufs = alloc_xenheap_pages(7);
	tx_bufs = alloc_xenheap_pages(3);
	if (!rx_bufs || !tx_bufs)
		goto fail;
	for (unsigned int i = 0; i < rxq.num; i++) {
		rxq.desc[i].addr = virt_to_maddr(rx_bufs + i * RX_BUF);
		rxq.desc[i].len = RX_BUF;
		rxq.desc[i].flags = VRING_DESC_F_WRITE;
		vq_post(&rxq, (u16)i);
	}
	for (unsigned int i = 0; i < txq.num; i++)
		txq.desc[i].addr = virt_to_maddr(tx_bufs + i * TX_BUF);
	wr(VIRTIO_MMIO_STATUS, rd(VIRTIO_MMIO_STATUS) | STATUS_DRIVER_OK);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	printk("virtio console at %#llx: %s virtio-mmio, queues of %u and %u\n",
	       (unsigned long long)base,
	       vio_version == 1 ? "legacy" : "version 2", rxq.num, txq.num);
	return 0;
fail:
	wr(VIRTIO_MMIO_STATUS, 0);
	vio = NULL;
	return -ENODEV;
}

bool virtio_console_rx_ready(void)
{
	return vio && READ_ONCE(rxq.used[1]) != rxq.used_seen;
}

size_t virtio_console_rx(void (*fn)(void *arg, const u8 *p, size_t n),
			 void *arg)
{
	size_t total = 0;
	bool posted = false;

	if (!vio)
		return 0;
	for (;;) {
		u16 idx = rxq.used[1];
		volatile struct vring_used_elem *e;
		u32 id, len;

		if (idx == rxq.used_seen)
			break;
		io_mb(); /* the element after the index */
		e = used_elem(&rxq, rxq.used_seen % rxq.num);
		id = e->id;
		len = e->len;
		rxq.used_seen++;
		/* The device's word is checked like any other input. */
		if (id < rxq.num) {
			if (len > RX_BUF)
				len = RX_BUF;
			fn(arg, rx_bufs + id * RX_BUF, len);
			total += len;
			vq_post(&rxq, (u16)id);
			posted = true;
		}
	}
	if (posted) {
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		/* Interrupts are suppressed; clear one raised anyway. */
		if (rd(VIRTIO_MMIO_INTERRUPT_STATUS))
			wr(VIRTIO_MMIO_INTERRUPT_ACK,
			   rd(VIRTIO_MMIO_INTERRUPT_STATUS));
	}
	return total;
}

/* Wait until the device has used every transmit buffer (about a second). */
static int tx_drain(void)
{
	u64 until = arch_counter_read() + arch_counter_freq();

	while (txq.used[1] != txq.avail_idx) {
		if (arch_counter_read() > until)
			return -EIO;
		cpu_relax();
	}
	txq.used_seen = txq.avail_idx;
	return 0;
}

int virtio_console_tx(const void *p, size_t n)
{
	const u8 *s = p;

	if (!vio)
		return -ENODEV;
	while (n) {
		unsigned int slots = 0;

		/* Up to TX_NUM buffers per notification, then wait for them. */
		while (n && slots < txq.num) {
			size_t take = MIN(n, (size_t)TX_BUF);
			u16 id = (u16)slots;

			memcpy(tx_bufs + id * TX_BUF, s, take);
			txq.desc[id].len = (u32)take;
			txq.desc[id].flags = 0;
			vq_post(&txq, id);
			s += take;
			n -= take;
			slots++;
		}
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
		if (tx_drain())
			return -EIO;
	}
	return 0;
}
