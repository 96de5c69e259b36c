// SPDX-License-Identifier: GPL-2.0
/*
 * The host PLIC (RISC-V Platform-Level Interrupt Controller Specification
 * v1.0.0), driven by the hypervisor through the S-mode contexts of its
 * harts to forward passed-through device interrupts (asm/irqchip.h,
 * docs/passthrough.md). Register map ("Memory Map" chapter):
 *   0x000000 + 4 * src            priority of source src
 *   0x002000 + 0x80 * ctx         enable bits of context ctx (32 a word)
 *   0x200000 + 0x1000 * ctx       priority threshold of context ctx
 *   0x200004 + 0x1000 * ctx       claim (read) / complete (write)
 * The contexts are the entries of the node's interrupts-extended: entry i
 * is context i, and names a hart's local interrupt controller and the
 * interrupt it raises there: 9 (supervisor external) for the S-mode
 * contexts the hypervisor uses, 11 for M-mode ones (OpenSBI's, which it
 * marks -1 in the tree it hands on).
 *
 * A source the hypervisor does not forward has priority 0 ("never
 * interrupt") and is enabled nowhere. A forwarded one is enabled in the
 * context of one CPU with priority 1 over threshold 0. Callers serialise
 * route() and complete() (arch/riscv/irq.c holds one lock around them).
 */
#include <libfdt.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/smp.h>
#include <asm/csr.h>
#include <asm/irqchip.h>

#define PLIC_PRIORITY 0x000000
#define PLIC_ENABLE 0x002000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_THRESHOLD 0x0
#define PLIC_CLAIM 0x4
#define PLIC_MAX_SOURCES 1024 /* the specification's limit */
#define PLIC_MAX_HARTS 64
#define NO_CTX (-1)

static uintptr_t plic_base;
static unsigned int plic_nr_irqs;
/* S-mode context of each hart in the tree, before the CPUs are numbered. */
static struct {
	unsigned long hartid;
	int ctx;
} hart_ctx[PLIC_MAX_HARTS];
static unsigned int nr_hart_ctx;
static int cpu_ctx[CONFIG_NR_CPUS];
/* The context each source is enabled in, NO_CTX if none. */
static int routed_ctx[PLIC_MAX_SOURCES];

static inline volatile u32 *reg(uintptr_t off)
{
	return (volatile u32 *)(plic_base + off);
}

static volatile u32 *enable_word(int ctx, unsigned int irq)
{
	return reg(PLIC_ENABLE + (uintptr_t)ctx * PLIC_ENABLE_STRIDE +
		   irq / 32 * 4);
}

static volatile u32 *context_reg(int ctx, unsigned int r)
{
	return reg(PLIC_CONTEXT + (uintptr_t)ctx * PLIC_CONTEXT_STRIDE + r);
}

static void set_enable(int ctx, unsigned int irq, bool on)
{
	volatile u32 *w = enable_word(ctx, irq);

	if (on)
		*w |= 1U << (irq % 32);
	else
		*w &= ~(1U << (irq % 32));
}

/* The hart ID of the CPU node holding local interrupt controller @phandle. */
static int hart_of_intc(const void *fdt, u32 phandle, unsigned long *hartid)
{
	int intc = fdt_node_offset_by_phandle(fdt, phandle);
	int cpu = intc < 0 ? intc : fdt_parent_offset(fdt, intc);
	const fdt32_t *r;
	int len;

	if (cpu < 0)
		return -ENODEV;
	r = fdt_getprop(fdt, cpu, "reg", &len);
	if (!r || (len != 4 && len != 8))
		return -ENODEV;
	*hartid = len == 4 ? fdt32_ld(r) :
			     ((u64)fdt32_ld(r) << 32 | fdt32_ld(r + 1));
	return 0;
}

static int plic_probe(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0");
	const fdt32_t *p;
	int len, parent, ac, sc, nctx = 0;
	u64 base = 0;

	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1,
						     "sifive,plic-1.0.0");
	if (node < 0)
		return -ENODEV;
	parent = fdt_parent_offset(fdt, node);
	ac = parent < 0 ? -1 : fdt_address_cells(fdt, parent);
	sc = parent < 0 ? -1 : fdt_size_cells(fdt, parent);
	p = fdt_getprop(fdt, node, "reg", &len);
	if (!p || ac < 1 || ac > 2 || sc < 0 || len < (ac + sc) * 4) {
		printk(XL_WARN "plic: no usable reg\n");
		return -EINVAL;
	}
	for (int i = 0; i < ac; i++)
		base = base << 32 | fdt32_ld(p + i);
	plic_base = (uintptr_t)base;
	p = fdt_getprop(fdt, node, "riscv,ndev", &len);
	if (!p || len != 4 || !fdt32_ld(p)) {
		printk(XL_WARN "plic: no riscv,ndev\n");
		return -EINVAL;
	}
	plic_nr_irqs = MIN(fdt32_ld(p) + 1, (u32)PLIC_MAX_SOURCES);
	/* Context i: the pair <phandle irq> i of interrupts-extended. */
	p = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (!p || len % 8) {
		printk(XL_WARN "plic: no interrupts-extended\n");
		return -EINVAL;
	}
	nr_hart_ctx = 0;
	for (int ctx = 0; ctx < len / 8; ctx++) {
		unsigned long hartid;

		if (fdt32_ld(p + 2 * ctx + 1) != IRQ_S_EXT ||
		    hart_of_intc(fdt, fdt32_ld(p + 2 * ctx), &hartid) ||
		    nr_hart_ctx == PLIC_MAX_HARTS)
			continue;
		hart_ctx[nr_hart_ctx].hartid = hartid;
		hart_ctx[nr_hart_ctx++].ctx = ctx;
		nctx = ctx + 1;
	}
	if (!nr_hart_ctx) {
		printk(XL_WARN "plic: no S-mode context\n");
		return -EINVAL;
	}
	/* Every source off and masked in every S-mode context. */
	for (unsigned int irq = 1; irq < plic_nr_irqs; irq++) {
		*reg(PLIC_PRIORITY + 4 * irq) = 0;
		routed_ctx[irq] = NO_CTX;
	}
	for (unsigned int i = 0; i < nr_hart_ctx; i++) {
		for (unsigned int w = 0; w < DIV_ROUND_UP(plic_nr_irqs, 32);
		     w++)
			*enable_word(hart_ctx[i].ctx, w * 32) = 0;
	}
	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++)
		cpu_ctx[c] = NO_CTX;
	printk("plic: %#lx, %u sources, %u S-mode contexts (of %d)\n",
	       (unsigned long)plic_base, plic_nr_irqs - 1, nr_hart_ctx, nctx);
	return 0;
}

static void plic_cpu_init(unsigned int cpu)
{
	unsigned long hartid = pcpu_info[cpu].hwid;

	for (unsigned int i = 0; i < nr_hart_ctx; i++) {
		if (hart_ctx[i].hartid != hartid)
			continue;
		cpu_ctx[cpu] = hart_ctx[i].ctx;
		*context_reg(cpu_ctx[cpu], PLIC_THRESHOLD) = 0;
		return;
	}
	printk(XL_WARN "plic: hart %lu has no S-mode context: no interrupt "
		       "is routed to CPU%u\n",
	       hartid, cpu);
}

static void plic_route(unsigned int irq, unsigned int cpu, bool on)
{
	int ctx = cpu < CONFIG_NR_CPUS ? cpu_ctx[cpu] : NO_CTX;

	if (!irq || irq >= plic_nr_irqs)
		return;
	if (!on) {
		if (routed_ctx[irq] == ctx && ctx != NO_CTX) {
			*reg(PLIC_PRIORITY + 4 * irq) = 0;
			set_enable(ctx, irq, false);
			routed_ctx[irq] = NO_CTX;
		}
		return;
	}
	if (ctx == NO_CTX)
		return;
	if (routed_ctx[irq] != NO_CTX)
		set_enable(routed_ctx[irq], irq, false);
	set_enable(ctx, irq, true);
	routed_ctx[irq] = ctx;
	*reg(PLIC_PRIORITY + 4 * irq) = 1;
}

static unsigned int plic_claim(void)
{
	int ctx = cpu_ctx[smp_processor_id()];

	return ctx == NO_CTX ? 0 : *context_reg(ctx, PLIC_CLAIM);
}

/*
 * The completion goes to a context the source is enabled in: a PLIC
 * ignores it in any other ("Interrupt Completion"). For a source routed
 * nowhere (masked while the guest held it), enabled for the moment in
 * this CPU's context: its priority is 0 then, so that cannot signal it.
 */
static void plic_complete(unsigned int irq)
{
	int ctx = irq && irq < plic_nr_irqs ? routed_ctx[irq] : NO_CTX;
	int here = cpu_ctx[smp_processor_id()];

	if (!irq || irq >= plic_nr_irqs)
		return;
	if (ctx != NO_CTX) {
		*context_reg(ctx, PLIC_CLAIM) = irq;
		return;
	}
	if (here == NO_CTX)
		here = hart_ctx[0].ctx;
	set_enable(here, irq, true);
	*context_reg(here, PLIC_CLAIM) = irq;
	set_enable(here, irq, false);
}

const struct irqchip_ops plic_ops = {
	.name = "plic",
	.probe = plic_probe,
	.cpu_init = plic_cpu_init,
	.route = plic_route,
	.claim = plic_claim,
	.complete = plic_complete,
};
