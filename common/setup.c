// SPDX-License-Identifier: GPL-2.0
/*
 * Common boot: device tree, console, memory, CPUs, domains.
 */
#include <generated/version.h>
#include <xen-lite/arch.h>
#include <xen-lite/bootinfo.h>
#include <xen-lite/console.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mgmt.h>
#include <xen-lite/mm.h>
#include <xen-lite/setup.h>
#include <xen-lite/smp.h>

/* Linker script symbols: the whole hypervisor image. */
extern char _start[], _end[];

/* Boot fails with a one-line reason and a clean (non-zero) power-off. */
static void __noreturn boot_fail(const char *what, const char *why)
{
	printk(XL_ERR "xen-lite: boot failed: %s: %s\n", what, why);
	arch_machine_poweroff(false);
}

static const char *const resv_names[] = {
	[RESV_MEMRESERVE] = "memreserve", [RESV_NODE] = "reserved-memory",
	[RESV_MODULE] = "boot module",	  [RESV_IMAGE] = "xen-lite image",
	[RESV_DTB] = "device tree",
};

static void print_memory_map(const struct bootinfo *bi)
{
	for (u32 i = 0; i < bi->nr_mem; i++)
		printk("RAM  [%#014llx, %#014llx) %llu MiB\n",
		       (unsigned long long)bi->mem[i].start,
		       (unsigned long long)(bi->mem[i].start + bi->mem[i].size),
		       (unsigned long long)(bi->mem[i].size >> 20));
	for (u32 i = 0; i < bi->nr_resv; i++)
		printk("resv [%#014llx, %#014llx) %s\n",
		       (unsigned long long)bi->resv[i].start,
		       (unsigned long long)(bi->resv[i].start +
					    bi->resv[i].size),
		       resv_names[bi->resv[i].kind]);
}

static const char *const stage_names[] = {
	[CPU_STAGE_NONE] = "it never reached xen-lite's entry point",
	[CPU_STAGE_ENTERED] =
		"it stopped in xen-lite's entry, before its MMU was on",
	[CPU_STAGE_MMU] =
		"it stopped in its per-CPU set-up (hypervisor registers, "
		"interrupt controller, timer)",
	[CPU_STAGE_ARCH] = "it stopped on its way into the scheduler",
};

/*
 * Wait for a secondary CPU to come online, on progress rather than on a
 * fixed time. The counter is wall-clock time for QEMU, and a loaded host
 * can stall the whole machine (every vCPU thread, or QEMU itself while
 * it holds its big lock) for seconds: after such a stall the counter has
 * jumped although neither CPU ran, and a fixed deadline fails a CPU that
 * simply had no chance to run (the flaky "did not come up" after a 10 s
 * stall). So only time this CPU spent running counts: each step between
 * two counter reads counts for at most STALL_STEP_MS, so a stall counts
 * as one short step. And each stage the new CPU reaches (pcpu.boot_stage)
 * starts the window again. A CPU that makes no progress for UP_WINDOW_S
 * of our own running time is reported with the stage it reached.
 */
#define UP_WINDOW_S 10
#define STALL_STEP_MS 10

static void wait_cpu_up(struct pcpu *p, u64 freq)
{
	u64 window = UP_WINDOW_S * freq, step_max = freq * STALL_STEP_MS / 1000;
	u64 prev = arch_counter_read(), ran = 0, poked = 0;
	unsigned int seen = READ_ONCE(p->boot_stage);
	const char *fw = "firmware not asked";

	while (!READ_ONCE(p->online)) {
		u64 now = arch_counter_read();
		unsigned int stage = READ_ONCE(p->boot_stage);

		ran += MIN(now - prev, step_max);
		prev = now;
		if (stage != seen) {
			seen = stage;
			ran = poked = 0;
		}
		/* Each second without progress: ask the firmware, wake it. */
		if (ran - poked >= freq) {
			poked = ran;
			arch_cpu_up_poke(p->id, p->hwid, &fw);
			printk(XL_WARN "CPU%u (hwid %#lx): no progress for 1 s "
				       "(stage %u, %s)\n",
			       p->id, p->hwid, seen, fw);
		}
		if (ran > window) {
			char why[200];

			snprintf(
				why, sizeof(why),
				"CPU%u (hwid %#lx) did not come up: no progress "
				"in %u s of boot-CPU run time; %s (%s)",
				p->id, p->hwid, UP_WINDOW_S,
				stage_names[MIN(seen,
						(unsigned int)CPU_STAGE_ARCH)],
				fw);
			boot_fail("CPU bring-up", why);
		}
		cpu_relax();
	}
}

static void bring_up_cpus(const struct bootinfo *bi)
{
	u64 freq = arch_counter_freq();

	if (bi->nr_cpus > CONFIG_NR_CPUS)
		printk(XL_WARN
		       "%u CPUs in the device tree, CONFIG_NR_CPUS is %d: the rest stay offline\n",
		       bi->nr_cpus, CONFIG_NR_CPUS);
	for (u32 i = 0, cpu = 1; i < bi->nr_cpus && cpu < CONFIG_NR_CPUS; i++) {
		struct pcpu *p;
		void *stack;
		int rc;

		if (bi->cpu_hwid[i] == pcpu_info[0].hwid)
			continue;
		p = &pcpu_info[cpu];
		p->id = cpu;
		p->hwid = bi->cpu_hwid[i];
		stack = alloc_xenheap_pages(
			__builtin_ctz(CONFIG_STACK_SIZE_KB * 1024 / PAGE_SIZE));
		if (!stack)
			boot_fail("CPU bring-up", "no memory for a stack");
		p->stack_top = (u8 *)stack + CONFIG_STACK_SIZE_KB * 1024;
		smp_mb();
		rc = arch_cpu_up(cpu, p->hwid);
		if (rc) {
			char why[64];

			snprintf(
				why, sizeof(why),
				"CPU%u (hwid %#lx) was refused by firmware (%d)",
				cpu, p->hwid, rc);
			boot_fail("CPU bring-up", why);
		}
		wait_cpu_up(p, freq);
		cpu++;
		nr_cpu_ids = cpu;
	}
}

void start_xen(unsigned long boot_hwid, paddr_t dtb_pa)
{
	struct bootinfo *bi = &bootinfo;
	int rc;

	pcpu_info[0].id = 0;
	pcpu_info[0].hwid = boot_hwid;
	console_early_init();
	stack_protector_init();

	rc = bootfdt_parse(dtb_pa ? maddr_to_virt(dtb_pa) : NULL, dtb_pa, bi);
	if (rc)
		boot_fail("device tree", bi->error);
	if (console_init(bi))
		printk(XL_WARN "no usable console UART in the device tree\n");

	printk("xen-lite %s (git %s) on %s, boot CPU hwid %#lx\n", XL_VERSION,
	       XL_GIT_REVISION, CONFIG_ARCH, boot_hwid);
	rc = bootinfo_add_resv(bi, ROUNDDOWN(virt_to_maddr(_start), PAGE_SIZE),
			       ROUNDUP(virt_to_maddr(_end), PAGE_SIZE) -
				       ROUNDDOWN(virt_to_maddr(_start),
						 PAGE_SIZE),
			       RESV_IMAGE);
	if (rc)
		boot_fail("memory map",
			  "the hypervisor image overlaps a reserved range");
	print_memory_map(bi);
	rc = page_alloc_init(bi);
	if (rc)
		boot_fail("memory", "cannot build the frame table");
	printk("%llu free pages (%llu MiB) of %llu MiB RAM\n",
	       (unsigned long long)free_page_count(),
	       (unsigned long long)(free_page_count() >> 8),
	       (unsigned long long)(bootinfo_ram_size(bi) >> 20));

	rc = arch_setup(bi);
	if (rc)
		boot_fail("architecture setup", "see above");

	pcpu_info[0].online = true;
	cpumask_set_cpu(0, &cpu_online_map);
	printk("CPU0 online (hwid %#lx)\n", boot_hwid);
	bring_up_cpus(bi);
	printk("%u CPUs online\n", cpumask_weight(&cpu_online_map));
	/*
	 * From here on the console's writers only queue their output: the
	 * UART's transmit interrupt drains it (common/console.c).
	 */
	rc = arch_console_irq_init(bi);
	if (rc > 0)
		console_async_start();
	else
		printk(XL_WARN "console: no UART interrupt: every write waits "
			       "for the UART\n");

	mgmt_init(bi);
	start_domains(bi);
}

void start_secondary(unsigned int cpu)
{
	struct pcpu *p = &pcpu_info[cpu];

	printk("CPU%u online (hwid %#lx)\n", cpu, p->hwid);
	cpumask_set_cpu(cpu, &cpu_online_map);
	smp_mb();
	WRITE_ONCE(p->online, true);
	secondary_enter_scheduler();
}
