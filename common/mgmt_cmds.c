// SPDX-License-Identifier: GPL-2.0
/*
 * The management channel's commands (docs/runtime.md): list, dmesg,
 * pause, unpause, destroy, reboot, console input, create and stop, as
 * the per-machine supervisor of the CLI asks for them over the polled
 * virtio console (common/drivers/virtio_console.c). common/mgmt.c has
 * checked every header, length and name before a request gets here;
 * what depends on the machine (does the domain exist, is it in a state
 * for this, is there memory) is checked here, and each failure is an
 * errno and a line of text in the response, never a fault.
 *
 * Everything runs on CPU0 from its scheduler loop, between two vCPU runs
 * (mgmt_poll(), a declared hook of the scheduler): no guest state is live
 * in the registers, so building a domain (libfdt) is safe there. The
 * tick only notices that bytes arrived (mgmt_pending()) and ends the
 * running vCPU's turn.
 */
#include <libfdt.h>
#include <xen-lite/arch.h>
#include <xen-lite/bootinfo.h>
#include <xen-lite/console.h>
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/domain_fdt.h>
#include <xen-lite/errno.h>
#include <xen-lite/lib.h>
#include <xen-lite/mgmt.h>
#include <xen-lite/mm.h>
#include <xen-lite/smp.h>

#ifdef CONFIG_ARCH_ARM64
#define MGMT_BASE XL_MGMT_ADDR_ARM64
#else
#define MGMT_BASE XL_MGMT_ADDR_RISCV64
#endif

static struct mgmt_rx rx;
static bool mgmt_up;
static u8 resp[XL_MGMT_RESPONSE_MAX];

/* The CREATE being received: its image frames and device tree. */
static paddr_t stage_pa;
static u64 stage_pages;
static u8 *stage_dtb;
static u64 stage_t0; /* counter at create_begin */

static void send_reply(void *ctx, unsigned int seq, unsigned int type,
		       int status, const void *payload, size_t len)
{
	struct xl_mgmt_hdr h = {
		.magic = XL_MGMT_MAGIC,
		.version = XL_MGMT_VERSION,
		.type = (u16)type,
		.seq = seq,
		.status = status,
		.len = len,
	};

	(void)ctx;
	if (virtio_console_tx(&h, sizeof(h)) ||
	    (len && virtio_console_tx(payload, len)))
		printk(XL_WARN "mgmt: the channel does not take a response\n");
}

/* An error with one line of text saying why. */
static void reply_text(const struct xl_mgmt_hdr *h, int status, const char *fmt,
		       ...) __printf(3, 4);
static void reply_text(const struct xl_mgmt_hdr *h, int status, const char *fmt,
		       ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)resp, 256, fmt, ap);
	va_end(ap);
	send_reply(NULL, h->seq, h->type | XL_MGMT_RESPONSE, status, resp,
		   (size_t)MIN(n, 255));
}

static void reply_ok(const struct xl_mgmt_hdr *h, const void *p, size_t len)
{
	send_reply(NULL, h->seq, h->type | XL_MGMT_RESPONSE, 0, p, len);
}

/* The listed domain called @name (any state), with a reference, or NULL. */
static struct domain *find_domain(const char *name)
{
	struct domain *d, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&domain_list_lock, flags);
	list_for_each_entry(d, &domain_list, list) {
		if (!strcmp(d->name, name)) {
			found = d;
			domain_get(d);
			break;
		}
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
	return found;
}

static unsigned int state_of(const struct domain *d)
{
	switch (READ_ONCE(d->state)) {
	case DOM_RUNNING:
		return READ_ONCE(d->paused) ? XL_MGMT_STATE_PAUSED :
					      XL_MGMT_STATE_RUNNING;
	case DOM_SHUTTING_DOWN:
		return XL_MGMT_STATE_SHUTTING_DOWN;
	case DOM_PRESERVED:
		return XL_MGMT_STATE_PRESERVED;
	default:
		return XL_MGMT_STATE_DYING;
	}
}

static const char *state_name(unsigned int s)
{
	static const char *const names[] = { "?",      "running",
					     "paused", "shutting-down",
					     "dying",  "preserved" };

	return s < ARRAY_SIZE(names) ? names[s] : "?";
}

static u64 ticks_to_ns(u64 t)
{
	u64 f = arch_counter_freq();

	return f ? t / f * 1000000000ULL + t % f * 1000000000ULL / f : 0;
}

static void do_list(const struct xl_mgmt_hdr *h)
{
	struct xl_mgmt_list *l = (struct xl_mgmt_list *)resp;
	struct xl_mgmt_dominfo *info = (struct xl_mgmt_dominfo *)(l + 1);
	size_t max = (sizeof(resp) - sizeof(*l)) / sizeof(*info);
	u64 now = uptime_ns();
	unsigned long flags;
	struct domain *d;

	memset(l, 0, sizeof(*l));
	spin_lock_irqsave(&domain_list_lock, flags);
	list_for_each_entry(d, &domain_list, list) {
		struct xl_mgmt_dominfo *e = &info[l->nr];

		if (l->nr == max)
			break;
		memset(e, 0, sizeof(*e));
		e->id = d->id;
		e->state = state_of(d);
		e->restarts = d->restarts;
		e->mem_bytes = d->ram_bytes;
		e->tot_pages = READ_ONCE(d->tot_pages);
		e->target_pages = READ_ONCE(d->max_pages);
		e->uptime_ns = now - d->start_ns;
		strlcpy(e->name, d->name, sizeof(e->name));
		/*
		 * vCPUs are freed once a domain is DOM_DYING, which is set
		 * under d->lock: hold it while they are read.
		 */
		spin_lock(&d->lock);
		if (d->state != DOM_DYING) {
			e->vcpus = d->nr_vcpus;
			for (unsigned int i = 0; i < d->nr_vcpus; i++) {
				struct vcpu *v = d->vcpus[i];
				u64 t = v->runtime_ticks,
				    s = READ_ONCE(v->run_start);

				if (s)
					t += arch_counter_read() - s;
				e->vcpu_cpu[i] = v->processor;
				e->vcpu_ns[i] = ticks_to_ns(t);
				e->cpu_ns += e->vcpu_ns[i];
			}
		}
		spin_unlock(&d->lock);
		l->nr++;
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
	l->nr_cpus = nr_cpu_ids;
	l->free_pages = free_page_count();
	l->cache_pages = xmalloc_cache_pages();
	l->uptime_ns = now;
	reply_ok(h, resp, sizeof(*l) + l->nr * sizeof(*info));
}

static void do_dmesg(const struct xl_mgmt_hdr *h, const void *p)
{
	struct xl_mgmt_dmesg *out = (struct xl_mgmt_dmesg *)resp;
	struct xl_mgmt_dmesg_req req;
	size_t n;
	u64 from;

	memcpy(&req, p, sizeof(req));
	out->end = console_log_end();
	from = req.from;
	n = console_log_read(&from, (char *)(out + 1),
			     sizeof(resp) - sizeof(*out));
	out->from = from;
	out->next = from + n;
	reply_ok(h, resp, sizeof(*out) + n);
}

/* vCPU states and times of @d, as text. */
static void do_dump(const struct xl_mgmt_hdr *h, struct domain *d)
{
	size_t n = 0, max = sizeof(resp);
	unsigned long flags;

	n += snprintf((char *)resp + n, max - n,
		      "domain %u (%s): %s, %llu MiB, %llu frames, restarts %u",
		      d->id, d->name, state_name(state_of(d)),
		      (unsigned long long)(d->ram_bytes >> 20),
		      (unsigned long long)d->tot_pages, d->restarts);
	if (d->state == DOM_PRESERVED || d->state == DOM_SHUTTING_DOWN)
		n += snprintf((char *)resp + n, max - n,
			      ", shut down: %s, code %d",
			      d->shutdown_reason == SHUTDOWN_POWEROFF ?
				      "poweroff" :
			      d->shutdown_reason == SHUTDOWN_REBOOT ? "reboot" :
								      "crash",
			      d->shutdown_code);
	n += snprintf((char *)resp + n, max - n, "\n");
	/* Its vCPUs go once it is DOM_DYING, set under d->lock. */
	spin_lock_irqsave(&d->lock, flags);
	for (unsigned int i = 0;
	     d->state != DOM_DYING && i < d->nr_vcpus && n < max; i++) {
		struct vcpu *v = d->vcpus[i];

		n += snprintf(
			(char *)resp + n, max - n,
			"vcpu %u: pcpu %u, %s%s, %llu us\n", i, v->processor,
			v->state == VCPU_DOWN	 ? "down" :
			v->state == VCPU_BLOCKED ? "blocked" :
			v->state == VCPU_RUNNING ? "running" :
						   "runnable",
			READ_ONCE(v->pause) ? " (held)" : "",
			(unsigned long long)(ticks_to_ns(v->runtime_ticks) /
					     1000));
		if (n < max && v->processor != smp_processor_id() &&
		    READ_ONCE(pcpu_info[v->processor].curr) == v)
			continue; /* its registers are on another CPU now */
		if (n < max)
			n += arch_vcpu_dump(v, (char *)resp + n, max - n);
	}
	spin_unlock_irqrestore(&d->lock, flags);
	reply_ok(h, resp, MIN(n, max));
}

static void do_domain_cmd(const struct xl_mgmt_hdr *h, const void *p)
{
	const struct xl_mgmt_dom *dom = p;
	struct domain *d = find_domain(dom->name);
	const char *verb = "";
	int rc = 0;

	if (!d) {
		reply_text(h, -ESRCH, "no domain called '%s'", dom->name);
		return;
	}
	switch (h->type) {
	case XL_MGMT_PAUSE:
	case XL_MGMT_UNPAUSE:
		rc = domain_pause(d, h->type == XL_MGMT_PAUSE);
		verb = h->type == XL_MGMT_PAUSE ? "pause" : "unpause";
		break;
	case XL_MGMT_DESTROY:
		rc = domain_admin_shutdown(d, ACTION_DESTROY);
		verb = "destroy";
		break;
	case XL_MGMT_REBOOT:
		rc = domain_admin_shutdown(d, ACTION_RESTART);
		verb = "reboot";
		break;
	case XL_MGMT_DUMP:
		do_dump(h, d);
		domain_put(d);
		return;
	case XL_MGMT_VCPU_PIN: {
		const struct xl_mgmt_vcpu_pin *pin = p;

		if (pin->vcpu >= d->nr_vcpus) {
			reply_text(h, -EINVAL,
				   "domain '%s' has no vCPU %u (it has %u)",
				   d->name, pin->vcpu, d->nr_vcpus);
			domain_put(d);
			return;
		}
		if (pin->cpu >= nr_cpu_ids ||
		    !cpumask_test_cpu(pin->cpu, &cpu_online_map)) {
			reply_text(
				h, -EINVAL,
				"the machine has no CPU %u online (CPUs 0-%u)",
				pin->cpu, nr_cpu_ids - 1);
			domain_put(d);
			return;
		}
		rc = domain_vcpu_pin(d, pin->vcpu, pin->cpu);
		if (rc == -EPERM)
			reply_text(
				h, rc,
				"domain '%s' has passed-through interrupts, routed to its vCPUs' CPUs: its vCPUs stay where they are",
				d->name);
		else if (rc == -EXDEV)
			reply_text(
				h, rc,
				"vCPU %u of domain '%s' cannot move: it uses an IMSIC guest interrupt file of its CPU",
				pin->vcpu, d->name);
		else if (rc == -EBUSY)
			reply_text(
				h, rc,
				"vCPU %u of domain '%s' did not leave its CPU within 2 s: not moved",
				pin->vcpu, d->name);
		if (rc == -EPERM || rc == -EXDEV || rc == -EBUSY) {
			domain_put(d);
			return;
		}
		verb = "move a vCPU of";
		break;
	}
	case XL_MGMT_SHUTDOWN:
		/*
		 * The power button: the guest decides what to do, the CLI
		 * waits for the domain to shut down (docs/cli.md). Running
		 * or paused (a paused guest sees it once unpaused).
		 */
		rc = READ_ONCE(d->state) == DOM_RUNNING ? arch_power_button(d) :
							  -EINVAL;
		verb = "shut down";
		if (!rc)
			printk("domain %u (%s): power button pressed\n", d->id,
			       d->name);
		break;
	case XL_MGMT_MEM_SET: {
		const struct xl_mgmt_mem_set *m = p;

		if (m->bytes & (PAGE_SIZE - 1) || m->bytes < (1ULL << 20) ||
		    m->bytes > d->ram_bytes) {
			reply_text(
				h, -EINVAL,
				"domain '%s': a memory target is a multiple of 4 KiB from 1 MiB to its %llu MiB",
				d->name,
				(unsigned long long)(d->ram_bytes >> 20));
			domain_put(d);
			return;
		}
		rc = domain_set_target(d, m->bytes >> PAGE_SHIFT);
		verb = "set the memory target of";
		break;
	}
	default:
		rc = -EOPNOTSUPP;
		verb = "do that to";
		break;
	}
	if (rc)
		reply_text(h, rc, "cannot %s domain '%s' (it is %s)", verb,
			   d->name, state_name(state_of(d)));
	else
		reply_ok(h, NULL, 0);
	domain_put(d);
}

static void mgmt_request(void *ctx, const struct xl_mgmt_hdr *h, const void *p,
			 size_t len)
{
	(void)ctx;
	switch (h->type) {
	case XL_MGMT_HELLO: {
		struct xl_mgmt_hello hello = {
			.version = XL_MGMT_VERSION,
			.nr_cpus = nr_cpu_ids,
			.uptime_ns = uptime_ns(),
		};

		reply_ok(h, &hello, sizeof(hello));
		return;
	}
	case XL_MGMT_LIST:
		do_list(h);
		return;
	case XL_MGMT_DMESG:
		do_dmesg(h, p);
		return;
	case XL_MGMT_CONSOLE_IN: {
		const struct xl_mgmt_dom *dom = p;

		if (domain_console_send(dom->name, (const char *)(dom + 1),
					len - sizeof(*dom)))
			reply_text(h, -ESRCH, "no running domain called '%s'",
				   dom->name);
		else
			reply_ok(h, NULL, 0);
		return;
	}
	case XL_MGMT_STOP:
		reply_ok(h, NULL, 0);
		domain_request_stop();
		return;
	case XL_MGMT_PAUSE:
	case XL_MGMT_UNPAUSE:
	case XL_MGMT_DESTROY:
	case XL_MGMT_REBOOT:
	case XL_MGMT_DUMP:
	case XL_MGMT_MEM_SET:
	case XL_MGMT_SHUTDOWN:
	case XL_MGMT_VCPU_PIN:
		do_domain_cmd(h, p);
		return;
	default:
		reply_text(h, -EOPNOTSUPP,
			   "request %u is not implemented by this hypervisor",
			   h->type);
		return;
	}
}

static void stage_free(void)
{
	if (stage_pages)
		free_page_run(maddr_to_mfn(stage_pa), stage_pages);
	stage_pages = 0;
	xfree(stage_dtb);
	stage_dtb = NULL;
}

/*
 * The kernel and ramdisk go into one run of frames, each image from a
 * page boundary: a domain is built from physically contiguous images
 * (struct domain_config), and these frames stay with the domain for its
 * restarts. Power-of-two block, the tail given back at once.
 */
static int mgmt_create_begin(void *ctx, const struct xl_mgmt_create *c,
			     struct mgmt_sink *s)
{
	u64 kpages = DIV_ROUND_UP(c->kernel_len, PAGE_SIZE);
	u64 pages = kpages + DIV_ROUND_UP(c->ramdisk_len, PAGE_SIZE);
	unsigned int order = 0;
	struct page_info *pg;

	(void)ctx;
	stage_free();
	while ((1ULL << order) < pages)
		order++;
	if (order > 18)
		return -ENOMEM;
	pg = alloc_pages(order);
	if (!pg)
		return -ENOMEM;
	if ((1ULL << order) > pages)
		free_page_run(_mfn(mfn_x(page_to_mfn(pg)) + pages),
			      (1ULL << order) - pages);
	stage_pa = mfn_to_maddr(page_to_mfn(pg));
	stage_pages = pages;
	stage_dtb = xmalloc(c->dtb_len);
	if (!stage_dtb) {
		stage_free();
		return -ENOMEM;
	}
	stage_t0 = arch_counter_read();
	s->dtb = stage_dtb;
	s->kernel = maddr_to_virt(stage_pa);
	s->ramdisk = s->kernel + (kpages << PAGE_SHIFT);
	return 0;
}

static void mgmt_create_end(void *ctx, const struct xl_mgmt_hdr *h,
			    const struct xl_mgmt_create *c, struct mgmt_sink *s)
{
	static struct domain_config cfg;
	u64 t1 = arch_counter_read(), t2;
	char err[160];
	struct domain *other;
	int n, id;

	(void)ctx;
	(void)s;
	if (fdt_check_header(stage_dtb) ||
	    fdt_totalsize(stage_dtb) > c->dtb_len) {
		reply_text(h, -EINVAL, "the domain's device tree is malformed");
		goto fail;
	}
	/* The boot-time parser and checks, against this machine. */
	n = domain_fdt_parse(stage_dtb, &cfg, 1, nr_cpu_ids, err, sizeof(err));
	if (n != 1) {
		reply_text(h, n < 0 ? n : -EINVAL, "%s",
			   n < 0 ? err : "expected one domain node");
		goto fail;
	}
	/*
	 * Host devices and shared memory are checked against every other
	 * domain at boot only (domain_fdt.c): not at run time.
	 */
	if (cfg.nr_iomem || cfg.nr_irqs || cfg.dtdev_len || cfg.direct_map ||
	    cfg.nr_shm) {
		reply_text(
			h, -EOPNOTSUPP,
			"domain %s: passthrough and shared memory are for boot-time domains only",
			cfg.name);
		goto fail;
	}
	if (cfg.kernel_size != c->kernel_len ||
	    cfg.ramdisk_size != c->ramdisk_len) {
		reply_text(
			h, -EINVAL,
			"domain %s: module sizes differ from the images sent",
			cfg.name);
		goto fail;
	}
	other = find_domain(cfg.name);
	if (other) {
		domain_put(other);
		reply_text(h, -EEXIST, "a domain called '%s' exists already",
			   cfg.name);
		goto fail;
	}
	cfg.domid = 0;
	cfg.modules_in_place = false;
	cfg.kernel_pa = stage_pa;
	cfg.ramdisk_pa = stage_pa +
			 (DIV_ROUND_UP(c->kernel_len, PAGE_SIZE) << PAGE_SHIFT);
	cfg.staging_pa = stage_pa;
	cfg.staging_pages = stage_pages;
	id = domain_start(&cfg);
	if (id == -ENOSPC) {
		reply_text(h, id,
			   "domain %s: %u domains exist, as many as this "
			   "hypervisor takes (CONFIG_MAX_DOMAINS)",
			   cfg.name, (unsigned int)CONFIG_MAX_DOMAINS);
		goto fail;
	} else if (id < 0) {
		reply_text(
			h, id,
			id == -ENOMEM ?
				"domain %s: not enough free memory (%llu MiB free)" :
				"domain %s: build failed (%llu MiB free)",
			cfg.name, (unsigned long long)(free_page_count() >> 8));
		goto fail;
	}
	t2 = arch_counter_read();
	printk("domain %d (%s): %llu KiB of images received in %llu ms, built in %llu ms\n",
	       id, cfg.name,
	       (unsigned long long)((c->kernel_len + c->ramdisk_len) >> 10),
	       (unsigned long long)(ticks_to_ns(t1 - stage_t0) / 1000000),
	       (unsigned long long)(ticks_to_ns(t2 - t1) / 1000000));
	/* The frames are the domain's now. */
	stage_pages = 0;
	stage_free();
	{
		unsigned int out = (unsigned int)id;

		reply_ok(h, &out, sizeof(out));
	}
	return;
fail:
	stage_free();
}

static const struct mgmt_ops cmd_ops = {
	.request = mgmt_request,
	.create_begin = mgmt_create_begin,
	.create_end = mgmt_create_end,
	.reply = send_reply,
};

/* Is the reserved transport in the host's device tree? */
static bool transport_listed(const void *fdt)
{
	int node = -1;

	while ((node = fdt_node_offset_by_compatible(fdt, node,
						     "virtio,mmio")) >= 0) {
		const fdt32_t *reg;
		int len;

		reg = fdt_getprop(fdt, node, "reg", &len);
		if (reg && len >= 8 &&
		    (((u64)fdt32_ld(&reg[0]) << 32) | fdt32_ld(&reg[1])) ==
			    MGMT_BASE)
			return true;
	}
	return false;
}

void mgmt_init(const struct bootinfo *bi)
{
	if (!bi->fdt || !transport_listed(bi->fdt))
		return;
	if (virtio_console_probe(MGMT_BASE))
		return; /* no console there: no channel, as before */
	mgmt_rx_init(&rx, &cmd_ops, NULL);
	mgmt_up = true;
	domain_set_managed();
	printk("xen-lite: management channel on virtio-mmio %#llx\n",
	       (unsigned long long)MGMT_BASE);
}

static void feed(void *arg, const u8 *p, size_t n)
{
	mgmt_rx_feed(arg, p, n);
}

bool mgmt_pending(void)
{
	return mgmt_up && (virtio_console_rx_ready() || mgmt_rx_busy(&rx));
}

bool mgmt_poll(void)
{
	/* What has arrived, for up to 20 ms; the scheduler loop comes back. */
	u64 end = arch_counter_read() + arch_counter_freq() / 50;

	if (!mgmt_up)
		return false;
	while (virtio_console_rx(feed, &rx) && arch_counter_read() < end)
		;
	return mgmt_rx_busy(&rx);
}
