/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Domains and vCPUs, and the arch hooks that give them life.
 *
 * Lifecycle: domain_create() -> domain_build (RAM, kernel, DTB) ->
 * domain_start() -> running -> domain_shutdown(reason) stops every vCPU
 * -> the reaper (domain_reap(), common/domain.c, called by the scheduler
 * loop) applies the on_* policy once no vCPU of the domain is on a CPU: destroy (preemptible p2m teardown, memory and pool
 * returned exactly), restart (destroy + rebuild from the same config) or
 * preserve (kept, stopped, for the debug keys).
 */
#ifndef XL_DOMAIN_H
#define XL_DOMAIN_H

#include <xen-lite/domain_config.h>
#include <xen-lite/list.h>
#include <xen-lite/shm.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/types.h>
#include <xen-lite/vmmio.h>
#include <asm/domain.h> /* struct arch_domain, struct arch_vcpu */

struct p2m_domain;
struct pv_mm_domain;

enum shutdown_reason {
	SHUTDOWN_POWEROFF = 0,
	SHUTDOWN_REBOOT = 1,
	SHUTDOWN_CRASH = 2,
};

enum domain_state {
	DOM_BUILDING = 0,
	DOM_RUNNING,
	DOM_SHUTTING_DOWN, /* vCPUs being stopped */
	DOM_DYING, /* teardown in progress (preemptible) */
	DOM_PRESERVED, /* shut down, kept for inspection */
};

enum vcpu_state {
	VCPU_DOWN = 0, /* not started (HSM stopped / PSCI off) */
	VCPU_RUNNABLE,
	VCPU_RUNNING,
	VCPU_BLOCKED,
};

struct vcpu {
	unsigned int id;
	struct domain *domain;
	enum vcpu_state state;
	int affinity; /* pinned pCPU or -1 */
	unsigned int processor; /* pCPU whose run queue holds this vCPU */
	struct list_head runq; /* on its pCPU's run queue when runnable */
	u64 wake_at; /* blocked: counter deadline, 0 = none */
	bool pause; /* domain shutting down: do not run */
	/*
	 * Hypercalls: work (PV MMU units) spent in the current hypervisor
	 * entry, and the arguments of a continuation (hypercall.h).
	 */
	unsigned long hc_work;
	unsigned long hc_cont[5];
	/* vcpu_up() recorded a start: reset before the next run. */
	bool reset_pending;
	paddr_t reset_entry;
	register_t reset_arg;
	u64 runtime_ticks; /* run time of the slices that ended */
	u64 run_start; /* counter when the current slice began, 0 = none */
	struct arch_vcpu arch;
};

#define CONS_IN_SIZE 256

struct domain {
	domid_t id;
	/* Its slot (domain_slot_get()), -1 while it has none. */
	int slot;
	/*
	 * Read on every world switch: first, within a load's immediate
	 * offset of @d (issue 20: cfg below is 2 KiB).
	 */
	struct p2m_domain *p2m;
	/*
	 * Set (never cleared) by the first pin or base pointer: from then on
	 * the arch traps the guest's own writes to its stage-1 root
	 * (RISC-V hstatus.VTVM, Arm HCR_EL2.TVM) and refuses them.
	 */
	bool pv_mm_active;
	char name[DOMAIN_NAME_LEN];
	enum domain_state state;
	struct domain_config cfg;
	spinlock_t lock;

	paddr_t ram_gpa; /* guest RAM base (guest physical) */
	u64 ram_bytes;
	/*
	 * Bit i: cfg.iomem[i] passed the build's checks and was mapped or
	 * trapped (common/passthrough.c): only those devices are reset at
	 * teardown, never one a refused bundle named (the hypervisor's
	 * management channel, say).
	 */
	u32 iomem_live;
	u64 tot_pages; /* frames owned */
	u64 max_pages; /* reservation limit */
	struct list_head page_list; /* owned RAM frames */

	/* PV MMU (common/pv_mm.c): NULL until the guest first uses it. */
	spinlock_t pv_lock;
	struct pv_mm_domain *pv_mm;
	/* pv_mm_active: at the top. */

	/* Shared-memory regions by slot (common/shm.c). */
	struct shm_slot shm[XL_BOOT_SHM_MAX];

	unsigned int nr_vcpus;
	struct vcpu *vcpus[CONFIG_MAX_VCPUS];

	enum shutdown_reason shutdown_reason;
	int shutdown_code;
	unsigned int restarts;
	/*
	 * Runtime control (common/mgmt_cmds.c): paused by the management
	 * channel (vCPUs held with v->pause while the domain stays
	 * DOM_RUNNING); an action the channel asked for, which replaces the
	 * on_* policy (1 + enum shutdown_action, 0: none); when it was built.
	 */
	bool paused;
	u8 admin_action;
	bool queued; /* its vCPUs are on run queues (domain_create()) */
	u64 start_ns;

	/* console */
	char out_line[200];
	u32 out_len;
	bool out_cont; /* a partial line went out: no prefix for the rest */
	u64 out_stamp; /* counter at the first byte of out_line */
	/*
	 * Output budget (common/console.c): a token bucket in bytes scaled
	 * by the counter frequency, refilled with counter time; lines over
	 * it are dropped and counted, and the count is told before the
	 * next line that fits.
	 */
	u64 out_tokens;
	u64 out_refill; /* counter value of the last refill, 0 = never */
	u32 out_dropped;
	u64 out_dropped_total;
	/*
	 * Its emulated UART reported "transmitter full" (over the budget or
	 * the output ring's share): console_poll() tells the arch when it
	 * has room again (arch_domain_console_tx_ready()).
	 */
	bool out_tx_wait;
	u8 in_buf[CONS_IN_SIZE];
	u32 in_head, in_tail;

	struct list_head list; /* all domains */
	/*
	 * References: one for being on domain_list, one per domain_by_id()
	 * caller until its domain_put(). The structure (and its p2m_domain)
	 * is freed by the last domain_put(); the domain's memory, p2m tree
	 * and PV state go at teardown, so a holder must check d->state
	 * (DOM_DYING: torn down or being torn down) before using them.
	 */
	u32 refcnt;
	bool reaping; /* a CPU runs a teardown step (domain.c, reap_lock) */
	struct arch_domain arch;
	/*
	 * Emulated device windows (common/vmmio.c), fixed once built. Last:
	 * the fields above stay within a load's immediate offset of @d.
	 */
	struct vmmio_table vmmio;
};

/*
 * Guest RAM starts where QEMU's virt machine puts RAM. A raw kernel (no
 * Linux Image header, no ELF header) goes where QEMU 7.2's own -kernel puts
 * one, so an image that boots natively boots unchanged as a domain:
 * - Arm: hw/arm/boot.c load_aarch64_image() loads a file without the
 *   "ARM\x64" magic at RAM base + KERNEL64_LOAD_ADDR (0x80000).
 * - RISC-V 64: hw/riscv/boot.c riscv_calc_kernel_start_addr() puts the
 *   kernel at the end of the firmware rounded up to 2 MiB, RAM base + 2 MiB
 *   behind OpenSBI, which is where fw_dynamic jumps.
 */
#ifdef CONFIG_ARCH_ARM64
#define GUEST_RAM_BASE XL_BOOT_GUEST_RAM_BASE_ARM64
#define GUEST_RAW_KERNEL_OFFSET 0x80000ULL
#else
#define GUEST_RAM_BASE XL_BOOT_GUEST_RAM_BASE_RISCV64
#define GUEST_RAW_KERNEL_OFFSET 0x200000ULL
#endif

extern struct list_head domain_list;
extern spinlock_t domain_list_lock;

/**
 * domain_create() - create and build a domain from @cfg: p2m, RAM, kernel,
 * ramdisk, guest DTB, vCPUs (vCPU 0 runnable at the kernel entry), and
 * start it.
 * @restarts: how often its on_* policy restarted it (0: its first start).
 * Return: its ID (the domain itself may be gone already: its guest can
 * shut it down at once), or -ENOMEM / -EINVAL / -ENOEXEC / -ENOSPC with
 * nothing left behind.
 */
int __must_check domain_create(const struct domain_config *cfg,
			       unsigned int restarts);

/**
 * domain_shutdown() - stop @d for @reason (poweroff, reboot, crash); the
 * on_* policy is applied by domain_reap() once its vCPUs are off-CPU.
 * Safe from any vCPU of the domain or from the hypervisor.
 */
void domain_shutdown(struct domain *d, enum shutdown_reason reason, int code);

/**
 * domain_crash() - crash @d with a log line saying why (guest-caused
 * faults). The hypervisor and other domains carry on.
 */
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);

/**
 * domain_by_id() - the domain with ID @id, with a reference the caller
 * drops with domain_put(). The domain may be dying: check d->state.
 * Return: the domain, or NULL.
 */
struct domain *__must_check domain_by_id(domid_t id);
/**
 * domain_by_id_locked() - the domain with ID @id, no reference taken:
 * only valid while domain_list_lock stays held.
 */
struct domain *domain_by_id_locked(domid_t id);
/** domain_get() - take another reference on @d (the caller has one). */
void domain_get(struct domain *d);
/** domain_put() - drop a reference; the last one frees the structure. */
void domain_put(struct domain *d);

/**
 * domain_build() - populate @d's RAM, load its kernel, ramdisk and device
 * tree, and make vCPU 0 runnable (domain_build.c).
 * Return: 0 or a negative errno; the caller frees what was built.
 */
int domain_build(struct domain *d);

/**
 * domain_reap() - the lifecycle's turn in the scheduler loop, between two
 * vCPU runs on every CPU (common/domain.c): apply the on_* policy of the
 * domains whose vCPUs have all left their CPUs, run one bounded teardown
 * step (about a millisecond; sched_teardown_pending() says whether more
 * are due), restart or preserve; power the machine off once no domain is
 * left. A declared hook of the scheduler (scripts/import-cycles.py): the
 * lifecycle uses the scheduler, the scheduler only gives it its turn.
 */
void domain_reap(void);

/**
 * domain_reap_idle() - would domain_reap() return at once (nothing has
 * changed since a pass found every domain running)? For the scheduler's
 * direct hand-over (sched_handover()), which skips the loop. A declared
 * hook, like domain_reap().
 */
bool domain_reap_idle(void);

/* The list of domains, their IDs and references (domain_list.c). */

/**
 * domain_alloc_id() - an ID for a new domain: @wanted if it is not 0 and
 * no listed domain has it, else the next free one.
 * Return: the ID, or DOMID_INVALID when every ID is taken.
 */
domid_t domain_alloc_id(domid_t wanted);

/**
 * domain_slot_get() - give @d one of the CONFIG_MAX_DOMAINS slots: the
 * limit on domains alive at once, and a small index for what is kept per
 * domain in fixed tables (the console ring's shares). Held until
 * domain_unlist() or domain_slot_put().
 * Return: 0, or -ENOSPC when CONFIG_MAX_DOMAINS domains exist.
 */
int domain_slot_get(struct domain *d);

/** domain_slot_put() - give @d's slot back, if it has one. */
void domain_slot_put(struct domain *d);

/** domain_list_add() - list a built domain and mark it running. */
void domain_list_add(struct domain *d);

/** domain_unlist() - take a destroyed domain off domain_list. */
void domain_unlist(struct domain *d);

/** domain_dump_all() - debug key: domains, memory, vCPUs, p2m pools. */
void domain_dump_all(void);

/**
 * vcpu_up() - start vCPU @v of a running domain at @entry with @arg
 * (RISC-V HSM hart_start: a1 = opaque; Arm PSCI CPU_ON: x0 = context).
 * Return: 0, -EBUSY if it is already up, -EINVAL.
 */
int vcpu_up(struct vcpu *v, paddr_t entry, register_t arg);

/* Runtime control, for the management channel (common/mgmt_cmds.c). */

/**
 * domain_set_managed() - a management channel is up: the machine stays on
 * with no domain left, until domain_request_stop().
 */
void domain_set_managed(void);

/**
 * domain_start() - build and start a domain from @cfg at run time, as at
 * boot; on success the domain owns cfg->staging_* (freed with it).
 * Return: its ID, or a negative errno with nothing of it left.
 */
int domain_start(const struct domain_config *cfg);

/**
 * domain_pause() - hold (@pause) or release every vCPU of running @d.
 * Return: 0; -EINVAL if @d is not running or already in that state.
 */
int domain_pause(struct domain *d, bool pause);

/**
 * domain_vcpu_pin() - move vCPU @vid of running (or paused) @d to @cpu's
 * run queue and pin it there ('xen-lite vcpu-pin'): held off its CPU,
 * moved, released. CPU0's management context.
 * Return: 0; -EINVAL (no such vCPU or CPU, or @d not running), -EPERM
 * (@d has passed-through interrupts), -EXDEV (arch_vcpu_movable()),
 * -EBUSY (the vCPU did not leave its CPU within 2 s).
 */
int domain_vcpu_pin(struct domain *d, unsigned int vid, unsigned int cpu);

/**
 * domain_admin_shutdown() - destroy (@act ACTION_DESTROY) or rebuild
 * (ACTION_RESTART) @d whatever its on_* policy: a running domain is shut
 * down, a preserved one taken down. Return: 0, -EBUSY when it is already
 * going.
 */
int domain_admin_shutdown(struct domain *d, enum shutdown_action act);

/**
 * domain_set_target() - @d's reservation (max_pages) becomes @pages, at
 * most its RAM. Return: 0, -EINVAL (not running, or out of range).
 */
int domain_set_target(struct domain *d, u64 pages);

/**
 * domain_request_stop() - destroy every domain, then power the machine
 * off (the management channel's stop).
 */
void domain_request_stop(void);

/** domain_release_staging() - free the image frames of a runtime @cfg. */
void domain_release_staging(const struct domain_config *cfg);

/** vcpu_down() - the calling vCPU stops itself (HSM stop / CPU_OFF). */
void vcpu_down(struct vcpu *v);

/*
 * Guest console (common/domain_console.c): output goes out line by line
 * as "[name] text".
 */
void domain_console_putc(struct domain *d, char c);
void domain_console_write(struct domain *d, const char *s, size_t len);
/**
 * domain_console_write_some() - write what @d's output budget allows of
 * @s: stops before the byte that would complete a line over the budget
 * (nothing is dropped; the caller returns a short count and the guest
 * writes the rest later). Return: the bytes taken, 0 to @len.
 */
size_t domain_console_write_some(struct domain *d, const char *s, size_t len);
/**
 * domain_console_tx_ready() - would @d's line, ended after @more more
 * bytes, fit its output budget and its share of the console output ring
 * now? The emulated UARTs report their transmitter full while it would
 * not (the guest waits, as on a real UART); when it becomes ready again,
 * arch_domain_console_tx_ready() is called from CPU0's console poll.
 */
bool domain_console_tx_ready(struct domain *d, size_t more);
/**
 * domain_console_tx_room() - what the last domain_console_tx_ready() of
 * @d found, until CPU0's console poll finds room again: for the emulated
 * UARTs' status registers, which a guest reads in a loop while it waits
 * to write (no lock, no budget arithmetic on that path). The room can
 * only shrink by @d's own output, and a UART write checks for real, so
 * a stale "room" lets through at most what a write already allows.
 */
static inline bool domain_console_tx_room(const struct domain *d)
{
	return !READ_ONCE(d->out_tx_wait);
}
/** domain_console_getc() - Return: next input byte for @d, or -1. */
int domain_console_getc(struct domain *d);
/**
 * domain_console_has_input() - is input waiting for @d? Inline: the
 * virtual UARTs' LSR read asks on every poll (issue 20: the call was
 * about 20 instructions of a RISC-V MMIO read).
 */
static inline bool domain_console_has_input(const struct domain *d)
{
	return READ_ONCE(d->in_head) != READ_ONCE(d->in_tail);
}

/*
 * Guest memory access by guest physical address through the p2m (RAM
 * types only: never MMIO, never unmapped). Return: 0 or -EFAULT.
 */
int __must_check copy_from_guest(struct domain *d, void *dst, paddr_t gpa,
				 size_t len);
int __must_check copy_to_guest(struct domain *d, paddr_t gpa, const void *src,
			       size_t len);

/* ---- arch hooks (arch/<arch>/) ---- */

/**
 * arch_domain_init() - set up the arch part of @d (virtual interrupt
 * controller, virtual UART, stage-2 root through the p2m).
 * Return: 0 or -ENOMEM.
 */
int arch_domain_init(struct domain *d);

/** arch_domain_destroy() - free what arch_domain_init() allocated. */
void arch_domain_destroy(struct domain *d);

/** arch_vcpu_init() - initialise @v's arch state. Return: 0 or -errno. */
int arch_vcpu_init(struct vcpu *v);

/** arch_vcpu_destroy() - free @v's arch state. */
void arch_vcpu_destroy(struct vcpu *v);

/**
 * arch_vcpu_reset() - put @v in the boot state for a kernel entered at
 * @entry: RISC-V a0 = vCPU index (hart ID), a1 = @arg; Arm x0 = @arg,
 * EL1h, MMU off, interrupts masked.
 */
void arch_vcpu_reset(struct vcpu *v, paddr_t entry, register_t arg);

/**
 * arch_vcpu_run() - run @v on this CPU until it must give the CPU up.
 * Handles exits itself; returns when @v blocked (vcpu_block), its time
 * slice ran out or sched_need_resched() is set, the vCPU went down, or
 * its domain is shutting down. On return no guest FP/SIMD state may be
 * live in the CPU's registers: the hypervisor context may call libfdt,
 * whose arm64 build uses SIMD registers (domain restart builds a DTB).
 * An arch may hand the CPU to the next vCPU itself when @v blocks
 * (sched_handover(), Arm and RISC-V): it then returns with that one current
 * (this_cpu()->curr), which the loop puts back.
 */
void arch_vcpu_run(struct vcpu *v);

/**
 * arch_guest_fdt_nodes() - add the arch nodes of @d's guest device tree
 * (/cpus, interrupt controller, timer, UART, /psci ...) as children of the
 * root node being written with libfdt's sequential-write API.
 * Return: 0 or a negative libfdt/errno code.
 */
int arch_guest_fdt_nodes(struct domain *d, void *fdt);

/**
 * arch_guest_intc_phandle() - phandle of the guest's interrupt controller
 * node, the interrupt-parent of the host nodes copied in (dtdev). Its
 * interrupt specifiers are the host controller's (vPLIC: 1 cell, vGIC: 3).
 */
u32 arch_guest_intc_phandle(void);

/** arch_guest_stdout_path() - path of the guest console node. */
const char *arch_guest_stdout_path(void);

/**
 * arch_vcpu_dump() - @v's saved registers and its last trap as text
 * (xen-lite dump); @v is off-CPU. Return: bytes written into @buf.
 */
size_t arch_vcpu_dump(const struct vcpu *v, char *buf, size_t len);

/**
 * arch_power_button() - press @d's power button (docs/cli.md, "xen-lite
 * shutdown"): a request to shut down that the guest sees as KEY_POWER.
 * Any CPU. Return: 0.
 */
int arch_power_button(struct domain *d);

/**
 * arch_vcpu_movable() - may @v (off its CPU) run on another CPU from now
 * on? Return: 0, or -EXDEV (riscv64: it uses its hart's IMSIC guest
 * interrupt file).
 */
int arch_vcpu_movable(const struct vcpu *v);

/** arch_domain_console_input() - input is waiting for @d (raise RX irq). */
void arch_domain_console_input(struct domain *d);

/**
 * arch_domain_console_tx_ready() - @d's console output has room again
 * after domain_console_tx_ready() said no (raise its UART's TX irq).
 * Called with domain_list_lock held; @d is running.
 */
void arch_domain_console_tx_ready(struct domain *d);

#endif /* XL_DOMAIN_H */
