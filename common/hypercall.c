// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercall dispatch. Every argument is a guest value: checked here, never
 * trusted. Guest memory is reached through copy_{from,to}_guest(), which
 * only touch RAM the domain owns.
 */
#include <public/xen-lite.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/lib.h>
#include <xen-lite/pv_mm.h>
#include <xen-lite/shm.h>

#define CONSOLE_WRITE_MAX 1024

/*
 * The handlers with buffers on the stack are kept out of line so that
 * do_hypercall() itself needs no frame and no stack-protector check: it
 * is on the path of every hypercall (issue 20).
 */
static __noinline long hc_console_write(struct vcpu *v, unsigned long gpa,
					unsigned long len)
{
	char buf[128];
	unsigned long done = 0;
	size_t k;

	if (len > CONSOLE_WRITE_MAX)
		len = CONSOLE_WRITE_MAX;
	while (done < len) {
		size_t n = MIN(sizeof(buf), len - done);

		if (gpa + done < gpa ||
		    copy_from_guest(v->domain, buf, gpa + done, n))
			return done ? (long)done : -EFAULT;
		/* Over the budget: a short count, the guest comes back. */
		k = domain_console_write_some(v->domain, buf, n);
		done += k;
		if (k < n)
			break;
	}
	return (long)done;
}

static __noinline long hc_domain_info(struct vcpu *v, unsigned long gpa)
{
	struct domain *d = v->domain;
	struct xl_domain_info info;

	memset(&info, 0, sizeof(info));
	info.domid = d->id;
	info.nr_vcpus = d->nr_vcpus;
	info.flags = d->cfg.privileged ? 1 : 0;
	info.ram_base = d->ram_gpa;
	info.ram_size = d->ram_bytes;
	info.tot_pages = READ_ONCE(d->tot_pages);
	info.max_pages = d->max_pages;
	strlcpy(info.name, d->name, sizeof(info.name));
	return copy_to_guest(d, gpa, &info, sizeof(info));
}

static long hc_vcpu_op(struct vcpu *v, unsigned long op, unsigned long id)
{
	struct domain *d = v->domain;

	switch (op) {
	case XL_VCPU_IS_UP:
		if (id >= d->nr_vcpus)
			return -EINVAL;
		return READ_ONCE(d->vcpus[id]->state) != VCPU_DOWN;
	case XL_VCPU_ID:
		return v->id;
	default:
		return -EINVAL;
	}
}

#ifdef CONFIG_PV_MMU
/*
 * XL_HC_MULTICALL: the entries' calls through do_hypercall(), in order,
 * within the PV MMU work budget of one hypervisor entry (a multicall
 * exists to batch PV MMU operations; without the PV MMU it is -ENOSYS).
 * Not inlined: do_hypercall() is on every hypercall's path, and this
 * loop's registers and stack would be saved on each one.
 */
static __noinline long do_multicall(struct vcpu *v, unsigned long entries_gpa,
				    unsigned long count_arg)
{
	const size_t args_off = offsetof(struct xl_multicall_entry, args);
	const size_t result_off = offsetof(struct xl_multicall_entry, result);
	unsigned long count = count_arg & HC_COUNT_MASK;
	unsigned long before = count_arg >> HC_DONE_SHIFT;
	struct domain *d = v->domain;
	unsigned long i;

	if (count > XL_MULTICALL_MAX)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		struct xl_multicall_entry e;
		paddr_t gpa = entries_gpa + (u64)i * sizeof(e);
		long rc;

		/* The entry's budget is spent: continue from entry i. */
		if (i && v->hc_work >= PV_MM_ENTRY_WORK)
			return hypercall_continue(
				v, gpa,
				(count - i) | ((before + i) << HC_DONE_SHIFT),
				0, 0, 0);
		if (copy_from_guest(d, &e, gpa, sizeof(e)))
			return before + i ? (long)(before + i) : -EFAULT;
		/* A call costs like a few dozen references (copies, locks). */
		v->hc_work += 64;
		if (e.op == XL_HC_MULTICALL)
			rc = -EINVAL;
		else
			rc = do_hypercall(v, e.op, e.args[0], e.args[1],
					  e.args[2], e.args[3], e.args[4]);
		if (rc == -ERESTART) {
			/*
			 * The call was continued: its advanced arguments go
			 * back into the entry (as Xen does), which runs again
			 * when the guest re-enters the multicall.
			 */
			for (unsigned int k = 0; k < 5; k++)
				e.args[k] = v->hc_cont[k];
			if (copy_to_guest(d, gpa + args_off, e.args,
					  sizeof(e.args)))
				return before + i ? (long)(before + i) :
						    -EFAULT;
			return hypercall_continue(
				v, gpa,
				(count - i) | ((before + i) << HC_DONE_SHIFT),
				0, 0, 0);
		}
		e.result = rc;
		if (copy_to_guest(d, gpa + result_off, &e.result,
				  sizeof(e.result)))
			return before + i ? (long)(before + i) : -EFAULT;
		/* A call that shut the domain down ends the batch. */
		if (READ_ONCE(d->state) != DOM_RUNNING)
			return (long)(before + i + 1);
	}
	return (long)(before + i);
}
#endif

long do_hypercall(struct vcpu *v, unsigned long nr, unsigned long a0,
		  unsigned long a1, unsigned long a2, unsigned long a3,
		  unsigned long a4)
{
	switch (nr) {
	case XL_HC_VERSION:
		return (XL_ABI_VERSION_MAJOR << 16) | XL_ABI_VERSION_MINOR;
	case XL_HC_CONSOLE_WRITE:
		return hc_console_write(v, a0, a1);
	case XL_HC_DOMAIN_SHUTDOWN:
		if (a0 > XL_SHUTDOWN_CRASH)
			return -EINVAL;
		domain_shutdown(v->domain, (enum shutdown_reason)a0, (int)a1);
		return 0;
	case XL_HC_VCPU_OP:
		return hc_vcpu_op(v, a0, a1);
	case XL_HC_MEMORY_OP:
		return do_memory_op(v, a0, a1);
#ifdef CONFIG_PV_MMU
	case XL_HC_MMUEXT_OP:
		return do_mmuext_op(v, a0, a1, a2);
	case XL_HC_MMU_UPDATE:
		return do_mmu_update(v, a0, a1, a2);
	case XL_HC_MULTICALL:
		return do_multicall(v, a0, a1);
#endif
	case XL_HC_DOMAIN_INFO:
		return hc_domain_info(v, a0);
	case XL_HC_SHM_NOTIFY:
		return shm_notify(v->domain, a0, a1);
	default:
		return -ENOSYS;
	}
}
