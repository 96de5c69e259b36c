// SPDX-License-Identifier: GPL-2.0
/*
 * The power button of a RISC-V domain (docs/cli.md, "xen-lite shutdown"):
 * a virtio-input device (Virtual I/O Device specification 1.2, 5.8) with
 * one key, KEY_POWER, on a virtio-mmio transport of version 2 (4.2.2) at
 * XL_PWRBTN_ADDR_RISCV64, vPLIC (or vAPLIC) source XL_PWRBTN_IRQ_RISCV64.
 * Debian's riscv64 kernel has no gpio-keys, but it has virtio_mmio and
 * virtio_input: a Debian system (systemd-logind) powers off on the key.
 *
 * The device side of the split virtqueues (2.7), as little of it as the
 * driver needs: eventq (0) takes the buffers the driver offers and gets
 * one struct virtio_input_event per buffer; statusq (1) is consumed and
 * ignored (LED states). No feature but VIRTIO_F_VERSION_1, so no event
 * index, no indirect descriptors. Everything the guest wrote (queue
 * size, ring addresses, descriptor indices and lengths) is checked before
 * use; a ring that breaks the rules sets DEVICE_NEEDS_RESET (2.1.2) and
 * the device stops, the guest's fault only; guest memory is reached with
 * copy_from_guest()/copy_to_guest() (RAM of the domain, nothing else).
 *
 * A press queues "key down, SYN, key up, SYN": the driver sees a whole
 * press and release at once. If the driver has no buffers (not loaded
 * yet), the events wait for them: the request stands until seen.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/vmmio.h>
#include <asm/vinput.h>
#include <asm/vplic.h>

/* virtio-mmio registers (4.2.2), version 2. */
#define MAGIC 0x000
#define VERSION 0x004
#define DEVICE_ID 0x008
#define VENDOR_ID 0x00c
#define DEV_FEATURES 0x010
#define DEV_FEATURES_SEL 0x014
#define DRV_FEATURES 0x020
#define DRV_FEATURES_SEL 0x024
#define QUEUE_SEL 0x030
#define QUEUE_NUM_MAX 0x034
#define QUEUE_NUM 0x038
#define QUEUE_READY 0x044
#define QUEUE_NOTIFY 0x050
#define INT_STATUS 0x060
#define INT_ACK 0x064
#define STATUS 0x070
#define QUEUE_DESC 0x080 /* low, high at +4 */
#define QUEUE_DRIVER 0x090
#define QUEUE_DEVICE 0x0a0
#define SHM_LEN 0x0b0 /* low, high: no shared memory regions */
#define CONFIG_GEN 0x0fc
#define CONFIG 0x100

#define VIRTIO_MAGIC 0x74726976 /* "virt" */
#define VIRTIO_ID_INPUT 18
#define VENDOR 0x4c4e4558 /* "XENL" */
#define F_VERSION_1_HI 1U /* feature bit 32: word 1, bit 0 */

#define ST_DRIVER_OK 4
#define ST_NEEDS_RESET 0x40

#define DESC_F_WRITE 2

/* struct virtio_input_config (5.8.4) */
#define CFG_SELECT 0
#define CFG_SUBSEL 1
#define CFG_SIZE 2
#define CFG_U 8
#define CFG_LEN (CFG_U + 128)
#define SEL_ID_NAME 0x01
#define SEL_ID_DEVIDS 0x03
#define SEL_EV_BITS 0x11

#define EV_SYN 0
#define EV_KEY 1
#define BUS_VIRTUAL 6

static const char dev_name[] = "xen-lite power button";

/* Lock held. The config space bytes for the current select/subsel. */
static void config_fill(struct vinput *vi)
{
	u8 *u = vi->cfg + CFG_U;
	u8 size = 0;

	memset(u, 0, 128);
	switch (vi->cfg[CFG_SELECT]) {
	case SEL_ID_NAME:
		if (vi->cfg[CFG_SUBSEL] == 0) {
			size = sizeof(dev_name) - 1;
			memcpy(u, dev_name, size);
		}
		break;
	case SEL_ID_DEVIDS:
		if (vi->cfg[CFG_SUBSEL] == 0) {
			u[0] = BUS_VIRTUAL; /* bustype, vendor, product, version */
			u[2] = 0x58;
			u[4] = 1;
			u[6] = 1;
			size = 8;
		}
		break;
	case SEL_EV_BITS:
		if (vi->cfg[CFG_SUBSEL] == EV_KEY) {
			u[XL_PWRBTN_KEY / 8] = 1U << (XL_PWRBTN_KEY % 8);
			size = XL_PWRBTN_KEY / 8 + 1;
		}
		break;
	}
	vi->cfg[CFG_SIZE] = size;
}

static void reset(struct vinput *vi)
{
	memset(vi->q, 0, sizeof(vi->q));
	vi->status = 0;
	vi->isr = 0;
	vi->qsel = 0;
	vi->dfsel = 0;
	vi->drv_features[0] = vi->drv_features[1] = 0;
	memset(vi->cfg, 0, sizeof(vi->cfg));
}

static void update(struct domain *d, struct vinput *vi)
{
	vplic_set_level(d, XL_PWRBTN_IRQ_RISCV64, vi->isr != 0);
}

/* Lock held. The guest broke a ring's rules: stop until it resets. */
static void broken(struct domain *d, struct vinput *vi, const char *why)
{
	if (!(vi->status & ST_NEEDS_RESET))
		printk(XL_WARN "domain %u (%s): power button: %s; the device "
			       "needs a reset\n",
		       d->id, d->name, why);
	vi->status |= ST_NEEDS_RESET;
}

/*
 * Lock held. Takes the next buffer the driver made available on @q:
 * its head descriptor in @desc. Return: 1 if one was taken, 0 if none,
 * -1 if the ring is broken.
 */
static int next_buffer(struct domain *d, struct vinput *vi, struct vqueue *q,
		       u16 *head, u64 *addr, u32 *len, u16 *flags)
{
	u16 avail_idx, id;
	u8 desc[16];

	if (!q->ready || !(vi->status & ST_DRIVER_OK) ||
	    (vi->status & ST_NEEDS_RESET))
		return 0;
	if (copy_from_guest(d, &avail_idx, q->driver + 2, 2))
		return broken(d, vi, "unreadable available ring"), -1;
	if (avail_idx == q->last_avail)
		return 0;
	if ((u16)(avail_idx - q->last_avail) > q->num)
		return broken(d, vi, "available index too far ahead"), -1;
	if (copy_from_guest(d, &id,
			    q->driver + 4 + 2ULL * (q->last_avail % q->num), 2))
		return broken(d, vi, "unreadable available ring"), -1;
	if (id >= q->num)
		return broken(d, vi, "descriptor index out of range"), -1;
	if (copy_from_guest(d, desc, q->desc + 16ULL * id, sizeof(desc)))
		return broken(d, vi, "unreadable descriptor"), -1;
	q->last_avail++;
	*head = id;
	memcpy(addr, desc, 8);
	memcpy(len, desc + 8, 4);
	memcpy(flags, desc + 12, 2);
	return 1;
}

/* Lock held. Buffer @head goes back to the driver with @len bytes. */
static int used(struct domain *d, struct vinput *vi, struct vqueue *q, u16 head,
		u32 len)
{
	u32 elem[2] = { head, len };
	u16 idx = q->used_idx + 1;

	if (copy_to_guest(d, q->device + 4 + 8ULL * (q->used_idx % q->num),
			  elem, sizeof(elem)))
		return broken(d, vi, "unwritable used ring"), -1;
	/* The element before the index that publishes it (2.7.8.2). */
	smp_wmb();
	if (copy_to_guest(d, q->device + 2, &idx, 2))
		return broken(d, vi, "unwritable used ring"), -1;
	q->used_idx = idx;
	vi->isr |= 1; /* used buffer notification */
	return 0;
}

/* Lock held. Hands waiting events to the driver's eventq buffers. */
static void deliver(struct domain *d, struct vinput *vi)
{
	struct vqueue *q = &vi->q[0];

	while (vi->nr_pending) {
		u64 addr;
		u32 len;
		u16 head, flags;
		int rc = next_buffer(d, vi, q, &head, &addr, &len, &flags);

		if (rc <= 0)
			return;
		if (len < sizeof(vi->pending[0]) || !(flags & DESC_F_WRITE) ||
		    copy_to_guest(d, addr, &vi->pending[0],
				  sizeof(vi->pending[0]))) {
			broken(d, vi, "an event buffer it cannot take");
			return;
		}
		if (used(d, vi, q, head, sizeof(vi->pending[0])))
			return;
		vi->nr_pending--;
		memmove(&vi->pending[0], &vi->pending[1],
			vi->nr_pending * sizeof(vi->pending[0]));
	}
}

/* Lock held. Status buffers (LEDs): taken and given back unread. */
static void drain_status(struct domain *d, struct vinput *vi)
{
	struct vqueue *q = &vi->q[1];
	u64 addr;
	u32 len;
	u16 head, flags;

	while (next_buffer(d, vi, q, &head, &addr, &len, &flags) > 0)
		if (used(d, vi, q, head, 0))
			return;
}

static int vinput_mmio(struct vcpu *v, void *priv, paddr_t off,
		       unsigned int size, bool write, u64 *val);

static const struct vmmio_ops vinput_ops = { "vinput", vinput_mmio };

int vinput_init(struct domain *d)
{
	struct vinput *vi = &d->arch.vinput;

	memset(vi, 0, sizeof(*vi));
	spin_lock_init(&vi->lock);
	return vmmio_register(d, XL_PWRBTN_ADDR_RISCV64, XL_PWRBTN_SIZE_RISCV64,
			      &vinput_ops, NULL);
}

static void push(struct vinput *vi, u16 type, u16 code, u32 value)
{
	struct vinput_event *e = &vi->pending[vi->nr_pending++];

	e->type = type;
	e->code = code;
	e->value = value;
}

int arch_power_button(struct domain *d)
{
	struct vinput *vi = &d->arch.vinput;
	unsigned long flags;

	spin_lock_irqsave(&vi->lock, flags);
	/* One press waiting is enough: more would only repeat it. */
	if (vi->nr_pending + 4 <= ARRAY_SIZE(vi->pending)) {
		push(vi, EV_KEY, XL_PWRBTN_KEY, 1);
		push(vi, EV_SYN, 0, 0);
		push(vi, EV_KEY, XL_PWRBTN_KEY, 0);
		push(vi, EV_SYN, 0, 0);
	}
	vi->presses++;
	deliver(d, vi);
	update(d, vi);
	spin_unlock_irqrestore(&vi->lock, flags);
	return 0;
}

/* Lock held. A register of the selected queue, 32 bits at @off. */
static u32 *queue_reg(struct vinput *vi, paddr_t off)
{
	struct vqueue *q = &vi->q[vi->qsel];

	switch (off) {
	case QUEUE_DESC:
	case QUEUE_DESC + 4:
		return (u32 *)&q->desc + (off - QUEUE_DESC) / 4;
	case QUEUE_DRIVER:
	case QUEUE_DRIVER + 4:
		return (u32 *)&q->driver + (off - QUEUE_DRIVER) / 4;
	case QUEUE_DEVICE:
	case QUEUE_DEVICE + 4:
		return (u32 *)&q->device + (off - QUEUE_DEVICE) / 4;
	}
	return NULL;
}

static u32 read_reg(struct vinput *vi, paddr_t off)
{
	u32 *r;

	switch (off) {
	case MAGIC:
		return VIRTIO_MAGIC;
	case VERSION:
		return 2;
	case DEVICE_ID:
		return VIRTIO_ID_INPUT;
	case VENDOR_ID:
		return VENDOR;
	case DEV_FEATURES:
		return vi->dfsel == 1 ? F_VERSION_1_HI : 0;
	case QUEUE_NUM_MAX:
		return vi->qsel < VINPUT_NR_QUEUES ? VINPUT_QUEUE_MAX : 0;
	case QUEUE_READY:
		return vi->qsel < VINPUT_NR_QUEUES ? vi->q[vi->qsel].ready : 0;
	case INT_STATUS:
		return vi->isr;
	case STATUS:
		return vi->status;
	case SHM_LEN:
	case SHM_LEN + 4:
		return ~0U; /* no such region (4.2.2.1) */
	case CONFIG_GEN:
		return 0;
	}
	if (vi->qsel < VINPUT_NR_QUEUES && (r = queue_reg(vi, off)))
		return *r;
	return 0;
}

/* Lock held. A write to a register; config space is handled apart. */
static void write_reg(struct domain *d, struct vinput *vi, paddr_t off, u32 val)
{
	struct vqueue *q = vi->qsel < VINPUT_NR_QUEUES ? &vi->q[vi->qsel] :
							 NULL;
	u32 *r;

	switch (off) {
	case DEV_FEATURES_SEL:
		vi->dfsel = val;
		return;
	case DRV_FEATURES:
		if (vi->drv_fsel < 2)
			vi->drv_features[vi->drv_fsel] = val;
		return;
	case DRV_FEATURES_SEL:
		vi->drv_fsel = val;
		return;
	case QUEUE_SEL:
		vi->qsel = val;
		return;
	case QUEUE_NUM:
		if (q && !q->ready)
			q->num = val;
		return;
	case QUEUE_READY:
		if (!q)
			return;
		if ((val & 1) && (!q->num || q->num > VINPUT_QUEUE_MAX ||
				  (q->num & (q->num - 1)))) {
			broken(d, vi,
			       "a queue size that is not a power of 2 up to 64");
			return;
		}
		q->ready = val & 1;
		q->last_avail = q->used_idx = 0;
		return;
	case QUEUE_NOTIFY:
		if (val == 0)
			deliver(d, vi);
		else if (val == 1)
			drain_status(d, vi);
		return;
	case INT_ACK:
		vi->isr &= ~val;
		return;
	case STATUS:
		if (!val) {
			reset(vi);
			return;
		}
		/* FEATURES_OK only with VIRTIO_F_VERSION_1 (4.2.2.2). */
		if ((val & 8) && !(vi->drv_features[1] & F_VERSION_1_HI))
			val &= ~8U;
		vi->status = (vi->status & ST_NEEDS_RESET) | (val & 0xff);
		deliver(d, vi);
		return;
	}
	if (q && !q->ready && (r = queue_reg(vi, off)))
		*r = val;
}

static int vinput_mmio(struct vcpu *v, void *priv, paddr_t off,
		       unsigned int size, bool write, u64 *val)
{
	struct domain *d = v->domain;
	struct vinput *vi = &d->arch.vinput;
	unsigned long flags;

	(void)priv;
	if (size > 4 || !IS_ALIGNED(off, size))
		return -EINVAL;
	spin_lock_irqsave(&vi->lock, flags);
	if (off >= CONFIG) {
		paddr_t c = off - CONFIG;

		if (c + size > CFG_LEN) {
			if (!write)
				*val = 0;
		} else if (write) {
			/* Only select and subsel are the driver's to write. */
			for (unsigned int i = 0; i < size; i++)
				if (c + i <= CFG_SUBSEL)
					vi->cfg[c + i] = (u8)(*val >> (8 * i));
			config_fill(vi);
		} else {
			*val = 0;
			for (unsigned int i = 0; i < size; i++)
				*val |= (u64)vi->cfg[c + i] << (8 * i);
		}
	} else if (size != 4) {
		/* Registers are 32-bit only (4.2.2.2). */
		if (!write)
			*val = 0;
	} else if (write) {
		write_reg(d, vi, off, (u32)*val);
	} else {
		*val = read_reg(vi, off);
	}
	update(d, vi);
	spin_unlock_irqrestore(&vi->lock, flags);
	return 0;
}
