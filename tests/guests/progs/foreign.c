// SPDX-License-Identifier: MIT
/*
 * foreign: a privileged domain maps a page of another domain
 * (XL_MEM_MAP_FOREIGN) and both sides check that writes go through.
 *   role=target   (unprivileged) publishes a mailbox page and waits
 *   role=mapper   (privileged = true) finds the target by scanning domain
 *                 IDs for the mailbox, maps it, writes, unmaps
 * Both run the same image, so the mailbox has the same guest physical
 * address in both. timeout_ms=N bounds every wait (default 20000).
 * With die=1 (target) and mode=owner-dies (mapper), the target powers off
 * while mapped and the mapper checks the mapping's lifetime.
 */
#include <rt.h>

const char rt_suite[] = "foreign";

#define MB_BASE_MAGIC 0x584c2d4d41494c42ULL /* "XL-MAILB" */
/* pair=N on both sides keeps several pairs in one run apart. */
#define MB_MAGIC (MB_BASE_MAGIC + rt_arg_ul("pair", 0))
#define MAPPER_MAGIC 0x4d41505045522121ULL

struct mailbox {
	uint64_t magic;
	uint64_t nonce;
	uint64_t flag; /* written by the mapper: MAPPER_MAGIC ^ nonce */
	uint64_t reply; /* written by the target: nonce + 1 */
	uint64_t done; /* written by the mapper after its checks */
};

static struct mailbox mb __aligned(4096) __attribute__((section(".data")));

static uint64_t timeout_us(void)
{
	return rt_arg_ul("timeout_ms", 20000) * 1000;
}

static bool wait_eq(volatile uint64_t *p, uint64_t want)
{
	uint64_t end = rt_now_us() + timeout_us();

	while (*p != want) {
		if (rt_now_us() > end)
			return false;
		arch_relax();
	}
	return true;
}

static void target(void)
{
	long rc;

	mb.nonce = rt_mix(rt_now_us() ^ rt_env.info.domid) | 1;
	mb.flag = mb.reply = mb.done = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(mb.magic, MB_MAGIC);
	rt_printf("mailbox at %p, waiting for the mapper\n", (void *)&mb);
	if (rt_check(wait_eq(&mb.flag, MAPPER_MAGIC ^ mb.nonce),
		     "sees_mapper_write", "flag is %#llx after %llu ms",
		     (unsigned long long)mb.flag,
		     (unsigned long long)timeout_us() / 1000))
		WRITE_ONCE(mb.reply, mb.nonce + 1);
	/* die=1: power off at once, with the page still mapped. */
	if (rt_arg_is("die", "1"))
		return;
	rt_check(wait_eq(&mb.done, 1), "mapper_done",
		 "the mapper never said it was done");
	rc = xl_map_foreign((rt_env.ram_base + (1UL << 30)) >> PAGE_SHIFT, 1, 0,
			    true);
	rt_check(rc == -XL_EPERM, "unprivileged_eperm", "returned %ld", rc);
}

/*
 * The target powers off while its page is mapped here. The mapping holds
 * a reference: the frame must stay readable (never another domain's
 * data, never a crash) until it is unmapped, and the dead domain cannot
 * be mapped again.
 */
static void owner_dies(unsigned int peer, uint64_t slot,
		       volatile struct mailbox *m)
{
	uint64_t end = rt_now_us() + timeout_us();
	uint64_t nonce = m->nonce;
	long rc;

	while (xl_memory_op(XL_MEM_CURRENT_RESERVATION,
			    (void *)(uintptr_t)peer) >= 0) {
		if (rt_now_us() > end) {
			rt_fail("owner_gone", "domain %u still exists", peer);
			return;
		}
		rt_udelay(10000);
	}
	rt_ok("owner_gone");
	rt_check(m->magic == MB_MAGIC && m->nonce == nonce, "frame_kept",
		 "the mapped page now reads %#llx %#llx",
		 (unsigned long long)m->magic, (unsigned long long)m->nonce);
	m->flag = 0x5a5a;
	rt_check(m->flag == 0x5a5a, "frame_writable", "write lost");
	rc = xl_unmap_foreign(slot);
	rt_check(rc == 0, "unmap_after_owner_died", "returned %ld", rc);
	rc = xl_map_foreign(slot, peer, (uintptr_t)&mb >> PAGE_SHIFT, true);
	rt_check(rc == -XL_ESRCH, "map_dead_domain", "returned %ld", rc);
}

static void do_write(void *arg)
{
	*(volatile uint64_t *)arg = 0x5afe5afe5afe5afeULL;
}

/*
 * A write to the target's page mapped read-only (issue 14): under the
 * default mmio_fault = "inject" the mapper gets a fault in its own
 * handler for that address (RISC-V a store access fault; Arm a data
 * abort with WnR set), the page keeps the target's data, and the mapper
 * keeps running.
 */
static void ro_write(unsigned int peer, uint64_t slot, uint64_t mb_gfn)
{
	volatile struct mailbox *ro =
		(volatile struct mailbox *)(uintptr_t)(slot << PAGE_SHIFT);
	struct rt_fault f = { 0 };
	bool ok;
	long rc;

	rc = xl_map_foreign(slot, peer, mb_gfn, true);
	if (!rt_check(rc == 0, "map_ro", "returned %ld", rc))
		return;
	if (!rt_check(rt_catch(do_write, (void *)&ro->magic, &f),
		      "ro_write_faults", "the write completed"))
		goto out;
#ifdef __riscv
	ok = f.cause == 7;
#else
	ok = ((f.cause >> 26) & 0x3f) == 0x25 && (f.cause & (1UL << 6));
#endif
	rt_check(ok && f.addr == (uintptr_t)&ro->magic, "ro_write_fault_kind",
		 "cause %#lx, address %#lx (wrote %#lx)", f.cause, f.addr,
		 (unsigned long)(uintptr_t)&ro->magic);
	rt_check(ro->magic == MB_MAGIC, "ro_write_not_applied", "magic %#llx",
		 (unsigned long long)ro->magic);
out:
	rc = xl_unmap_foreign(slot);
	rt_check(rc == 0, "unmap_ro", "returned %ld", rc);
}

static void mapper(void)
{
	uint64_t slot = (rt_env.ram_base + (1UL << 30)) >> PAGE_SHIFT;
	uint64_t mb_gfn = (uintptr_t)&mb >> PAGE_SHIFT;
	volatile struct mailbox *m =
		(volatile struct mailbox *)(uintptr_t)(slot << PAGE_SHIFT);
	uint64_t end = rt_now_us() + timeout_us();
	unsigned int peer = 0;
	long rc;

	if (!rt_check(rt_env.info.flags & 1, "privileged",
		      "domain info flags %#x", rt_env.info.flags))
		return;
	/* Find the target: the domain whose mailbox page has the magic. */
	while (!peer && rt_now_us() < end) {
		for (unsigned int id = 1; id < 64 && !peer; id++) {
			if (id == rt_env.info.domid)
				continue;
			if (xl_map_foreign(slot, id, mb_gfn, true))
				continue;
			if (m->magic == MB_MAGIC)
				peer = id;
			xl_unmap_foreign(slot);
		}
		if (!peer)
			rt_udelay(20000);
	}
	if (!rt_check(peer, "find_target", "no domain with a mailbox"))
		return;
	rt_printf("target is domain %u\n", peer);
	rc = xl_map_foreign(slot, peer, mb_gfn, false);
	if (!rt_check(rc == 0, "map_rw", "returned %ld", rc))
		return;
	rt_check(m->magic == MB_MAGIC && m->nonce, "read_through",
		 "magic %#llx", (unsigned long long)m->magic);
	m->flag = MAPPER_MAGIC ^ m->nonce;
	rt_check(wait_eq(&m->reply, m->nonce + 1), "sees_target_reply",
		 "reply %#llx", (unsigned long long)m->reply);
	if (rt_arg_is("mode", "owner-dies")) {
		owner_dies(peer, slot, m);
		return;
	}

	rc = xl_map_foreign(slot, peer, mb_gfn, false);
	rt_check(rc == -XL_EEXIST, "err_slot_busy", "returned %ld", rc);
	rc = xl_map_foreign(rt_env.ram_base >> PAGE_SHIFT, peer, mb_gfn, true);
	rt_check(rc == -XL_EINVAL, "err_slot_in_own_ram", "returned %ld", rc);
	rc = xl_map_foreign(slot + 1, rt_env.info.domid, mb_gfn, true);
	rt_check(rc == -XL_EINVAL, "err_self", "returned %ld", rc);
	rc = xl_map_foreign(slot + 1, 0x6fff, mb_gfn, true);
	rt_check(rc == -XL_ESRCH, "err_no_domain", "returned %ld", rc);
	rc = xl_map_foreign(slot + 1, peer,
			    (rt_env.ram_base + (1UL << 30)) >> PAGE_SHIFT,
			    true);
	rt_check(rc == -XL_EACCES, "err_gfn_outside_peer", "returned %ld", rc);
	rc = xl_map_foreign(1ULL << 52, peer, mb_gfn, true);
	rt_check(rc == -XL_EINVAL, "err_slot_too_high", "returned %ld", rc);

	ro_write(peer, slot + 2, mb_gfn);
	m->done = 1;
	rc = xl_unmap_foreign(slot);
	rt_check(rc == 0, "unmap", "returned %ld", rc);
	rc = xl_unmap_foreign(slot);
	rt_check(rc == -XL_ENOENT, "unmap_twice_enoent", "returned %ld", rc);
}

int test_main(void)
{
	if (rt_arg_is("role", "mapper"))
		mapper();
	else
		target();
	return 0;
}
