// SPDX-License-Identifier: MIT
/*
 * reboot: a reboot soak driven across restarts.
 *   role=rebooter  (on_reboot = "restart") publishes a mailbox with a
 *                  fresh nonce at every boot and waits for a command:
 *                  reboot (SBI SRST cold reboot / PSCI SYSTEM_RESET, or
 *                  XL_HC_DOMAIN_SHUTDOWN(reboot), as told) or finish.
 *   role=controller (privileged) counts the rebooter's boots through a
 *                  foreign mapping of that mailbox, checks its page count
 *                  stays the same every cycle, and after cycles=N
 *                  reboots tells it to finish. Its own loop must never
 *                  stall (max_stall_ms, default 10000).
 * A guest cannot remember anything across its own restart: the count
 * lives in the controller, which survives. The rebooter also checks at
 * every boot that its image is the pristine boot module again
 * (image_pristine): the mailbox lives in its .data, zero in the image, and
 * every earlier boot wrote it.
 */
#include <rt.h>

const char rt_suite[] = "reboot";

#define RB_MAGIC 0x584c2d5245424f4fULL /* "XL-REBOO" */
#define CMD_REBOOT_STD 1
#define CMD_REBOOT_XL 2
#define CMD_FINISH 3

struct mailbox {
	uint64_t magic;
	uint64_t nonce;
	uint64_t cmd;
	uint64_t boots; /* written by the controller: boots seen so far */
};

static struct mailbox mb __aligned(4096) __attribute__((section(".data")));

static void rebooter(void)
{
	uint64_t end = rt_now_us() + rt_arg_ul("timeout_ms", 60000) * 1000;
	uint64_t cmd;
	/*
	 * Before anything writes the mailbox (the controller writes it only
	 * after seeing this boot's magic). A failure is printed by the boot
	 * that sees it; the one ok line comes from the last boot, so that
	 * each result line reaches the console once.
	 */
	bool pristine = !READ_ONCE(mb.magic) && !READ_ONCE(mb.nonce) &&
			!READ_ONCE(mb.cmd) && !READ_ONCE(mb.boots);

	if (!pristine)
		rt_fail("image_pristine",
			"the image holds an earlier boot's mailbox (magic %#llx, boots %llu): not the pristine kernel",
			(unsigned long long)mb.magic,
			(unsigned long long)mb.boots);
	mb.nonce = rt_mix(arch_counter()) | 1;
	mb.cmd = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(mb.magic, RB_MAGIC);
	while (!(cmd = READ_ONCE(mb.cmd))) {
		if (rt_now_us() > end) {
			rt_fail("command", "no command from the controller");
			return;
		}
		arch_relax();
	}
	if (cmd == CMD_FINISH) {
		if (pristine)
			rt_ok("image_pristine");
		rt_ok("finish");
		return;
	}
	rt_printf("boot %llu: rebooting (%s)\n",
		  (unsigned long long)READ_ONCE(mb.boots),
		  cmd == CMD_REBOOT_STD ? "standard call" : "hypercall");
	if (cmd == CMD_REBOOT_STD)
		arch_std_shutdown(true, false);
	else
		xl_hypercall(XL_HC_DOMAIN_SHUTDOWN, XL_SHUTDOWN_REBOOT, 0, 0, 0,
			     0);
	rt_udelay(5000000);
	rt_panic("still running 5 s after asking for a reboot");
}

static void controller(void)
{
	uint64_t slot = (rt_env.ram_base + (1UL << 30)) >> PAGE_SHIFT;
	uint64_t mb_gfn = (uintptr_t)&mb >> PAGE_SHIFT;
	volatile struct mailbox *m =
		(volatile struct mailbox *)(uintptr_t)(slot << PAGE_SHIFT);
	unsigned long cycles = rt_arg_ul("cycles", 5);
	uint64_t cycle_to = rt_arg_ul("timeout_ms", 60000) * 1000;
	uint64_t max_stall = rt_arg_ul("max_stall_ms", 10000) * 1000;
	unsigned long sample_ms = rt_arg_ul("sample_ms", 0);
	uint64_t last_nonce = 0, gap = 0, last, t0 = rt_now_us();
	uint64_t slowest = 0;
	long pages0 = -1;
	unsigned long boots = 0, bad_pages = 0, domid_changes = 0;
	unsigned int peer = 0;

	if (!rt_check(rt_env.info.flags & 1, "privileged",
		      "domain info flags %#x", rt_env.info.flags))
		return;
	last = rt_now_us();
	while (boots <= cycles) {
		uint64_t start = rt_now_us(), now;
		unsigned int found = 0;

		/* Wait for a boot we have not seen (a new nonce). */
		while (!found) {
			now = rt_now_us();
			if (now - last > gap)
				gap = now - last;
			last = now;
			if (now - start > cycle_to)
				break;
			/*
			 * A restart is a new domain with a new ID: look at
			 * the first IDs and at those after the last one.
			 */
			for (unsigned int k = 0; k < 48 && !found; k++) {
				unsigned int id = k < 16 ? k + 1 :
							   peer + k - 16;

				if (id == rt_env.info.domid || id == 0 ||
				    id >= 0x7000)
					continue;
				if (xl_map_foreign(slot, id, mb_gfn, false))
					continue;
				if (m->magic == RB_MAGIC &&
				    m->nonce != last_nonce && !m->cmd)
					found = id;
				else
					xl_unmap_foreign(slot);
			}
			if (!found)
				rt_udelay(5000);
		}
		if (!found) {
			rt_fail("cycles",
				"boot %lu of the rebooter not seen within %llu ms",
				boots, (unsigned long long)cycle_to / 1000);
			return;
		}
		if (peer && found != peer)
			domid_changes++;
		peer = found;
		if (rt_now_us() - start > slowest)
			slowest = rt_now_us() - start;
		last_nonce = m->nonce;
		{
			long pages = xl_memory_op(XL_MEM_CURRENT_RESERVATION,
						  (void *)(uintptr_t)peer);

			if (pages0 < 0)
				pages0 = pages;
			else if (pages != pages0)
				bad_pages++;
		}
		/*
		 * With sample_ms, hold still after the first reboot and
		 * before the last command, so that the runner can ask the
		 * hypervisor for its free-page count (debug key 'm') twice
		 * in the same state: both must be equal.
		 */
		if (sample_ms && (boots == 1 || boots == cycles)) {
			/* The first hold is longer: the runner is still
			 * switching the console to the hypervisor. */
			unsigned long hold = boots == 1 ? 4 * sample_ms :
							  sample_ms;

			rt_printf("sample %lu: rebooter up, holding %lu ms\n",
				  boots, hold);
			rt_udelay(hold * 1000);
			last = rt_now_us();
		}
		m->boots = boots;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		m->cmd = boots == cycles ? CMD_FINISH :
			 boots % 2	 ? CMD_REBOOT_XL :
					   CMD_REBOOT_STD;
		xl_unmap_foreign(slot);
		boots++;
		if (boots % 100 == 0)
			rt_printf("%lu boots seen\n", boots);
	}
	rt_printf(
		"%lu reboots in %llu ms (slowest cycle %llu ms), rebooter pages %ld, domid changes %lu, longest controller turn %llu ms\n",
		cycles, (unsigned long long)(rt_now_us() - t0) / 1000,
		(unsigned long long)slowest / 1000, pages0, domid_changes,
		(unsigned long long)gap / 1000);
	rt_ok("cycles");
	rt_check(!bad_pages && pages0 > 0, "reservation_stable",
		 "%lu boots with a page count other than %ld", bad_pages,
		 pages0);
	rt_check(gap < max_stall, "controller_never_stalled",
		 "a turn took %llu ms", (unsigned long long)gap / 1000);
}

int test_main(void)
{
	if (rt_arg_is("role", "controller"))
		controller();
	else
		rebooter();
	return 0;
}
