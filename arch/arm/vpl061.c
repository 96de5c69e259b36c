// SPDX-License-Identifier: GPL-2.0
/*
 * The power button of an Arm domain (docs/cli.md, "xen-lite shutdown"):
 * a virtual PL061 GPIO controller (Arm DDI 0190B) whose input line 3 is a
 * gpio-keys KEY_POWER, as on QEMU's virt board, at its address and
 * interrupt (XL_PWRBTN_*_ARM64). Linux drives it with gpio-pl061 and
 * gpio_keys, and a Debian system (systemd-logind) powers off on the key.
 *
 * A press raises line 3. The line drops again once the guest has read it
 * high through GPIODATA: gpio_keys reads the line after its debounce
 * delay to report the key, so a release on a timer could come before
 * that read on a loaded host and the press would be lost. Reading the
 * line is what a driver does to see the key, so a press is seen exactly
 * once, however late.
 *
 * The interrupt logic is the PL061's: an edge or level detected on a line
 * sets its bit in GPIORIS (edges latched until written to GPIOIC, levels
 * for as long as they hold); GPIOMIS = GPIORIS & GPIOIE; the controller's
 * interrupt output (a level-sensitive SPI here) is high while any GPIOMIS
 * bit is set.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/vmmio.h>
#include <asm/vgic.h>
#include <asm/vpl061.h>

#define GPIODATA_END 0x400 /* 0x000..0x3fc: data, address bits 9:2 mask */
#define GPIODIR 0x400
#define GPIOIS 0x404
#define GPIOIBE 0x408
#define GPIOIEV 0x40c
#define GPIOIE 0x410
#define GPIORIS 0x414
#define GPIOMIS 0x418
#define GPIOIC 0x41c
#define GPIOAFSEL 0x420

#define BUTTON (1U << XL_PWRBTN_GPIO_LINE_ARM64)

/* PrimeCell identification: PL061 (periph 0x00041061), as QEMU's. */
static const u8 pl061_id[8] = { 0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

/* Lock held. The lines the guest reads: its outputs, else the inputs. */
static u32 data_of(const struct vpl061 *g)
{
	return ((g->out & g->dir) | (g->in & ~g->dir)) & 0xff;
}

/* Lock held. Level-detected lines count while their level holds. */
static u32 ris_of(const struct vpl061 *g)
{
	u32 lvl = g->is & ~(data_of(g) ^ g->iev) & 0xff;

	return (g->ris | lvl) & 0xff;
}

static void update(struct domain *d, struct vpl061 *g)
{
	vgic_set_line(d, XL_PWRBTN_IRQ_ARM64, (ris_of(g) & g->ie) != 0);
}

/* Lock held. Lines change from @old to data_of(): latch their edges. */
static void detect(struct vpl061 *g, u32 old)
{
	u32 now = data_of(g), changed = (old ^ now) & ~g->is & 0xff;
	u32 rising = changed & now, falling = changed & ~now;

	g->ris |= changed & g->ibe;
	g->ris |= ~g->ibe & ((rising & g->iev) | (falling & ~g->iev));
	g->ris &= 0xff;
}

static int vpl061_mmio(struct vcpu *v, void *priv, paddr_t off,
		       unsigned int size, bool write, u64 *val);

static const struct vmmio_ops vpl061_ops = { "vpl061", vpl061_mmio };

int vpl061_init(struct domain *d)
{
	struct vpl061 *g = &d->arch.gpio;

	memset(g, 0, sizeof(*g));
	spin_lock_init(&g->lock);
	return vmmio_register(d, XL_PWRBTN_ADDR_ARM64, XL_PWRBTN_SIZE_ARM64,
			      &vpl061_ops, NULL);
}

int arch_power_button(struct domain *d)
{
	struct vpl061 *g = &d->arch.gpio;
	unsigned long flags;
	u32 old;

	spin_lock_irqsave(&g->lock, flags);
	old = data_of(g);
	g->in |= BUTTON;
	g->presses++;
	detect(g, old);
	update(d, g);
	spin_unlock_irqrestore(&g->lock, flags);
	return 0;
}

static int vpl061_mmio(struct vcpu *v, void *priv, paddr_t off,
		       unsigned int size, bool write, u64 *val)
{
	struct domain *d = v->domain;
	struct vpl061 *g = &d->arch.gpio;
	unsigned long flags;
	u32 *reg = NULL, old;

	(void)priv;
	if (size > 4 || !IS_ALIGNED(off, size))
		return -EINVAL;
	if (off >= 0xfe0) {
		if (!write)
			*val = pl061_id[(off - 0xfe0) / 4 & 7];
		return 0;
	}
	spin_lock_irqsave(&g->lock, flags);
	old = data_of(g);
	if (off < GPIODATA_END) {
		u32 mask = (off >> 2) & 0xff;

		if (write) {
			g->out = (g->out & ~mask) | (*val & mask);
		} else {
			*val = old & mask;
			/* The guest has seen the key: release it. */
			if (mask & old & ~g->dir & BUTTON)
				g->in &= ~BUTTON;
		}
		goto out;
	}
	switch (off) {
	case GPIODIR:
		reg = &g->dir;
		break;
	case GPIOIS:
		reg = &g->is;
		break;
	case GPIOIBE:
		reg = &g->ibe;
		break;
	case GPIOIEV:
		reg = &g->iev;
		break;
	case GPIOIE:
		reg = &g->ie;
		break;
	case GPIOAFSEL:
		reg = &g->afsel;
		break;
	case GPIORIS:
		if (!write)
			*val = ris_of(g);
		break;
	case GPIOMIS:
		if (!write)
			*val = ris_of(g) & g->ie;
		break;
	case GPIOIC:
		if (write)
			g->ris &= ~(u32)*val;
		break;
	default:
		if (!write)
			*val = 0;
		break;
	}
	if (reg) {
		if (write)
			*reg = *val & 0xff;
		else
			*val = *reg;
	}
out:
	detect(g, old);
	update(d, g);
	spin_unlock_irqrestore(&g->lock, flags);
	return 0;
}
